/*--------------------------------------------------------------------*/
/*--- Pyref: private header shared by the tool's files.            ---*/
/*---                                                  pr_include.h ---*/
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

#ifndef __PR_INCLUDE_H
#define __PR_INCLUDE_H

#include "pub_tool_basics.h"
#include "pub_tool_tooliface.h"   /* VgCallbackClosure, IRSB */
#include "pub_tool_execontext.h"
#include "pr_request.h"

/* Every symbol one of our files exports to another gets this prefix,
   so none can clash with the core's. */
#define PR_(str) VGAPPEND(vgPyref_, str)

/*------------------------------------------------------------*/
/*--- pr_main.c                                            ---*/
/*------------------------------------------------------------*/

/* --unsupported-python=refuse|ignore */
typedef
   enum {
      PR_UnsupportedRefuse,   /* stop the process with exit status 3 */
      PR_UnsupportedIgnore    /* run it without Python checks        */
   }
   PR_UnsupportedPolicy;

extern PR_UnsupportedPolicy PR_(clo_unsupported_python);

/*------------------------------------------------------------*/
/*--- pr_python.c                                          ---*/
/*------------------------------------------------------------*/

/* What we know of the CPython running in the client.  One per process:
   a fork inherits it, an exec starts afresh. */
typedef
   struct {
      Bool  found;          /* a CPython was found in this process       */
      Bool  supported;      /* ... and pyref checks it                   */
      UInt  major, minor, micro;
      HChar version[32];    /* "3.11.2", "3.13.0rc1": as CPython says it */
      Bool  debug;          /* Py_REF_DEBUG (--with-pydebug)             */
      Bool  trace_refs;     /* Py_TRACE_REFS (--with-trace-refs)         */
      Bool  free_threaded;  /* Py_GIL_DISABLED (--disable-gil)           */
      Bool  static_lib;     /* libpython linked into the executable      */
      HChar libpath[256];   /* the object that holds libpython           */
   }
   PR_Python;

extern PR_Python PR_(python);

/* Handle _VG_USERREQ__PYREF_PYTHON_FOUND; returns a PR_VERDICT_*. */
extern UWord PR_(python_found) ( Addr version_str, UWord flags, Addr anchor );

/* Handle _VG_USERREQ__PYREF_NO_PYTHON. */
extern void PR_(python_absent) ( void );

/* PY_VERSION_HEX of the checked CPython without the release level, or
   0 when none is checked. */
extern UWord PR_(python_hexversion) ( void );

/* pymalloc's pool header: 48 bytes in 3.8 to 3.13. */
#define PR_POOL_OVERHEAD 48

/* pymalloc's pool size in this CPython (0: none checked). */
extern SizeT PR_(python_pool_size) ( void );

/* Where PyType_Type is in the client (from the preload). */
extern void PR_(python_set_type_type) ( Addr a );

/* The name of the type at address type, or "" if it is none. */
extern void PR_(python_type_name) ( Addr type, /*OUT*/HChar* buf, Int bufsz );

/* Is t a type object? */
extern Bool PR_(python_is_type) ( Addr t );
/* A block at a was freed: if a type object lived there, forget it. */
extern void PR_(python_forget_type) ( Addr a );

/* Is a in CPython's own code (libpython, or the executable that links
   it in)? */
extern Bool PR_(in_python_code) ( Addr a );
extern void PR_(python_text_range) ( /*OUT*/Addr* lo, /*OUT*/Addr* hi );

/* Read an aligned word of client memory, if mapped and readable. */
extern Bool PR_(python_read_word) ( Addr a, /*OUT*/UWord* w );

/* Could a PyObject start off bytes into the block [start, start+size)?
   Its ob_type must be a type whose tp_basicsize fits and whose flags
   put that much before the object (GC header, 3.11+ pre-header).
   *type_out gets the type. */
extern Bool PR_(python_object_fits) ( Addr start, SizeT size, SizeT off,
                                      /*OUT*/Addr* type_out );

/* Where the object a block holds starts in it: the first offset (0,
   16, 32) where one fits, or PR_NO_OBJ.  *type gets its type. */
extern UInt PR_(python_object_offset) ( Addr start, SizeT size,
                                        /*OUT*/Addr* type );

/* The Python type name of the object a block holds, or "". */
extern void PR_(python_type_in_block) ( Addr start, SizeT size,
                                        /*OUT*/HChar* buf, Int bufsz );

