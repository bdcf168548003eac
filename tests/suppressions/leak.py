# leak.py: two seeded leaks for Memcheck, made as a C extension would make
# them: new references from the C API (through ctypes) that nobody ever
# releases: a 1000-byte bytes object and a 600-character str (malloc
# blocks under every allocator: larger than pymalloc's 512 bytes) and a
# float (a malloc block with PYTHONMALLOC=malloc).  Memcheck's full leak
# check must report them as definitely lost, with or without a shipped
# suppression file.  The str matters: CPython 3.12 itself loses str
# objects at exit, and an entry for those must not hide an extension's.
#
# Copyright (C) 2026 the vg-pyref developers
# SPDX-License-Identifier: GPL-2.0-or-later

import ctypes

api = ctypes.pythonapi
api.PyBytes_FromStringAndSize.restype = ctypes.c_void_p
api.PyBytes_FromStringAndSize.argtypes = [ctypes.c_char_p, ctypes.c_ssize_t]
api.PyUnicode_FromString.restype = ctypes.c_void_p
api.PyUnicode_FromString.argtypes = [ctypes.c_char_p]
api.PyFloat_FromDouble.restype = ctypes.c_void_p
api.PyFloat_FromDouble.argtypes = [ctypes.c_double]

# The addresses are dropped at once: only the leaked blocks remain.
api.PyBytes_FromStringAndSize(None, 1000)
api.PyUnicode_FromString(b"leaked " * 100)
api.PyFloat_FromDouble(2.5)
print("leaked")
