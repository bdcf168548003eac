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
   never handed out).  The map from start address to record is one
   array with open addressing and linear probing in Robin Hood order
   (each run of full slots sorted by home slot), whose 8-byte slots
   hold the low 32 bits of the key's granule number (the tag) and the
   record's number:

      - a lookup or removal touches one slot and, in the common case,
        no other cache line of the map; a matching tag is confirmed by
        the record's start, which the caller was about to read anyway
        (two keys share a tag only 64 GiB apart);
      - a lookup of a missing key, as at most allocations, stops where
        the key would be instead of at the end of its run (plain linear
        probing looks at 8.5 slots on average at three quarters full);
      - the home slot depends on the tag alone, so moving and rehashing
        slots never reads a record;
      - a removal shifts the rest of its run back one slot
        ("backward-shift deletion"), so no tombstones pile up under the
        steady churn of allocation and eviction;
      - the eviction loop can prefetch the slot of the next block to
        be evicted (PR_(blockmap_prefetch)), hiding its miss.

   The map grows when more than three quarters full and shrinks when
   less than an eighth full, so it costs 11 to 64 bytes per record (the
   records themselves are 32).  Against the 16-byte slots of key and
   pointer it replaced, a heap of 600,000 blocks needs 8 MiB less. */

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
   if (n_chunks == (1U << (32 - CHUNK_LOG2)))
      VG_(tool_panic)("pyref: more than 2^32 heap block records");
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
/*--- The map                                             ---*/
/*------------------------------------------------------------*/

typedef
   struct {
      UInt tag;     /* (UInt)(key >> 4)                        */
      UInt index;   /* the record's number; 0: an empty slot   */
   }
   PR_Slot;

#define MIN_LOG2_SLOTS 12

static PR_Slot* slots      = NULL;
static UInt     log2_slots = 0;
static UWord    slot_mask  = 0;
static UWord    n_records  = 0;
static UWord    max_records = 0;   /* for --stats=yes */

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
   in its turn.  Every run stays sorted by home slot. */
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
   UWord    old_n = slot_mask + 1;
   UWord    i;

   slots      = new_Slots(new_log2);
   log2_slots = new_log2;
   slot_mask  = ((UWord)1 << new_log2) - 1;
   for (i = 0; i < old_n; i++)
      if (old[i].index != 0)
         put_Slot(old[i]);
   VG_(free)(old);
}

void PR_(blockmap_init) ( void )
{
   tl_assert(slots == NULL);
   log2_slots = MIN_LOG2_SLOTS;
   slot_mask  = ((UWord)1 << log2_slots) - 1;
   slots      = new_Slots(log2_slots);
}

void PR_(blockmap_add) ( PR_Block* b )
{
   PR_Slot e;
   UInt    index = PR_(record_index)(b);
   tl_assert(b->start_gran != 0 && index != 0);
   if (4 * (n_records + 1) > 3 * (slot_mask + 1))
      rehash(log2_slots + 1);
   e.tag   = tag_Of(PR_block_start(b));
   e.index = index;
   put_Slot(e);
   n_records++;
   if (n_records > max_records)
      max_records = n_records;
}

/* The slot of key's record, or -1.  A key that is not there is known
   to be missing as soon as the walk meets an empty slot or an entry
   nearer its home than the key would be to its own: with the runs
   sorted by home, the key would have been placed before it.  Most
   allocations and the object lookups at offsets 16 and 32 ask for
   keys that are missing. */
static inline Word find_Slot ( Addr key )
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

PR_Block* PR_(blockmap_lookup) ( Addr key )
{
   Word i;
   if (key == 0)
      return NULL;
   i = find_Slot(key);
   return i < 0 ? NULL : PR_(record_at)(slots[i].index);
}

PR_Block* PR_(blockmap_remove) ( Addr key )
{
   Word      f;
   UWord     i, j;
   PR_Block* found;

   if (key == 0)
      return NULL;
   f = find_Slot(key);
   if (f < 0)
      return NULL;
   i = (UWord)f;
   found = PR_(record_at)(slots[i].index);

   /* Close the gap at i: the rest of the run moves back one slot, up
      to an empty slot or an entry in its home, which must stay. */
   while (True) {
      j = (i + 1) & slot_mask;
      if (slots[j].index == 0 || dist_Of(j, slots[j].tag) == 0)
         break;
      slots[i] = slots[j];
      i = j;
   }
   slots[i].tag   = 0;
   slots[i].index = 0;
   n_records--;

   if (log2_slots > MIN_LOG2_SLOTS && 8 * n_records < slot_mask + 1)
      rehash(log2_slots - 1);
   return found;
}

void PR_(blockmap_prefetch) ( Addr key )
{
   /* The home slot's cache line: a run of 8 slots fits in it. */
   __builtin_prefetch(&slots[home_Slot(tag_Of(key))]);
}

UWord PR_(blockmap_size) ( void )
{
   return n_records;
}

UWord PR_(blockmap_max_size) ( void )
{
   return max_records;
}

UWord PR_(blockmap_bytes) ( void )
{
   return (slot_mask + 1) * sizeof(PR_Slot);
}

/*--------------------------------------------------------------------*/
/*--- end                                            pr_blockmap.c ---*/
/*--------------------------------------------------------------------*/
