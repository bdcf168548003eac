/* report.c: read Valgrind's XML output (protocol 4, 5, 6) into report.h's
 * model, as a stream, with libxml2's xmlReader (2.9.14 API).
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The reader walks the document once.  It keeps the names of the open
 * elements (the path from <valgrindoutput> down), collects the text of the
 * current element, and acts when an element starts (a new <error>,
 * <frame>, <auxwhat>, <stack>, <sframe> gets its slot) or ends (a leaf's
 * text goes to its member).  What the model does not know is skipped; in
 * an <xwhat>, an <xauxwhat> or directly in an <error>, unknown leaves are
 * kept as (path, value) fields.
 *
 * Bad input stops the walk at the first problem: libxml2's structured
 * error handler gives the message and line of a well-formedness error
 * (never printed by libxml2 itself), and the checks below give those of a
 * document that is XML but not Valgrind's.
 */

#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

/* Elements nest 6 deep in Valgrind's output (valgrindoutput, error,
   xauxwhat, block, pymalloc, arena); anything past this is not it. */
#define MAX_DEPTH 32

/* Where a <stack> inside an <error> goes. */
enum { STACK_NONE, STACK_MAIN, STACK_AUX };

typedef struct {
    const char *name;               /* file name for messages */
    xmlTextReaderPtr reader;
    gs_report_t *report;
    gs_read_status_t status;
    char *msg;
    size_t msgsize;

    /* what the input looks like, for messages: its first byte that is
       not white space, and whether it ends with </valgrindoutput> */
    int first_char;
    int ends_closed;

    /* libxml2's first error, from the structured handler */
    int xml_failed;
    int xml_code;
    long xml_line;
    char xml_msg[256];

    /* open elements: names[0] is the root */
    char *names[MAX_DEPTH];
    int had_child[MAX_DEPTH];
    int depth;

    /* text of the innermost open element */
    char *text;
    size_t text_len;
    size_t text_cap;

    int seen_root;
    int seen_protocol;

    /* the <error> being read (the last of report->errors) */
    int in_error;
    int error_has_stack;            /* its main stack was seen */
    int last_aux_has_stack;
    int stack_target;               /* STACK_* of the open <stack> */
    int in_xwhat;                   /* depth of its <xwhat>, or 0 */
    int in_xauxwhat;                /* depth of its <xauxwhat>, or 0 */

    /* a <suppression> being read, and the depth of its element */
    gs_suppression_t *supp;
    int supp_depth;

    /* a <pair> of errorcounts or suppcounts */
    gs_count_t pair;
    int pair_has_count;
    int pair_has_key;
} reader_t;

/* ------------------------------------------------------------------ */
/* Messages                                                           */
/* ------------------------------------------------------------------ */

static void
fail_at(reader_t *r, gs_read_status_t status, long line,
        const char *fmt, ...)
{
    va_list ap;
    size_t n = 0;
    int k;

    if (r->status != GS_READ_OK) {
        return;                     /* keep the first problem */
    }
    r->status = status;
    if (r->msg == NULL || r->msgsize == 0) {
        return;
    }
    if (line > 0) {
        k = snprintf(r->msg, r->msgsize, "%s:%ld: ", r->name, line);
    }
    else {
        k = snprintf(r->msg, r->msgsize, "%s: ", r->name);
    }
    if (k > 0) {
        n = (size_t)k < r->msgsize ? (size_t)k : r->msgsize - 1;
    }
    va_start(ap, fmt);
    vsnprintf(r->msg + n, r->msgsize - n, fmt, ap);
    va_end(ap);
}

/* The line of the node the reader is on. */
static long
current_line(reader_t *r)
{
    xmlNodePtr node;
    long line = 0;

    if (r->reader == NULL) {
        return 0;
    }
    node = xmlTextReaderCurrentNode(r->reader);
    if (node != NULL) {
        line = xmlGetLineNo(node);
    }
    if (line <= 0) {
        line = xmlTextReaderGetParserLineNumber(r->reader);
    }
    return line > 0 ? line : 0;
}

#define FAIL(status, ...) fail_at(r, (status), current_line(r), __VA_ARGS__)

static void
no_memory(reader_t *r)
{
    fail_at(r, GS_READ_NO_MEMORY, 0, "out of memory");
}

/* libxml2's structured error handler: remember the first error. */
static void
on_xml_error(void *arg, xmlErrorPtr error)
{
    reader_t *r = arg;
    size_t n;

    if (error == NULL || error->level < XML_ERR_ERROR || r->xml_failed) {
        return;
    }
    r->xml_failed = 1;
    r->xml_code = error->code;
    r->xml_line = error->line;
    snprintf(r->xml_msg, sizeof r->xml_msg, "%s",
             error->message ? error->message : "XML error");
    n = strlen(r->xml_msg);
    while (n > 0 && (r->xml_msg[n - 1] == '\n' || r->xml_msg[n - 1] == ' ')) {
        r->xml_msg[--n] = '\0';
    }
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

/* Grow *arrayp (of *np items of size sz) by one zeroed item. */
static void *
push(reader_t *r, void *arrayp, size_t *np, size_t sz)
{
    void **ap = arrayp;
    char *a;

    if (*np >= ((size_t)-1 / 2) / sz) {
        no_memory(r);
        return NULL;
    }
    a = realloc(*ap, (*np + 1) * sz);
    if (a == NULL) {
        no_memory(r);
        return NULL;
    }
    *ap = a;
    memset(a + *np * sz, 0, sz);
    return a + (*np)++ * sz;
}

static char *
dup_str(reader_t *r, const char *s)
{
    char *d = strdup(s);

    if (d == NULL) {
        no_memory(r);
    }
    return d;
}

/* Set *dst to a copy of s (replacing what was there). */
static void
set_str(reader_t *r, char **dst, const char *s)
{
    char *d = dup_str(r, s);

    if (d != NULL) {
        free(*dst);
        *dst = d;
    }
}

static void
push_str(reader_t *r, char ***arrayp, size_t *np, const char *s)
{
    char **slot;
    char *d = dup_str(r, s);

    if (d == NULL) {
        return;
    }
    slot = push(r, arrayp, np, sizeof **arrayp);
    if (slot == NULL) {
        free(d);
        return;
    }
    *slot = d;
}

static void
push_field(reader_t *r, gs_field_t **arrayp, size_t *np, const char *path,
           const char *value)
{
    gs_field_t *f;
    char *p = dup_str(r, path);
    char *v = p != NULL ? dup_str(r, value) : NULL;

    if (v == NULL) {
        free(p);
        return;
    }
    f = push(r, arrayp, np, sizeof **arrayp);
    if (f == NULL) {
        free(p);
        free(v);
        return;
    }
    f->path = p;
    f->value = v;
}

/* The collected text without the white space around it (in place). */
static const char *
trimmed_text(reader_t *r)
{
    char *s = r->text != NULL ? r->text : "";
    size_t n = r->text_len;

    if (r->text == NULL) {
        return "";
    }
    while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL) {
        n--;
    }
    s[n] = '\0';
    while (*s != '\0' && strchr(" \t\r\n", *s) != NULL) {
        s++;
    }
    return s;
}

