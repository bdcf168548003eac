/* supp.c: read, write and match Valgrind suppression files.
 *
 * The syntax is the one Valgrind's core reads (m_errormgr.c): lines are
 * stripped of leading and trailing white space; an empty line, or one
 * whose first character is '#', is skipped anywhere.  An entry is
 *
 *     {
 *        NAME                       any text
 *        TOOL[,TOOL...]:KIND        split at the first ':'
 *        EXTRA...                   lines before the first frame that are
 *                                   not frames: memcheck's Param syscall,
 *                                   "match-leak-kinds: ...", pyref's
 *                                   "type: NAME"
 *        fun:GLOB | obj:GLOB | src:GLOB[:LINE] | ...
 *        ...                        at least one frame, not all "..."
 *     }
 *
 * Globs use '*' (any run of characters, '/' included) and '?' (one
 * character), without escapes.  Valgrind compares an entry with the
 * error's frames from the innermost one; the entry matches when its frames
 * match a PREFIX of the error's stack, "..." standing for zero or more
 * frames.
 *
 * The reader keeps every comment: the block before each '{' goes with the
 * entry, comments inside an entry remember their place, and the block
 * after the last entry is the file's trailer.  gs_suppfile_write() writes
 * entries the way Valgrind prints them (3-space indent), so reading a
 * file and writing it gives the same entries and comments in a canonical
 * layout, and writing that again changes nothing (the fuzzer checks
 * both).
 *
 * The reader is stricter than Valgrind in two ways, both for files that
 * Valgrind would accept but that do nothing useful: the TOOL:KIND line
 * needs a tool and a kind, and an entry of another tool is checked as
 * closely as one of ours (Valgrind skips to its '}').  Errors name the
 * file and line; nothing in the input can crash the reader.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "supp.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Valgrind aborts (an assertion, not a message) on a line this long. */
#define LINE_MAX_CHARS 100000

/* --- Small helpers ------------------------------------------------------- */

static char *
dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *
dup_str(const char *s)
{
    return s == NULL ? NULL : dup_range(s, strlen(s));
}

/* Grow *array (of *cap elements of size @size) to hold at least @need. */
static int
grow(void **array, size_t *cap, size_t need, size_t size)
{
    size_t n;
    void *p;

    if (need <= *cap) {
        return 0;
    }
    n = *cap < 8 ? 8 : *cap;
    while (n < need) {
        if (n > SIZE_MAX / 2 / size) {
            return -1;
        }
        n *= 2;
    }
    p = realloc(*array, n * size);
    if (p == NULL) {
        return -1;
    }
    *array = p;
    *cap = n;
    return 0;
}

/* Append @s (of @n bytes) and a '\n' separator before it when *text is
   not NULL. */
static int
append_line(char **text, const char *s, size_t n)
{
    size_t old = *text == NULL ? 0 : strlen(*text);
    size_t extra = *text == NULL ? 0 : 1;
    char *p = realloc(*text, old + extra + n + 1);

    if (p == NULL) {
        return -1;
    }
    if (extra) {
        p[old] = '\n';
    }
    memcpy(p + old + extra, s, n);
    p[old + extra + n] = '\0';
    *text = p;
    return 0;
}

static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* --- Entries and files --------------------------------------------------- */

/**
 * gs_supp_new:
 *
 * Returns: a new empty entry, or NULL when out of memory.
 */
gs_supp_t *
gs_supp_new(void)
{
    return calloc(1, sizeof(gs_supp_t));
}

/**
 * gs_supp_free:
 * @supp: an entry, or NULL
 *
 * Frees the entry and everything it owns.
 */
void
gs_supp_free(gs_supp_t *supp)
{
    size_t i;

    if (supp == NULL) {
        return;
    }
    free(supp->comment);
    free(supp->name);
    free(supp->tools);
    free(supp->kind);
    for (i = 0; i < supp->n_extra; i++) {
        free(supp->extra[i]);
    }
    free(supp->extra);
    for (i = 0; i < supp->n_frames; i++) {
        free(supp->frames[i].name);
    }
    free(supp->frames);
    for (i = 0; i < supp->n_inner; i++) {
        free(supp->inner[i].text);
    }
    free(supp->inner);
    free(supp);
}

/**
 * gs_supp_set_string:
 * @field: where a string of an entry lives
 * @value: the new value, copied (NULL clears)
 *
 * Returns: 0, or -1 when out of memory (the field is then unchanged).
 */
int
gs_supp_set_string(char **field, const char *value)
{
    char *d = NULL;

    if (value != NULL && (d = dup_str(value)) == NULL) {
        return -1;
    }
    free(*field);
    *field = d;
    return 0;
}

/**
 * gs_supp_add_frame:
 * @supp: an entry
 * @kind: what the frame line is
 * @name: the glob after "fun:", "obj:" or "src:" (ignored for "...")
 *
 * Returns: 0, or -1 when out of memory.
 */
