/*--------------------------------------------------------------------*/
/*--- Pyref: error kinds, how they print, suppressions.            ---*/
/*---                                                  pr_errors.c ---*/
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

/* One logical bug is one error.  Each error kind has one name, used
   alike as the suppression kind (Pyref:<Name>), the XML <kind> and in
   the text report's first line.

   An error carries a PR_BlockDesc: everything the report says about
   the block involved, copied when the error happens, because by the
   time it prints (or is compared with a suppression) the block may
   have left the quarantine and its record be gone.

   What the eye lands on first.  The first frame of a text stack is
   the user's code: leading frames of CPython's refcount helpers
   (Py_DECREF and its kin, inlined or not, _Py_Dealloc) and of pyref's
   own wrappers are left out (--show-plumbing=yes shows them).  Only
   the text is trimmed: the error's stack itself, which suppressions
   match and XML shows, stays whole.

   Consumers that know only Memcheck (CTest's memcheck mode, the Jenkins
   Valgrind plugin) get, with --report-kinds=memcheck, the nearest
   Memcheck kind and wording; the precise kind stays in the first line
   and in <pyrefkind>.  Suppressions name the precise kind either way,
   and may add a line `type: PATTERN' that the Python type of the
   object must match. */

#include "pub_tool_basics.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_errormgr.h"
#include "pub_tool_execontext.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_seqmatch.h"
#include "pub_tool_stacktrace.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"

#include "pr_include.h"

/*------------------------------------------------------------*/
/*--- Error and suppression kinds                         ---*/
/*------------------------------------------------------------*/

typedef
   struct {
      PR_ErrorKind kind;
      const HChar* name;     /* == suppression kind == XML <kind> */
   }
   PR_KindName;

static const PR_KindName kind_names[] = {
   { Err_DoubleFree,     "DoubleFree"     },
   { Err_InvalidFree,    "InvalidFree"    },
   { Err_MismatchedFree, "MismatchedFree" },
   { Err_UseAfterFree,   "UseAfterFree"   },
   { Err_HeapOverflow,   "HeapOverflow"   },
   { Err_ExtraDecref,    "ExtraDecref"    },
   { Err_DoubleDealloc,  "DoubleDealloc"  },
   { Err_UseAfterDealloc,"UseAfterDealloc"},
   { Err_DeallocStatic,  "DeallocStatic"  },
   { Err_StaleBorrow,    "StaleBorrow"    },
};

PR_ReportKinds PR_(clo_report_kinds) = PR_KindsPyref;
Bool           PR_(clo_show_plumbing) = False;

