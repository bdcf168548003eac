/*--------------------------------------------------------------------*/
/*--- Pyref: stack traces of allocations and deaths.  pr_stacks.c  ---*/
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

/* A Python program allocates and kills objects by the million, and
   pyref records a stack trace at each allocation and each death: the
   core's unwinder looks up call-frame information for every frame, and
   that was a quarter of pyref's time on the allocation benchmark.

   Most of those stacks are the same stack again.  CPython 3.11+ runs
   Python-to-Python calls inside one C frame, and a loop that builds
   objects allocates from the same C call chain at the same depth each
   time round.  So the last unwinding that started from a given state
   (thread, IP, SP, frame pointer as fp_Key has it, how many frames) is
   cached, with where it found each frame's return address on the
   stack; two per start state's slot, since one loop often reaches the
   same state through two call chains (two callers of one allocating
   function whose frames have the same size), and the most recent
   first.  The next time the same state comes, reading those few stack
   words and finding the same return addresses proves the same call
   chain, without one call-frame lookup: the cached ExeContext is the
   answer.

   What is compared is what the unwinder read: the start registers
   (RBP only when near the stack, see fp_Key), then for each frame the
   return address it took from the stack (at CFA-8 for a CFI or
   frame-pointer step, at the old SP for its last-ditch step).  A chain
   that differs anywhere differs in one of those words, except in the
   pathological case of a frame whose size depends on a register saved
   on the stack, where another frame layout would also have to leave
   the very same return addresses at the very same places.  The entry
   keeps where those words are (their offsets from SP) and a 64-bit
   hash of them, not the words themselves: a hit then reads the entry's
   two cache lines and the stack, which is in the cache anyway, where
   the words themselves took four more lines, missed on a big heap.
   Two chains from the same start state with the same return-address
   slots collide with a probability of 2^-64.

   Stacks the unwinder ended early (fewer frames than asked for) are
   not cached: what stopped it is not among the words compared.  Nor
   are stacks outside the thread's own stack (coroutines, signal
   stacks), whose words might not be mapped later; a thread's own
   stack stays mapped while it lives, and its entries go when it exits.
   A change of debug information (dlopen, dlclose: a new DiEpoch)
   empties the cache, since an ExeContext belongs to an epoch.
   --stats=yes says how often the cache answered; building with
   -DPR_STACKS_VERIFY makes every answer from the cache be unwound
   again and compared. */

#include "pub_tool_basics.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_execontext.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_stacktrace.h"
#include "pub_tool_threadstate.h"
#include "libvex_guest_offsets.h"

#include "pr_include.h"

/* A stack taken in a hook event starts with our hook's frames (two in
   realloc's; three at most); the reader wants CPython's allocator call
   on top. */
#define PR_MAX_HOOK_FRAMES 3

/* Deeper --num-callers are not cached: the cache would be big and the
   hit rate low. */
#define PR_MAX_CACHED_FRAMES (64 + PR_MAX_HOOK_FRAMES)

#define N_WAYS    2      /* entries per slot, most recently used first */
#define N_SLOTS_LOG2 11
#define N_SLOTS   (1U << N_SLOTS_LOG2)
#define N_ENTRIES (N_SLOTS * N_WAYS)

typedef
   struct {
      Addr        ip, sp, fp;   /* the start registers (fp: fp_Key);
                                   ip 0: empty                          */
      ExeContext* ec;           /* the answer                           */
      ULong       ra_hash;      /* ra_Hash of the return addresses      */
      ThreadId    tid;
      UShort      want;         /* frames asked of the unwinder         */
      Bool        skip_preload;
      /* Frames 1..want-1: where the unwinder read the frame's return
         address, as an offset from sp ([0] unused). */
      UInt        ra_off[];
   }
   PR_StackEntry;

static UChar* entries     = NULL;  /* N_ENTRIES of entry_size bytes,
                                      NULL: cache off                  */
static SizeT  entry_size  = 0;     /* a multiple of the cache line     */
static UInt   cached_epoch = 0;

