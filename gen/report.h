/*
 * report.h: a reader of Valgrind's XML output into plain C structures
 *
 * Summary: read one Valgrind XML report (protocol 4, 5 or 6, any tool)
 * Description: gs_report_read() streams a file written by
 *   `valgrind --xml=yes --xml-file=FILE' through libxml2's xmlReader and
 *   returns a gs_report_t: the protocol version, the tool, the pid, the
 *   preamble, the command line, the run's status, every <error> with its
 *   kind, its text, the extra data of its <xwhat> (pyref's pytype,
 *   pyrefkind, refcount, borrow/api ...), its first stack, its auxiliary
 *   titles with their stacks and its <suppression> block, then the
 *   errorcounts, the suppcounts and (protocol 6) the error summary.
 *   Bad input (an unreadable or empty file, malformed or truncated XML, a
 *   document that is not Valgrind output, an unknown protocol version)
 *   gives a status code and a one-line message naming the file and line,
 *   never a crash.
 *
 *   Used by pyref-selftest (selftest.c) and pyref-gensupp.  This API is
 *   stable: change it only with a reason, and then only by adding.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GS_REPORT_H
#define GS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * gs_read_status_t:
 *
 * What gs_report_read() found.  Every value but GS_READ_OK comes with a
 * message (see gs_report_read()).
 */
typedef enum {
    GS_READ_OK = 0,         /* a complete report was read */
    GS_READ_UNREADABLE,     /* the file cannot be opened or read */
    GS_READ_EMPTY,          /* the file holds nothing (0 bytes) */
    GS_READ_MALFORMED,      /* not well-formed XML, or truncated: a run
                               that died before </valgrindoutput> */
    GS_READ_NOT_VALGRIND,   /* well-formed, but not Valgrind output (other
                               root element, missing <kind> ...) */
    GS_READ_PROTOCOL,       /* <protocolversion> missing or not 4, 5, 6 */
    GS_READ_NO_MEMORY       /* out of memory */
} gs_read_status_t;

/**
 * gs_field_t:
 *
 * One leaf element under an <xwhat>, an <xauxwhat> or an <error> that the
 * model has no member for.  @path is relative to that element, with `/'
 * between names: "pytype", "borrow/api", "block/pymalloc/arena".  @value
 * is the element's text with surrounding white space removed.
 */
typedef struct {
    char *path;
    char *value;
} gs_field_t;

/**
 * gs_frame_t:
 *
 * One <frame>.  Members are NULL when the element is absent; @line is 0
 * when there is no <line>.
 */
typedef struct {
    char *ip;               /* "0x4BCAEE", as written */
    char *obj;
    char *fn;
    char *dir;
    char *file;
    long line;
} gs_frame_t;

/**
 * gs_stack_t:
 *
 * One <stack>: @n_frames frames, innermost first.
 */
typedef struct {
    gs_frame_t *frames;
    size_t n_frames;
} gs_stack_t;

/**
 * gs_aux_t:
 *
 * One auxiliary part of an error, in document order: an <auxwhat> or an
 * <xauxwhat> (@title is its text, or the <text> of the xauxwhat; @fields
 * hold the xauxwhat's other leaves, such as "block/pytype"), and the
 * <stack> that follows it, if any (@stack.n_frames is 0 if none).  A
 * <stack> that follows no title (or whose title already has a stack) is an
 * entry with @title NULL.
 */
typedef struct {
    char *title;
    gs_field_t *fields;
    size_t n_fields;
    gs_stack_t stack;
} gs_aux_t;

/**
 * gs_sframe_t:
 *
 * One <sframe> of a <suppression>: exactly one of @fun and @obj is set.
 */
typedef struct {
    char *fun;
    char *obj;
} gs_sframe_t;

/**
 * gs_suppression_t:
 *
 * The <suppression> block of an error (written with --gen-suppressions).
 * @skaux is NULL when absent.  @rawtext is the text of the CDATA blocks
 * joined, without the blank lines around it: "{\n   <name>\n ...\n}".
 */
typedef struct {
    char *sname;
    char *skind;
    char *skaux;
    gs_sframe_t *sframes;
    size_t n_sframes;
    char *rawtext;
} gs_suppression_t;

/**
 * gs_error_t:
 *
 * One <error>.
 * @unique: the <unique> number (hex in the file)
 * @tid: the <tid>, 0 when absent
 * @threadname: NULL when absent
 * @kind: the <kind>, e.g. "StaleBorrow", "InvalidRead"
 * @what: the <what>, or the <text> of the <xwhat>
 * @pytype: the xwhat's <pytype> (the Python type), or NULL
 * @pyrefkind: the xwhat's <pyrefkind> (the pyref kind when <kind> is a
 *     Memcheck kind), or NULL.  See gs_error_pyref_kind().
 * @xwhat: every leaf of the <xwhat> but <text> (pytype and pyrefkind
 *     included), paths relative to <xwhat>
 * @extra: leaves directly under <error> that the model has no member for
 *     (protocol 5's <fd> and <path>, for one)
 * @stack: the first <stack> (the error's own)
 * @aux: the auxiliary titles and stacks that follow it
 * @supp: the <suppression>, or NULL
 * @xml_line: the line of the file where this <error> starts
 */
