# paths.py: calls buggy_refs' decref_twice_float and decref_twice_list
# through different C call paths, to capture the fixtures of tests/gen
# (see capture): `python paths.py direct map' calls each function first
# directly, then through map().  Paths: direct, map, sorted, lambda.
import sys

import buggy_refs


def call(how, func):
    if how == "direct":
        func()
    elif how == "map":
        list(map(lambda _: func(), [0]))
    elif how == "sorted":
        sorted([1, 0], key=lambda _: (func(), 0)[1])
    elif how == "lambda":
        (lambda: func())()
    else:
        raise SystemExit("paths.py: unknown path " + how)


for how in sys.argv[1:]:
    call(how, buggy_refs.decref_twice_float)
    call(how, buggy_refs.decref_twice_list)
print("returned")
