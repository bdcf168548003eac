/* buggy_heap: heap-engine bugs (double free, mismatched allocator
 * families, overflow, reads of freed blocks) for vg-pyref's test suite.
 * Each buggy function has a correct twin, <name>_ok.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#undef NDEBUG
#define PY_SSIZE_T_CLEAN
#include "Python.h"

#include <stdlib.h>               // malloc(), free()
#include <string.h>               // memset(), strlen()

/* pymalloc serves requests of up to 512 bytes from its own arenas and
   passes bigger ones to malloc().  SMALL_SIZE and LARGE_SIZE sit on
   either side of that limit for every supported CPython. */
#define SMALL_SIZE 16
#define LARGE_SIZE 1000
#define OVERFLOW_MAX 64           // bytes_overflow() writes at most this

/* HeapHolder's default buffer size: a pymalloc block of a size class
   (384 bytes) far less busy than the small ones.  pymalloc does not
   notice a double free: its free list then loops on the block, and the
   next two requests of that class both get it.  So dealloc_double_free()
   is safe only if the process does little afterwards; with
   PYTHONMALLOC=malloc, glibc aborts at once ("double free detected"). */
#define HOLDER_SIZE 376


/* --- HeapHolder: an object that owns a PyMem_Malloc'ed buffer --------- */

typedef struct {
    PyObject_HEAD
    char *buf;                    // owned, PyMem_Malloc'ed, or NULL
    Py_ssize_t size;
} HeapHolderObject;

static PyTypeObject HeapHolder_Type;

