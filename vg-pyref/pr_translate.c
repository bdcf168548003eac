/*--------------------------------------------------------------------*/
/*--- Pyref: instrumentation of the client's code.  pr_translate.c ---*/
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

/* PR_(instrument) walks each superblock the core hands us and copies
   it, statement by statement.  The walk names every kind of IR
   statement, so that a kind the core adds in a later Valgrind stops
   the tool with a clear message instead of being copied unchecked.

   Which statements touch guest memory, and with how many bytes:

      WrTmp(Load)   a load: the size of its result type
      Store         a store: the size of the stored data
      StoreG/LoadG  guarded store/load (not produced for amd64 guests)
      CAS           compare-and-swap: size of dataLo, twice for a
                    double-width CAS
      LLSC          load-linked/store-conditional (not for amd64)
      Dirty         a helper that declares mFx/mAddr/mSize

   When Pyref complains, and where the IR for it comes from:

   1. An access whose last byte's shadow byte says it may not be
      touched [add_Access_Check]: a load or store of a freed block,
      a redzone, or pymalloc pool space no block owns.  The check is
      inline: two loads from the shadow map (pr_shadow.c), a compare,
      and a call to PR_(check_access_slow) guarded by that compare, so
      the common case (a live block, the stack, static data) calls
      nothing.  Only the last byte is checked: an overflow runs off a
      block's end, and any byte of a freed block is freed; an access
      that starts before a block and ends inside it goes unseen.
      An access at the same address expression and of the same size as
      one already checked in the superblock is not checked again
      [seen_Before]: the shadow map cannot change inside a superblock
      (blocks are freed only through a client request, which ends it,
      or at our event sites, in the preload).  A checked store
      covers later loads and stores; a checked load covers only loads,
      because the slow path excuses partially valid loads, never
      stores.
      Not checked at all: accesses at a constant address (static data)
      or at the stack pointer plus a constant [is_Uninteresting], and
      the code of our own preload library but its string functions
      (its hooks touch blocks on the allocator's behalf).  glibc's
      string scanners (strlen, strchr, strcmp, wcslen ... in their
      SSE/AVX versions) read whole vectors past a string's terminating
      NUL by design: the preload replaces the exported ones with
      byte-exact versions, checked like any code (pr_intercepts.c);
      loads in those that still run and are known by name (debug
      symbols) are not checked, and vector loads in ld.so's unnamed
      code are excused when they look like a scanner's
      [string_Scanner_Kind].

   2. An allocator event [add_Event_Call]: each of the preload's event
      sites is a load into RAX; at a site's address we call the tool
      with the argument registers, and its answer takes the loaded
      value's place.  Those events
      are how DoubleFree, InvalidFree and MismatchedFree are found for
      CPython's allocator domains (pr_heap.c); the C heap's are found
      in our malloc replacement, which the core calls directly.

   3. A decrement of a word in memory [find_Decrements]: every
      Py_DECREF.  Its load and store are checked with PR_ACCESS_DECREF
      (a freed or dead object's refcount decremented is an ExtraDecref,
      not a plain use after free), the store passes the value stored,
      and after it one compare calls PR_(refcnt_hit) only when the new
      value is <= 0: an object's death, or an extra decref
      (pr_objects.c).  Any 8-byte store passes its value too, so the
      slow path can tell a free list's `ob_refcnt = 1' (a rebirth).

   4. The entry of a tp_dealloc pyref has learnt, and the addresses its
      calls return to [add_Dealloc_Entry_Call, add_Dealloc_Return_Call]:
      where a deallocation starts and ends (pr_objects.c). */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vki.h"
#include "libvex_guest_offsets.h"

#include "pr_include.h"

#if !defined(VGA_amd64)
#  error "pyref: only amd64 guests are supported"
#endif

/*------------------------------------------------------------*/
/*--- Registration of the preload's hooks                  ---*/
/*------------------------------------------------------------*/

/* The preload's event sites, sorted by address. */
typedef struct { Addr addr; Int ev; } EventSite;
static EventSite* event_sites   = NULL;
static Int        n_event_sites = 0;
static Addr preload_lo = 0, preload_hi = 0;  /* the preload's text    */
static Addr strfns_lo = 0, strfns_hi = 0;    /* its string functions  */

static Int cmp_Event_Site ( const void* a, const void* b )
{
   Addr x = ((const EventSite*)a)->addr, y = ((const EventSite*)b)->addr;
   return x < y ? -1 : x > y ? 1 : 0;
}

/* Learn the preload's text and its event sites.  The sites are read
   from client memory, so each is checked: a site outside the preload's
   text, or of an unknown event, means the table is not the preload's
   and no hooks are accepted. */
