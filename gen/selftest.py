# selftest.py: seeded ownership bugs for pyref-selftest, in pure Python.
#
# Copyright (C) 2026 the vg-pyref developers
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pyref-selftest runs this script under `valgrind --tool=pyref' twice:
#
#   python selftest.py bugs  NAME...   each named bug, once, in order
#   python selftest.py clean NAME...   the correct twin of each
#
# and checks the XML report: every bug reported with its kind (and Python
# type), and nothing at all for the twins.  The bugs need no compiler:
# ctypes calls CPython's C API (ctypes.pythonapi) and the C library
# directly, as a C extension would.  NAME is the pyref kind the bug must
# give.  Natively (without pyref) the bugs corrupt the heap; under pyref a
# bad free is reported and not done, and the run ends with os._exit()
# before the interpreter's teardown could trip over a refcount made
# negative.  Runs on CPython 3.6 and later.

import ctypes
import os
import sys

api = ctypes.pythonapi
libc = ctypes.CDLL(None)


def declare(func, restype, *argtypes):
    func.restype = restype
    func.argtypes = list(argtypes)
    return func


void_p = ctypes.c_void_p
PyMem_Malloc = declare(api.PyMem_Malloc, void_p, ctypes.c_size_t)
PyMem_Free = declare(api.PyMem_Free, None, void_p)
PyObject_Free = declare(api.PyObject_Free, None, void_p)
Py_IncRef = declare(api.Py_IncRef, None, void_p)
Py_DecRef = declare(api.Py_DecRef, None, void_p)
# restype c_void_p: the borrowed reference as a plain address, which
# ctypes neither increfs nor keeps alive (py_object would).
PyList_GetItem = declare(api.PyList_GetItem, void_p, ctypes.py_object,
                         ctypes.c_ssize_t)
c_malloc = declare(libc.malloc, void_p, ctypes.c_size_t)
c_free = declare(libc.free, None, void_p)


def read_word(address):
    """Read the machine word at address, as C code would."""
    return ctypes.c_ssize_t.from_address(address).value


def read_byte(address):
    return ctypes.c_ubyte.from_address(address).value


def fresh_float():
    """A float made at run time (not a constant of the code object)."""
    return float(len(sys.argv)) + 0.5


def fresh_int():
    """An int made at run time, too big for the small-int cache."""
    return 10 ** 30 + len(sys.argv)


# Each bug and its twin.  A bug touches only memory it made itself, so
# that one bug cannot hide or cause another.

def bug_ExtraDecref():
    # Py_DECREF once too often: the float is dead (refcount 0, on the
    # float free list) when Py_DecRef runs.
    obj = fresh_float()
    address = id(obj)
    del obj
    Py_DecRef(address)


def twin_ExtraDecref():
    obj = fresh_float()
    Py_IncRef(id(obj))
    Py_DecRef(id(obj))
    del obj


def bug_StaleBorrow():
    # PyList_GetItem lends the int; clearing the list kills it; then its
    # refcount is read through the stale borrowed reference.
    items = [fresh_int()]
    item = PyList_GetItem(items, 0)
    items.clear()
    read_word(item)


def twin_StaleBorrow():
    items = [fresh_int()]
    item = PyList_GetItem(items, 0)
    read_word(item)
    items.clear()


def bug_UseAfterDealloc():
    # A read of the type pointer of a dead float (kept on the free list),
    # through an address kept from when it was alive.
    obj = fresh_float()
    address = id(obj)
    del obj
    read_word(address + ctypes.sizeof(ctypes.c_ssize_t))


def twin_UseAfterDealloc():
    obj = fresh_float()
    read_word(id(obj) + ctypes.sizeof(ctypes.c_ssize_t))
    del obj


def bug_InvalidFree():
    # libc free() of a pointer into a live bytes object.
    data = bytes(range(256)) * 2
    c_free(ctypes.cast(ctypes.c_char_p(data), void_p).value)


def twin_InvalidFree():
    block = c_malloc(512)
    c_free(block)


def bug_MismatchedFree():
    block = PyMem_Malloc(64)
    PyObject_Free(block)


def twin_MismatchedFree():
    block = PyMem_Malloc(64)
    PyMem_Free(block)


def bug_DoubleFree():
    block = PyMem_Malloc(64)
    PyMem_Free(block)
    PyMem_Free(block)


def twin_DoubleFree():
    block = PyMem_Malloc(64)
    PyMem_Free(block)


def bug_HeapOverflow():
    # one byte past the end of a 40-byte block
    block = PyMem_Malloc(40)
    read_byte(block + 40)
    PyMem_Free(block)


def twin_HeapOverflow():
    block = PyMem_Malloc(40)
    read_byte(block + 39)
    PyMem_Free(block)


def bug_UseAfterFree():
    block = PyMem_Malloc(40)
    PyMem_Free(block)
    read_byte(block + 8)


def twin_UseAfterFree():
    block = PyMem_Malloc(40)
    read_byte(block + 8)
    PyMem_Free(block)


def bug_DoubleDealloc():
    # revive a dead int and kill it again: a second dealloc
    obj = fresh_int()
    address = id(obj)
    del obj
    Py_IncRef(address)
    Py_DecRef(address)


def twin_DoubleDealloc():
    obj = fresh_int()
    Py_IncRef(id(obj))
    Py_DecRef(id(obj))
    del obj


def say(text):
    sys.stdout.write("selftest.py: %s\n" % text)
    sys.stdout.flush()


def main(argv):
    if len(argv) < 2 or argv[1] not in ("bugs", "clean"):
        sys.stderr.write("usage: selftest.py bugs|clean NAME...\n")
        return 2
    prefix = "bug_" if argv[1] == "bugs" else "twin_"
    names = argv[2:]
    for name in names:
        if prefix + name not in globals():
            sys.stderr.write("selftest.py: no seeded bug %r\n" % name)
            return 2
    v = sys.version_info
    say("CPython %d.%d.%d %s" % (v[0], v[1], v[2], sys.executable))
    for name in names:
        say("%s %s" % ("seeded" if argv[1] == "bugs" else "twin", name))
        globals()[prefix + name]()
    say("done")
    if argv[1] == "bugs":
        # No teardown after bugs: a refcount made negative must not meet
        # the interpreter's final collection.
        os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