static void
append_text(reader_t *r, const char *s)
{
    size_t n = strlen(s);
    size_t cap;
    char *t;

    if (r->text_len + n + 1 > r->text_cap) {
        cap = r->text_cap ? r->text_cap : 256;
        while (cap < r->text_len + n + 1) {
            if (cap > ((size_t)-1) / 2) {
                no_memory(r);
                return;
            }
            cap *= 2;
        }
        t = realloc(r->text, cap);
        if (t == NULL) {
            no_memory(r);
            return;
        }
        r->text = t;
        r->text_cap = cap;
    }
    memcpy(r->text + r->text_len, s, n + 1);
    r->text_len += n;
}

static void
clear_text(reader_t *r)
{
    r->text_len = 0;
    if (r->text != NULL) {
        r->text[0] = '\0';
    }
}

/* An unsigned number: decimal, or hexadecimal with 0x. */
static int
parse_ull(reader_t *r, const char *what, const char *s,
          unsigned long long *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    if (*s == '-' || *s == '+' || *s == '\0') {
        goto bad;
    }
    v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0') {
        goto bad;
    }
    *out = v;
    return 1;
bad:
    FAIL(GS_READ_NOT_VALGRIND, "<%s> is not a number: '%.40s'", what, s);
    return 0;
}

static int
parse_long(reader_t *r, const char *what, const char *s, long *out)
{
    unsigned long long v;

    if (!parse_ull(r, what, s, &v)) {
        return 0;
    }
    if (v > LONG_MAX) {
        FAIL(GS_READ_NOT_VALGRIND, "<%s> is out of range: '%.40s'", what, s);
        return 0;
    }
    *out = (long)v;
    return 1;
}

static int
parse_ulong(reader_t *r, const char *what, const char *s,
            unsigned long *out)
{
    unsigned long long v;

    if (!parse_ull(r, what, s, &v)) {
        return 0;
    }
    if (v > ULONG_MAX) {
        FAIL(GS_READ_NOT_VALGRIND, "<%s> is out of range: '%.40s'", what, s);
        return 0;
    }
    *out = (unsigned long)v;
    return 1;
}

/* names[from..depth-1] joined with '/' into buf. */
static const char *
path_from(reader_t *r, int from, char *buf, size_t size)
{
    size_t n = 0;
    int i;

    buf[0] = '\0';
    for (i = from; i < r->depth && n < size; i++) {
        int k = snprintf(buf + n, size - n, "%s%s", i > from ? "/" : "",
                         r->names[i]);
        if (k < 0) {
            break;
        }
        n += (size_t)k;
    }
    return buf;
}

static gs_error_t *
cur_error(reader_t *r)
{
    gs_report_t *rep = r->report;

    return rep->n_errors ? &rep->errors[rep->n_errors - 1] : NULL;
}

static gs_aux_t *
last_aux(reader_t *r)
{
    gs_error_t *e = cur_error(r);

    return e != NULL && e->n_aux ? &e->aux[e->n_aux - 1] : NULL;
}

static gs_stack_t *
target_stack(reader_t *r)
{
    gs_error_t *e = cur_error(r);
    gs_aux_t *a = last_aux(r);

    if (r->stack_target == STACK_MAIN && e != NULL) {
        return &e->stack;
    }
    if (r->stack_target == STACK_AUX && a != NULL) {
        return &a->stack;
    }
    return NULL;
}

static gs_frame_t *
cur_frame(reader_t *r)
{
    gs_stack_t *s = target_stack(r);

    return s != NULL && s->n_frames ? &s->frames[s->n_frames - 1] : NULL;
}

static void
free_fields(gs_field_t *f, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(f[i].path);
        free(f[i].value);
    }
    free(f);
}

static void
free_stack(gs_stack_t *s)
{
    size_t i;

    for (i = 0; i < s->n_frames; i++) {
        free(s->frames[i].ip);
        free(s->frames[i].obj);
        free(s->frames[i].fn);
        free(s->frames[i].dir);
        free(s->frames[i].file);
    }
    free(s->frames);
}

static void
free_supp(gs_suppression_t *s)
{
    size_t i;

    if (s == NULL) {
        return;
    }
    free(s->sname);
    free(s->skind);
    free(s->skaux);
    for (i = 0; i < s->n_sframes; i++) {
        free(s->sframes[i].fun);
        free(s->sframes[i].obj);
    }
    free(s->sframes);
    free(s->rawtext);
    free(s);
}