typedef struct {
    unsigned long long unique;
    long tid;
    char *threadname;
    char *kind;
    char *what;
    char *pytype;
    char *pyrefkind;
    gs_field_t *xwhat;
    size_t n_xwhat;
    gs_field_t *extra;
    size_t n_extra;
    gs_stack_t stack;
    gs_aux_t *aux;
    size_t n_aux;
    gs_suppression_t *supp;
    long xml_line;
} gs_error_t;

/**
 * gs_count_t:
 *
 * One <pair> of <errorcounts> (@unique set, @name NULL) or of
 * <suppcounts> (@name set).
 */
typedef struct {
    unsigned long count;
    unsigned long long unique;
    char *name;
} gs_count_t;

/**
 * gs_report_t:
 *
 * A whole report.  Strings are NUL-terminated UTF-8, owned by the report;
 * absent elements are NULL (strings) or 0 (numbers).
 * @path: the name of the file it was read from
 * @protocol: 4, 5 or 6
 * @protocoltool: the <protocoltool> (NULL if absent)
 * @tool: the <tool>, e.g. "pyref", "memcheck"
 * @pid, @ppid: as written, 0 if absent
 * @preamble: the <line>s of the <preamble>
 * @vargv: Valgrind's <exe> then its <arg>s; @argv likewise for the client
 * @status: the last <status>'s <state>: "RUNNING", then "FINISHED"
 * @fatal_signal: the <signame> of a <fatal_signal> (the client died of
 *     it), NULL if none
 * @errors: the <error>s in document order
 * @errorcounts: the <errorcounts> pairs (the last block if several);
 *     errors reported once (VG_(unique_error)) are not counted there
 * @suppcounts: the <suppcounts> pairs; absent with -q
 * @has_suppcounts: whether a <suppcounts> element was read
 * @has_summary, @summary_*: protocol 6's <error_summary>
 */
typedef struct {
    char *path;
    int protocol;
    char *protocoltool;
    char *tool;
    long pid;
    long ppid;
    char **preamble;
    size_t n_preamble;
    char **vargv;
    size_t n_vargv;
    char **argv;
    size_t n_argv;
    char *status;
    char *fatal_signal;
    gs_error_t *errors;
    size_t n_errors;
    gs_count_t *errorcounts;
    size_t n_errorcounts;
    gs_count_t *suppcounts;
    size_t n_suppcounts;
    int has_suppcounts;
    int has_summary;
    unsigned long summary_errors;
    unsigned long summary_contexts;
    unsigned long summary_suppressed;
    unsigned long summary_suppressed_contexts;
} gs_report_t;

/**
 * gs_report_read:
 * @path: the XML file; "-" reads standard input
 * @reportp: (out): the report, to free with gs_report_free(); NULL on
 *     failure
 * @msg: (out): buffer for a one-line message on failure, of the form
 *     "FILE:LINE: what is wrong" (or "FILE: ..." when no line applies),
 *     without a newline; may be NULL
 * @msgsize: size of @msg
 *
 * Read one Valgrind XML report.  The document must be complete: a file
 * cut short (the run was killed) is GS_READ_MALFORMED.  Elements the
 * model does not know are skipped, so new Valgrind or tool versions can
 * add some.  No network access, no external entities.
 *
 * Returns: GS_READ_OK, or the reason for the failure.
 */
gs_read_status_t gs_report_read(const char *path, gs_report_t **reportp,
                                char *msg, size_t msgsize);

/**
 * gs_report_read_memory:
 * @buf: the document
 * @len: its size in bytes
 * @name: the name used in messages
 * @reportp, @msg, @msgsize: as for gs_report_read()
 *
 * Like gs_report_read(), from memory (for fuzzing and tests).
 */
gs_read_status_t gs_report_read_memory(const char *buf, size_t len,
                                       const char *name,
                                       gs_report_t **reportp,
                                       char *msg, size_t msgsize);

/**
 * gs_report_free:
 * @report: a report from gs_report_read(), or NULL
 *
 * Free the report and everything it holds.
 */
void gs_report_free(gs_report_t *report);

/**
 * gs_read_status_name:
 * @status: a status
 *
 * Returns: a short static name: "ok", "unreadable", "empty",
 * "malformed", "not-valgrind", "protocol", "no-memory".
 */
const char *gs_read_status_name(gs_read_status_t status);

/**
 * gs_error_pyref_kind:
 * @error: an error
 *
 * Returns: the pyref kind of the error: its <pyrefkind> when there is one
 * (output made readable for Memcheck consumers), otherwise its <kind>.
 */
const char *gs_error_pyref_kind(const gs_error_t *error);

/**
 * gs_error_field:
 * @error: an error
 * @path: a path such as "pytype", "borrow/api", "block/pytype"
 *
 * Look @path up in the error's xwhat fields, then in the fields of each
 * xauxwhat in order, then in its extra fields.
 *
 * Returns: the first value found, or NULL.
 */
const char *gs_error_field(const gs_error_t *error, const char *path);

/**
 * gs_report_dump:
 * @report: a report
 * @out: where to write
 *
 * Write the model as plain text, one item a line ("error 0x1 kind
 * StaleBorrow pytype float", "  frame fn=... file=... line=..."), for
 * debugging and for tests of the reader.  The format may grow.
 */
void gs_report_dump(const gs_report_t *report, FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* GS_REPORT_H */
