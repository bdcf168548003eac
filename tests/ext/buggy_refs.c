/* buggy_refs: reference-counting bugs on Python objects (extra
 * Py_DECREF, stolen and borrowed references, a bad tp_clear) for
 * vg-pyref's test suite.  Each buggy function has a correct twin,
 * <name>_ok.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#undef NDEBUG
#define PY_SSIZE_T_CLEAN
#include "Python.h"

#include <string.h>               // memcpy(), memset()

/* Every object a decref_twice_*() function makes is new and private, so
   its first Py_DECREF kills it: its value comes from a counter (no small
   int, no interned or cached string, no constant).  Where the second
   Py_DECREF writes depends on the type:
     tuple (len 3), list, dict
         kept on their free lists; GC objects, so ob_refcnt lies 16
         bytes into the block, clear of the allocator's links;
     float
         kept on the float free list, which links through ob_type;
     str, bytes (LARGE_SIZE, malloc memory)
         ob_refcnt is the first word of the freed block, where pymalloc
         and malloc keep their free-list links.  A block this big comes
         from the top of malloc's heap and goes back to it, which has no
         link there.  A small str would be a pymalloc block: the write
         would corrupt pymalloc's free list and crash the process later.
   In all cases the dead ob_refcnt does not drop from 1 to 0, so nothing
   is deallocated twice. */
#define LARGE_SIZE 100000

static unsigned long counter;     // makes every value unique


/* --- A second Py_DECREF of an object that is already dead ------------- */

/* A str of LARGE_SIZE characters: "decref_twice_str #<counter> ...". */
static PyObject *
new_large_str(void)
{
    PyObject *s = PyUnicode_New(LARGE_SIZE, 127);
    char head[40];
    int len;

    if (s == NULL) {
        return NULL;
    }
    len = PyOS_snprintf(head, sizeof(head), "decref_twice_str #%lu ",
                        ++counter);
    memset(PyUnicode_1BYTE_DATA(s), '.', LARGE_SIZE);
    memcpy(PyUnicode_1BYTE_DATA(s), head, (size_t)len);
    return s;
}

PyDoc_STRVAR(decref_twice_str_doc,
"decref_twice_str()\n\
\n\
Make a str of 100000 characters, Py_DECREF it twice.");

static PyObject *
decref_twice_str(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *s = new_large_str();

    if (s == NULL) {
        return NULL;
    }
    Py_DECREF(s);
    // s is now a dangling pointer: this Py_DECREF writes freed memory
    Py_DECREF(s);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_twice_str_ok_doc,
"decref_twice_str_ok()\n\
\n\
Make a str of 100000 characters, Py_DECREF it once.");

static PyObject *
decref_twice_str_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *s = new_large_str();

    if (s == NULL) {
        return NULL;
    }
    Py_DECREF(s);
    Py_RETURN_NONE;
}

static PyObject *
new_large_bytes(void)
{
    PyObject *b = PyBytes_FromStringAndSize(NULL, LARGE_SIZE);

    if (b != NULL) {
        memset(PyBytes_AS_STRING(b), (int)(++counter & 0x7f), LARGE_SIZE);
    }
    return b;
}

PyDoc_STRVAR(decref_twice_bytes_large_doc,
"decref_twice_bytes_large()\n\
\n\
Make a bytes object of 100000 bytes, Py_DECREF it twice.");

static PyObject *
decref_twice_bytes_large(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *b = new_large_bytes();

    if (b == NULL) {
        return NULL;
    }
    Py_DECREF(b);
    // b is now a dangling pointer: this Py_DECREF writes freed memory
    Py_DECREF(b);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_twice_bytes_large_ok_doc,
"decref_twice_bytes_large_ok()\n\
\n\
Make a bytes object of 100000 bytes, Py_DECREF it once.");

static PyObject *
decref_twice_bytes_large_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *b = new_large_bytes();

    if (b == NULL) {
        return NULL;
    }
    Py_DECREF(b);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_twice_float_doc,