static void
free_strs(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

/* ------------------------------------------------------------------ */
/* Element starts                                                     */
/* ------------------------------------------------------------------ */

static void
start_error_child(reader_t *r, const char *name)
{
    gs_error_t *e = cur_error(r);
    gs_aux_t *a;

    if (strcmp(name, "stack") == 0) {
        a = last_aux(r);
        if (!r->error_has_stack && e->n_aux == 0) {
            r->stack_target = STACK_MAIN;
            r->error_has_stack = 1;
        }
        else if (a != NULL && !r->last_aux_has_stack) {
            r->stack_target = STACK_AUX;
            r->last_aux_has_stack = 1;
        }
        else {
            /* a stack that follows no title: an untitled aux */
            if (push(r, &e->aux, &e->n_aux, sizeof *e->aux) == NULL) {
                return;
            }
            r->stack_target = STACK_AUX;
            r->last_aux_has_stack = 1;
        }
    }
    else if (strcmp(name, "auxwhat") == 0 || strcmp(name, "xauxwhat") == 0
             || ((strcmp(name, "what") == 0 || strcmp(name, "xwhat") == 0)
                 && (e->what != NULL || r->in_xwhat))) {
        /* an auxiliary title (or a second what, kept as one) */
        if (push(r, &e->aux, &e->n_aux, sizeof *e->aux) == NULL) {
            return;
        }
        r->last_aux_has_stack = 0;
        if (strcmp(name, "xauxwhat") == 0 || strcmp(name, "xwhat") == 0) {
            r->in_xauxwhat = r->depth;
        }
    }
    else if (strcmp(name, "xwhat") == 0) {
        r->in_xwhat = r->depth;
    }
    else if (strcmp(name, "suppression") == 0) {
        r->supp = calloc(1, sizeof *r->supp);
        if (r->supp == NULL) {
            no_memory(r);
            return;
        }
        r->supp_depth = r->depth;
    }
}

static void
start_element(reader_t *r, const char *name)
{
    gs_report_t *rep = r->report;
    const char *parent = r->depth >= 2 ? r->names[r->depth - 2] : "";
    gs_stack_t *s;

    if (r->depth == 1) {
        if (r->seen_root || strcmp(name, "valgrindoutput") != 0) {
            FAIL(GS_READ_NOT_VALGRIND,
                 "the root element is <%s>, not <valgrindoutput>: this is "
                 "not Valgrind XML output", name);
        }
        r->seen_root = 1;
        return;
    }
    if (r->depth == 2) {
        if (!r->seen_protocol && strcmp(name, "protocolversion") != 0) {
            FAIL(GS_READ_PROTOCOL,
                 "<%s> before any <protocolversion>: not Valgrind XML "
                 "output of a known protocol", name);
            return;
        }
        if (strcmp(name, "error") == 0) {
            gs_error_t *e = push(r, &rep->errors, &rep->n_errors,
                                 sizeof *rep->errors);
            if (e == NULL) {
                return;
            }
            e->xml_line = current_line(r);
            r->in_error = 1;
            r->error_has_stack = 0;
            r->last_aux_has_stack = 0;
            r->stack_target = STACK_NONE;
            r->in_xwhat = 0;
            r->in_xauxwhat = 0;
        }
        else if (strcmp(name, "suppression") == 0) {
            /* --gen-suppressions=all also writes it after the error */
            r->supp = calloc(1, sizeof *r->supp);
            if (r->supp == NULL) {
                no_memory(r);
                return;
            }
            r->supp_depth = r->depth;
        }
        else if (strcmp(name, "errorcounts") == 0) {
            /* a later block replaces an earlier one */
            free(rep->errorcounts);
            rep->errorcounts = NULL;
            rep->n_errorcounts = 0;
        }
        else if (strcmp(name, "suppcounts") == 0) {
            size_t i;
            for (i = 0; i < rep->n_suppcounts; i++) {
                free(rep->suppcounts[i].name);
            }
            free(rep->suppcounts);
            rep->suppcounts = NULL;
            rep->n_suppcounts = 0;
            rep->has_suppcounts = 1;
        }
        else if (strcmp(name, "error_summary") == 0) {
            rep->has_summary = 1;
        }
        return;
    }
    if (r->depth == 3 && strcmp(name, "pair") == 0
        && (strcmp(parent, "errorcounts") == 0
            || strcmp(parent, "suppcounts") == 0)) {
        memset(&r->pair, 0, sizeof r->pair);
        r->pair_has_count = 0;
        r->pair_has_key = 0;
        return;
    }
    if (r->supp != NULL && r->depth == r->supp_depth + 1
        && strcmp(name, "sframe") == 0) {
        push(r, &r->supp->sframes, &r->supp->n_sframes,
             sizeof *r->supp->sframes);
        return;
    }
    if (r->in_error && r->depth == 3) {
        start_error_child(r, name);
        return;
    }
    if (r->in_error && r->depth == 4 && strcmp(parent, "stack") == 0
        && strcmp(name, "frame") == 0) {
        s = target_stack(r);
        if (s != NULL) {
            push(r, &s->frames, &s->n_frames, sizeof *s->frames);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Element ends                                                       */
/* ------------------------------------------------------------------ */

static void
end_suppression_leaf(reader_t *r, const char *name, const char *parent,
                     const char *text)
{
    gs_suppression_t *s = r->supp;
    int rel = r->depth - r->supp_depth;

    if (rel == 1) {
        if (strcmp(name, "sname") == 0) {
            set_str(r, &s->sname, text);
        }
        else if (strcmp(name, "skind") == 0) {
            set_str(r, &s->skind, text);
        }
        else if (strcmp(name, "skaux") == 0) {
            set_str(r, &s->skaux, text);
        }
        else if (strcmp(name, "rawtext") == 0) {
            set_str(r, &s->rawtext, text);
        }
    }
    else if (rel == 2 && strcmp(parent, "sframe") == 0 && s->n_sframes) {
        gs_sframe_t *f = &s->sframes[s->n_sframes - 1];
        if (strcmp(name, "fun") == 0) {
            set_str(r, &f->fun, text);
        }
        else if (strcmp(name, "obj") == 0) {
            set_str(r, &f->obj, text);
        }
    }
}

static void
end_suppression(reader_t *r)
{
    gs_error_t *e = cur_error(r);
    gs_suppression_t *s = r->supp;
    size_t i;

    r->supp = NULL;
    if (s->skind == NULL) {
        FAIL(GS_READ_NOT_VALGRIND, "<suppression> without <skind>");
        free_supp(s);
        return;
    }
    for (i = 0; i < s->n_sframes; i++) {
        if ((s->sframes[i].fun == NULL) == (s->sframes[i].obj == NULL)) {
            FAIL(GS_READ_NOT_VALGRIND,
                 "<sframe> %zu of a <suppression> needs one <fun> or one "
                 "<obj>", i + 1);
            free_supp(s);
            return;
        }
    }
    /* A top-level copy (after the error) only fills a gap. */
    if (e != NULL && e->supp == NULL) {
        e->supp = s;
    }
    else {
        free_supp(s);
    }
}

static void
end_frame_leaf(reader_t *r, const char *name, const char *text)
{
    gs_frame_t *f = cur_frame(r);

    if (f == NULL) {
        return;
    }
    if (strcmp(name, "ip") == 0) {
        set_str(r, &f->ip, text);
    }
    else if (strcmp(name, "obj") == 0) {
        set_str(r, &f->obj, text);
    }
    else if (strcmp(name, "fn") == 0) {
        set_str(r, &f->fn, text);
    }
    else if (strcmp(name, "dir") == 0) {
        set_str(r, &f->dir, text);
    }
    else if (strcmp(name, "file") == 0) {
        set_str(r, &f->file, text);
    }
    else if (strcmp(name, "line") == 0) {
        parse_long(r, "line", text, &f->line);
    }
}

static void
end_error(reader_t *r)
{
    gs_error_t *e = cur_error(r);

    r->in_error = 0;
    if (e->kind == NULL) {
        fail_at(r, GS_READ_NOT_VALGRIND, e->xml_line,
                "<error> without <kind>");
    }
    else if (e->what == NULL) {
        fail_at(r, GS_READ_NOT_VALGRIND, e->xml_line,
                "<error> (kind %s) without <what> or <xwhat><text>",
                e->kind);
    }
}

/* A leaf inside an <error> (depth >= 4 or a direct child). */
static void
end_error_leaf(reader_t *r, const char *name, const char *parent,
               const char *text)
{
    gs_error_t *e = cur_error(r);
    gs_aux_t *a = last_aux(r);
    char path[512];

    if (r->depth == 3) {
        if (strcmp(name, "unique") == 0) {
            parse_ull(r, "unique", text, &e->unique);
        }
        else if (strcmp(name, "tid") == 0) {
            parse_long(r, "tid", text, &e->tid);
        }
        else if (strcmp(name, "threadname") == 0) {
            set_str(r, &e->threadname, text);
        }
        else if (strcmp(name, "kind") == 0) {
            set_str(r, &e->kind, text);
        }
        else if (strcmp(name, "what") == 0 && e->what == NULL) {
            set_str(r, &e->what, text);
        }
        else if ((strcmp(name, "auxwhat") == 0 || strcmp(name, "what") == 0)
                 && a != NULL) {
            set_str(r, &a->title, text);
        }
        else if (strcmp(name, "xwhat") != 0 && strcmp(name, "xauxwhat") != 0
                 && strcmp(name, "stack") != 0
                 && strcmp(name, "suppression") != 0) {
            push_field(r, &e->extra, &e->n_extra, name, text);
        }
        return;
    }
    if (r->in_xwhat) {
        path_from(r, r->in_xwhat, path, sizeof path);
        if (strcmp(path, "text") == 0) {
            set_str(r, &e->what, text);
            return;
        }
        if (strcmp(path, "pytype") == 0) {
            set_str(r, &e->pytype, text);
        }
        else if (strcmp(path, "pyrefkind") == 0) {
            set_str(r, &e->pyrefkind, text);
        }
        push_field(r, &e->xwhat, &e->n_xwhat, path, text);
        return;
    }
    if (r->in_xauxwhat && a != NULL) {
        path_from(r, r->in_xauxwhat, path, sizeof path);
        if (strcmp(path, "text") == 0) {
            set_str(r, &a->title, text);
        }
        else {
            push_field(r, &a->fields, &a->n_fields, path, text);
        }
        return;
    }
    if (r->depth == 5 && strcmp(parent, "frame") == 0
        && strcmp(r->names[2], "stack") == 0) {
        end_frame_leaf(r, name, text);
        return;
    }
    if (strcmp(r->names[2], "stack") != 0) {
        path_from(r, 2, path, sizeof path);
        push_field(r, &e->extra, &e->n_extra, path, text);
    }
}

static void
end_top_leaf(reader_t *r, const char *name, const char *parent,
             const char *text)
{
    gs_report_t *rep = r->report;
    unsigned long long v;

    if (r->depth == 2) {
        if (strcmp(name, "protocolversion") == 0) {
            if (r->seen_protocol) {
                FAIL(GS_READ_NOT_VALGRIND, "a second <protocolversion>");
                return;
            }
            r->seen_protocol = 1;
            if (!parse_ull(r, "protocolversion", text, &v)) {
                r->status = GS_READ_PROTOCOL;
                return;
            }
            if (v < 4 || v > 6) {
                FAIL(GS_READ_PROTOCOL,
                     "unknown XML protocol version %llu (this reader "
                     "knows 4, 5 and 6)", v);
                return;
            }
            rep->protocol = (int)v;
        }
        else if (strcmp(name, "protocoltool") == 0) {
            set_str(r, &rep->protocoltool, text);
        }
        else if (strcmp(name, "tool") == 0) {
            set_str(r, &rep->tool, text);
        }
        else if (strcmp(name, "pid") == 0) {
            parse_long(r, "pid", text, &rep->pid);
        }
        else if (strcmp(name, "ppid") == 0) {
            parse_long(r, "ppid", text, &rep->ppid);
        }
        return;
    }
    if (r->depth == 3) {
        if (strcmp(parent, "preamble") == 0 && strcmp(name, "line") == 0) {
            push_str(r, &rep->preamble, &rep->n_preamble, text);
        }
        else if (strcmp(parent, "status") == 0
                 && strcmp(name, "state") == 0) {
            set_str(r, &rep->status, text);
        }
        else if (strcmp(parent, "fatal_signal") == 0
                 && strcmp(name, "signame") == 0) {
            set_str(r, &rep->fatal_signal, text);
        }
        else if (strcmp(parent, "error_summary") == 0) {
            if (strcmp(name, "errors") == 0) {
                parse_ulong(r, name, text, &rep->summary_errors);
            }
            else if (strcmp(name, "error_contexts") == 0) {
                parse_ulong(r, name, text, &rep->summary_contexts);
            }
            else if (strcmp(name, "suppressed") == 0) {
                parse_ulong(r, name, text, &rep->summary_suppressed);
            }
            else if (strcmp(name, "suppressed_contexts") == 0) {
                parse_ulong(r, name, text,
                            &rep->summary_suppressed_contexts);
            }
        }
        return;
    }
    if (r->depth == 4 && strcmp(r->names[1], "args") == 0
        && (strcmp(name, "exe") == 0 || strcmp(name, "arg") == 0)) {
        if (strcmp(parent, "vargv") == 0) {
            push_str(r, &rep->vargv, &rep->n_vargv, text);
        }
        else if (strcmp(parent, "argv") == 0) {
            push_str(r, &rep->argv, &rep->n_argv, text);
        }
        return;
    }
    if (r->depth == 4 && strcmp(parent, "pair") == 0) {
        if (strcmp(name, "count") == 0) {
            r->pair_has_count = parse_ulong(r, "count", text,
                                            &r->pair.count);
        }
        else if (strcmp(name, "unique") == 0
                 && strcmp(r->names[1], "errorcounts") == 0) {
            r->pair_has_key = parse_ull(r, "unique", text, &r->pair.unique);
        }
        else if (strcmp(name, "name") == 0
                 && strcmp(r->names[1], "suppcounts") == 0) {
            free(r->pair.name);
            r->pair.name = dup_str(r, text);
            r->pair_has_key = r->pair.name != NULL;
        }
    }
}

static void
end_pair(reader_t *r)
{
    gs_report_t *rep = r->report;
    int supp = strcmp(r->names[1], "suppcounts") == 0;
    gs_count_t *c;

    if (!r->pair_has_count || !r->pair_has_key) {
        FAIL(GS_READ_NOT_VALGRIND, "a <pair> of <%s> without <count> or <%s>",
             r->names[1], supp ? "name" : "unique");
        free(r->pair.name);
        r->pair.name = NULL;
        return;
    }
    if (supp) {
        c = push(r, &rep->suppcounts, &rep->n_suppcounts,
                 sizeof *rep->suppcounts);
    }
    else {
        c = push(r, &rep->errorcounts, &rep->n_errorcounts,
                 sizeof *rep->errorcounts);
    }
    if (c == NULL) {
        free(r->pair.name);
    }
    else {
        *c = r->pair;
    }
    r->pair.name = NULL;
}

static void
end_element(reader_t *r)
{
    const char *name = r->names[r->depth - 1];
    const char *parent = r->depth >= 2 ? r->names[r->depth - 2] : "";
    int leaf = !r->had_child[r->depth - 1];
    const char *text = leaf ? trimmed_text(r) : "";

    if (r->supp != NULL && r->depth > r->supp_depth) {
        if (leaf) {
            end_suppression_leaf(r, name, parent, text);
        }
        return;
    }
    if (r->supp != NULL && r->depth == r->supp_depth) {
        end_suppression(r);
        return;
    }
    if (r->in_error && r->depth >= 3) {
        if (r->depth == r->in_xwhat) {
            r->in_xwhat = 0;
        }
        else if (r->depth == r->in_xauxwhat) {
            r->in_xauxwhat = 0;
        }
        else if (r->depth == 3 && strcmp(name, "stack") == 0) {
            r->stack_target = STACK_NONE;
        }
        else if (leaf) {
            end_error_leaf(r, name, parent, text);
        }
        return;
    }
    if (r->in_error && r->depth == 2) {
        end_error(r);
        return;
    }
    if (r->depth == 3 && strcmp(name, "pair") == 0
        && (strcmp(parent, "errorcounts") == 0
            || strcmp(parent, "suppcounts") == 0)) {
        end_pair(r);
        return;
    }
    if (leaf && r->depth >= 2) {
        end_top_leaf(r, name, parent, text);
    }
}

/* ------------------------------------------------------------------ */
/* The walk                                                           */
/* ------------------------------------------------------------------ */

static void
open_element(reader_t *r, const char *name)
{
    if (r->depth >= MAX_DEPTH) {
        FAIL(GS_READ_NOT_VALGRIND,
             "elements nested more than %d deep: not Valgrind output",
             MAX_DEPTH);
        return;
    }
    if (r->depth > 0) {
        r->had_child[r->depth - 1] = 1;
    }
    r->names[r->depth] = dup_str(r, name);
    if (r->names[r->depth] == NULL) {
        return;
    }
    r->had_child[r->depth] = 0;
    r->depth++;
    clear_text(r);
    start_element(r, name);
}

static void
close_element(reader_t *r)
{
    if (r->depth == 0) {
        return;
    }
    end_element(r);
    r->depth--;
    free(r->names[r->depth]);
    r->names[r->depth] = NULL;
    clear_text(r);
}

static void
walk(reader_t *r)
{
    int ret = 0;

    while (r->status == GS_READ_OK
           && (ret = xmlTextReaderRead(r->reader)) == 1) {
        int type = xmlTextReaderNodeType(r->reader);
        const xmlChar *name;
        const xmlChar *value;

        switch (type) {
        case XML_READER_TYPE_ELEMENT:
            name = xmlTextReaderConstName(r->reader);
            open_element(r, name != NULL ? (const char *)name : "");
            if (r->status == GS_READ_OK
                && xmlTextReaderIsEmptyElement(r->reader) == 1) {
                close_element(r);
            }
            break;
        case XML_READER_TYPE_END_ELEMENT:
            close_element(r);
            break;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
            value = xmlTextReaderConstValue(r->reader);
            if (value != NULL && r->depth > 0) {
                append_text(r, (const char *)value);
            }
            break;
        case XML_READER_TYPE_DOCUMENT_TYPE:
        case XML_READER_TYPE_ENTITY_REFERENCE:
            FAIL(GS_READ_NOT_VALGRIND,
                 "a DOCTYPE or an entity reference: Valgrind writes none");
            break;
        default:
            break;
        }
    }
    if (r->status != GS_READ_OK) {
        return;
    }
    if (ret < 0 || r->xml_failed) {
        long line = r->xml_failed ? r->xml_line : current_line(r);
        const char *what = r->xml_failed ? r->xml_msg : "parse error";
        if (r->xml_failed && r->xml_code == XML_IO_EIO) {
            fail_at(r, GS_READ_UNREADABLE, line, "read error: %s", what);
        }
        else if (r->first_char != '<') {
            fail_at(r, GS_READ_MALFORMED, line, "not XML (libxml2: %s)",
                    what);
        }
        else if (!r->ends_closed && r->xml_code == XML_ERR_DOCUMENT_END) {
            /* what libxml2's reader says when the input stops early */
            fail_at(r, GS_READ_MALFORMED, line,
                    "truncated XML: it ends before </valgrindoutput> "
                    "(was the run killed?)");
        }
        else if (!r->ends_closed) {
            fail_at(r, GS_READ_MALFORMED, line,
                    "truncated or malformed XML: it does not end with "
                    "</valgrindoutput> (was the run killed?); libxml2: %s",
                    what);
        }
        else {
            fail_at(r, GS_READ_MALFORMED, line, "malformed XML: %s", what);
        }
        return;
    }
    if (!r->seen_root) {
        fail_at(r, GS_READ_EMPTY, 0, "no XML element in it");
    }
    else if (!r->seen_protocol) {
        fail_at(r, GS_READ_PROTOCOL, 0, "no <protocolversion>");
    }
}

static gs_read_status_t
read_with(reader_t *r, gs_report_t **reportp)
{
    gs_read_status_t status;

    if (r->status == GS_READ_OK) {
        xmlTextReaderSetStructuredErrorHandler(r->reader, on_xml_error, r);
        walk(r);
    }
    while (r->depth > 0) {
        r->depth--;
        free(r->names[r->depth]);
    }
    free_supp(r->supp);
    free(r->pair.name);
    free(r->text);
    if (r->reader != NULL) {
        xmlFreeTextReader(r->reader);
    }
    status = r->status;
    if (status != GS_READ_OK) {
        gs_report_free(r->report);
        r->report = NULL;
    }
    else if (r->msg != NULL && r->msgsize > 0) {
        r->msg[0] = '\0';
    }
    *reportp = r->report;
    return status;
}

#define CLOSE_TAG "</valgrindoutput>"
#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n')

/* Look at the input's first and last bytes: set r->first_char and
   r->ends_closed.  Returns 0 when it holds nothing but white space. */
static int
probe_memory(reader_t *r, const char *buf, size_t len)
{
    size_t i = 0;
    size_t n = len;
    size_t k = sizeof CLOSE_TAG - 1;

    while (i < len && IS_SPACE(buf[i])) {
        i++;
    }
    if (i == len) {
        return 0;
    }
    r->first_char = (unsigned char)buf[i];
    while (n > i && IS_SPACE(buf[n - 1])) {
        n--;
    }
    r->ends_closed = n - i >= k && memcmp(buf + n - k, CLOSE_TAG, k) == 0;
    return 1;
}

/* The same for a regular file (read from its start and its end);
   rewinds it. */
static int
probe_fd(reader_t *r, int fd, off_t size)
{
    char buf[4096];
    ssize_t got;
    size_t i, n;
    size_t k = sizeof CLOSE_TAG - 1;
    int found = 0;

    r->first_char = '<';            /* if the probe cannot read: assume */
    r->ends_closed = 1;
    while (!found && (got = read(fd, buf, sizeof buf)) > 0) {
        for (i = 0; i < (size_t)got; i++) {
            if (!IS_SPACE(buf[i])) {
                r->first_char = (unsigned char)buf[i];
                found = 1;
                break;
            }
        }
    }
    if (found) {
        off_t at = size > (off_t)sizeof buf ? size - (off_t)sizeof buf : 0;
        got = pread(fd, buf, sizeof buf, at);
        if (got > 0) {
            n = (size_t)got;
            while (n > 0 && IS_SPACE(buf[n - 1])) {
                n--;
            }
            r->ends_closed = n >= k
                             && memcmp(buf + n - k, CLOSE_TAG, k) == 0;
        }
    }
    if (lseek(fd, 0, SEEK_SET) != 0) {
        return 1;                   /* let the reader find out */
    }
    return found;
}

#undef IS_SPACE

/* XML_PARSE_NONET: no network; no DTD loading, no entity substitution. */
#define READ_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA)

static void
init_reader(reader_t *r, const char *name, char *msg, size_t msgsize)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->first_char = '<';            /* until a probe says otherwise */
    r->ends_closed = 1;
    r->msg = msg;
    r->msgsize = msgsize;
    if (msg != NULL && msgsize > 0) {
        msg[0] = '\0';
    }
    r->report = calloc(1, sizeof *r->report);
    if (r->report == NULL) {
        no_memory(r);
        return;
    }
    r->report->path = dup_str(r, name);
}

/* Standard input, read whole into memory first (so that the messages
   can say whether it was cut short). */
static gs_read_status_t
read_stdin(gs_report_t **reportp, char *msg, size_t msgsize)
{
    const char *name = "<stdin>";
    char *buf = NULL;
    char *grown;
    size_t len = 0;
    size_t cap = 0;
    ssize_t got;
    reader_t r;
    gs_read_status_t status;

    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            grown = cap > len ? realloc(buf, cap) : NULL;
            if (grown == NULL) {
                free(buf);
                init_reader(&r, name, msg, msgsize);
                no_memory(&r);
                return read_with(&r, reportp);
            }
            buf = grown;
        }
        got = read(STDIN_FILENO, buf + len, cap - len);
        if (got == 0) {
            break;
        }
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            free(buf);
            init_reader(&r, name, msg, msgsize);
            fail_at(&r, GS_READ_UNREADABLE, 0, "cannot read: %s",
                    strerror(errno));
            return read_with(&r, reportp);
        }
        len += (size_t)got;
    }
    status = gs_report_read_memory(buf, len, name, reportp, msg, msgsize);
    free(buf);
    return status;
}

