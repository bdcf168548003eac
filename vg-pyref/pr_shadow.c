/*--------------------------------------------------------------------*/
/*--- Pyref: the shadow map, one byte per 16 bytes of memory.      ---*/
/*---                                                  pr_shadow.c ---*/
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

/* Every heap block pyref knows starts on a 16-byte boundary (malloc
   and pymalloc both align to 16 on amd64), so one shadow byte per
   16-byte granule is enough to say which bytes may be touched:

      0x00         all 16 bytes accessible
      0x01..0x0f   only the first 16 - value bytes are (the tail of a
                   block whose size is not a multiple of 16)
      0x80..0x84   none is, and the value says why (PR_SH_*)

   Memory pyref knows nothing about reads as 0x00, so the common case,
   an access to a live block, the stack or static data, is a zero byte.
   The codes are chosen so that the instrumented code decides with one
   unsigned compare (pr_include.h, pr_translate.c).

   The map has two levels.  The first, an array of 2^15 pointers, is
   indexed by bits 32..46 of the address; each entry points to a
   second level covering 4 GiB with 2^28 shadow bytes.  Entries for
   memory no block was ever in point to one shared second level of
   zeros, so the instrumented code never tests for NULL.  The first
   level is a static array, like Memcheck's primary map: it lies in the
   tool's image, below 2 GiB, so the instrumented code can name it with
   a 32-bit displacement instead of loading a 64-bit constant at every
   check.  Second levels are reserved with VG_(am_shadow_alloc) and
   committed by the kernel only where written; the zero one is never
   written.  Few and big second levels keep the first level small, 256
   KiB: with 2^19 entries, one for each 256 MiB of address space, its 4
   MiB were resident from the start (each entry is written at start-up,
   to point to the zeros), a tenth of the memory --tool=none needs for a
   small Python program. */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"

#include "pr_include.h"

UChar* PR_(shadow_l1)[PR_L1_ENTRIES];
static UChar* zero_l2 = NULL;

static UChar* alloc_L2 ( void )
{
   void* p = VG_(am_shadow_alloc)(PR_L2_SIZE);
   if (p == NULL)
      VG_(out_of_memory_NORETURN)("pyref: shadow memory", PR_L2_SIZE);
   return p;
}

void PR_(shadow_init) ( void )
{
   UWord i;
   tl_assert(zero_l2 == NULL);
   zero_l2 = alloc_L2();
   for (i = 0; i < PR_L1_ENTRIES; i++)
      PR_(shadow_l1)[i] = zero_l2;
}

/* The second level for a, created on first write. */
static inline UChar* L2_for_write ( Addr a )
{
   UWord  i  = (a >> PR_L1_SHIFT) & (PR_L1_ENTRIES - 1);
   UChar* l2 = PR_(shadow_l1)[i];
   if (UNLIKELY(l2 == zero_l2)) {
      l2 = alloc_L2();
      PR_(shadow_l1)[i] = l2;
   }
   return l2;
}

/* Set every granule of [a, a+len) to val; a and len are multiples of
   16.  Runs at most once per 4 GiB chunk through L2_for_write. */
void PR_(shadow_set) ( Addr a, SizeT len, UChar val )
{
   tl_assert(VG_IS_16_ALIGNED(a) && VG_IS_16_ALIGNED(len));
   while (len > 0) {
      UChar* l2    = L2_for_write(a);
      UWord  first = (a >> PR_GRANULE_SHIFT) & (PR_L2_GRANULES - 1);
      UWord  n     = PR_L2_GRANULES - first;
      if (n > (len >> PR_GRANULE_SHIFT))
         n = len >> PR_GRANULE_SHIFT;
      if (val == PR_SH_ACCESSIBLE && l2 == zero_l2)
         ; /* already zero */
      else if (n <= 8) {
         /* Most blocks are a few granules: no call for them. */
         UWord i;
         for (i = 0; i < n; i++)
            l2[first + i] = val;
      } else
         VG_(memset)(l2 + first, val, n);
      a   += n << PR_GRANULE_SHIFT;
      len -= n << PR_GRANULE_SHIFT;
   }
}

/* Make [a, a+len) accessible and the rest of its last granule not:
   the tail of the last granule gets the partial code for len % 16. */
void PR_(shadow_set_accessible) ( Addr a, SizeT len )
{
   SizeT whole = len & ~(SizeT)(PR_GRANULE - 1);
   PR_(shadow_set)(a, whole, PR_SH_ACCESSIBLE);
   if (len & (PR_GRANULE - 1))
      L2_for_write(a + whole)[((a + whole) >> PR_GRANULE_SHIFT)
                              & (PR_L2_GRANULES - 1)]
         = PR_SH_PARTIAL(len & (PR_GRANULE - 1));
}

/* How many leading bytes of the granule holding a are accessible, and
   if none, why: the raw shadow byte. */
UChar PR_(shadow_get) ( Addr a )
{
   return PR_(shadow_l1)[(a >> PR_L1_SHIFT) & (PR_L1_ENTRIES - 1)]
                        [(a >> PR_GRANULE_SHIFT) & (PR_L2_GRANULES - 1)];
}

/* Is byte a accessible? */
Bool PR_(shadow_byte_ok) ( Addr a )
{
   return (a & (PR_GRANULE - 1)) < PR_(shadow_ok_bytes)(PR_(shadow_get)(a));
}

/*--------------------------------------------------------------------*/
/*--- end                                              pr_shadow.c ---*/
/*--------------------------------------------------------------------*/
