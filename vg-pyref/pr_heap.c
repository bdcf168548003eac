/*--------------------------------------------------------------------*/
/*--- Pyref: every heap block of the client, from every allocator  ---*/
/*--- family.                                            pr_heap.c ---*/
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

/* Two sources tell us about heap blocks.

   1. The C heap.  Like Memcheck, pyref replaces malloc, calloc,
      realloc, memalign, free and C++ new/delete: the core routes
      those calls to the functions below, which take client memory from
      the core's arena with VG_(cli_malloc).  Every malloc'd block is
      therefore ours from birth to release, with a 16-byte redzone on
      each side.

   2. CPython's allocator domains.  The preload installs hooks with
      PyMem_SetAllocator for RAW, MEM and OBJ (and an arena allocator
      with PyObject_SetArenaAllocator), so pymalloc stays ON.  Each hook
      asks the real allocator for the client's size rounded up to 16,
      plus 16 bytes (PR_HOOK_REQUEST: a redzone inside the pymalloc
      block) and reports through its event sites (PR_(ev_*), reached
      from pr_translate.c without a client request).  A block may be
      known twice: PyObject_Malloc(600) goes to PyMem_RawMalloc and
      then to malloc, so the C heap sees it first and each hook above
      relabels it; the record keeps the family the client used, and the
      frees of the layers below are expected once the outer free was
      accepted (`releasing').

   Freed blocks go to a quarantine before their memory is reused, so a
   late access still finds the block, its size and both stacks:

      - blocks of the C heap: our own FIFO, then VG_(cli_free);
      - blocks the C heap does not hold (pymalloc's, or under
        PYTHONMALLOC=debug the debug layer's): a FIFO per domain; the
        hook keeps the block, and frees it for real only when the tool
        hands it back, evicted (PR_(ev_evict)).

   Memory pyref does not know reads as accessible; pymalloc arenas are
   the exception: all their space is "no block owns this" until a
   block is handed out, so an access beyond a block lands in its
   redzone or in unowned pool space.  pymalloc itself reads and writes
   pool headers and the first word of free blocks (its free lists) on
   every allocation; to keep it on the fast path those stay accessible
   (a pool header follows the previous pool's last block, which has
   its own redzone; the link word is the first 16 bytes of a block that
   has left the quarantine).  Its rarer touches of unowned space
   (carving a never-used block) happen inside our hooks, which mark
   themselves (the client word `pyref_alloc_sp'), and are never
   reported. */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_execontext.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_poolalloc.h"
#include "pub_tool_replacemalloc.h"
#include "pub_tool_stacktrace.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vki.h"

#include "pr_include.h"
#include "pr_request.h"

/* --freelist-vol: what the freed blocks kept unavailable for reuse may
   cost, in bytes: their memory and our record of each (queue_Cost). */
SizeT PR_(clo_freelist_vol) = 20 * 1000 * 1000;

/* --keep-stacktraces=alloc-and-free|alloc|free|none, as Memcheck's:
   recording a stack trace at every allocation and free is most of
   pyref's cost, and users who do not need one of them can drop it. */
Bool PR_(clo_keep_alloc_stacks) = True;
Bool PR_(clo_keep_free_stacks)  = True;

static inline ExeContext* alloc_Stack ( ThreadId tid )
{
   return PR_(clo_keep_alloc_stacks) ? PR_(stack_here)(tid, False) : NULL;
}

static inline ExeContext* free_Stack ( ThreadId tid )
{
   return PR_(clo_keep_free_stacks) ? PR_(stack_here)(tid, False) : NULL;
}

/* A stack trace taken in a hook event, without our hook's frames. */
static ExeContext* hook_Stack ( ThreadId tid, Bool keep )
{
   return keep ? PR_(stack_here)(tid, True) : NULL;
}

/* Counters for --stats=yes. */
static ULong n_libc_allocs = 0, n_hook_allocs = 0, n_hook_frees = 0;
static ULong n_isolated_frees = 0;
static ULong n_slow = 0, n_slow_partial = 0, n_slow_allocator = 0;
static ULong n_slow_errors = 0, n_slow_objects = 0;

/*------------------------------------------------------------*/
/*--- Block records                                       ---*/
/*------------------------------------------------------------*/

/* PR_Block is in pr_include.h: pr_objects.c follows objects' lives
   in the same records. */

static UInt next_serial = 1;

/* A new serial: 0 is never one (it means no block). */
static inline UInt take_Serial ( void )
{
   UInt s = next_serial++;
   if (next_serial == 0)
      next_serial = 1;
   return s;
}

/* The core's redzone on each side of a C-heap block. */
static SizeT libc_rz = 16;

static PR_Block* new_Block ( Addr p, SizeT n, PR_Family fam, Bool libc,
                             ExeContext* ec )
{
   PR_Block* b = PR_(record_new)();
   tl_assert(n <= PR_MAX_BLOCK_SIZE);
   tl_assert(VG_IS_16_ALIGNED(p) && p != 0 && p <= PR_MAX_BLOCK_ADDR);
   b->start_gran = p >> 4; b->size = n; b->family = fam;
   b->state = PR_BlockLive;
   b->libc = libc; b->releasing = False; b->queued = False;
   b->orphan = False;
   b->alloc_ecu = PR_(ecu_of)(ec); b->free_ecu = 0;
   b->obj_state = PR_ObjNone; b->obj_off = PR_NO_OBJ;
   b->died_ecu = 0; b->obj_type = 0;
   b->serial = take_Serial();
   PR_(blockmap_add)(b);
   return b;
}

void PR_(heap_new_serial) ( PR_Block* b )
{
   b->serial = take_Serial();
}

PR_Block* PR_(block_at) ( Addr a )
{
   return PR_(blockmap_lookup)(a);
}