gs_read_status_t
gs_report_read(const char *path, gs_report_t **reportp, char *msg,
               size_t msgsize)
{
    reader_t r;
    struct stat st;
    int fd;
    gs_read_status_t status;

    if (strcmp(path, "-") == 0) {
        return read_stdin(reportp, msg, msgsize);
    }
    init_reader(&r, path, msg, msgsize);
    if (r.status != GS_READ_OK) {
        return read_with(&r, reportp);
    }
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        fail_at(&r, GS_READ_UNREADABLE, 0, "cannot open: %s",
                strerror(errno));
        return read_with(&r, reportp);
    }
    if (fstat(fd, &st) != 0) {
        fail_at(&r, GS_READ_UNREADABLE, 0, "cannot read: %s",
                strerror(errno));
    }
    else if (S_ISDIR(st.st_mode)) {
        fail_at(&r, GS_READ_UNREADABLE, 0,
                "is a folder, not an XML file");
    }
    else if (S_ISREG(st.st_mode) && st.st_size == 0) {
        fail_at(&r, GS_READ_EMPTY, 0,
                "empty file (0 bytes): the run wrote no report");
    }
    else if (S_ISREG(st.st_mode) && !probe_fd(&r, fd, st.st_size)) {
        fail_at(&r, GS_READ_EMPTY, 0,
                "only white space in it: the run wrote no report");
    }
    else {
        r.reader = xmlReaderForFd(fd, path, NULL, READ_OPTIONS);
        if (r.reader == NULL) {
            fail_at(&r, GS_READ_NO_MEMORY, 0,
                    "cannot start the XML reader");
        }
    }
    status = read_with(&r, reportp);
    close(fd);
    return status;
}