Bool PR_(register_hooks) ( const PR_HookTable* t )
{
   const PR_EventSite* in = (const PR_EventSite*)t->event_sites;
   UWord      n = t->n_event_sites, i;
   DebugInfo* di;
   Addr       lo, hi;

   di = VG_(find_DebugInfo)(VG_(current_DiEpoch)(), t->preload_text);
   if (di == NULL || n == 0 || n > 4096
       || !VG_(am_is_valid_for_client)((Addr)in, n * sizeof *in,
                                       VKI_PROT_READ))
      return False;
   lo = VG_(DebugInfo_get_text_avma)(di);
   hi = lo + VG_(DebugInfo_get_text_size)(di);
   VG_(free)(event_sites);
   event_sites   = VG_(malloc)("pr.instrument.sites", n * sizeof *event_sites);
   n_event_sites = 0;
   for (i = 0; i < n; i++) {
      Addr a = (Addr)&in[i] + (Long)in[i].offset;
      if (a < lo || a >= hi || in[i].event < 0 || in[i].event >= PR_EV_N)
         return False;
      event_sites[i].addr = a;
      event_sites[i].ev   = in[i].event;
   }
   VG_(ssort)(event_sites, n, sizeof *event_sites, cmp_Event_Site);
   n_event_sites = (Int)n;
   preload_lo = lo;
   preload_hi = hi;
   if (t->strfns_lo < t->strfns_hi) {
      strfns_lo = t->strfns_lo;
      strfns_hi = t->strfns_hi;
   }
   return True;
}

Bool PR_(in_preload) ( Addr a )
{
   return a >= preload_lo && a < preload_hi;
}

Bool PR_(soname_starts) ( const HChar* so, const HChar* prefix )
{
   return so != NULL && VG_(strncmp)(so, prefix, VG_(strlen)(prefix)) == 0;
}

/*------------------------------------------------------------*/
/*--- The event handlers                                  ---*/
/*------------------------------------------------------------*/

/* Called at an event site, with the argument registers; the result
   goes to RAX. */
static VG_REGPARM(3) UWord ev_Alloc ( UWord fam, UWord p, UWord n )
{
   return PR_(ev_alloc)(VG_(get_running_tid)(), fam, p, n);
}
static VG_REGPARM(3) UWord ev_Free ( UWord fam, UWord p, UWord isolated )
{
   return PR_(ev_free)(VG_(get_running_tid)(), fam, p, isolated != 0);
}
static VG_REGPARM(3) UWord ev_Evict ( UWord fam, UWord u1, UWord u2 )
{
   return PR_(ev_evict)(VG_(get_running_tid)(), fam);
}
static VG_REGPARM(3) UWord ev_Realloc_Size ( UWord fam, UWord p, UWord u )
{
   return PR_(ev_realloc_size)(VG_(get_running_tid)(), fam, p);
}
static VG_REGPARM(3) UWord ev_Borrow ( UWord api, UWord obj, UWord cont )
{
   return PR_(ev_borrow)(VG_(get_running_tid)(), api, obj, cont);
}
static VG_REGPARM(3) UWord ev_Arena ( UWord p, UWord len, UWord alive )
{
   PR_(ev_arena)(p, len, alive != 0);
   return 0;
}

typedef VG_REGPARM(3) UWord (*EventFn)(UWord, UWord, UWord);
static const struct { EventFn fn; const HChar* name; } event_fns[PR_EV_N] = {
   [PR_EV_ALLOC]        = { ev_Alloc,        "ev_Alloc"        },
   [PR_EV_FREE]         = { ev_Free,         "ev_Free"         },
   [PR_EV_EVICT]        = { ev_Evict,        "ev_Evict"        },
   [PR_EV_REALLOC_SIZE] = { ev_Realloc_Size, "ev_Realloc_Size" },
   [PR_EV_ARENA]        = { ev_Arena,        "ev_Arena"        },
   [PR_EV_BORROW]       = { ev_Borrow,       "ev_Borrow"       },
};

/*------------------------------------------------------------*/
/*--- IR building                                         ---*/
/*------------------------------------------------------------*/

/* Accesses already checked in this superblock: (address temp, size). */
#define PR_MAX_SEEN 32

/* What the walk knows about the superblock being instrumented. */
typedef
   struct {
      IRSB*  sb;          /* MODIFIED: the instrumented block          */
      Bool*  sp_derived;  /* MODIFIED: temp holds SP + a constant      */
      Int    n_temps;     /* READONLY: temps of the input block        */
      IRTemp seen_tmp[PR_MAX_SEEN];  /* MODIFIED: checked accesses     */
      Int    seen_szB[PR_MAX_SEEN];
      Bool   seen_write[PR_MAX_SEEN];
      Int    n_seen;
      /* Decrements of a word in memory (Py_DECREF), found by
         find_Decrements before the walk: */
      Bool*  decref_load;  /* READONLY: temp loaded by a decrement     */
      IRExpr** dec_load_addr; /* READONLY: per stored temp: the address
                                 its old value was loaded from, if the
                                 temp is (that load) - 1, else NULL    */
   }
   PREnv;

