/* buggy_static: an extension's own statically allocated object loses its
 * last reference, for vg-pyref's test suite (DeallocStatic).
 *
 * CPython's static singletons (None, True, ...) are immortal from 3.12
 * on, so Py_DECREF(Py_None) shows the bug only before 3.12.  An object
 * an extension allocates statically, with its header set at import time
 * (PyObject_HEAD_INIT makes it immortal on 3.12+), has an ordinary
 * refcount on every version.  Its type's tp_dealloc does nothing, so the
 * program goes on after the bug.  decref_static_ok is the correct twin.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#undef NDEBUG
#define PY_SSIZE_T_CLEAN
#include "Python.h"


/* --- Sentinel: a type whose one instance is a static object ----------- */

static void
Sentinel_dealloc(PyObject *op)
{
    // Static memory: there is nothing to free.  (CPython's none_dealloc
    // aborts the process instead.)
    (void)op;
}

PyDoc_STRVAR(Sentinel_doc,
"A marker object; its one instance is a static object of the module.");

static PyTypeObject Sentinel_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "buggy_static.Sentinel",
    .tp_basicsize = sizeof(PyObject),
    .tp_dealloc = Sentinel_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = Sentinel_doc,
};

/* The instance, in .bss.  The module itself holds its one reference, as
   a C extension does with a singleton it caches. */
static PyObject sentinel;


/* --- The bug ---------------------------------------------------------- */

PyDoc_STRVAR(decref_static_doc,
"decref_static()\n\
\n\
Py_DECREF of the static Sentinel without a reference of our own: its\n\
refcount reaches zero.");

static PyObject *
decref_static(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    // &sentinel is borrowed here: this drops the module's reference
    Py_DECREF(&sentinel);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decref_static_ok_doc,
"decref_static_ok()\n\
\n\
Take a reference to the static Sentinel and drop it.");

static PyObject *
decref_static_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    Py_INCREF(&sentinel);
    Py_DECREF(&sentinel);
    Py_RETURN_NONE;
}


/* --- Not an object: a cache's counter in static memory ---------------- */

/* numpy keeps freed small buffers in static buckets, a count then the
   cached pointers, and takes one with `ptrs[--available]': a decrement
   of a static word to zero, the next word a pointer.  Here the cached
   buffer is shaped like a type's header but has no tp_name, as a data
   buffer full of pointers can be: ob_type the metatype, tp_flags with
   Py_TPFLAGS_READY.  No object reaches refcount zero here: correct code
   that pyref took for the bug, under numpy's own tests. */

typedef struct {
    Py_ssize_t available;
    void *ptrs[4];
} cache_bucket_t;

static cache_bucket_t cache_bucket;          // .bss, as numpy's

static void *
cache_take(cache_bucket_t *bucket)
{
    volatile Py_ssize_t *available = &bucket->available;

    return bucket->ptrs[--*available];       // 1 -> 0
}

PyDoc_STRVAR(static_cache_count_ok_doc,
"static_cache_count_ok()\n\
\n\
Put a buffer shaped like a type object without a name in a static\n\
cache bucket and take it out again, counting the bucket's first word\n\
from 1 down to 0.");

static PyObject *
static_cache_count_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyTypeObject *shaped = PyMem_Calloc(1, sizeof(PyTypeObject));
    void *taken;

    if (shaped == NULL) {
        return PyErr_NoMemory();
    }
    ((PyObject *)shaped)->ob_type = &PyType_Type;
    shaped->tp_flags = Py_TPFLAGS_READY;     // tp_name stays NULL
    cache_bucket.ptrs[0] = shaped;
    cache_bucket.available = 1;
    taken = cache_take(&cache_bucket);
    PyMem_Free(taken);
    Py_RETURN_NONE;
}


/* --- Module ----------------------------------------------------------- */

static PyMethodDef buggy_static_methods[] = {
    {"decref_static", decref_static, METH_NOARGS, decref_static_doc},
    {"decref_static_ok", decref_static_ok, METH_NOARGS,
     decref_static_ok_doc},
    {"static_cache_count_ok", static_cache_count_ok, METH_NOARGS,
     static_cache_count_ok_doc},
    {NULL, NULL, 0, NULL}
};

PyDoc_STRVAR(buggy_static_doc,
"A statically allocated object over-released, for vg-pyref's tests.\n\
\n\
decref_static has the bug; decref_static_ok does the same work\n\
correctly; static_cache_count_ok counts a static word down to zero,\n\
which is no object.");

static struct PyModuleDef buggy_static_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "buggy_static",
    .m_doc = buggy_static_doc,
    .m_size = -1,
    .m_methods = buggy_static_methods,
};

PyMODINIT_FUNC
PyInit_buggy_static(void)
{
    if (PyType_Ready(&Sentinel_Type) < 0) {
        return NULL;
    }
    // The module's own reference, never dropped.  Not a module attribute:
    // the copy CPython keeps of a single-phase module's dict would hold
    // another reference.
    sentinel.ob_refcnt = 1;
    sentinel.ob_type = &Sentinel_Type;
    return PyModule_Create(&buggy_static_module);
}
