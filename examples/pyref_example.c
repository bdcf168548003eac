/* pyref_example: the README's example of a stale borrowed reference.
 * Run it with examples/pop_and_print.py.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define PY_SSIZE_T_CLEAN
#include "Python.h"

/* Stands for any call that can run Python code: here it empties the
   list, which drops the list's reference to every item. */
static int
do_something(PyObject *list)
{
    return PyList_SetSlice(list, 0, PyList_GET_SIZE(list), NULL);
}

PyDoc_STRVAR(pop_and_print_bad_doc,
"pop_and_print_bad(list)\n\
\n\
Print the last item of a non-empty list after do_something(list).\n\
BUG: the item is only borrowed from the list.");

static PyObject *
pop_and_print_bad(PyObject *module, PyObject *list)
{
    PyObject *item;

    if (!PyList_Check(list) || PyList_GET_SIZE(list) == 0) {
        PyErr_SetString(PyExc_TypeError, "expected a non-empty list");
        return NULL;
    }
    item = PyList_GetItem(list, PyList_GET_SIZE(list) - 1);  // borrowed
    if (item == NULL) {
        return NULL;
    }

    if (do_something(list) < 0) {
        return NULL;
    }

    // item is now a dangling pointer: the list held its only reference
    printf("refcount %zd, item ", Py_REFCNT(item));
    if (PyObject_Print(item, stdout, 0) < 0) {
        return NULL;
    }
    printf("\n");
    fflush(stdout);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(pop_and_print_ok_doc,
"pop_and_print_ok(list)\n\
\n\
Print the last item of a non-empty list after do_something(list).\n\
Fixed: a reference of our own keeps the item alive while we use it.");

static PyObject *
pop_and_print_ok(PyObject *module, PyObject *list)
{
    PyObject *item;

    if (!PyList_Check(list) || PyList_GET_SIZE(list) == 0) {
        PyErr_SetString(PyExc_TypeError, "expected a non-empty list");
        return NULL;
    }
    item = PyList_GetItem(list, PyList_GET_SIZE(list) - 1);  // borrowed
    if (item == NULL) {
        return NULL;
    }
    Py_INCREF(item);                            // now we own one

    if (do_something(list) < 0) {
        Py_DECREF(item);
        return NULL;
    }

    printf("refcount %zd, item ", Py_REFCNT(item));
    if (PyObject_Print(item, stdout, 0) < 0) {
        Py_DECREF(item);
        return NULL;
    }
    printf("\n");
    fflush(stdout);
    Py_DECREF(item);                            // done with it
    Py_RETURN_NONE;
}

static PyMethodDef pyref_example_methods[] = {
    {"pop_and_print_bad", pop_and_print_bad, METH_O,
     pop_and_print_bad_doc},
    {"pop_and_print_ok", pop_and_print_ok, METH_O, pop_and_print_ok_doc},
    {NULL, NULL, 0, NULL}
};

PyDoc_STRVAR(pyref_example_doc,
"vg-pyref's example: a borrowed reference used after its owner let go.");

static struct PyModuleDef pyref_example_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "pyref_example",
    .m_doc = pyref_example_doc,
    .m_size = -1,
    .m_methods = pyref_example_methods,
};

PyMODINIT_FUNC
PyInit_pyref_example(void)
{
    return PyModule_Create(&pyref_example_module);
}