int
gs_supp_add_frame(gs_supp_t *supp, gs_loc_kind_t kind, const char *name)
{
    size_t cap = supp->n_frames;
    char *copy = NULL;
    gs_loc_t *p;

    if (kind != GS_LOC_DOTS && (copy = dup_str(name)) == NULL) {
        return -1;
    }
    /* frames[] has exactly n_frames elements: no separate capacity. */
    p = realloc(supp->frames, (cap + 1) * sizeof(gs_loc_t));
    if (p == NULL) {
        free(copy);
        return -1;
    }
    p[cap].kind = kind;
    p[cap].name = copy;
    supp->frames = p;
    supp->n_frames = cap + 1;
    return 0;
}

/**
 * gs_supp_add_extra:
 * @supp: an entry
 * @line: an extra line, copied
 *
 * Returns: 0, or -1 when out of memory.
 */
int
gs_supp_add_extra(gs_supp_t *supp, const char *line)
{
    char *copy = dup_str(line);
    char **p;

    if (copy == NULL) {
        return -1;
    }
    p = realloc(supp->extra, (supp->n_extra + 1) * sizeof(char *));
    if (p == NULL) {
        free(copy);
        return -1;
    }
    p[supp->n_extra++] = copy;
    supp->extra = p;
    return 0;
}

static int
add_inner(gs_supp_t *supp, size_t before, const char *text, size_t n)
{
    gs_inner_comment_t *p;
    char *copy = dup_range(text, n);

    if (copy == NULL) {
        return -1;
    }
    p = realloc(supp->inner, (supp->n_inner + 1) * sizeof(*p));
    if (p == NULL) {
        free(copy);
        return -1;
    }
    p[supp->n_inner].before = before;
    p[supp->n_inner].text = copy;
    supp->inner = p;
    supp->n_inner++;
    return 0;
}

/**
 * gs_supp_copy:
 * @supp: an entry
 *
 * Returns: a deep copy, or NULL when out of memory.
 */
gs_supp_t *
gs_supp_copy(const gs_supp_t *supp)
{
    gs_supp_t *c = gs_supp_new();
    size_t i;

    if (c == NULL) {
        return NULL;
    }
    c->line = supp->line;
    if (gs_supp_set_string(&c->comment, supp->comment) < 0
        || gs_supp_set_string(&c->name, supp->name) < 0
        || gs_supp_set_string(&c->tools, supp->tools) < 0
        || gs_supp_set_string(&c->kind, supp->kind) < 0) {
        goto fail;
    }
    for (i = 0; i < supp->n_extra; i++) {
        if (gs_supp_add_extra(c, supp->extra[i]) < 0) {
            goto fail;
        }
    }
    for (i = 0; i < supp->n_frames; i++) {
        if (gs_supp_add_frame(c, supp->frames[i].kind,
                              supp->frames[i].name) < 0) {
            goto fail;
        }
    }
    for (i = 0; i < supp->n_inner; i++) {
        if (add_inner(c, supp->inner[i].before, supp->inner[i].text,
                      strlen(supp->inner[i].text)) < 0) {
            goto fail;
        }
    }
    return c;

  fail:
    gs_supp_free(c);
    return NULL;
}

/**
 * gs_suppfile_init:
 * @file: a file model to set up empty
 */
void
gs_suppfile_init(gs_suppfile_t *file)
{
    memset(file, 0, sizeof(*file));
}

/**
 * gs_suppfile_clear:
 * @file: a file model
 *
 * Frees every entry and the trailer; the model is then empty.
 */
void
gs_suppfile_clear(gs_suppfile_t *file)
{
    size_t i;

    for (i = 0; i < file->n_entries; i++) {
        gs_supp_free(file->entries[i]);
    }
    free(file->entries);
    free(file->trailer);
    gs_suppfile_init(file);
}

/**
 * gs_suppfile_append:
 * @file: a file model
 * @supp: an entry; the file owns it from now on, even on failure
 *
 * Returns: 0, or -1 when out of memory (@supp is then freed).
 */
int
gs_suppfile_append(gs_suppfile_t *file, gs_supp_t *supp)
{
    if (grow((void **)&file->entries, &file->cap, file->n_entries + 1,
             sizeof(gs_supp_t *)) < 0) {
        gs_supp_free(supp);
        return -1;
    }
    file->entries[file->n_entries++] = supp;
    return 0;
}

/* --- Reading ------------------------------------------------------------- */

/* The reader's state between lines. */
typedef enum {
    AT_OUTSIDE,                 /* between entries: '{' or comments */
    AT_NAME,                    /* after '{' */
    AT_KIND,                    /* after the name */
    AT_BODY                     /* extra lines and frames, then '}' */
} read_state_t;

typedef struct {
    const char *path;
    long lineno;
    char **message;
    gs_supp_status_t status;
} reader_t;

static gs_supp_status_t
fail(reader_t *r, gs_supp_status_t status, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *m;

    r->status = status;
    if (r->message == NULL) {
        return status;
    }
    free(*r->message);
    *r->message = NULL;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return status;
    }
    m = malloc((size_t)n + 1);
    if (m == NULL) {
        return status;
    }
    va_start(ap, fmt);
    vsnprintf(m, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *r->message = m;
    return status;
}