#define unop(_op, _a)        IRExpr_Unop((_op), (_a))
#define binop(_op, _a1, _a2) IRExpr_Binop((_op), (_a1), (_a2))
#define mkU8(_n)             IRExpr_Const(IRConst_U8(_n))
#define mkU32(_n)            IRExpr_Const(IRConst_U32(_n))
#define mkU64(_n)            IRExpr_Const(IRConst_U64(_n))
#define mkexpr(_tmp)         IRExpr_RdTmp((_tmp))

/* A new temp of type ty, bound to e. */
static IRExpr* assign ( PREnv* env, IRType ty, IRExpr* e )
{
   IRTemp t = newIRTemp(env->sb->tyenv, ty);
   addStmtToIRSB(env->sb, IRStmt_WrTmp(t, e));
   return mkexpr(t);
}

/* Tell iropt the helper looks at SP and IP, so both are up to date
   when it records a stack trace. */
static void set_Helper_Anns ( IRDirty* di )
{
   di->nFxState = 2;
   di->fxState[0].fx        = Ifx_Read;
   di->fxState[0].offset    = OFFSET_amd64_RSP;
   di->fxState[0].size      = 8;
   di->fxState[0].nRepeats  = 0;
   di->fxState[0].repeatLen = 0;
   di->fxState[1].fx        = Ifx_Read;
   di->fxState[1].offset    = OFFSET_amd64_RIP;
   di->fxState[1].size      = 8;
   di->fxState[1].nRepeats  = 0;
   di->fxState[1].repeatLen = 0;
}

/* Static data (a constant address) and the stack (SP plus a
   constant) hold no heap blocks. */
static Bool is_Uninteresting ( const PREnv* env, IRExpr* addr )
{
   if (addr->tag == Iex_Const)
      return True;
   return addr->tag == Iex_RdTmp && addr->Iex.RdTmp.tmp < env->n_temps
          && env->sp_derived[addr->Iex.RdTmp.tmp];
}

/* Was an unguarded access at this address temp, of this size, checked
   earlier in the superblock as strictly as this one needs (a write for
   a write)?  If not, remember this one. */
static Bool seen_Before ( PREnv* env, IRExpr* addr, Int szB, Bool isWrite )
{
   Int i;
   if (addr->tag != Iex_RdTmp)
      return False;
   for (i = 0; i < env->n_seen; i++)
      if (env->seen_tmp[i] == addr->Iex.RdTmp.tmp && env->seen_szB[i] == szB
          && (env->seen_write[i] || !isWrite))
         return True;
   if (env->n_seen < PR_MAX_SEEN) {
      env->seen_tmp[env->n_seen]   = addr->Iex.RdTmp.tmp;
      env->seen_szB[env->n_seen]   = szB;
      env->seen_write[env->n_seen] = isWrite;
      env->n_seen++;
   }
   return False;
}

/* Track which temps are SP plus a constant. */
static void note_Temp ( PREnv* env, const IRStmt* st )
{
   IRTemp   t = st->Ist.WrTmp.tmp;
   IRExpr*  e = st->Ist.WrTmp.data;
   Bool     sp = False;
   if (t >= env->n_temps)
      return;
   if (e->tag == Iex_Get && e->Iex.Get.offset == OFFSET_amd64_RSP)
      sp = True;
   else if (e->tag == Iex_Binop
            && (e->Iex.Binop.op == Iop_Add64 || e->Iex.Binop.op == Iop_Sub64)
            && e->Iex.Binop.arg1->tag == Iex_RdTmp
            && e->Iex.Binop.arg1->Iex.RdTmp.tmp < env->n_temps
            && env->sp_derived[e->Iex.Binop.arg1->Iex.RdTmp.tmp]
            && e->Iex.Binop.arg2->tag == Iex_Const)
      sp = True;
   env->sp_derived[t] = sp;
}

/* Before an access of szB bytes at addr (guarded by guard, or NULL):
   look up the shadow byte of its last byte, and call the slow path if
   that byte is not accessible.  With s the shadow byte and lo the
   last byte's offset in its granule, the access is bad when
   s > 15 - lo, unsigned: a partial code 16 - k (k bytes accessible)
   exactly when lo >= k, the reasons (0x80..) always, 0 never
   (pr_include.h).  On amd64 that is a dozen host instructions, two of
   them loads from the shadow map, and a conditional call. */
