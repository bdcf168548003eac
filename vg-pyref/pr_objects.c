/*--------------------------------------------------------------------*/
/*--- Pyref: the lives of Python objects: death at refcount zero,  ---*/
/*--- free lists, rebirth.                            pr_objects.c ---*/
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

/* Py_INCREF and Py_DECREF are inline: pyref sees them only as loads
   and stores of ob_refcnt.  Checking every refcount store would cost
   a helper call per Py_DECREF; instead:

   1. Deaths and extra decrefs, from the decrement itself.
      pr_translate.c recognises, in the IR, a store of (a word loaded
      from memory) minus one: every Py_DECREF in every version
      3.8-3.13, inlined or not, whatever the compiler made of it (a
      `subq $1,(%rdi)', or load/sub/store, or -O0 code that reloads
      the pointer).  It adds one inline compare, and calls
      PR_(refcnt_hit) only when the new value is <= 0, which on an
      object's ob_refcnt means:
         0  the object dies: remember where ("died at"), mark it
            DYING, and learn its type's tp_dealloc (see 3);
        <0  ob_refcnt was already 0: an ExtraDecref.
      A decrement to 0 of a static object (None before 3.12, a static
      type) is a DeallocStatic.  On other memory (a counter reaching
      zero) the helper finds no object and returns.
      The same decrement of a *freed* object's ob_refcnt is caught by
      the access check (its shadow says freed); the translation flags
      such loads and stores PR_ACCESS_DECREF so the slow path reports
      an ExtraDecref instead of a plain UseAfterFree
      [PR_(freed_object_decref)].

   2. Dead objects whose memory is kept.  When the dealloc has
      finished and the object was not freed (float, tuple, list, dict
      ... free lists), it is marked PR_SH_DEAD in the shadow map, so
      any later access takes the slow path [PR_(dead_object_access)]:
         - a store of 1 into ob_refcnt is the free list handing the
           object out again (_Py_NewReference): it is alive again,
           with a new "allocated at" stack (a rebirth);
         - a store of 1 right after a held read of it is a Py_INCREF
           of the dead object (reported), not a rebirth;
         - any other access by CPython's own code (its free-list code
           follows and clears links: ob_type for floats, ob_item[0] for
           tuples, ctx_weakreflist for contexts; it fills fields before
           _Py_NewReference: MemoryError's args, 3.13's ob_type) is let
           through;
         - a read of ob_refcnt alone is held back (pr_errors.c): it may
           start a Py_INCREF or Py_DECREF (3.12+ tests for immortality
           first), reported as such;
         - a decrement of ob_refcnt is an ExtraDecref (or, if someone
           had raised it to 1 again, a DoubleDealloc);
         - anything else, from outside CPython, is a UseAfterDealloc.
      Only dead objects are watched this way, so the common case (a
      live object) costs nothing more than the heap check.

   3. When is a dealloc finished?  Its own code, its free-list code
      and the allocator touch the dying object legitimately, so it is
      marked only afterwards.  pyref learns each type's tp_dealloc when
      it first meets the type (the commonest types' at start-up, from
      the preload), and instruments its entry
      [PR_(dealloc_entered)]: the stack pointer there and the return
      address it points to identify the call.  The dealloc is over
      once the thread runs above that frame, or the return-address
      slot was reused by another call.  This is checked at the return
      address itself, which pyref instruments too once it has seen it
      [PR_(dealloc_returned)], and at every pyref event of the thread
      (a death, an allocation, a free, a slow-path check)
      [PR_(objects_sweep)].  A dealloc that was
      never entered as a function (inlined by the compiler: the 3.11+
      specialised destructors in the eval loop) ends when the frame
      that did the decrement returns.  A dealloc entered again for a
      dead object is the trashcan finishing a deferred deallocation:
      the object is DYING again, not reported.

   New tp_dealloc entries are instrumented by discarding translations
   of that address, which the core allows only inside a client
   request: the next allocation event answers the preload's hook
   "flush", and the hook makes the request (PR_(objects_flush)). */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_execontext.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_stacktrace.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_transtab.h"
