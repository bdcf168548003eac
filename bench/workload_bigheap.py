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

"""Big-heap workload for bench/run-bench.

usage: workload_bigheap.py [SIZE]

SIZE thousand small records (default: DEFAULT_SIZE) are built and kept
alive, and then the program churns through short-lived objects while
they live, as a long test run or a server does.  Each record is a tuple
holding an int, a short str and a float: four pymalloc blocks, so the
live heap holds about 4 * SIZE thousand small blocks (some 25 MB at the
default size, natively).

The alloc workload's live heap stays small, so it cannot show what a
tool pays for each live block: pyref keeps a record of every heap block,
and Memcheck under PYTHONMALLOC=malloc one of every malloc'd object.
Here that cost shows in peak memory, and in time wherever a tool's work
at an allocation or a free grows with the size of the heap.

The only output is one line with a checksum, which depends only on SIZE
(no hash() of str, no id(), no set order; float arithmetic is exact).
"""

import sys

DEFAULT_SIZE = 100

MASK = (1 << 61) - 1


def mix(acc, value):
    """Fold an int into the running checksum."""
    return (acc * 1000003 ^ (value & MASK)) & MASK


def build(n):
    """n records that stay alive: tuple, int, str and float each."""
    return [(i + 1000, "k%d" % i, i * 0.5) for i in range(n)]


def churn(keep, rounds, width):
    """Short-lived tuples and floats, and reads of the live records."""
    acc = 0
    n = len(keep)
    stride = max(1, n // width)
    for r in range(rounds):
        tmp = [(j, j * 2.0 + r) for j in range(width)]
        acc = mix(acc, len(tmp) + int(tmp[-1][1]))
        for j in range(0, n, stride):
            i, name, half = keep[j]
            acc = mix(acc, i + len(name) + int(half))
        del tmp
    return acc


def main():
    size = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SIZE
    keep = build(size * 1000)
    acc = churn(keep, rounds=20, width=25000)
    print("workload_bigheap size=%d checksum=%016x" % (size, acc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
