/*--------------------------------------------------------------------*/
/*--- Pyref: private client requests between the tool and its      ---*/
/*--- preload library.                                pr_request.h ---*/
/*--------------------------------------------------------------------*/

/*
   This file is part of vg-pyref, a Valgrind tool that checks the
   ownership of CPython objects and heap blocks.

   This program is free software; you can redistribute it and/or
   modify it under the terms of the GNU General Public License as
   published by the Free Software Foundation; either version 2 of the
   License, or (at your option) any later version.

   This program is distributed in the hope that it will be useful, but
   WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
   General Public License for more details.

   The GNU General Public License is contained in the file COPYING.
*/

/* The requests in this file are an internal protocol between
   vgpreload_pyref-<platform>.so (pr_intercepts.c, running on the
   simulated CPU) and the tool (running on the host).  They are not
   part of the public interface: users include pyref.h instead.  The
   public requests start at VG_USERREQ_TOOL_BASE('P','R'); these start
   0x1000 above it so the two ranges can never collide. */

#ifndef __PR_REQUEST_H
#define __PR_REQUEST_H

#include "pyref.h"

typedef
   enum {
      /* The preload found a CPython in this process.
         arg1: the NUL-terminated version string (Py_GetVersion()),
         arg2: PR_PYFLAG_* bits describing the build,
         arg3: an address inside libpython (to find which object holds
               it, the executable or a shared libpython).
         Returns PR_VERDICT_*. */
      _VG_USERREQ__PYREF_PYTHON_FOUND = VG_USERREQ_TOOL_BASE('P','R') + 0x1000,

      /* The preload found no CPython in this process (no arguments). */
      _VG_USERREQ__PYREF_NO_PYTHON,

      /* After a CHECK verdict, before installing the hooks.
         arg1: a PR_HookTable in client memory. */
      _VG_USERREQ__PYREF_REGISTER_HOOKS,

      /* Asked for by the tool through PR_EV_ALLOC's answer: discard
         the translations it needs instrumented afresh (only a client
         request may).  No arguments. */
      _VG_USERREQ__PYREF_FLUSH
   }
   PR_PrivateRequest;

/* The events: each is one instruction in the preload's hooks, a load
   into the return register, at an address the tool learns from the
   hook table.  The tool recognises those addresses when it translates
   code and calls its own handler there, which reads the arguments from
   the argument registers; its answer replaces the loaded value.  An
   event costs a helper call, not a client request (which leaves the
   translated code and costs ten times more) nor a function call. */
enum {
   PR_EV_ALLOC,          /* (family, ptr, size) -> PR_ALLOC_*            */
   PR_EV_FREE,           /* (family, ptr, in an isolated interpreter?)
                            -> PR_FREE_* | evicted block                 */
   PR_EV_EVICT,          /* (family) -> PR_FREE_MORE? | evicted block    */
   PR_EV_REALLOC_SIZE,   /* (family, ptr) -> size, or PR_REALLOC_*       */
   PR_EV_ARENA,          /* (ptr, size, alive) -> 0                      */
   PR_EV_BORROW,         /* (PR_BORROW_* api, object, container) -> 0    */
   PR_EV_N
};

/* One event site, as the preload's section pyref_events holds them:
   the site's address is the entry's own address plus offset. */
typedef
   struct {
      int offset;
      int event;            /* PR_EV_*                                   */
   }
   PR_EventSite;

#define PR_N_KNOWN_TYPES 12

typedef
   struct {
      unsigned long event_sites;    /* the PR_EventSite array ...       */
      unsigned long n_event_sites;  /*   and its length                 */
      unsigned long alloc_sp_word;  /* &pyref_alloc_sp                 */
      unsigned long type_type;      /* &PyType_Type                    */
      unsigned long types[PR_N_KNOWN_TYPES]; /* the types whose objects
                                       die most (free lists): their
                                       tp_dealloc is instrumented from
                                       the start (0: not exported)     */
      unsigned long preload_text;   /* any address in the preload      */
      unsigned long strfns_lo;      /* its replacements of libc's string */
      unsigned long strfns_hi;      /*   functions: instrumented        */
      /* Written by the tool when it accepts the table: */
      unsigned long python_text_lo; /* CPython's own code: its calls of */
      unsigned long python_text_hi; /*   the borrowing API are not events */
      unsigned long borrow_events;  /* 0: --borrow-records=0            */
      unsigned long interp_heaps;   /* 1: an interpreter may have its own
                                       pymalloc state (3.12+): the hooks
                                       tell the tool which frees happen
                                       in such an isolated one         */
   }
   PR_HookTable;

/* The exported functions of CPython 3.8-3.13 that return a borrowed
   reference (Doc/data/refcounts.dat of each version, plus those it
   misses: PyFunction_GetKwDefaults, PyCFunction_GetSelf,
   PyInterpreterState_GetDict, PyType_GetModule[ByDef],
   Py_GetConstantBorrowed), by arity: X(name, index of the argument the
   reference is borrowed from, or -1).  The preload wraps each (those a
   version lacks are simply never called); PyDict_Next, which lends
   through its out-parameters, is wrapped on its own.  README.md lists
   them, and what is not covered. */
#define PR_BORROW_APIS_0(X)                        \
   X(PyEval_GetBuiltins, -1)                       \
   X(PyEval_GetGlobals, -1)                        \
   X(PyEval_GetLocals, -1)                         \
   X(PyEval_GetFrame, -1)                          \
   X(PyImport_GetModuleDict, -1)                   \
   X(PyThreadState_GetDict, -1)                    \
   X(PySys_GetXOptions, -1)                        \
   X(PyErr_Occurred, -1)
