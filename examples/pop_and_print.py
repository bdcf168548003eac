# pop_and_print.py: run the README's buggy C extension, pyref_example.
#
# Copyright (C) 2026 the vg-pyref developers
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   valgrind --tool=pyref python3 examples/pop_and_print.py       # the bug
#   valgrind --tool=pyref python3 examples/pop_and_print.py ok    # the fix
#
# pop_and_print_bad() borrows the last item of the list, empties the list,
# then reads the item's refcount and prints it.  The list held the only
# reference, so the item is already freed: pyref reports a StaleBorrow at
# the Py_REFCNT() line of pop_and_print_bad (pyref_example.c), shows where
# PyList_GetItem lent the item, and where it died: when do_something()
# emptied the list (PyList_SetSlice).  Run natively, it usually prints
# the right number anyway, with a nonsense refcount.
# pop_and_print_ok() keeps a reference while it uses the item: no report.

import os
import sys

# The module is built next to this script: pyref_example<EXT_SUFFIX>.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyref_example


def main():
    # Ints >= 257 made at run time: the list holds the only reference to
    # each (small ints and literals are kept alive elsewhere).
    items = [1000 + i for i in range(3)]
    if sys.argv[1:] == ["ok"]:
        pyref_example.pop_and_print_ok(items)
    else:
        pyref_example.pop_and_print_bad(items)
    print("list after the call:", items)


if __name__ == "__main__":
    main()