/* Is the (stripped) line a frame line?  Sets *kind and *name_at. */
static int
frame_line(const char *s, size_t n, gs_loc_kind_t *kind, size_t *name_at)
{
    if (n == 3 && memcmp(s, "...", 3) == 0) {
        *kind = GS_LOC_DOTS;
        *name_at = n;
        return 1;
    }
    if (n < 4 || s[3] != ':') {
        return 0;
    }
    *name_at = 4;
    if (memcmp(s, "fun", 3) == 0) {
        *kind = GS_LOC_FUN;
    }
    else if (memcmp(s, "obj", 3) == 0) {
        *kind = GS_LOC_OBJ;
    }
    else if (memcmp(s, "src", 3) == 0) {
        *kind = GS_LOC_SRC;
    }
    else {
        return 0;
    }
    return 1;
}

/* Shorten a line for a message: at most 60 characters, printable. */
static void
excerpt(const char *s, size_t n, char out[64])
{
    size_t i, k = 0;

    for (i = 0; i < n && k < 60; i++) {
        unsigned char c = (unsigned char)s[i];
        out[k++] = (c >= 32 && c < 127) ? (char)c : '?';
    }
    if (i < n) {
        out[k - 3] = '.';
        out[k - 2] = '.';
        out[k - 1] = '.';
    }
    out[k] = '\0';
}

/**
 * gs_supp_parse:
 * @buf: the file's bytes
 * @len: how many
 * @path: the file's name, for messages
 * @out: an initialised file model; entries are appended to it
 * @message: where to put a malloc'ed message "PATH:LINE: what is wrong",
 *   or NULL
 *
 * Reads a suppression file from memory.  On failure the entries read so
 * far stay in @out.
 *
 * Returns: GS_SUPP_OK, GS_SUPP_SYNTAX or GS_SUPP_NOMEM.
 */
