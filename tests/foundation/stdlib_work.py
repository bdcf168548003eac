# stdlib_work.py: import a dozen standard modules and make each do a little work.
# The output must be the same on every CPython from 3.8 on.
# SPDX-License-Identifier: GPL-2.0-or-later

import array
import base64
import bisect
import collections
import dataclasses
import datetime
import decimal
import fractions
import functools
import hashlib
import heapq
import io
import itertools
import json
import math
import pickle
import random
import re
import statistics
import struct
import textwrap
import threading
import zlib


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def main():
    rng = random.Random(20250101)
    numbers = [rng.randrange(1000) for _ in range(2000)]

    data = {"numbers": numbers[:50], "name": "pyref", "nested": {"a": [1, 2.5, None]}}
    text = json.dumps(data, sort_keys=True)
    assert json.loads(text) == data
    print("json:", len(text) > 100)

    counts = collections.Counter(n % 10 for n in numbers)
    print("collections:", sum(counts.values()), len(counts))

    words = re.findall(r"[a-z]+", "the quick brown fox jumps over the lazy dog " * 20)
    print("re:", len(words), sorted(set(words))[:3])

    heap = list(numbers)
    heapq.heapify(heap)
    smallest = [heapq.heappop(heap) for _ in range(5)]
    print("heapq:", smallest == sorted(numbers)[:5])

    ordered = sorted(numbers)
    print("bisect:", bisect.bisect_left(ordered, 500) == sum(1 for n in numbers if n < 500))

    print("itertools:", list(itertools.islice(itertools.accumulate(range(10)), 5)))
    print("functools:", fib(80))

    decimal.getcontext().prec = 30
    print("decimal:", decimal.Decimal(1) / decimal.Decimal(7))
    print("fractions:", sum(fractions.Fraction(1, n) for n in range(1, 11)))
    print("math:", math.isqrt(10 ** 20) if hasattr(math, "isqrt") else 10 ** 10,
          round(math.pi, 6))
    print("statistics:", statistics.mean([1, 2, 3, 4]), statistics.median([3, 1, 2]))

    payload = ("".join(words) * 10).encode()
    packed = zlib.compress(payload)
    assert zlib.decompress(packed) == payload
    print("zlib:", len(packed) < len(payload))
    print("hashlib:", hashlib.sha256(b"pyref").hexdigest()[:16])
    print("base64:", base64.b64encode(b"vg-pyref").decode())

    blob = struct.pack("<iqd", -1, 2 ** 40, 0.5)
    print("struct:", struct.unpack("<iqd", blob))
    arr = array.array("d", (n / 4 for n in range(8)))
    print("array:", arr.tolist()[-1], arr.itemsize)

    points = [Point(n, -n) for n in range(100)]
    restored = pickle.loads(pickle.dumps(points, protocol=pickle.HIGHEST_PROTOCOL))
    print("pickle:", restored == points, restored[7])

    day = datetime.date(2024, 2, 28) + datetime.timedelta(days=2)
    print("datetime:", day.isoformat(), day.strftime("%A"))

    buf = io.StringIO()
    buf.write(textwrap.fill("Pyref checks reference counts of CPython objects. " * 3,
                            width=40))
    print("textwrap/io:", len(buf.getvalue().splitlines()))

    total = collections.Counter()
    lock = threading.Lock()

    def work(k):
        local = sum(i * k for i in range(1000))
        with lock:
            total[k] = local

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("threading:", sorted(total.items()))


main()
