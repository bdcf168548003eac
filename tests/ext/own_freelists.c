/* own_freelists: an extension whose types keep free lists of their own,
 * for vg-pyref's test suite.
 *
 * A correct module: a dead object parked on its type's free list is
 * read and written by that type's own code, by design, as CPython does
 * with floats and tuples.  pyref must not report it.  The two shapes
 * real extensions use:
 *   Linked  links parked objects through one of its fields, as
 *           _asyncio's FutureIter does (3.8 to 3.11);
 *   Scope   a GC type parked in an array and zeroed with memset before
 *           PyObject_Init, as Cython does for closure scopes.
 * Code outside this module that reads a parked object is still at
 * fault; objects/extension_freelists.py does that through ctypes.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#undef NDEBUG
#define PY_SSIZE_T_CLEAN
#include "Python.h"
#include <string.h>

#ifndef Py_IS_TYPE                          /* 3.8 */
#  define Py_IS_TYPE(ob, type) (Py_TYPE(ob) == (type))
#endif

#define FREELIST_MAX 8


/* --- Linked: the free list runs through a field ---------------------- */

typedef struct LinkedObject {
    PyObject_HEAD
    struct LinkedObject *next_free;  /* parked: the next parked object */
    long value;
} LinkedObject;

static LinkedObject *linked_freelist = NULL;
static int linked_freelist_len = 0;

static PyTypeObject Linked_Type;

static PyObject *
Linked_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    LinkedObject *op;
    long value;
    if (!PyArg_ParseTuple(args, "l", &value))
        return NULL;
    if (type == &Linked_Type && linked_freelist != NULL) {
        op = linked_freelist;
        linked_freelist = op->next_free;   // reads the parked object
        linked_freelist_len--;
        PyObject_Init((PyObject *)op, type);
    }
    else {
        op = (LinkedObject *)type->tp_alloc(type, 0);
        if (op == NULL)
            return NULL;
    }
    op->next_free = NULL;
    op->value = value;
    return (PyObject *)op;
}

static void
Linked_dealloc(LinkedObject *op)
{
    if (Py_IS_TYPE(op, &Linked_Type)
        && linked_freelist_len < FREELIST_MAX) {
        op->next_free = linked_freelist;
        linked_freelist = op;
        linked_freelist_len++;
        return;
    }
    Py_TYPE(op)->tp_free((PyObject *)op);
}

static PyObject *
Linked_get_value(LinkedObject *op, void *Py_UNUSED(closure))
{
    return PyLong_FromLong(op->value);
}

static PyGetSetDef Linked_getset[] = {
    {"value", (getter)Linked_get_value, NULL, "the value", NULL},
    {NULL}
};

static PyTypeObject Linked_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "own_freelists.Linked",
    .tp_basicsize = sizeof(LinkedObject),
    .tp_dealloc = (destructor)Linked_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Linked(value): parked on a free list linked through a field.",
    .tp_getset = Linked_getset,
    .tp_new = Linked_new,
};


/* --- Scope: an array of parked GC objects, zeroed on reuse ----------- */

typedef struct {
    PyObject_HEAD
    PyObject *cell;
    long depth;
} ScopeObject;

static ScopeObject *scope_freelist[FREELIST_MAX];
static int scope_freelist_len = 0;

static PyTypeObject Scope_Type;

static PyObject *
Scope_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    ScopeObject *op;
    PyObject *cell;
    if (!PyArg_ParseTuple(args, "O", &cell))
        return NULL;
    if (type == &Scope_Type && scope_freelist_len > 0) {
        op = scope_freelist[--scope_freelist_len];
        memset(op, 0, sizeof(ScopeObject));   // writes the parked object
        PyObject_Init((PyObject *)op, type);
        PyObject_GC_Track(op);
    }
    else {
        op = (ScopeObject *)type->tp_alloc(type, 0);
        if (op == NULL)
            return NULL;
    }
    Py_INCREF(cell);
    op->cell = cell;
    op->depth = 1;
    return (PyObject *)op;
}

static int
Scope_traverse(ScopeObject *op, visitproc visit, void *arg)
{
    Py_VISIT(op->cell);
    return 0;
}

static int
Scope_clear(ScopeObject *op)
{
    Py_CLEAR(op->cell);
    return 0;
}

static void
Scope_dealloc(ScopeObject *op)
{
    PyObject_GC_UnTrack(op);
    Py_CLEAR(op->cell);
    if (Py_IS_TYPE(op, &Scope_Type)
        && scope_freelist_len < FREELIST_MAX) {
        scope_freelist[scope_freelist_len++] = op;
        return;
    }
    Py_TYPE(op)->tp_free((PyObject *)op);
}

static PyTypeObject Scope_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "own_freelists.Scope",
    .tp_basicsize = sizeof(ScopeObject),
    .tp_dealloc = (destructor)Scope_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Scope(cell): parked in an array, zeroed with memset on reuse.",
    .tp_traverse = (traverseproc)Scope_traverse,
    .tp_clear = (inquiry)Scope_clear,
    .tp_new = Scope_new,
};


/* --- Module ---------------------------------------------------------- */

static struct PyModuleDef own_freelists_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "own_freelists",
    .m_doc = "Types with free lists of their own (Linked, Scope).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit_own_freelists(void)
{
    PyObject *m;
    if (PyType_Ready(&Linked_Type) < 0 || PyType_Ready(&Scope_Type) < 0)
        return NULL;
    m = PyModule_Create(&own_freelists_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&Linked_Type);
    if (PyModule_AddObject(m, "Linked", (PyObject *)&Linked_Type) < 0) {
        Py_DECREF(&Linked_Type);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&Scope_Type);
    if (PyModule_AddObject(m, "Scope", (PyObject *)&Scope_Type) < 0) {
        Py_DECREF(&Scope_Type);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