gs_supp_status_t
gs_supp_parse(const char *buf, size_t len, const char *path,
              gs_suppfile_t *out, char **message)
{
    reader_t r = {path, 0, message, GS_SUPP_OK};
    read_state_t state = AT_OUTSIDE;
    char *pending = NULL;       /* comment block waiting for its entry */
    int pending_blank = 0;      /* blank lines after text in pending */
    gs_supp_t *cur = NULL;
    size_t content = 0;         /* content lines of cur so far */
    size_t pos = 0;
    long entry_line = 0;
    char ex[64];

    if (path == NULL) {
        path = r.path = "(input)";
    }
    while (pos < len) {
        const char *line = buf + pos;
        const char *end = memchr(line, '\n', len - pos);
        size_t n = end == NULL ? len - pos : (size_t)(end - line);
        const char *s = line;
        gs_loc_kind_t fk;
        size_t name_at;

        pos += n + (end != NULL);
        r.lineno++;
        if (memchr(line, '\0', n) != NULL) {
            fail(&r, GS_SUPP_SYNTAX, "%s:%ld: a NUL byte in the line",
                 path, r.lineno);
            goto done;
        }
        if (n >= LINE_MAX_CHARS) {
            fail(&r, GS_SUPP_SYNTAX,
                 "%s:%ld: line of %zu characters; Valgrind stops at %d",
                 path, r.lineno, n, LINE_MAX_CHARS - 1);
            goto done;
        }
        while (n > 0 && is_space((unsigned char)*s)) {
            s++;
            n--;
        }
        while (n > 0 && is_space((unsigned char)s[n - 1])) {
            n--;
        }

        if (n == 0 || s[0] == '#') {
            if (state != AT_OUTSIDE) {
                if (n > 0 && add_inner(cur, content, s, n) < 0) {
                    goto nomem;
                }
                continue;
            }
            if (n == 0) {
                /* Blank lines count only between comment lines. */
                if (pending != NULL) {
                    pending_blank++;
                }
                continue;
            }
            for (; pending_blank > 0; pending_blank--) {
                if (append_line(&pending, "", 0) < 0) {
                    goto nomem;
                }
            }
            if (append_line(&pending, s, n) < 0) {
                goto nomem;
            }
            continue;
        }

        switch (state) {
        case AT_OUTSIDE:
            if (n != 1 || s[0] != '{') {
                excerpt(s, n, ex);
                fail(&r, GS_SUPP_SYNTAX,
                     "%s:%ld: expected '{' or the end of the file, "
                     "found '%s'", path, r.lineno, ex);
                goto done;
            }
            cur = gs_supp_new();
            if (cur == NULL) {
                goto nomem;
            }
            cur->line = entry_line = r.lineno;
            cur->comment = pending;
            pending = NULL;
            pending_blank = 0;
            content = 0;
            state = AT_NAME;
            break;

        case AT_NAME:
            if (n == 1 && s[0] == '}') {
                fail(&r, GS_SUPP_SYNTAX,
                     "%s:%ld: '}' where the entry's name should be "
                     "(entry at line %ld)", path, r.lineno, entry_line);
                goto done;
            }
            if ((cur->name = dup_range(s, n)) == NULL) {
                goto nomem;
            }
            content++;
            state = AT_KIND;
            break;

        case AT_KIND: {
            const char *colon = memchr(s, ':', n);

            if (n == 1 && s[0] == '}') {
                fail(&r, GS_SUPP_SYNTAX,
                     "%s:%ld: '}' where the TOOL:KIND line should be "
                     "(entry '%s' at line %ld)", path, r.lineno,
                     cur->name, entry_line);
                goto done;
            }
            if (colon == NULL || colon == s || colon == s + n - 1) {
                excerpt(s, n, ex);
                fail(&r, GS_SUPP_SYNTAX,
                     "%s:%ld: expected TOOL:KIND (such as Memcheck:Leak "
                     "or Pyref:ExtraDecref), found '%s'", path, r.lineno,
                     ex);
                goto done;
            }
            cur->tools = dup_range(s, (size_t)(colon - s));
            cur->kind = dup_range(colon + 1, (size_t)(s + n - colon - 1));
            if (cur->tools == NULL || cur->kind == NULL) {
                goto nomem;
            }
            content++;
            state = AT_BODY;
            break;
        }

        case AT_BODY:
            if (n == 1 && s[0] == '}') {
                size_t i;

                if (cur->n_frames == 0) {
                    fail(&r, GS_SUPP_SYNTAX,
                         "%s:%ld: entry '%s' (line %ld) has no frame: "
                         "give at least one fun:, obj: or src: line",
                         path, r.lineno, cur->name, entry_line);
                    goto done;
                }
                for (i = 0; i < cur->n_frames; i++) {
                    if (cur->frames[i].kind != GS_LOC_DOTS) {
                        break;
                    }
                }
                if (i == cur->n_frames) {
                    fail(&r, GS_SUPP_SYNTAX,
                         "%s:%ld: entry '%s' (line %ld) has only '...' "
                         "frames; Valgrind wants at least one other",
                         path, r.lineno, cur->name, entry_line);
                    goto done;
                }
                if (gs_suppfile_append(out, cur) < 0) {
                    cur = NULL;
                    goto nomem;
                }
                cur = NULL;
                state = AT_OUTSIDE;
                break;
            }
            if (frame_line(s, n, &fk, &name_at)) {
                char *name;

                name = fk == GS_LOC_DOTS
                       ? NULL : dup_range(s + name_at, n - name_at);
                if (fk != GS_LOC_DOTS && name == NULL) {
                    goto nomem;
                }
                if (gs_supp_add_frame(cur, fk, name == NULL ? "" : name)
                    < 0) {
                    free(name);
                    goto nomem;
                }
                free(name);
                content++;
                break;
            }
            if (n == 1 && s[0] == '{') {
                fail(&r, GS_SUPP_SYNTAX,
                     "%s:%ld: '{' inside entry '%s' (line %ld): is its "
                     "'}' missing?", path, r.lineno, cur->name, entry_line);
                goto done;
            }
            if (cur->n_frames > 0) {
                excerpt(s, n, ex);
                fail(&r, GS_SUPP_SYNTAX,
                     "%s:%ld: expected a frame (fun:, obj:, src: or "
                     "...) or '}', found '%s'", path, r.lineno, ex);
                goto done;
            }
            {
                char *extra = dup_range(s, n);

                if (extra == NULL || gs_supp_add_extra(cur, extra) < 0) {
                    free(extra);
                    goto nomem;
                }
                free(extra);
            }
            content++;
            break;
        }
    }

    if (state != AT_OUTSIDE) {
        fail(&r, GS_SUPP_SYNTAX,
             "%s:%ld: the file ends inside the entry that starts at "
             "line %ld", path, r.lineno, entry_line);
        goto done;
    }
    out->trailer = pending;
    pending = NULL;
    goto done;

  nomem:
    fail(&r, GS_SUPP_NOMEM, "%s:%ld: out of memory", path, r.lineno);
  done:
    gs_supp_free(cur);
    free(pending);
    return r.status;
}

/**
 * gs_supp_read_file:
 * @path: a suppression file
 * @out: an initialised file model; entries are appended to it
 * @message: where to put a malloc'ed message, or NULL
 *
 * Returns: GS_SUPP_OK, GS_SUPP_SYNTAX, GS_SUPP_IO or GS_SUPP_NOMEM.
 */
gs_supp_status_t
gs_supp_read_file(const char *path, gs_suppfile_t *out, char **message)
{
    reader_t r = {path, 0, message, GS_SUPP_OK};
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    gs_supp_status_t st;

    if (fp == NULL) {
        return fail(&r, GS_SUPP_IO, "%s: cannot open: %s", path,
                    strerror(errno));
    }
    for (;;) {
        if (grow((void **)&buf, &cap, len + 65536, 1) < 0) {
            fclose(fp);
            free(buf);
            return fail(&r, GS_SUPP_NOMEM, "%s: out of memory", path);
        }
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(fp)) {
        int e = errno;

        fclose(fp);
        free(buf);
        return fail(&r, GS_SUPP_IO, "%s: cannot read: %s", path,
                    strerror(e));
    }
    fclose(fp);
    st = gs_supp_parse(buf, len, path, out, message);
    free(buf);
    return st;
}

/* --- Writing ------------------------------------------------------------- */

static void
write_inner(FILE *fp, const gs_supp_t *supp, size_t before)
{
    size_t i;

    for (i = 0; i < supp->n_inner; i++) {
        if (supp->inner[i].before == before) {
            fprintf(fp, "   %s\n", supp->inner[i].text);
        }
    }
}