static const HChar* kind_Name ( PR_ErrorKind kind )
{
   Int i;
   for (i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
      if (kind_names[i].kind == kind)
         return kind_names[i].name;
   tl_assert2(0, "pyref: unknown error kind %d", (Int)kind);
   return NULL;
}

/* The extra part of every pyref error. */
typedef
   struct {
      Addr         addr;       /* the access, or the pointer freed    */
      SizeT        szB;        /* the access size (access errors)     */
      Bool         isWrite;
      PR_Family    freed_with; /* the function the client called to free */
      Addr         obj;        /* object errors: the PyObject          */
      Long         refcnt;     /*   its ob_refcnt at the time          */
      Bool         lent;       /* the object had been lent: borrow     */
      PR_BorrowDesc borrow;
      PR_BlockDesc blk;
   }
   PR_Error;

/*------------------------------------------------------------*/
/*--- Recording                                           ---*/
/*------------------------------------------------------------*/

/* Had the dead object the error is about been lent by a borrowing
   function?  Then say who lent it; a plain use of it becomes a
   StaleBorrow. */
static PR_ErrorKind attach_Borrow ( PR_ErrorKind kind, PR_Error* err )
{
   const PR_BlockDesc* b = &err->blk;
   Addr obj;
   if (!b->known || b->pytype[0] == 0)
      return kind;
   if (kind != Err_UseAfterFree && kind != Err_UseAfterDealloc
       && kind != Err_ExtraDecref && kind != Err_DoubleDealloc)
      return kind;
   if (kind == Err_UseAfterFree && b->state != PR_BlockFreed)
      return kind;
   obj = err->obj;
   if (obj == 0) {
      UInt off = b->obj_off != PR_NO_OBJ
                 ? b->obj_off
                 : PR_(python_object_offset)(b->start, b->size, NULL);
      if (off != PR_NO_OBJ)
         obj = b->start + off;
   }
   if (obj == 0 || !PR_(find_borrow)(obj, b->serial, &err->borrow))
      return kind;
   err->lent = True;
   err->obj  = obj;
   if (kind == Err_UseAfterFree || kind == Err_UseAfterDealloc)
      return Err_StaleBorrow;
   return kind;
}

static void record ( ThreadId tid, PR_ErrorKind kind, Addr a,
                     PR_Error* err )
{
   kind = attach_Borrow(kind, err);
   VG_(maybe_record_error)(tid, kind, a, /*s*/NULL, err);
}

/* One logical bug is one error: memset or memcpy running off a block
   makes several bad accesses from different instructions, which would
   be as many error contexts.  An access error of the same kind, on the
   same block (the same allocation, not merely the same address), by
   the same thread, right after another is the same bug. */
static struct {
   ThreadId     tid;
   PR_ErrorKind kind;
   ULong        serial;
} last_access_error;

/* Is an error of kind `now' on the same object, by the same thread,
   right after one of kind `last', part of the same bug?  The same
   kind, or a plain access after a decrement: -O0 code reads ob_refcnt
   again right after its Py_DECREF stored it. */
static Bool same_Bug ( PR_ErrorKind last, PR_ErrorKind now )
{
   return last == now
          || ((last == Err_ExtraDecref || last == Err_DoubleDealloc)
              && (now == Err_UseAfterFree || now == Err_UseAfterDealloc));
}

void PR_(record_access_error) ( ThreadId tid, Addr a, SizeT szB,
                                Bool isWrite, const PR_BlockDesc* blk )
{
   PR_Error     err;
   PR_ErrorKind kind = blk->state == PR_BlockFreed ? Err_UseAfterFree
                                                   : Err_HeapOverflow;
   if (blk->known && blk->serial == last_access_error.serial
       && same_Bug(last_access_error.kind, kind)
       && tid == last_access_error.tid)
      return;
   last_access_error.tid    = tid;
   last_access_error.kind   = kind;
   last_access_error.serial = blk->known ? blk->serial : 0;

   VG_(memset)(&err, 0, sizeof err);
   err.addr = a; err.szB = szB; err.isWrite = isWrite; err.blk = *blk;
   record(tid, kind, a, &err);
}

void PR_(record_object_error) ( ThreadId tid, PR_ErrorKind kind, Addr a,
                                SizeT szB, Bool isWrite, Addr obj,
                                Long refcnt, const PR_BlockDesc* blk )
{
   PR_Error err;
   ULong    serial = blk->known ? blk->serial : (ULong)obj;
   if (serial == last_access_error.serial
       && same_Bug(last_access_error.kind, kind)
       && tid == last_access_error.tid)
      return;
   last_access_error.tid    = tid;
   last_access_error.kind   = kind;
   last_access_error.serial = serial;

   VG_(memset)(&err, 0, sizeof err);
   err.addr = a; err.szB = szB; err.isWrite = isWrite;
   err.obj = obj; err.refcnt = refcnt; err.blk = *blk;
   record(tid, kind, a, &err);
}

/* A read of a dead object's ob_refcnt alone is held back: in 3.12+
   Py_INCREF and Py_DECREF start with such a read (the immortality
   test), and the write or decrement that follows is the bug to report,
   once.  Any other pyref event settles it: the same thread writing or
   decrementing that ob_refcnt drops it, anything else reports it, with
   the stack it was read at (Py_REFCNT(op) of a dead op, in the
   classic borrowed-reference bug, is a real use). */
static struct {
   Bool         valid;
   ThreadId     tid;
   Addr         obj;
   PR_ErrorKind kind;
   PR_Error     err;
   ExeContext*  where;
   Bool         excuse_if_lone;
} held_read;

ULong PR_(n_lone_reads_excused) = 0;

/* The held reads already reported, by stack, kind and Python type (as
   pr_eq_Error tells errors apart): unique errors are not merged by the
   core. */
#define PR_MAX_HELD_SEEN 64
static struct {
   ExeContext*   where;
   PR_ErrorKind  kind;
   const HChar*  pytype;   /* a copy, kept for the run */
} held_seen[PR_MAX_HELD_SEEN];
static UInt n_held_seen = 0;

Bool PR_(held_read_pending) = False;

void PR_(hold_refcnt_read) ( ThreadId tid, PR_ErrorKind kind, Addr obj,
                             SizeT szB, Long refcnt,
                             const PR_BlockDesc* blk, Bool excuse_if_lone )
{
   if (held_read.valid && held_read.tid == tid && held_read.obj == obj)
      return;   /* read again (-O0 code): still the same use */
   PR_(settle_refcnt_read)(tid, 0, False);
   VG_(memset)(&held_read, 0, sizeof held_read);
   held_read.valid = True;
   held_read.tid   = tid;
   held_read.obj   = obj;
   held_read.kind  = kind;
   held_read.err.addr = obj; held_read.err.szB = szB;
   held_read.err.isWrite = False; held_read.err.obj = obj;
   held_read.err.refcnt = refcnt; held_read.err.blk = *blk;
   held_read.where = VG_(record_ExeContext)(tid, 0);
   held_read.excuse_if_lone = excuse_if_lone;
   PR_(held_read_pending) = True;
}

Bool PR_(held_read_of) ( ThreadId tid, Addr obj )
{
   return held_read.valid && held_read.tid == tid && held_read.obj == obj;
}

void PR_(settle_refcnt_read) ( ThreadId tid, Addr a, Bool writes )
{
   UInt         i;
   PR_ErrorKind kind;
   if (!held_read.valid)
      return;
   if (a == held_read.obj && tid == held_read.tid) {
      if (writes) {
         held_read.valid = False;   /* its INCREF or DECREF is reported */
         PR_(held_read_pending) = False;
      }
      return;                       /* read again: keep holding */
   }
   held_read.valid = False;
   PR_(held_read_pending) = False;
   if (held_read.excuse_if_lone) {
      PR_(n_lone_reads_excused)++;
      return;
   }
   /* -O0 code reads ob_refcnt again right after its Py_DECREF. */
   if (held_read.err.blk.known
       && held_read.err.blk.serial == last_access_error.serial
       && held_read.tid == last_access_error.tid
       && same_Bug(last_access_error.kind, held_read.kind))
      return;
   /* Later uses of the same dead object by this thread are the same
      bug (record_access_error's rule). */
   last_access_error.tid    = held_read.tid;
   last_access_error.kind   = held_read.kind;
   last_access_error.serial = held_read.err.blk.known
                              ? held_read.err.blk.serial : held_read.obj;
   kind = attach_Borrow(held_read.kind, &held_read.err);
   for (i = 0; i < n_held_seen; i++)
      if (held_seen[i].where == held_read.where
          && held_seen[i].kind == kind
          && VG_(strcmp)(held_seen[i].pytype,
                         held_read.err.blk.pytype) == 0)
         return;
   if (n_held_seen < PR_MAX_HELD_SEEN) {
      held_seen[n_held_seen].where  = held_read.where;
      held_seen[n_held_seen].kind   = kind;
      held_seen[n_held_seen].pytype = VG_(strdup)("pr.settle.1",
                                         held_read.err.blk.pytype);
      n_held_seen++;
   }
   VG_(unique_error)(held_read.tid, kind,
                     held_read.obj, NULL, &held_read.err, held_read.where,
                     /*print_error*/True, /*allow_GDB_attach*/False,
                     /*count_error*/True);
}

void PR_(record_free_error) ( ThreadId tid, PR_ErrorKind kind, Addr p,
                              PR_Family freed_with,
                              const PR_BlockDesc* blk )
{
   PR_Error err;
   tl_assert(kind == Err_DoubleFree || kind == Err_InvalidFree
             || kind == Err_MismatchedFree);
   /* A dead object deallocated again frees its block again: one bug. */
   if (kind == Err_DoubleFree && blk->known
       && last_access_error.kind == Err_DoubleDealloc
       && last_access_error.serial == blk->serial
       && last_access_error.tid == tid)
      return;
   VG_(memset)(&last_access_error, 0, sizeof last_access_error);
   VG_(memset)(&err, 0, sizeof err);
   err.addr = p; err.freed_with = freed_with; err.blk = *blk;
   record(tid, kind, p, &err);
}

/*------------------------------------------------------------*/
/*--- Printing                                            ---*/
/*------------------------------------------------------------*/

/* Print through the text log or the XML sink, whichever is on.  In
   XML mode every string from the client (type names) goes through
   %pS, which escapes it. */
#define emit VG_(emit)

static const HChar* family_Alloc_Name ( PR_Family f )
{
   switch (f) {
      case PR_FamMalloc:   return "malloc";
      case PR_FamNew:      return "operator new";
      case PR_FamNewArray: return "operator new[]";
      case PR_FamRaw:      return "PyMem_RawMalloc";
      case PR_FamMem:      return "PyMem_Malloc";
      case PR_FamObj:      return "PyObject_Malloc";
      default:             return "an unknown allocator";
   }
}

static const HChar* family_Free_Name ( PR_Family f )
{
   switch (f) {
      case PR_FamMalloc:   return "free";
      case PR_FamNew:      return "operator delete";
      case PR_FamNewArray: return "operator delete[]";
      case PR_FamRaw:      return "PyMem_RawFree";
      case PR_FamMem:      return "PyMem_Free";
      case PR_FamObj:      return "PyObject_Free";
      default:             return "an unknown deallocator";
   }
}

/* Where a is relative to the block: "before", "inside" or "after",
   and how many bytes from its start or end. */
static const HChar* position_Words ( const PR_BlockDesc* b, Addr a,
                                     /*OUT*/SizeT* dist )
{
   if (a < b->start) {
      *dist = b->start - a;
      return "before";
   }
   if (a >= b->start + b->size) {
      *dist = a - (b->start + b->size);
      return "after";
   }
   *dist = a - b->start;
   return "inside";
}

/* "Address 0x... is 8 bytes inside a block of 32 bytes (a tuple)
   allocated with PyObject_Malloc, freed" and where it lives. */
static void pp_Block ( const PR_BlockDesc* b, Addr a, Bool xml )
{
   SizeT        dist = 0;
   const HChar* pos;
   const HChar* state = b->state == PR_BlockFreed ? "freed" : "live";
   const HChar* obj_pre  = b->obj_state == PR_ObjDead
                           && b->state != PR_BlockFreed
                           ? " (a dead Python " : " (a Python ";
   const HChar* obj_post = b->obj_state == PR_ObjDead
                           && b->state != PR_BlockFreed
                           ? " object, kept for reuse by its type)"
                           : " object)";

   if (!b->known) {
      if (xml)
         emit("  <auxwhat>Address 0x%lx is %s</auxwhat>\n", a, b->note);
      else
         emit(" Address 0x%lx is %s\n", a, b->note);
      return;
   }

   pos = position_Words(b, a, &dist);
   if (xml) {
      emit("  <xauxwhat>\n");
      emit("    <text>Address 0x%lx is %lu bytes %s a %s block of "
           "size %lu allocated with %s%s%pS%s</text>\n",
           a, dist, pos, state, b->size, family_Alloc_Name(b->family),
           b->pytype[0] ? obj_pre : "", b->pytype,
           b->pytype[0] ? obj_post : "");
      emit("    <block>\n");
      emit("      <addr>0x%lx</addr>\n", b->start);
      emit("      <size>%lu</size>\n", b->size);
      emit("      <offset>%lld</offset>\n", (Long)(a - b->start));
      emit("      <state>%s</state>\n", state);
      emit("      <allocator>%s</allocator>\n",
           family_Alloc_Name(b->family));
      if (b->pytype[0])
         emit("      <pytype>%pS</pytype>\n", b->pytype);
      if (b->obj_off != PR_NO_OBJ)
         emit("      <objoffset>%u</objoffset>\n", b->obj_off);
      if (b->in_pool) {
         emit("      <pymalloc>\n");
         emit("        <arena>%u</arena>\n", b->arena_index);
         emit("        <pool>0x%lx</pool>\n", b->pool);
         emit("        <sizeclass>%u</sizeclass>\n", b->size_class);
         emit("        <blockindex>%u</blockindex>\n", b->block_index);
         emit("      </pymalloc>\n");
      }
      emit("    </block>\n");
      emit("  </xauxwhat>\n");
   } else {
      emit(" Address 0x%lx is %lu bytes %s a %s block of size %lu "
           "allocated with %s%s%s%s\n",
           a, dist, pos, state, b->size, family_Alloc_Name(b->family),
           b->pytype[0] ? obj_pre : "", b->pytype,
           b->pytype[0] ? obj_post : "");
      if (b->in_pool)
         emit(" The block is block %u of a %u-byte size-class pool at "
              "0x%lx in pymalloc arena %u\n",
              b->block_index, b->size_class, b->pool, b->arena_index);
   }
}

/*------------------------------------------------------------*/
/*--- Stacks, plumbing left out                           ---*/
/*------------------------------------------------------------*/

/* The functions a report's reader did not write and need not see
   first: CPython's refcount helpers and object-header accessors
   (static inline in 3.10+, so they appear as inlined frames even in
   -O0 extensions), and the deallocation entry point. */
static const HChar* const plumbing_fns[] = {
   "Py_INCREF", "Py_DECREF", "Py_XINCREF", "Py_XDECREF",
   "_Py_INCREF", "_Py_DECREF", "_Py_XINCREF", "_Py_XDECREF",
   "Py_IncRef", "Py_DecRef", "_Py_IncRef", "_Py_DecRef",
   "_Py_DECREF_SPECIALIZED", "_Py_DECREF_NO_DEALLOC",
   "_Py_DECREF_IMMORTAL", "_Py_IsImmortal",
   "Py_REFCNT", "_Py_REFCNT", "Py_SET_REFCNT", "_Py_SET_REFCNT",
   "Py_TYPE", "_Py_TYPE", "Py_IS_TYPE", "_Py_IS_TYPE", "Py_SIZE",
   "_Py_Dealloc",
};

/* Is the text frame "0x...: NAME (file:line)" or "0x...: NAME (in
   object)" one of those? */
static Bool is_Plumbing_Frame ( const HChar* desc )
{
   const HChar* name = VG_(strstr)(desc, ": ");
   SizeT len;
   Int   i;
   if (name == NULL)
      return False;
   name += 2;
   len = VG_(strlen)(name);
   {
      const HChar* paren = VG_(strstr)(name, " (");
      if (paren != NULL)
         len = paren - name;
   }
   for (i = 0; i < sizeof plumbing_fns / sizeof plumbing_fns[0]; i++)
      if (VG_(strlen)(plumbing_fns[i]) == len
          && VG_(strncmp)(plumbing_fns[i], name, len) == 0)
         return True;
   /* An LTO build's inlined calls whose names its debug info lost
      (Debian's python3.11): those from object.h are the same
      helpers. */
   return VG_(strncmp)(name, "UnknownInlinedFun (object.h:", 28) == 0;
}

/* Two walks of a stack, frame by frame (inlined calls included): the
   first counts the leading plumbing frames, the second prints the
   rest as Valgrind does ("at" first, then "by"). */
typedef
   struct {
      Bool counting;
      Bool past_plumbing; /* counting: a frame of the user's seen     */
      UInt n_frames;      /* counting: all the frames                 */
      UInt n_skip;        /* the leading plumbing frames              */
      UInt n_seen;        /* printing: frames walked so far           */
   }
   PR_StackWalk;

static void walk_Frame ( UInt n, DiEpoch ep, Addr ip, void* opaque )
{
   PR_StackWalk* w       = opaque;
   InlIPCursor*  iipc    = VG_(new_IIPC)(ep, ip);
   Bool          preload = PR_(in_preload)(ip);
   do {
      const HChar* desc = VG_(describe_IP)(ep, ip, iipc);
      if (w->counting) {
         w->n_frames++;
         if (!w->past_plumbing && (preload || is_Plumbing_Frame(desc)))
            w->n_skip++;
         else
            w->past_plumbing = True;
      } else {
         if (w->n_seen >= w->n_skip)
            VG_(message)(Vg_UserMsg, "   %s %s\n",
                         w->n_seen == w->n_skip ? "at" : "by", desc);
         w->n_seen++;
      }
   } while (VG_(next_IIPC)(iipc));
   VG_(delete_IIPC)(iipc);
}

/* The core's, not in 3.19's public headers (pub_core_execontext.h),
   but in libcoregrind, which the tool links with. */
extern StackTrace VG_(get_ExeContext_StackTrace) ( const ExeContext* e );

static void pp_Stack ( ExeContext* ec )
{
   PR_StackWalk w;
   DiEpoch      ep;
   StackTrace   ips;
   UInt         n_ips;

   if (VG_(clo_xml) || PR_(clo_show_plumbing)) {
      VG_(pp_ExeContext)(ec);
      return;
   }
   ep    = VG_(get_ExeContext_epoch)(ec);
   ips   = VG_(get_ExeContext_StackTrace)(ec);
   n_ips = VG_(get_ExeContext_n_ips)(ec);
   VG_(memset)(&w, 0, sizeof w);
   w.counting = True;
   VG_(apply_StackTrace)(walk_Frame, &w, ep, ips, n_ips);
   if (w.n_skip == w.n_frames)
      w.n_skip = 0;        /* all plumbing: show it all */
   w.counting = False;
   VG_(apply_StackTrace)(walk_Frame, &w, ep, ips, n_ips);
}

static void pp_Aux_Stack ( const HChar* title, ExeContext* ec, Bool xml )
{
   if (ec == NULL)
      return;
   if (xml)
      emit("  <auxwhat>%pS</auxwhat>\n", title);
   else
      emit(" %s\n", title);
   pp_Stack(ec);
}

/* ob_refcnt, ob_type, or "offset N" of the object. */
static const HChar* field_Name ( Long off, /*OUT*/HChar* buf, Int bufsz )
{
   if (off == 0)
      return "ob_refcnt";
   if (off == 8)
      return "ob_type";
   VG_(snprintf)(buf, bufsz, "offset %lld", off);
   return buf;
}

static Bool is_Object_Kind ( PR_ErrorKind k )
{
   return k == Err_ExtraDecref || k == Err_DoubleDealloc
          || k == Err_UseAfterDealloc || k == Err_DeallocStatic
          || k == Err_StaleBorrow;
}

/* The nearest Memcheck kind, and its wording as Memcheck prints it
   (which CTest matches). */
static const HChar* memcheck_Kind ( PR_ErrorKind kind, Bool isWrite,
                                    /*OUT*/const HChar** wording )
{
   switch (kind) {
      case Err_ExtraDecref:     /* found at its read, but it writes */
         *wording = "Invalid write of size";
         return "InvalidWrite";
      case Err_UseAfterFree: case Err_HeapOverflow:
      case Err_UseAfterDealloc: case Err_StaleBorrow:
         *wording = isWrite ? "Invalid write of size" : "Invalid read of size";
         return isWrite ? "InvalidWrite" : "InvalidRead";
      case Err_MismatchedFree:
         *wording = "Mismatched free() / delete / delete []";
         return "MismatchedFree";
      default:                  /* frees, deallocs of what is not live */
         *wording = "Invalid free() / delete / delete[] / realloc()";
         return "InvalidFree";
   }
}

static void pr_pp_Error ( const Error* e )
{
   const Bool      xml  = VG_(clo_xml);
   const PR_Error* err  = VG_(get_error_extra)(e);
   PR_ErrorKind    kind = VG_(get_error_kind)(e);
   const HChar*    name = kind_Name(kind);
   const PR_BlockDesc* b = &err->blk;
   const HChar*    type = b->pytype[0] ? b->pytype : "Python";
   const HChar*    freed = b->known && b->state == PR_BlockFreed
                           ? ", freed" : "";
   HChar what[500], fbuf[32];
   const HChar* field = field_Name((Long)(err->addr - err->obj),
                                   fbuf, sizeof fbuf);

   switch (kind) {
      case Err_UseAfterFree:
         VG_(snprintf)(what, sizeof what, "%s of size %lu in a freed block",
                       err->isWrite ? "write" : "read", err->szB);
         break;
      case Err_HeapOverflow:
         VG_(snprintf)(what, sizeof what, "%s of size %lu outside any "
                       "live heap block",
                       err->isWrite ? "write" : "read", err->szB);
         break;
      case Err_DoubleFree:
         VG_(snprintf)(what, sizeof what, "%s of a block that was "
                       "already freed", family_Free_Name(err->freed_with));
         break;
      case Err_InvalidFree:
         VG_(snprintf)(what, sizeof what, "%s of a pointer that is not "
                       "the start of a heap block",
                       family_Free_Name(err->freed_with));
         break;
      case Err_MismatchedFree:
         VG_(snprintf)(what, sizeof what, "%s of a block allocated with "
                       "%s (free it with %s)",
                       family_Free_Name(err->freed_with),
                       family_Alloc_Name(b->family),
                       family_Free_Name(b->family));
         break;
      case Err_ExtraDecref:
         VG_(snprintf)(what, sizeof what, "Py_DECREF of a dead%s %s "
                       "object (its ob_refcnt was %lld)", freed, type,
                       err->refcnt);
         break;
      case Err_DoubleDealloc:
         VG_(snprintf)(what, sizeof what, "the refcount of a dead%s %s "
                       "object reaches zero again: a second dealloc",
                       freed, type);
         break;
      case Err_UseAfterDealloc:
         VG_(snprintf)(what, sizeof what, "%s of size %lu at %s of a "
                       "dead %s object", err->isWrite ? "write" : "read",
                       err->szB, field, type);
         break;
      case Err_StaleBorrow:
         VG_(snprintf)(what, sizeof what, "%s of size %lu at %s of a "
                       "dead%s %s object lent by %s",
                       err->isWrite ? "write" : "read", err->szB, field,
                       freed, type, err->borrow.api);
         break;
      case Err_DeallocStatic:
         VG_(snprintf)(what, sizeof what, "the refcount of the statically "
                       "allocated %s object at 0x%lx reached zero", type,
                       err->obj);
         break;
      default:
         tl_assert(0);
   }

   if (PR_(clo_report_kinds) == PR_KindsMemcheck) {
      const HChar* wording;
      HChar        mc_what[sizeof what + 100];
      const HChar* mc_name = memcheck_Kind(kind, err->isWrite, &wording);
      SizeT        szB     = err->szB > 0 ? err->szB : sizeof(Word);
      if (VG_(strstr)(wording, "of size") != NULL)
         VG_(snprintf)(mc_what, sizeof mc_what, "%s %lu (%s: %s)",
                       wording, szB, name, what);
      else
         VG_(snprintf)(mc_what, sizeof mc_what, "%s (%s: %s)",
                       wording, name, what);
      VG_(strcpy)(what, mc_what);
      name = mc_name;
   }

   if (xml) {
      emit("  <kind>%s</kind>\n", name);
      emit("  <xwhat>\n");
      emit("    <text>%pS</text>\n", what);
      if (PR_(clo_report_kinds) == PR_KindsMemcheck)
         emit("    <pyrefkind>%s</pyrefkind>\n", kind_Name(kind));
      emit("    <addr>0x%lx</addr>\n", err->addr);
      if (kind == Err_UseAfterFree || kind == Err_HeapOverflow
          || (is_Object_Kind(kind) && err->szB > 0)) {
         /* A decrement is found at its read, but it writes. */
         Bool writes = err->isWrite || kind == Err_ExtraDecref
                       || kind == Err_DoubleDealloc;
         emit("    <access>%s</access>\n", writes ? "write" : "read");
         emit("    <size>%lu</size>\n", err->szB);
      }
      if (is_Object_Kind(kind)) {
         emit("    <object>0x%lx</object>\n", err->obj);
         if (b->pytype[0])
            emit("    <pytype>%pS</pytype>\n", b->pytype);
         emit("    <field>%s</field>\n", field);
         emit("    <refcount>%lld</refcount>\n", err->refcnt);
         if (err->lent) {
            emit("    <borrow>\n");
            emit("      <api>%s</api>\n", err->borrow.api);
            if (err->borrow.container) {
               emit("      <container>0x%lx</container>\n",
                    err->borrow.container);
               if (err->borrow.container_type[0])
                  emit("      <containertype>%pS</containertype>\n",
                       err->borrow.container_type);
            }
            emit("    </borrow>\n");
         }
      } else if (kind != Err_UseAfterFree && kind != Err_HeapOverflow) {
         emit("    <freedwith>%s</freedwith>\n",
              family_Free_Name(err->freed_with));
      }
      emit("  </xwhat>\n");
   } else {
      if (PR_(clo_report_kinds) == PR_KindsMemcheck)
         emit("%s\n", what);
      else
         emit("%s: %s\n", name, what);
   }
   pp_Stack(VG_(get_error_where)(e));

   pp_Block(b, err->addr, xml);
   if (err->lent) {
      HChar title[200];
      if (err->borrow.container && err->borrow.container_type[0])
         VG_(snprintf)(title, sizeof title, "Borrowed from a %s object "
                       "(0x%lx) by %s at", err->borrow.container_type,
                       err->borrow.container, err->borrow.api);
      else
         VG_(snprintf)(title, sizeof title, "Borrowed by %s at",
                       err->borrow.api);
      pp_Aux_Stack(title, err->borrow.ec, xml);
   }
   if (b->known) {
      pp_Aux_Stack("Died at", b->died_ec, xml);
      pp_Aux_Stack("Freed at", b->free_ec, xml);
      pp_Aux_Stack("Allocated at", b->alloc_ec, xml);
   }
}

static void pr_before_pp_Error ( const Error* e )
{
}

static Bool pr_eq_Error ( VgRes res, const Error* e1, const Error* e2 )
{
   const PR_Error* a = VG_(get_error_extra)(e1);
   const PR_Error* b = VG_(get_error_extra)(e2);
   tl_assert(VG_(get_error_kind)(e1) == VG_(get_error_kind)(e2));
   return a->isWrite == b->isWrite && a->freed_with == b->freed_with
          && a->blk.family == b->blk.family
          && VG_(strcmp)(a->blk.pytype, b->blk.pytype) == 0;
}

static UInt pr_update_extra ( const Error* e )
{
   return sizeof(PR_Error);
}

/*------------------------------------------------------------*/
/*--- Suppressions                                        ---*/
/*------------------------------------------------------------*/

static Bool pr_recognised_suppression ( const HChar* name, Supp* su )
{
   Int i;
   for (i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
      if (VG_(strcmp)(name, kind_names[i].name) == 0) {
         VG_(set_supp_kind)(su, kind_names[i].kind);
         return True;
      }
   }
   return False;
}

/* The optional line after the kind: `type: PATTERN', matched against
   the Python type of the object (`*' and `?' wildcards; an error that
   names no Python type matches only a pattern that matches the empty
   string, such as `*').  The line is the supp's extra: the pattern. */
#define PR_TYPE_LINE "type:"

static Bool pr_read_extra_suppression_info ( Int fd, HChar** bufpp,
                                             SizeT* nBufp, Int* lineno,
                                             Supp* su )
{
   HChar* pattern;
   /* True at the end of the file or at a frame line, which the core
      then takes from *bufpp: no extra line. */
   if (VG_(get_line)(fd, bufpp, nBufp, lineno))
      return True;
   if (VG_(strncmp)(*bufpp, PR_TYPE_LINE, VG_(strlen)(PR_TYPE_LINE)) != 0)
      return False;         /* a line pyref does not know; the core names
                               the file and line */
   pattern = *bufpp + VG_(strlen)(PR_TYPE_LINE);
   while (*pattern == ' ' || *pattern == '\t')
      pattern++;
   if (*pattern == 0 || VG_(strchr)(pattern, ' ') != NULL)
      return False;         /* `type:' needs one pattern */
   VG_(set_supp_extra)(su, VG_(strdup)("pr.resi.1", pattern));
   (*bufpp)[0] = 0;         /* consumed: the core reads the next line */
   return True;
}

static Bool pr_error_matches_suppression ( const Error* e, const Supp* su )
{
   const HChar*    pattern = VG_(get_supp_extra)(su);
   const PR_Error* err     = VG_(get_error_extra)(e);
   if (VG_(get_error_kind)(e) != VG_(get_supp_kind)(su))
      return False;
   return pattern == NULL || VG_(string_match)(pattern, err->blk.pytype);
}

static const HChar* pr_get_error_name ( const Error* e )
{
   return kind_Name(VG_(get_error_kind)(e));
}

/* `type: NAME' for an error about a Python object of a known type, so
   that a generated suppression matches that type only.  A return of
   nBuf asks the core for a larger buffer. */
static SizeT pr_print_extra_suppression_info ( const Error* e,
                                               /*OUT*/HChar* buf,
                                               Int nBuf )
{
   const PR_Error* err = VG_(get_error_extra)(e);
   SizeT len;
   buf[0] = 0;
   if (err->blk.pytype[0] == 0)
      return 0;
   len = VG_(strlen)(PR_TYPE_LINE " ") + VG_(strlen)(err->blk.pytype);
   if (len >= nBuf)
      return nBuf;
   VG_(snprintf)(buf, nBuf, "%s %s", PR_TYPE_LINE, err->blk.pytype);
   /* A type name is the client's string: a blank or a control
      character in it would split the line or the pattern.  Each
      becomes `?', which matches it. */
   {
      HChar* c;
      for (c = buf + VG_(strlen)(PR_TYPE_LINE " "); *c; c++)
         if ((UChar)*c <= ' ' || (UChar)*c == 0x7f)
            *c = '?';
   }
   return len;
}

static SizeT pr_print_extra_suppression_use ( const Supp* su,
                                              /*OUT*/HChar* buf,
                                              Int nBuf )
{
   buf[0] = 0;
   return 0;
}

static void pr_update_extra_suppression_use ( const Error* e,
                                              const Supp* su )
{
}

void PR_(errors_init) ( void )
{
   VG_(needs_tool_errors)(pr_eq_Error,
                          pr_before_pp_Error,
                          pr_pp_Error,
                          /*show_ThreadIDs_for_errors*/True,
                          pr_update_extra,
                          pr_recognised_suppression,
                          pr_read_extra_suppression_info,
                          pr_error_matches_suppression,
                          pr_get_error_name,
                          pr_print_extra_suppression_info,
                          pr_print_extra_suppression_use,
                          pr_update_extra_suppression_use);
}

/*--------------------------------------------------------------------*/
/*--- end                                              pr_errors.c ---*/
/*--------------------------------------------------------------------*/