#include "pub_tool_vki.h"

#include "pr_include.h"

/* Offsets in PyTypeObject, the same in 3.8 to 3.13. */
#define PR_TP_DEALLOC 48

/* Counters for --stats=yes. */
static ULong n_deaths = 0, n_parked = 0, n_reborn = 0, n_resurrected = 0;
static ULong n_link_reads = 0, n_dropped = 0, n_trashcan = 0;
static ULong n_owner_accesses = 0;
static ULong n_refcnt_reads = 0;


/*------------------------------------------------------------*/
/*--- The tp_dealloc functions pyref instruments           ---*/
/*------------------------------------------------------------*/

/* Two open-addressed sets of code addresses: tp_dealloc entries, and
   the return addresses of their calls (where a dealloc just ended). */
typedef
   struct {
      Addr* slots;
      UInt  cap, n;
   }
   PR_AddrSet;

static PR_AddrSet dealloc_entries, dealloc_returns;

/* Learnt but not yet instrumented: their translations must go. */
#define PR_MAX_TO_DISCARD 256
static Addr to_discard[PR_MAX_TO_DISCARD];
static UInt n_to_discard = 0;

static UInt hash_Addr ( Addr a, UInt cap )
{
   return (UInt)((a * 0x9E3779B97F4A7C15ULL) >> 32) & (cap - 1);
}

static Bool set_Has ( const PR_AddrSet* s, Addr a )
{
   UInt i;
   if (s->n == 0)
      return False;
   for (i = hash_Addr(a, s->cap); s->slots[i] != 0; i = (i + 1) & (s->cap - 1))
      if (s->slots[i] == a)
         return True;
   return False;
}

static void set_Add ( PR_AddrSet* s, Addr a )
{
   UInt i;
   if (2 * (s->n + 1) > s->cap) {
      Addr* old     = s->slots;
      UInt  old_cap = s->cap;
      s->cap   = old_cap ? 2 * old_cap : 256;
      s->slots = VG_(calloc)("pr.objects.addrset", s->cap, sizeof(Addr));
      s->n     = 0;
      for (i = 0; i < old_cap; i++)
         if (old[i] != 0)
            set_Add(s, old[i]);
      if (old)
         VG_(free)(old);
   }
   for (i = hash_Addr(a, s->cap); s->slots[i] != 0; i = (i + 1) & (s->cap - 1))
      ;
   s->slots[i] = a;
   s->n++;
}

Bool PR_(is_dealloc_entry) ( Addr a )
{
   return set_Has(&dealloc_entries, a);
}

Bool PR_(is_dealloc_return) ( Addr a )
{
   return set_Has(&dealloc_returns, a);
}

/* Remember code address a in set s, to be instrumented once the
   translations holding it are discarded. */
static void learn_Code ( PR_AddrSet* s, Addr a )
{
   if (a == 0 || set_Has(s, a) || n_to_discard == PR_MAX_TO_DISCARD)
      return;
   set_Add(s, a);
   to_discard[n_to_discard++] = a;
}

static void learn_Dealloc ( Addr type )
{
   UWord d;
   if (PR_(python_read_word)(type + PR_TP_DEALLOC, &d))
      learn_Code(&dealloc_entries, d);
}

void PR_(objects_new_type) ( Addr type )
{
   learn_Dealloc(type);
}

void PR_(objects_learn_types) ( const unsigned long* types, Int n )
{
   Int i;
   for (i = 0; i < n; i++)
      if (types[i] != 0 && PR_(python_is_type)(types[i]))
         learn_Dealloc(types[i]);
   PR_(objects_flush)();
}

Bool PR_(objects_want_flush) ( void )
{
   return n_to_discard > 0;
}