ExeContext* PR_(free_stack) ( ThreadId tid )
{
   return free_Stack(tid);
}

ExeContext* PR_(alloc_stack) ( ThreadId tid )
{
   return alloc_Stack(tid);
}

static void delete_Block ( PR_Block* b )
{
   if (b->obj_state != PR_ObjNone)
      PR_(objects_forget)(b);
   if (!b->orphan) {
      PR_Block* r = PR_(blockmap_remove)(PR_block_start(b));
      tl_assert(r == b);
   }
   PR_(record_free)(b);
}

/* May a block of family `allocated' be freed by `freed_with'?  Its own
   family, of course; and malloc and PyMem_RawMalloc are one: RAW is
   malloc by contract, and CPython itself frees RAW blocks with free()
   (and malloc'd ones with PyMem_RawFree) whenever it swaps its
   allocators during start-up and finalisation. */
static Bool families_Compatible ( PR_Family allocated, PR_Family freed_with )
{
   if (allocated == freed_with)
      return True;
   return (allocated == PR_FamMalloc || allocated == PR_FamRaw)
          && (freed_with == PR_FamMalloc || freed_with == PR_FamRaw);
}

static inline Addr round16 ( Addr a )
{
   return VG_ROUNDUP(a, PR_GRANULE);
}

/*------------------------------------------------------------*/
/*--- Quarantines                                         ---*/
/*------------------------------------------------------------*/

/* One FIFO for the C heap (released by us), one per CPython domain
   for blocks the C heap does not hold (released by the hook).  Each is
   a ring of record numbers, which also lets an eviction see the next
   two records to evict and prefetch them. */
typedef
   struct {
      UInt* ring;    /* cap entries, a power of two                */
      UInt  cap;
      UInt  head;    /* the oldest entry                           */
      UInt  len;
   }
   PR_Queue;

enum { Q_Libc, Q_Raw, Q_Mem, Q_Obj, Q_N };

static PR_Queue queues[Q_N];
static SizeT    queued_bytes = 0;   /* queue_Cost over all queues      */

/* What keeping b in a quarantine costs: its memory, with the redzones
   around it (ours for CPython's domains, the core's for the C heap),
   and our record of it with its share of the block map.  --freelist-vol
   bounds the sum.  Counting the client's bytes alone, as Memcheck does,
   suits a C program's few big buffers, not a Python program whose
   frees are mostly objects of a few dozen bytes: there the records cost
   more than the blocks, and a 20 MB quarantine of 55-byte objects took
   60 MB. */
static SizeT queue_Cost ( const PR_Block* b )
{
   SizeT mem = b->libc ? round16(b->size) + 2 * libc_rz
                       : PR_HOOK_REQUEST(b->size);
   return mem + sizeof(PR_Block) + PR_blockmap_bytes_for(mem);
}

static Int queue_for_Family ( PR_Family fam )
{
   switch (fam) {
      case PR_FamRaw: return Q_Raw;
      case PR_FamMem: return Q_Mem;
      case PR_FamObj: return Q_Obj;
      default:        tl_assert(0); return Q_Libc;
   }
}

static void grow_Queue ( PR_Queue* qu )
{
   UInt  cap  = qu->cap ? 2 * qu->cap : 1024;
   UInt* ring = VG_(malloc)("pr.heap.quarantine", cap * sizeof *ring);
   UInt  i;
   tl_assert(cap > qu->cap);
   for (i = 0; i < qu->len; i++)
      ring[i] = qu->ring[(qu->head + i) & (qu->cap - 1)];
   if (qu->ring)
      VG_(free)(qu->ring);
   qu->ring = ring;
   qu->cap  = cap;
   qu->head = 0;
}

static inline Bool queue_Empty ( Int q )
{
   return queues[q].len == 0;
}

static void enqueue ( Int q, PR_Block* b )
{
   PR_Queue* qu = &queues[q];
   if (qu->len == qu->cap)
      grow_Queue(qu);
   qu->ring[(qu->head + qu->len) & (qu->cap - 1)] = PR_(record_index)(b);
   qu->len++;
   b->queued = True;
   queued_bytes += queue_Cost(b);
   VG_(free_queue_volume) += b->size;
   VG_(free_queue_length)++;
}

static PR_Block* dequeue ( Int q )
{
   PR_Queue* qu = &queues[q];
   PR_Block* b;
   if (qu->len == 0)
      return NULL;
   b = PR_(record_at)(qu->ring[qu->head]);
   qu->head = (qu->head + 1) & (qu->cap - 1);
   qu->len--;
   if (qu->len > 0) {
      /* The records at the head of a long quarantine were last touched
         when they were freed, long ago.  Evictions come one per free:
         start loading the next one's entry in the block map (its
         record was prefetched by the dequeue before this one), and the
         record after it, now. */
      PR_(blockmap_prefetch)(
         PR_block_start(PR_(record_at)(qu->ring[qu->head])));
      if (qu->len > 1)
         __builtin_prefetch(PR_(record_at)(
                               qu->ring[(qu->head + 1) & (qu->cap - 1)]));
   }
   b->queued = False;
   queued_bytes -= queue_Cost(b);
   VG_(free_queue_volume) -= b->size;
   VG_(free_queue_length)--;
   return b;
}

/*------------------------------------------------------------*/
/*--- pymalloc arenas                                     ---*/
/*------------------------------------------------------------*/

/* Arenas as the arena hook saw them, sorted by address.  Every eviction
   from the quarantine asks whether its block lies in one, and a big
   heap has thousands (one per MiB of small objects in 3.10+, per 256
   KiB before): a binary search, after a look at the arena of the last
   answer, since consecutive evictions mostly come from one arena. */
