/*--------------------------------------------------------------------*/
/*--- Pyref: who lent a borrowed reference.           pr_borrow.c ---*/
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

/* The preload wraps every exported function of CPython that returns a
   borrowed reference (PR_BORROW_APIS_* in pr_request.h).  When one
   hands a reference to code outside CPython (an extension, ctypes), it
   sends PR_EV_BORROW, and this file remembers, for the object: which
   function lent it, from which container, where (a stack trace), and
   in which of the object's lives (its block's serial: a free list's
   rebirth, or a new block at the same address, starts a new life).

   When the object is later found dead and used (pr_heap.c,
   pr_objects.c), pr_errors.c asks PR_(find_borrow): a use of a dead
   object that had been lent becomes a StaleBorrow, with a "Borrowed"
   stack; an ExtraDecref or DoubleDealloc keeps its kind and gains the
   stack.

   One record per object (the latest loan), at most --borrow-records
   of them: the oldest is recycled first.  A loan costs a stack trace,
   but only loans to code outside CPython are recorded. */

#include "pub_tool_basics.h"
#include "pub_tool_execontext.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_threadstate.h"

#include "pr_include.h"

/* --borrow-records: 0 turns loans off. */
UInt PR_(clo_borrow_records) = 100000;

typedef
   struct _PR_Borrow {
      struct _PR_Borrow* next;      /* hash chain (VgHashNode layout)  */
      UWord              key;       /* the object                      */
      ULong              serial;    /* its block's serial when lent    */
      UInt               api;       /* PR_BORROW_*                     */
      Addr               container;
      Addr               container_type;
      ExeContext*        ec;
      struct _PR_Borrow* older;     /* the recycling order             */
      struct _PR_Borrow* newer;
   }
   PR_Borrow;

static VgHashTable* borrows = NULL;
static PR_Borrow*   oldest  = NULL;
static PR_Borrow*   newest  = NULL;
static UInt         n_borrows = 0;
static ULong        n_loans = 0, n_recycled = 0;

#define PR_BORROW_NAME(name, cont) #name,
static const HChar* const api_names[PR_BORROW_N] = {
   PR_BORROW_APIS_0(PR_BORROW_NAME)
   PR_BORROW_APIS_1(PR_BORROW_NAME)
   PR_BORROW_APIS_2(PR_BORROW_NAME)
   PR_BORROW_APIS_3(PR_BORROW_NAME)
   "PyDict_Next (key)",
   "PyDict_Next (value)",
};

static void unlink_Borrow ( PR_Borrow* r )
{
   if (r->older) r->older->newer = r->newer; else oldest = r->newer;
   if (r->newer) r->newer->older = r->older; else newest = r->older;
   r->older = r->newer = NULL;
}

static void append_Borrow ( PR_Borrow* r )
{
   r->older = newest;
   r->newer = NULL;
   if (newest) newest->newer = r; else oldest = r;
   newest = r;
}

/* The block an object at obj lives in, and its serial: the object
   starts the block, or follows a GC header, or a 3.11+ pre-header. */
static Bool object_Serial ( Addr obj, /*OUT*/ULong* serial )
{
   static const UInt offs[] = { 0, 16, 32 };
   Int i;
   for (i = 0; i < sizeof offs / sizeof offs[0]; i++) {
      PR_Block* b = PR_(block_at)(obj - offs[i]);
      if (b && b->size >= offs[i] + 16) {
         *serial = b->serial;
         return True;
      }
   }
   return False;
}

UWord PR_(ev_borrow) ( ThreadId tid, UWord api, Addr obj, Addr container )
{
   PR_Borrow* r;
   ULong      serial;
   UWord      ctype = 0;

   if (PR_(clo_borrow_records) == 0 || api >= PR_BORROW_N
       || !object_Serial(obj, &serial))
      return 0;   /* off, or not a heap object: it cannot die */
   n_loans++;
   r = VG_(HT_lookup)(borrows, obj);
   if (r) {
      unlink_Borrow(r);
   } else if (n_borrows >= PR_(clo_borrow_records)) {
      r = oldest;
      unlink_Borrow(r);
      VG_(HT_remove)(borrows, r->key);
      r->key = obj;
      VG_(HT_add_node)(borrows, r);
      n_recycled++;
   } else {
      r = VG_(malloc)("pr.borrow.record", sizeof *r);
      r->key = obj;
      VG_(HT_add_node)(borrows, r);
      n_borrows++;
   }
   if (container != 0 && VG_IS_8_ALIGNED(container))
      (void)PR_(python_read_word)(container + 8, &ctype);
   r->serial         = serial;
   r->api            = (UInt)api;
   r->container      = container;
   r->container_type = ctype;
   r->ec             = PR_(stack_here)(tid, True);
   append_Borrow(r);
   return 0;
}

Bool PR_(find_borrow) ( Addr obj, ULong serial, /*OUT*/PR_BorrowDesc* d )
{
   PR_Borrow* r;
   if (borrows == NULL)
      return False;
   r = VG_(HT_lookup)(borrows, obj);
   if (r == NULL || r->serial != serial)
      return False;
   d->api       = api_names[r->api];
   d->container = r->container;
   d->ec        = r->ec;
   d->container_type[0] = 0;
   if (r->container_type)
      PR_(python_type_name)(r->container_type, d->container_type,
                            sizeof d->container_type);
   return True;
}

void PR_(borrow_init) ( void )
{
   borrows = VG_(HT_construct)("pr.borrow.records");
}

void PR_(borrow_print_stats) ( void )
{
   VG_(dmsg)("pyref: borrowed references: %'llu loans to code outside "
             "CPython recorded, %u records kept, %'llu recycled\n",
             n_loans, n_borrows, n_recycled);
}

/*--------------------------------------------------------------------*/
/*--- end                                              pr_borrow.c ---*/
/*--------------------------------------------------------------------*/