void PR_(objects_flush) ( void )
{
   UInt i;
   for (i = 0; i < n_to_discard; i++)
      VG_(discard_translations_safely)(to_discard[i], 1,
                                       "pyref: a tp_dealloc's entry");
   n_to_discard = 0;
}

/*------------------------------------------------------------*/
/*--- Objects whose dealloc is running                    ---*/
/*------------------------------------------------------------*/

typedef
   struct {
      PR_Block* b;
      ThreadId  tid;
      Addr      death_sp;   /* SP at the decrement to zero         */
      Addr      entry_sp;   /* SP at the tp_dealloc's entry, or 0  */
      Addr      ret;        /* the return address at entry_sp      */
   }
   PR_Dying;

/* Nested deallocations are bounded by CPython's trashcan (50 deep);
   objects whose end pyref cannot see (an inlined dealloc in a frame
   that never returns) are dropped from tracking when this fills: a
   dropped object is simply not watched for UseAfterDealloc. */
#define PR_MAX_DYING 512
static PR_Dying dying[PR_MAX_DYING];
ULong PR_(n_dying) = 0;

static void remove_Dying ( UInt i )
{
   dying[i] = dying[PR_(n_dying) - 1];
   PR_(n_dying)--;
}

static void add_Dying ( PR_Block* b, ThreadId tid, Addr death_sp,
                        Addr entry_sp, Addr ret )
{
   if (PR_(n_dying) == PR_MAX_DYING) {
      dying[0].b->obj_state = PR_ObjNone;
      remove_Dying(0);
      n_dropped++;
   }
   dying[PR_(n_dying)].b        = b;
   dying[PR_(n_dying)].tid      = tid;
   dying[PR_(n_dying)].death_sp = death_sp;
   dying[PR_(n_dying)].entry_sp = entry_sp;
   dying[PR_(n_dying)].ret      = ret;
   PR_(n_dying)++;
   b->obj_state = PR_ObjDying;
}

void PR_(objects_forget) ( PR_Block* b )
{
   UInt i;
   for (i = 0; i < PR_(n_dying); i++) {
      if (dying[i].b == b) {
         remove_Dying(i);
         break;
      }
   }
   b->obj_state = PR_ObjNone;
}

static inline Addr obj_Addr ( const PR_Block* b )
{
   return PR_block_start(b) + b->obj_off;
}

/* Its dealloc is over: the object was freed (nothing to do: the heap
   checks take over), brought back to life by a finaliser, or parked on
   a free list. */
static void finish_Dying ( PR_Block* b )
{
   UWord rc;
   Addr  obj = obj_Addr(b);
   if (b->state != PR_BlockLive) {
      b->obj_state = PR_ObjNone;
      return;
   }
   rc = *(UWord*)obj;       /* inside a live block: mapped */
   if ((Long)rc > 0) {
      b->obj_state = PR_ObjNone;
      b->died_ecu  = 0;
      n_resurrected++;
      return;
   }
   b->obj_state = PR_ObjDead;
   n_parked++;
   PR_(shadow_set)(obj,
                   VG_ROUNDUP(PR_block_start(b) + b->size, PR_GRANULE) - obj,
                   PR_SH_DEAD);
}

/* Is e's dealloc still running, seen from stack pointer sp of its
   thread? */
static Bool dealloc_Running ( const PR_Dying* e, Addr sp )
{
   UWord slot;
   if (e->entry_sp != 0)
      /* entry_sp is on this thread's stack, below its top: mapped. */
      return sp <= e->entry_sp && (slot = *(UWord*)e->entry_sp, True)
             && slot == e->ret;
   /* Never entered as a function we know: while the decrement's frame
      is live it may yet be; after, we cannot tell (a tail call, an
      inlined dealloc), and it is no longer watched. */
   return sp <= e->death_sp;
}

static Int find_Dying ( const PR_Block* b )
{
   UInt i;
   for (i = 0; i < PR_(n_dying); i++)
      if (dying[i].b == b)
         return (Int)i;
   return -1;
}