typedef struct { Addr base; SizeT size; } PR_Arena;

static PR_Arena* arenas = NULL;
static UInt      n_arenas = 0, max_arenas = 0;
static UInt      last_arena = 0;     /* index of the last one found    */
static UInt      most_arenas = 0, n_arenas_released = 0;  /* --stats  */

/* The index of the first arena whose base is above a (0..n_arenas). */
static UInt arena_Upper ( Addr a )
{
   UInt lo = 0, hi = n_arenas;
   while (lo < hi) {
      UInt mid = lo + (hi - lo) / 2;
      if (arenas[mid].base <= a)
         lo = mid + 1;
      else
         hi = mid;
   }
   return lo;
}

static const PR_Arena* find_Arena ( Addr a )
{
   UInt i;
   if (last_arena < n_arenas
       && a - arenas[last_arena].base < arenas[last_arena].size)
      return &arenas[last_arena];
   i = arena_Upper(a);
   if (i == 0 || a - arenas[i - 1].base >= arenas[i - 1].size)
      return NULL;
   last_arena = i - 1;
   return &arenas[i - 1];
}

void PR_(ev_arena) ( Addr a, SizeT len, Bool alive )
{
   UInt i;
   if (alive) {
      if (n_arenas == max_arenas) {
         max_arenas = max_arenas ? 2 * max_arenas : 16;
         arenas = VG_(realloc)("pr.heap.arenas", arenas,
                               max_arenas * sizeof *arenas);
      }
      i = arena_Upper(a);
      VG_(memmove)(&arenas[i + 1], &arenas[i],
                   (n_arenas - i) * sizeof *arenas);
      arenas[i].base = a;
      arenas[i].size = len;
      n_arenas++;
      if (n_arenas > most_arenas)
         most_arenas = n_arenas;
      PR_(shadow_set)(a, VG_ROUNDDN(len, PR_GRANULE), PR_SH_POOL_FREE);
      /* Pool headers (48 bytes at each pool-aligned address) stay
         accessible: pymalloc reads them on every call. */
      {
         SizeT pool_size = PR_(python_pool_size)();
         Addr  pool;
         if (pool_size > 0)
            for (pool = VG_ROUNDUP(a, pool_size); pool + pool_size <= a + len;
                 pool += pool_size)
               PR_(shadow_set)(pool, VG_ROUNDUP(PR_POOL_OVERHEAD, PR_GRANULE),
                               PR_SH_ACCESSIBLE);
      }
      return;
   }
   i = arena_Upper(a);
   if (i > 0 && arenas[i - 1].base == a) {
      VG_(memmove)(&arenas[i - 1], &arenas[i],
                   (n_arenas - i) * sizeof *arenas);
      n_arenas--;
      n_arenas_released++;
   }
   /* The memory is unmapped: nothing can be checked there any more. */
   PR_(shadow_set)(a, VG_ROUNDDN(len, PR_GRANULE), PR_SH_ACCESSIBLE);
}

/* A freed block that is not the C heap's leaves the quarantine and
   the hook frees it for real: the layer below gets back all the hook
   had asked for, the block AND its redzone granule (PR_HOOK_REQUEST),
   so both are unmarked.  In a pymalloc arena that is unowned pool
   space but for the first granule, where pymalloc keeps its free-list
   link; elsewhere (the debug hooks' data inside a malloc block, under
   PYTHONMALLOC=debug, pymalloc_debug or malloc_debug) we know nothing
   of it any more.

   The redzone must not stay marked: the debug hooks' free, which runs
   next, checks its guard bytes (just after what the hook asked for) and
   fills its whole block, our redzone included, with 0xDD.  For MEM and
   OBJ blocks that free runs inside our hook, where nothing is reported,
   but a RAW block is freed outside any (a lock object's dealloc, the
   end of a thread): once the quarantine had filled, each such free of a
   correct program was a HeapOverflow. */
static void mark_Released ( Addr p, SizeT size )
{
   SizeT len = PR_HOOK_REQUEST(size);
   if (find_Arena(p)) {
      PR_(shadow_set)(p, PR_GRANULE, PR_SH_ACCESSIBLE);
      if (len > PR_GRANULE)
         PR_(shadow_set)(p + PR_GRANULE, len - PR_GRANULE, PR_SH_POOL_FREE);
   } else {
      PR_(shadow_set)(p, len, PR_SH_ACCESSIBLE);
   }
}

/*------------------------------------------------------------*/
/*--- Marking blocks                                      ---*/
/*------------------------------------------------------------*/

/* A live block: [p, p+n) accessible, then a redzone up to the end of
   the granule after it (the hook asked for PR_HOOK_REQUEST(n) bytes). */
static void mark_Live ( Addr p, SizeT n )
{
   PR_(shadow_set_accessible)(p, n);
   PR_(shadow_set)(round16(p + n), PR_GRANULE, PR_SH_REDZONE);
}

/* A heap type dies with its block (after its GC header): pr_python.c
   must not answer for it from its cache once the address is reused. */
static void forget_Types_In ( Addr p )
{
   PR_(python_forget_type)(p);
   PR_(python_forget_type)(p + 16);
   PR_(python_forget_type)(p + 32);
}

static void mark_Freed ( const PR_Block* b )
{
   Addr p = PR_block_start(b);
   PR_(shadow_set)(p, round16(b->size ? b->size : 1), PR_SH_FREED);
   forget_Types_In(p);
}

/*------------------------------------------------------------*/
/*--- The C heap (malloc replacement)                     ---*/
/*------------------------------------------------------------*/

