"""Real third-party extensions, as Debian 12 packages them, used the way
programs use them: pyref must report nothing.

numpy (C, its own allocator for array data and caches of its own),
lxml (Cython, over libxml2), PyYAML with its libyaml loader (Cython),
msgpack (Cython), markupsafe (C) and cryptography (Rust, through PyO3).
Every result is checked, so a changed result fails the case too.
"""
import json

import numpy as np

a = np.arange(10000, dtype=np.float64).reshape(100, 100)
assert float((a @ a.T).trace()) == 333283335000.0
assert float(a[3:7, ::2].sum()) == 99800.0
rng = np.random.default_rng(1)
sorted_values = np.sort(rng.random(1000))
assert sorted_values[0] <= sorted_values[-1]
objects = np.array([str(i) for i in range(1000)], dtype=object)
assert objects[::7].tolist()[:3] == ["0", "7", "14"]
assert len(set(objects.tolist())) == 1000
assert np.char.upper(np.array(["abc", "de"])).tolist() == ["ABC", "DE"]
grown = []
for i in range(200):
    grown.append(np.concatenate([np.ones(i), np.zeros(3)]).sum())
assert grown[-1] == 199.0

import lxml.etree as etree

root = etree.fromstring(b"<r>" + b"".join(b"<i n='%d'>t%d</i>" % (i, i)
                                         for i in range(500)) + b"</r>")
assert len(root) == 500 and root[10].get("n") == "10"
assert root.xpath("count(//i)") == 500.0
assert etree.tostring(root[3]) == b'<i n="3">t3</i>'
for element in list(root)[:100]:
    root.remove(element)
assert len(root) == 400

import yaml

text = yaml.safe_dump({"a": list(range(20)), "b": {"c": "d"}})
assert yaml.safe_load(text)["b"] == {"c": "d"}
assert yaml.__with_libyaml__
assert yaml.load(text, Loader=yaml.CSafeLoader)["a"][-1] == 19

import msgpack

data = {"k%d" % i: [i, str(i), i / 3, None, True] for i in range(300)}
assert msgpack.unpackb(msgpack.packb(data)) == data
assert json.loads(json.dumps(data)) == data

import markupsafe

html = markupsafe.escape("<a href='x'>&</a>") + markupsafe.Markup("<b>ok</b>")
assert str(html) == "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;<b>ok</b>"

from cryptography.hazmat.primitives import hashes

digest = hashes.Hash(hashes.SHA256())
digest.update(b"abc")
assert digest.finalize().hex().startswith("ba7816bf8f01cfea")

print("third-party extensions ok")