void PR_(objects_sweep) ( ThreadId tid )
{
   Addr sp = VG_(get_SP)(tid);
   Int  i;
   for (i = (Int)PR_(n_dying) - 1; i >= 0; i--) {
      PR_Dying* e = &dying[i];
      PR_Block* b = e->b;
      if (e->tid != tid)
         continue;
      if (b->state == PR_BlockLive && dealloc_Running(e, sp))
         continue;
      if (b->state == PR_BlockLive && e->entry_sp == 0) {
         b->obj_state = PR_ObjNone;
         remove_Dying(i);
         n_dropped++;
         continue;
      }
      remove_Dying(i);
      finish_Dying(b);
   }
}

/*------------------------------------------------------------*/
/*--- Types of dead objects, by number                    ---*/
/*------------------------------------------------------------*/

/* A block record keeps the type of the object that died in it in 24
   bits (PR_Block.obj_type), as a number in this table: a program has
   few types, and the record is small because a big heap has millions.
   Numbers start at 1 (0: unknown) and are never reused; a type object
   freed and its address reused by another type keeps its number, as
   the address alone was kept before.  Past 2^24 - 1 distinct types a
   death is recorded without its type, and a report reads the type from
   the block instead. */
#define MAX_TYPE_ID ((1U << 24) - 1)

static Addr* type_of_id    = NULL;   /* [id]: the type's address        */
static UInt  n_type_ids    = 0;      /* ids 1..n_type_ids are in use    */
static UInt  type_id_cap   = 0;
static UInt* type_id_slots = NULL;   /* open addressing by address: ids */
static UWord type_id_mask  = 0;

static inline UWord type_Home ( Addr type )
{
   return (UWord)(((ULong)type * 0x9E3779B97F4A7C15ULL) >> 32)
          & type_id_mask;
}

static void type_id_Insert ( UInt id )
{
   UWord i = type_Home(type_of_id[id]);
   while (type_id_slots[i] != 0)
      i = (i + 1) & type_id_mask;
   type_id_slots[i] = id;
}

/* The type's number, given one on first use; 0 if the table is full. */
UInt PR_(type_id) ( Addr type )
{
   static Addr last_type = 0;
   static UInt last_id   = 0;
   UWord i;

   if (type == 0)
      return 0;
   if (type == last_type)
      return last_id;
   if (type_id_slots != NULL) {
      for (i = type_Home(type); type_id_slots[i] != 0;
           i = (i + 1) & type_id_mask)
         if (type_of_id[type_id_slots[i]] == type) {
            last_type = type;
            last_id   = type_id_slots[i];
            return last_id;
         }
   }
   if (n_type_ids == MAX_TYPE_ID)
      return 0;
   /* Keep the slots at most half full. */
   if (2 * (n_type_ids + 1) > type_id_mask + 1 || type_id_slots == NULL) {
      UWord n = type_id_slots == NULL ? 256 : 2 * (type_id_mask + 1);
      UInt  id;
      if (type_id_slots != NULL)
         VG_(free)(type_id_slots);
      type_id_slots = VG_(calloc)("pr.objects.typeslots", n, sizeof(UInt));
      type_id_mask  = n - 1;
      for (id = 1; id <= n_type_ids; id++)
         type_id_Insert(id);
   }
   if (n_type_ids + 1 >= type_id_cap) {
      type_id_cap = type_id_cap == 0 ? 256 : 2 * type_id_cap;
      type_of_id  = VG_(realloc)("pr.objects.types", type_of_id,
                                 type_id_cap * sizeof(Addr));
   }
   type_of_id[++n_type_ids] = type;
   type_id_Insert(n_type_ids);
   last_type = type;
   last_id   = n_type_ids;
   return last_id;
}

Addr PR_(type_of_id) ( UInt id )
{
   tl_assert(id <= n_type_ids);
   return id == 0 ? 0 : type_of_id[id];
}

/*------------------------------------------------------------*/
/*--- Finding the object                                  ---*/
/*------------------------------------------------------------*/

