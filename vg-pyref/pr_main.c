/*--------------------------------------------------------------------*/
/*--- Pyref: checks the ownership of CPython objects and heap      ---*/
/*--- blocks.                                            pr_main.c ---*/
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

/* The tool's entry points: registration with the core, command-line
   options, client requests (from the preload library and from users'
   code through pyref.h) and the end of the run.  The work itself is in
   the other pr_*.c files, one per concern (see HACKING.md). */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_options.h"
#include "pub_tool_replacemalloc.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vki.h"

#include "pr_include.h"
#include "pr_request.h"

/*------------------------------------------------------------*/
/*--- Command line options                                ---*/
/*------------------------------------------------------------*/

PR_UnsupportedPolicy PR_(clo_unsupported_python) = PR_UnsupportedRefuse;

/* --keep-stacktraces=alloc-and-free|alloc|free|none, as Memcheck's. */
static Bool parse_Keep_Stacktraces ( const HChar* value )
{
   static const struct { const HChar* name; Bool alloc, free; } kinds[] = {
      { "alloc-and-free", True,  True  },
      { "alloc",          True,  False },
      { "free",           False, True  },
      { "none",           False, False },
   };
   Int i;
   for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
      if (VG_(strcmp)(value, kinds[i].name) == 0) {
         PR_(clo_keep_alloc_stacks) = kinds[i].alloc;
         PR_(clo_keep_free_stacks)  = kinds[i].free;
         return True;
      }
   }
   return False;
}

static Bool pr_process_cmd_line_option ( const HChar* arg )
{
   const HChar* tmp_str;

   if VG_BINT_CLO(arg, "--freelist-vol", PR_(clo_freelist_vol),
                  0, 10LL*1000*1000*1000) {}
   else if VG_BINT_CLO(arg, "--borrow-records", PR_(clo_borrow_records),
                       0, 100*1000*1000) {}
   else if VG_STR_CLO(arg, "--keep-stacktraces", tmp_str) {
      if (!parse_Keep_Stacktraces(tmp_str))
         VG_(fmsg_bad_option)(arg, "--keep-stacktraces takes alloc-and-free, "
                              "alloc, free or none\n");
   }
   else if VG_BOOL_CLO(arg, "--show-plumbing", PR_(clo_show_plumbing)) {}
   else if VG_STR_CLO(arg, "--report-kinds", tmp_str) {
      if (VG_(strcmp)(tmp_str, "pyref") == 0)
         PR_(clo_report_kinds) = PR_KindsPyref;
      else if (VG_(strcmp)(tmp_str, "memcheck") == 0)
         PR_(clo_report_kinds) = PR_KindsMemcheck;
      else
         VG_(fmsg_bad_option)(arg,
            "--report-kinds takes 'pyref' or 'memcheck'\n");
   }
   else if VG_STR_CLO(arg, "--unsupported-python", tmp_str) {
      if (VG_(strcmp)(tmp_str, "refuse") == 0)
         PR_(clo_unsupported_python) = PR_UnsupportedRefuse;
      else if (VG_(strcmp)(tmp_str, "ignore") == 0)
         PR_(clo_unsupported_python) = PR_UnsupportedIgnore;
      else
         VG_(fmsg_bad_option)(arg,
            "--unsupported-python takes 'refuse' or 'ignore'\n");
   }
   else
      return VG_(replacement_malloc_process_cmd_line_option)(arg);

   return True;
}

static void pr_print_usage ( void )
{
   VG_(printf)(
"    --freelist-vol=<number>   bytes that freed blocks kept unavailable for\n"
"                              reuse, to catch late accesses, may cost,\n"
"                              with their redzones and pyref's records of\n"
"                              them [20000000]\n"
"    --borrow-records=<number> borrowed references lent to extensions that\n"
"                              are remembered (one per object, the oldest\n"
"                              recycled; 0: none), shown as \"Borrowed\" in\n"
"                              StaleBorrow reports [100000]\n"
"    --keep-stacktraces=alloc-and-free|alloc|free|none\n"
"                              stack traces kept for heap blocks, shown as\n"
"                              \"Allocated at\" and \"Freed at\" (for objects:\n"
"                              \"Died at\") [alloc-and-free]\n"
"    --report-kinds=pyref|memcheck\n"
"                              kinds errors are reported as: pyref's own, or\n"
"                              the nearest Memcheck kind and wording, for\n"
"                              consumers that know only Memcheck's (CTest,\n"
"                              Jenkins); the precise kind stays in the text\n"
"                              and in XML <pyrefkind> [pyref]\n"
"    --show-plumbing=no|yes    show, at the top of text stacks, the frames of\n"
"                              CPython's refcount helpers (Py_DECREF,\n"
"                              _Py_Dealloc, ...) and of pyref's wrappers [no]\n"
"    --unsupported-python=refuse|ignore\n"
"                              in a CPython pyref does not support: stop the\n"
"                              program with exit status %d, or run it without\n"
"                              Python checks [refuse]\n"
"    Core options whose default pyref changes: --read-inline-info=yes\n"
"    (inlined frames, such as Py_DECREF's line, in stacks) and\n"
"    --vex-guest-chase=no (faster translation of instrumented code)\n",
      PR_EXIT_UNSUPPORTED_PYTHON
   );
}

