/*--------------------------------------------------------------------*/
/*--- Pyref: heap block records, and the map by start address.     ---*/
/*---                                                pr_blockmap.c ---*/
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

/* Every allocation, free and quarantine eviction looks a block record
   up by its start address, several million times a second on an
   allocation-heavy Python program, and the records of a long
   quarantine are cold by the time they are evicted.  A program that
   keeps half a million small objects alive has half a million records,
   and what each costs is most of pyref's memory.

   The records live in a store of aligned chunks, each record with a
   fixed number that follows from its address (PR_(record_index); 0 is
   never handed out).

   The map from start address to record is a direct index: one 32-bit
   entry (a record number) for each 32 bytes of address space, in a second level
   per 4 GiB that is reserved up front and committed by the kernel only
   where written, like the shadow map.  Two blocks pyref knows almost
   never start less than 32 bytes apart: a hook block is at least the
   client's size rounded up to 16 plus a 16-byte redzone, a C-heap
   block has the core's redzones on both sides.  So:

      - a lookup, add or removal is one load or store at a computed
        address, with no probing; the caller then reads the record,
        whose start confirms the match;
      - neighbouring blocks have neighbouring entries: 16 of them share
        a cache line, and the objects a loop allocates, frees and
        touches together mostly come from one pymalloc pool, so the
        entry is usually in cache (the hashed table this replaced,
        at commit 736c2bd, missed the cache at nearly every lookup of a
        big heap: 14% of the time of the big-heap benchmark);
      - it costs an eighth of the address span where blocks start, at
        page granularity, whatever the number of blocks: 4 bytes for a
        32-byte block, no more for a 1 MiB one.

   The rare block that starts in the same 32 bytes as another one (a
   16-byte pymalloc block, from PyObject_Malloc(0)), or in a 4 GiB
   region whose second level could not be reserved, goes to a small
   overflow table instead: open addressing in Robin Hood order, whose
   8-byte slots hold the low 32 bits of the key's granule number (the
   tag) and the record's number.  It is empty in most runs; a flag in
   the index entry of each 32 bytes that overflowed sends a lookup
   there on to the table, and a lookup elsewhere does not look. */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"

#include "pr_include.h"

/*------------------------------------------------------------*/
/*--- The record store                                    ---*/
/*------------------------------------------------------------*/

/* A chunk holds 2^15 records, 1 MiB, and starts on a 1 MiB boundary,
   so a record's number follows from its address: the chunk's number,
   kept in the chunk's first record (never handed out), and the
   record's place in it.  Chunks are reserved from the address space
   directly rather than from the tool's heap: only the pages records
   were handed out from are ever touched, so a small program pays for
   the records it uses, not for a whole chunk. */
#define CHUNK_LOG2    15
#define CHUNK_RECORDS (1U << CHUNK_LOG2)
#define CHUNK_BYTES   ((SizeT)CHUNK_RECORDS * sizeof(PR_Block))

/* Records are 32 bytes: PR_(record_index) divides by shifting. */
typedef char pr_block_is_32_bytes[sizeof(PR_Block) == 32 ? 1 : -1];

static PR_Block** chunks     = NULL;   /* each CHUNK_BYTES-aligned     */
static UInt       n_chunks   = 0, max_chunks = 0;
static UInt       free_head  = 0;      /* free records, linked through
                                          their serial; 0: none        */
static UInt       next_fresh = 0;      /* never-used records of the last
                                          chunk: [next_fresh, fresh_end) */
static UInt       fresh_end  = 0;

PR_Block* PR_(record_at) ( UInt index )
{
   return &chunks[index >> CHUNK_LOG2][index & (CHUNK_RECORDS - 1)];
}

UInt PR_(record_index) ( const PR_Block* b )
{
   Addr base = (Addr)b & ~(Addr)(CHUNK_BYTES - 1);
   UInt chunk_no = *(const UInt*)base;
   return (chunk_no << CHUNK_LOG2) | (UInt)(((Addr)b - base) >> 5);
}