gs_read_status_t
gs_report_read_memory(const char *buf, size_t len, const char *name,
                      gs_report_t **reportp, char *msg, size_t msgsize)
{
    reader_t r;

    init_reader(&r, name, msg, msgsize);
    if (r.status != GS_READ_OK) {
        return read_with(&r, reportp);
    }
    if (len == 0) {
        fail_at(&r, GS_READ_EMPTY, 0,
                "empty input (0 bytes): the run wrote no report");
    }
    else if (!probe_memory(&r, buf, len)) {
        fail_at(&r, GS_READ_EMPTY, 0,
                "only white space in it: the run wrote no report");
    }
    else if (len > INT_MAX) {
        fail_at(&r, GS_READ_NO_MEMORY, 0, "input too big for memory "
                "parsing (%zu bytes)", len);
    }
    else {
        r.reader = xmlReaderForMemory(buf, (int)len, name, NULL,
                                      READ_OPTIONS);
        if (r.reader == NULL) {
            fail_at(&r, GS_READ_NO_MEMORY, 0,
                    "cannot start the XML reader");
        }
    }
    return read_with(&r, reportp);
}

/* ------------------------------------------------------------------ */
/* The rest of the API                                                */
/* ------------------------------------------------------------------ */

void
gs_report_free(gs_report_t *rep)
{
    size_t i, j;

    if (rep == NULL) {
        return;
    }
    free(rep->path);
    free(rep->protocoltool);
    free(rep->tool);
    free_strs(rep->preamble, rep->n_preamble);
    free_strs(rep->vargv, rep->n_vargv);
    free_strs(rep->argv, rep->n_argv);
    free(rep->status);
    free(rep->fatal_signal);
    for (i = 0; i < rep->n_errors; i++) {
        gs_error_t *e = &rep->errors[i];
        free(e->threadname);
        free(e->kind);
        free(e->what);
        free(e->pytype);
        free(e->pyrefkind);
        free_fields(e->xwhat, e->n_xwhat);
        free_fields(e->extra, e->n_extra);
        free_stack(&e->stack);
        for (j = 0; j < e->n_aux; j++) {
            free(e->aux[j].title);
            free_fields(e->aux[j].fields, e->aux[j].n_fields);
            free_stack(&e->aux[j].stack);
        }
        free(e->aux);
        free_supp(e->supp);
    }
    free(rep->errors);
    free(rep->errorcounts);
    for (i = 0; i < rep->n_suppcounts; i++) {
        free(rep->suppcounts[i].name);
    }
    free(rep->suppcounts);
    free(rep);
}

