/* wrapper_regs: calls CPython API functions that pyref wraps, from
 * assembly, with a known value in every register a callee may clobber,
 * and says which of them came back changed; for vg-pyref's test suite.
 *
 * pyref wraps the borrowing API (PyErr_Occurred, PyTuple_GetItem, ...)
 * in its preload, and the core sends every call of such a function to
 * the wrapper, CPython's own calls included.  A libpython built with
 * link-time optimisation relies on its callees' real register use (gcc's
 * -fipa-ra): PyObject_GetItem in Debian's python3.11 keeps an index in
 * %rsi across PyErr_Occurred, which clobbers only %rax.  So a wrapper
 * must give back every register but %rax as it found it, whatever the
 * ABI allows.  This module checks exactly that, through the function's
 * exported address, as an extension or an LTO caller reaches it.
 *
 * Not a bug scenario: there is no buggy function and no twin here.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#undef NDEBUG
#define PY_SSIZE_T_CLEAN
#include "Python.h"

#if !defined(__x86_64__)
#  error "wrapper_regs: amd64 only, as vg-pyref"
#endif

/* The exchange area the assembly reads and writes, in words (macros,
   not an enum: the assembly text spells them). */
#define X_FN       0     /* the function to call                       */
#define X_ARG0     1     /* its arguments, in %rdi and %rsi            */
#define X_ARG1     2
#define X_IN       3     /* 6 values for %rdx %rcx %r8 %r9 %r10 %r11    */
#define X_XMM_IN   9     /* 2 x 16 bytes for %xmm2 and %xmm3            */
#define X_RESULT   13
#define X_OUT      14    /* %rdi %rsi %rdx %rcx %r8 %r9 %r10 %r11       */
#define X_XMM_OUT  22
#define X_WORDS    26

#define S_(x) #x
#define S(x)  S_(x)
#define AT(i) S(i) "*8(%%rbx)"

/* Calls x[X_FN](x[X_ARG0], x[X_ARG1]) with the other values loaded,
   then stores every register back.  The stack is realigned below the
   red zone, and restored from %r12, which the callee must preserve. */
static void
call_with_known_registers(unsigned long *x)
{
    __asm__ volatile(
        "movq %%rsp, %%r12\n\t"
        "subq $128, %%rsp\n\t"
        "andq $-16, %%rsp\n\t"
        "movdqu " AT(X_XMM_IN) ", %%xmm2\n\t"
        "movdqu " S(X_XMM_IN) "*8+16(%%rbx), %%xmm3\n\t"
        "movq " AT(X_ARG0) ", %%rdi\n\t"
        "movq " AT(X_ARG1) ", %%rsi\n\t"
        "movq " S(X_IN) "*8+0(%%rbx), %%rdx\n\t"
        "movq " S(X_IN) "*8+8(%%rbx), %%rcx\n\t"
        "movq " S(X_IN) "*8+16(%%rbx), %%r8\n\t"
        "movq " S(X_IN) "*8+24(%%rbx), %%r9\n\t"
        "movq " S(X_IN) "*8+32(%%rbx), %%r10\n\t"
        "movq " S(X_IN) "*8+40(%%rbx), %%r11\n\t"
        "call *" AT(X_FN) "\n\t"
        "movq %%rax, " AT(X_RESULT) "\n\t"
        "movq %%rdi, " S(X_OUT) "*8+0(%%rbx)\n\t"
        "movq %%rsi, " S(X_OUT) "*8+8(%%rbx)\n\t"
        "movq %%rdx, " S(X_OUT) "*8+16(%%rbx)\n\t"
        "movq %%rcx, " S(X_OUT) "*8+24(%%rbx)\n\t"
        "movq %%r8, " S(X_OUT) "*8+32(%%rbx)\n\t"
        "movq %%r9, " S(X_OUT) "*8+40(%%rbx)\n\t"
        "movq %%r10, " S(X_OUT) "*8+48(%%rbx)\n\t"
        "movq %%r11, " S(X_OUT) "*8+56(%%rbx)\n\t"
        "movdqu %%xmm2, " AT(X_XMM_OUT) "\n\t"
        "movdqu %%xmm3, " S(X_XMM_OUT) "*8+16(%%rbx)\n\t"
        "movq %%r12, %%rsp\n\t"
        :
        : "b"(x)
        : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
          "r12", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
          "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
          "xmm14", "xmm15", "memory", "cc");
}

