/*--------------------------------------------------------------------*/
/*--- Pyref: which CPython runs in the client.         pr_python.c ---*/
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

/* Everything pyref reports about Python objects depends on the exact
   CPython it runs in: where the refcount field sits and how wide it
   is, whether objects can be immortal, the GC pre-header in front of
   an object, the geometry of pymalloc's arenas and pools.  A report
   made with the wrong layout would be wrong, so pyref checks only the
   versions and builds it knows and refuses the others in one clear
   line, before the interpreter has allocated anything.

   The preload library (pr_intercepts.c) runs first in every client
   process.  It looks for CPython's exported symbols; when they are
   there it sends the version string, the build flags it could infer
   from which symbols exist, and an address inside libpython.  This
   file turns that into a PR_Python and a verdict:

      CHECK   3.8 to 3.13, GIL build, any release or debug build
              (Py_TRACE_REFS only from 3.13, where it no longer changes
              the object header);
      REFUSE  anything else, with --unsupported-python=refuse (default):
              the preload then ends the process with exit status 3;
      IGNORE  anything else, with --unsupported-python=ignore: the
              program runs, and pyref makes no Python-level checks. */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_options.h"
#include "pub_tool_vki.h"

#include "pr_include.h"
#include "pr_request.h"

PR_Python PR_(python);

/* The versions pyref knows, inclusive: the layout facts in the rest of
   the tool are per-version tables over exactly this range. */
#define PR_MIN_MINOR 8
#define PR_MAX_MINOR 13

/*------------------------------------------------------------*/
/*--- Reading the version string                          ---*/
/*------------------------------------------------------------*/

/* Copy the first word of the client's Py_GetVersion() string, e.g.
   "3.11.2" out of "3.11.2 (main, Apr 28 2025, ...) [GCC 12.2.0]",
   checking each byte is readable client memory. */
static void copy_Version_word ( Addr str, /*OUT*/HChar* buf, Int bufsz )
{
   Int i;
   for (i = 0; i < bufsz - 1; i++) {
      if (!VG_(am_is_valid_for_client)(str + i, 1, VKI_PROT_READ))
         break;
      HChar c = *(const HChar*)(str + i);
      if (c == 0 || c == ' ')
         break;
      buf[i] = c;
   }
   buf[i] = 0;
}

/* Parse "X.Y.Z..." into numbers; anything after the digits of Z
   ("rc1", "a2+") is a pre-release tag kept only in the string. */
static Bool parse_Version ( const HChar* s,
                            /*OUT*/UInt* major, /*OUT*/UInt* minor,
                            /*OUT*/UInt* micro )
{
   UInt part[3] = { 0, 0, 0 };
   Int  n;
   for (n = 0; n < 3; n++) {
      if (!VG_(isdigit)(*s))
         return n >= 2;         /* "3.14" alone is acceptable */
      while (VG_(isdigit)(*s))
         part[n] = part[n] * 10 + (UInt)(*s++ - '0');
      if (n < 2 && *s != '.')
         return False;
      if (n < 2)
         s++;
      *major = part[0]; *minor = part[1]; *micro = part[2];
   }
   return True;
}

/*------------------------------------------------------------*/
/*--- Where libpython lives                               ---*/
/*------------------------------------------------------------*/

/* A shared build has its API in libpython3.X.so; Debian's python3.11
   links libpython into the executable, which has no soname. */
static Addr python_text_lo = 0, python_text_hi = 0;

static void locate_Libpython ( Addr anchor )
{
   PR_Python* py = &PR_(python);
   DebugInfo* di = VG_(find_DebugInfo)(VG_(current_DiEpoch)(), anchor);
   const HChar* file   = di ? VG_(DebugInfo_get_filename)(di) : NULL;
   const HChar* soname = di ? VG_(DebugInfo_get_soname)(di)   : NULL;

   if (di) {
      python_text_lo = VG_(DebugInfo_get_text_avma)(di);
      python_text_hi = python_text_lo + VG_(DebugInfo_get_text_size)(di);
   }

   py->static_lib = !PR_(soname_starts)(soname, "libpython");
   VG_(strncpy)(py->libpath, file ? file : "an unknown object",
                sizeof py->libpath - 1);
   py->libpath[sizeof py->libpath - 1] = 0;
}