static void add_Access_Check ( PREnv* env, IRExpr* addr, Int szB,
                               Bool isWrite, IRExpr* guard,
                               UWord flags, IRExpr* value )
{
   IRExpr *last, *t, *l2, *sh, *room, *bad;
   IRDirty* di;

   if (is_Uninteresting(env, addr))
      return;
   if (guard == NULL && flags == 0 && seen_Before(env, addr, szB, isWrite))
      return;
   tl_assert(szB > 0 && szB <= PR_ACCESS_SIZE_MASK);

   /* Flat IR: every operand an atom, so one temp per step.  The first
      level's index comes out already scaled by 8, and the first level
      is in the tool's image, so its address is a 32-bit displacement
      (pr_shadow.c). */
   last   = szB == 1 ? addr
                     : assign(env, Ity_I64, binop(Iop_Add64, addr,
                                                  mkU64(szB - 1)));
   t      = assign(env, Ity_I64, binop(Iop_Shr64, last,
                                       mkU8(PR_L1_SHIFT - 3)));
   t      = assign(env, Ity_I64, binop(Iop_And64, t,
                                       mkU64((PR_L1_ENTRIES - 1) << 3)));
   t      = assign(env, Ity_I64,
                   binop(Iop_Add64, t,
                         mkU64((ULong)(Addr)&PR_(shadow_l1)[0])));
   l2     = assign(env, Ity_I64, IRExpr_Load(Iend_LE, Ity_I64, t));
   t      = assign(env, Ity_I64, binop(Iop_Shr64, last,
                                       mkU8(PR_GRANULE_SHIFT)));
   t      = assign(env, Ity_I64, binop(Iop_And64, t,
                                       mkU64(PR_L2_GRANULES - 1)));
   t      = assign(env, Ity_I64, binop(Iop_Add64, l2, t));
   sh     = assign(env, Ity_I8, IRExpr_Load(Iend_LE, Ity_I8, t));
   sh     = assign(env, Ity_I64, unop(Iop_8Uto64, sh));
   /* 15 - lo: the granule's bytes after the last one accessed. */
   t      = assign(env, Ity_I64, binop(Iop_Xor64, last,
                                       mkU64(PR_GRANULE - 1)));
   room   = assign(env, Ity_I64, binop(Iop_And64, t,
                                       mkU64(PR_GRANULE - 1)));
   bad    = assign(env, Ity_I1, binop(Iop_CmpLT64U, room, sh));
   if (guard)
      bad = assign(env, Ity_I1, binop(Iop_And1, bad, guard));

   flags |= szB | (isWrite ? PR_ACCESS_WRITE : 0);
   if (value == NULL && (flags & ~(PR_ACCESS_SIZE_MASK | PR_ACCESS_WRITE)) == 0
       && (szB & (szB - 1)) == 0 && szB <= 32) {
      Int            lg = szB == 1 ? 0 : szB == 2 ? 1 : szB == 4 ? 2
                        : szB == 8 ? 3 : szB == 16 ? 4 : 5;
      PR_PlainSlowFn fn = PR_(plain_access_slow)[isWrite ? 1 : 0][lg];
      di = unsafeIRDirty_0_N(1, "PR_(plain_access_slow)",
                             VG_(fnptr_to_fnentry)(fn), mkIRExprVec_1(addr));
   } else if (value != NULL)
      di = unsafeIRDirty_0_N(3, "PR_(check_access_slow)",
                             VG_(fnptr_to_fnentry)(&PR_(check_access_slow)),
                             mkIRExprVec_3(addr,
                                           mkU64(flags | PR_ACCESS_VALUE),
                                           value));
   else
      di = unsafeIRDirty_0_N(2, "PR_(check_access_slow2)",
                             VG_(fnptr_to_fnentry)(&PR_(check_access_slow2)),
                             mkIRExprVec_2(addr, mkU64(flags)));
   di->guard = bad;
   set_Helper_Anns(di);
   addStmtToIRSB(env->sb, IRStmt_Dirty(di));
}

/* Py_DECREF, as the IR has it whatever the compiler made of it:

      t1 = LDle:I64(A1)               the old refcount
      t2 = Sub64(t1, 0x1) or Add64(t1, 0xffffffffffffffff)
      STle(A2) = t2

   A1 and A2 are usually one temp (`subq $1,(%rdi)'), but -O0 code
   reloads the pointer, so they are compared at run time, in the helper.
   The load may also be in an earlier superblock: 3.12+ tests for an
   immortal object between the load and the decrement, and a
   conditional branch can end the superblock there; then t1 is a
   register's value and only the store is seen (the helper then checks
   the store's address alone).  Record, per stored temp t2, where its
   old value was loaded from (or the store's own address, put in by
   the walk, when unknown: marked by the `unknown' sentinel), and flag
   t1, when a load, so the access checks of the load and store say
   PR_ACCESS_DECREF. */
static IRExpr unknown_load;

/* The walk's tables indexed by temp, kept from one superblock to the
   next (instrumentation is never re-entered) and grown as needed: a
   VG_(calloc) and VG_(free) of each at every superblock showed in
   `perf' as a few percent of a Python start-up. */
static struct {
   Int      cap;            /* entries in each table                 */
   Bool*    sp_derived;     /* PREnv's                               */
   Bool*    decref_load;    /* PREnv's                               */
   IRExpr** dec_load_addr;  /* PREnv's                               */
   IRExpr** load_addr;      /* find_Decrements': temp -> load address */
   IRTemp*  dec_src;        /* find_Decrements': t -> u if t = u - 1  */
} scratch;