static ULong n_hits = 0, n_misses = 0, n_uncacheable = 0;

static inline PR_StackEntry* entry_At ( UInt i )
{
   return (PR_StackEntry*)(entries + (SizeT)i * entry_size);
}

/* Each thread's highest stack byte (VG_(thread_get_stack_max), fixed
   for the thread's life), by thread id; 0: not looked up yet. */
#define PR_MAX_STACK_TIDS 512
static Addr stack_max_of[PR_MAX_STACK_TIDS];

Addr PR_(stack_max) ( ThreadId tid )
{
   if (tid >= PR_MAX_STACK_TIDS)
      return VG_(thread_get_stack_max)(tid);
   if (stack_max_of[tid] == 0)
      stack_max_of[tid] = VG_(thread_get_stack_max)(tid);
   return stack_max_of[tid];
}

static void thread_exited ( ThreadId tid )
{
   UInt i;
   if (tid < PR_MAX_STACK_TIDS)
      stack_max_of[tid] = 0;
   if (entries == NULL)
      return;
   for (i = 0; i < N_ENTRIES; i++)
      if (entry_At(i)->tid == tid)
         entry_At(i)->ip = 0;
}

void PR_(stacks_post_clo_init) ( void )
{
   UInt  per = VG_(clo_backtrace_size) + PR_MAX_HOOK_FRAMES;
   UChar* raw;

   VG_(track_pre_thread_ll_exit)(thread_exited);
   if (per > PR_MAX_CACHED_FRAMES)
      return;
   entry_size = VG_ROUNDUP(sizeof(PR_StackEntry) + per * sizeof(UInt), 64);
   raw = VG_(calloc)("pr.stacks.entries", N_ENTRIES * entry_size + 64, 1);
   entries = (UChar*)VG_ROUNDUP((Addr)raw, 64);
}

/* The return addresses of frames 1..want-1, read from their slots
   above sp, as one word.  Two lanes, each a chain of xor and multiply
   (a bijection of the lane for each word), mixed at the end: the
   chains are short enough that the stack words' loads, not the
   multiplies, set the pace. */
static inline ULong ra_Hash ( const PR_StackEntry* e, Addr sp )
{
   ULong a = 0x243F6A8885A308D3ULL, b = 0x13198A2E03707344ULL;
   UInt  i;
   for (i = 1; i + 1 < e->want; i += 2) {
      a = (a ^ *(const Addr*)(sp + e->ra_off[i]))     * 0x9E3779B97F4A7C15ULL;
      b = (b ^ *(const Addr*)(sp + e->ra_off[i + 1])) * 0xC2B2AE3D27D4EB4FULL;
   }
   if (i < e->want)
      a = (a ^ *(const Addr*)(sp + e->ra_off[i])) * 0x9E3779B97F4A7C15ULL;
   a ^= (b << 31) | (b >> 33);
   a ^= a >> 29;
   a *= 0xBF58476D1CE4E5B9ULL;
   return a ^ (a >> 32);
}

/* The frame pointer as a key.  Code built without frame pointers (most
   of CPython) keeps any value in RBP, often a pointer to an object, and
   keying on it would make the same chain a new state each time.  The
   unwinder uses RBP only as the base of a frame's CFA, or for its
   frame-pointer step, and either gives up (and tries its next method)
   unless the result lies in the stack.  So an RBP far from the stack
   gives the same unwinding whatever its value, and it is keyed as one
   value; one near or in the stack is keyed as it is.  "Far" leaves a
   margin much wider than any CFA offset from RBP. */
#define PR_FP_MARGIN 65536

static inline Addr fp_Key ( Addr sp, Addr max, Addr fp )
{
   if (sp > PR_FP_MARGIN && fp >= sp - PR_FP_MARGIN
       && fp <= max + PR_FP_MARGIN)
      return fp;
   return 1;   /* not an address any frame's CFA can be based on */
}

