/* fuzz-supp.c: libFuzzer target for the suppression reader (supp.c).
 *
 * Build it with `make -C gen fuzz-supp' (clang with -fsanitize=fuzzer,
 * address,undefined) and run it on the seed corpus:
 *
 *     gen/fuzz-supp -max_total_time=600 tests/gen/fuzz/supp
 *
 * Besides "no crash, no leak, no undefined behaviour", every input checks
 * these properties, and aborts (a finding) when one fails:
 *   1. a file the reader accepts is written and read back to the same
 *      entries, comments and trailer, and writing that again gives the
 *      same bytes;
 *   2. an entry covers itself (gs_supp_covers is reflexive);
 *   3. an entry matches an error made from its own frames (each glob
 *      filled in, each "..." left out);
 *   4. when entry A covers entry B, A also matches the errors made from
 *      B's frames (subsumption never claims too much).
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "supp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "fuzz-supp: %s:%d: %s\n", __FILE__,         \
                    __LINE__, #cond);                                   \
            abort();                                                    \
        }                                                               \
    } while (0)

/* A name that the glob @g matches: '*' left out (or, with @fill, "zz"),
   '?' as 'q'. */
static char *
fill_glob(const char *g, int fill)
{
    char *s = malloc(strlen(g) * 2 + 1), *p = s;

    if (s == NULL) {
        return NULL;
    }
    for (; *g != '\0'; g++) {
        if (*g == '*') {
            if (fill) {
                *p++ = 'z';
                *p++ = 'z';
            }
        }
        else {
            *p++ = *g == '?' ? 'q' : *g;
        }
    }
    *p = '\0';
    return s;
}

/* An observed error that @supp must match.  Returns 0 when it could not
   be built (out of memory). */
typedef struct {
    gs_obs_error_t err;
    gs_obs_frame_t *frames;
    char **names;
    size_t n_names;
    char **extra;
    char *tool;
} made_error_t;

static void
free_made(made_error_t *m)
{
    size_t i;

    for (i = 0; i < m->n_names; i++) {
        free(m->names[i]);
    }
    free(m->names);
    free(m->frames);
    if (m->extra != NULL) {
        free(m->extra[0]);
    }
    free(m->extra);
    free(m->tool);
    memset(m, 0, sizeof(*m));
}

static int
make_error(const gs_supp_t *supp, int fill, made_error_t *m)
{
    size_t i, n = 0;

    memset(m, 0, sizeof(*m));
    m->frames = calloc(supp->n_frames + 1, sizeof(gs_obs_frame_t));
    m->names = calloc(supp->n_frames + 1, sizeof(char *));
    m->tool = malloc(strcspn(supp->tools, ",") + 1);
    if (m->frames == NULL || m->names == NULL || m->tool == NULL) {
        free_made(m);
        return 0;
    }
    memcpy(m->tool, supp->tools, strcspn(supp->tools, ","));
    m->tool[strcspn(supp->tools, ",")] = '\0';
    for (i = 0; i < supp->n_frames; i++) {
        const gs_loc_t *f = &supp->frames[i];
        gs_obs_frame_t *o = &m->frames[n];
        char *name;

        if (f->kind == GS_LOC_DOTS) {
            continue;
        }
        if (f->kind == GS_LOC_SRC) {
            /* src:FILE[:LINE]: the file is a glob, the line is the
               digits after the first ':' (Valgrind's reading). */
            char *colon = strchr(f->name, ':');
            char *file = malloc(strlen(f->name) + 1);

            if (file == NULL) {
                free_made(m);
                return 0;
            }
            strcpy(file, f->name);
            if (colon != NULL) {
                const char *d = colon + 1;

                file[colon - f->name] = '\0';
                if (strspn(d, "0123456789") > 9) {
                    free(file);
                    free_made(m);
                    return 0;
                }
                for (; *d >= '0' && *d <= '9'; d++) {
                    o->line = o->line * 10 + (unsigned long)(*d - '0');
                }
            }
            name = fill_glob(file, fill);
            free(file);
        }
        else {
            name = fill_glob(f->name, fill);
        }
        if (name == NULL) {
            free_made(m);
            return 0;
        }
        m->names[m->n_names++] = name;
        if (f->kind == GS_LOC_FUN) {
            o->fun = name;
        }
        else if (f->kind == GS_LOC_OBJ) {
            o->obj = name;
        }
        else {
            o->file = name;
        }
        n++;
    }
    if (supp->n_extra > 0) {
        const char *t = supp->extra[0];

        /* A leak-kinds line is a set: the error says the same set.  A
           type line's glob is filled in.  Others are copied. */
        m->extra = calloc(1, sizeof(char *));
        if (m->extra == NULL) {
            free_made(m);
            return 0;
        }
        if (strncmp(t, "type:", 5) == 0) {
            const char *v = t + 5;
            char *fv;

            while (*v == ' ' || *v == '\t') {
                v++;
            }
            fv = fill_glob(v, fill);
            /* "type:" and blanks, then the name: a name that starts with
               a blank cannot be written. */
            if (fv != NULL && (fv[0] == ' ' || fv[0] == '\t')) {
                free(fv);
                free_made(m);
                return 0;
            }
            m->extra[0] = fv == NULL ? NULL : malloc(strlen(fv) + 7);
            if (m->extra[0] != NULL) {
                sprintf(m->extra[0], "type: %s", fv);
            }
            free(fv);
        }
        else {
            m->extra[0] = malloc(strlen(t) + 1);
            if (m->extra[0] != NULL) {
                strcpy(m->extra[0], t);
            }
        }
        if (m->extra[0] == NULL) {
            free_made(m);
            return 0;
        }
    }
    m->err.tools = m->tool;
    m->err.kind = supp->kind;
    m->err.extra = (const char *const *)m->extra;
    m->err.n_extra = supp->n_extra > 0 ? 1 : 0;
    m->err.frames = m->frames;
    m->err.n_frames = n;
    return 1;
}