static void release_Libc_Queue ( void )
{
   while (queued_bytes > PR_(clo_freelist_vol) && !queue_Empty(Q_Libc)) {
      PR_Block* b = dequeue(Q_Libc);
      tl_assert(!b->orphan);   /* the C heap cannot reuse queued memory */
      PR_(shadow_set)(PR_block_start(b), round16(b->size ? b->size : 1),
                      PR_SH_UNALLOCATED);
      VG_(cli_free)((void*)PR_block_start(b));
      delete_Block(b);
   }
}

static void* alloc_Libc ( ThreadId tid, SizeT n, SizeT align,
                          PR_Family fam, Bool zero )
{
   Addr p;
   if ((SSizeT)n < 0 || n > PR_MAX_BLOCK_SIZE)
      return NULL;   /* absurd size: a bug in the caller, not ours */
   PR_SETTLE(tid, 0, False);
   p = (Addr)VG_(cli_malloc)(align, n);
   if (p == 0)
      return NULL;
   if (zero)
      VG_(memset)((void*)p, 0, n);
   n_libc_allocs++;
   new_Block(p, n, fam, /*libc*/True, alloc_Stack(tid));
   PR_(shadow_set)(p - libc_rz, libc_rz, PR_SH_REDZONE);
   PR_(shadow_set_accessible)(p, n);
   PR_(shadow_set)(round16(p + n), libc_rz, PR_SH_REDZONE);
   return (void*)p;
}

static void free_Libc ( ThreadId tid, void* vp, PR_Family freed_with )
{
   Addr         p = (Addr)vp;
   PR_Block*    b;
   PR_BlockDesc d;

   if (p == 0)
      return;
   PR_SETTLE(tid, 0, False);
   b = PR_(blockmap_lookup)(p);

   if (b && b->releasing) {
      /* The inner free of a block the client freed through CPython's
         API: accepted there, quarantined here. */
      b->releasing = False;
      enqueue(Q_Libc, b);
      release_Libc_Queue();
      return;
   }
   if (b == NULL || b->state == PR_BlockFreed
       || !families_Compatible(b->family, freed_with)) {
      PR_(describe_addr)(p, &d);
      PR_(record_free_error)(tid,
                             b == NULL ? Err_InvalidFree
                             : b->state == PR_BlockFreed ? Err_DoubleFree
                             : Err_MismatchedFree,
                             p, freed_with, &d);
      /* The block is not freed: freeing it with the wrong function
         could corrupt the heap, and leaking it is harmless. */
      if (b && b->state == PR_BlockLive) {
         b->state = PR_BlockFreed;
         b->free_ecu = PR_(ecu_of)(free_Stack(tid));
         mark_Freed(b);
      }
      return;
   }
   b->state   = PR_BlockFreed;
   b->free_ecu = PR_(ecu_of)(free_Stack(tid));
   mark_Freed(b);
   enqueue(Q_Libc, b);
   release_Libc_Queue();
}

static void* pr_malloc ( ThreadId tid, SizeT n )
{
   return alloc_Libc(tid, n, VG_(clo_alignment), PR_FamMalloc, False);
}
static void* pr_builtin_new ( ThreadId tid, SizeT n )
{
   return alloc_Libc(tid, n, VG_(clo_alignment), PR_FamNew, False);
}
static void* pr_builtin_new_aligned ( ThreadId tid, SizeT n, SizeT align )
{
   return alloc_Libc(tid, n, align, PR_FamNew, False);
}
static void* pr_builtin_vec_new ( ThreadId tid, SizeT n )
{
   return alloc_Libc(tid, n, VG_(clo_alignment), PR_FamNewArray, False);
}
static void* pr_builtin_vec_new_aligned ( ThreadId tid, SizeT n, SizeT align )
{
   return alloc_Libc(tid, n, align, PR_FamNewArray, False);
}
static void* pr_memalign ( ThreadId tid, SizeT align, SizeT n )
{
   return alloc_Libc(tid, n, align, PR_FamMalloc, False);
}
static void* pr_calloc ( ThreadId tid, SizeT nmemb, SizeT size1 )
{
   ULong n = (ULong)nmemb * size1;
   if (size1 != 0 && n / size1 != nmemb)
      return NULL;   /* the multiplication overflowed */
   return alloc_Libc(tid, n, VG_(clo_alignment), PR_FamMalloc, True);
}
static void pr_free ( ThreadId tid, void* p )
{
   free_Libc(tid, p, PR_FamMalloc);
}
static void pr_builtin_delete ( ThreadId tid, void* p )
{
   free_Libc(tid, p, PR_FamNew);
}
static void pr_builtin_delete_aligned ( ThreadId tid, void* p, SizeT align )
{
   free_Libc(tid, p, PR_FamNew);
}
static void pr_builtin_vec_delete ( ThreadId tid, void* p )
{
   free_Libc(tid, p, PR_FamNewArray);
}
static void pr_builtin_vec_delete_aligned ( ThreadId tid, void* p,
                                            SizeT align )
{
   free_Libc(tid, p, PR_FamNewArray);
}

/* Always move, as Memcheck does: a block realloc shrinks or grows in
   place would hide accesses through the old pointer. */
static void* pr_realloc ( ThreadId tid, void* vp, SizeT n )
{
   Addr      p = (Addr)vp;
   PR_Block* b;
   void*     q;

   if (p == 0)
      return pr_malloc(tid, n);
   b = PR_(blockmap_lookup)(p);
   if (b == NULL || b->state != PR_BlockLive
       || !families_Compatible(b->family, PR_FamMalloc)) {
      free_Libc(tid, vp, PR_FamMalloc);   /* reports the bad pointer */
      return NULL;
   }
   q = alloc_Libc(tid, n, VG_(clo_alignment), PR_FamMalloc, False);
   if (q == NULL)
      return NULL;
   VG_(memcpy)(q, vp, b->size < n ? b->size : n);
   free_Libc(tid, vp, PR_FamMalloc);
   return q;
}