/* The live block whose object has its ob_refcnt at a: the object
   starts at the block (0), after the GC header (16) or after the
   3.11+ pre-header (32). */
static PR_Block* object_Block ( Addr a, Bool strict, /*OUT*/UInt* off,
                                /*OUT*/Addr* type )
{
   static const UInt offs[] = { 0, 16, 32 };
   Int i;
   /* The three lookups read neighbouring entries of the block map's
      index (pr_blockmap.c): the first one's cache miss serves the
      others. */
   for (i = 0; i < sizeof offs / sizeof offs[0]; i++) {
      Addr      start = a - offs[i];
      PR_Block* b     = PR_(block_at)(start);
      if (b == NULL || b->state != PR_BlockLive)
         continue;
      /* PyMem_Malloc and PyMem_RawMalloc are CPython's buffer domains:
         no object lives there.  A buffer's word may still hold what
         the memory's last user left, say a dead str's ob_type, next
         to a counter that legitimately goes from 0 to -1 (_sre's data
         stack: a match context's count, when a repeat backtracks past
         its last try): not an object's refcount. */
      if (b->family == PR_FamMem || b->family == PR_FamRaw)
         continue;
      /* Known from its death (a dead float's ob_type is a free-list
         link, no type). */
      if (b->obj_off == offs[i] && b->obj_state != PR_ObjNone) {
         *off  = offs[i];
         *type = PR_(type_of_id)(b->obj_type);
         return b;
      }
      /* When strict (before a report): the object the block holds is
         the first offset where one fits, so that a field of an object
         that happens to look like an object header (a counter, then a
         type pointer) is not taken for one.  A death taken for one
         wrongly is harmless: its dealloc never starts, it is dropped. */
      if (PR_(python_object_fits)(start, b->size, offs[i], type)) {
         Int j;
         for (j = 0; strict && j < i; j++)
            if (PR_(python_object_fits)(start, b->size, offs[j], NULL))
               break;
         if (strict && j < i)
            continue;
         *off = offs[i];
         return b;
      }
   }
   return NULL;
}

static void describe_Object ( PR_Block* b, /*OUT*/PR_BlockDesc* d )
{
   PR_(describe_addr)(obj_Addr(b), d);
}

/*------------------------------------------------------------*/
/*--- Static objects                                      ---*/
/*------------------------------------------------------------*/

/* Static objects already reported: one report each is enough (None's
   refcount may cross zero over and over in a loop). */
#define PR_MAX_STATIC_SEEN 32
static Addr static_seen[PR_MAX_STATIC_SEEN];
static UInt n_static_seen = 0;

static void check_Static ( ThreadId tid, Addr a )
{
   VgSectKind   k;
   UWord        type;
   PR_BlockDesc d;
   UInt         i;

   if (!PR_(python_read_word)(a + 8, &type) || !PR_(python_is_type)(type))
      return;
   k = VG_(DebugInfo_sect_kind)(NULL, a);
   if (k != Vg_SectData && k != Vg_SectBSS)
      return;
   for (i = 0; i < n_static_seen; i++)
      if (static_seen[i] == a)
         return;
   if (n_static_seen < PR_MAX_STATIC_SEEN)
      static_seen[n_static_seen++] = a;

   VG_(memset)(&d, 0, sizeof d);
   d.known   = False;
   d.note    = "a statically allocated object, not a heap block";
   d.obj_off = PR_NO_OBJ;
   PR_(python_type_name)(type, d.pytype, sizeof d.pytype);
   PR_(record_object_error)(tid, Err_DeallocStatic, a, 0, True, a, 0, &d);
}

/*------------------------------------------------------------*/
/*--- Events                                              ---*/
/*------------------------------------------------------------*/

