/* buggy_borrow: borrowed references used after their owner let go, for
 * vg-pyref's test suite.  Each buggy function has a correct twin,
 * <name>_ok (pop_and_print_bad has pop_and_print_ok).
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#undef NDEBUG
#define PY_SSIZE_T_CLEAN
#include "Python.h"

/* The objects passed in must be referenced only by their container for
   the bugs to free them: build them at run time, e.g. ["x%d" % n] or
   [n + 1000], never literals, small ints or interned strings.

   Reads of a dead object go through its type (tp_repr).  pymalloc
   leaves ob_type intact in a freed block, and so does Valgrind, so the
   functions print or return stale but harmless text.  glibc's malloc
   overwrites it: natively, with PYTHONMALLOC=malloc, they crash. */

static unsigned long counter;     // makes every value unique

/* Empty the list.  Any call that can run Python code may do the same. */
static int
do_something(PyObject *list)
{
    return PyList_SetSlice(list, 0, PyList_GET_SIZE(list), NULL);
}

/* Check that list is a non-empty list. */
static int
check_nonempty_list(PyObject *list)
{
    if (!PyList_Check(list) || PyList_GET_SIZE(list) == 0) {
        PyErr_SetString(PyExc_TypeError, "expected a non-empty list");
        return -1;
    }
    return 0;
}


/* --- The classic: an item borrowed from a list the callee empties ----- */

PyDoc_STRVAR(pop_and_print_bad_doc,
"pop_and_print_bad(list)\n\
\n\
Borrow the last item, empty the list, then print the item's refcount\n\
and repr: the item died with the list's reference.");

static PyObject *
pop_and_print_bad(PyObject *module, PyObject *list)
{
    PyObject *item, *repr;
    Py_ssize_t refcnt;

    if (check_nonempty_list(list) < 0) {
        return NULL;
    }
    item = PyList_GetItem(list, PyList_GET_SIZE(list) - 1);  // borrowed
    if (item == NULL || do_something(list) < 0) {
        return NULL;
    }
    // item is now a dangling pointer: the list held its only reference
    refcnt = Py_REFCNT(item);
    repr = PyObject_Repr(item);
    if (repr == NULL) {
        return NULL;
    }
    PySys_WriteStdout("pop_and_print_bad: refcount %zd, item %.200s\n",
                      refcnt, PyUnicode_AsUTF8(repr));
    Py_DECREF(repr);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(pop_and_print_ok_doc,
"pop_and_print_ok(list)\n\
\n\
Take a reference to the last item, empty the list, print the item's\n\
refcount and repr, drop the reference.");

static PyObject *
pop_and_print_ok(PyObject *module, PyObject *list)
{
    PyObject *item, *repr;
    Py_ssize_t refcnt;

    if (check_nonempty_list(list) < 0) {
        return NULL;
    }
    item = PyList_GetItem(list, PyList_GET_SIZE(list) - 1);  // borrowed
    if (item == NULL) {
        return NULL;
    }
    Py_INCREF(item);
    if (do_something(list) < 0) {
        Py_DECREF(item);
        return NULL;
    }
    refcnt = Py_REFCNT(item);
    repr = PyObject_Repr(item);
    Py_DECREF(item);
    if (repr == NULL) {
        return NULL;
    }
    PySys_WriteStdout("pop_and_print_ok: refcount %zd, item %.200s\n",
                      refcnt, PyUnicode_AsUTF8(repr));
    Py_DECREF(repr);
    Py_RETURN_NONE;
}


/* --- A dict value borrowed, then replaced ----------------------------- */

PyDoc_STRVAR(dict_value_replaced_doc,
"dict_value_replaced(d, key) -> str\n\
\n\
Borrow d[key], store a new value under key, return the repr of the\n\
old value: it died when it was replaced.");

static PyObject *
dict_value_replaced(PyObject *module, PyObject *args)
{
    PyObject *d, *value, *replacement;
    const char *key;
    int err;

    if (!PyArg_ParseTuple(args, "O!s:dict_value_replaced",
                          &PyDict_Type, &d, &key)) {
        return NULL;
    }
    value = PyDict_GetItemString(d, key);       // borrowed
    if (value == NULL) {
        PyErr_SetString(PyExc_KeyError, key);
        return NULL;
    }
    replacement = PyUnicode_FromFormat("replaced #%lu", ++counter);
    if (replacement == NULL) {
        return NULL;
    }
    err = PyDict_SetItemString(d, key, replacement);
    Py_DECREF(replacement);
    if (err < 0) {
        return NULL;
    }
    // value is now a dangling pointer: d held its only reference
    return PyObject_Repr(value);
}

PyDoc_STRVAR(dict_value_replaced_ok_doc,
"dict_value_replaced_ok(d, key) -> str\n\
\n\
Take a reference to d[key], store a new value under key, return the\n\
repr of the old value.");

static PyObject *
dict_value_replaced_ok(PyObject *module, PyObject *args)
{
    PyObject *d, *value, *replacement, *repr;
    const char *key;
    int err;

    if (!PyArg_ParseTuple(args, "O!s:dict_value_replaced_ok",
                          &PyDict_Type, &d, &key)) {
        return NULL;
    }
    value = PyDict_GetItemString(d, key);       // borrowed
    if (value == NULL) {
        PyErr_SetString(PyExc_KeyError, key);
        return NULL;
    }
    Py_INCREF(value);
    replacement = PyUnicode_FromFormat("replaced #%lu", ++counter);
    if (replacement == NULL) {
        Py_DECREF(value);
        return NULL;
    }
    err = PyDict_SetItemString(d, key, replacement);
    Py_DECREF(replacement);
    if (err < 0) {
        Py_DECREF(value);
        return NULL;
    }
    repr = PyObject_Repr(value);
    Py_DECREF(value);
    return repr;
}


/* --- An item borrowed from a tuple we release ------------------------- */

/* A new 1-tuple holding the only reference to a new int >= 1000000. */
static PyObject *
new_private_tuple(void)
{
    return Py_BuildValue("(k)", 1000000 + ++counter);
}

PyDoc_STRVAR(tuple_released_doc,
"tuple_released() -> str\n\
\n\
Make a tuple holding a new int, borrow the int, drop the tuple, return\n\
the int's repr: it died with the tuple.");

static PyObject *
tuple_released(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *t, *item;

    t = new_private_tuple();
    if (t == NULL) {
        return NULL;
    }
    item = PyTuple_GetItem(t, 0);               // borrowed
    if (item == NULL) {
        Py_DECREF(t);
        return NULL;
    }
    Py_DECREF(t);
    // item is now a dangling pointer: the tuple held its only reference
    return PyObject_Repr(item);
}

PyDoc_STRVAR(tuple_released_ok_doc,
"tuple_released_ok() -> str\n\
\n\
Make a tuple holding a new int, return the int's repr, drop the tuple.");

static PyObject *
tuple_released_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *t, *item, *repr;

    t = new_private_tuple();
    if (t == NULL) {
        return NULL;
    }
    item = PyTuple_GetItem(t, 0);               // borrowed
    if (item == NULL) {
        Py_DECREF(t);
        return NULL;
    }
    repr = PyObject_Repr(item);
    Py_DECREF(t);
    return repr;
}