static SizeT pr_malloc_usable_size ( ThreadId tid, void* p )
{
   PR_Block* b = PR_(blockmap_lookup)((Addr)p);
   return b && b->state == PR_BlockLive ? b->size : 0;
}

/*------------------------------------------------------------*/
/*--- CPython's domains (events from the preload's hooks) ---*/
/*------------------------------------------------------------*/

UWord PR_(ev_alloc) ( ThreadId tid, PR_Family fam, Addr p, SizeT n )
{
   PR_Block* b;

   PR_SETTLE(tid, 0, False);
   if (PR_(n_dying) > 0)
      PR_(objects_sweep)(tid);
   if (UNLIKELY(n > PR_MAX_BLOCK_SIZE))
      return PR_ALLOC_OK;   /* beyond any address space we run in */
   b = PR_(blockmap_lookup)(p);
   n_hook_allocs++;
   if (b && b->state == PR_BlockLive && b->libc
       && (b->family == PR_FamMalloc || b->family == PR_FamRaw)
       && b->size >= n) {
      /* The layer below (malloc, or PyMem_RawMalloc under pymalloc)
         has just made this block for the hook: take it over. */
      b->family = fam;
      PR_(shadow_set)(round16(p + n), round16(p + b->size) - round16(p + n),
                      PR_SH_REDZONE);
      b->size = n;
      PR_(shadow_set_accessible)(p, n);
      return PR_(objects_want_flush)() ? PR_ALLOC_FLUSH : PR_ALLOC_OK;
   }
   if (b) {
      /* The allocator handed out again a block we think is live or
         freed: it was freed behind our back (while CPython had our
         hooks swapped out, as PYTHONMALLOC makes it do before we
         re-install them).  Forget the old record; a queued one stays
         in its FIFO as an orphan until it is dequeued. */
      if (b->queued) {
         PR_(blockmap_remove)(p);
         b->orphan = True;
      } else {
         delete_Block(b);
      }
   }
   new_Block(p, n, fam, /*libc*/False,
             hook_Stack(tid, PR_(clo_keep_alloc_stacks)));
   mark_Live(p, n);
   return PR_(objects_want_flush)() ? PR_ALLOC_FLUSH : PR_ALLOC_OK;
}

UWord PR_(ev_free) ( ThreadId tid, PR_Family fam, Addr p, Bool in_isolated_interp )
{
   PR_Block*    b;
   PR_BlockDesc d;
   Int          q;

   PR_SETTLE(tid, 0, False);
   if (PR_(n_dying) > 0)
      PR_(objects_sweep)(tid);
   b = PR_(blockmap_lookup)(p);
   n_hook_frees++;
   if (b == NULL) {
      /* Not a block start we know.  Inside a block our hooks made, it
         is the client's bug.  Anywhere else the block may predate the
         hooks (allocated while CPython had them swapped out), or be a
         malloc block with a layer of CPython's own in front (the debug
         hooks' header, under PYTHONMALLOC=debug), so let the real
         allocator judge. */
      PR_(describe_addr)(p, &d);
      if (d.known && (d.family == PR_FamRaw || d.family == PR_FamMem
                      || d.family == PR_FamObj)) {
         PR_(record_free_error)(tid, Err_InvalidFree, p, fam, &d);
         return PR_FREE_KEEP;
      }
      return PR_FREE_PASS;
   }
   if (b->releasing)
      return PR_FREE_PASS;   /* the inner free of an accepted free */

   if (b->state == PR_BlockFreed || !families_Compatible(b->family, fam)) {
      PR_(describe_addr)(p, &d);
      PR_(record_free_error)(tid, b->state == PR_BlockFreed
                                  ? Err_DoubleFree : Err_MismatchedFree,
                             p, fam, &d);
      if (b->state == PR_BlockLive) {
         b->state   = PR_BlockFreed;
         b->free_ecu = PR_(ecu_of)(hook_Stack(tid,
                                              PR_(clo_keep_free_stacks)));
         mark_Freed(b);
      }
      return PR_FREE_KEEP;   /* never handed to any free: leaked */
   }

   b->state   = PR_BlockFreed;
   if (in_isolated_interp && !b->libc) {
      /* Freed while a subinterpreter with a pymalloc state of its own
         runs (3.12+; a legacy one shares the main interpreter's, and
         its frees are quarantined as the main one's): a block
         quarantined now could only go back to that state, and
         evictions happen in whichever interpreter frees next, whose
         pymalloc would take another's block for a foreign one and pass
         it to free() (an InvalidFree of ours, or heap corruption).  So
         it goes back at once; its space reads as unowned pool space
         until pymalloc hands it out again. */
      n_isolated_frees++;
      forget_Types_In(p);   /* as mark_Freed, which this path skips */
      mark_Released(p, b->size);
      delete_Block(b);
      return PR_FREE_PASS;
   }
   /* An object freed by its own dealloc: where it died (the
      Py_DECREF) is the stack the reader needs, and it is already
      recorded; the free's own stack would cost as much again. */
   b->free_ecu = b->obj_state == PR_ObjDying && b->died_ecu != 0
                 ? 0 : PR_(ecu_of)(hook_Stack(tid,
                                              PR_(clo_keep_free_stacks)));
   mark_Freed(b);
   if (b->libc) {
      /* The C heap below will see the block freed and quarantine it. */
      b->releasing = True;
      return PR_FREE_PASS;
   }
   q = queue_for_Family(fam);
   enqueue(q, b);
   return PR_FREE_KEEP | PR_(ev_evict)(tid, fam);
}