/* Only the first extra line has a meaning the error can carry. */
static int
simple_extras(const gs_supp_t *supp)
{
    return supp->n_extra <= 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_suppfile_t a, b;
    char *msg = NULL, *out1 = NULL, *out2 = NULL;
    size_t len1 = 0, len2 = 0, i, j;
    FILE *fp;

    gs_suppfile_init(&a);
    gs_suppfile_init(&b);
    if (gs_supp_parse((const char *)data, size, "fuzz", &a, &msg)
        != GS_SUPP_OK) {
        CHECK(msg != NULL);
        CHECK(strncmp(msg, "fuzz:", 5) == 0);
        goto done;
    }

    /* 1. Round trip. */
    fp = open_memstream(&out1, &len1);
    CHECK(fp != NULL);
    CHECK(gs_suppfile_write(fp, &a) == 0);
    fclose(fp);
    CHECK(gs_supp_parse(out1, len1, "again", &b, &msg) == GS_SUPP_OK);
    CHECK(a.n_entries == b.n_entries);
    for (i = 0; i < a.n_entries; i++) {
        CHECK(gs_supp_equal(a.entries[i], b.entries[i]));
    }
    CHECK((a.trailer == NULL) == (b.trailer == NULL));
    CHECK(a.trailer == NULL || strcmp(a.trailer, b.trailer) == 0);
    fp = open_memstream(&out2, &len2);
    CHECK(fp != NULL);
    CHECK(gs_suppfile_write(fp, &b) == 0);
    fclose(fp);
    CHECK(len1 == len2 && memcmp(out1, out2, len1) == 0);

    /* 2-4, on the first few entries (pairs grow as the square). */
    for (i = 0; i < a.n_entries && i < 8; i++) {
        const gs_supp_t *e = a.entries[i];
        made_error_t m;
        int fill;

        CHECK(gs_supp_covers(e, e));
        for (fill = 0; fill < 2; fill++) {
            if (simple_extras(e) && make_error(e, fill, &m)) {
                CHECK(gs_supp_matches(e, &m.err));
                for (j = 0; j < a.n_entries && j < 8; j++) {
                    if (gs_supp_covers(a.entries[j], e)) {
                        CHECK(gs_supp_matches(a.entries[j], &m.err));
                    }
                }
                free_made(&m);
            }
        }
    }

  done:
    free(msg);
    free(out1);
    free(out2);
    gs_suppfile_clear(&a);
    gs_suppfile_clear(&b);
    return 0;
}