"decref_twice_float()\n\
\n\
Make a float, Py_DECREF it twice.");

static PyObject *
decref_twice_float(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *f = PyFloat_FromDouble((double)++counter + 0.25);

    if (f == NULL) {
        return NULL;
    }
    Py_DECREF(f);
    // f is now a dangling pointer (on the float free list)
    Py_DECREF(f);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_twice_float_ok_doc,
"decref_twice_float_ok()\n\
\n\
Make a float, Py_DECREF it once.");

static PyObject *
decref_twice_float_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *f = PyFloat_FromDouble((double)++counter + 0.25);

    if (f == NULL) {
        return NULL;
    }
    Py_DECREF(f);
    Py_RETURN_NONE;
}

/* Three new ints >= 1000 in a new tuple, list or dict. */
static PyObject *
new_container(const char *format)
{
    unsigned long base = 1000 + 3 * ++counter;

    return Py_BuildValue(format, base, base + 1, base + 2);
}

PyDoc_STRVAR(decref_twice_tuple_doc,
"decref_twice_tuple()\n\
\n\
Make a tuple of three ints, Py_DECREF it twice.");

static PyObject *
decref_twice_tuple(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *t = new_container("(kkk)");

    if (t == NULL) {
        return NULL;
    }
    Py_DECREF(t);
    // t is now a dangling pointer (on the tuple free list)
    Py_DECREF(t);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_twice_tuple_ok_doc,
"decref_twice_tuple_ok()\n\
\n\
Make a tuple of three ints, Py_DECREF it once.");

static PyObject *
decref_twice_tuple_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *t = new_container("(kkk)");

    if (t == NULL) {
        return NULL;
    }
    Py_DECREF(t);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_twice_list_doc,
"decref_twice_list()\n\
\n\
Make a list of three ints, Py_DECREF it twice.");

static PyObject *
decref_twice_list(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *l = new_container("[kkk]");

    if (l == NULL) {
        return NULL;
    }
    Py_DECREF(l);
    // l is now a dangling pointer (on the list free list)
    Py_DECREF(l);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_twice_list_ok_doc,
"decref_twice_list_ok()\n\
\n\
Make a list of three ints, Py_DECREF it once.");

static PyObject *
decref_twice_list_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *l = new_container("[kkk]");

    if (l == NULL) {
        return NULL;
    }
    Py_DECREF(l);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_twice_dict_doc,
"decref_twice_dict()\n\
\n\
Make a dict {int: int}, Py_DECREF it twice.");

static PyObject *
decref_twice_dict(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *d = new_container("{kk}");

    if (d == NULL) {
        return NULL;
    }
    Py_DECREF(d);
    // d is now a dangling pointer (on the dict free list)
    Py_DECREF(d);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_twice_dict_ok_doc,
"decref_twice_dict_ok()\n\
\n\
Make a dict {int: int}, Py_DECREF it once.");

static PyObject *
decref_twice_dict_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *d = new_container("{kk}");

    if (d == NULL) {
        return NULL;
    }
    Py_DECREF(d);
    Py_RETURN_NONE;
}


/* --- Stolen and borrowed references ----------------------------------- */

/* The item is a set: it has no free list and is a GC object, so when the
   tuple drops its dead item, the write lands inside the freed block but
   not on the allocator's own bookkeeping. */

PyDoc_STRVAR(decref_stolen_doc,
"decref_stolen()\n\
\n\
PyTuple_SetItem() a new set into a tuple (which steals it), then\n\
Py_DECREF the set too, then drop the tuple.");

