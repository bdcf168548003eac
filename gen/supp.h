/* supp.c: read, write and match Valgrind suppression files.
 *
 * The model of a suppression file that pyref-gensupp works on: entries
 * with their name, TOOL:KIND line, extra lines and frames, and the
 * comments around them, so that a file read and written again keeps
 * everything Valgrind would read from it, and every comment.  Also the
 * two questions the generator asks of entries: does this entry match
 * that observed error (as Valgrind would decide), and does this entry
 * match everything that one does (subsumption).
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GS_SUPP_H
#define GS_SUPP_H

#include <stddef.h>
#include <stdio.h>

/* What a frame line of an entry says. */
typedef enum {
    GS_LOC_FUN = 1,           /* fun:NAME, NAME a glob on the function */
    GS_LOC_OBJ,               /* obj:PATH, PATH a glob on the object */
    GS_LOC_SRC,               /* src:FILE or src:FILE:LINE */
    GS_LOC_DOTS               /* "...": zero or more frames */
} gs_loc_kind_t;

typedef struct {
    gs_loc_kind_t kind;
    char *name;                 /* after "fun:", "obj:" or "src:"; NULL
                                   for "..." */
} gs_loc_t;

/* A comment line inside an entry, kept with the place it was found:
   before content line @before (0 = the name, 1 = TOOL:KIND, then the
   extra lines, then the frames, and n_extra + n_frames + 2 = the
   closing brace). */
typedef struct {
    size_t before;
    char *text;                 /* the whole line, starting with '#' */
} gs_inner_comment_t;

/* One entry, "{ name / TOOL:KIND / extra lines / frames / }". */
typedef struct {
    char *comment;              /* the comment block before '{' (lines
                                   joined with '\n', blank lines inside
                                   the block kept as empty lines), or
                                   NULL */
    char *name;
    char *tools;                /* "Memcheck", or "Memcheck,Pyref" */
    char *kind;                 /* "Leak", "ExtraDecref" */
    char **extra;               /* "match-leak-kinds: definite", the
                                   syscall of a Param entry, "type: dict" */
    size_t n_extra;
    gs_loc_t *frames;
    size_t n_frames;
    gs_inner_comment_t *inner;
    size_t n_inner;
    long line;                  /* line of '{' in the file read, or 0 */
} gs_supp_t;

/* A whole file. */
typedef struct {
    gs_supp_t **entries;
    size_t n_entries;
    size_t cap;
    char *trailer;              /* comment block after the last entry (or
                                   the whole file when it has no entry),
                                   or NULL */
} gs_suppfile_t;

/* Results of the reader. */
typedef enum {
    GS_SUPP_OK = 0,
    GS_SUPP_SYNTAX,             /* bad syntax: the message names the line */
    GS_SUPP_IO,                 /* cannot open or read the file */
    GS_SUPP_NOMEM               /* out of memory */
} gs_supp_status_t;

/* One frame of an observed error, as the matcher sees it.  NULL (or an
   unknown line, 0) where the report did not say: Valgrind compares the
   pattern with "???" then, and so does gs_supp_matches(). */
typedef struct {
    const char *fun;            /* function name as in suppressions (C++
                                   names mangled), or NULL */
    const char *obj;            /* object path, or NULL */
    const char *file;           /* source file name without folder, or
                                   NULL */
    unsigned long line;         /* source line, or 0 */
} gs_obs_frame_t;

/* An observed error: what a suppression is compared with. */
typedef struct {
    const char *tools;          /* the tool's suppression name,
                                   "Memcheck" */
    const char *kind;           /* suppression kind, "Addr4" */
    const char *const *extra;   /* the extra lines Valgrind would print
                                   with the error's suppression */
    size_t n_extra;
    const gs_obs_frame_t *frames;
    size_t n_frames;
} gs_obs_error_t;

gs_supp_t *gs_supp_new(void);
void gs_supp_free(gs_supp_t *supp);
gs_supp_t *gs_supp_copy(const gs_supp_t *supp);
int gs_supp_add_frame(gs_supp_t *supp, gs_loc_kind_t kind,
                      const char *name);
int gs_supp_add_extra(gs_supp_t *supp, const char *line);
int gs_supp_set_string(char **field, const char *value);

void gs_suppfile_init(gs_suppfile_t *file);
void gs_suppfile_clear(gs_suppfile_t *file);
int gs_suppfile_append(gs_suppfile_t *file, gs_supp_t *supp);

gs_supp_status_t gs_supp_parse(const char *buf, size_t len,
                               const char *path, gs_suppfile_t *out,
                               char **message);
gs_supp_status_t gs_supp_read_file(const char *path, gs_suppfile_t *out,
                                   char **message);

int gs_supp_write(FILE *fp, const gs_supp_t *supp);
int gs_suppfile_write(FILE *fp, const gs_suppfile_t *file);

int gs_supp_equal(const gs_supp_t *a, const gs_supp_t *b);
int gs_supp_compare(const gs_supp_t *a, const gs_supp_t *b);
char *gs_supp_canonical(const gs_supp_t *supp);
int gs_supp_is_valid(const gs_supp_t *supp, const char **why);

int gs_glob_match(const char *pattern, const char *text);
int gs_glob_covers(const char *general, const char *specific);
int gs_supp_matches(const gs_supp_t *supp, const gs_obs_error_t *err);
int gs_supp_covers(const gs_supp_t *general, const gs_supp_t *specific);

#endif /* GS_SUPP_H */