VG_REGPARM(3) void PR_(refcnt_hit) ( Addr a, Addr ld, Long newval )
{
   ThreadId     tid;
   PR_Block*    b;
   UInt         off;
   Addr         type = 0;
   PR_BlockDesc d;

   if (a != ld || !PR_(python).supported)
      return;
   tid = VG_(get_running_tid)();
   PR_SETTLE(tid, a, True);
   b   = object_Block(a, newval < 0, &off, &type);

   /* Before the sweep, which reads refcounts: this one was just
      stored. */
   if (b && newval == 0 && b->obj_state == PR_ObjDying) {
      Int i = find_Dying(b);
      if (i >= 0 && dealloc_Running(&dying[i], VG_(get_SP)(tid)))
         return;   /* a finaliser raised it to 1 and dropped it again,
                      inside the same dealloc */
      /* Its dealloc ended, it went back into use from a free list
         before pyref marked it, and now dies again. */
      if (i >= 0)
         remove_Dying(i);
      b->obj_state = PR_ObjNone;
   }
   if (PR_(n_dying) > 0)
      PR_(objects_sweep)(tid);
   if (b == NULL) {
      if (newval == 0)
         check_Static(tid, a);
      return;
   }

   if (newval < 0) {
      /* ob_refcnt was 0: the object was dead already. */
      if (b->obj_off == PR_NO_OBJ)
         b->obj_off = off;
      describe_Object(b, &d);
      PR_(record_object_error)(tid, Err_ExtraDecref, a, 8, True, a,
                               newval + 1, &d);
      return;
   }

   /* newval == 0: a death. */
   switch (b->obj_state) {
      case PR_ObjDead:
         /* Dead, raised to 1 behind our back (that access was
            reported) and now deallocated a second time. */
         describe_Object(b, &d);
         PR_(record_object_error)(tid, Err_DoubleDealloc, a, 8, True, a,
                                  1, &d);
         PR_(shadow_set_accessible)(obj_Addr(b),
                                    PR_block_start(b) + b->size - obj_Addr(b));
         break;
      default:
         break;
   }
   n_deaths++;
   b->obj_off   = off;
   b->obj_type  = PR_(type_id)(type);
   b->died_ecu  = PR_(ecu_of)(PR_(free_stack)(tid));
   add_Dying(b, tid, VG_(get_SP)(tid), 0, 0);
}

VG_REGPARM(2) void PR_(dealloc_entered) ( Addr obj, Addr sp )
{
   ThreadId tid = VG_(get_running_tid)();
   UInt     i, off;
   UWord    ret;
   Addr     type;

   if (!VG_IS_8_ALIGNED(sp))
      return;
   ret = *(UWord*)sp;       /* the running thread's stack pointer */
   /* Where this call returns, the dealloc is over: a sweep there marks
      the object dead at once, before the caller's next access. */
   learn_Code(&dealloc_returns, ret);
   for (i = 0; i < PR_(n_dying); i++) {
      PR_Dying* e = &dying[i];
      if (obj_Addr(e->b) == obj && e->tid == tid) {
         if (e->entry_sp == 0) {
            e->entry_sp = sp;
            e->ret      = ret;
         }
         return;
      }
   }
   /* Not dying: the trashcan deallocating, now, an object whose
      dealloc it deferred; or a dealloc called without a decrement
      (Py_TYPE(op)->tp_dealloc(op) on a fresh object). */
   {
      PR_Block* b = object_Block(obj, False, &off, &type);
      if (b == NULL || b->obj_state != PR_ObjDead)
         return;
      n_trashcan++;
      PR_(shadow_set_accessible)(obj_Addr(b),
                                 PR_block_start(b) + b->size - obj_Addr(b));
      add_Dying(b, tid, sp, sp, ret);
   }
}

VG_REGPARM(0) void PR_(dealloc_returned) ( void )
{
   if (PR_(n_dying) > 0)
      PR_(objects_sweep)(VG_(get_running_tid)());
}

/*------------------------------------------------------------*/
/*--- Accesses to dead objects (from the slow path)       ---*/
/*------------------------------------------------------------*/