UWord PR_(ev_evict) ( ThreadId tid, PR_Family fam )
{
   Int       q = queue_for_Family(fam);
   PR_Block* b;
   Addr      p;

   while (True) {
      if (queued_bytes <= PR_(clo_freelist_vol) || queue_Empty(q))
         return 0;
      b = dequeue(q);
      if (!b->orphan)
         break;
      delete_Block(b);   /* its memory is someone else's block now */
   }
   p = PR_block_start(b);
   mark_Released(p, b->size);
   delete_Block(b);
   tl_assert((p & PR_FREE_ACTION_MASK) == 0);
   /* Tell the hook whether to ask again: most frees evict one block,
      and this answer then ends the hook's loop. */
   if (queued_bytes > PR_(clo_freelist_vol) && !queue_Empty(q))
      p |= PR_FREE_MORE;
   return p;
}

UWord PR_(ev_realloc_size) ( ThreadId tid, PR_Family fam, Addr p )
{
   PR_Block* b = PR_(blockmap_lookup)(p);
   if (b == NULL)
      return PR_REALLOC_UNKNOWN;
   if (b->state != PR_BlockLive || !families_Compatible(b->family, fam)) {
      (void)PR_(ev_free)(tid, fam, p, False);   /* reports the error */
      return PR_REALLOC_BAD;
   }
   return b->size;
}

/*------------------------------------------------------------*/
/*--- Describing an address                               ---*/
/*------------------------------------------------------------*/

static Bool is_Interior ( UChar s )
{
   return PR_(shadow_ok_bytes)(s) > 0 || s == PR_SH_FREED || s == PR_SH_DEAD;
}

/* The block whose interior holds a: walk back over interior granules
   to the first one, which is where a block starts. */
static PR_Block* block_Containing ( Addr a )
{
   Addr g = VG_ROUNDDN(a, PR_GRANULE);
   Int  steps = 0;
   while (True) {
      PR_Block* b = PR_(blockmap_lookup)(g);
      if (b && a - PR_block_start(b) < round16(b->size ? b->size : 1))
         return b;
      if (!is_Interior(PR_(shadow_get)(g - PR_GRANULE))
          || ++steps > (1 << 20))
         return NULL;
      g -= PR_GRANULE;
   }
}

PR_Block* PR_(block_holding) ( Addr a )
{
   return is_Interior(PR_(shadow_get)(a)) ? block_Containing(a) : NULL;
}

/* For an address in a redzone: the nearest block before or after. */
static PR_Block* block_Near ( Addr a )
{
   Addr lo = VG_ROUNDDN(a, PR_GRANULE), hi = lo;
   Int  i;
   for (i = 0; i < 64; i++) {
      UChar s;
      lo -= PR_GRANULE;
      s = PR_(shadow_get)(lo);
      if (is_Interior(s))
         return block_Containing(lo);
      if (s != PR_SH_REDZONE)
         break;
   }
   for (i = 0; i < 64; i++) {
      UChar s;
      hi += PR_GRANULE;
      s = PR_(shadow_get)(hi);
      if (is_Interior(s))
         return PR_(blockmap_lookup)(hi);
      if (s != PR_SH_REDZONE)
         break;
   }
   return NULL;
}

/* Where a pymalloc block sits: the pool header holds the arena index
   and size class (same 48-byte layout in 3.8 to 3.13). */
static void describe_Pool ( Addr start, PR_BlockDesc* d )
{
   SizeT pool_size = PR_(python_pool_size)();
   Addr  pool;
   UInt  szidx;

   if (pool_size == 0 || !find_Arena(start))
      return;
   pool = VG_ROUNDDN(start, pool_size);
   if (!VG_(am_is_valid_for_client)(pool, 48, VKI_PROT_READ))
      return;
   szidx = *(UInt*)(pool + 36);
   if (szidx >= 64)
      return;   /* a pool not yet initialised */
   d->in_pool     = True;
   d->pool        = pool;
   d->arena_index = *(UInt*)(pool + 32);
   d->size_class  = (szidx + 1) * 16;
   d->block_index = (UInt)((start - (pool + 48)) / d->size_class);
}

void PR_(describe_addr) ( Addr a, /*OUT*/PR_BlockDesc* d )
{
   UChar     s = PR_(shadow_get)(a);
   PR_Block* b;

   VG_(memset)(d, 0, sizeof *d);
   b = s == PR_SH_REDZONE ? block_Near(a)
       : is_Interior(s) ? block_Containing(a) : NULL;
   if (b == NULL && s == PR_SH_REDZONE)
      b = block_Containing(a);

   if (b == NULL) {
      d->known = False;
      d->note  = s == PR_SH_POOL_FREE
                    ? "in pymalloc arena space that no live block owns"
               : s == PR_SH_UNALLOCATED
                    ? "in heap memory that no live block owns (freed, "
                      "and no longer in the quarantine)"
               : "not inside any heap block pyref knows";
      if (s == PR_SH_POOL_FREE)
         describe_Pool(a, d);
      return;
   }
   d->known    = True;
   d->start    = PR_block_start(b);
   d->size     = b->size;
   d->family   = b->family;
   d->state    = b->state;
   d->alloc_ec = PR_(ec_of)(b->alloc_ecu);
   d->free_ec  = PR_(ec_of)(b->free_ecu);
   d->died_ec  = PR_(ec_of)(b->died_ecu);
   d->obj_state = b->obj_state;
   d->obj_off  = b->obj_off == PR_NO_OBJ ? PR_NO_OBJ : b->obj_off;
   d->serial   = b->serial;
   if (b->obj_type != 0)
      PR_(python_type_name)(PR_(type_of_id)(b->obj_type), d->pytype,
                            sizeof d->pytype);
   if (d->pytype[0] == 0)
      PR_(python_type_in_block)(PR_block_start(b), b->size, d->pytype,
                                sizeof d->pytype);
   describe_Pool(PR_block_start(b), d);
}