/* The number of the first entry of the start state's slot: the top
   bits of a multiplicative hash, which depend on every bit of IP and
   SP.  The product's low bits depend only on the low bits of what was
   multiplied; a slot number taken from them (with SP's bits 3..6
   mixed in) sent the few start states of bigheap's loops to the same
   slots, and a tenth of all stacks were unwound again. */
static inline UInt slot_Of ( Addr ip, Addr sp, UInt want )
{
   ULong h = (ULong)ip ^ ((ULong)sp << 17) ^ ((ULong)sp >> 3) ^ want;
   h *= 0x9E3779B97F4A7C15ULL;
   return (UInt)(h >> (64 - N_SLOTS_LOG2)) * N_WAYS;
}

/* Make entry first + w the slot's first entry, moving those before it
   down. */
static void move_To_Front ( UInt first, UInt w )
{
   UChar tmp[VG_ROUNDUP(sizeof(PR_StackEntry)
                        + PR_MAX_CACHED_FRAMES * sizeof(UInt), 64)];
   VG_(memcpy)(tmp, entry_At(first + w), entry_size);
   for (; w > 0; w--)
      VG_(memcpy)(entry_At(first + w), entry_At(first + w - 1), entry_size);
   VG_(memcpy)(entry_At(first), tmp, entry_size);
}

/* Is every stack word in [sp, last] inside tid's own stack, whose
   highest byte is max? */
static Bool on_Thread_Stack ( ThreadId tid, Addr max, Addr sp, Addr last )
{
   SizeT size = VG_(thread_get_stack_size)(tid);
   return max != 0 && size != 0 && sp >= max - size + 1
          && last + sizeof(Addr) - 1 <= max;
}

/* Fill e from a fresh unwinding of want frames, of which the unwinder
   gave n; False if it cannot be cached. */
static Bool entry_Fill ( PR_StackEntry* e, ThreadId tid,
                         const Addr* ips, const Addr* sps, UInt n,
                         UInt want )
{
   Addr sp   = sps[0];
   Addr last = sp;
   UInt i;
   if (n != want || n < 2)
      return False;
   for (i = 1; i < n; i++) {
      Addr ra = ips[i] + 1;    /* the unwinder records RA - 1 */
      Addr at;
      if (sps[i] < sp + sizeof(Addr) || sps[i] - sp > 0x7fffffff)
         return False;
      if (*(const Addr*)(sps[i] - sizeof(Addr)) == ra)
         at = sps[i] - sizeof(Addr);           /* CFA - 8 */
      else if (*(const Addr*)sps[i] == ra)
         at = sps[i];                          /* last-ditch step */
      else
         return False;
      e->ra_off[i] = (UInt)(at - sp);
      if (at > last)
         last = at;
   }
   if (!on_Thread_Stack(tid, PR_(stack_max)(tid), sp, last))
      return False;
   e->want    = (UShort)want;
   e->ra_hash = ra_Hash(e, sp);
   return True;
}

static ExeContext* unwind ( ThreadId tid, Bool skip_preload, UInt want,
                            /*OUT*/Addr* ips, /*OUT*/Addr* sps, UInt* n )
{
   UInt skip = 0, m;
   *n = VG_(get_StackTrace)(tid, ips, want, sps, NULL, 0);
   m  = *n;
   if (skip_preload) {
      while (skip < PR_MAX_HOOK_FRAMES && skip + 1 < m
             && PR_(in_preload)(ips[skip]))
         skip++;
      m -= skip;
      if (m > (UInt)VG_(clo_backtrace_size))
         m = VG_(clo_backtrace_size);
   }
   return VG_(make_ExeContext_from_StackTrace)(ips + skip, m);
}