static PyObject *
decref_stolen(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *t, *item;

    t = PyTuple_New(1);
    if (t == NULL) {
        return NULL;
    }
    item = PySet_New(NULL);
    if (item == NULL) {
        Py_DECREF(t);
        return NULL;
    }
    if (PyTuple_SetItem(t, 0, item) < 0) {     // steals item
        Py_DECREF(t);
        return NULL;
    }
    // the tuple stole item: this Py_DECREF frees it under the tuple
    Py_DECREF(item);
    Py_DECREF(t);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_stolen_ok_doc,
"decref_stolen_ok()\n\
\n\
PyTuple_SetItem() a new set into a tuple, then drop the tuple.");

static PyObject *
decref_stolen_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *t, *item;

    t = PyTuple_New(1);
    if (t == NULL) {
        return NULL;
    }
    item = PySet_New(NULL);
    if (item == NULL) {
        Py_DECREF(t);
        return NULL;
    }
    if (PyTuple_SetItem(t, 0, item) < 0) {     // steals item
        Py_DECREF(t);
        return NULL;
    }
    Py_DECREF(t);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_borrowed_doc,
"decref_borrowed(list)\n\
\n\
Py_DECREF list[0], a borrowed reference.  When the list holds the only\n\
reference (e.g. [set()]), the item dies under the list, and the list\n\
drops it again when it dies.");

static PyObject *
decref_borrowed(PyObject *module, PyObject *list)
{
    PyObject *item = PyList_GetItem(list, 0);  // borrowed

    if (item == NULL) {
        return NULL;
    }
    // item is borrowed: this Py_DECREF takes the list's reference
    Py_DECREF(item);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_borrowed_ok_doc,
"decref_borrowed_ok(list)\n\
\n\
Take a reference to list[0] and drop it again.");

static PyObject *
decref_borrowed_ok(PyObject *module, PyObject *list)
{
    PyObject *item = PyList_GetItem(list, 0);  // borrowed

    if (item == NULL) {
        return NULL;
    }
    Py_INCREF(item);
    Py_DECREF(item);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(return_borrowed_doc,
"return_borrowed(list)\n\
\n\
Return list[0] without a new reference.  Each call takes one of the\n\
list's references; a loop of calls kills the item under the list.\n\
Use an item no other code uses, e.g. [set()].");

static PyObject *
return_borrowed(PyObject *module, PyObject *list)
{
    PyObject *item = PyList_GetItem(list, 0);  // borrowed

    // a borrowed reference returned as if the caller owned it
    return item;
}

PyDoc_STRVAR(return_borrowed_ok_doc,
"return_borrowed_ok(list)\n\
\n\
Return list[0] with a new reference.");

static PyObject *
return_borrowed_ok(PyObject *module, PyObject *list)
{
    PyObject *item = PyList_GetItem(list, 0);  // borrowed

    Py_XINCREF(item);
    return item;
}

PyDoc_STRVAR(decref_none_doc,
"decref_none(n=1)\n\
\n\
Py_DECREF(Py_None) n times without a reference of our own.  Immortal\n\
None (3.12+) ignores it.  Before 3.12, None is deallocated (a fatal\n\
error) when the missing references run out, at the latest at exit:\n\
Debian's 3.11 already dies at exit with n=1.");

static PyObject *
decref_none(PyObject *module, PyObject *args)
{
    Py_ssize_t n = 1;

    if (!PyArg_ParseTuple(args, "|n:decref_none", &n)) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        // Py_None is borrowed here: this takes someone else's reference
        Py_DECREF(Py_None);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_none_ok_doc,
"decref_none_ok(n=1)\n\
\n\
Take a reference to None and drop it, n times.");

static PyObject *
decref_none_ok(PyObject *module, PyObject *args)
{
    Py_ssize_t n = 1;

    if (!PyArg_ParseTuple(args, "|n:decref_none_ok", &n)) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_INCREF(Py_None);
        Py_DECREF(Py_None);
    }
    Py_RETURN_NONE;
}


/* --- BadClear: a GC type whose tp_clear leaves a dangling member ------ */