static PyObject *
HeapHolder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"size", NULL};
    Py_ssize_t size = HOLDER_SIZE;
    HeapHolderObject *self;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|n:HeapHolder", kwlist,
                                     &size)) {
        return NULL;
    }
    if (size <= 0) {
        PyErr_SetString(PyExc_ValueError, "size must be positive");
        return NULL;
    }
    self = (HeapHolderObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->buf = PyMem_Malloc(size);
    if (self->buf == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    memset(self->buf, 'h', size);
    self->size = size;
    return (PyObject *)self;
}

static void
HeapHolder_dealloc(PyObject *op)
{
    HeapHolderObject *self = (HeapHolderObject *)op;

    // Correct by itself; frees the buffer a second time after release().
    PyMem_Free(self->buf);
    Py_TYPE(op)->tp_free(op);
}

PyDoc_STRVAR(HeapHolder_release_doc,
"release()\n\
\n\
Free the buffer now but keep the pointer (BUG): tp_dealloc frees it\n\
again.");

static PyObject *
HeapHolder_release(PyObject *op, PyObject *Py_UNUSED(ignored))
{
    HeapHolderObject *self = (HeapHolderObject *)op;

    // self->buf is now a dangling pointer that tp_dealloc frees again
    PyMem_Free(self->buf);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(HeapHolder_release_ok_doc,
"release_ok()\n\
\n\
Free the buffer now and forget it.");

static PyObject *
HeapHolder_release_ok(PyObject *op, PyObject *Py_UNUSED(ignored))
{
    HeapHolderObject *self = (HeapHolderObject *)op;

    PyMem_Free(self->buf);
    self->buf = NULL;
    self->size = 0;
    Py_RETURN_NONE;
}

static PyMethodDef HeapHolder_methods[] = {
    {"release", HeapHolder_release, METH_NOARGS, HeapHolder_release_doc},
    {"release_ok", HeapHolder_release_ok, METH_NOARGS,
     HeapHolder_release_ok_doc},
    {NULL, NULL, 0, NULL}
};

PyDoc_STRVAR(HeapHolder_doc,
"HeapHolder(size=376)\n\
\n\
Owns a buffer of size bytes from PyMem_Malloc(); tp_dealloc frees it.");

static PyTypeObject HeapHolder_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "buggy_heap.HeapHolder",
    .tp_basicsize = sizeof(HeapHolderObject),
    .tp_dealloc = HeapHolder_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = HeapHolder_doc,
    .tp_methods = HeapHolder_methods,
    .tp_new = HeapHolder_new,
};

/* A holder made as Python code would make it, HeapHolder(). */
static PyObject *
new_holder(void)
{
    return PyObject_CallObject((PyObject *)&HeapHolder_Type, NULL);
}


/* --- Double free through tp_dealloc ----------------------------------- */

PyDoc_STRVAR(dealloc_double_free_doc,
"dealloc_double_free()\n\
\n\
Make a HeapHolder, release() it, drop it: tp_dealloc frees the\n\
buffer a second time.");

static PyObject *
dealloc_double_free(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *holder = new_holder();

    if (holder == NULL) {
        return NULL;
    }
    Py_DECREF(HeapHolder_release(holder, NULL));    // returns None
    Py_DECREF(holder);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(dealloc_double_free_ok_doc,
"dealloc_double_free_ok()\n\
\n\
Make a HeapHolder, release_ok() it, drop it.");

static PyObject *
dealloc_double_free_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *holder = new_holder();

    if (holder == NULL) {
        return NULL;
    }
    Py_DECREF(HeapHolder_release_ok(holder, NULL));  // returns None
    Py_DECREF(holder);
    Py_RETURN_NONE;
}


/* --- Mismatched allocator families ------------------------------------ */

PyDoc_STRVAR(pymem_malloc_object_free_doc,
"pymem_malloc_object_free()\n\
\n\
PyMem_Malloc() a block, PyObject_Free() it.");

static PyObject *
pymem_malloc_object_free(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    char *p = PyMem_Malloc(SMALL_SIZE);

    if (p == NULL) {
        return PyErr_NoMemory();
    }
    memset(p, 0, SMALL_SIZE);
    // PyMem_Malloc's block freed with PyObject_Free: wrong family
    PyObject_Free(p);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(pymem_malloc_object_free_ok_doc,
"pymem_malloc_object_free_ok()\n\
\n\
PyMem_Malloc() a block, PyMem_Free() it.");

static PyObject *
pymem_malloc_object_free_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    char *p = PyMem_Malloc(SMALL_SIZE);

    if (p == NULL) {
        return PyErr_NoMemory();
    }
    memset(p, 0, SMALL_SIZE);
    PyMem_Free(p);
    Py_RETURN_NONE;
}

/* PyObject_Free() passes a block pymalloc does not own to free(), so
   natively this mismatch works by accident. */

PyDoc_STRVAR(malloc_object_free_doc,
"malloc_object_free()\n\
\n\
malloc() a block, PyObject_Free() it.");

static PyObject *
malloc_object_free(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    char *p = malloc(SMALL_SIZE);

    if (p == NULL) {
        return PyErr_NoMemory();
    }
    memset(p, 0, SMALL_SIZE);
    // malloc's block freed with PyObject_Free: wrong family
    PyObject_Free(p);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(malloc_object_free_ok_doc,
"malloc_object_free_ok()\n\
\n\
malloc() a block, free() it.");

static PyObject *
malloc_object_free_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    char *p = malloc(SMALL_SIZE);

    if (p == NULL) {
        return PyErr_NoMemory();
    }
    memset(p, 0, SMALL_SIZE);
    free(p);
    Py_RETURN_NONE;
}

/* LARGE_SIZE, not SMALL_SIZE: a block of 512 bytes or fewer would come
   from a pymalloc arena, and free() would abort the process.  This one
   comes from malloc() underneath, so the mismatch goes unnoticed. */

PyDoc_STRVAR(object_malloc_free_doc,
"object_malloc_free()\n\
\n\
PyObject_Malloc() a block of 1000 bytes, free() it.");

static PyObject *
object_malloc_free(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    char *p = PyObject_Malloc(LARGE_SIZE);

    if (p == NULL) {
        return PyErr_NoMemory();
    }
    memset(p, 0, LARGE_SIZE);
    // PyObject_Malloc's block freed with free(): wrong family
    free(p);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(object_malloc_free_ok_doc,
"object_malloc_free_ok()\n\
\n\
PyObject_Malloc() a block of 1000 bytes, PyObject_Free() it.");

static PyObject *
object_malloc_free_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    char *p = PyObject_Malloc(LARGE_SIZE);

    if (p == NULL) {
        return PyErr_NoMemory();
    }
    memset(p, 0, LARGE_SIZE);
    PyObject_Free(p);
    Py_RETURN_NONE;
}


/* --- Overflow of a bytes object's payload ----------------------------- */

/* The object is 33 + 8 bytes, in a 48-byte pymalloc block (a 56-byte
   malloc chunk under PYTHONMALLOC=malloc).  The default n=16 writes the
   payload, its NUL and the 7 bytes of padding up to the end of the
   block: harmless natively, seen only by a checker that knows the
   requested size.  n=24 also overwrites the first 8 bytes of the next
   pymalloc block (a live object's ob_refcnt, or a free block's link)
   and may crash the process later. */

PyDoc_STRVAR(bytes_overflow_doc,
"bytes_overflow(n=16)\n\
\n\
Write n bytes (at most 64) of 'x' into the 8-byte payload of a new\n\
bytes object.  n=16 stays inside its pymalloc block; n=24 reaches the\n\
next block.");

static PyObject *
bytes_overflow(PyObject *module, PyObject *args)
{
    Py_ssize_t n = 16;
    PyObject *b;
    char *s;

    if (!PyArg_ParseTuple(args, "|n:bytes_overflow", &n)) {
        return NULL;
    }
    if (n < 0 || n > OVERFLOW_MAX) {
        PyErr_SetString(PyExc_ValueError, "n must be in 0..64");
        return NULL;
    }
    b = PyBytes_FromStringAndSize(NULL, 8);
    if (b == NULL) {
        return NULL;
    }
    s = PyBytes_AS_STRING(b);
    // n > 8 writes past the end of the 8-byte payload
    memset(s, 'x', n);
    Py_DECREF(b);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(bytes_overflow_ok_doc,
"bytes_overflow_ok()\n\
\n\
Write 8 bytes into the 8-byte payload of a new bytes object.");

static PyObject *
bytes_overflow_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *b = PyBytes_FromStringAndSize(NULL, 8);

    if (b == NULL) {
        return NULL;
    }
    memset(PyBytes_AS_STRING(b), 'x', 8);
    Py_DECREF(b);
    Py_RETURN_NONE;
}


/* --- Reads of a freed object ------------------------------------------ */

/* #undef NDEBUG turns on the assert()s of CPython's inline accessors:
   PyBytes_AS_STRING() would check the type of a freed object and abort
   before the bug shows.  Reads of dead objects use the struct fields. */

/* A bytes object nobody else knows of: it dies at its Py_DECREF. */
static PyObject *
new_private_bytes(Py_ssize_t size)
{
    PyObject *b = PyBytes_FromStringAndSize(NULL, size);

    if (b != NULL) {
        memset(PyBytes_AS_STRING(b), 'r', size);
    }
    return b;
}

PyDoc_STRVAR(read_freed_small_doc,
"read_freed_small() -> int\n\
\n\
Free a 16-byte bytes object (a pymalloc block), then return its\n\
ob_size read from the freed block.");

static PyObject *
read_freed_small(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *b = new_private_bytes(SMALL_SIZE);
    Py_ssize_t size;

    if (b == NULL) {
        return NULL;
    }
    Py_DECREF(b);
    // b is now a dangling pointer: its pymalloc block is free
    size = ((PyVarObject *)b)->ob_size;
    return PyLong_FromSsize_t(size);
}

PyDoc_STRVAR(read_freed_small_ok_doc,
"read_freed_small_ok() -> int\n\
\n\
Read the ob_size of a 16-byte bytes object, then free it.");

static PyObject *
read_freed_small_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *b = new_private_bytes(SMALL_SIZE);
    Py_ssize_t size;

    if (b == NULL) {
        return NULL;
    }
    size = ((PyVarObject *)b)->ob_size;
    Py_DECREF(b);
    return PyLong_FromSsize_t(size);
}