static void reserve_Scratch ( Int n )
{
   if (n <= scratch.cap)
      return;
   if (scratch.cap > 0) {
      VG_(free)(scratch.sp_derived);
      VG_(free)(scratch.decref_load);
      VG_(free)(scratch.dec_load_addr);
      VG_(free)(scratch.load_addr);
      VG_(free)(scratch.dec_src);
   }
   scratch.cap = n < 2 * scratch.cap ? 2 * scratch.cap : n;
   if (scratch.cap < 256)
      scratch.cap = 256;
   scratch.sp_derived    = VG_(malloc)("pr.instrument.sp", scratch.cap
                                       * sizeof(Bool));
   scratch.decref_load   = VG_(malloc)("pr.instrument.dl", scratch.cap
                                       * sizeof(Bool));
   scratch.dec_load_addr = VG_(malloc)("pr.instrument.dla", scratch.cap
                                       * sizeof(IRExpr*));
   scratch.load_addr     = VG_(malloc)("pr.instrument.la", scratch.cap
                                       * sizeof(IRExpr*));
   scratch.dec_src       = VG_(malloc)("pr.instrument.ds", scratch.cap
                                       * sizeof(IRTemp));
}

static void find_Decrements ( PREnv* env, const IRSB* sbIn )
{
   IRExpr** load_addr = scratch.load_addr;
   IRTemp*  dec_src   = scratch.dec_src;
   Int i;

   VG_(memset)(load_addr, 0, (env->n_temps + 1) * sizeof(IRExpr*));
   for (i = 0; i < env->n_temps; i++)
      dec_src[i] = IRTemp_INVALID;
   for (i = 0; i < sbIn->stmts_used; i++) {
      const IRStmt* st = sbIn->stmts[i];
      if (st->tag == Ist_WrTmp) {
         IRTemp  t = st->Ist.WrTmp.tmp;
         IRExpr* e = st->Ist.WrTmp.data;
         if (t >= env->n_temps)
            continue;
         if (e->tag == Iex_Load && e->Iex.Load.ty == Ity_I64)
            load_addr[t] = e->Iex.Load.addr;
         else if (e->tag == Iex_Binop
                  && (e->Iex.Binop.op == Iop_Sub64
                      || e->Iex.Binop.op == Iop_Add64)
                  && e->Iex.Binop.arg1->tag == Iex_RdTmp
                  && e->Iex.Binop.arg2->tag == Iex_Const
                  && e->Iex.Binop.arg2->Iex.Const.con->tag == Ico_U64) {
            ULong  k   = e->Iex.Binop.arg2->Iex.Const.con->Ico.U64;
            IRTemp src = e->Iex.Binop.arg1->Iex.RdTmp.tmp;
            if (src < env->n_temps
                && ((e->Iex.Binop.op == Iop_Sub64 && k == 1)
                    || (e->Iex.Binop.op == Iop_Add64 && k == ~0ULL)))
               dec_src[t] = src;
         }
      } else if (st->tag == Ist_Store
                 && st->Ist.Store.data->tag == Iex_RdTmp) {
         IRTemp t = st->Ist.Store.data->Iex.RdTmp.tmp;
         if (t < env->n_temps && dec_src[t] != IRTemp_INVALID) {
            IRTemp src = dec_src[t];
            if (load_addr[src] != NULL) {
               env->decref_load[src] = True;
               env->dec_load_addr[t] = load_addr[src];
            } else {
               env->dec_load_addr[t] = &unknown_load;
            }
         }
      }
   }
}

/* The address the stored value's old value came from, if the store is
   a decrement; else NULL. */
static IRExpr* decrement_Source ( const PREnv* env, IRExpr* data )
{
   if (data->tag != Iex_RdTmp || data->Iex.RdTmp.tmp >= env->n_temps)
      return NULL;
   return env->dec_load_addr[data->Iex.RdTmp.tmp];
}

/* After a decrement store: if the new value is <= 0, tell
   pr_objects.c (a death, or an extra decref). */
static void add_Refcnt_Call ( PREnv* env, IRExpr* addr, IRExpr* ld,
                              IRExpr* newval )
{
   IRExpr*  le = assign(env, Ity_I1, binop(Iop_CmpLE64S, newval, mkU64(0)));
   IRDirty* di = unsafeIRDirty_0_N(3, "PR_(refcnt_hit)",
                    VG_(fnptr_to_fnentry)(&PR_(refcnt_hit)),
                    mkIRExprVec_3(addr, ld, newval));
   di->guard = le;
   set_Helper_Anns(di);
   addStmtToIRSB(env->sb, IRStmt_Dirty(di));
}

/* At the entry of a tp_dealloc: tell pr_objects.c the object (RDI)
   and the frame (RSP, which points at the return address). */