/*------------------------------------------------------------*/
/*--- The slow path of the access check                   ---*/
/*------------------------------------------------------------*/

/* Is this thread inside one of our MEM/OBJ hooks, where pymalloc
   legitimately touches pool headers and free blocks?  The hook stores
   its frame address in the client word pyref_alloc_sp; that frame is
   ours if it lies on this thread's stack, above the stack pointer. */
static Addr alloc_sp_word = 0;

void PR_(set_alloc_sp_word) ( Addr a )
{
   if (VG_(am_is_valid_for_client)(a, sizeof(Addr), VKI_PROT_READ))
      alloc_sp_word = a;
}

static Bool in_Allocator ( ThreadId tid )
{
   Addr fp;
   /* The word is in the preload's data, checked when registered. */
   if (alloc_sp_word == 0)
      return False;
   fp = *(Addr*)alloc_sp_word;
   return fp != 0 && fp >= VG_(get_SP)(tid) && fp <= PR_(stack_max)(tid);
}

/* A vector load of a string scanner in ld.so with no symbol
   (PR_ACCESS_SCAN) that reads nothing live: harmless when it is
   aligned to its size (it cannot cross into another page) and live
   bytes lie within the three vectors before it, where the string
   ended: these scanners test four vectors at a time, and those after
   the one holding the terminating NUL read past it.  A scanner started
   on a freed or unterminated string has no live bytes behind such a
   load, or reads unaligned, and is reported. */
static Bool scanner_Overread ( Addr a, SizeT szB, UWord szB_rw )
{
   Addr p;
   if (!(szB_rw & PR_ACCESS_SCAN) || (a & (szB - 1)) != 0
       || (szB & (szB - 1)) != 0 || a < 3 * szB)
      return False;
   for (p = a - 3 * szB; p < a; p += PR_GRANULE)
      if (PR_(shadow_byte_ok)(p))
         return True;
   return False;
}

/* Called by the instrumented code when a shadow byte of the access is
   not zero.  Most calls are false alarms: a partial last granule, a
   wide load that reads past a string's end (strlen), pymalloc inside
   our hook.  Only a real bad access becomes an error. */
VG_REGPARM(3) void PR_(check_access_slow) ( Addr a, UWord szB_rw,
                                            UWord value )
{
   SizeT        szB     = szB_rw & PR_ACCESS_SIZE_MASK;
   Bool         isWrite = (szB_rw & PR_ACCESS_WRITE) != 0;
   SizeT        i, n_ok = 0;
   Addr         bad = 0;
   ThreadId     tid;
   PR_BlockDesc d;

   n_slow++;
   /* pymalloc inside our hook, reading and writing its free lists in
      free blocks and the unused space of its pools: most slow-path
      calls on a busy heap; and in 3.8 and 3.9, address_in_range
      reading a "pool header" wherever a large block's address points,
      a freed block or a dead object too.  Nothing it does there is
      reported, so decide it first.  (A held refcount read and the
      dying objects wait for the hook's event, which settles and
      sweeps them.) */
   tid = VG_(get_running_tid)();
   if (in_Allocator(tid)) {
      n_slow_allocator++;
      return;
   }
   for (i = 0; i < szB; i++) {
      if (PR_(shadow_byte_ok)(a + i))
         n_ok++;
      else if (bad == 0)
         bad = a + i;
   }
   if (n_ok == szB)
      return;
   /* A write of an ob_refcnt whose lone read is held: a Py_INCREF. */
   if ((szB_rw & PR_ACCESS_WRITE) && PR_(held_read_pending)
       && PR_(held_read_of)(tid, a))
      szB_rw |= PR_ACCESS_INCREF;
   PR_SETTLE(tid, a,
             (szB_rw & (PR_ACCESS_WRITE | PR_ACCESS_DECREF)) != 0);

   /* Python objects: a dead one on a free list, or a decrement of a
      freed one's refcount.  A dealloc in progress may have ended. */
   if (PR_(n_dying) > 0)
      PR_(objects_sweep)(tid);
   {
      UChar s = PR_(shadow_get)(bad);
      if (s == PR_SH_DEAD || s == PR_SH_FREED) {
         PR_Block* b = PR_(block_holding)(bad);
         if (b && s == PR_SH_DEAD) {
            n_slow_objects++;
            PR_(dead_object_access)(tid, b, a, szB, szB_rw, value);
            return;
         }
         if (b && PR_(freed_object_decref)(tid, b, a, szB, szB_rw)) {
            n_slow_objects++;
            return;
         }
      }
   }
   /* A naturally aligned load, or a vector load (16 bytes or more),
      that reads at least one good byte: word-at-a-time string code
      reading past the end of a block, as Memcheck's
      --partial-loads-ok=yes allows. */
   if (!isWrite && n_ok > 0 && ((a & (szB - 1)) == 0 || szB >= 16)) {
      n_slow_partial++;
      return;
   }
   if (!isWrite && scanner_Overread(a, szB, szB_rw)) {
      n_slow_partial++;
      return;
   }

   n_slow_errors++;

   if (!isWrite)
      PR_(note_error_ip)(VG_(get_IP)(tid));
   PR_(describe_addr)(bad, &d);
   PR_(record_access_error)(tid, bad, szB, isWrite, &d);
}

VG_REGPARM(2) void PR_(check_access_slow2) ( Addr a, UWord szB_rw )
{
   PR_(check_access_slow)(a, szB_rw, 0);
}

/* Most checks are of a plain load or store of a power-of-two size: one
   entry point per kind, so the instrumented code passes the address
   alone (VEX sets up a guarded call's arguments before testing its
   guard, so each argument costs every check, bad or not). */