static const char *
frame_prefix(gs_loc_kind_t kind)
{
    switch (kind) {
    case GS_LOC_FUN:
        return "fun:";
    case GS_LOC_OBJ:
        return "obj:";
    case GS_LOC_SRC:
        return "src:";
    case GS_LOC_DOTS:
        break;
    }
    return "";
}

/**
 * gs_supp_write:
 * @fp: where to write
 * @supp: an entry
 *
 * Writes the entry's comment block and the entry, as Valgrind prints one.
 *
 * Returns: 0, or -1 on a write error.
 */
int
gs_supp_write(FILE *fp, const gs_supp_t *supp)
{
    size_t i, at = 0;

    if (supp->comment != NULL) {
        fprintf(fp, "%s\n", supp->comment);
    }
    fputs("{\n", fp);
    write_inner(fp, supp, at++);
    fprintf(fp, "   %s\n", supp->name != NULL ? supp->name : "");
    write_inner(fp, supp, at++);
    fprintf(fp, "   %s:%s\n", supp->tools, supp->kind);
    for (i = 0; i < supp->n_extra; i++) {
        write_inner(fp, supp, at++);
        fprintf(fp, "   %s\n", supp->extra[i]);
    }
    for (i = 0; i < supp->n_frames; i++) {
        write_inner(fp, supp, at++);
        if (supp->frames[i].kind == GS_LOC_DOTS) {
            fputs("   ...\n", fp);
        }
        else {
            fprintf(fp, "   %s%s\n", frame_prefix(supp->frames[i].kind),
                    supp->frames[i].name);
        }
    }
    /* Comments after the last content line, and any whose place is out
       of range (a model built by hand). */
    for (i = 0; i < supp->n_inner; i++) {
        if (supp->inner[i].before >= at) {
            fprintf(fp, "   %s\n", supp->inner[i].text);
        }
    }
    fputs("}\n", fp);
    return ferror(fp) ? -1 : 0;
}

/**
 * gs_suppfile_write:
 * @fp: where to write
 * @file: a file model
 *
 * Writes every entry in order, a blank line before each comment block
 * that does not start the file, then the trailer.
 *
 * Returns: 0, or -1 on a write error.
 */
int
gs_suppfile_write(FILE *fp, const gs_suppfile_t *file)
{
    size_t i;

    for (i = 0; i < file->n_entries; i++) {
        if (i > 0 && file->entries[i]->comment != NULL) {
            fputc('\n', fp);
        }
        if (gs_supp_write(fp, file->entries[i]) < 0) {
            return -1;
        }
    }
    if (file->trailer != NULL) {
        if (file->n_entries > 0) {
            fputc('\n', fp);
        }
        fprintf(fp, "%s\n", file->trailer);
    }
    return ferror(fp) ? -1 : 0;
}

/* --- Comparing ----------------------------------------------------------- */

static int
cmp_str(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return (a != NULL) - (b != NULL);
    }
    return strcmp(a, b);
}

/**
 * gs_supp_compare:
 * @a: an entry
 * @b: another
 *
 * The order of entries in generated files: by tool, kind, frames, extra
 * lines, then name.  Comments do not count.
 *
 * Returns: <0, 0 or >0, like strcmp().
 */
int
gs_supp_compare(const gs_supp_t *a, const gs_supp_t *b)
{
    size_t i;
    int c;

    if ((c = cmp_str(a->tools, b->tools)) != 0
        || (c = cmp_str(a->kind, b->kind)) != 0) {
        return c;
    }
    for (i = 0; i < a->n_frames && i < b->n_frames; i++) {
        const gs_loc_t *fa = &a->frames[i], *fb = &b->frames[i];

        if (fa->kind != fb->kind) {
            return fa->kind < fb->kind ? -1 : 1;
        }
        if ((c = cmp_str(fa->name, fb->name)) != 0) {
            return c;
        }
    }
    if (a->n_frames != b->n_frames) {
        return a->n_frames < b->n_frames ? -1 : 1;
    }
    for (i = 0; i < a->n_extra && i < b->n_extra; i++) {
        if ((c = strcmp(a->extra[i], b->extra[i])) != 0) {
            return c;
        }
    }
    if (a->n_extra != b->n_extra) {
        return a->n_extra < b->n_extra ? -1 : 1;
    }
    return cmp_str(a->name, b->name);
}

/**
 * gs_supp_equal:
 * @a: an entry
 * @b: another
 *
 * Returns: 1 when both say the same to Valgrind and carry the same
 * comments (the line number does not count), else 0.
 */
int
gs_supp_equal(const gs_supp_t *a, const gs_supp_t *b)
{
    size_t i;

    if (gs_supp_compare(a, b) != 0 || cmp_str(a->comment, b->comment) != 0
        || a->n_inner != b->n_inner) {
        return 0;
    }
    for (i = 0; i < a->n_inner; i++) {
        if (a->inner[i].before != b->inner[i].before
            || strcmp(a->inner[i].text, b->inner[i].text) != 0) {
            return 0;
        }
    }
    return 1;
}