const char *
gs_read_status_name(gs_read_status_t status)
{
    switch (status) {
    case GS_READ_OK:
        return "ok";
    case GS_READ_UNREADABLE:
        return "unreadable";
    case GS_READ_EMPTY:
        return "empty";
    case GS_READ_MALFORMED:
        return "malformed";
    case GS_READ_NOT_VALGRIND:
        return "not-valgrind";
    case GS_READ_PROTOCOL:
        return "protocol";
    case GS_READ_NO_MEMORY:
        return "no-memory";
    }
    return "unknown";
}

const char *
gs_error_pyref_kind(const gs_error_t *error)
{
    return error->pyrefkind != NULL ? error->pyrefkind : error->kind;
}

static const char *
find_field(const gs_field_t *f, size_t n, const char *path)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(f[i].path, path) == 0) {
            return f[i].value;
        }
    }
    return NULL;
}

const char *
gs_error_field(const gs_error_t *error, const char *path)
{
    const char *v = find_field(error->xwhat, error->n_xwhat, path);
    size_t i;

    for (i = 0; v == NULL && i < error->n_aux; i++) {
        v = find_field(error->aux[i].fields, error->aux[i].n_fields, path);
    }
    if (v == NULL) {
        v = find_field(error->extra, error->n_extra, path);
    }
    return v;
}