static void add_Chunk ( void )
{
   Addr raw, base;

   if (n_chunks == max_chunks) {
      max_chunks = max_chunks ? 2 * max_chunks : 64;
      chunks = VG_(realloc)("pr.records.chunks", chunks,
                            max_chunks * sizeof *chunks);
   }
   /* The index keeps 31 bits of a record's number. */
   if (n_chunks == (1U << (31 - CHUNK_LOG2)))
      VG_(tool_panic)("pyref: more than 2^31 heap block records");
   /* Twice the size, to have an aligned chunk inside; the other half
      is address space only, never touched. */
   raw = (Addr)VG_(am_shadow_alloc)(2 * CHUNK_BYTES);
   if (raw == 0)
      VG_(out_of_memory_NORETURN)("pyref: block records", 2 * CHUNK_BYTES);
   base = VG_ROUNDUP(raw, CHUNK_BYTES);
   *(UInt*)base = n_chunks;
   chunks[n_chunks] = (PR_Block*)base;
   /* Record 0 of each chunk holds its number; index 0 also means
      none. */
   next_fresh = (n_chunks << CHUNK_LOG2) + 1;
   fresh_end  = (n_chunks + 1) << CHUNK_LOG2;
   n_chunks++;
}

PR_Block* PR_(record_new) ( void )
{
   PR_Block* b;
   if (free_head != 0) {
      b = PR_(record_at)(free_head);
      free_head = b->serial;
      return b;
   }
   if (next_fresh == fresh_end)
      add_Chunk();
   return PR_(record_at)(next_fresh++);
}

void PR_(record_free) ( PR_Block* b )
{
   b->start_gran = 0;
   b->serial     = free_head;
   free_head     = PR_(record_index)(b);
}

/* What the store has touched: every record ever handed out, with the
   chunks' first records.  Records are handed out in number order, so
   that is all below next_fresh. */
UWord PR_(record_store_bytes) ( void )
{
   return (UWord)next_fresh * sizeof(PR_Block);
}

/*------------------------------------------------------------*/
/*--- The overflow table                                  ---*/
/*------------------------------------------------------------*/

typedef
   struct {
      UInt tag;     /* (UInt)(key >> 4)                        */
      UInt index;   /* the record's number; 0: an empty slot   */
   }
   PR_Slot;

#define MIN_LOG2_SLOTS 8

static PR_Slot* slots      = NULL;   /* NULL until the first overflow  */
static UInt     log2_slots = 0;
static UWord    slot_mask  = 0;
static UWord    n_overflow = 0;      /* records in the table           */
static UWord    max_overflow = 0;    /* for --stats=yes                */

static inline UInt tag_Of ( UWord key )
{
   return (UInt)(key >> 4);
}

/* Fibonacci hashing of the tag: start addresses are 16-byte aligned
   and often a fixed stride apart (one pymalloc size class), which the
   multiplication spreads over the whole table. */
static inline UWord home_Slot ( UInt tag )
{
   return (UWord)(((ULong)tag * 0x9E3779B97F4A7C15ULL) >> (64 - log2_slots));
}

static PR_Slot* new_Slots ( UInt log2 )
{
   SizeT    n = (SizeT)1 << log2;
   PR_Slot* s = VG_(malloc)("pr.blockmap.slots", n * sizeof(PR_Slot));
   VG_(memset)(s, 0, n * sizeof(PR_Slot));
   return s;
}

/* How far slot i is from the home of the tag it holds. */
static inline UWord dist_Of ( UWord i, UInt tag )
{
   return (i - home_Slot(tag)) & slot_mask;
}

/* Robin Hood insertion: walking on from e's home, e takes the place of
   the first entry nearer its own home than e is to e's, which walks on
   in its turn.  Every run stays sorted by home slot, so the home slot
   depends on the tag alone and moving slots never reads a record. */
static void put_Slot ( PR_Slot e )
{
   UWord i = home_Slot(e.tag);
   UWord d = 0;
   while (slots[i].index != 0) {
      UWord di = dist_Of(i, slots[i].tag);
      if (di < d) {
         PR_Slot t = slots[i];
         slots[i] = e;
         e = t;
         d = di;
      }
      i = (i + 1) & slot_mask;
      d++;
   }
   slots[i] = e;
}

static void rehash ( UInt new_log2 )
{
   PR_Slot* old   = slots;
   UWord    old_n = old ? slot_mask + 1 : 0;
   UWord    i;

   slots      = new_Slots(new_log2);
   log2_slots = new_log2;
   slot_mask  = ((UWord)1 << new_log2) - 1;
   for (i = 0; i < old_n; i++)
      if (old[i].index != 0)
         put_Slot(old[i]);
   if (old)
      VG_(free)(old);
}

/* The table grows when more than three quarters full and shrinks when
   less than an eighth full. */
static void overflow_Add ( Addr key, UInt index )
{
   PR_Slot e;
   if (slots == NULL)
      rehash(MIN_LOG2_SLOTS);
   else if (4 * (n_overflow + 1) > 3 * (slot_mask + 1))
      rehash(log2_slots + 1);
   e.tag   = tag_Of(key);
   e.index = index;
   put_Slot(e);
   n_overflow++;
   if (n_overflow > max_overflow)
      max_overflow = n_overflow;
}