/**
 * gs_supp_canonical:
 * @supp: an entry
 *
 * The entry's content without its name and comments, one line each:
 * "TOOLS:KIND", the extra lines, the frames.  Two entries that Valgrind
 * treats alike have the same text; the generator hashes it for names.
 *
 * Returns: a malloc'ed string, or NULL when out of memory.
 */
char *
gs_supp_canonical(const gs_supp_t *supp)
{
    size_t i, n;
    char *t, *p;

    n = strlen(supp->tools) + strlen(supp->kind) + 3;
    for (i = 0; i < supp->n_extra; i++) {
        n += strlen(supp->extra[i]) + 1;
    }
    for (i = 0; i < supp->n_frames; i++) {
        n += 5 + (supp->frames[i].name ? strlen(supp->frames[i].name) : 0);
    }
    t = p = malloc(n);
    if (t == NULL) {
        return NULL;
    }
    p += sprintf(p, "%s:%s\n", supp->tools, supp->kind);
    for (i = 0; i < supp->n_extra; i++) {
        p += sprintf(p, "%s\n", supp->extra[i]);
    }
    for (i = 0; i < supp->n_frames; i++) {
        if (supp->frames[i].kind == GS_LOC_DOTS) {
            p += sprintf(p, "...\n");
        }
        else {
            p += sprintf(p, "%s%s\n", frame_prefix(supp->frames[i].kind),
                         supp->frames[i].name);
        }
    }
    return t;
}

/**
 * gs_supp_is_valid:
 * @supp: an entry built in memory
 * @why: where to put the reason when it is not valid, or NULL
 *
 * Checks what the reader checks, for entries the generator makes.
 *
 * Returns: 1 when Valgrind would read the entry back, else 0.
 */
int
gs_supp_is_valid(const gs_supp_t *supp, const char **why)
{
    size_t i;
    int concrete = 0;
    const char *dummy;

    if (why == NULL) {
        why = &dummy;
    }
    if (supp->name == NULL || supp->name[0] == '\0'
        || supp->name[0] == '#' || strcmp(supp->name, "}") == 0
        || strchr(supp->name, '\n') != NULL) {
        *why = "bad name";
        return 0;
    }
    if (supp->tools == NULL || supp->tools[0] == '\0' || supp->kind == NULL
        || supp->kind[0] == '\0' || strchr(supp->tools, ':') != NULL) {
        *why = "bad TOOL:KIND";
        return 0;
    }
    for (i = 0; i < supp->n_frames; i++) {
        if (supp->frames[i].kind != GS_LOC_DOTS) {
            concrete = 1;
            if (strchr(supp->frames[i].name, '\n') != NULL) {
                *why = "a frame name holds a newline";
                return 0;
            }
        }
    }
    if (!concrete) {
        *why = "no frame other than '...'";
        return 0;
    }
    return 1;
}

/* --- Matching -------------------------------------------------------------
 *
 * Valgrind matches recursively, trying '*' (and "...") first with nothing
 * and backtracking; here both levels are dynamic programming over
 * (pattern position, input position), so no input can make them slow.
 */

/**
 * gs_glob_match:
 * @pattern: a glob with '*' and '?'
 * @text: a function or object name
 *
 * Returns: 1 when @text matches @pattern the way Valgrind matches a
 * suppression line with a name, else 0.
 */
int
gs_glob_match(const char *pattern, const char *text)
{
    const char *star = NULL, *retry = NULL;

    /* Greedy with one backtrack point: correct for '*' and '?' only. */
    while (*text != '\0') {
        if (*pattern == '*') {
            star = pattern++;
            retry = text;
        }
        else if (*pattern == '?' || *pattern == *text) {
            pattern++;
            text++;
        }
        else if (star != NULL) {
            pattern = star + 1;
            text = ++retry;
        }
        else {
            return 0;
        }
    }
    while (*pattern == '*') {
        pattern++;
    }
    return *pattern == '\0';
}

/**
 * gs_glob_covers:
 * @general: a glob
 * @specific: another glob
 *
 * Does every name that @specific matches also match @general?  The
 * answer is never a wrong yes; it may be a wrong no for unusual pairs of
 * globs (the generator then keeps both entries, which is harmless).
 *
 * Returns: 1 or 0.
 */
int
gs_glob_covers(const char *general, const char *specific)
{
    size_t m = strlen(general), n = strlen(specific), i, j;
    unsigned char *t;
    int r;

    if (strcmp(general, specific) == 0 || strcmp(general, "*") == 0) {
        return 1;
    }
    if (strpbrk(specific, "*?") == NULL) {
        return gs_glob_match(general, specific);
    }
    if (n + 1 > SIZE_MAX / (m + 1)) {
        return 0;
    }
    /* t[i][j]: general[i..] covers specific[j..]. */
    t = calloc((m + 1) * (n + 1), 1);
    if (t == NULL) {
        return 0;
    }
#define T(i, j) t[(i) * (n + 1) + (j)]
    T(m, n) = 1;
    for (i = m + 1; i-- > 0;) {
        for (j = n + 1; j-- > 0;) {
            if (i == m) {
                T(i, j) = j == n;
            }
            else if (general[i] == '*') {
                T(i, j) = T(i + 1, j) || (j < n && T(i, j + 1));
            }
            else if (j == n) {
                T(i, j) = 0;
            }
            else if (general[i] == '?') {
                T(i, j) = specific[j] != '*' && T(i + 1, j + 1);
            }
            else {
                T(i, j) = specific[j] == general[i] && T(i + 1, j + 1);
            }
        }
    }
    r = T(0, 0);
#undef T
    free(t);
    return r;
}

