#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# This file is part of vg-pyref, a Valgrind tool that checks CPython
# programs.
#
# vg-pyref is free software; you can redistribute it and/or modify it
# under the terms of the GNU General Public License as published by the
# Free Software Foundation; either version 2 of the License, or (at your
# option) any later version.
#
# vg-pyref is distributed in the hope that it will be useful, but WITHOUT
# ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or
# FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
# for more details.
#
# You should have received a copy of the GNU General Public License along
# with this program; if not, see <https://www.gnu.org/licenses/>.

"""CPU- and allocation-heavy workload for bench/run-bench.

usage: workload_alloc.py [SIZE]

SIZE is the number of rounds (default: DEFAULT_SIZE, which takes about
0.3-0.5 s natively on the 2-vCPU development machine; run-bench --quick
uses a fifth of it).  Each round runs every phase below once, so the mix
of work is the same at every size and the run time is proportional to
SIZE.

The phases cover what a refcount/allocator-aware tool has to follow:

  - small objects served by pymalloc (<= 512 bytes): ints, floats,
    short strings, small tuples, small lists and dicts, instances;
  - larger objects served by malloc (> 512 bytes): long strings and
    their slices, bytes/bytearray buffers, big lists, resized dicts;
  - instances of small classes with a __dict__ and with __slots__;
  - list growth and shrinking, dict growth (resize) and deletion;
  - string building (join, concatenation, formatting) and slicing.

The only output is one line with a checksum of the results.  It depends
only on SIZE: no hash() of str/bytes (randomised per process), no id(),
no set iteration order, and float arithmetic is limited to +, -, *, /
and repr, which are exact under Valgrind too.  run-bench compares this
line with the native run's to detect a configuration that broke the
program; the script itself checks nothing.
"""

import sys

DEFAULT_SIZE = 200

MASK = (1 << 61) - 1


def mix(acc, value):
    """Fold a non-negative or negative int into the running checksum."""
    return (acc * 1000003 ^ (value & MASK)) & MASK


class Point:
    """Small class with a __dict__ (one pymalloc object plus its dict)."""

    def __init__(self, x, y, label):
        self.x = x
        self.y = y
        self.label = label

    def moved(self, dx, dy):
        return Point(self.x + dx, self.y + dy, self.label)


class Slot:
    """Small class with __slots__ (no __dict__)."""

    __slots__ = ("a", "b", "c")

    def __init__(self, a, b, c):
        self.a = a
        self.b = b
        self.c = c


class Rng:
    """Tiny deterministic LCG (the random module is not needed)."""

    __slots__ = ("state",)

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self, bound):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return self.state % bound


def phase_tuples_and_small_dicts(rng):
    """Many small short-lived tuples, dicts and short strings."""
    acc = 0
    rows = []
    for i in range(120):
        v = rng.next(1000)
        row = (i, v, "r%d" % v, v * 0.5)
        rows.append(row)
    index = {}
    for i, v, name, half in rows:
        rec = {"id": i, "value": v, "name": name, "half": half}
        index[name] = rec
    for name, rec in index.items():
        acc = mix(acc, rec["id"] * 7 + rec["value"] + len(name))
    pairs = sorted((rec["value"], rec["id"]) for rec in index.values())
    acc = mix(acc, pairs[0][0] + pairs[-1][0] * 3 + len(pairs))
    return acc


def phase_dict_resize(rng):
    """Grow dicts from empty (several resizes), delete, regrow."""
    acc = 0
    d = {}
    r = rng.next(5)
    for i in range(700):
        d[i * 7 + (i * r & 3)] = i
    for k in list(d)[::2]:
        del d[k]
    for i in range(300):
        d["s%d" % i] = i
    acc = mix(acc, len(d))
    total = 0
    for k, v in d.items():
        total += v
    acc = mix(acc, total)
    # a dict of small dicts, then copies and merges
    nested = {i: {"a": i, "b": -i} for i in range(60)}
    merged = {}
    for sub in nested.values():
        merged.update(sub)
        merged = dict(merged)
    acc = mix(acc, merged["a"] - merged["b"])
    d.clear()
    return acc