static void add_Dealloc_Entry_Call ( PREnv* env )
{
   IRExpr*  rdi = assign(env, Ity_I64, IRExpr_Get(OFFSET_amd64_RDI, Ity_I64));
   IRExpr*  rsp = assign(env, Ity_I64, IRExpr_Get(OFFSET_amd64_RSP, Ity_I64));
   IRDirty* di  = unsafeIRDirty_0_N(2, "PR_(dealloc_entered)",
                     VG_(fnptr_to_fnentry)(&PR_(dealloc_entered)),
                     mkIRExprVec_2(rdi, rsp));
   set_Helper_Anns(di);
   addStmtToIRSB(env->sb, IRStmt_Dirty(di));
}

/* Where a tp_dealloc returns to: tell pr_objects.c it may be over. */
static void add_Dealloc_Return_Call ( PREnv* env )
{
   IRDirty* di = unsafeIRDirty_0_N(0, "PR_(dealloc_returned)",
                    VG_(fnptr_to_fnentry)(&PR_(dealloc_returned)),
                    mkIRExprVec_0());
   set_Helper_Anns(di);
   addStmtToIRSB(env->sb, IRStmt_Dirty(di));
}

/* At an event site: the handler's answer to (RDI, RSI, RDX), in a new
   temp, which stands in for the site's load (see the walk).  The
   site's address goes to RIP first: the handler may record a stack
   trace, and the unwinder must start at the site, inside the hook. */
static IRTemp add_Event_Call ( PREnv* env, Int ev, Addr site )
{
   IRExpr*  rdi = assign(env, Ity_I64, IRExpr_Get(OFFSET_amd64_RDI, Ity_I64));
   IRExpr*  rsi = assign(env, Ity_I64, IRExpr_Get(OFFSET_amd64_RSI, Ity_I64));
   IRExpr*  rdx = assign(env, Ity_I64, IRExpr_Get(OFFSET_amd64_RDX, Ity_I64));
   IRTemp   res = newIRTemp(env->sb->tyenv, Ity_I64);
   IRDirty* di;
   addStmtToIRSB(env->sb, IRStmt_Put(OFFSET_amd64_RIP, mkU64(site)));
   di = unsafeIRDirty_1_N(res, 3, event_fns[ev].name,
                          VG_(fnptr_to_fnentry)(event_fns[ev].fn),
                          mkIRExprVec_3(rdi, rsi, rdx));
   set_Helper_Anns(di);
   addStmtToIRSB(env->sb, IRStmt_Dirty(di));
   return res;
}

/* The event of the site at a, or -1. */
static Int event_At ( Addr a )
{
   Int lo = 0, hi = n_event_sites - 1;
   if (a < preload_lo || a >= preload_hi)
      return -1;
   while (lo <= hi) {
      Int mid = (lo + hi) / 2;
      if (event_sites[mid].addr == a)
         return event_sites[mid].ev;
      if (event_sites[mid].addr < a)
         lo = mid + 1;
      else
         hi = mid - 1;
   }
   return -1;
}

/* How the loads of a superblock in glibc's or ld.so's code are
   checked [string_Scanner_Kind]:

   SCAN_NONE     like any other code's.
   SCAN_NAMED    not at all: the superblock starts in a string scanner
                 of libc.so or ld.so known by its name.  Their names,
                 leading underscores aside, start with these
                 (__strlen_avx2, __strchr_sse2, index, __wcslen_sse4_1,
                 __rawmemchr_evex ...), present only with glibc's debug
                 symbols (Debian: libc6-dbg).  The preload replaces the
                 exported ones, so the vectorised variants seldom run.
   SCAN_UNNAMED  ld.so's code with no symbol (a stripped ld.so, no debug
                 symbols): its own string functions (strlen, strchr,
                 memcpy ... which ld.so calls directly, never through
                 an IFUNC, so the preload cannot replace them) are
                 there, reading names the loader allocated with malloc
                 when it loads an extension.  Vector loads are flagged
                 PR_ACCESS_SCAN: the slow path excuses an aligned one
                 that follows live bytes closely (pr_heap.c).

   memcpy, memmove, memset and memcmp read and write exactly their
   ranges and are checked. */
typedef enum { SCAN_NONE, SCAN_NAMED, SCAN_UNNAMED } ScanKind;

static ScanKind string_Scanner_Kind ( Addr a )
{
   static const HChar* const prefixes[] = {
      "str", "stp", "wcs", "wmemchr", "memchr", "memrchr", "rawmemchr",
      "index", "rindex"
   };
   const HChar* name;
   DebugInfo*   di = VG_(find_DebugInfo)(VG_(current_DiEpoch)(), a);
   const HChar* so = di ? VG_(DebugInfo_get_soname)(di) : NULL;
   Bool         ldso;
   Int          i;

   ldso = PR_(soname_starts)(so, "ld-linux");
   if (!ldso && !PR_(soname_starts)(so, "libc.so"))
      return SCAN_NONE;
   if (!VG_(get_fnname)(VG_(current_DiEpoch)(), a, &name))
      return ldso ? SCAN_UNNAMED : SCAN_NONE;
   while (*name == '_')
      name++;
   for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
      if (VG_(strncmp)(name, prefixes[i], VG_(strlen)(prefixes[i])) == 0)
         return SCAN_NAMED;
   return SCAN_NONE;
}