/* Leak kinds of a "match-leak-kinds:" line, as bits; -1 if the line is
   not one or names an unknown kind. */
static int
leak_kinds(const char *line)
{
    static const char *const names[] = {
        "definite", "indirect", "possible", "reachable"
    };
    const char *p;
    int bits = 0;

    if (strncmp(line, "match-leak-kinds:", 17) != 0) {
        return -1;
    }
    p = line + 17;
    for (;;) {
        size_t n, k;
        int found = 0;

        while (isspace((unsigned char)*p)) {
            p++;
        }
        n = strcspn(p, ", \t");
        if (n == 3 && strncmp(p, "all", 3) == 0) {
            bits |= 15;
            found = 1;
        }
        else if (n == 4 && strncmp(p, "none", 4) == 0) {
            found = 1;
        }
        for (k = 0; k < 4 && !found; k++) {
            if (strlen(names[k]) == n && strncmp(p, names[k], n) == 0) {
                bits |= 1 << k;
                found = 1;
            }
        }
        if (!found) {
            return -1;
        }
        p += n;
        while (isspace((unsigned char)*p)) {
            p++;
        }
        if (*p == '\0') {
            return bits;
        }
        if (*p != ',') {
            return -1;
        }
        p++;
    }
}

/* The value of a "type: GLOB" line (pyref's), or NULL. */
static const char *
type_value(const char *line)
{
    if (strncmp(line, "type:", 5) != 0) {
        return NULL;
    }
    line += 5;
    while (*line == ' ' || *line == '\t') {
        line++;
    }
    return line;
}

/* Does extra line @general accept everything extra line @specific does?
   @specific NULL: the other side has no such line.  For an entry (@is_supp)
   that means "any value"; for an observed error, "no value" (a pyref error
   about memory that holds no Python object). */
static int
extra_covers(const char *general, const char *specific, int is_supp)
{
    const char *gt = type_value(general);
    int g = leak_kinds(general), s;

    if (specific == NULL) {
        if (gt != NULL) {
            return is_supp ? strspn(gt, "*") == strlen(gt) && *gt != '\0'
                           : gs_glob_match(gt, "");
        }
        return g == 15;
    }
    if (strcmp(general, specific) == 0) {
        return 1;
    }
    if (gt != NULL && type_value(specific) != NULL) {
        return is_supp ? gs_glob_covers(gt, type_value(specific))
                       : gs_glob_match(gt, type_value(specific));
    }
    s = leak_kinds(specific);
    return g >= 0 && s >= 0 && (g & s) == s;
}

static int
extras_cover(char *const *gen, size_t n_gen, const char *const *spec,
             size_t n_spec, int is_supp)
{
    size_t i;

    /* No extra line: the optional ones (leak kinds, Python type) match
       anything; a line the entry lacks accepts any value. */
    for (i = 0; i < n_gen; i++) {
        if (!extra_covers(gen[i], i < n_spec ? spec[i] : NULL, is_supp)) {
            return 0;
        }
    }
    return 1;
}

/* Is every tool of the comma list @spec in the comma list @gen? */
static int
tools_cover(const char *gen, const char *spec)
{
    const char *p = spec;

    for (;;) {
        size_t n = strcspn(p, ",");
        const char *q = gen;
        int found = 0;

        for (;;) {
            size_t k = strcspn(q, ",");

            if (k == n && strncmp(q, p, n) == 0) {
                found = 1;
                break;
            }
            if (q[k] == '\0') {
                break;
            }
            q += k + 1;
        }
        if (!found) {
            return 0;
        }
        if (p[n] == '\0') {
            return 1;
        }
        p += n + 1;
    }
}

/* src:FILE[:LINE]: the line number, 0 if none (Valgrind reads the digits
   after the first ':'). */
static unsigned long
src_line(const char *name, size_t *file_len)
{
    const char *colon = strchr(name, ':');
    unsigned long v = 0;

    *file_len = colon == NULL ? strlen(name) : (size_t)(colon - name);
    if (colon == NULL) {
        return 0;
    }
    for (colon++; isdigit((unsigned char)*colon); colon++) {
        if (v > (ULONG_MAX - 9) / 10) {
            break;
        }
        v = v * 10 + (unsigned long)(*colon - '0');
    }
    return v;
}

static int
frame_matches(const gs_loc_t *p, const gs_obs_frame_t *f)
{
    switch (p->kind) {
    case GS_LOC_FUN:
        return gs_glob_match(p->name, f->fun != NULL ? f->fun : "???");
    case GS_LOC_OBJ:
        return gs_glob_match(p->name, f->obj != NULL ? f->obj : "???");
    case GS_LOC_SRC: {
        size_t n;
        unsigned long line = src_line(p->name, &n);
        char *file;
        int r;

        if (f->file == NULL) {
            return 0;
        }
        file = dup_range(p->name, n);
        if (file == NULL) {
            return 0;
        }
        r = gs_glob_match(file, f->file) && (line == 0 || line == f->line);
        free(file);
        return r;
    }
    case GS_LOC_DOTS:
        break;
    }
    return 0;
}

