/*--------------------------------------------------------------------*/
/*--- Pyref: the preload library, run inside the client.           ---*/
/*---                                               pr_intercepts.c ---*/
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

/* ALL THE CODE IN THIS FILE RUNS ON THE SIMULATED CPU, inside the
   client process.  It is built into vgpreload_pyref-<platform>.so,
   which the core adds to LD_PRELOAD of every client.  It is linked
   without libc (-nodefaultlibs): it may call only what the client
   itself provides, through weak references, and must never assume a
   CPython is there.

   At start-up, before main() and before any other object's
   constructors (the library is linked -z initfirst), it looks for
   CPython's exported API in the process's global scope: the
   executable for a static libpython (Debian's /usr/bin/python3.11),
   or libpython3.X.so for a shared build.  It tells the tool what it
   found, and the tool answers with a verdict (pr_python.c).  A REFUSE
   verdict ends the process at once with exit status 3, before the
   interpreter runs a single line of Python.

   On a CHECK verdict it installs hooks on CPython's three allocator
   domains (PyMem_SetAllocator) and on pymalloc's arena allocator
   (PyObject_SetArenaAllocator), which survive Py_Initialize when
   PYTHONMALLOC is unset.  PYTHONMALLOC (and -X dev) make CPython's
   pre-initialisation replace the allocators, so the hooks are put
   back when the first interpreter is created:

      PyInterpreterState_New    3.8 - 3.12, in the executable (Debian's
                                static python3.11: soname NONE) or in
                                libpython3.X.so
      _PyInterpreterState_New   3.13, which no longer calls the former
                                at start-up; it returns a PyStatus
                                through a hidden pointer (sret)

   The hooks report to the tool through the event sites below, which
   the tool recognises at translation time (pr_translate.c).

   In every client, CPython or not, it also replaces libc's string
   functions with byte-exact ones (see "glibc's string functions"). */

#include "valgrind.h"
#include "pub_tool_redir.h"
#include "pr_request.h"

typedef unsigned long size_t;

/*------------------------------------------------------------*/
/*--- CPython's symbols, as weak references                ---*/
/*------------------------------------------------------------*/

/* Resolved from the global scope when the process has a CPython,
   NULL otherwise.  Only the address of the last three matters: each
   exists only in one kind of build. */
extern const char* Py_GetVersion(void) __attribute__((weak));
extern void _Py_NegativeRefcount(void) __attribute__((weak));       /* Py_REF_DEBUG    */
extern void _Py_PrintReferences(void) __attribute__((weak));        /* Py_TRACE_REFS   */
extern void _Py_MergeZeroLocalRefcount(void) __attribute__((weak)); /* Py_GIL_DISABLED */

/*------------------------------------------------------------*/
/*--- Leaving without libc                                 ---*/
/*------------------------------------------------------------*/

#if defined(VGP_amd64_linux)
/* exit_group(2): ends every thread of the process; the tool sees the
   syscall and finishes its output (text and XML) normally. */
__attribute__((noreturn))
static void exit_process ( int status )
{
   for (;;) {
      long ret;
      __asm__ volatile ("syscall"
                        : "=a"(ret)
                        : "0"(231L /* __NR_exit_group */), "D"((long)status)
                        : "rcx", "r11", "memory");
   }
}
#else
#  error "pyref: this platform is not supported yet"
#endif

/*------------------------------------------------------------*/
/*--- Event sites                                          ---*/
/*------------------------------------------------------------*/

/* An event is an instruction the tool knows by its address: a load of
   pyref_event_answer into RAX.  When the tool translates the code
   holding one, it calls its handler there instead, which reads the
   arguments from RDI, RSI and RDX, and its answer takes the load's
   place.  No call and no return: the hook runs on in the same
   superblock, and the compiler knows the site changes RAX alone.
   (Events were once calls of one-`ret' stub functions: two more jumps
   per event, one of them indirect, a few percent of an allocation-heavy
   program's time under pyref.)  It is the load the tool replaces, not
   RAX it writes afterwards: by the time the tool sees a superblock,
   later reads of RAX in it have already been replaced by the value
   last written to RAX, the load's.

   Each site records its offset and its event in the section
   pyref_events, which the tool reads through the hook table; a site the
   compiler copies (an inlined hook) records each copy.  Offsets are
   relative to the entry itself, so the section needs no relocation.
   Without the tool, the load reads 0. */
#define PR_EVENT(ev, x, y, z)                                           \
   ({ unsigned long r_;                                                 \
      __asm__ volatile ("1:\tmovq pyref_event_answer(%%rip), %%rax\n"  \
                        "\t.pushsection pyref_events,\"a\"\n"          \
                        "\t.balign 4\n"                                 \
                        "\t.long 1b - .\n"                              \
                        "\t.long %c4\n"                                 \
                        "\t.popsection"                                 \
                        : "=a"(r_)                                      \
                        : "D"((unsigned long)(x)),                      \
                          "S"((unsigned long)(y)),                      \
                          "d"((unsigned long)(z)), "i"(ev)              \
                        : "memory");                                    \
      r_; })

#define HIDDEN __attribute__((visibility("hidden")))

/* (family, ptr, size) -> PR_ALLOC_* */
#define pyref_ev_alloc(fam, p, n)      PR_EVENT(PR_EV_ALLOC, fam, p, n)
/* (family, ptr, in an isolated interpreter?) -> PR_FREE_* | evicted */
#define pyref_ev_free(fam, p, iso)     PR_EVENT(PR_EV_FREE, fam, p, iso)
/* (family) -> PR_FREE_MORE? | evicted block */
#define pyref_ev_evict(fam)            PR_EVENT(PR_EV_EVICT, fam, 0, 0)
/* (family, ptr) -> size, or PR_REALLOC_* */
#define pyref_ev_realloc_size(fam, p)  PR_EVENT(PR_EV_REALLOC_SIZE, fam, p, 0)
/* (ptr, size, alive) -> 0 */
#define pyref_ev_arena(p, size, alive) PR_EVENT(PR_EV_ARENA, p, size, alive)
/* (PR_BORROW_* api, object, container) -> 0 */
#define pyref_ev_borrow(api, obj, c)   PR_EVENT(PR_EV_BORROW, api, obj, c)

/* What an event site loads when the tool does not replace the load. */
__attribute__((used)) volatile unsigned long pyref_event_answer HIDDEN = 0;
extern const PR_EventSite __start_pyref_events[] HIDDEN;
extern const PR_EventSite __stop_pyref_events[] HIDDEN;

/*------------------------------------------------------------*/
/*--- Allocator hooks                                      ---*/
/*------------------------------------------------------------*/

/* PyMemAllocatorEx and PyObjectArenaAllocator, declared here with the
   same layout (unchanged from 3.8 to 3.13): no Python.h needed. */