/* The slot of key's record, or -1.  A key that is not there is known
   to be missing as soon as the walk meets an empty slot or an entry
   nearer its home than the key would be to its own: with the runs
   sorted by home, the key would have been placed before it.  A
   matching tag is confirmed by the record's start (two keys share a
   tag only 64 GiB apart). */
static Word find_Slot ( Addr key )
{
   UInt  tag = tag_Of(key);
   UWord i   = home_Slot(tag);
   UWord d   = 0;
   while (True) {
      PR_Slot e = slots[i];
      if (e.index == 0)
         return -1;
      if (e.tag == tag) {
         if (PR_block_start(PR_(record_at)(e.index)) == key)
            return (Word)i;
      } else if (dist_Of(i, e.tag) < d)
         return -1;
      i = (i + 1) & slot_mask;
      d++;
   }
}

static PR_Block* overflow_Lookup ( Addr key )
{
   Word i = find_Slot(key);
   return i < 0 ? NULL : PR_(record_at)(slots[i].index);
}

static PR_Block* overflow_Remove ( Addr key )
{
   Word      f = find_Slot(key);
   UWord     i, j;
   PR_Block* found;

   if (f < 0)
      return NULL;
   i = (UWord)f;
   found = PR_(record_at)(slots[i].index);

   /* Close the gap at i ("backward-shift deletion", so no tombstones
      pile up): the rest of the run moves back one slot, up to an empty
      slot or an entry in its home, which must stay. */
   while (True) {
      j = (i + 1) & slot_mask;
      if (slots[j].index == 0 || dist_Of(j, slots[j].tag) == 0)
         break;
      slots[i] = slots[j];
      i = j;
   }
   slots[i].tag   = 0;
   slots[i].index = 0;
   n_overflow--;

   if (log2_slots > MIN_LOG2_SLOTS && 8 * n_overflow < slot_mask + 1)
      rehash(log2_slots - 1);
   return found;
}

/*------------------------------------------------------------*/
/*--- The direct index                                    ---*/
/*------------------------------------------------------------*/

#define IX_UNIT_SHIFT   5                   /* an entry per 32 bytes    */
#define IX_L1_SHIFT     32                  /* a second level per 4 GiB */
#define IX_L1_ENTRIES   (1U << 15)          /* address bits 32..46      */
#define IX_L2_ENTRIES   (1UL << (IX_L1_SHIFT - IX_UNIT_SHIFT))
#define IX_L2_BYTES     (IX_L2_ENTRIES * sizeof(UInt))       /* 512 MiB */
#define IX_PAGE_ENTRIES (4096 / sizeof(UInt))
#define IX_L2_PAGES     (IX_L2_ENTRIES / IX_PAGE_ENTRIES)

/* A second level, and which of its pages were ever written (for
   --stats=yes: the kernel commits those, and only those). */
typedef
   struct {
      UInt*  entries;   /* NULL: none yet; see IX_UNAVAILABLE      */
      UChar* written;   /* a bit per page of entries               */
   }
   PR_IndexL2;

/* An entry is a record number, and a flag set once a block that
   starts in its 32 bytes has gone to the overflow table, so that a
   lookup there of an address the index does not hold looks in the
   table too (and one elsewhere does not).  The flag stays until the
   run ends: a later look in the table is all it can cost. */
#define IX_OVERFLOWED   0x80000000U
#define IX_INDEX_MASK   0x7FFFFFFFU

/* A second level that could not be reserved: its blocks go to the
   overflow table. */
#define IX_UNAVAILABLE ((UInt*)1)

static PR_IndexL2 index_l1[IX_L1_ENTRIES];
static UWord      n_index_l2    = 0;   /* second levels reserved       */
static UWord      n_index_pages = 0;   /* pages of entries written     */
static UWord      n_records     = 0;   /* in the index or the table    */
static UWord      max_records   = 0;   /* for --stats=yes              */

/* The first-level entry of key's 4 GiB, and key's entry number in
   its second level.  An address with bits above 46 set shares its
   entry with a lower one; the record's start, which every reader
   compares, tells them apart. */
static inline PR_IndexL2* l1_Of ( Addr key )
{
   return &index_l1[(key >> IX_L1_SHIFT) & (IX_L1_ENTRIES - 1)];
}

static inline UWord entry_No ( Addr key )
{
   return (key >> IX_UNIT_SHIFT) & (IX_L2_ENTRIES - 1);
}