/*
 * The frame lines of an entry against a sequence of n frames on the
 * other side: the frames of an observed error (does the entry match
 * it?) or the frame lines of another entry (does the entry match all
 * that the other matches?).  The predicate says whether frame line
 * @pattern, not "...", accepts the other side's frame @j.
 */
typedef int (*gs_frame_ok_fn)(const gs_loc_t *pattern, const void *other,
                              size_t j);

/* Do the @m frame lines of @pattern match a prefix of @other's @n
   frames?  "..." matches any run of frames, the empty one included. */
static int
frames_match_prefix(const gs_loc_t *pattern, size_t m, size_t n,
                    gs_frame_ok_fn frame_ok, const void *other)
{
    unsigned char *t;
    size_t i, j;
    int r;

    if (n + 1 > SIZE_MAX / (m + 1)) {
        return 0;
    }
    /* t[i][j]: pattern[i..] matches a prefix of other's frames from j. */
    t = malloc((m + 1) * (n + 1));
    if (t == NULL) {
        return 0;
    }
#define T(i, j) t[(i) * (n + 1) + (j)]
    for (i = m + 1; i-- > 0;) {
        for (j = n + 1; j-- > 0;) {
            if (i == m) {
                T(i, j) = 1;
            }
            else if (pattern[i].kind == GS_LOC_DOTS) {
                T(i, j) = T(i + 1, j) || (j < n && T(i, j + 1));
            }
            else {
                T(i, j) = j < n && T(i + 1, j + 1)
                          && frame_ok(&pattern[i], other, j);
            }
        }
    }
    r = T(0, 0);
#undef T
    free(t);
    return r;
}

static int
observed_frame_ok(const gs_loc_t *pattern, const void *err, size_t j)
{
    return frame_matches(pattern, &((const gs_obs_error_t *)err)->frames[j]);
}

/**
 * gs_supp_matches:
 * @supp: an entry
 * @err: an observed error
 *
 * Would Valgrind suppress @err with @supp?  The tool must be in the
 * entry's list, the kind the same, the extra lines compatible (none in
 * the entry accepts any; "match-leak-kinds:" is a set), and the frames
 * must match a prefix of the error's stack.
 *
 * Returns: 1 or 0.
 */
int
gs_supp_matches(const gs_supp_t *supp, const gs_obs_error_t *err)
{
    if (!tools_cover(supp->tools, err->tools)
        || strcmp(supp->kind, err->kind) != 0
        || !extras_cover(supp->extra, supp->n_extra, err->extra,
                         err->n_extra, 0)) {
        return 0;
    }
    return frames_match_prefix(supp->frames, supp->n_frames, err->n_frames,
                               observed_frame_ok, err);
}

/* Does frame line @g match every frame that frame line @s matches? */
static int
frame_covers(const gs_loc_t *g, const gs_loc_t *s)
{
    if (s->kind == GS_LOC_DOTS) {
        return 0;
    }
    /* fun:* and obj:* match any frame, "???" included. */
    if ((g->kind == GS_LOC_FUN || g->kind == GS_LOC_OBJ)
        && strspn(g->name, "*") == strlen(g->name) && g->name[0] != '\0') {
        return 1;
    }
    if (g->kind != s->kind) {
        return 0;
    }
    if (g->kind == GS_LOC_SRC) {
        size_t gn, sn;
        unsigned long gl = src_line(g->name, &gn);
        unsigned long sl = src_line(s->name, &sn);
        char *gf = dup_range(g->name, gn), *sf = dup_range(s->name, sn);
        int r = gf != NULL && sf != NULL && gs_glob_covers(gf, sf)
                && (gl == 0 || gl == sl);

        free(gf);
        free(sf);
        return r;
    }
    return gs_glob_covers(g->name, s->name);
}

static int
entry_frame_ok(const gs_loc_t *pattern, const void *specific, size_t j)
{
    return frame_covers(pattern, &((const gs_supp_t *)specific)->frames[j]);
}

/**
 * gs_supp_covers:
 * @general: an entry
 * @specific: another
 *
 * Does @general suppress every error that @specific suppresses?  Then
 * @specific is redundant.  Never a wrong yes; for some exotic pairs a
 * wrong no.
 *
 * Returns: 1 or 0.
 */
int
gs_supp_covers(const gs_supp_t *general, const gs_supp_t *specific)
{
    if (!tools_cover(general->tools, specific->tools)
        || strcmp(general->kind, specific->kind) != 0
        || !extras_cover(general->extra, general->n_extra,
                         (const char *const *)specific->extra,
                         specific->n_extra, 1)) {
        return 0;
    }
    /* A "..." of general may swallow any frame line of specific, "..."
       too; any other line of general must cover the line of specific it
       is set against (frame_covers() says no to "..."). */
    return frames_match_prefix(general->frames, general->n_frames,
                               specific->n_frames, entry_frame_ok, specific);
}
