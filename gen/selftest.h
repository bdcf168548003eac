/*
 * selftest.h: pyref-selftest, proof that pyref sees bugs before a
 * "0 errors" run is trusted
 *
 * Summary: the entry point and the documented exit codes of pyref-selftest
 * Description: gs_selftest_main() runs the seeded bugs of selftest.py
 *   under `valgrind --tool=pyref' with the interpreter and the Valgrind
 *   options given, reads the XML report with report.h, and checks that
 *   every seeded bug is reported with its kind (and Python type), and
 *   that the correct twins of the bugs give no error at all.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GS_SELFTEST_H
#define GS_SELFTEST_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * gs_selftest_exit_t:
 *
 * The exit status of pyref-selftest (also in --help and the README).
 */
typedef enum {
    GS_SELFTEST_TRUSTED = 0,    /* every seeded bug reported, clean run
                                   clean: a "0 errors" run can be
                                   trusted with this interpreter and
                                   these options */
    GS_SELFTEST_UNTRUSTED = 1,  /* a seeded bug missed, or the clean run
                                   not clean, or the client died */
    GS_SELFTEST_USAGE = 2,      /* bad command line */
    GS_SELFTEST_CANNOT_RUN = 3  /* could not run: valgrind or the tool
                                   missing, the interpreter refused by
                                   pyref, no or unreadable XML, no
                                   selftest.py */
} gs_selftest_exit_t;

/**
 * gs_selftest_main:
 * @argc: as main()'s
 * @argv: as main()'s
 * @out: where the results go (one line per seeded bug)
 * @err: where messages and the final verdict of a failure go
 *
 * The whole program.  Keeps its state in one struct, no globals.
 *
 * Returns: a gs_selftest_exit_t.
 */
int gs_selftest_main(int argc, char **argv, FILE *out, FILE *err);

#ifdef __cplusplus
}
#endif

#endif /* GS_SELFTEST_H */