/*------------------------------------------------------------*/
/*--- pr_shadow.c                                          ---*/
/*------------------------------------------------------------*/

#define PR_GRANULE_SHIFT  4
#define PR_GRANULE        16
#define PR_L1_SHIFT       32                     /* 4 GiB per L2        */
#define PR_L1_ENTRIES     (1UL << 15)            /* covers 2^47 bytes   */
#define PR_L2_GRANULES    (1UL << (PR_L1_SHIFT - PR_GRANULE_SHIFT))
#define PR_L2_SIZE        PR_L2_GRANULES         /* one byte a granule  */

/* Shadow byte values.  0: all 16 bytes accessible.  1..15: only the
   first 16 - value bytes are (the tail of a block whose size is not a
   multiple of 16).  0x80..0x84: none is, and the value says why.  The
   inline check then needs one unsigned compare: an access whose last
   byte is at offset lo in its granule is bad exactly when the shadow
   byte is greater than 15 - lo (pr_translate.c, add_Access_Check). */
#define PR_SH_ACCESSIBLE  0x00
#define PR_SH_PARTIAL(k)  ((UChar)(PR_GRANULE - (k)))  /* k in 1..15    */
#define PR_SH_REDZONE     0x80   /* a redzone around a heap block       */
#define PR_SH_FREED       0x81   /* a freed block, in the quarantine    */
#define PR_SH_POOL_FREE   0x82   /* pymalloc arena space no block owns  */
#define PR_SH_UNALLOCATED 0x83   /* malloc space no block owns          */
#define PR_SH_DEAD        0x84   /* a dead Python object whose memory
                                    was not freed (a type's free list)  */

/* How many leading bytes of its granule a shadow byte lets through:
   16, 1..15 for a partial granule, 0 for the reasons. */
static inline UInt PR_(shadow_ok_bytes) ( UChar s )
{
   return s < PR_GRANULE ? PR_GRANULE - s : 0;
}

extern UChar* PR_(shadow_l1)[PR_L1_ENTRIES];
extern void  PR_(shadow_init)           ( void );
extern void  PR_(shadow_set)            ( Addr a, SizeT len, UChar val );
extern void  PR_(shadow_set_accessible) ( Addr a, SizeT len );
extern UChar PR_(shadow_get)            ( Addr a );
extern Bool  PR_(shadow_byte_ok)        ( Addr a );

/*------------------------------------------------------------*/
/*--- pr_heap.c                                            ---*/
/*------------------------------------------------------------*/

/* Allocator families: a block must be freed by its own family. */
typedef
   enum {
      PR_FamNone     = 0,
      PR_FamMalloc   = PR_FAM_MALLOC,    /* malloc, calloc ... / free     */
      PR_FamNew      = PR_FAM_NEW,       /* operator new / delete         */
      PR_FamNewArray = PR_FAM_NEW_ARRAY, /* operator new[] / delete[]     */
      PR_FamRaw      = PR_FAM_RAW,       /* PyMem_RawMalloc / RawFree     */
      PR_FamMem      = PR_FAM_MEM,       /* PyMem_Malloc / PyMem_Free     */
      PR_FamObj      = PR_FAM_OBJ        /* PyObject_Malloc / _Free       */
   }
   PR_Family;

typedef
   enum {
      PR_BlockLive = 1,
      PR_BlockFreed      /* in the quarantine, or freed with an error */
   }
   PR_BlockState;

/* The life of the Python object a live block holds (pr_objects.c). */
typedef
   enum {
      PR_ObjNone = 0,    /* alive, or not known to be an object        */
      PR_ObjDying,       /* refcount reached zero, dealloc running     */
      PR_ObjDead         /* dealloc done, memory kept (a free list):
                            marked PR_SH_DEAD                          */
   }
   PR_ObjState;

/* No object offset known (PR_Block.obj_off). */
#define PR_NO_OBJ 0xff

/* What pyref knows of one heap block.  The C heap's blocks and the
   CPython domains' blocks alike; kept until the block leaves the
   quarantine.  A big Python heap has millions of live blocks, each
   with its record, so the record is packed into 32 bytes:

      - the start address is kept as its granule number (blocks start
        on 16-byte boundaries, below 2^48), sharing a word with the
        flags;
      - the size shares a word with the number of the object's type in
        pr_objects.c's table of types (PR_(type_id));
      - stack traces are the core's 32-bit ExeContext numbers (ECUs:
        PR_(ec_of) gives the ExeContext back);
      - the record's own number, which the block map and the quarantine
        keep instead of a pointer, follows from its address in the
        store of pr_blockmap.c (PR_(record_index)).

   PR_block_start gives the start address. */
#define PR_MAX_BLOCK_SIZE ((1ULL << 40) - 1)   /* 1 TiB - 1: size's width */
#define PR_MAX_BLOCK_ADDR ((1ULL << 48) - 1)   /* start's width           */

typedef
   struct _PR_Block {
      /* The first 16 bytes are all a quarantine eviction reads (see
         dequeue in pr_heap.c, which prefetches them). */
      ULong             start_gran : 44; /* start address / 16; 0: a
                                            free record                 */
      ULong             family    : 3;   /* PR_Family the client used   */
      ULong             state     : 2;   /* PR_BlockState               */
      ULong             libc      : 1;   /* memory from our C heap      */
      ULong             releasing : 1;   /* outer free accepted; inner
                                            frees of the same block are
                                            expected                    */
      ULong             queued    : 1;   /* in a quarantine FIFO        */
      ULong             orphan    : 1;   /* queued, but no longer in the
                                            map                         */
      ULong             obj_state : 2;   /* PR_ObjState                 */
      ULong             obj_off   : 8;   /* the PyObject's offset in the
                                            block (0, 16, 32), or
                                            PR_NO_OBJ                   */
      ULong             size      : 40;  /* bytes the client asked for  */
      ULong             obj_type  : 24;  /* its type when it died, as
                                            PR_(type_id); 0: unknown    */
      UInt              alloc_ecu;
      UInt              free_ecu;
      UInt              died_ecu; /* where its refcount reached zero    */
      UInt              serial;   /* which allocation: unique among the
                                     last 2^32, enough to tell one life
                                     of an address from the next        */
   }
   PR_Block;

static inline Addr PR_block_start ( const PR_Block* b )
{
   return (Addr)b->start_gran << 4;
}

/*------------------------------------------------------------*/
/*--- pr_stacks.c                                          ---*/
/*------------------------------------------------------------*/

/* The stack trace of the running thread, as VG_(record_ExeContext)
   would record it, with the leading frames in our preload (the hook
   holding the event site) left out if skip_preload; from a cache when the same call
   chain was unwound before. */
extern ExeContext* PR_(stack_here) ( ThreadId tid, Bool skip_preload );
/* VG_(thread_get_stack_max), remembered for each live thread. */
extern Addr        PR_(stack_max) ( ThreadId tid );
/* An ExeContext as the 32-bit number a block record keeps (0 for
   NULL), and back. */
extern UInt        PR_(ecu_of) ( ExeContext* ec );
extern ExeContext* PR_(ec_of)  ( UInt ecu );
extern void        PR_(stacks_post_clo_init) ( void );
extern void        PR_(stacks_print_stats) ( void );

/*------------------------------------------------------------*/
/*--- pr_blockmap.c                                        ---*/
/*------------------------------------------------------------*/

/* The record store: every PR_Block, each with a fixed number. */
extern PR_Block* PR_(record_new)        ( void );
extern void      PR_(record_free)       ( PR_Block* b );
extern PR_Block* PR_(record_at)         ( UInt index );
extern UInt      PR_(record_index)      ( const PR_Block* b );
extern UWord     PR_(record_store_bytes)( void );

/* Block records by start address (PR_block_start(b), never 0): at
   most one record per address. */
/* What a block of mem bytes costs in the map: the index's entries for
   its memory, 4 bytes per 32, of which only the first is ever written,
   so no more than the page that one is in (pr_blockmap.c). */
static inline SizeT PR_blockmap_bytes_for ( SizeT mem )
{
   SizeT ix = mem / 8;
   return ix < 4 ? 4 : ix > 4096 ? 4096 : ix;
}

extern void      PR_(blockmap_init)     ( void );
extern void      PR_(blockmap_add)      ( PR_Block* b );
extern PR_Block* PR_(blockmap_lookup)   ( Addr key );
extern PR_Block* PR_(blockmap_remove)   ( Addr key );
/* Start loading the index entry where key would be, ahead of its use. */
extern void      PR_(blockmap_prefetch) ( Addr key );
extern UWord     PR_(blockmap_size)     ( void );
extern UWord     PR_(blockmap_max_size) ( void );
/* The most records that ever were in the overflow table at once. */
extern UWord     PR_(blockmap_overflow_max_size) ( void );
extern UWord     PR_(blockmap_bytes)    ( void );

/* What a report says about the block an address belongs to (or is
   nearest to).  Filled by PR_(describe_addr); self-contained, so it
   can be kept in an error after the block record is gone. */
typedef
   struct {
      Bool          known;       /* a block was found                   */
      const HChar*  note;        /* else: what the address is (static)  */
      Addr          start;
      SizeT         size;        /* bytes the client asked for          */
      PR_Family     family;
      PR_BlockState state;
      ExeContext*   alloc_ec;
      ExeContext*   free_ec;     /* NULL while live                     */
      ExeContext*   died_ec;     /* where the object in it died, or NULL */
      PR_ObjState   obj_state;
      UInt          obj_off;     /* PR_NO_OBJ: not known as an object   */
      ULong         serial;      /* the allocation, unique per run      */
      HChar         pytype[48];  /* Python type of the object in it     */
      Bool          in_pool;     /* a pymalloc block:                   */
      UInt          arena_index; /*   pymalloc's own arena number       */
      Addr          pool;        /*   the pool's address                */
      UInt          size_class;  /*   the pool's block size in bytes    */
      UInt          block_index; /*   which block of the pool           */
   }
   PR_BlockDesc;

extern void PR_(heap_init)      ( void );
extern void PR_(heap_post_clo_init) ( void );
extern void PR_(heap_print_stats) ( void );
extern void PR_(describe_addr)  ( Addr a, /*OUT*/PR_BlockDesc* d );
extern VG_REGPARM(3) void PR_(check_access_slow) ( Addr a, UWord szB_rw,
                                                    UWord value );
/* The same without the stored value. */
extern VG_REGPARM(2) void PR_(check_access_slow2) ( Addr a, UWord szB_rw );
/* The same for a plain load or store of 1, 2, 4, 8, 16 or 32 bytes:
   PR_(plain_access_slow)[isWrite][log2 size], or NULL. */
typedef VG_REGPARM(1) void (*PR_PlainSlowFn) ( Addr a );
extern const PR_PlainSlowFn PR_(plain_access_slow)[2][6];

/* The live (or quarantined) block starting at a, or NULL. */
extern PR_Block* PR_(block_at) ( Addr a );
/* The block whose memory holds a, or NULL. */
extern PR_Block* PR_(block_holding) ( Addr a );
/* Stack trace of the running thread for a report's auxiliary stack,
   respecting --keep-stacktraces (free: also the "died at" stacks). */
extern ExeContext* PR_(free_stack) ( ThreadId tid );
extern ExeContext* PR_(alloc_stack) ( ThreadId tid );
extern void PR_(heap_new_serial) ( PR_Block* b );

/* The preload's allocator hooks report through these (pr_main.c
   dispatches the events). */
extern UWord PR_(ev_alloc)   ( ThreadId tid, PR_Family fam, Addr p, SizeT n );
extern UWord PR_(ev_free)    ( ThreadId tid, PR_Family fam, Addr p,
                               Bool in_isolated_interp );
extern UWord PR_(ev_evict)   ( ThreadId tid, PR_Family fam );
extern UWord PR_(ev_realloc_size) ( ThreadId tid, PR_Family fam, Addr p );
extern void  PR_(ev_arena)   ( Addr a, SizeT len, Bool alive );

extern SizeT PR_(clo_freelist_vol);
extern Bool  PR_(clo_keep_alloc_stacks);
extern Bool  PR_(clo_keep_free_stacks);

/* The client word the MEM/OBJ hooks set while pymalloc runs. */
extern void PR_(set_alloc_sp_word) ( Addr a );

/* The second argument of the slow-path check: the access size in the
   low bits, PR_ACCESS_WRITE if a store, PR_ACCESS_DECREF if the access
   is part of a decrement of a word in memory (a Py_DECREF is one),
   PR_ACCESS_VALUE if the third argument is the 8 bytes stored,
   PR_ACCESS_SCAN for a load that may be a string scanner's read past
   a string's end. */
#define PR_ACCESS_WRITE  0x10000UL
#define PR_ACCESS_DECREF 0x20000UL
#define PR_ACCESS_VALUE  0x40000UL
#define PR_ACCESS_INCREF 0x80000UL   /* set by the slow path itself */
#define PR_ACCESS_SCAN   0x100000UL  /* a vector load in ld.so's code
                                        with no symbol: maybe a string
                                        scanner's (pr_translate.c) */
#define PR_ACCESS_SIZE_MASK 0xffffUL

/*------------------------------------------------------------*/
/*--- pr_borrow.c                                          ---*/
/*------------------------------------------------------------*/

/* Who lent an object: for a report. */
typedef
   struct {
      const HChar* api;            /* "PyList_GetItem" ...             */
      Addr         container;      /* 0 if none                        */
      HChar        container_type[48];
      ExeContext*  ec;
   }
   PR_BorrowDesc;

extern UInt  PR_(clo_borrow_records);
extern void  PR_(borrow_init) ( void );
extern void  PR_(borrow_print_stats) ( void );
extern UWord PR_(ev_borrow) ( ThreadId tid, UWord api, Addr obj,
                              Addr container );
/* The loan of obj in the life whose block serial is serial. */
extern Bool  PR_(find_borrow) ( Addr obj, ULong serial,
                                /*OUT*/PR_BorrowDesc* d );

/*------------------------------------------------------------*/
/*--- pr_objects.c                                         ---*/
/*------------------------------------------------------------*/

/* A decrement of the word at a left it <= 0 (the instrumented code
   calls this; ld is where the old value was loaded from). */
extern VG_REGPARM(3) void PR_(refcnt_hit) ( Addr a, Addr ld, Long newval );
/* A tp_dealloc pyref learnt was entered: obj in RDI, sp = RSP. */
extern VG_REGPARM(2) void PR_(dealloc_entered) ( Addr obj, Addr sp );
/* Is a the entry of a tp_dealloc pyref has learnt? */
extern Bool PR_(is_dealloc_entry) ( Addr a );
/* Is a where a call of a tp_dealloc returns to? */
extern Bool PR_(is_dealloc_return) ( Addr a );
extern VG_REGPARM(0) void PR_(dealloc_returned) ( void );
/* The slow path met PR_SH_DEAD at a, in block b. */
extern void PR_(dead_object_access) ( ThreadId tid, PR_Block* b, Addr a,
                                      SizeT szB, UWord flags, UWord value );
/* The slow path met a freed block: an ExtraDecref if the access is a
   decrement of a dead object's ob_refcnt; a lone read of it is let
   through (see pr_objects.c).  True if handled. */
extern Bool PR_(freed_object_decref) ( ThreadId tid, PR_Block* b, Addr a,
                                       SizeT szB, UWord flags );
/* A type pyref has not met before: learn its tp_dealloc. */
extern void PR_(objects_new_type) ( Addr type );
/* Learn the tp_dealloc of n type objects (0s skipped), from a client
   request: instrumented at once. */
extern void PR_(objects_learn_types) ( const unsigned long* types, Int n );
/* tp_dealloc entries learnt since the last flush, whose translations
   must be discarded (only allowed inside a client request). */
extern Bool PR_(objects_want_flush) ( void );
extern void PR_(objects_flush) ( void );
/* Events that may end deallocations in progress on this thread. */
extern void PR_(objects_sweep) ( ThreadId tid );
/* The block record b is about to be deleted. */
extern void PR_(objects_forget) ( PR_Block* b );
/* A type's number in the table of types of dead objects (PR_Block's
   obj_type; 0: unknown), and back. */
extern UInt PR_(type_id)    ( Addr type );
extern Addr PR_(type_of_id) ( UInt id );
extern void PR_(objects_print_stats) ( void );
extern ULong PR_(n_dying);  /* DYING objects awaiting their dealloc's end */
/*------------------------------------------------------------*/
/*--- pr_errors.c                                          ---*/
/*------------------------------------------------------------*/

typedef
   enum {
      Err_DoubleFree = 1101,   /* a block freed twice                    */
      Err_InvalidFree,         /* free of a pointer no live block starts */
      Err_MismatchedFree,      /* freed by another family's function     */
      Err_UseAfterFree,        /* read or write of a freed block         */
      Err_HeapOverflow,        /* access to a redzone or unowned heap    */
      Err_ExtraDecref,         /* a decrement of a dead object's refcount*/
      Err_DoubleDealloc,       /* a dead object's refcount reached 0 again*/
      Err_UseAfterDealloc,     /* another access to a dead object        */
      Err_DeallocStatic,       /* a static object's refcount reached 0   */
      Err_StaleBorrow          /* use of a dead object that was lent     */
   }
   PR_ErrorKind;

/* --report-kinds: the kind each error is printed as.  `memcheck':
   the nearest Memcheck kind and wording (InvalidRead, InvalidWrite,
   InvalidFree, MismatchedFree), for consumers that know only
   Memcheck's; the precise kind stays in the text and in <pyrefkind>.
   Suppressions always name the precise kind. */
typedef enum { PR_KindsPyref, PR_KindsMemcheck } PR_ReportKinds;
extern PR_ReportKinds PR_(clo_report_kinds);
/* --show-plumbing: in text stacks, show the leading frames of CPython's
   refcount helpers and of pyref's wrappers. */
extern Bool PR_(clo_show_plumbing);

extern void PR_(errors_init) ( void );
extern void PR_(record_access_error) ( ThreadId tid, Addr a, SizeT szB,
                                       Bool isWrite,
                                       const PR_BlockDesc* blk );
/* Hold back a lone read of a dead object's ob_refcnt; settle it at the
   next pyref event: dropped if the same thread now writes or
   decrements that ob_refcnt (a = obj, writes), else reported, unless
   excuse_if_lone (a read by CPython's own code). */
extern void PR_(hold_refcnt_read) ( ThreadId tid, PR_ErrorKind kind,
                                    Addr obj, SizeT szB, Long refcnt,
                                    const PR_BlockDesc* blk,
                                    Bool excuse_if_lone );
extern void PR_(settle_refcnt_read) ( ThreadId tid, Addr a, Bool writes );
extern Bool PR_(held_read_pending);
/* Held reads dropped because CPython's own code made them. */
extern ULong PR_(n_lone_reads_excused);
/* Is a read of obj's ob_refcnt by tid held back right now? */
extern Bool PR_(held_read_of) ( ThreadId tid, Addr obj );
#define PR_SETTLE(tid, a, w) \
   do { if (PR_(held_read_pending)) PR_(settle_refcnt_read)(tid, a, w); } \
   while (0)
extern void PR_(record_free_error) ( ThreadId tid, PR_ErrorKind kind,
                                     Addr p, PR_Family freed_with,
                                     const PR_BlockDesc* blk );
/* An object error: kind, the address touched, the access (size 0: no
   access of its own, e.g. a refcount reaching zero), the object's
   offset in the block (or of a static object: its address as a), its
   refcount. */
extern void PR_(record_object_error) ( ThreadId tid, PR_ErrorKind kind,
                                       Addr a, SizeT szB, Bool isWrite,
                                       Addr obj, Long refcnt,
                                       const PR_BlockDesc* blk );

/*------------------------------------------------------------*/
/*--- pr_translate.c                                       ---*/
/*------------------------------------------------------------*/

/* Is a in the preload library's code? */
extern Bool PR_(in_preload) ( Addr a );

/* Does the soname so (NULL: none) start with prefix?  Object files
   are told apart so whatever their version suffix: "libc.so",
   "ld-linux", "libpython". */
extern Bool PR_(soname_starts) ( const HChar* so, const HChar* prefix );

/* Called when the preload registers its hooks: learn its code and its
   event sites.  False if the table does not hold up (the hooks must
   then not be installed). */
extern Bool PR_(register_hooks) ( const PR_HookTable* t );

/* A bad read is reported at ip: warn once if that is glibc's code
   with no symbol (its debug symbols missing). */
extern void PR_(note_error_ip) ( Addr ip );

extern IRSB* PR_(instrument) ( VgCallbackClosure* closure,
                               IRSB* sbIn,
                               const VexGuestLayout* layout,
                               const VexGuestExtents* vge,
                               const VexArchInfo* archinfo_host,
                               IRType gWordTy, IRType hWordTy );

#endif /* __PR_INCLUDE_H */

/*--------------------------------------------------------------------*/
/*--- end                                             pr_include.h ---*/
/*--------------------------------------------------------------------*/