/*------------------------------------------------------------*/
/*--- The verdict                                         ---*/
/*------------------------------------------------------------*/

/* Why this build is refused, as a parenthesised note after the
   version, or NULL when pyref supports it. */
static const HChar* why_Unsupported ( const PR_Python* py, Bool parsed )
{
   if (!parsed || py->major != 3
       || py->minor < PR_MIN_MINOR || py->minor > PR_MAX_MINOR)
      return "";
   if (py->free_threaded)
      return " (free-threaded build)";
   if (py->trace_refs && py->minor < 13)
      return " (--with-trace-refs build)";
   return NULL;
}

UWord PR_(python_found) ( Addr version_str, UWord flags, Addr anchor )
{
   PR_Python* py = &PR_(python);
   Bool parsed;
   const HChar* why;

   VG_(memset)(py, 0, sizeof *py);
   py->found = True;
   copy_Version_word(version_str, py->version, sizeof py->version);
   parsed = parse_Version(py->version, &py->major, &py->minor, &py->micro);
   py->debug         = (flags & PR_PYFLAG_DEBUG) != 0;
   py->trace_refs    = (flags & PR_PYFLAG_TRACE_REFS) != 0;
   py->free_threaded = (flags & PR_PYFLAG_FREE_THREADED) != 0;
   locate_Libpython(anchor);

   why = why_Unsupported(py, parsed);
   if (why == NULL) {
      py->supported = True;
      if (VG_(clo_verbosity) > 1)
         VG_(umsg)("pyref: CPython %s, %s build, libpython %s %s\n",
                   py->version, py->debug ? "debug" : "release",
                   py->static_lib ? "linked into" : "from", py->libpath);
      return PR_VERDICT_CHECK;
   }

   /* One line, shown even with -q: a run that checks nothing must
      never pass for a clean run. */
   if (PR_(clo_unsupported_python) == PR_UnsupportedIgnore) {
      VG_(umsg)("pyref: CPython %s%s is not supported (pyref supports "
                "3.%d to 3.%d); running it without Python checks.\n",
                py->version[0] ? py->version : "of unknown version", why,
                PR_MIN_MINOR, PR_MAX_MINOR);
      return PR_VERDICT_IGNORE;
   }
   VG_(umsg)("pyref: CPython %s%s is not supported (pyref supports "
             "3.%d to 3.%d); stopping with exit status %d. Use "
             "--unsupported-python=ignore to run it without Python "
             "checks.\n",
             py->version[0] ? py->version : "of unknown version", why,
             PR_MIN_MINOR, PR_MAX_MINOR, PR_EXIT_UNSUPPORTED_PYTHON);
   return PR_VERDICT_REFUSE;
}

void PR_(python_absent) ( void )
{
   VG_(memset)(&PR_(python), 0, sizeof PR_(python));
   if (VG_(clo_verbosity) > 1)
      VG_(umsg)("pyref: no CPython in this process\n");
}

UWord PR_(python_hexversion) ( void )
{
   const PR_Python* py = &PR_(python);
   if (!py->supported)
      return 0;
   return (py->major << 24) | (py->minor << 16) | (py->micro << 8);
}

/*------------------------------------------------------------*/
/*--- Per-version layout facts                            ---*/
/*------------------------------------------------------------*/

/* pymalloc's pool size: 4 KiB up to 3.9, 16 KiB from 3.10 on
   (USE_LARGE_POOLS with the radix tree).  0 when no CPython is
   checked. */
SizeT PR_(python_pool_size) ( void )
{
   const PR_Python* py = &PR_(python);
   if (!py->supported)
      return 0;
   return py->minor <= 9 ? 4096 : 16384;
}

/* &PyType_Type in the client, from the preload. */
static Addr type_type = 0;

void PR_(python_set_type_type) ( Addr a )
{
   type_type = a;
}