PyDoc_STRVAR(read_freed_large_doc,
"read_freed_large() -> int\n\
\n\
Free a 1000-byte bytes object (a malloc block), then return its first\n\
payload byte read from the freed block.");

static PyObject *
read_freed_large(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *b = new_private_bytes(LARGE_SIZE);
    int first;

    if (b == NULL) {
        return NULL;
    }
    Py_DECREF(b);
    // b is now a dangling pointer: its malloc block is free
    first = (unsigned char)((PyBytesObject *)b)->ob_sval[0];
    return PyLong_FromLong(first);
}

PyDoc_STRVAR(read_freed_large_ok_doc,
"read_freed_large_ok() -> int\n\
\n\
Read the first payload byte of a 1000-byte bytes object, then free it.");

static PyObject *
read_freed_large_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *b = new_private_bytes(LARGE_SIZE);
    int first;

    if (b == NULL) {
        return NULL;
    }
    first = (unsigned char)((PyBytesObject *)b)->ob_sval[0];
    Py_DECREF(b);
    return PyLong_FromLong(first);
}


/* --- A string without its terminating NUL ----------------------------- */

/* glibc's strlen is vectorised: it reads whole vectors past a string's
   end by design, and pyref knows its variants by name only from
   glibc's debug symbols.  This over-read must be reported with and
   without them (heap/strlen_unterminated*.vgtest).  PyMem_Calloc()
   clears the block's redzone too, so strlen() stops at its first byte:
   one bad read. */
