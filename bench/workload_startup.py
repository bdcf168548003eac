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

"""Start-up workload for bench/run-bench.

usage: workload_startup.py

Mostly interpreter start-up: the interpreter initialises, imports a
handful of common standard-library modules (pure Python ones and a few
backed by C extension modules, which are loaded from shared objects),
touches each once, prints one deterministic line and exits.  Under a
Valgrind tool this is dominated by the translation of new code (the
interpreter, libc, the extension modules) and by loading their debug
information, not by running Python code.

The output line does not depend on the environment (no hash(), no id(),
no paths, no time), so run-bench can compare it with the native run's.
"""

import sys

import argparse
import collections
import datetime
import decimal
import functools
import json
import os
import pathlib
import re
import struct
import textwrap


def main():
    # Touch each module once so that the import is not the only work.
    parser = argparse.ArgumentParser(prog="workload_startup")
    parser.add_argument("--n", type=int, default=3)
    args = parser.parse_args([])
    counts = collections.Counter("startup workload")
    day = datetime.date(2024, 2, 29) + datetime.timedelta(days=args.n)
    total = decimal.Decimal("1.10") * 3
    doubled = functools.reduce(lambda a, b: a + b, range(10))
    blob = json.dumps({"day": day.isoformat(), "total": str(total)},
                      sort_keys=True)
    joined = os.path.join("a", "b")
    suffix = pathlib.PurePosixPath("x/y.tar.gz").suffixes
    words = re.findall(r"[a-z]+", "Start up, then exit.")
    packed = struct.pack("<iH", 7, 3)
    wrapped = textwrap.wrap("one two three four", width=8)
    print("workload_startup", blob, counts["t"], doubled, joined,
          "".join(suffix), len(words), len(packed), len(wrapped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