typedef struct {
   void* ctx;
   void* (*malloc)(void* ctx, size_t size);
   void* (*calloc)(void* ctx, size_t nelem, size_t elsize);
   void* (*realloc)(void* ctx, void* ptr, size_t new_size);
   void  (*free)(void* ctx, void* ptr);
} PR_MemAllocatorEx;

typedef struct {
   void* ctx;
   void* (*alloc)(void* ctx, size_t size);
   void  (*free)(void* ctx, void* ptr, size_t size);
} PR_ArenaAllocator;

enum { DOMAIN_RAW, DOMAIN_MEM, DOMAIN_OBJ, N_DOMAINS };

extern void PyMem_GetAllocator(int domain, PR_MemAllocatorEx* a)
   __attribute__((weak));
extern void PyMem_SetAllocator(int domain, PR_MemAllocatorEx* a)
   __attribute__((weak));
extern void PyObject_GetArenaAllocator(PR_ArenaAllocator* a)
   __attribute__((weak));
extern void PyObject_SetArenaAllocator(PR_ArenaAllocator* a)
   __attribute__((weak));
extern char PyType_Type[] __attribute__((weak));
/* Types whose objects die most often, many kept on free lists. */
extern char PyFloat_Type[] __attribute__((weak));
extern char PyTuple_Type[] __attribute__((weak));
extern char PyList_Type[] __attribute__((weak));
extern char PyDict_Type[] __attribute__((weak));
extern char PyUnicode_Type[] __attribute__((weak));
extern char PyBytes_Type[] __attribute__((weak));
extern char PyLong_Type[] __attribute__((weak));
extern char PySet_Type[] __attribute__((weak));
extern char PyFrame_Type[] __attribute__((weak));
extern char PyMethod_Type[] __attribute__((weak));
extern char PyCFunction_Type[] __attribute__((weak));
extern char PyCell_Type[] __attribute__((weak));

/* Which interpreter runs (3.12+, where each may have its own pymalloc
   state): all exported, public but the 3.12 name of the unchecked
   thread-state getter. */
extern void* PyInterpreterState_Main(void) __attribute__((weak));
extern void* PyInterpreterState_Head(void) __attribute__((weak));
extern void* PyThreadState_GetInterpreter(void* ts) __attribute__((weak));
extern void* PyThreadState_GetUnchecked(void) __attribute__((weak));  /* 3.13 */
extern void* _PyThreadState_UncheckedGet(void) __attribute__((weak)); /* 3.12 */
/* Whether an interpreter shares the main pymalloc state (a "legacy"
   one, as Py_NewInterpreter makes): private but exported, one per
   version.  3.12 asks for a flag (Py_RTFLAGS_USE_MAIN_OBMALLOC, in
   3.12's public cpython/pystate.h); 3.13 fills a PyInterpreterConfig,
   whose first int is use_main_obmalloc.  Both only read the
   interpreter's flags: nothing is allocated inside our hook. */
extern int _PyInterpreterState_HasFeature(void* interp, unsigned long f)
   __attribute__((weak));                                              /* 3.12 */
extern int _PyInterpreterConfig_InitFromState(void* config, void* interp)
   __attribute__((weak));                                              /* 3.13 */
#define PR_RTFLAGS_USE_MAIN_OBMALLOC (1UL << 5)

/* What we told the tool at start-up; it fills its part when it accepts
   the table. */
static PR_HookTable hook_table;

/* The allocators our hooks call; a hook's ctx points to its domain's. */
static PR_MemAllocatorEx orig[N_DOMAINS];
static PR_ArenaAllocator orig_arena;

static const unsigned long family_of[N_DOMAINS] = {
   PR_FAM_RAW, PR_FAM_MEM, PR_FAM_OBJ
};

/* While pymalloc runs on behalf of a MEM or OBJ hook, the hook's frame
   address is here: the tool then lets pymalloc touch pool headers and
   free blocks, which it otherwise reports. */
volatile unsigned long pyref_alloc_sp HIDDEN;

#define ENTER_ALLOCATOR(d)                                          \
   unsigned long saved_sp_ = pyref_alloc_sp;                        \
   if ((d) != DOMAIN_RAW)                                           \
      pyref_alloc_sp = (unsigned long)__builtin_frame_address(0)
#define LEAVE_ALLOCATOR()  (pyref_alloc_sp = saved_sp_)

static int domain_of ( void* ctx )
{
   return (int)((PR_MemAllocatorEx*)ctx - orig);
}

/* The tool learnt code it must instrument afresh (a tp_dealloc's
   entry: pr_objects.c); it may discard translations only inside a
   client request. */
static void flush_Translations ( void )
{
   VALGRIND_DO_CLIENT_REQUEST_STMT(_VG_USERREQ__PYREF_FLUSH, 0, 0, 0, 0, 0);
}

static void* hook_malloc ( void* ctx, size_t n )
{
   PR_MemAllocatorEx* o = ctx;
   int   d = domain_of(ctx);
   void* p;
   if (n > PR_HOOK_MAX_SIZE)
      return (void*)0;
   {
      ENTER_ALLOCATOR(d);
      p = o->malloc(o->ctx, PR_HOOK_REQUEST(n));
      LEAVE_ALLOCATOR();
   }
   if (p && pyref_ev_alloc(family_of[d], p, n) == PR_ALLOC_FLUSH)
      flush_Translations();
   return p;
}

static void* hook_calloc ( void* ctx, size_t nelem, size_t elsize )
{
   PR_MemAllocatorEx* o = ctx;
   int    d = domain_of(ctx);
   size_t n;
   void*  p;
   if (elsize != 0 && nelem > PR_HOOK_MAX_SIZE / elsize)
      return (void*)0;
   n = nelem * elsize;
   {
      ENTER_ALLOCATOR(d);
      p = o->calloc(o->ctx, 1, PR_HOOK_REQUEST(n));
      LEAVE_ALLOCATOR();
   }
   if (p && pyref_ev_alloc(family_of[d], p, n) == PR_ALLOC_FLUSH)
      flush_Translations();
   return p;
}

static void free_For_Real ( PR_MemAllocatorEx* o, int d, void* p )
{
   ENTER_ALLOCATOR(d);
   o->free(o->ctx, p);
   LEAVE_ALLOCATOR();
}

/* Does an interpreter with a pymalloc state of its own run this free?
   Only from 3.12, where a subinterpreter may have one (isolated:
   PyInterpreterConfig's use_main_obmalloc = 0), and only for pymalloc's
   domains, MEM and OBJ.  A new interpreter goes to the head of the
   runtime's list, so while the main one is the head there is no other
   (two calls per free); then the thread state says which interpreter
   runs, and its flags whether it shares the main state, as legacy ones
   do: their frees are quarantined as the main interpreter's.  Without
   a way to ask, any subinterpreter counts as isolated (the safe side). */