static Bool read_Word ( Addr a, /*OUT*/Addr* w )
{
   if (!VG_IS_8_ALIGNED(a)
       || !VG_(am_is_valid_for_client)(a, sizeof(Addr), VKI_PROT_READ))
      return False;
   *w = *(Addr*)a;
   return True;
}

Bool PR_(in_python_code) ( Addr a )
{
   return a >= python_text_lo && a < python_text_hi;
}

void PR_(python_text_range) ( /*OUT*/Addr* lo, /*OUT*/Addr* hi )
{
   *lo = python_text_lo;
   *hi = python_text_hi;
}

Bool PR_(python_read_word) ( Addr a, /*OUT*/UWord* w )
{
   return read_Word(a, w);
}

/* Does a point to a C string that starts like a name: for its first
   few bytes, no control character (UTF-8's non-ASCII bytes are fine:
   `class Ça' is a type named so), and not empty? */
static Bool is_Name ( Addr a )
{
   Int i;
   for (i = 0; i < 4; i++) {
      UChar c;
      if (!VG_(am_is_valid_for_client)(a + i, 1, VKI_PROT_READ))
         return False;
      c = *(const UChar*)(a + i);
      if (c == 0)
         return i > 0;
      if (c < 0x20 || c == 0x7f)
         return False;
   }
   return True;
}

/* Is t a type object?  It must be ready (Py_TPFLAGS_READY, as every
   type in use is), and its own type must be `type' or a metatype (a
   subclass of type: Py_TPFLAGS_TYPE_SUBCLASS).  Those two words can
   come together by chance in memory full of pointers (numpy's cache of
   freed data buffers: the word after a static count that reached zero
   pointed to one), so a type must also have a name (tp_name, which
   every type has) and an instance size of at least an object
   header. */
static Bool is_Type ( Addr t )
{
   Addr meta, flags, meta_flags, name, basicsize;
   if (!read_Word(t + 8, &meta))
      return False;
   if (!read_Word(t + 168, &flags) || !(flags & (1UL << 12)))
      return False;
   if (meta != type_type
       && !(read_Word(meta + 168, &meta_flags)
            && (meta_flags & (1UL << 31))))
      return False;
   return read_Word(t + 32, &basicsize) && basicsize >= 16
          && read_Word(t + 24, &name) && is_Name(name);
}

/* tp_name (offset 24 in PyTypeObject, all versions), byte by byte:
   it is client memory. */
void PR_(python_type_name) ( Addr type, /*OUT*/HChar* buf, Int bufsz )
{
   Addr name;
   Int  j;
   buf[0] = 0;
   if (!PR_(python_is_type)(type) || !read_Word(type + 24, &name))
      return;
   for (j = 0; j < bufsz - 1; j++) {
      if (!VG_(am_is_valid_for_client)(name + j, 1, VKI_PROT_READ))
         break;
      buf[j] = *(const HChar*)(name + j);
      if (buf[j] == 0)
         break;
   }
   buf[j] = 0;
}

/* Name the Python type of the object a block of `size' bytes at
   `start' holds, or leave buf empty.  The object is at the block's
   start, or after the GC header (16 bytes), or after the 3.11+
   pre-header (32 bytes); the first offset whose ob_type is a type
   whose tp_basicsize fits in the block wins.  Offsets in PyObject and
   PyTypeObject (ob_type 8, tp_name 24, tp_basicsize 32) are the same
   in every version pyref supports. */
/* tp_flags' offset in PyTypeObject (3.8-3.13), and the flags that put
   memory before the object. */
#define PR_TP_FLAGS              168
#define PR_TPFLAGS_MANAGED_WEAKREF (1UL << 3)    /* 3.12+ */
#define PR_TPFLAGS_MANAGED_DICT    (1UL << 4)    /* 3.11+ */
#define PR_TPFLAGS_HAVE_GC         (1UL << 14)
#define PR_TPFLAGS_UNICODE_SUBCLASS (1UL << 28)