static void pr_print_debug_usage ( void )
{
   VG_(printf)("    (none)\n");
}

/*------------------------------------------------------------*/
/*--- Client requests                                     ---*/
/*------------------------------------------------------------*/

static Bool pr_handle_client_request ( ThreadId tid, UWord* arg, UWord* ret )
{
   if (!VG_IS_TOOL_USERREQ('P','R', arg[0]))
      return False;

   switch (arg[0]) {
      case VG_USERREQ__PYREF_PYTHON_VERSION:
         *ret = PR_(python_hexversion)();
         break;

      case _VG_USERREQ__PYREF_PYTHON_FOUND:
         *ret = PR_(python_found)(/*version*/arg[1], /*flags*/arg[2],
                                  /*anchor*/arg[3]);
         break;

      case _VG_USERREQ__PYREF_REGISTER_HOOKS: {
         const PR_HookTable* t = (const PR_HookTable*)arg[1];
         if (!VG_(am_is_valid_for_client)((Addr)t, sizeof *t,
                                          VKI_PROT_READ | VKI_PROT_WRITE)) {
            *ret = 0;
            break;
         }
         if (!PR_(register_hooks)(t)) {
            VG_(umsg)("pyref: warning: the preload's hook table is not "
                      "valid; CPython's allocator is not checked\n");
            *ret = 0;
            break;
         }
         {
            /* The table is client memory: our answer goes there. */
            PR_HookTable* w = (PR_HookTable*)arg[1];
            Addr lo, hi;
            PR_(python_text_range)(&lo, &hi);
            w->python_text_lo = lo;
            w->python_text_hi = hi;
            w->borrow_events  = PR_(clo_borrow_records) > 0;
            w->interp_heaps   = PR_(python).supported
                                && PR_(python).minor >= 12;
         }
         PR_(set_alloc_sp_word)(t->alloc_sp_word);
         PR_(python_set_type_type)(t->type_type);
         PR_(objects_learn_types)(t->types, PR_N_KNOWN_TYPES);
         *ret = 1;
         break;
      }

      case _VG_USERREQ__PYREF_FLUSH:
         PR_(objects_flush)();
         *ret = 0;
         break;

      case _VG_USERREQ__PYREF_NO_PYTHON:
         PR_(python_absent)();
         *ret = 0;
         break;

      default:
         VG_(message)(Vg_UserMsg,
                      "Warning: unknown pyref client request code %llx\n",
                      (ULong)arg[0]);
         return False;
   }
   return True;
}

/*------------------------------------------------------------*/
/*--- Setup and finalisation                              ---*/
/*------------------------------------------------------------*/

static void pr_post_clo_init ( void )
{
   PR_(heap_post_clo_init)();
}

static void pr_fini ( Int exitcode )
{
   PR_SETTLE(1, 0, False);   /* a dead object's refcount read last */
   if (VG_(clo_stats))
      PR_(heap_print_stats)();
}

/* The core's --read-inline-info, which it turns on by default only for
   the tools it names.  pyref needs it as much: CPython 3.12+ declares
   Py_DECREF always-inline, so even -O0 extensions have it inlined, and
   the line of the faulty Py_DECREF is an inlined frame.  Set before
   the command line is read, so --read-inline-info=no still wins. */
extern Bool VG_(clo_read_inline_info);

static void pr_pre_clo_init ( void )
{
   VG_(clo_read_inline_info) = True;

   /* No chasing: a superblock ends at the first unconditional jump,
      call or return instead of following it.  Chasing copies the
      code it follows into every superblock that reaches it, and
      pyref's access checks make each copy dear to translate (every
      check has a conditional call, and the register allocator's work
      grows with the registers each call clobbers), while CPython's
      interpreter, reached through indirect jumps, gains little from
      longer blocks.  Measured on Debian's python3.11 (user time, best
      of 3 or 4 alternating runs): `-c pass' 2.63 s -> 1.97 s, the
      allocation-heavy bench workload at size 200 11.9 s -> 10.4 s.
      Set before the command line is read: --vex-guest-chase=yes
      turns it back on. */
   VG_(clo_vex_control).guest_chase = False;

   VG_(details_name)            ("Pyref");
   VG_(details_version)         (NULL);
   VG_(details_description)     ("a CPython reference and heap checker");
   VG_(details_copyright_author)(
      "Copyright (C) 2026, the vg-pyref developers; GNU GPL'd.");
   VG_(details_bug_reports_to)  ("the vg-pyref issue tracker");
   VG_(details_avg_translation_sizeB) ( 275 );

   VG_(basic_tool_funcs)        (pr_post_clo_init,
                                 PR_(instrument),
                                 pr_fini);

   VG_(needs_command_line_options)(pr_process_cmd_line_option,
                                   pr_print_usage,
                                   pr_print_debug_usage);
   VG_(needs_client_requests)     (pr_handle_client_request);
   VG_(needs_xml_output)          ();

   PR_(errors_init)();
   PR_(heap_init)();
   PR_(borrow_init)();
}

VG_DETERMINE_INTERFACE_VERSION(pr_pre_clo_init)

/*--------------------------------------------------------------------*/
/*--- end                                                pr_main.c ---*/
/*--------------------------------------------------------------------*/