static int in_Own_Heap_Interpreter ( int d )
{
   void *main_interp, *ts, *interp;
   if (d == DOMAIN_RAW || !hook_table.interp_heaps)
      return 0;
   main_interp = PyInterpreterState_Main();
   if (main_interp == (void*)0 || PyInterpreterState_Head() == main_interp)
      return 0;
   ts = PyThreadState_GetUnchecked ? PyThreadState_GetUnchecked()
                                   : _PyThreadState_UncheckedGet();
   if (ts == (void*)0)
      return 0;
   interp = PyThreadState_GetInterpreter(ts);
   if (interp == main_interp || interp == (void*)0)
      return 0;
   if (_PyInterpreterState_HasFeature)
      return !_PyInterpreterState_HasFeature(interp,
                                             PR_RTFLAGS_USE_MAIN_OBMALLOC);
   if (_PyInterpreterConfig_InitFromState) {
      /* Room beyond 3.13's seven ints, should a later one grow it. */
      int config[32] = { 0 };
      if (_PyInterpreterConfig_InitFromState(config, interp) == 0)
         return config[0] == 0;
   }
   return 1;
}

static void hook_free ( void* ctx, void* p )
{
   PR_MemAllocatorEx* o = ctx;
   int           d = domain_of(ctx);
   unsigned long r;
   void*         q;
   if (p == (void*)0)
      return;
   r = pyref_ev_free(family_of[d], p, in_Own_Heap_Interpreter(d));
   if (r & PR_FREE_PASS)
      free_For_Real(o, d, p);
   /* Blocks leaving the domain's quarantine: usually one, in the
      answer to the free itself. */
   for (;;) {
      q = (void*)(r & ~PR_FREE_ACTION_MASK);
      if (q)
         free_For_Real(o, d, q);
      if (!(r & PR_FREE_MORE))
         break;
      r = pyref_ev_evict(family_of[d]);
   }
}

/* Copy n bytes between two distinct blocks, without libc: this library
   is linked without it (-nodefaultlibs) and refers to nothing of the
   client's but weak symbols; the client's memcpy would also be checked
   code run from inside a hook.  Whole words while at least one is left,
   then bytes: exactly the bytes [src, src + n) are read, never the old
   block's redzone.  The blocks come from the domain's allocator, so
   both are word aligned in practice; if not, bytes all the way.  The
   word type may alias anything (the blocks hold any type).  gcc (12, -O
   to -O3) does not turn these loops into a call to memcpy: `nm -u' on
   the .o lists only the weak CPython symbols. */
typedef unsigned long __attribute__((may_alias)) pr_word;

static void copy_Block ( void* dst, const void* src, size_t n )
{
   unsigned char*       d = dst;
   const unsigned char* s = src;
   if ((((unsigned long)d | (unsigned long)s) & (sizeof(pr_word) - 1)) == 0) {
      pr_word*       dw = (pr_word*)d;
      const pr_word* sw = (const pr_word*)s;
      for (; n >= 4 * sizeof(pr_word); n -= 4 * sizeof(pr_word)) {
         pr_word w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3];
         dw[0] = w0; dw[1] = w1; dw[2] = w2; dw[3] = w3;
         dw += 4; sw += 4;
      }
      for (; n >= sizeof(pr_word); n -= sizeof(pr_word))
         *dw++ = *sw++;
      d = (unsigned char*)dw;
      s = (const unsigned char*)sw;
   }
   for (; n > 0; n--)
      *d++ = *s++;
}

/* Always move the block, so that the old one goes through the
   quarantine like any freed block. */
static void* hook_realloc ( void* ctx, void* p, size_t n )
{
   PR_MemAllocatorEx* o = ctx;
   int           d = domain_of(ctx);
   unsigned long old;
   void*         q;

   if (p == (void*)0)
      return hook_malloc(ctx, n);
   old = pyref_ev_realloc_size(family_of[d], p);
   if (old == PR_REALLOC_BAD)
      return (void*)0;
   if (old == PR_REALLOC_UNKNOWN) {
      /* A block from before the hooks: the real realloc knows it. */
      if (n > PR_HOOK_MAX_SIZE)
         return (void*)0;
      {
         ENTER_ALLOCATOR(d);
         q = o->realloc(o->ctx, p, PR_HOOK_REQUEST(n));
         LEAVE_ALLOCATOR();
      }
      if (q)
         pyref_ev_alloc(family_of[d], q, n);
      return q;
   }
   q = hook_malloc(ctx, n);
   if (q) {
      copy_Block(q, p, old < n ? old : n);
      hook_free(ctx, p);
   }
   return q;
}

/* CPython 3.11+ also takes its frames' data-stack chunks from the
   arena allocator (_PyObject_VirtualAlloc); only what pymalloc asks
   for, inside one of our MEM/OBJ hooks, is a pymalloc arena. */
static void* hook_arena_alloc ( void* ctx, size_t size )
{
   void* p = orig_arena.alloc(orig_arena.ctx, size);
   if (p && pyref_alloc_sp != 0)
      pyref_ev_arena(p, size, 1);
   return p;
}

static void hook_arena_free ( void* ctx, void* p, size_t size )
{
   if (pyref_alloc_sp != 0)
      pyref_ev_arena(p, size, 0);
   orig_arena.free(orig_arena.ctx, p, size);
}

static PR_MemAllocatorEx hooks[N_DOMAINS] = {
   { &orig[DOMAIN_RAW], hook_malloc, hook_calloc, hook_realloc, hook_free },
   { &orig[DOMAIN_MEM], hook_malloc, hook_calloc, hook_realloc, hook_free },
   { &orig[DOMAIN_OBJ], hook_malloc, hook_calloc, hook_realloc, hook_free },
};
static PR_ArenaAllocator arena_hook = {
   (void*)0, hook_arena_alloc, hook_arena_free
};

static int hooks_wanted = 0;   /* the tool said CHECK */

/* Put our hooks on top of whatever allocators CPython has now, unless
   they are there already. */
static void install_Hooks ( void )
{
   int d;
   if (!hooks_wanted)
      return;
   for (d = 0; d < N_DOMAINS; d++) {
      PR_MemAllocatorEx cur;
      PyMem_GetAllocator(d, &cur);
      if (cur.malloc == hook_malloc)
         continue;
      orig[d] = cur;
      PyMem_SetAllocator(d, &hooks[d]);
   }
   {
      PR_ArenaAllocator cur;
      PyObject_GetArenaAllocator(&cur);
      if (cur.alloc != hook_arena_alloc) {
         orig_arena = cur;
         PyObject_SetArenaAllocator(&arena_hook);
      }
   }
}