/* A bad read at ip: if ip is in glibc's code with no symbol,
   say once that glibc's debug symbols may be missing.  The preload's
   replacements and the SCAN_UNNAMED rule leave no false report on
   Debian 12's glibc without them, but another glibc may run a
   vectorised scanner the preload does not replace. */
void PR_(note_error_ip) ( Addr ip )
{
   static Bool  warned = False;
   const HChar* name;
   const HChar* so;
   DebugInfo*   di;

   if (warned)
      return;
   di = VG_(find_DebugInfo)(VG_(current_DiEpoch)(), ip);
   so = di ? VG_(DebugInfo_get_soname)(di) : NULL;
   if (!(PR_(soname_starts)(so, "libc.so")
         || PR_(soname_starts)(so, "ld-linux"))
       || VG_(get_fnname)(VG_(current_DiEpoch)(), ip, &name))
      return;
   warned = True;
   VG_(umsg)("pyref: warning: no symbols for code at %#lx in %s: "
             "install glibc's debug symbols (Debian: libc6-dbg), or "
             "its vectorised string functions' reads past a "
             "string's end may be reported as HeapOverflow\n", ip, so);
}

/*------------------------------------------------------------*/
/*--- The walk                                            ---*/
/*------------------------------------------------------------*/

IRSB* PR_(instrument) ( VgCallbackClosure* closure,
                        IRSB* sbIn,
                        const VexGuestLayout* layout,
                        const VexGuestExtents* vge,
                        const VexArchInfo* archinfo_host,
                        IRType gWordTy, IRType hWordTy )
{
   Int   i;
   PREnv env;
   Bool     checking;
   ScanKind scan;
   IRTemp   event_answer = IRTemp_INVALID;  /* in an event site's
                                               instruction: its answer */

   if (gWordTy != hWordTy) {
      /* We don't currently support this case. */
      VG_(tool_panic)("host/guest word size mismatch");
   }

   env.sb         = deepCopyIRSBExceptStmts(sbIn);
   env.n_temps    = sbIn->tyenv->types_used;
   reserve_Scratch(env.n_temps + 1);
   env.sp_derived    = scratch.sp_derived;
   env.decref_load   = scratch.decref_load;
   env.dec_load_addr = scratch.dec_load_addr;
   VG_(memset)(env.sp_derived, 0, (env.n_temps + 1) * sizeof(Bool));
   VG_(memset)(env.decref_load, 0, (env.n_temps + 1) * sizeof(Bool));
   VG_(memset)(env.dec_load_addr, 0,
               (env.n_temps + 1) * sizeof(IRExpr*));
   env.n_seen     = 0;
   find_Decrements(&env, sbIn);

   /* Our hooks touch blocks on the allocator's behalf: no checks in
      the preload's own code (its event sites are still handled). */
   checking = !(vge->base[0] >= preload_lo && vge->base[0] < preload_hi)
              || (vge->base[0] >= strfns_lo && vge->base[0] < strfns_hi);
   scan     = checking ? string_Scanner_Kind(vge->base[0]) : SCAN_NONE;

   /* Copy verbatim any IR preamble preceding the first IMark. */
   i = 0;
   while (i < sbIn->stmts_used && sbIn->stmts[i]->tag != Ist_IMark) {
      addStmtToIRSB(env.sb, sbIn->stmts[i]);
      i++;
   }

   for (/* use current i */; i < sbIn->stmts_used; i++) {
      IRStmt* st = sbIn->stmts[i];
      if (!st || st->tag == Ist_NoOp)
         continue;

      switch (st->tag) {
         case Ist_IMark: {     /* start of a guest instruction       */
            Int ev = event_At(st->Ist.IMark.addr);
            addStmtToIRSB(env.sb, st);
            event_answer = IRTemp_INVALID;
            if (ev >= 0)
               event_answer = add_Event_Call(&env, ev, st->Ist.IMark.addr);
            else if (checking && PR_(is_dealloc_entry)(st->Ist.IMark.addr))
               add_Dealloc_Entry_Call(&env);
            if (checking && PR_(is_dealloc_return)(st->Ist.IMark.addr))
               add_Dealloc_Return_Call(&env);
            break;
         }
         case Ist_AbiHint:     /* stack area the ABI declares dead   */
         case Ist_Put:         /* write of a guest register          */
         case Ist_PutI:        /* indexed write of guest state       */
         case Ist_MBE:         /* memory bus event (fence)           */
         case Ist_Exit:        /* conditional exit from the block    */
            addStmtToIRSB(env.sb, st);
            break;

         case Ist_WrTmp: {     /* a temporary; a load when Iex_Load  */
            IRExpr* data = st->Ist.WrTmp.data;
            if (event_answer != IRTemp_INVALID && data->tag == Iex_Load) {
               /* The event site's load of pyref_event_answer: its temp
                  gets the handler's answer instead.  (If the site's
                  result is not used, iropt has already removed the
                  load, and the handler is called all the same.) */
               tl_assert(data->Iex.Load.ty == Ity_I64);
               addStmtToIRSB(env.sb,
                             IRStmt_WrTmp(st->Ist.WrTmp.tmp,
                                          mkexpr(event_answer)));
               event_answer = IRTemp_INVALID;
               break;
            }
            if (checking && scan != SCAN_NAMED && data->tag == Iex_Load) {
               Int   szB   = sizeofIRType(data->Iex.Load.ty);
               UWord flags = env.decref_load[st->Ist.WrTmp.tmp]
                                ? PR_ACCESS_DECREF : 0;
               if (scan == SCAN_UNNAMED && szB >= 16)
                  flags |= PR_ACCESS_SCAN;
               add_Access_Check(&env, data->Iex.Load.addr, szB,
                                /*isWrite*/False, NULL, flags, NULL);
            }
            note_Temp(&env, st);
            addStmtToIRSB(env.sb, st);
            break;
         }

         case Ist_Store: {     /* store to guest memory              */
            IRExpr* data   = st->Ist.Store.data;
            IRType  ty     = typeOfIRExpr(sbIn->tyenv, data);
            IRExpr* ld     = decrement_Source(&env, data);
            if (ld == &unknown_load)
               ld = st->Ist.Store.addr;
            if (checking)
               add_Access_Check(&env, st->Ist.Store.addr, sizeofIRType(ty),
                                /*isWrite*/True, NULL,
                                ld ? PR_ACCESS_DECREF : 0,
                                ty == Ity_I64 ? data : NULL);
            addStmtToIRSB(env.sb, st);
            if (checking && ld)
               add_Refcnt_Call(&env, st->Ist.Store.addr, ld, data);
            break;
         }

         case Ist_StoreG: {    /* guarded store                      */
            IRStoreG* sg = st->Ist.StoreG.details;
            if (checking)
               add_Access_Check(&env, sg->addr,
                  sizeofIRType(typeOfIRExpr(sbIn->tyenv, sg->data)),
                  /*isWrite*/True, sg->guard, 0, NULL);
            addStmtToIRSB(env.sb, st);
            break;
         }

         case Ist_LoadG: {     /* guarded load                       */
            IRLoadG* lg = st->Ist.LoadG.details;
            IRType   ty_res, ty_arg;
            typeOfIRLoadGOp(lg->cvt, &ty_res, &ty_arg);
            if (checking)
               add_Access_Check(&env, lg->addr, sizeofIRType(ty_arg),
                                /*isWrite*/False, lg->guard, 0, NULL);
            addStmtToIRSB(env.sb, st);
            break;
         }

         case Ist_CAS: {       /* compare-and-swap                   */
            IRCAS* cas = st->Ist.CAS.details;
            Int    szB = sizeofIRType(typeOfIRExpr(sbIn->tyenv,
                                                   cas->dataLo));
            if (cas->dataHi != NULL)
               szB *= 2;
            if (checking)
               add_Access_Check(&env, cas->addr, szB, /*isWrite*/True,
                                NULL, 0, NULL);
            addStmtToIRSB(env.sb, st);
            break;
         }

         case Ist_LLSC: {      /* load-linked / store-conditional    */
            IRType ty = st->Ist.LLSC.storedata == NULL
                        ? typeOfIRTemp(sbIn->tyenv, st->Ist.LLSC.result)
                        : typeOfIRExpr(sbIn->tyenv, st->Ist.LLSC.storedata);
            if (checking)
               add_Access_Check(&env, st->Ist.LLSC.addr, sizeofIRType(ty),
                                st->Ist.LLSC.storedata != NULL, NULL, 0,
                                NULL);
            addStmtToIRSB(env.sb, st);
            break;
         }

         case Ist_Dirty: {     /* call to a helper                   */
            IRDirty* d = st->Ist.Dirty.details;
            if (checking && d->mFx != Ifx_None && d->mSize > 0)
               add_Access_Check(&env, d->mAddr, d->mSize,
                                d->mFx != Ifx_Read, d->guard, 0, NULL);
            addStmtToIRSB(env.sb, st);
            break;
         }

         default:
            VG_(printf)("\n");
            ppIRStmt(st);
            VG_(printf)("\n");
            tl_assert2(0, "pyref: unhandled IRStmt kind");
      }
   }

   return env.sb;
}

#undef unop
#undef binop
#undef mkU8
#undef mkU32
#undef mkU64
#undef mkexpr

/*--------------------------------------------------------------------*/
/*--- end                                           pr_translate.c ---*/
/*--------------------------------------------------------------------*/