/* --- A borrowed reference kept in a static ---------------------------- */

/* The driver calls static_borrow_keep(lst), empties lst, then calls
   static_borrow_use(); likewise for the _ok pair. */

static PyObject *kept_bad;        // borrowed (the bug), or NULL
static PyObject *kept_ok;         // owned, or NULL

PyDoc_STRVAR(static_borrow_keep_doc,
"static_borrow_keep(list)\n\
\n\
Keep list[0] in a static variable, without a reference of its own.");

static PyObject *
static_borrow_keep(PyObject *module, PyObject *list)
{
    PyObject *item = PyList_GetItem(list, 0);   // borrowed

    if (item == NULL) {
        return NULL;
    }
    // no Py_INCREF: kept_bad dangles as soon as the list drops the item
    kept_bad = item;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(static_borrow_use_doc,
"static_borrow_use() -> str\n\
\n\
Return the repr of the item static_borrow_keep() kept.");

static PyObject *
static_borrow_use(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    if (kept_bad == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "call static_borrow_keep first");
        return NULL;
    }
    // kept_bad is a dangling pointer if the list dropped the item
    return PyObject_Repr(kept_bad);
}

PyDoc_STRVAR(static_borrow_keep_ok_doc,
"static_borrow_keep_ok(list)\n\
\n\
Keep a reference to list[0] in a static variable.");

static PyObject *
static_borrow_keep_ok(PyObject *module, PyObject *list)
{
    PyObject *item = PyList_GetItem(list, 0);   // borrowed
    PyObject *old = kept_ok;

    if (item == NULL) {
        return NULL;
    }
    Py_INCREF(item);
    kept_ok = item;
    Py_XDECREF(old);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(static_borrow_use_ok_doc,
"static_borrow_use_ok() -> str\n\
\n\
Return the repr of the item static_borrow_keep_ok() kept, and drop\n\
the static reference to it.");

static PyObject *
static_borrow_use_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *repr;

    if (kept_ok == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "call static_borrow_keep_ok first");
        return NULL;
    }
    repr = PyObject_Repr(kept_ok);
    Py_CLEAR(kept_ok);
    return repr;
}


/* --- Values borrowed while iterating a dict, then the dict cleared ---- */