static void reborn ( ThreadId tid, PR_Block* b )
{
   Addr obj = obj_Addr(b);
   PR_(shadow_set_accessible)(obj, PR_block_start(b) + b->size - obj);
   b->obj_state = PR_ObjNone;
   b->died_ecu  = 0;
   b->obj_type  = 0;
   b->alloc_ecu = PR_(ecu_of)(PR_(alloc_stack)(tid));
   PR_(heap_new_serial)(b);
   n_reborn++;
}

/* Is this access made by the dead object's own type's code: from the
   object file (executable, libpython, extension module) that holds
   the tp_dealloc it died with?  An extension may keep a free list of
   its own type, as CPython does of its own: _asyncio's FutureIter (3.8
   to 3.11) links parked objects through a field, Cython's closure
   scopes sit in an array and are zeroed with memset before
   PyObject_Init.  Such code reads and writes its parked objects by
   design; any other code that touches them is at fault.  An access
   from libc (memset, memcpy) counts as its caller's. */
static Bool in_Type_Owner_Code ( ThreadId tid, const PR_Block* b )
{
   Addr         type    = PR_(type_of_id)(b->obj_type);
   UWord        dealloc = 0;
   DiEpoch      ep      = VG_(current_DiEpoch)();
   DebugInfo   *owner, *here;
   const HChar* so;
   Addr         ips[2];

   if (type == 0 || !PR_(python_read_word)(type + PR_TP_DEALLOC, &dealloc)
       || dealloc == 0)
      return False;
   owner = VG_(find_DebugInfo)(ep, dealloc);
   if (owner == NULL)
      return False;
   here = VG_(find_DebugInfo)(ep, VG_(get_IP)(tid));
   if (here == owner)
      return True;
   so = here ? VG_(DebugInfo_get_soname)(here) : NULL;
   if (!PR_(soname_starts)(so, "libc.so"))
      return False;
   if (VG_(get_StackTrace)(tid, ips, 2, NULL, NULL, 0) < 2)
      return False;
   return VG_(find_DebugInfo)(ep, ips[1]) == owner;
}

void PR_(dead_object_access) ( ThreadId tid, PR_Block* b, Addr a,
                               SizeT szB, UWord flags, UWord value )
{
   Addr         obj     = obj_Addr(b);
   Long         off     = (Long)(a - obj);
   Bool         isWrite = (flags & PR_ACCESS_WRITE) != 0;
   UWord        rc      = 0;
   PR_ErrorKind kind;
   PR_BlockDesc d;

   if (off == 0 && !isWrite && !(flags & PR_ACCESS_DECREF)) {
      /* A read of ob_refcnt alone: the immortality test that starts
         Py_INCREF and Py_DECREF in 3.12+, the load of an INCREF's
         read-modify-write, or a real use (Py_REFCNT).  Held back until
         we know which (pr_errors.c).  In CPython's own code a lone
         read is not reported: PyWeakref_GET_OBJECT (3.8 to 3.12) tests
         the refcount of a weakref's target, which may be dead and not
         yet cleared while the trashcan defers its deallocation
         (CPython's gh-60806; test_weakref does it). */
      n_refcnt_reads++;
      (void)PR_(python_read_word)(obj, &rc);
      describe_Object(b, &d);
      PR_(hold_refcnt_read)(tid, Err_UseAfterDealloc, obj, szB, (Long)rc,
                            &d, PR_(in_python_code)(VG_(get_IP)(tid))
                                || in_Type_Owner_Code(tid, b));
      return;
   }
   if (off == 0 && isWrite && !(flags & PR_ACCESS_DECREF)) {
      /* A store of 1 right after a held read of the same ob_refcnt is
         a Py_INCREF (load, add, store); alone, it is the free list's
         _Py_NewReference.  (The settle that dropped the held read ran
         at the top of the slow path, so ask before it: see
         PR_(held_read_of)'s caller in pr_heap.c.) */
      if (!(flags & PR_ACCESS_INCREF) && (flags & PR_ACCESS_VALUE)
          && szB == 8 && value == 1) {
         reborn(tid, b);           /* _Py_NewReference */
         return;
      }
   }
   if (off != 0 && PR_(in_python_code)(VG_(get_IP)(tid))) {
      /* CPython's own free-list code: following and clearing links
         (ob_type for floats, ob_item[0] for tuples, ctx_weakreflist
         for contexts ...), filling fields before _Py_NewReference
         (MemoryError's args, 3.13's ob_type).  Extensions that hand
         CPython a dead object are caught at their own accesses. */
      n_link_reads++;
      return;
   }
   if (!(flags & (PR_ACCESS_DECREF | PR_ACCESS_INCREF))
       && in_Type_Owner_Code(tid, b)) {
      /* The type's own free-list code (see in_Type_Owner_Code): any
         field, ob_refcnt too when it zeroes the whole object; its
         decrements and increments stay errors. */
      n_owner_accesses++;
      return;
   }

   (void)PR_(python_read_word)(obj, &rc);
   if (off == 0 && (flags & PR_ACCESS_DECREF))
      kind = (Long)rc == 1 ? Err_DoubleDealloc : Err_ExtraDecref;
   else
      kind = Err_UseAfterDealloc;
   describe_Object(b, &d);
   PR_(record_object_error)(tid, kind, a, szB, isWrite, obj, (Long)rc,
                            &d);
}

