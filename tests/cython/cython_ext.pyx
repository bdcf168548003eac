# cython: language_level=3
#
# cython_ext: Cython code for pyref's tests, built by each case's prereq
# with Debian's cython3 (`cython3 -3 --line-directives', so reports
# name lines of this file) against Debian's python3.11.
#
# Cython writes the C most extension authors never read: its own free
# lists (@cython.freelist), closures and generators, memoryviews,
# reference counting everywhere.  The functions below but
# pop_and_print_bad are correct, and pyref must report nothing in them;
# pop_and_print_bad has one bug, at the line marked BUG, and
# pop_and_print_ok is its correct twin.
#
# Copyright (C) 2026 the vg-pyref developers
# SPDX-License-Identifier: GPL-2.0-or-later

cimport cython
from cpython.list cimport PyList_GetItem
from cpython.ref cimport PyObject
from libc.stdlib cimport malloc, free


# --- correct code ------------------------------------------------------

cdef class Node:
    """A linked list cell: a cdef class holding Python references."""
    cdef public object value
    cdef public Node next

    def __init__(self, value, next=None):
        self.value = value
        self.next = next


@cython.freelist(16)
cdef class Small:
    """Parked on Cython's own free list when it dies."""
    cdef public long x

    def __init__(self, x):
        self.x = x


def linked_list(int n):
    """Build a list of n cells, walk it, drop it: the sum of the lengths."""
    cdef Node head = None
    cdef long total = 0
    for i in range(n):
        head = Node(str(i), head)
    while head is not None:
        total += len(head.value)
        head = head.next
    return total


def free_list(int n):
    """Churn n Small objects through their free list."""
    return sum([Small(i).x for i in range(n)])


def generator(int n):
    """A generator whose items come from a closure."""
    for i in range(n):
        yield (lambda y: y * i)(2)


def closures(int n):
    """n closures over a default and an enclosing variable."""
    fs = [lambda k=i: k + n for i in range(n)]
    return [f() for f in fs]


def c_buffer(int n):
    """A malloc'd C array, freed in a finally clause."""
    cdef double* p = <double*>malloc(n * sizeof(double))
    cdef int i
    if p == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            p[i] = i * 0.5
        return sum([p[i] for i in range(n)])
    finally:
        free(p)


def memoryview_sum(double[:] a):
    """Sum a buffer through a typed memoryview."""
    cdef Py_ssize_t i
    cdef double s = 0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def dict_and_sort(int n):
    """A dict of lists, its items sorted with a key function."""
    d = {}
    for i in range(n):
        d[str(i)] = [i] * 3
    items = list(d.items())
    items.sort(key=lambda kv: -kv[1][0])
    return items[0][0], len(d)


# --- one bug, and its twin ---------------------------------------------

def pop_and_print_bad(list items):
    """Borrow the last item, empty the list, print the item: it is dead."""
    cdef PyObject* item = PyList_GetItem(items, len(items) - 1)  # borrowed
    del items[:]             # the list held the item's only reference
    print(<object>item)      # BUG: the borrowed item died on the line above


def pop_and_print_ok(list items):
    """The same with a reference of our own to the item."""
    item = items[len(items) - 1]
    del items[:]
    print(item)