/* How many bytes an object of a type with these flags has before it in
   its block: the GC header, then the pre-header of managed dict and
   weakref pointers (3.11: dict only; 3.12+: either). */
static SizeT pre_Size ( UWord flags )
{
   UInt  minor = PR_(python).minor;
   SizeT n = (flags & PR_TPFLAGS_HAVE_GC) ? 16 : 0;
   if ((minor == 11 && (flags & PR_TPFLAGS_MANAGED_DICT))
       || (minor >= 12 && (flags & (PR_TPFLAGS_MANAGED_DICT
                                    | PR_TPFLAGS_MANAGED_WEAKREF))))
      n += 16;
   return n;
}

/* What pyref needs of a type, cached: every death asks.  A type is
   validated (is_Type: readable, ready, its type is `type' or a
   metatype, named, sized) once, when it enters the cache; a heap type's entry goes
   when its block is freed (PR_(python_forget_type)). */
typedef
   struct {
      Addr  type;
      UWord flags;
      UWord basicsize;      /* 40 for str (see below) */
   }
   PR_TypeInfo;

#define PR_TYPE_CACHE 1024
static PR_TypeInfo type_cache[PR_TYPE_CACHE];

static inline UInt type_Slot ( Addr t )
{
   return (UInt)(t >> 4) & (PR_TYPE_CACHE - 1);
}

static const PR_TypeInfo* type_Info ( Addr t )
{
   PR_TypeInfo* e = &type_cache[type_Slot(t)];
   UWord flags, basicsize;
   if (e->type == t && t != 0)
      return e;
   if (!is_Type(t) || !read_Word(t + PR_TP_FLAGS, &flags))
      return NULL;
   /* A compact str keeps its characters where tp_basicsize counts
      pointers to them: its fixed part is 40 bytes. */
   if (flags & PR_TPFLAGS_UNICODE_SUBCLASS)
      basicsize = 40;
   else if (!read_Word(t + 32, &basicsize))
      return NULL;
   e->type = t; e->flags = flags; e->basicsize = basicsize;
   PR_(objects_new_type)(t);
   return e;
}

Bool PR_(python_is_type) ( Addr t )
{
   return PR_(python).supported && type_type != 0 && type_Info(t) != NULL;
}

void PR_(python_forget_type) ( Addr a )
{
   PR_TypeInfo* e = &type_cache[type_Slot(a)];
   if (e->type == a)
      e->type = 0;
}

Bool PR_(python_object_fits) ( Addr start, SizeT size, SizeT off,
                               /*OUT*/Addr* type_out )
{
   const PR_TypeInfo* ti;
   Addr type;
   if (!PR_(python).supported || type_type == 0)
      return False;
   if ((off == 32 && PR_(python).minor < 11) || off + 16 > size)
      return False;
   /* Inside a heap block pyref knows: mapped. */
   type = *(Addr*)(start + off + 8);
   ti   = type_Info(type);
   if (ti == NULL || off != pre_Size(ti->flags))
      return False;
   /* Its block holds at least the fixed part (16 bytes of slack: the
      last granule). */
   if (off + ti->basicsize > size + 16)
      return False;
   if (type_out)
      *type_out = type;
   return True;
}

UInt PR_(python_object_offset) ( Addr start, SizeT size, /*OUT*/Addr* type )
{
   static const UInt offsets[] = { 0, 16, 32 };
   Int i;
   for (i = 0; i < sizeof offsets / sizeof offsets[0]; i++)
      if (PR_(python_object_fits)(start, size, offsets[i], type))
         return offsets[i];
   return PR_NO_OBJ;
}

void PR_(python_type_in_block) ( Addr start, SizeT size,
                                 /*OUT*/HChar* buf, Int bufsz )
{
   Addr type;
   buf[0] = 0;
   if (PR_(python_object_offset)(start, size, &type) != PR_NO_OBJ)
      PR_(python_type_name)(type, buf, bufsz);
}

/*--------------------------------------------------------------------*/
/*--- end                                              pr_python.c ---*/
/*--------------------------------------------------------------------*/
