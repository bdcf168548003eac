/* fuzz-report.c: libFuzzer target for the Valgrind XML reader (report.c).
 *
 * Build it with `make -C gen fuzz-report' (clang with -fsanitize=fuzzer,
 * address,undefined) and run it on the seed corpus:
 *
 *     gen/fuzz-report -max_total_time=600 tests/gen/fuzz/report-seeds
 *
 * Besides "no crash, no leak, no undefined behaviour", every input checks
 * the reader's promises, and aborts (a finding) when one fails:
 *   1. a failure comes with a message, and no report;
 *   2. an accepted report has a protocol of 4, 5 or 6, a tool, and every
 *      error has a kind and a text (report.c rejects those without);
 *   3. every string the report holds is NUL-terminated within reach
 *      (strlen on each: AddressSanitizer catches an overrun).
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "fuzz-report: %s:%d: %s\n", __FILE__,       \
                    __LINE__, #cond);                                   \
            abort();                                                    \
        }                                                               \
    } while (0)

/* Touch every byte of a string the report owns (NULL allowed). */
static size_t
touch(const char *s)
{
    return s == NULL ? 0 : strlen(s);
}

static size_t
touch_stack(const gs_stack_t *stack)
{
    size_t i, n = 0;

    for (i = 0; i < stack->n_frames; i++) {
        const gs_frame_t *f = &stack->frames[i];

        n += touch(f->ip) + touch(f->obj) + touch(f->fn) + touch(f->dir)
             + touch(f->file);
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_report_t *rep = NULL;
    char msg[512];
    gs_read_status_t rs;
    size_t i, j, n = 0;

    msg[0] = '\0';
    rs = gs_report_read_memory((const char *)data, size, "fuzz.xml", &rep,
                               msg, sizeof(msg));
    if (rs != GS_READ_OK) {
        CHECK(rep == NULL);
        CHECK(msg[0] != '\0');
        return 0;
    }
    CHECK(rep != NULL);
    CHECK(rep->protocol >= 4 && rep->protocol <= 6);
    n += touch(rep->path) + touch(rep->tool) + touch(rep->protocoltool);
    n += touch(rep->status) + touch(rep->fatal_signal);
    for (i = 0; i < rep->n_preamble; i++) {
        n += touch(rep->preamble[i]);
    }
    for (i = 0; i < rep->n_errors; i++) {
        const gs_error_t *e = &rep->errors[i];

        CHECK(e->kind != NULL && e->what != NULL);
        n += touch(e->kind) + touch(e->what) + touch(e->pytype);
        n += touch(e->pyrefkind) + touch(e->threadname);
        for (j = 0; j < e->n_xwhat; j++) {
            n += touch(e->xwhat[j].path) + touch(e->xwhat[j].value);
        }
        n += touch_stack(&e->stack);
        for (j = 0; j < e->n_aux; j++) {
            n += touch(e->aux[j].title) + touch_stack(&e->aux[j].stack);
        }
        if (e->supp != NULL) {
            n += touch(e->supp->sname) + touch(e->supp->skind);
            n += touch(e->supp->skaux) + touch(e->supp->rawtext);
        }
    }
    for (i = 0; i < rep->n_suppcounts; i++) {
        n += touch(rep->suppcounts[i].name);
    }
    gs_report_free(rep);
    return n == (size_t)-1;   /* keeps n alive; never true */
}