/*------------------------------------------------------------*/
/*--- Wrappers that keep the caller's registers            ---*/
/*------------------------------------------------------------*/

/* The core redirects every jump to a wrapped function's entry to its
   wrapper: the extensions' calls, and CPython's own.  A libpython
   built with link-time optimisation (Debian's static python3.11, and
   any libpython built with -flto and -fno-semantic-interposition)
   compiles its own calls knowing which registers the callee really
   uses (gcc's -fipa-ra, on at -O2): PyObject_GetItem keeps the index
   in %rsi across its call of PyErr_Occurred, which touches only %rax.
   A wrapper in C clobbers what the ABI lets it clobber, and that
   caller then indexes with garbage: under pyref, deque(range(5))[-1]
   was 0.

   So each wrapper is an assembly trampoline that saves every register
   the ABI lets a callee clobber but %rax, which carries the answer,
   and calls the wrapper's body in C, which runs the original through
   the core's no-redirect call.  The body's argument registers are the
   trampoline's own, untouched, plus the caller's return address as
   the fifth (no wrapped function takes more than four).  The vector
   registers are kept by never using them: this library is compiled
   with -mgeneral-regs-only.  The flags need no care: a caller cannot
   rely on them across a call. */
#define PR_XSTR(x) PR_STR(x)
#define PR_STR(x)  #x

#define PR_REG_SAVING_TRAMPOLINE(wrapper, body)                         \
   __asm__(".text\n"                                                    \
           ".p2align 4\n"                                               \
           ".globl " wrapper "\n"                                       \
           ".type " wrapper ", @function\n"                             \
           wrapper ":\n"                                                \
           "\t.cfi_startproc\n"                                         \
           "\tpushq %rdi\n\t.cfi_adjust_cfa_offset 8\n"                 \
           "\tpushq %rsi\n\t.cfi_adjust_cfa_offset 8\n"                 \
           "\tpushq %rdx\n\t.cfi_adjust_cfa_offset 8\n"                 \
           "\tpushq %rcx\n\t.cfi_adjust_cfa_offset 8\n"                 \
           "\tpushq %r8\n\t.cfi_adjust_cfa_offset 8\n"                  \
           "\tpushq %r9\n\t.cfi_adjust_cfa_offset 8\n"                  \
           "\tpushq %r10\n\t.cfi_adjust_cfa_offset 8\n"                 \
           "\tpushq %r11\n\t.cfi_adjust_cfa_offset 8\n"                 \
           "\tmovq 64(%rsp), %r8\n"       /* the caller's return address */ \
           "\tsubq $8, %rsp\n\t.cfi_adjust_cfa_offset 8\n" /* 16-aligned */ \
           "\tcall " body "\n"                                          \
           "\taddq $8, %rsp\n\t.cfi_adjust_cfa_offset -8\n"             \
           "\tpopq %r11\n\t.cfi_adjust_cfa_offset -8\n"                 \
           "\tpopq %r10\n\t.cfi_adjust_cfa_offset -8\n"                 \
           "\tpopq %r9\n\t.cfi_adjust_cfa_offset -8\n"                  \
           "\tpopq %r8\n\t.cfi_adjust_cfa_offset -8\n"                  \
           "\tpopq %rcx\n\t.cfi_adjust_cfa_offset -8\n"                 \
           "\tpopq %rdx\n\t.cfi_adjust_cfa_offset -8\n"                 \
           "\tpopq %rsi\n\t.cfi_adjust_cfa_offset -8\n"                 \
           "\tpopq %rdi\n\t.cfi_adjust_cfa_offset -8\n"                 \
           "\tret\n"                                                    \
           "\t.cfi_endproc\n"                                           \
           ".size " wrapper ", .-" wrapper "\n")

/* Defines the wrapper of FN in SONAME (Z-encoded, as I_WRAP_SONAME_
   FNNAME_ZU takes them), returning RET: the trampoline, and the head
   of its body, whose block follows the macro.  In the body, a0 to a3
   are the arguments (as many as FN takes are meaningful) and caller
   the address FN's caller resumes at. */