PyDoc_STRVAR(dict_next_after_clear_doc,
"dict_next_after_clear(d) -> list\n\
\n\
Borrow every value of d with PyDict_Next(), clear d, return the\n\
values' reprs: they died with d's references.");

static PyObject *
dict_next_after_clear(PyObject *module, PyObject *d)
{
    PyObject *key, *value, *result = NULL, **values;
    Py_ssize_t pos = 0, n = 0, size, i;

    if (!PyDict_Check(d)) {
        PyErr_SetString(PyExc_TypeError, "expected a dict");
        return NULL;
    }
    size = PyDict_GET_SIZE(d);
    values = PyMem_New(PyObject *, size > 0 ? size : 1);
    if (values == NULL) {
        return PyErr_NoMemory();
    }
    while (n < size && PyDict_Next(d, &pos, &key, &value)) {
        values[n++] = value;                    // borrowed
    }
    // Made now, so that its item array cannot reuse a dead value's block
    result = PyList_New(n);
    if (result == NULL) {
        goto done;
    }
    PyDict_Clear(d);
    for (i = 0; i < n; i++) {
        // values[i] is now a dangling pointer: d held its only reference
        PyObject *repr = PyObject_Repr(values[i]);

        if (repr == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, repr);
    }
done:
    PyMem_Free(values);
    return result;
}

PyDoc_STRVAR(dict_next_after_clear_ok_doc,
"dict_next_after_clear_ok(d) -> list\n\
\n\
Take a reference to every value of d with PyDict_Next(), clear d,\n\
return the values' reprs.");

static PyObject *
dict_next_after_clear_ok(PyObject *module, PyObject *d)
{
    PyObject *key, *value, *result = NULL, **values;
    Py_ssize_t pos = 0, n = 0, size, i;

    if (!PyDict_Check(d)) {
        PyErr_SetString(PyExc_TypeError, "expected a dict");
        return NULL;
    }
    size = PyDict_GET_SIZE(d);
    values = PyMem_New(PyObject *, size > 0 ? size : 1);
    if (values == NULL) {
        return PyErr_NoMemory();
    }
    while (n < size && PyDict_Next(d, &pos, &key, &value)) {
        Py_INCREF(value);
        values[n++] = value;
    }
    result = PyList_New(n);
    if (result == NULL) {
        goto done;
    }
    PyDict_Clear(d);
    for (i = 0; i < n; i++) {
        PyObject *repr = PyObject_Repr(values[i]);

        if (repr == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, repr);
    }
done:
    for (i = 0; i < n; i++) {
        Py_DECREF(values[i]);
    }
    PyMem_Free(values);
    return result;
}


/* --- Module ----------------------------------------------------------- */

static PyMethodDef buggy_borrow_methods[] = {
    {"pop_and_print_bad", pop_and_print_bad, METH_O,
     pop_and_print_bad_doc},
    {"pop_and_print_ok", pop_and_print_ok, METH_O, pop_and_print_ok_doc},
    {"dict_value_replaced", dict_value_replaced, METH_VARARGS,
     dict_value_replaced_doc},
    {"dict_value_replaced_ok", dict_value_replaced_ok, METH_VARARGS,
     dict_value_replaced_ok_doc},
    {"tuple_released", tuple_released, METH_NOARGS, tuple_released_doc},
    {"tuple_released_ok", tuple_released_ok, METH_NOARGS,
     tuple_released_ok_doc},
    {"static_borrow_keep", static_borrow_keep, METH_O,
     static_borrow_keep_doc},
    {"static_borrow_use", static_borrow_use, METH_NOARGS,
     static_borrow_use_doc},
    {"static_borrow_keep_ok", static_borrow_keep_ok, METH_O,
     static_borrow_keep_ok_doc},
    {"static_borrow_use_ok", static_borrow_use_ok, METH_NOARGS,
     static_borrow_use_ok_doc},
    {"dict_next_after_clear", dict_next_after_clear, METH_O,
     dict_next_after_clear_doc},
    {"dict_next_after_clear_ok", dict_next_after_clear_ok, METH_O,
     dict_next_after_clear_ok_doc},
    {NULL, NULL, 0, NULL}
};

PyDoc_STRVAR(buggy_borrow_doc,
"Deliberately stale borrowed references, for vg-pyref's tests.\n\
\n\
Every function has one bug; its _ok twin does the same work correctly.");

static struct PyModuleDef buggy_borrow_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "buggy_borrow",
    .m_doc = buggy_borrow_doc,
    .m_size = -1,
    .m_methods = buggy_borrow_methods,
};

PyMODINIT_FUNC
PyInit_buggy_borrow(void)
{
    return PyModule_Create(&buggy_borrow_module);
}
