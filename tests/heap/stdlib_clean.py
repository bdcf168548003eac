# Import a large part of the standard library and use a little of each:
# CPython's own code must run under pyref without a single report.
import importlib
import sys

MODULES = """
abc argparse array ast asyncio base64 bisect bz2 calendar cmath codecs
collections colorsys concurrent.futures configparser contextlib copy csv
ctypes dataclasses datetime decimal difflib email enum fnmatch fractions
functools gc getopt gettext glob gzip hashlib heapq hmac html html.parser
http.client inspect io ipaddress itertools json keyword linecache locale
logging lzma math mimetypes numbers operator optparse os pathlib pickle
platform plistlib pprint queue random re reprlib sched secrets select
selectors shlex shutil signal socket sqlite3 statistics string struct
subprocess tarfile tempfile textwrap threading time timeit tokenize
traceback types typing unicodedata unittest urllib.parse uuid warnings
weakref xml.dom.minidom xml.etree.ElementTree zipfile zlib
""".split()

loaded = 0
for name in MODULES:
    try:
        importlib.import_module(name)
        loaded += 1
    except ImportError:
        pass    # optional modules a build may lack (_sqlite3, _lzma ...)

import json, re, decimal, fractions, collections, datetime, hashlib
data = {str(i): [i, i * 1.5, str(i) * 3] for i in range(2000)}
text = json.dumps(data, sort_keys=True)
assert json.loads(text) == data
words = re.findall(r"[0-9]+", text)
total = sum(decimal.Decimal(w) for w in words[:500])
frac = sum(fractions.Fraction(i, i + 1) for i in range(1, 200))
counts = collections.Counter(text)
digest = hashlib.sha256(text.encode()).hexdigest()
print(loaded > 80, len(words), total, frac.numerator % 1000,
      counts.most_common(1)[0][0], digest[:8])