/* make_cycle() links two BadClear objects to each other.  gc.collect()
   calls tp_clear on one of them, A: A drops B, which dies (and drops A),
   but A->member still points to B.  The collector then drops A, whose
   tp_dealloc calls tp_clear again, and that Py_DECREFs the dead B.
   BadClear_ok is the same type with a correct tp_clear (Py_CLEAR).
   Both are GC objects: B's dead ob_refcnt lies 16 bytes into its freed
   block, out of the allocator's way. */

typedef struct {
    PyObject_HEAD
    PyObject *member;             // owned, or NULL
} BadClearObject;

static int
BadClear_traverse(PyObject *op, visitproc visit, void *arg)
{
    BadClearObject *self = (BadClearObject *)op;

    Py_VISIT(self->member);
    return 0;
}

static int
BadClear_clear(PyObject *op)
{
    BadClearObject *self = (BadClearObject *)op;

    // Py_XDECREF, not Py_CLEAR: self->member is left dangling
    Py_XDECREF(self->member);
    return 0;
}

static void
BadClear_dealloc(PyObject *op)
{
    PyObject_GC_UnTrack(op);
    (void)BadClear_clear(op);
    Py_TYPE(op)->tp_free(op);
}

static int
BadClear_ok_clear(PyObject *op)
{
    BadClearObject *self = (BadClearObject *)op;

    Py_CLEAR(self->member);
    return 0;
}

static void
BadClear_ok_dealloc(PyObject *op)
{
    PyObject_GC_UnTrack(op);
    (void)BadClear_ok_clear(op);
    Py_TYPE(op)->tp_free(op);
}

PyDoc_STRVAR(BadClear_doc,
"GC object with one member; tp_clear forgets to set it to NULL.\n\
Made only by make_cycle().");

static PyTypeObject BadClear_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "buggy_refs.BadClear",
    .tp_basicsize = sizeof(BadClearObject),
    .tp_dealloc = BadClear_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = BadClear_doc,
    .tp_traverse = BadClear_traverse,
    .tp_clear = BadClear_clear,
    .tp_free = PyObject_GC_Del,
};

PyDoc_STRVAR(BadClear_ok_doc,
"GC object with one member and a correct tp_clear.\n\
Made only by make_cycle_ok().");

static PyTypeObject BadClear_ok_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "buggy_refs.BadClear_ok",
    .tp_basicsize = sizeof(BadClearObject),
    .tp_dealloc = BadClear_ok_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = BadClear_ok_doc,
    .tp_traverse = BadClear_traverse,
    .tp_clear = BadClear_ok_clear,
    .tp_free = PyObject_GC_Del,
};

/* Two objects of the given type, each the other's member, and no other
   reference to either: garbage for the cyclic collector. */
static PyObject *
make_pair_cycle(PyTypeObject *type)
{
    BadClearObject *a, *b;

    a = (BadClearObject *)type->tp_alloc(type, 0);
    if (a == NULL) {
        return NULL;
    }
    b = (BadClearObject *)type->tp_alloc(type, 0);
    if (b == NULL) {
        Py_DECREF(a);
        return NULL;
    }
    Py_INCREF(b);
    a->member = (PyObject *)b;
    Py_INCREF(a);
    b->member = (PyObject *)a;
    Py_DECREF(a);
    Py_DECREF(b);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(make_cycle_doc,
"make_cycle()\n\
\n\
Leave a reference cycle of two BadClear objects for gc.collect().");

static PyObject *
make_cycle(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return make_pair_cycle(&BadClear_Type);
}

PyDoc_STRVAR(make_cycle_ok_doc,
"make_cycle_ok()\n\
\n\
Leave a reference cycle of two BadClear_ok objects for gc.collect().");

static PyObject *
make_cycle_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return make_pair_cycle(&BadClear_ok_Type);
}


/* --- Touching a dead object ------------------------------------------- */

PyDoc_STRVAR(use_after_decref_float_doc,
"use_after_decref_float()\n\
\n\
Make a float, Py_DECREF it, then read its value.");