Bool PR_(freed_object_decref) ( ThreadId tid, PR_Block* b, Addr a,
                                SizeT szB, UWord flags )
{
   static const UInt offs[] = { 0, 16, 32 };
   PR_BlockDesc d;
   UWord        rc;
   Int          i;
   UInt         off   = b->obj_off;
   Addr         start = PR_block_start(b);

   if (szB != 8 && szB != 4)
      return False;
   /* Known from its death, or else from the (quarantined, intact)
      memory of the freed block. */
   for (i = 0; off == PR_NO_OBJ && i < sizeof offs / sizeof offs[0]; i++)
      if (a == start + offs[i]
          && PR_(python_object_fits)(start, b->size, offs[i], NULL))
         off = offs[i];
   if (off == PR_NO_OBJ || a != start + off
       || !PR_(python_read_word)(a, &rc))
      return False;
   if (!(flags & PR_ACCESS_DECREF)) {
      if (flags & PR_ACCESS_WRITE)
         return False;       /* a Py_INCREF's store: UseAfterFree */
      n_refcnt_reads++;      /* a lone read: see dead_object_access */
      PR_(describe_addr)(a, &d);
      PR_(hold_refcnt_read)(tid, Err_UseAfterFree, a, szB, (Long)rc, &d,
                            False);
      return True;
   }
   if (b->obj_off == PR_NO_OBJ)
      b->obj_off = off;
   PR_(describe_addr)(a, &d);
   PR_(record_object_error)(tid, (Long)rc == 1 ? Err_DoubleDealloc
                                               : Err_ExtraDecref,
                            a, szB, (flags & PR_ACCESS_WRITE) != 0, a,
                            (Long)rc, &d);
   return True;
}

void PR_(objects_print_stats) ( void )
{
   VG_(dmsg)("pyref: objects: %'llu deaths, %'llu parked on free lists, "
             "%'llu reborn, %'llu resurrected; %'llu free-list link reads, "
             "%'llu accesses by the type's own module, "
             "%'llu lone refcount reads (%'llu by CPython, not reported);"
             " %u tp_deallocs and %u return sites instrumented; %'llu trashcan "
             "re-entries, "
             "%'llu dropped\n",
             n_deaths, n_parked, n_reborn, n_resurrected, n_link_reads,
             n_owner_accesses, n_refcnt_reads, PR_(n_lone_reads_excused),
             dealloc_entries.n, dealloc_returns.n,
             n_trashcan, n_dropped);
}

/*--------------------------------------------------------------------*/
/*--- end                                             pr_objects.c ---*/
/*--------------------------------------------------------------------*/