#define PR_WRAPPER(ret, soname, fn)                                     \
   static ret pr_body_##soname##_##fn(void* a0, void* a1, void* a2,     \
                                      void* a3, void* caller)          \
      __attribute__((used, noinline));                                  \
   PR_REG_SAVING_TRAMPOLINE(PR_XSTR(I_WRAP_SONAME_FNNAME_ZU(soname, fn)),\
                            PR_STR(pr_body_##soname##_##fn));           \
   static ret pr_body_##soname##_##fn(void* a0, void* a1, void* a2,     \
                                      void* a3, void* caller)

/*------------------------------------------------------------*/
/*--- The borrowed-reference API                          ---*/
/*------------------------------------------------------------*/

/* A borrowed reference handed to code outside CPython (an extension,
   ctypes): tell the tool, which remembers who lent it.  CPython's own
   calls are many and never the bug pyref looks for: no event. */
static void lent ( unsigned long api, void* obj, void* container,
                   void* caller )
{
   unsigned long c = (unsigned long)caller;
   if (obj == (void*)0 || !hook_table.borrow_events
       || (c >= hook_table.python_text_lo && c < hook_table.python_text_hi))
      return;
   pyref_ev_borrow(api, obj, container);
}

#define ARG(i) ((i) == 0 ? a0 : (i) == 1 ? a1 : (i) == 2 ? a2 : (void*)0)

#define PR_BORROW_WRAP_0(soname, name, cont)                             \
   PR_WRAPPER(void*, soname, name)                                       \
   {                                                                     \
      OrigFn fn;                                                         \
      void*  r;                                                          \
      VALGRIND_GET_ORIG_FN(fn);                                          \
      CALL_FN_W_v(r, fn);                                                \
      lent(PR_BORROW_##name, r, ARG(cont), caller);                      \
      (void)a3;                                                          \
      return r;                                                          \
   }
#define PR_BORROW_WRAP_1(soname, name, cont)                             \
   PR_WRAPPER(void*, soname, name)                                       \
   {                                                                     \
      OrigFn fn;                                                         \
      void*  r;                                                          \
      VALGRIND_GET_ORIG_FN(fn);                                          \
      CALL_FN_W_W(r, fn, a0);                                            \
      lent(PR_BORROW_##name, r, ARG(cont), caller);                      \
      (void)a3;                                                          \
      return r;                                                          \
   }
#define PR_BORROW_WRAP_2(soname, name, cont)                             \
   PR_WRAPPER(void*, soname, name)                                       \
   {                                                                     \
      OrigFn fn;                                                         \
      void*  r;                                                          \
      VALGRIND_GET_ORIG_FN(fn);                                          \
      CALL_FN_W_WW(r, fn, a0, a1);                                       \
      lent(PR_BORROW_##name, r, ARG(cont), caller);                      \
      (void)a3;                                                          \
      return r;                                                          \
   }
#define PR_BORROW_WRAP_3(soname, name, cont)                             \
   PR_WRAPPER(void*, soname, name)                                       \
   {                                                                     \
      OrigFn fn;                                                         \
      void*  r;                                                          \
      VALGRIND_GET_ORIG_FN(fn);                                          \
      CALL_FN_W_WWW(r, fn, a0, a1, a2);                                  \
      lent(PR_BORROW_##name, r, ARG(cont), caller);                      \
      (void)a3;                                                          \
      return r;                                                          \
   }

/* int PyDict_Next(PyObject *d, Py_ssize_t *ppos, PyObject **pkey,
                   PyObject **pvalue): lends the key and the value. */
#define PR_BORROW_WRAP_DICT_NEXT(soname)                                 \
   PR_WRAPPER(long, soname, PyDict_Next)                                 \
   {                                                                     \
      OrigFn fn;                                                         \
      long   r;                                                          \
      void** pk = a2;                                                    \
      void** pv = a3;                                                    \
      VALGRIND_GET_ORIG_FN(fn);                                          \
      CALL_FN_W_WWWW(r, fn, a0, a1, pk, pv);                             \
      if (r) {                                                           \
         if (pk)                                                         \
            lent(PR_BORROW_PyDict_Next_key, *pk, a0, caller);            \
         if (pv)                                                         \
            lent(PR_BORROW_PyDict_Next_value, *pv, a0, caller);          \
      }                                                                  \
      return r;                                                          \
   }

#define PR_WRAP_0_NONE(name, cont) PR_BORROW_WRAP_0(NONE, name, cont)
#define PR_WRAP_1_NONE(name, cont) PR_BORROW_WRAP_1(NONE, name, cont)
#define PR_WRAP_2_NONE(name, cont) PR_BORROW_WRAP_2(NONE, name, cont)
#define PR_WRAP_3_NONE(name, cont) PR_BORROW_WRAP_3(NONE, name, cont)
#define PR_WRAP_0_LIB(name, cont)  PR_BORROW_WRAP_0(libpythonZa, name, cont)
#define PR_WRAP_1_LIB(name, cont)  PR_BORROW_WRAP_1(libpythonZa, name, cont)
#define PR_WRAP_2_LIB(name, cont)  PR_BORROW_WRAP_2(libpythonZa, name, cont)
#define PR_WRAP_3_LIB(name, cont)  PR_BORROW_WRAP_3(libpythonZa, name, cont)

PR_BORROW_APIS_0(PR_WRAP_0_NONE)   /* libpython in the executable */
PR_BORROW_APIS_1(PR_WRAP_1_NONE)
PR_BORROW_APIS_2(PR_WRAP_2_NONE)
PR_BORROW_APIS_3(PR_WRAP_3_NONE)
PR_BORROW_WRAP_DICT_NEXT(NONE)
PR_BORROW_APIS_0(PR_WRAP_0_LIB)    /* libpython3.X.so             */
PR_BORROW_APIS_1(PR_WRAP_1_LIB)
PR_BORROW_APIS_2(PR_WRAP_2_LIB)
PR_BORROW_APIS_3(PR_WRAP_3_LIB)
PR_BORROW_WRAP_DICT_NEXT(libpythonZa)

/*------------------------------------------------------------*/
/*--- Re-installing the hooks after pre-initialisation     ---*/
/*------------------------------------------------------------*/

#define PR_REHOOK_WRAPPERS(soname)                                     \
   PR_WRAPPER(void*, soname, PyInterpreterState_New)                   \
   {                                                                   \
      OrigFn fn;                                                       \
      void*  r;                                                        \
      VALGRIND_GET_ORIG_FN(fn);                                        \
      install_Hooks();                                                 \
      CALL_FN_W_v(r, fn);                                              \
      (void)a0; (void)a1; (void)a2; (void)a3; (void)caller;            \
      return r;                                                        \
   }                                                                   \
   /* (sret, tstate, pinterp) */                                       \
   PR_WRAPPER(void*, soname, _PyInterpreterState_New)                  \
   {                                                                   \
      OrigFn fn;                                                       \
      void*  r;                                                        \
      VALGRIND_GET_ORIG_FN(fn);                                        \
      install_Hooks();                                                 \
      CALL_FN_W_WWW(r, fn, a0, a1, a2);                                \
      (void)a3; (void)caller;                                          \
      return r;                                                        \
   }

PR_REHOOK_WRAPPERS(NONE)          /* libpython in the executable */
PR_REHOOK_WRAPPERS(libpythonZa)   /* libpython3.X.so             */

/* CPython functions that walk pymalloc's pools outside any allocator
   call: run them as if inside one, so that their reads of pool
   headers and free blocks are not reported.
      _PyInterpreterState_GetAllocatedBlocks   3.12+, at finalisation
      _PyObject_DebugMallocStats               sys._debugmallocstats() */
#define PR_POOL_WALKER_WRAPPERS(soname)                                \
   PR_WRAPPER(long, soname, _PyInterpreterState_GetAllocatedBlocks)    \
   {                                                                   \
      OrigFn fn;                                                       \
      long   r;                                                        \
      VALGRIND_GET_ORIG_FN(fn);                                        \
      {                                                                \
         ENTER_ALLOCATOR(DOMAIN_OBJ);                                  \
         CALL_FN_W_W(r, fn, a0);                                       \
         LEAVE_ALLOCATOR();                                            \
      }                                                                \
      (void)a1; (void)a2; (void)a3; (void)caller;                      \
      return r;                                                        \
   }                                                                   \
   /* int (FILE* out) */                                               \
   PR_WRAPPER(long, soname, _PyObject_DebugMallocStats)                \
   {                                                                   \
      OrigFn fn;                                                       \
      long   r;                                                        \
      VALGRIND_GET_ORIG_FN(fn);                                        \
      {                                                                \
         ENTER_ALLOCATOR(DOMAIN_OBJ);                                  \
         CALL_FN_W_W(r, fn, a0);                                       \
         LEAVE_ALLOCATOR();                                            \
      }                                                                \
      (void)a1; (void)a2; (void)a3; (void)caller;                      \
      return r;                                                        \
   }

PR_POOL_WALKER_WRAPPERS(NONE)
PR_POOL_WALKER_WRAPPERS(libpythonZa)

/*------------------------------------------------------------*/
/*--- glibc's string functions, byte by byte               ---*/
/*------------------------------------------------------------*/

/* glibc's string scanners (strlen, strchr, strcmp, wcslen ...) come
   in SSE2/AVX2/EVEX variants, chosen at load time by an IFUNC
   resolver, that read whole aligned vectors past a string's
   terminating NUL: harmless on real hardware, a HeapOverflow to the
   tool when the string ends near a block's end.  The tool can exempt
   those variants only by their names (pr_translate.c,
   string_Scanner_Kind), and Debian's libc.so.6 is stripped: the names
   live in the detached libc6-dbg.

   So, whatever symbols are installed, the preload replaces them.  The
   core redirects an IFUNC symbol's resolver to its own wrapper, which
   runs the resolver and then redirects the variant it chose to the
   replacement: calls through the PLT, and glibc's own calls through
   its IRELATIVE slots (strdup calling strlen), all land here.  Each
   reads exactly the bytes the C standard lets it read, one at a time,
   so its accesses are checked like the client's own: an unterminated
   string read off a block's end is reported, at `strlen' called by
   the faulty code.  They live in a section of their own, pyref_strfns,
   which the tool instruments although the rest of the preload is not
   (PR_HookTable.strfns_lo/hi).

   memcpy, memmove, memset and memcmp read and write exactly their
   ranges and are left to glibc. */

#define PR_STR_SONAME  libcZdsoZa          /* libc.so*  */
#define PR_STRFN       __attribute__((section("pyref_strfns"), noinline))

typedef int pr_wchar;                      /* wchar_t on amd64 Linux */

/* The locale's case mapping, as glibc's strcasecmp uses it. */
extern int tolower(int c) __attribute__((weak));
extern int tolower_l(int c, void* locale) __attribute__((weak));

static PR_STRFN int lower_Byte ( unsigned char c, void* locale,
                                 int with_locale )
{
   if (with_locale && tolower_l)
      return tolower_l(c, locale);
   if (!with_locale && tolower)
      return tolower(c);
   return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Defines the replacement NAME(ARGS) of libc's NAME, returning RET,
   with the class tag TAG (aliases share a body and a tag). */
#define PR_STR_REPLACE(tag, ret, name, args)                            \
   PR_STRFN ret VG_REPLACE_FUNCTION_EZU(tag, PR_STR_SONAME, name) args; \
   PR_STRFN ret VG_REPLACE_FUNCTION_EZU(tag, PR_STR_SONAME, name) args

#define STRLEN(tag, name)                                               \
   PR_STR_REPLACE(tag, size_t, name, (const char* s))                   \
   {                                                                    \
      size_t i = 0;                                                     \
      while (s[i])                                                      \
         i++;                                                           \
      return i;                                                         \
   }
STRLEN(10100, strlen)

#define STRNLEN(tag, name)                                              \
   PR_STR_REPLACE(tag, size_t, name, (const char* s, size_t n))         \
   {                                                                    \
      size_t i = 0;                                                     \
      while (i < n && s[i])                                             \
         i++;                                                           \
      return i;                                                         \
   }
STRNLEN(10110, strnlen)

#define STRCHR(tag, name)                                               \
   PR_STR_REPLACE(tag, char*, name, (const char* s, int c))             \
   {                                                                    \
      char ch = (char)c;                                                \
      for (;; s++) {                                                    \
         if (*s == ch)                                                  \
            return (char*)s;                                            \
         if (*s == 0)                                                   \
            return (char*)0;                                            \
      }                                                                 \
   }
STRCHR(10120, strchr)
STRCHR(10120, index)

#define STRRCHR(tag, name)                                              \
   PR_STR_REPLACE(tag, char*, name, (const char* s, int c))             \
   {                                                                    \
      char        ch   = (char)c;                                       \
      const char* last = (const char*)0;                                \
      for (;; s++) {                                                    \
         if (*s == ch)                                                  \
            last = s;                                                   \
         if (*s == 0)                                                   \
            return (char*)last;                                         \
      }                                                                 \
   }
STRRCHR(10130, strrchr)
STRRCHR(10130, rindex)

#define STRCHRNUL(tag, name)                                            \
   PR_STR_REPLACE(tag, char*, name, (const char* s, int c))             \
   {                                                                    \
      char ch = (char)c;                                                \
      while (*s != ch && *s != 0)                                       \
         s++;                                                           \
      return (char*)s;                                                  \
   }
STRCHRNUL(10140, strchrnul)

#define RAWMEMCHR(tag, name)                                            \
   PR_STR_REPLACE(tag, void*, name, (const void* s, int c))             \
   {                                                                    \
      const unsigned char* p  = s;                                      \
      unsigned char        ch = (unsigned char)c;                       \
      while (*p != ch)                                                  \
         p++;                                                           \
      return (void*)p;                                                  \
   }
RAWMEMCHR(10150, rawmemchr)
RAWMEMCHR(10150, __rawmemchr)

#define MEMCHR(tag, name)                                               \
   PR_STR_REPLACE(tag, void*, name, (const void* s, int c, size_t n))   \
   {                                                                    \
      const unsigned char* p  = s;                                      \
      unsigned char        ch = (unsigned char)c;                       \
      size_t               i;                                           \
      for (i = 0; i < n; i++)                                           \
         if (p[i] == ch)                                                \
            return (void*)(p + i);                                      \
      return (void*)0;                                                  \
   }
MEMCHR(10160, memchr)

#define MEMRCHR(tag, name)                                              \
   PR_STR_REPLACE(tag, void*, name, (const void* s, int c, size_t n))   \
   {                                                                    \
      const unsigned char* p  = s;                                      \
      unsigned char        ch = (unsigned char)c;                       \
      while (n > 0) {                                                   \
         n--;                                                           \
         if (p[n] == ch)                                                \
            return (void*)(p + n);                                      \
      }                                                                 \
      return (void*)0;                                                  \
   }
MEMRCHR(10170, memrchr)

#define STRCMP(tag, name)                                               \
   PR_STR_REPLACE(tag, int, name, (const char* a, const char* b))       \
   {                                                                    \
      const unsigned char* x = (const unsigned char*)a;                 \
      const unsigned char* y = (const unsigned char*)b;                 \
      while (*x != 0 && *x == *y) {                                     \
         x++;                                                           \
         y++;                                                           \
      }                                                                 \
      return (int)*x - (int)*y;                                         \
   }
STRCMP(10180, strcmp)

#define STRNCMP(tag, name)                                              \
   PR_STR_REPLACE(tag, int, name, (const char* a, const char* b,        \
                                   size_t n))                           \
   {                                                                    \
      const unsigned char* x = (const unsigned char*)a;                 \
      const unsigned char* y = (const unsigned char*)b;                 \
      size_t               i;                                           \
      for (i = 0; i < n; i++) {                                         \
         if (x[i] != y[i] || x[i] == 0)                                 \
            return (int)x[i] - (int)y[i];                               \
      }                                                                 \
      return 0;                                                         \
   }
STRNCMP(10190, strncmp)

/* LOC: the locale argument of the _l forms, or 0 for the others. */
#define STRCASECMP(tag, name, extra, loc, with_loc)                     \
   PR_STR_REPLACE(tag, int, name, (const char* a, const char* b extra)) \
   {                                                                    \
      const unsigned char* x = (const unsigned char*)a;                 \
      const unsigned char* y = (const unsigned char*)b;                 \
      for (;; x++, y++) {                                               \
         int cx = lower_Byte(*x, loc, with_loc);                        \
         int cy = lower_Byte(*y, loc, with_loc);                        \
         if (cx != cy || *x == 0)                                       \
            return cx - cy;                                             \
      }                                                                 \
   }
#define PR_NO_ARG
#define PR_COMMA ,
STRCASECMP(10200, strcasecmp, PR_NO_ARG, (void*)0, 0)
STRCASECMP(10200, __strcasecmp, PR_NO_ARG, (void*)0, 0)
STRCASECMP(10210, strcasecmp_l, PR_COMMA void* l, l, 1)
STRCASECMP(10210, __strcasecmp_l, PR_COMMA void* l, l, 1)

#define STRNCASECMP(tag, name, extra, loc, with_loc)                    \
   PR_STR_REPLACE(tag, int, name, (const char* a, const char* b,        \
                                   size_t n extra))                     \
   {                                                                    \
      const unsigned char* x = (const unsigned char*)a;                 \
      const unsigned char* y = (const unsigned char*)b;                 \
      size_t               i;                                           \
      for (i = 0; i < n; i++) {                                         \
         int cx = lower_Byte(x[i], loc, with_loc);                      \
         int cy = lower_Byte(y[i], loc, with_loc);                      \
         if (cx != cy || x[i] == 0)                                     \
            return cx - cy;                                             \
      }                                                                 \
      return 0;                                                         \
   }
STRNCASECMP(10220, strncasecmp, PR_NO_ARG, (void*)0, 0)
STRNCASECMP(10230, strncasecmp_l, PR_COMMA void* l, l, 1)
STRNCASECMP(10230, __strncasecmp_l, PR_COMMA void* l, l, 1)

/* strcpy returns DST, stpcpy the address of the NUL it wrote. */
#define STRCPY(tag, name, result)                                       \
   PR_STR_REPLACE(tag, char*, name, (char* dst, const char* src))       \
   {                                                                    \
      char* d = dst;                                                    \
      while ((*d = *src) != 0) {                                        \
         d++;                                                           \
         src++;                                                         \
      }                                                                 \
      return result;                                                    \
   }
STRCPY(10240, strcpy, dst)
STRCPY(10250, stpcpy, d)
STRCPY(10250, __stpcpy, d)

/* Both pad DST with NULs up to N bytes; strncpy returns DST, stpncpy
   the end of the copied string (DST + N if it was not terminated). */
#define STRNCPY(tag, name, result)                                      \
   PR_STR_REPLACE(tag, char*, name, (char* dst, const char* src,        \
                                     size_t n))                         \
   {                                                                    \
      size_t i = 0, len;                                                \
      while (i < n && src[i] != 0) {                                    \
         dst[i] = src[i];                                               \
         i++;                                                           \
      }                                                                 \
      len = i;                                                          \
      for (; i < n; i++)                                                \
         dst[i] = 0;                                                    \
      (void)len;                                                        \
      return result;                                                    \
   }
STRNCPY(10260, strncpy, dst)
STRNCPY(10270, stpncpy, dst + len)
STRNCPY(10270, __stpncpy, dst + len)

#define STRCAT(tag, name)                                               \
   PR_STR_REPLACE(tag, char*, name, (char* dst, const char* src))       \
   {                                                                    \
      char* d = dst;                                                    \
      while (*d != 0)                                                   \
         d++;                                                           \
      while ((*d = *src) != 0) {                                        \
         d++;                                                           \
         src++;                                                         \
      }                                                                 \
      return dst;                                                       \
   }
STRCAT(10280, strcat)

/* Reads at most N bytes of SRC, which need not be terminated. */
#define STRNCAT(tag, name)                                              \
   PR_STR_REPLACE(tag, char*, name, (char* dst, const char* src,        \
                                     size_t n))                         \
   {                                                                    \
      char*  d = dst;                                                   \
      size_t i;                                                         \
      while (*d != 0)                                                   \
         d++;                                                           \
      for (i = 0; i < n && src[i] != 0; i++)                            \
         d[i] = src[i];                                                 \
      d[i] = 0;                                                         \
      return dst;                                                       \
   }
STRNCAT(10290, strncat)

/* Is byte C one of SET's (the terminating NUL excluded)? */
static PR_STRFN int in_Set ( unsigned char c, const unsigned char* set )
{
   for (; *set != 0; set++)
      if (*set == c)
         return 1;
   return 0;
}

/* strspn counts the leading bytes in SET, strcspn those not in it. */
#define STRSPN(tag, name, want)                                         \
   PR_STR_REPLACE(tag, size_t, name, (const char* s, const char* set))  \
   {                                                                    \
      const unsigned char* p = (const unsigned char*)s;                 \
      size_t               i = 0;                                       \
      while (p[i] != 0                                                  \
             && in_Set(p[i], (const unsigned char*)set) == (want))      \
         i++;                                                           \
      return i;                                                         \
   }
STRSPN(10300, strspn, 1)
STRSPN(10310, strcspn, 0)

#define STRPBRK(tag, name)                                              \
   PR_STR_REPLACE(tag, char*, name, (const char* s, const char* set))   \
   {                                                                    \
      for (; *s != 0; s++)                                              \
         if (in_Set((unsigned char)*s, (const unsigned char*)set))      \
            return (char*)s;                                            \
      return (char*)0;                                                  \
   }
STRPBRK(10320, strpbrk)

#define STRSTR(tag, name)                                               \
   PR_STR_REPLACE(tag, char*, name, (const char* h, const char* nd))    \
   {                                                                    \
      for (;; h++) {                                                    \
         size_t i = 0;                                                  \
         while (nd[i] != 0 && h[i] == nd[i])                            \
            i++;                                                        \
         if (nd[i] == 0)                                                \
            return (char*)h;                                            \
         if (*h == 0)                                                   \
            return (char*)0;                                            \
      }                                                                 \
   }
STRSTR(10330, strstr)

/* The wide forms: wchar_t is a signed 32-bit int. */
#define WCSLEN(tag, name)                                               \
   PR_STR_REPLACE(tag, size_t, name, (const pr_wchar* s))               \
   {                                                                    \
      size_t i = 0;                                                     \
      while (s[i] != 0)                                                 \
         i++;                                                           \
      return i;                                                         \
   }
WCSLEN(10400, wcslen)

#define WCSNLEN(tag, name)                                              \
   PR_STR_REPLACE(tag, size_t, name, (const pr_wchar* s, size_t n))     \
   {                                                                    \
      size_t i = 0;                                                     \
      while (i < n && s[i] != 0)                                        \
         i++;                                                           \
      return i;                                                         \
   }
WCSNLEN(10410, wcsnlen)

#define WCSCHR(tag, name)                                               \
   PR_STR_REPLACE(tag, pr_wchar*, name, (const pr_wchar* s, pr_wchar c)) \
   {                                                                    \
      for (;; s++) {                                                    \
         if (*s == c)                                                   \
            return (pr_wchar*)s;                                        \
         if (*s == 0)                                                   \
            return (pr_wchar*)0;                                        \
      }                                                                 \
   }
WCSCHR(10420, wcschr)

#define WCSRCHR(tag, name)                                              \
   PR_STR_REPLACE(tag, pr_wchar*, name, (const pr_wchar* s, pr_wchar c)) \
   {                                                                    \
      const pr_wchar* last = (const pr_wchar*)0;                        \
      for (;; s++) {                                                    \
         if (*s == c)                                                   \
            last = s;                                                   \
         if (*s == 0)                                                   \
            return (pr_wchar*)last;                                     \
      }                                                                 \
   }
WCSRCHR(10430, wcsrchr)

#define WCSCMP(tag, name)                                               \
   PR_STR_REPLACE(tag, int, name, (const pr_wchar* a, const pr_wchar* b)) \
   {                                                                    \
      while (*a != 0 && *a == *b) {                                     \
         a++;                                                           \
         b++;                                                           \
      }                                                                 \
      return *a == *b ? 0 : *a < *b ? -1 : 1;                           \
   }
WCSCMP(10440, wcscmp)

#define WCSNCMP(tag, name)                                              \
   PR_STR_REPLACE(tag, int, name, (const pr_wchar* a, const pr_wchar* b, \
                                   size_t n))                           \
   {                                                                    \
      size_t i;                                                         \
      for (i = 0; i < n; i++) {                                         \
         if (a[i] != b[i])                                              \
            return a[i] < b[i] ? -1 : 1;                                \
         if (a[i] == 0)                                                 \
            return 0;                                                   \
      }                                                                 \
      return 0;                                                         \
   }
WCSNCMP(10450, wcsncmp)

#define WCSCPY(tag, name)                                               \
   PR_STR_REPLACE(tag, pr_wchar*, name, (pr_wchar* dst,                 \
                                         const pr_wchar* src))          \
   {                                                                    \
      pr_wchar* d = dst;                                                \
      while ((*d = *src) != 0) {                                        \
         d++;                                                           \
         src++;                                                         \
      }                                                                 \
      return dst;                                                       \
   }
WCSCPY(10460, wcscpy)

#define WMEMCHR(tag, name)                                              \
   PR_STR_REPLACE(tag, pr_wchar*, name, (const pr_wchar* s, pr_wchar c, \
                                         size_t n))                     \
   {                                                                    \
      size_t i;                                                         \
      for (i = 0; i < n; i++)                                           \
         if (s[i] == c)                                                 \
            return (pr_wchar*)(s + i);                                  \
      return (pr_wchar*)0;                                              \
   }
WMEMCHR(10470, wmemchr)

/* The section's bounds, from the linker. */
extern const char __start_pyref_strfns[] HIDDEN;
extern const char __stop_pyref_strfns[] HIDDEN;

/*------------------------------------------------------------*/
/*--- Start-up                                             ---*/
/*------------------------------------------------------------*/

static unsigned long python_Build_Flags ( void )
{
   unsigned long flags = 0;
   if (_Py_NegativeRefcount)
      flags |= PR_PYFLAG_DEBUG;
   if (_Py_PrintReferences)
      flags |= PR_PYFLAG_TRACE_REFS;
   if (_Py_MergeZeroLocalRefcount)
      flags |= PR_PYFLAG_FREE_THREADED;
   return flags;
}

__attribute__((constructor))
static void pyref_preload_init ( void )
{
   unsigned long verdict;

   if (!Py_GetVersion) {
      VALGRIND_DO_CLIENT_REQUEST_STMT(_VG_USERREQ__PYREF_NO_PYTHON,
                                      0, 0, 0, 0, 0);
      return;
   }

   /* Py_GetVersion formats a static buffer from compile-time strings:
      it is safe before the interpreter is initialised. */
   verdict = VALGRIND_DO_CLIENT_REQUEST_EXPR(
                PR_VERDICT_IGNORE, _VG_USERREQ__PYREF_PYTHON_FOUND,
                Py_GetVersion(), python_Build_Flags(),
                (unsigned long)Py_GetVersion, 0, 0);

   if (verdict == PR_VERDICT_REFUSE)
      exit_process(PR_EXIT_UNSUPPORTED_PYTHON);
   if (verdict != PR_VERDICT_CHECK || !PyMem_GetAllocator
       || !PyMem_SetAllocator || !PyObject_GetArenaAllocator
       || !PyObject_SetArenaAllocator)
      return;

   {
      PR_HookTable* t = &hook_table;
#define table (*t)
      table.event_sites   = (unsigned long)__start_pyref_events;
      table.n_event_sites = (unsigned long)(__stop_pyref_events
                                            - __start_pyref_events);
      table.alloc_sp_word = (unsigned long)&pyref_alloc_sp;
      table.type_type     = (unsigned long)PyType_Type;
      {
         char* const known[PR_N_KNOWN_TYPES] = {
            PyFloat_Type, PyTuple_Type, PyList_Type, PyDict_Type,
            PyUnicode_Type, PyBytes_Type, PyLong_Type, PySet_Type,
            PyFrame_Type, PyMethod_Type, PyCFunction_Type, PyCell_Type
         };
         int i;
         for (i = 0; i < PR_N_KNOWN_TYPES; i++)
            table.types[i] = (unsigned long)known[i];
      }
      table.preload_text  = (unsigned long)hook_malloc;
      table.strfns_lo     = (unsigned long)__start_pyref_strfns;
      table.strfns_hi     = (unsigned long)__stop_pyref_strfns;
      if (VALGRIND_DO_CLIENT_REQUEST_EXPR(0,
             _VG_USERREQ__PYREF_REGISTER_HOOKS, &table, 0, 0, 0, 0) != 1)
         return;
      if (!PyInterpreterState_Main || !PyInterpreterState_Head
          || !PyThreadState_GetInterpreter
          || !(PyThreadState_GetUnchecked || _PyThreadState_UncheckedGet))
         table.interp_heaps = 0;
#undef table
   }
   hooks_wanted = 1;
   install_Hooks();
}

/*--------------------------------------------------------------------*/
/*--- end                                           pr_intercepts.c ---*/
/*--------------------------------------------------------------------*/
