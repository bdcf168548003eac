/* pyref.h: public client requests of vg-pyref.

   SPDX-License-Identifier: BSD-2-Clause

   This one file is under the BSD 2-Clause licence so that programs of
   any licence may include it; the rest of vg-pyref is under the GNU
   General Public License, version 2 or later.

   Redistribution and use in source and binary forms, with or without
   modification, are permitted provided that the following conditions
   are met:

   1. Redistributions of source code must retain the above copyright
      notice, this list of conditions and the following disclaimer.
   2. Redistributions in binary form must reproduce the above copyright
      notice, this list of conditions and the following disclaimer in
      the documentation and/or other materials provided with the
      distribution.

   THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
   "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
   LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR
   A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
   HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT,
   INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING,
   BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS
   OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND
   ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR
   TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE
   USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH
   DAMAGE.
*/

/* Client requests for programs and C extensions run under
   `valgrind --tool=pyref`.  Like memcheck.h, this header costs nothing
   when the program runs natively: every macro then evaluates to its
   default value in a handful of instructions.

   Include it from C code:

      #include <valgrind/pyref.h>

      if (PYREF_PYTHON_VERSION() == 0)
          ...  // not under pyref, or pyref is not checking this CPython
*/

#ifndef __PYREF_H
#define __PYREF_H

#include "valgrind.h"

/* Public requests.  Never renumber one: compiled programs carry the
   numbers.  Add new ones at the end. */
typedef
   enum {
      /* Returns the version of the CPython that pyref is checking in
         this process, as PY_VERSION_HEX without the release level
         (0x030B0200 for 3.11.2), or 0 when no CPython was found or its
         version is not supported. */
      VG_USERREQ__PYREF_PYTHON_VERSION = VG_USERREQ_TOOL_BASE('P','R')
   }
   Vg_PyrefClientRequest;

/* The CPython version pyref checks in this process; 0 when the program
   runs natively, under another tool, or in a CPython pyref refused. */
#define PYREF_PYTHON_VERSION()                                        \
    (unsigned long)VALGRIND_DO_CLIENT_REQUEST_EXPR(0,                 \
        VG_USERREQ__PYREF_PYTHON_VERSION, 0, 0, 0, 0, 0)

#endif /* __PYREF_H */