#define PR_PLAIN_SLOW(name, szB_rw)                                    \
   static VG_REGPARM(1) void name ( Addr a )                           \
   {                                                                   \
      PR_(check_access_slow)(a, (szB_rw), 0);                          \
   }
PR_PLAIN_SLOW(slow_Load1,   1)
PR_PLAIN_SLOW(slow_Load2,   2)
PR_PLAIN_SLOW(slow_Load4,   4)
PR_PLAIN_SLOW(slow_Load8,   8)
PR_PLAIN_SLOW(slow_Load16,  16)
PR_PLAIN_SLOW(slow_Load32,  32)
PR_PLAIN_SLOW(slow_Store1,  1  | PR_ACCESS_WRITE)
PR_PLAIN_SLOW(slow_Store2,  2  | PR_ACCESS_WRITE)
PR_PLAIN_SLOW(slow_Store4,  4  | PR_ACCESS_WRITE)
PR_PLAIN_SLOW(slow_Store8,  8  | PR_ACCESS_WRITE)
PR_PLAIN_SLOW(slow_Store16, 16 | PR_ACCESS_WRITE)
PR_PLAIN_SLOW(slow_Store32, 32 | PR_ACCESS_WRITE)
#undef PR_PLAIN_SLOW

const PR_PlainSlowFn PR_(plain_access_slow)[2][6] = {
   { slow_Load1,  slow_Load2,  slow_Load4,  slow_Load8,  slow_Load16,
     slow_Load32 },
   { slow_Store1, slow_Store2, slow_Store4, slow_Store8, slow_Store16,
     slow_Store32 }
};

/*------------------------------------------------------------*/
/*--- The address space                                   ---*/
/*------------------------------------------------------------*/

/* Memory the client maps or unmaps starts afresh: the core's heap
   arena gives superblocks back to the kernel, and ld.so or the
   program may map something else there, over our old marks. */
static void forget_Range ( Addr a, SizeT len )
{
   Addr lo = VG_ROUNDDN(a, PR_GRANULE);
   Addr hi = VG_ROUNDUP(a + len, PR_GRANULE);
   PR_(shadow_set)(lo, hi - lo, PR_SH_ACCESSIBLE);
}

static void new_mem_mmap ( Addr a, SizeT len, Bool rr, Bool ww, Bool xx,
                           ULong di_handle )
{
   forget_Range(a, len);
}

static void copy_mem_remap ( Addr from, Addr to, SizeT len )
{
   forget_Range(to, len);
}

/*------------------------------------------------------------*/
/*--- Setup                                               ---*/
/*------------------------------------------------------------*/

void PR_(heap_init) ( void )
{
   PR_(blockmap_init)();
   VG_(needs_malloc_replacement)(pr_malloc,
                                 pr_builtin_new,
                                 pr_builtin_new_aligned,
                                 pr_builtin_vec_new,
                                 pr_builtin_vec_new_aligned,
                                 pr_memalign,
                                 pr_calloc,
                                 pr_free,
                                 pr_builtin_delete,
                                 pr_builtin_delete_aligned,
                                 pr_builtin_vec_delete,
                                 pr_builtin_vec_delete_aligned,
                                 pr_realloc,
                                 pr_malloc_usable_size,
                                 /*redzone*/16);
   PR_(shadow_init)();
   VG_(track_new_mem_mmap)    (new_mem_mmap);
   VG_(track_die_mem_munmap)  (forget_Range);
   VG_(track_copy_mem_remap)  (copy_mem_remap);
}

void PR_(heap_print_stats) ( void )
{
   VG_(dmsg)("pyref: blocks: %'llu from the C heap, %'llu allocations and "
             "%'llu frees through CPython's hooks (%'llu in an "
             "isolated subinterpreter, not quarantined)\n",
             n_libc_allocs, n_hook_allocs, n_hook_frees, n_isolated_frees);
   VG_(dmsg)("pyref: slow-path checks: %'llu (%'llu all bytes good, %'llu "
             "partial loads, %'llu inside the allocator, %'llu of dead or "
             "freed objects, %'llu errors)\n",
             n_slow, n_slow - n_slow_partial - n_slow_allocator
                     - n_slow_objects - n_slow_errors,
             n_slow_partial, n_slow_allocator, n_slow_objects,
             n_slow_errors);
   VG_(dmsg)("pyref: quarantine: %'lld blocks of %'lld bytes, %'lu bytes "
             "with redzones and records; %u pymalloc arenas (at most %u, "
             "%u released)\n",
             VG_(free_queue_length), VG_(free_queue_volume), queued_bytes,
             n_arenas, most_arenas, n_arenas_released);
   VG_(dmsg)("pyref: block records: %'lu (at most %'lu) of %'lu bytes, "
             "in a store of %'lu bytes; block map of %'lu bytes (at most "
             "%'lu records overflowed its index)\n",
             PR_(blockmap_size)(), PR_(blockmap_max_size)(),
             (UWord)sizeof(PR_Block), PR_(record_store_bytes)(),
             PR_(blockmap_bytes)(), PR_(blockmap_overflow_max_size)());
   PR_(stacks_print_stats)();
   PR_(objects_print_stats)();
   PR_(borrow_print_stats)();
}

void PR_(heap_post_clo_init) ( void )
{
   /* The core may widen the redzone we asked for (--redzone-size,
      its own minimum); we mark the whole granules inside it. */
   libc_rz = VG_ROUNDDN(VG_(malloc_effective_client_redzone_size)(),
                        PR_GRANULE);
   tl_assert(libc_rz >= PR_GRANULE);
   PR_(stacks_post_clo_init)();
}

/*--------------------------------------------------------------------*/
/*--- end                                                pr_heap.c ---*/
/*--------------------------------------------------------------------*/