static PyObject *
use_after_decref_float(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *f = PyFloat_FromDouble((double)++counter + 0.5);
    double value;

    if (f == NULL) {
        return NULL;
    }
    Py_DECREF(f);
    // f is dead (on the float free list): its value is no longer ours
    value = ((PyFloatObject *)f)->ob_fval;
    return PyFloat_FromDouble(value);
}

PyDoc_STRVAR(use_after_decref_float_ok_doc,
"use_after_decref_float_ok()\n\
\n\
Make a float, read its value, then Py_DECREF it.");

static PyObject *
use_after_decref_float_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *f = PyFloat_FromDouble((double)++counter + 0.5);
    double value;

    if (f == NULL) {
        return NULL;
    }
    value = ((PyFloatObject *)f)->ob_fval;
    Py_DECREF(f);
    return PyFloat_FromDouble(value);
}

/* A set has no free list: once dead it is freed, and pyref's quarantine
   keeps the block, so the second dealloc cannot corrupt the heap. */

PyDoc_STRVAR(revive_dead_set_doc,
"revive_dead_set()\n\
\n\
Make a set, Py_DECREF it, then Py_INCREF and Py_DECREF it again: the\n\
dead set is deallocated a second time.");

static PyObject *
revive_dead_set(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *s = PySet_New(NULL);

    if (s == NULL) {
        return NULL;
    }
    Py_DECREF(s);
    // s is dead: a new reference to it cannot bring it back
    Py_INCREF(s);
    Py_DECREF(s);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(revive_dead_set_ok_doc,
"revive_dead_set_ok()\n\
\n\
Make a set, Py_INCREF and Py_DECREF it, then drop it.");

static PyObject *
revive_dead_set_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *s = PySet_New(NULL);

    if (s == NULL) {
        return NULL;
    }
    Py_INCREF(s);
    Py_DECREF(s);
    Py_DECREF(s);
    Py_RETURN_NONE;
}


/* --- A counter in a buffer is no refcount ----------------------------- */

/* _sre's data stack (PyMem_Malloc) starts with a match context: its
   count drops from 0 to -1 when a repeat has backtracked past its last
   try, and the word after it, unused there, keeps what the memory held
   before, once the ob_type of a dead str.  No bug: a control only. */
typedef struct {
    Py_ssize_t count;
    const void *stale;
} counter_t;

static void
count_below_zero(counter_t *c)
{
    volatile Py_ssize_t *count = &c->count;

    c->stale = &PyUnicode_Type;
    *count = 2;
    while (*count >= 0) {
        (*count)--;             // 2 -> 1 -> 0 -> -1
    }
}

PyDoc_STRVAR(count_below_zero_ok_doc,
"count_below_zero_ok()\n\
\n\
In buffers from PyMem_Malloc (64 and 1024 bytes) and PyMem_RawMalloc,\n\
count the first word down from 2 to -1, the second word holding\n\
&PyUnicode_Type.");

static PyObject *
count_below_zero_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    counter_t *small = PyMem_Malloc(64);
    counter_t *large = PyMem_Malloc(1024);
    counter_t *raw = PyMem_RawMalloc(1024);

    if (small == NULL || large == NULL || raw == NULL) {
        PyMem_Free(small);
        PyMem_Free(large);
        PyMem_RawFree(raw);
        return PyErr_NoMemory();
    }
    count_below_zero(small);
    count_below_zero(large);
    count_below_zero(raw);
    PyMem_Free(small);
    PyMem_Free(large);
    PyMem_RawFree(raw);
    Py_RETURN_NONE;
}

/* --- Module ----------------------------------------------------------- */

