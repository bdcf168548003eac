"""Run the functions of the Cython test module cython_ext.

usage: cython_run.py clean | pop_and_print_bad

`clean' runs every correct function (pyref must report nothing);
`pop_and_print_bad' runs the buggy one with a list of three str
objects made at run time, so that the list holds their only reference.
"""
import array
import sys

import cython_ext


def strings():
    return ["item %d" % n for n in range(1000, 1003)]


def clean():
    print(cython_ext.linked_list(5000))
    print(cython_ext.free_list(10000))
    print(sum(cython_ext.generator(1000)), sum(cython_ext.closures(200)))
    print(cython_ext.c_buffer(1000))
    print(cython_ext.memoryview_sum(array.array("d", range(1000))))
    print(cython_ext.dict_and_sort(3000))
    cython_ext.pop_and_print_ok(strings())


if sys.argv[1:] == ["clean"]:
    clean()
elif sys.argv[1:] == ["pop_and_print_bad"]:
    # The reports after the first depend on who drops the last reference
    # to the dead item: with stdout written through, print's own copy
    # goes before the call returns, whether stdout is a terminal or not.
    sys.stdout.reconfigure(write_through=True)
    cython_ext.pop_and_print_bad(strings())
else:
    sys.exit(__doc__)
print("done")