#define PR_BORROW_APIS_1(X)                        \
   X(PyModule_GetDict, 0)                          \
   X(PySys_GetObject, -1)                          \
   X(PyFunction_GetCode, 0)                        \
   X(PyFunction_GetGlobals, 0)                     \
   X(PyFunction_GetModule, 0)                      \
   X(PyFunction_GetDefaults, 0)                    \
   X(PyFunction_GetKwDefaults, 0)                  \
   X(PyFunction_GetClosure, 0)                     \
   X(PyFunction_GetAnnotations, 0)                 \
   X(PyMethod_Function, 0)                         \
   X(PyMethod_Self, 0)                             \
   X(PyInstanceMethod_Function, 0)                 \
   X(PyWeakref_GetObject, 0)                       \
   X(PyCFunction_GetSelf, 0)                       \
   X(PyImport_AddModuleObject, -1)                 \
   X(PyImport_AddModule, -1)                       \
   X(PyState_FindModule, -1)                       \
   X(PyInterpreterState_GetDict, -1)               \
   X(PyType_GetModule, 0)                          \
   X(Py_GetConstantBorrowed, -1)
#define PR_BORROW_APIS_2(X)                        \
   X(PyList_GetItem, 0)                            \
   X(PyTuple_GetItem, 0)                           \
   X(PyDict_GetItem, 0)                            \
   X(PyDict_GetItemString, 0)                      \
   X(PyDict_GetItemWithError, 0)                   \
   X(PyStructSequence_GetItem, 0)                  \
   X(PyType_GetModuleByDef, 0)
#define PR_BORROW_APIS_3(X)                        \
   X(PyDict_SetDefault, 0)

#define PR_BORROW_ID(name, cont) PR_BORROW_##name,
enum {
   PR_BORROW_APIS_0(PR_BORROW_ID)
   PR_BORROW_APIS_1(PR_BORROW_ID)
   PR_BORROW_APIS_2(PR_BORROW_ID)
   PR_BORROW_APIS_3(PR_BORROW_ID)
   PR_BORROW_PyDict_Next_key,
   PR_BORROW_PyDict_Next_value,
   PR_BORROW_N
};

/* Allocator families, as the hooks name them in events. */
#define PR_FAM_MALLOC     1
#define PR_FAM_NEW        2
#define PR_FAM_NEW_ARRAY  3
#define PR_FAM_RAW        4
#define PR_FAM_MEM        5
#define PR_FAM_OBJ        6

/* Build flags the preload learns from which symbols the process has. */
#define PR_PYFLAG_DEBUG          0x1  /* Py_REF_DEBUG: a --with-pydebug build */
#define PR_PYFLAG_TRACE_REFS     0x2  /* Py_TRACE_REFS: --with-trace-refs     */
#define PR_PYFLAG_FREE_THREADED  0x4  /* Py_GIL_DISABLED: --disable-gil       */

/* What the tool answers to _VG_USERREQ__PYREF_PYTHON_FOUND. */
#define PR_VERDICT_CHECK    1  /* supported: install the hooks             */
#define PR_VERDICT_IGNORE   2  /* unsupported, run the program unchecked   */
#define PR_VERDICT_REFUSE   3  /* unsupported, stop the program            */

/* What PR_(ev_free) answers the hook: the action in the low 4 bits
   (blocks are 16-aligned), and possibly a block evicted from the
   domain's quarantine in the rest, which the hook frees for real.
   PR_(ev_evict) answers the next evicted block (or 0) and
   PR_FREE_MORE. */
#define PR_FREE_PASS         0x1   /* call the real free now          */
#define PR_FREE_KEEP         0x2   /* do not free (quarantined, or an
                                      error was reported)             */
#define PR_FREE_MORE         0x4   /* the quarantine is still over its
                                      limit: ask PR_EV_EVICT again     */
#define PR_FREE_ACTION_MASK  0xfUL

/* What PR_(ev_alloc) answers. */
#define PR_ALLOC_OK          0
#define PR_ALLOC_FLUSH       1   /* make a _VG_USERREQ__PYREF_FLUSH */

/* What PR_(ev_realloc_size) answers instead of a size. */
#define PR_REALLOC_UNKNOWN   (~0UL)       /* not ours: use the real realloc */
#define PR_REALLOC_BAD       (~0UL - 1)   /* reported: return NULL         */

/* Extra bytes every CPython-domain hook asks for: a redzone inside the
   block the real allocator returns. */
#define PR_HOOK_REDZONE      16

/* What a hook asks the layer below for, for a block of n bytes: n
   rounded up to the 16-byte granule of the shadow map, then the
   redzone granule.  The redzone the tool marks (the granule after the
   last byte of the block) then lies inside what the hook asked for,
   never over bytes of the layer below: under PYTHONMALLOC=debug,
   n + 16 alone would put up to 15 bytes of that granule over the
   debug hooks' trailing guard bytes, and the tool could not give them
   back exactly when the block leaves the quarantine (pr_heap.c,
   mark_Released).  Directly on pymalloc it costs nothing (its size
   classes are multiples of 16); with the debug hooks' 24 bytes in
   between, a block may land one size class higher.  The caller checks
   first that n <= PR_HOOK_MAX_SIZE. */
#define PR_HOOK_REQUEST(n)   ((((n) + 15UL) & ~15UL) + PR_HOOK_REDZONE)
#define PR_HOOK_MAX_SIZE     ((~0UL >> 1) - 2 * PR_HOOK_REDZONE)

/* Exit status of a process stopped by PR_VERDICT_REFUSE (documented in
   README.md: "Exit status"). */
#define PR_EXIT_UNSUPPORTED_PYTHON 3

#endif /* __PR_REQUEST_H */

/*--------------------------------------------------------------------*/
/*--- end                                             pr_request.h ---*/
/*--------------------------------------------------------------------*/