ExeContext* PR_(stack_here) ( ThreadId tid, Bool skip_preload )
{
   Addr           ips[500 /* --num-callers maximum */ + PR_MAX_HOOK_FRAMES];
   Addr           sps[500 + PR_MAX_HOOK_FRAMES];
   UInt           want, n, first, w;
   Addr           ip, sp, fp;
   PR_StackEntry* e;
   ExeContext*    ec;
   DiEpoch        ep;

   want = VG_(clo_backtrace_size) + (skip_preload ? PR_MAX_HOOK_FRAMES : 0);
   if (entries == NULL) {
      n_uncacheable++;
      return unwind(tid, skip_preload, want, ips, sps, &n);
   }

   ep = VG_(current_DiEpoch)();
   if (ep.n != cached_epoch) {
      UInt i;
      for (i = 0; i < N_ENTRIES; i++)
         entry_At(i)->ip = 0;
      cached_epoch = ep.n;
   }

   ip = VG_(get_IP)(tid);
   sp = VG_(get_SP)(tid);
   VG_(get_shadow_regs_area)(tid, (UChar*)&fp, 0,
                             OFFSET_amd64_RBP, sizeof fp);
   fp    = fp_Key(sp, PR_(stack_max)(tid), fp);
   first = slot_Of(ip, sp, want);
   for (w = 0; w < N_WAYS; w++) {
      e = entry_At(first + w);
      if (e->ip == ip && e->sp == sp && e->fp == fp && e->tid == tid
          && e->want == want && e->skip_preload == skip_preload
          && ra_Hash(e, sp) == e->ra_hash) {
         n_hits++;
#        if defined(PR_STACKS_VERIFY)
         ec = unwind(tid, skip_preload, want, ips, sps, &n);
         if (ec != e->ec) {
            VG_(dmsg)("pyref: stack cache MISMATCH\n");
            VG_(pp_ExeContext)(ec);
            VG_(pp_ExeContext)(e->ec);
         }
#        endif
         ec = e->ec;
         if (w > 0)
            move_To_Front(first, w);
         return ec;
      }
   }

   /* The least recently used entry makes room. */
   n_misses++;
   ec = unwind(tid, skip_preload, want, ips, sps, &n);
   e  = entry_At(first + N_WAYS - 1);
   if (n > 0 && ips[0] == ip && sps[0] == sp
       && entry_Fill(e, tid, ips, sps, n, want)) {
      e->ip = ip; e->sp = sp; e->fp = fp; e->tid = tid;
      e->skip_preload = skip_preload; e->ec = ec;
      move_To_Front(first, N_WAYS - 1);
   } else {
      e->ip = 0;
   }
   return ec;
}

/* Block records keep their stack traces as ECUs, 4 bytes instead of
   an 8-byte pointer each.  The core numbers ExeContexts 4, 8, 12 ... in
   the order it makes them, and never frees one, but finds one by its
   number only by walking all of them; this table is the way back. */
static ExeContext** ec_by_ecu  = NULL;   /* [ecu / 4] */
static UInt         ec_by_size = 0;

UInt PR_(ecu_of) ( ExeContext* ec )
{
   UInt ecu, i;
   if (ec == NULL)
      return 0;
   ecu = VG_(get_ECU_from_ExeContext)(ec);
   i   = ecu >> 2;
   if (UNLIKELY(i >= ec_by_size)) {
      UInt n = ec_by_size ? ec_by_size : 1024;
      while (n <= i)
         n *= 2;
      ec_by_ecu = VG_(realloc)("pr.stacks.ecu", ec_by_ecu,
                               n * sizeof *ec_by_ecu);
      VG_(memset)(ec_by_ecu + ec_by_size, 0,
                  (n - ec_by_size) * sizeof *ec_by_ecu);
      ec_by_size = n;
   }
   ec_by_ecu[i] = ec;
   return ecu;
}

ExeContext* PR_(ec_of) ( UInt ecu )
{
   if (ecu == 0)
      return NULL;
   tl_assert((ecu >> 2) < ec_by_size && ec_by_ecu[ecu >> 2] != NULL);
   return ec_by_ecu[ecu >> 2];
}

void PR_(stacks_print_stats) ( void )
{
   VG_(dmsg)("pyref: stack traces: %'llu from the cache, %'llu unwound, "
             "%'llu with the cache off\n", n_hits, n_misses, n_uncacheable);
}

/*--------------------------------------------------------------------*/
/*--- end                                              pr_stacks.c ---*/
/*--------------------------------------------------------------------*/
