/* gensupp.c: pyref-gensupp, suppression files tailored to each CPython.
 *
 * Summary: the state, exit codes and entry point of pyref-gensupp
 * Description: pyref-gensupp turns Valgrind XML reports (any tool:
 *   Pyref's kinds as well as Memcheck's) into Valgrind suppression files:
 *   from-xml (gensupp.c) deduplicates, generalises and minimises the
 *   errors' suppressions; usage (gensupp.c) says which entries of a file
 *   fired across runs, match which entry would suppress each error of a
 *   report, check whether a file reads; for-python (forpython.c) inspects
 *   an interpreter, runs a baseline under the tool and writes
 *   cpython-X.Y-<variant>-<tool>.supp through from-xml.
 *   gs_main() holds the whole program; gensupp-main.c is its main().
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GS_GENSUPP_H
#define GS_GENSUPP_H

#include <stdio.h>

#include "report.h"
#include "supp.h"

/**
 * gs_exit_t:
 *
 * pyref-gensupp's exit status.  Listed in --help and in the man page.
 */
typedef enum {
    GS_EXIT_OK = 0,             /* done */
    GS_EXIT_INPUT = 1,          /* an input cannot be used: an unreadable,
                                   empty, malformed or truncated report, an
                                   unknown protocol, a --merge file with bad
                                   syntax (the message names file and line) */
    GS_EXIT_USAGE = 2,          /* bad command line */
    GS_EXIT_OUTPUT = 3,         /* cannot write the output */
    GS_EXIT_MEM = 4,            /* out of memory */
    GS_EXIT_RUN = 5,            /* for-python: the interpreter or the tool
                                   could not be run, or a run failed */
    GS_EXIT_DEAD = 6,           /* usage --fail-dead: an entry never fired */
    GS_EXIT_EXPECT = 7          /* match --expect: an error is (or is not)
                                   suppressed against the expectation */
} gs_exit_t;

/* How the header's "# Command:" line writes an element of argv. */
enum {
    GS_ARG_KEEP = 0,            /* as given */
    GS_ARG_OMIT = 1,            /* left out: -o, --output-dir, --keep-xml
                                   and their values only say where output
                                   goes, not what it holds */
    GS_ARG_BASENAME = 2         /* its file name only: the interpreter */
};

/* One input report, kept whole while the program runs. */
typedef struct {
    gs_report_t *report;
    const char *path;           /* as given */
    const char *display;        /* in the file: the path, or its last
                                   part (for-python) */
} gs_input_t;

/**
 * gs_state_t:
 *
 * Everything pyref-gensupp knows while it runs: the options, the reports
 * read, the entries made.  No globals: gs_main() makes one and frees it.
 */
typedef struct {
    /* READONLY after the options are parsed */
    FILE *err;                  /* messages */
    const char *progname;
    int argc;
    const char **argv;          /* the command line, for provenance */
    unsigned char *argv_role;   /* per argv element, how the header's
                                   Command: line writes it: GS_ARG_KEEP,
                                   GS_ARG_OMIT (where output goes),
                                   GS_ARG_BASENAME (an executable) */
    const char *command;        /* "from-xml", "usage", "for-python",
                                   "match", "check" */
    const char *output;         /* -o FILE, NULL = standard output */
    const char *merge;          /* --merge FILE */
    const char **excludes;      /* --exclude REPORT.xml (errors that must
                                   stay visible) */
    size_t n_excludes;
    const char **notes;         /* --note TEXT, header lines */
    size_t n_notes;
    long min_frames;            /* --min-frames (default 6) */
    long max_frames;            /* --max-frames (default 24) */
    int exact;                  /* --exact: no obj: generalisation */
    const char **obj_only;      /* --obj-only GLOB: frames without names */
    size_t n_obj_only;
    int quiet;                  /* -q */
    int fail_dead;              /* usage --fail-dead */
    int canonical;              /* check --canonical */
    const char *expect;         /* match --expect none|all */
    int display_basenames;      /* reports named without their folder */

    /* for-python */
    const char *python;
    const char *tool;           /* "pyref" or "memcheck" */
    const char *valgrind;       /* --valgrind CMD */
    const char **vgopts;        /* --vgopt OPT */
    size_t n_vgopts;
    const char *imports;        /* --imports all|none|M,M,... */
    const char *tests;          /* --tests none|T,T,... */
    const char *outdir;         /* --output-dir DIR */
    const char *keep_xml;       /* --keep-xml DIR */
    long timeout;               /* --timeout SECONDS per run */

    /* MODIFIED while running */
    gs_input_t *inputs;
    size_t n_inputs;
    gs_input_t *negatives;
    size_t n_negatives;
    char **python_info;         /* header lines about the interpreter */
    size_t n_python_info;
} gs_state_t;

int gs_main(int argc, const char **argv, FILE *err);

/* gensupp.c, for forpython.c */
void gs_say(const gs_state_t *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int gs_state_note(gs_state_t *st, char ***lines, size_t *n,
                  const char *fmt, ...);
int gs_from_xml(gs_state_t *st, const char **reports, size_t n_reports);
const char *gs_base_name(const char *path);

/* forpython.c */
int gs_for_python(gs_state_t *st);

#endif /* GS_GENSUPP_H */