/* Calls fn(arg0, arg1) as above; returns (result, [names of the
   registers that changed]).  With xmm true, %xmm2 and %xmm3 are
   checked too: only for a function known not to use them itself. */
static PyObject *
probe(void *fn, void *arg0, void *arg1, int xmm)
{
    static const char *const gpr_names[8] = {
        "rdi", "rsi", "rdx", "rcx", "r8", "r9", "r10", "r11"
    };
    unsigned long x[X_WORDS] = { 0 };
    unsigned long gpr_in[8];
    PyObject *changed, *name, *result;
    int i;

    x[X_FN] = (unsigned long)fn;
    x[X_ARG0] = (unsigned long)arg0;
    x[X_ARG1] = (unsigned long)arg1;
    for (i = 0; i < 6; i++)
        x[X_IN + i] = 0x5eed0000a11ce000UL + (unsigned long)i;
    for (i = 0; i < 4; i++)
        x[X_XMM_IN + i] = 0x0dd5eedf00d00000UL + (unsigned long)i;
    gpr_in[0] = x[X_ARG0];
    gpr_in[1] = x[X_ARG1];
    for (i = 0; i < 6; i++)
        gpr_in[2 + i] = x[X_IN + i];

    call_with_known_registers(x);

    changed = PyList_New(0);
    if (changed == NULL)
        return NULL;
    for (i = 0; i < 8; i++) {
        if (x[X_OUT + i] == gpr_in[i])
            continue;
        name = PyUnicode_FromString(gpr_names[i]);
        if (name == NULL || PyList_Append(changed, name) < 0) {
            Py_XDECREF(name);
            Py_DECREF(changed);
            return NULL;
        }
        Py_DECREF(name);
    }
    for (i = 0; xmm && i < 2; i++) {
        if (x[X_XMM_OUT + 2 * i] == x[X_XMM_IN + 2 * i]
            && x[X_XMM_OUT + 2 * i + 1] == x[X_XMM_IN + 2 * i + 1])
            continue;
        name = PyUnicode_FromFormat("xmm%d", 2 + i);
        if (name == NULL || PyList_Append(changed, name) < 0) {
            Py_XDECREF(name);
            Py_DECREF(changed);
            return NULL;
        }
        Py_DECREF(name);
    }
    // The result is whatever fn returned: a borrowed reference or NULL.
    result = (PyObject *)x[X_RESULT];
    return Py_BuildValue("(ON)", result ? result : Py_None, changed);
}


PyDoc_STRVAR(err_occurred_doc,
"err_occurred() -> (result, changed)\n\
\n\
Calls PyErr_Occurred() (no error set: returns None for its NULL);\n\
changed lists the registers, %xmm2 and %xmm3 included, that differ.");

static PyObject *
err_occurred(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return probe((void *)PyErr_Occurred, NULL, NULL, 1);
}

PyDoc_STRVAR(tuple_getitem_doc,
"tuple_getitem(t, i) -> (t[i], changed)\n\
\n\
Calls PyTuple_GetItem(t, i); changed lists the general registers that\n\
differ.");

static PyObject *
tuple_getitem(PyObject *module, PyObject *args)
{
    PyObject *t;
    Py_ssize_t i;
    if (!PyArg_ParseTuple(args, "O!n", &PyTuple_Type, &t, &i))
        return NULL;
    return probe((void *)PyTuple_GetItem, t, (void *)i, 0);
}

static PyMethodDef wrapper_regs_methods[] = {
    {"err_occurred", err_occurred, METH_NOARGS, err_occurred_doc},
    {"tuple_getitem", tuple_getitem, METH_VARARGS, tuple_getitem_doc},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef wrapper_regs_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "wrapper_regs",
    .m_doc = "Registers across calls of the CPython API that pyref wraps.",
    .m_size = 0,
    .m_methods = wrapper_regs_methods,
};

PyMODINIT_FUNC
PyInit_wrapper_regs(void)
{
    return PyModule_Create(&wrapper_regs_module);
}