#define STRING_SIZE 8

PyDoc_STRVAR(strlen_unterminated_doc,
"strlen_unterminated() -> int\n\
\n\
Fill an 8-byte PyMem_Calloc'ed buffer with 'x', no terminating NUL,\n\
and return its strlen().");

static PyObject *
strlen_unterminated(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    char *s = PyMem_Calloc(1, STRING_SIZE);
    size_t n;

    if (s == NULL) {
        return PyErr_NoMemory();
    }
    memset(s, 'x', STRING_SIZE);
    // strlen() reads past the end of the block looking for the NUL
    n = strlen(s);
    PyMem_Free(s);
    return PyLong_FromSize_t(n);
}

PyDoc_STRVAR(strlen_unterminated_ok_doc,
"strlen_unterminated_ok() -> int\n\
\n\
Put 8 bytes of 'x' and a NUL in a 9-byte PyMem_Calloc'ed buffer and\n\
return its strlen().");

static PyObject *
strlen_unterminated_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    char *s = PyMem_Calloc(1, STRING_SIZE + 1);
    size_t n;

    if (s == NULL) {
        return PyErr_NoMemory();
    }
    memset(s, 'x', STRING_SIZE);
    n = strlen(s);
    PyMem_Free(s);
    return PyLong_FromSize_t(n);
}


/* --- Double free of blocks 16 bytes apart ----------------------------- */

/* pyref finds a block's record through an index with one entry per 32
   bytes of address space; a block that starts in the same 32 bytes as
   another one goes to a separate overflow table.  PyObject_Malloc(0)
   blocks are the only ones that close together: pymalloc's smallest
   size class, 16 bytes, holds the request and pyref's redzone, and
   consecutive requests of a fresh pool are 16 bytes apart. */
#define ZERO_BLOCKS 16

/* Fill blocks with PyObject_Malloc(0) blocks: 0, or -1 with
   MemoryError set and none of them allocated. */
static int
malloc_zero_blocks(void *blocks[ZERO_BLOCKS])
{
    int i;

    for (i = 0; i < ZERO_BLOCKS; i++) {
        blocks[i] = PyObject_Malloc(0);
        if (blocks[i] == NULL) {
            while (--i >= 0) {
                PyObject_Free(blocks[i]);
            }
            PyErr_NoMemory();
            return -1;
        }
    }
    return 0;
}

static void
free_zero_blocks(void *blocks[ZERO_BLOCKS])
{
    int i;

    for (i = 0; i < ZERO_BLOCKS; i++) {
        PyObject_Free(blocks[i]);
    }
}

PyDoc_STRVAR(zero_size_double_free_doc,
"zero_size_double_free()\n\
\n\
PyObject_Malloc(0) a few blocks, PyObject_Free() each one twice.");