static void
dump_str(FILE *out, const char *label, const char *s)
{
    if (s != NULL) {
        fprintf(out, "%s %s\n", label, s);
    }
}

static void
dump_stack(FILE *out, const char *indent, const gs_stack_t *s)
{
    size_t i;

    for (i = 0; i < s->n_frames; i++) {
        const gs_frame_t *f = &s->frames[i];
        fprintf(out, "%sframe ip=%s", indent, f->ip ? f->ip : "?");
        if (f->obj != NULL) {
            fprintf(out, " obj=%s", f->obj);
        }
        if (f->fn != NULL) {
            fprintf(out, " fn=%s", f->fn);
        }
        if (f->dir != NULL) {
            fprintf(out, " dir=%s", f->dir);
        }
        if (f->file != NULL) {
            fprintf(out, " file=%s", f->file);
        }
        if (f->line != 0) {
            fprintf(out, " line=%ld", f->line);
        }
        fputc('\n', out);
    }
}

static void
dump_fields(FILE *out, const char *indent, const char *label,
            const gs_field_t *f, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        fprintf(out, "%s%s %s = %s\n", indent, label, f[i].path, f[i].value);
    }
}

void
gs_report_dump(const gs_report_t *rep, FILE *out)
{
    size_t i, j;

    dump_str(out, "file", rep->path);
    fprintf(out, "protocol %d\n", rep->protocol);
    dump_str(out, "protocoltool", rep->protocoltool);
    dump_str(out, "tool", rep->tool);
    fprintf(out, "pid %ld\nppid %ld\n", rep->pid, rep->ppid);
    for (i = 0; i < rep->n_preamble; i++) {
        dump_str(out, "preamble", rep->preamble[i]);
    }
    for (i = 0; i < rep->n_vargv; i++) {
        dump_str(out, "vargv", rep->vargv[i]);
    }
    for (i = 0; i < rep->n_argv; i++) {
        dump_str(out, "argv", rep->argv[i]);
    }
    dump_str(out, "status", rep->status);
    dump_str(out, "fatal_signal", rep->fatal_signal);
    for (i = 0; i < rep->n_errors; i++) {
        const gs_error_t *e = &rep->errors[i];
        fprintf(out, "error 0x%llx line %ld tid %ld kind %s\n", e->unique,
                e->xml_line, e->tid, e->kind);
        dump_str(out, "  threadname", e->threadname);
        dump_str(out, "  what", e->what);
        dump_str(out, "  pytype", e->pytype);
        dump_str(out, "  pyrefkind", e->pyrefkind);
        dump_fields(out, "  ", "xwhat", e->xwhat, e->n_xwhat);
        dump_fields(out, "  ", "extra", e->extra, e->n_extra);
        fprintf(out, "  stack %zu frames\n", e->stack.n_frames);
        dump_stack(out, "    ", &e->stack);
        for (j = 0; j < e->n_aux; j++) {
            const gs_aux_t *a = &e->aux[j];
            fprintf(out, "  aux %s\n", a->title ? a->title : "(untitled)");
            dump_fields(out, "    ", "field", a->fields, a->n_fields);
            if (a->stack.n_frames) {
                fprintf(out, "    stack %zu frames\n", a->stack.n_frames);
                dump_stack(out, "      ", &a->stack);
            }
        }
        if (e->supp != NULL) {
            const gs_suppression_t *s = e->supp;
            fprintf(out, "  suppression %s kind %s\n",
                    s->sname ? s->sname : "(no name)", s->skind);
            dump_str(out, "    skaux", s->skaux);
            for (j = 0; j < s->n_sframes; j++) {
                if (s->sframes[j].fun != NULL) {
                    fprintf(out, "    sframe fun:%s\n", s->sframes[j].fun);
                }
                else {
                    fprintf(out, "    sframe obj:%s\n", s->sframes[j].obj);
                }
            }
            if (s->rawtext != NULL) {
                size_t lines = 1;
                const char *p;
                for (p = s->rawtext; *p != '\0'; p++) {
                    lines += *p == '\n';
                }
                fprintf(out, "    rawtext %zu lines\n", lines);
            }
        }
    }
    for (i = 0; i < rep->n_errorcounts; i++) {
        fprintf(out, "errorcount 0x%llx %lu\n", rep->errorcounts[i].unique,
                rep->errorcounts[i].count);
    }
    if (rep->has_suppcounts) {
        fprintf(out, "suppcounts %zu\n", rep->n_suppcounts);
    }
    for (i = 0; i < rep->n_suppcounts; i++) {
        fprintf(out, "suppcount %s %lu\n", rep->suppcounts[i].name,
                rep->suppcounts[i].count);
    }
    if (rep->has_summary) {
        fprintf(out, "summary errors %lu contexts %lu suppressed %lu "
                "suppressed_contexts %lu\n", rep->summary_errors,
                rep->summary_contexts, rep->summary_suppressed,
                rep->summary_suppressed_contexts);
    }
    fprintf(out, "errors %zu\n", rep->n_errors);
}

#undef FAIL