def phase_list_grow_shrink(rng):
    """Append one by one, pop, slice-delete, extend, insert."""
    acc = 0
    lst = []
    r = rng.next(64)
    for i in range(1500):
        lst.append(i ^ (i * r & 63))
    acc = mix(acc, sum(lst))
    while len(lst) > 40:
        lst.pop()
    acc = mix(acc, sum(lst))
    lst.extend(range(2000))
    del lst[::2]
    acc = mix(acc, len(lst) + lst[-1])
    lst[100:900] = [0] * 3
    for i in range(40):
        lst.insert(i * 3, -i)
    acc = mix(acc, sum(lst) + len(lst))
    grid = [[r * c for c in range(12)] for r in range(30)]
    flat = [x for row in grid for x in row if x & 1]
    acc = mix(acc, len(flat) + flat[-1])
    return acc


def phase_strings(rng):
    """Build, join, slice and transform small and large strings."""
    acc = 0
    words = ["w%03d" % rng.next(1000) for _ in range(150)]
    # small strings: formatting, concatenation, upper/replace
    for w in words[:60]:
        s = w + "-" + w[::-1]
        s = s.upper().replace("W", "v")
        acc = mix(acc, len(s) + ord(s[-1]))
    # large strings (> 512 bytes, malloc-backed)
    big = " ".join(words)
    acc = mix(acc, len(big))
    bigger = big * 4
    acc = mix(acc, bigger.count("w1"))
    step = 37
    for start in range(0, len(bigger) - 800, step * 17):
        piece = bigger[start:start + 800]        # > 512: malloc
        small = bigger[start:start + 40]         # < 512: pymalloc
        acc = mix(acc, len(piece.split()) + ord(small[-1]))
    parts = []
    for i in range(200):
        parts.append(f"{i}:{words[i % len(words)]};")
    text = "".join(parts)
    acc = mix(acc, len(text))
    fields = text.split(";")
    acc = mix(acc, len(fields) + len(fields[17]))
    raw = text.encode("ascii")
    buf = bytearray()
    for i in range(0, len(raw), 64):
        buf += raw[i:i + 64]
    acc = mix(acc, len(buf) + buf[100])
    return acc


def phase_floats(rng):
    """Float arithmetic: many short-lived float objects."""
    x = 0.0
    y = 1.0
    values = []
    for i in range(600):
        x = x * 0.5 + i / 7.0
        y = y + x / (i + 1.0)
        values.append(x - y)
    total = 0.0
    for v in values:
        total += v * v
    # repr is exact, and so is the arithmetic above under Valgrind
    acc = mix(0, len(repr(total)))
    acc = mix(acc, int(total) + int(y * 1000.0))
    return acc


def phase_instances(rng):
    """Instances with __dict__ and with __slots__, attribute churn."""
    acc = 0
    points = [Point(i, -i, "p%d" % (i % 10)) for i in range(150)]
    for _ in range(2):
        points = [p.moved(1, 2) for p in points]
    for p in points:
        p.z = p.x * p.y          # grows each instance dict
    acc = mix(acc, sum(p.z for p in points))
    slots = [Slot(i, str(i), (i, i)) for i in range(200)]
    for s in slots:
        s.a += 1
        s.c = (s.a, s.b)
    acc = mix(acc, sum(s.a + len(s.b) + s.c[0] for s in slots))
    by_label = {}
    for p in points:
        by_label.setdefault(p.label, []).append(p)
    acc = mix(acc, len(by_label) + len(by_label["p3"]))
    return acc


PHASES = (
    phase_tuples_and_small_dicts,
    phase_dict_resize,
    phase_list_grow_shrink,
    phase_strings,
    phase_floats,
    phase_instances,
)


def main(argv):
    if len(argv) > 2:
        sys.stderr.write("usage: workload_alloc.py [SIZE]\n")
        return 2
    size = int(argv[1]) if len(argv) == 2 else DEFAULT_SIZE
    if size < 1:
        sys.stderr.write("workload_alloc.py: SIZE must be >= 1\n")
        return 2
    rng = Rng(20240607)
    acc = 0
    for _ in range(size):
        for phase in PHASES:
            acc = mix(acc, phase(rng))
    print("workload_alloc size=%d checksum=%016x" % (size, acc))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
