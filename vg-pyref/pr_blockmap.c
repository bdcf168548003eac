/*--------------------------------------------------------------------*/
/*--- Pyref: heap block records by start address.   pr_blockmap.c ---*/
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
   quarantine are cold by the time they are evicted.  The core's
   VgHashTable chains its nodes through the records themselves, so a
   lookup touches a bucket and then each record ahead of the one
   wanted, and a removal walks the chain again: each a cache miss.

   This map keeps the key next to the pointer, in one array with open
   addressing and linear probing:

      - a lookup or removal touches one slot (16 bytes) and, in the
        common case, no other cache line; only the record found is
        read, by the caller;
      - a removal shifts the following slots of its run back
        ("backward-shift deletion"), so no tombstones pile up under the
        steady churn of allocation and eviction;
      - the eviction loop can prefetch the slot of the next block to
        be evicted (PR_(blockmap_prefetch)), hiding its miss.

   Keys are block start addresses, never 0; 0 marks an empty slot.  The
   map grows when more than three quarters full and shrinks when less
   than an eighth full, so it costs 21 to 128 bytes per record (the
   records themselves are 80). */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"

#include "pr_include.h"

typedef
   struct {
      UWord     key;   /* block start address; 0: empty */
      PR_Block* b;
   }
   PR_Slot;

#define MIN_LOG2_SLOTS 12

static PR_Slot* slots      = NULL;
static UInt     log2_slots = 0;
static UWord    slot_mask  = 0;
static UWord    n_records  = 0;
static UWord    max_records = 0;   /* for --stats=yes */

/* Fibonacci hashing of the granule number: start addresses are
   16-byte aligned and often a fixed stride apart (one pymalloc size
   class), which the multiplication spreads over the whole table. */
static inline UWord home_Slot ( UWord key )
{
   return (UWord)(((ULong)(key >> 4) * 0x9E3779B97F4A7C15ULL)
                  >> (64 - log2_slots));
}

static PR_Slot* new_Slots ( UInt log2 )
{
   SizeT    n = (SizeT)1 << log2;
   PR_Slot* s = VG_(malloc)("pr.blockmap.slots", n * sizeof(PR_Slot));
   VG_(memset)(s, 0, n * sizeof(PR_Slot));
   return s;
}

static void put_Slot ( UWord key, PR_Block* b )
{
   UWord i = home_Slot(key);
   while (slots[i].key != 0)
      i = (i + 1) & slot_mask;
   slots[i].key = key;
   slots[i].b   = b;
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
      if (old[i].key != 0)
         put_Slot(old[i].key, old[i].b);
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
   tl_assert(b->key != 0);
   if (4 * (n_records + 1) > 3 * (slot_mask + 1))
      rehash(log2_slots + 1);
   put_Slot(b->key, b);
   n_records++;
   if (n_records > max_records)
      max_records = n_records;
}

PR_Block* PR_(blockmap_lookup) ( Addr key )
{
   UWord i;
   if (key == 0)
      return NULL;
   i = home_Slot(key);
   while (True) {
      UWord k = slots[i].key;
      if (k == key)
         return slots[i].b;
      if (k == 0)
         return NULL;
      i = (i + 1) & slot_mask;
   }
}

PR_Block* PR_(blockmap_remove) ( Addr key )
{
   UWord     i, j;
   PR_Block* found;

   if (key == 0)
      return NULL;
   i = home_Slot(key);
   while (slots[i].key != key) {
      if (slots[i].key == 0)
         return NULL;
      i = (i + 1) & slot_mask;
   }
   found = slots[i].b;

   /* Close the gap at i: a later slot of the same run moves back into
      it unless its home lies cyclically in (i, j], where a lookup that
      starts at the home would no longer pass i. */
   j = i;
   while (True) {
      UWord h;
      j = (j + 1) & slot_mask;
      if (slots[j].key == 0)
         break;
      h = home_Slot(slots[j].key);
      if (((j - h) & slot_mask) >= ((j - i) & slot_mask)) {
         slots[i] = slots[j];
         i = j;
      }
   }
   slots[i].key = 0;
   slots[i].b   = NULL;
   n_records--;

   if (log2_slots > MIN_LOG2_SLOTS && 8 * n_records < slot_mask + 1)
      rehash(log2_slots - 1);
   return found;
}

void PR_(blockmap_prefetch) ( Addr key )
{
   /* The home slot's cache line and the next: a removal reads on to
      the end of the run. */
   UWord h = home_Slot(key);
   __builtin_prefetch(&slots[h]);
   __builtin_prefetch(&slots[(h + 4) & slot_mask]);
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