/* key's entry, or NULL if its second level does not exist. */
static inline UInt* entry_For ( Addr key )
{
   UInt* l2 = l1_Of(key)->entries;
   if (UNLIKELY(l2 <= IX_UNAVAILABLE))
      return NULL;
   return &l2[entry_No(key)];
}

/* key's entry, its second level reserved if need be, and the page it
   is in counted; NULL if no second level could be reserved. */
static UInt* entry_For_Write ( Addr key )
{
   PR_IndexL2* l1 = l1_Of(key);
   UWord       e  = entry_No(key);
   UWord       pg = e / IX_PAGE_ENTRIES;

   if (UNLIKELY(l1->entries == NULL)) {
      void* p = VG_(am_shadow_alloc)(IX_L2_BYTES);
      if (p == NULL) {
         l1->entries = IX_UNAVAILABLE;
         return NULL;
      }
      l1->entries = p;
      l1->written = VG_(calloc)("pr.blockmap.written", IX_L2_PAGES / 8, 1);
      n_index_l2++;
   }
   if (UNLIKELY(l1->entries == IX_UNAVAILABLE))
      return NULL;
   if (UNLIKELY(!(l1->written[pg / 8] & (1 << (pg % 8))))) {
      l1->written[pg / 8] |= 1 << (pg % 8);
      n_index_pages++;
   }
   return &l1->entries[e];
}

/*------------------------------------------------------------*/
/*--- The map: the index, then the overflow table         ---*/
/*------------------------------------------------------------*/

void PR_(blockmap_init) ( void )
{
   tl_assert(n_records == 0 && slots == NULL);
}

void PR_(blockmap_add) ( PR_Block* b )
{
   Addr  key   = PR_block_start(b);
   UInt  index = PR_(record_index)(b);
   UInt* e;

   tl_assert(b->start_gran != 0 && index != 0);
   tl_assert(index <= IX_INDEX_MASK);
   e = entry_For_Write(key);
   if (LIKELY(e != NULL && (*e & IX_INDEX_MASK) == 0))
      *e |= index;
   else {
      overflow_Add(key, index);
      if (e != NULL)
         *e |= IX_OVERFLOWED;
   }
   n_records++;
   if (n_records > max_records)
      max_records = n_records;
}

/* Might key be in the overflow table, given its entry e? */
static inline Bool may_Overflow ( const UInt* e, Addr key )
{
   return n_overflow > 0 && key != 0
          && (e == NULL || (*e & IX_OVERFLOWED));
}

/* The record entry e holds, if it is key's (the entry may hold the
   record of another block starting in the same 32 bytes). */
static inline PR_Block* index_Match ( const UInt* e, Addr key )
{
   if (LIKELY(e != NULL) && (*e & IX_INDEX_MASK) != 0) {
      PR_Block* b = PR_(record_at)(*e & IX_INDEX_MASK);
      if (LIKELY(PR_block_start(b) == key))
         return b;
   }
   return NULL;
}

PR_Block* PR_(blockmap_lookup) ( Addr key )
{
   UInt*     e = entry_For(key);
   PR_Block* b = index_Match(e, key);
   if (LIKELY(b != NULL) || LIKELY(!may_Overflow(e, key)))
      return b;
   return overflow_Lookup(key);
}

PR_Block* PR_(blockmap_remove) ( Addr key )
{
   UInt*     e = entry_For(key);
   PR_Block* b = index_Match(e, key);
   if (LIKELY(b != NULL)) {
      *e &= IX_OVERFLOWED;
      n_records--;
      return b;
   }
   if (LIKELY(!may_Overflow(e, key)))
      return NULL;
   b = overflow_Remove(key);
   if (b != NULL)
      n_records--;
   return b;
}

void PR_(blockmap_prefetch) ( Addr key )
{
   UInt* e = entry_For(key);
   if (e != NULL)
      __builtin_prefetch(e);
}

UWord PR_(blockmap_size) ( void )
{
   return n_records;
}

UWord PR_(blockmap_max_size) ( void )
{
   return max_records;
}

UWord PR_(blockmap_overflow_max_size) ( void )
{
   return max_overflow;
}

/* What the map has touched: the index's written pages and their
   bitmaps, and the overflow table. */
UWord PR_(blockmap_bytes) ( void )
{
   return n_index_pages * 4096 + n_index_l2 * (IX_L2_PAGES / 8)
          + (slots ? (slot_mask + 1) * sizeof(PR_Slot) : 0);
}

/*--------------------------------------------------------------------*/
/*--- end                                            pr_blockmap.c ---*/
/*--------------------------------------------------------------------*/