static PyObject *
zero_size_double_free(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    void *blocks[ZERO_BLOCKS];
    int i;

    if (malloc_zero_blocks(blocks) < 0) {
        return NULL;
    }
    free_zero_blocks(blocks);
    for (i = 0; i < ZERO_BLOCKS; i++) {
        // every block was freed just above: a double free
        PyObject_Free(blocks[i]);
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(zero_size_double_free_ok_doc,
"zero_size_double_free_ok()\n\
\n\
PyObject_Malloc(0) a few blocks, PyObject_Free() each one once.");

static PyObject *
zero_size_double_free_ok(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    void *blocks[ZERO_BLOCKS];

    if (malloc_zero_blocks(blocks) < 0) {
        return NULL;
    }
    free_zero_blocks(blocks);
    Py_RETURN_NONE;
}


/* --- Helper for drivers (not a bug) ----------------------------------- */

PyDoc_STRVAR(bytes_buffer_address_doc,
"bytes_buffer_address(b) -> int\n\
\n\
Return the address of b's payload, PyBytes_AS_STRING(b).");

static PyObject *
bytes_buffer_address(PyObject *module, PyObject *b)
{
    if (!PyBytes_Check(b)) {
        PyErr_SetString(PyExc_TypeError, "expected a bytes object");
        return NULL;
    }
    return PyLong_FromVoidPtr(PyBytes_AS_STRING(b));
}


/* --- Module ----------------------------------------------------------- */

static PyMethodDef buggy_heap_methods[] = {
    {"dealloc_double_free", dealloc_double_free, METH_NOARGS,
     dealloc_double_free_doc},
    {"dealloc_double_free_ok", dealloc_double_free_ok, METH_NOARGS,
     dealloc_double_free_ok_doc},
    {"zero_size_double_free", zero_size_double_free, METH_NOARGS,
     zero_size_double_free_doc},
    {"zero_size_double_free_ok", zero_size_double_free_ok, METH_NOARGS,
     zero_size_double_free_ok_doc},
    {"pymem_malloc_object_free", pymem_malloc_object_free, METH_NOARGS,
     pymem_malloc_object_free_doc},
    {"pymem_malloc_object_free_ok", pymem_malloc_object_free_ok,
     METH_NOARGS, pymem_malloc_object_free_ok_doc},
    {"malloc_object_free", malloc_object_free, METH_NOARGS,
     malloc_object_free_doc},
    {"malloc_object_free_ok", malloc_object_free_ok, METH_NOARGS,
     malloc_object_free_ok_doc},
    {"object_malloc_free", object_malloc_free, METH_NOARGS,
     object_malloc_free_doc},
    {"object_malloc_free_ok", object_malloc_free_ok, METH_NOARGS,
     object_malloc_free_ok_doc},
    {"bytes_overflow", bytes_overflow, METH_VARARGS, bytes_overflow_doc},
    {"bytes_overflow_ok", bytes_overflow_ok, METH_NOARGS,
     bytes_overflow_ok_doc},
    {"read_freed_small", read_freed_small, METH_NOARGS,
     read_freed_small_doc},
    {"read_freed_small_ok", read_freed_small_ok, METH_NOARGS,
     read_freed_small_ok_doc},
    {"read_freed_large", read_freed_large, METH_NOARGS,
     read_freed_large_doc},
    {"read_freed_large_ok", read_freed_large_ok, METH_NOARGS,
     read_freed_large_ok_doc},
    {"strlen_unterminated", strlen_unterminated, METH_NOARGS,
     strlen_unterminated_doc},
    {"strlen_unterminated_ok", strlen_unterminated_ok, METH_NOARGS,
     strlen_unterminated_ok_doc},
    {"bytes_buffer_address", bytes_buffer_address, METH_O,
     bytes_buffer_address_doc},
    {NULL, NULL, 0, NULL}
};

PyDoc_STRVAR(buggy_heap_doc,
"Deliberately buggy heap handling, for vg-pyref's tests.\n\
\n\
Every function has one bug; <name>_ok does the same work correctly.");

static struct PyModuleDef buggy_heap_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "buggy_heap",
    .m_doc = buggy_heap_doc,
    .m_size = -1,
    .m_methods = buggy_heap_methods,
};

PyMODINIT_FUNC
PyInit_buggy_heap(void)
{
    PyObject *m;

    if (PyType_Ready(&HeapHolder_Type) < 0) {
        return NULL;
    }
    m = PyModule_Create(&buggy_heap_module);
    if (m == NULL) {
        return NULL;
    }
    Py_INCREF(&HeapHolder_Type);
    if (PyModule_AddObject(m, "HeapHolder",
                           (PyObject *)&HeapHolder_Type) < 0) {
        Py_DECREF(&HeapHolder_Type);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