static PyMethodDef buggy_refs_methods[] = {
    {"decref_twice_str", decref_twice_str, METH_NOARGS,
     decref_twice_str_doc},
    {"decref_twice_str_ok", decref_twice_str_ok, METH_NOARGS,
     decref_twice_str_ok_doc},
    {"decref_twice_bytes_large", decref_twice_bytes_large, METH_NOARGS,
     decref_twice_bytes_large_doc},
    {"decref_twice_bytes_large_ok", decref_twice_bytes_large_ok,
     METH_NOARGS, decref_twice_bytes_large_ok_doc},
    {"decref_twice_float", decref_twice_float, METH_NOARGS,
     decref_twice_float_doc},
    {"decref_twice_float_ok", decref_twice_float_ok, METH_NOARGS,
     decref_twice_float_ok_doc},
    {"decref_twice_tuple", decref_twice_tuple, METH_NOARGS,
     decref_twice_tuple_doc},
    {"decref_twice_tuple_ok", decref_twice_tuple_ok, METH_NOARGS,
     decref_twice_tuple_ok_doc},
    {"decref_twice_list", decref_twice_list, METH_NOARGS,
     decref_twice_list_doc},
    {"decref_twice_list_ok", decref_twice_list_ok, METH_NOARGS,
     decref_twice_list_ok_doc},
    {"decref_twice_dict", decref_twice_dict, METH_NOARGS,
     decref_twice_dict_doc},
    {"decref_twice_dict_ok", decref_twice_dict_ok, METH_NOARGS,
     decref_twice_dict_ok_doc},
    {"decref_stolen", decref_stolen, METH_NOARGS, decref_stolen_doc},
    {"decref_stolen_ok", decref_stolen_ok, METH_NOARGS,
     decref_stolen_ok_doc},
    {"decref_borrowed", decref_borrowed, METH_O, decref_borrowed_doc},
    {"decref_borrowed_ok", decref_borrowed_ok, METH_O,
     decref_borrowed_ok_doc},
    {"return_borrowed", return_borrowed, METH_O, return_borrowed_doc},
    {"return_borrowed_ok", return_borrowed_ok, METH_O,
     return_borrowed_ok_doc},
    {"decref_none", decref_none, METH_VARARGS, decref_none_doc},
    {"decref_none_ok", decref_none_ok, METH_VARARGS, decref_none_ok_doc},
    {"make_cycle", make_cycle, METH_NOARGS, make_cycle_doc},
    {"make_cycle_ok", make_cycle_ok, METH_NOARGS, make_cycle_ok_doc},
    {"use_after_decref_float", use_after_decref_float, METH_NOARGS,
     use_after_decref_float_doc},
    {"use_after_decref_float_ok", use_after_decref_float_ok, METH_NOARGS,
     use_after_decref_float_ok_doc},
    {"count_below_zero_ok", count_below_zero_ok, METH_NOARGS,
     count_below_zero_ok_doc},
    {"revive_dead_set", revive_dead_set, METH_NOARGS, revive_dead_set_doc},
    {"revive_dead_set_ok", revive_dead_set_ok, METH_NOARGS,
     revive_dead_set_ok_doc},
    {NULL, NULL, 0, NULL}
};

PyDoc_STRVAR(buggy_refs_doc,
"Deliberately buggy reference counting, for vg-pyref's tests.\n\
\n\
Every function has one bug; <name>_ok does the same work correctly.");

static struct PyModuleDef buggy_refs_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "buggy_refs",
    .m_doc = buggy_refs_doc,
    .m_size = -1,
    .m_methods = buggy_refs_methods,
};

static int
add_type(PyObject *m, const char *name, PyTypeObject *type)
{
    if (PyType_Ready(type) < 0) {
        return -1;
    }
    Py_INCREF(type);
    if (PyModule_AddObject(m, name, (PyObject *)type) < 0) {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

PyMODINIT_FUNC
PyInit_buggy_refs(void)
{
    PyObject *m = PyModule_Create(&buggy_refs_module);

    if (m == NULL) {
        return NULL;
    }
    if (add_type(m, "BadClear", &BadClear_Type) < 0
        || add_type(m, "BadClear_ok", &BadClear_ok_Type) < 0)
    {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
