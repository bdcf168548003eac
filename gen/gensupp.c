/* gensupp.c: pyref-gensupp, suppression files tailored to each CPython.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * pyref-gensupp from-xml REPORT.xml... turns the errors of Valgrind XML
 * reports into a suppression file.  Every step is deterministic, so the
 * same reports always give the same bytes:
 *
 *  1. Instances.  Each <error> gives one instance: its <suppression> block
 *     (runs with --gen-suppressions=yes|all), or, without one, an entry
 *     built from its <stack> the way Valgrind would print it (the XML
 *     <kind> mapped to the suppression kind: Memcheck's InvalidRead of
 *     size 4 is Addr4, its Leak_PossiblyLost is Leak with
 *     "match-leak-kinds: possible"; Pyref's kinds are their own, with
 *     "type: NAME" when the error names a Python type).  Demangled C++
 *     names, which a fun: line cannot match, become obj: lines.
 *  2. Generalisation.  With --obj-only GLOB, frames in those objects are
 *     written as Valgrind shows them when it has no symbols for them (a
 *     stripped interpreter on a machine without its debug file): one obj:
 *     line per code address, inlined calls folded.  Unless --exact, obj:
 *     paths lose their folder and their version numbers:
 *     /opt/python-3.8/lib/libpython3.8.so.1.0 becomes
 *     *\/libpython3.*.so*, libc.so.6 becomes *\/libc.so*, the interpreter
 *     /usr/bin/python3.11 becomes *\/bin/python3.11, a stdlib extension
 *     *\/lib-dynload/_json.cpython-*.so.  Stacks are cut at --max-frames
 *     lines.
 *  3. Clusters.  Instances of the same tool, kind and extra lines whose
 *     first --min-frames frames (N, default 6) are the same are taken as
 *     one error seen several times: on other call paths, in other runs.
 *     A run of obj: lines of one object (a stripped executable, whose
 *     depth there differs from run to run) counts as one frame here.
 *  4. Merge.  A cluster's pattern is what all its instances share, in
 *     order, with "..." where they differ (a longest common subsequence,
 *     instance by instance); where they part for good, the pattern ends
 *     (Valgrind matches prefixes).  It starts with their N common frames.
 *  5. Minimise.  The entry is the shortest prefix of that pattern, at
 *     least N frames long, that matches no error of the --exclude reports
 *     (seeded bugs, which a suppression must never hide).  Without
 *     --exclude that is the first N frames.  If even the whole pattern
 *     matches an excluded error, the cluster is split into its instances,
 *     each minimised alike; an instance that cannot be told apart from an
 *     excluded error is left out, with a warning.  Valgrind counts errors
 *     of one kind with the same four innermost code addresses as one, and
 *     decides at the first whether it is suppressed: an excluded error
 *     that shares them with a suppressed one is hidden in a run that meets
 *     the suppressed one first, which is warned about.
 *  6. Deduplicate and subsume.  Equal entries become one; an entry that a
 *     more general one covers (gs_supp_covers(): "...", globs, leak-kind
 *     sets) is dropped.  Entries of --merge FILE are kept as they are
 *     (name, comments), and new entries that they cover are dropped.
 *  7. Names and order.  A new entry is named
 *     <tool>-<Kind>-<function>-<hash>: the first function that is not an
 *     allocator or refcount helper, and the hash (FNV-1a, 8 hex digits,
 *     more on a collision) of the entry's content: a name changes only
 *     when the entry does, which keeps Valgrind's name-keyed <suppcounts>
 *     comparable across versions of the file.  Entries are sorted by
 *     tool, kind, frames; the file starts with a header saying where it
 *     comes from (the command, Valgrind's version, the tool, the runs, the
 *     interpreter when for-python made it).  The header holds what is
 *     needed to make the file again and nothing about where one machine
 *     keeps things: the command leaves out the options that only say
 *     where output goes (-o, --output-dir, --keep-xml), and executables
 *     (for-python's interpreter, each run's argv[0]) and a Python run's
 *     script given by an absolute path are written by their file name
 *     only (python3.12, paths.py); the interpreter's version and build
 *     say which one it was.
 *
 * pyref-gensupp usage SUPP REPORT.xml... adds up the <suppcounts> of
 * runs made with SUPP and lists each entry as fired or dead; match SUPP
 * REPORT.xml... says which entry would suppress each error (judged alone,
 * with gs_supp_matches()); check SUPP... reads files as Valgrind would.
 * for-python (forpython.c) makes the reports and calls gs_from_xml().
 */

#include "gensupp.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define DEFAULT_MIN_FRAMES 6
#define DEFAULT_MAX_FRAMES 24
#define HEADER_MARK "# Valgrind suppressions written by pyref-gensupp"

/* --- Messages and small helpers ------------------------------------------ */

static int bad_usage(const gs_state_t *st, const char *fmt, const char *arg);

/**
 * gs_say:
 * @st: the state (its error stream and program name)
 * @fmt: printf format of one message line, without the newline
 *
 * Prints "pyref-gensupp: MESSAGE" on the error stream.
 */
void
gs_say(const gs_state_t *st, const char *fmt, ...)
{
    va_list ap;

    fprintf(st->err, "%s: ", st->progname);
    va_start(ap, fmt);
    vfprintf(st->err, fmt, ap);
    va_end(ap);
    fputc('\n', st->err);
}

#define say gs_say

static int
oom(const gs_state_t *st)
{
    say(st, "out of memory");
    return GS_EXIT_MEM;
}

static char *
dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL) {
        memcpy(d, s, n);
    }
    return d;
}

static char *
vformat(const char *fmt, va_list ap)
{
    va_list aq;
    int n;
    char *s;

    va_copy(aq, ap);
    n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0 || (s = malloc((size_t)n + 1)) == NULL) {
        return NULL;
    }
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *
format(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

/**
 * gs_state_note:
 * @st: the state
 * @lines: a list of malloc'ed lines
 * @n: its length
 * @fmt: printf format of the line to add
 *
 * Returns: 0, or -1 when out of memory.
 */
int
gs_state_note(gs_state_t *st, char ***lines, size_t *n, const char *fmt,
              ...)
{
    va_list ap;
    char *s, **p;

    (void)st;
    va_start(ap, fmt);
    s = vformat(fmt, ap);
    va_end(ap);
    if (s == NULL) {
        return -1;
    }
    p = realloc(*lines, (*n + 1) * sizeof(char *));
    if (p == NULL) {
        free(s);
        return -1;
    }
    p[(*n)++] = s;
    *lines = p;
    return 0;
}

static void
free_lines(char **lines, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(lines[i]);
    }
    free(lines);
}

/* FNV-1a, 64 bits: stable on every platform. */
static uint64_t
hash_text(const char *s)
{
    uint64_t h = 14695981039346656037ULL;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Parse a whole decimal number in [min, max] into *out. */
static int
parse_integer(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

/* Append @s to the shell-quoted command line in *buf. */
static int
append_quoted(char **buf, size_t *len, const char *s)
{
    size_t n = strlen(s), need = *len + n * 4 + 4, i;
    int plain = n > 0;
    char *p = realloc(*buf, need);

    if (p == NULL) {
        return -1;
    }
    *buf = p;
    for (i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && strchr("@%+=:,./_-", s[i])
            == NULL) {
            plain = 0;
        }
    }
    p += *len;
    if (*len > 0) {
        *p++ = ' ';
    }
    if (plain) {
        memcpy(p, s, n);
        p += n;
    }
    else {
        *p++ = '\'';
        for (i = 0; i < n; i++) {
            if (s[i] == '\'') {
                memcpy(p, "'\\''", 4);
                p += 4;
            }
            else {
                *p++ = s[i];
            }
        }
        *p++ = '\'';
    }
    *p = '\0';
    *len = (size_t)(p - *buf);
    return 0;
}

/* One line of text for a comment: control characters become spaces. */
static void
one_line(char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 32) {
            *s = ' ';
        }
    }
}

/**
 * gs_base_name:
 * @path: a file name, with or without folders
 *
 * Returns: its last part (@path itself when it has no '/' or ends in one).
 */
const char *
gs_base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s != NULL && s[1] != '\0' ? s + 1 : path;
}

/* In the argv of a Python run (argv[0]'s file name starts with "python"),
   the index of the script, as CPython's command line reads it: the first
   argument after the options, unless -c or -m came first; -W and -X take
   a value, joined or as the next argument, and so does
   --check-hash-based-pycs.  0 when there is no script (or no Python). */
static size_t
python_script_index(const char *const *argv, size_t n)
{
    size_t j;

    if (n == 0 || strncmp(gs_base_name(argv[0]), "python", 6) != 0) {
        return 0;
    }
    for (j = 1; j < n; j++) {
        const char *a = argv[j];
        size_t c;

        if (a[0] != '-' || a[1] == '\0') {
            return a[0] == '-' ? 0 : j;         /* "-": stdin */
        }
        if (strcmp(a, "--") == 0) {
            return j + 1 < n ? j + 1 : 0;
        }
        if (a[1] == '-') {
            if (strcmp(a, "--check-hash-based-pycs") == 0) {
                j++;
            }
            continue;
        }
        for (c = 1; a[c] != '\0'; c++) {
            if (a[c] == 'c' || a[c] == 'm') {
                return 0;
            }
            if (a[c] == 'W' || a[c] == 'X') {
                j += a[c + 1] == '\0';
                break;
            }
        }
    }
    return 0;
}

/* --- Reading reports ----------------------------------------------------- */

static int
exit_for(gs_read_status_t status)
{
    return status == GS_READ_NO_MEMORY ? GS_EXIT_MEM : GS_EXIT_INPUT;
}

/* Read every report of @paths into *inputs. */
static int
read_reports(gs_state_t *st, const char **paths, size_t n,
             gs_input_t **inputs, size_t *n_inputs)
{
    size_t i;
    char msg[1024];

    *inputs = calloc(n == 0 ? 1 : n, sizeof(gs_input_t));
    if (*inputs == NULL) {
        return oom(st);
    }
    for (i = 0; i < n; i++) {
        gs_read_status_t rs;
        gs_report_t *rep = NULL;

        rs = gs_report_read(paths[i], &rep, msg, sizeof(msg));
        if (rs != GS_READ_OK) {
            say(st, "%s", msg);
            return exit_for(rs);
        }
        (*inputs)[i].report = rep;
        (*inputs)[i].path = paths[i];
        (*inputs)[i].display = paths[i];
        if (st->display_basenames) {
            (*inputs)[i].display = gs_base_name(paths[i]);
        }
        *n_inputs = i + 1;
    }
    return GS_EXIT_OK;
}

/* Read the suppression file @supp_path into *f (initialised here; the
   caller clears it once done, even on failure) and the reports of
   @paths into st->inputs: the first steps of `usage' and `match'. */
static int
read_supp_and_reports(gs_state_t *st, const char *supp_path,
                      const char **paths, size_t n, gs_suppfile_t *f)
{
    gs_supp_status_t rs;
    char *msg = NULL;

    gs_suppfile_init(f);
    rs = gs_supp_read_file(supp_path, f, &msg);
    if (rs != GS_SUPP_OK) {
        say(st, "%s", msg != NULL ? msg : "cannot read the suppressions");
        free(msg);
        return rs == GS_SUPP_NOMEM ? GS_EXIT_MEM : GS_EXIT_INPUT;
    }
    free(msg);
    return read_reports(st, paths, n, &st->inputs, &st->n_inputs);
}

static void
free_inputs(gs_input_t *inputs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        gs_report_free(inputs[i].report);
    }
    free(inputs);
}

/* --- From an error to an instance ---------------------------------------- */

/* One error, as the generator works on it. */
typedef struct {
    gs_supp_t *pat;             /* tools, kind, extra, frame lines */
    gs_obs_frame_t *obs;        /* the frames as observed (strings belong to
                                   the report) */
    size_t n_obs;
    const gs_input_t *in;
    const gs_error_t *error;
    unsigned long count;        /* occurrences (errorcounts), at least 1 */
    const gs_loc_t **locs;      /* &pat->frames[i], for the helpers */
    size_t key_len;             /* frame lines in the cluster key */
} inst_t;

typedef struct {
    inst_t *items;
    size_t n;
} inst_list_t;

static void
free_insts(inst_list_t *list)
{
    size_t i;

    for (i = 0; i < list->n; i++) {
        gs_supp_free(list->items[i].pat);
        free(list->items[i].obs);
        free((void *)list->items[i].locs);
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

/* The name a tool's suppressions start with. */
static const char *
tool_supp_name(const char *tool)
{
    static const char *const names[][2] = {
        {"memcheck", "Memcheck"}, {"pyref", "Pyref"},
        {"helgrind", "Helgrind"}, {"drd", "drd"},
        {"exp-sgcheck", "exp-sgcheck"},
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (tool != NULL && strcmp(tool, names[i][0]) == 0) {
            return names[i][1];
        }
    }
    return NULL;
}

/* "... of size 8" in a Memcheck <what>: 8, or 0. */
static long
what_size(const char *what)
{
    const char *p = what == NULL ? NULL : strstr(what, "of size ");
    long v;

    if (p == NULL) {
        return 0;
    }
    v = strtol(p + 8, NULL, 10);
    return v == 1 || v == 2 || v == 4 || v == 8 || v == 16 || v == 32
           ? v : 0;
}

/* Memcheck's XML kinds and the suppression kinds they go with. */
static const struct {
    const char *xml;
    const char *supp;
    const char *extra;          /* "size", "param", a leak kind, or NULL */
} memcheck_kinds[] = {
    {"InvalidRead", "Addr", "size"},
    {"InvalidWrite", "Addr", "size"},
    {"UninitValue", "Value", "size"},
    {"UninitCondition", "Cond", NULL},
    {"InvalidFree", "Free", NULL},
    {"MismatchedFree", "Free", NULL},
    {"InvalidJump", "Jump", NULL},
    {"Overlap", "Overlap", NULL},
    {"ClientCheck", "User", NULL},
    {"InvalidMemPool", "Mempool", NULL},
    {"FishyValue", "FishyValue", NULL},
    {"ReallocSizeZero", "ReallocZero", NULL},
    {"SyscallParam", "Param", "param"},
    {"Leak_DefinitelyLost", "Leak", "definite"},
    {"Leak_IndirectlyLost", "Leak", "indirect"},
    {"Leak_PossiblyLost", "Leak", "possible"},
    {"Leak_StillReachable", "Leak", "reachable"},
};

/* Fill pat's tools, kind and extra lines for an error without a
   <suppression>.  Returns 1, 0 (cannot tell: skip), -1 (no memory). */
static int
kind_from_error(const gs_report_t *rep, const gs_error_t *e, gs_supp_t *pat)
{
    const char *tool = rep->tool != NULL ? rep->tool : rep->protocoltool;
    const char *tname = tool_supp_name(tool);
    char buf[64];
    size_t i;

    if (tname == NULL || e->kind == NULL) {
        return 0;
    }
    /* The core's own errors (protocol 5 and 6, --track-fds). */
    if (strcmp(e->kind, "FdBadClose") == 0
        || strcmp(e->kind, "FdNotClosed") == 0
        || strcmp(e->kind, "FdBadUse") == 0) {
        tname = "CoreError";
    }
    if (gs_supp_set_string(&pat->tools, tname) < 0) {
        return -1;
    }
    if (strcmp(tname, "Pyref") == 0) {
        if (gs_supp_set_string(&pat->kind, gs_error_pyref_kind(e)) < 0) {
            return -1;
        }
        if (e->pytype != NULL && e->pytype[0] != '\0') {
            char *line = format("type: %s", e->pytype);

            if (line == NULL || gs_supp_add_extra(pat, line) < 0) {
                free(line);
                return -1;
            }
            free(line);
        }
        return 1;
    }
    if (strcmp(tname, "Memcheck") != 0) {
        return gs_supp_set_string(&pat->kind, e->kind) < 0 ? -1 : 1;
    }
    for (i = 0; i < sizeof(memcheck_kinds) / sizeof(memcheck_kinds[0]);
         i++) {
        const char *x = memcheck_kinds[i].extra;

        if (strcmp(e->kind, memcheck_kinds[i].xml) != 0) {
            continue;
        }
        if (x != NULL && strcmp(x, "size") == 0) {
            long size = what_size(e->what);

            if (size == 0) {
                return 0;
            }
            snprintf(buf, sizeof(buf), "%s%ld", memcheck_kinds[i].supp,
                     size);
            return gs_supp_set_string(&pat->kind, buf) < 0 ? -1 : 1;
        }
        if (gs_supp_set_string(&pat->kind, memcheck_kinds[i].supp) < 0) {
            return -1;
        }
        if (x == NULL) {
            return 1;
        }
        if (strcmp(x, "param") == 0) {
            /* "Syscall param write(buf) points to ...": "write(buf)". */
            const char *p = e->what == NULL ? NULL
                            : strstr(e->what, "Syscall param ");
            size_t n;
            char *line;
            int r;

            if (p == NULL) {
                return 0;
            }
            p += 14;
            n = strcspn(p, " ");
            if (n == 0 || (line = malloc(n + 1)) == NULL) {
                return n == 0 ? 0 : -1;
            }
            memcpy(line, p, n);
            line[n] = '\0';
            r = gs_supp_add_extra(pat, line);
            free(line);
            return r < 0 ? -1 : 1;
        }
        snprintf(buf, sizeof(buf), "match-leak-kinds: %s", x);
        return gs_supp_add_extra(pat, buf) < 0 ? -1 : 1;
    }
    return 0;
}

/* Could a fun: line hold this name?  Suppressions name C++ functions
   mangled; a demangled name from a <stack> (with "::", argument lists,
   templates) cannot be matched by fun:, so the frame becomes obj:. */
static int
fun_usable(const char *fn)
{
    if (fn == NULL || fn[0] == '\0' || strcmp(fn, "???") == 0) {
        return 0;
    }
    if (strcmp(fn, "(below main)") == 0) {
        return 1;
    }
    return strpbrk(fn, ":()<> ~,&*[]") == NULL;
}

/* Split a <skaux> (one line, or several) into extra lines. */
static int
add_skaux(gs_supp_t *pat, const char *skaux)
{
    while (*skaux != '\0') {
        size_t n = strcspn(skaux, "\n");
        size_t a = 0, b = n;
        char *line;

        while (a < b && isspace((unsigned char)skaux[a])) {
            a++;
        }
        while (b > a && isspace((unsigned char)skaux[b - 1])) {
            b--;
        }
        if (b > a) {
            if ((line = malloc(b - a + 1)) == NULL) {
                return -1;
            }
            memcpy(line, skaux + a, b - a);
            line[b - a] = '\0';
            if (gs_supp_add_extra(pat, line) < 0) {
                free(line);
                return -1;
            }
            free(line);
        }
        skaux += n + (skaux[n] == '\n');
    }
    return 0;
}

/* Build the instance of error @e.  Returns 1, 0 (skipped, with a
   message), or -1 (no memory). */
static int
make_inst(gs_state_t *st, const gs_input_t *in, const gs_error_t *e,
          inst_t *inst)
{
    const gs_suppression_t *s = e->supp;
    const gs_stack_t *stack = &e->stack;
    size_t i, n;
    int r;

    memset(inst, 0, sizeof(*inst));
    inst->in = in;
    inst->error = e;
    inst->count = 1;
    if ((inst->pat = gs_supp_new()) == NULL) {
        return -1;
    }
    if (s != NULL && s->skind != NULL && strchr(s->skind, ':') != NULL
        && s->skind[0] != ':' && s->n_sframes > 0) {
        const char *colon = strchr(s->skind, ':');

        inst->pat->tools = malloc((size_t)(colon - s->skind) + 1);
        if (inst->pat->tools == NULL) {
            return -1;
        }
        memcpy(inst->pat->tools, s->skind, (size_t)(colon - s->skind));
        inst->pat->tools[colon - s->skind] = '\0';
        if (gs_supp_set_string(&inst->pat->kind, colon + 1) < 0
            || (s->skaux != NULL && add_skaux(inst->pat, s->skaux) < 0)) {
            return -1;
        }
        for (i = 0; i < s->n_sframes; i++) {
            const gs_sframe_t *f = &s->sframes[i];

            if (f->fun != NULL) {
                r = gs_supp_add_frame(inst->pat, GS_LOC_FUN, f->fun);
            }
            else {
                r = gs_supp_add_frame(inst->pat, GS_LOC_OBJ,
                                      f->obj != NULL ? f->obj : "*");
            }
            if (r < 0) {
                return -1;
            }
        }
    }
    else {
        if (stack->n_frames == 0) {
            if (!st->quiet) {
                say(st, "%s:%ld: note: error %s has neither a stack nor a "
                    "suppression: skipped", in->path, e->xml_line,
                    e->kind != NULL ? e->kind : "?");
            }
            return 0;
        }
        r = kind_from_error(in->report, e, inst->pat);
        if (r <= 0) {
            if (r == 0) {
                say(st, "%s:%ld: warning: no suppression kind known for "
                    "%s error %s; run with --gen-suppressions=all",
                    in->path, e->xml_line,
                    in->report->tool != NULL ? in->report->tool : "?",
                    e->kind != NULL ? e->kind : "?");
            }
            return r;
        }
        for (i = 0; i < stack->n_frames; i++) {
            const gs_frame_t *f = &stack->frames[i];

            if (fun_usable(f->fn)) {
                r = gs_supp_add_frame(inst->pat, GS_LOC_FUN, f->fn);
            }
            else {
                r = gs_supp_add_frame(inst->pat, GS_LOC_OBJ,
                                      f->obj != NULL ? f->obj : "*");
            }
            if (r < 0) {
                return -1;
            }
        }
    }

    /* The frames as observed, for gs_supp_matches(): the <stack> gives
       object, file and line; the suppression's fun: gives the name as a
       suppression sees it (mangled). */
    n = stack->n_frames > inst->pat->n_frames ? stack->n_frames
                                              : inst->pat->n_frames;
    inst->obs = calloc(n == 0 ? 1 : n, sizeof(gs_obs_frame_t));
    if (inst->obs == NULL) {
        return -1;
    }
    inst->n_obs = n;
    for (i = 0; i < n; i++) {
        gs_obs_frame_t *o = &inst->obs[i];

        if (i < stack->n_frames) {
            o->fun = stack->frames[i].fn;
            o->obj = stack->frames[i].obj;
            o->file = stack->frames[i].file;
            o->line = stack->frames[i].line > 0
                      ? (unsigned long)stack->frames[i].line : 0;
        }
        if (s != NULL && s->n_sframes == stack->n_frames
            && i < s->n_sframes) {
            if (s->sframes[i].fun != NULL) {
                o->fun = s->sframes[i].fun;
            }
            else if (s->sframes[i].obj != NULL && o->obj == NULL) {
                o->obj = s->sframes[i].obj;
            }
        }
        else if (stack->n_frames == 0 && s != NULL && i < s->n_sframes) {
            o->fun = s->sframes[i].fun;
            o->obj = s->sframes[i].obj;
        }
    }
    return 1;
}

/* Is @obj one of the --obj-only objects? */
static int
obj_only(const gs_state_t *st, const char *obj)
{
    size_t i;

    for (i = 0; obj != NULL && i < st->n_obj_only; i++) {
        if (gs_glob_match(st->obj_only[i], obj)) {
            return 1;
        }
    }
    return 0;
}

/* --obj-only: the frames in those objects as Valgrind shows them when it
   has no symbols for them (a stripped executable on a machine without
   its debug file): one obj: line per address, inlined calls folded.
   Returns 0, or -1 when out of memory. */
static int
apply_obj_only(const gs_state_t *st, inst_t *inst)
{
    const gs_stack_t *stack = &inst->error->stack;
    gs_supp_t *p = inst->pat, *q;
    gs_obs_frame_t *obs;
    const char *prev_ip = NULL;
    size_t i, n = 0;
    int prev_oo = 0, any = 0;

    if (st->n_obj_only == 0 || stack->n_frames == 0
        || stack->n_frames != p->n_frames) {
        return 0;
    }
    for (i = 0; i < stack->n_frames && !any; i++) {
        any = obj_only(st, stack->frames[i].obj);
    }
    if (!any) {
        return 0;
    }
    q = gs_supp_new();
    obs = calloc(stack->n_frames, sizeof(gs_obs_frame_t));
    if (q == NULL || obs == NULL) {
        gs_supp_free(q);
        free(obs);
        return -1;
    }
    for (i = 0; i < stack->n_frames; i++) {
        const gs_frame_t *f = &stack->frames[i];
        int oo = obj_only(st, f->obj), r;

        if (oo && prev_oo && f->ip != NULL && prev_ip != NULL
            && strcmp(f->ip, prev_ip) == 0) {
            continue;           /* an inlined call at the same address */
        }
        if (oo) {
            r = gs_supp_add_frame(q, GS_LOC_OBJ, f->obj);
            obs[n].obj = f->obj;
        }
        else {
            r = gs_supp_add_frame(q, p->frames[i].kind, p->frames[i].name);
            obs[n] = inst->obs[i];
        }
        if (r < 0) {
            gs_supp_free(q);
            free(obs);
            return -1;
        }
        n++;
        prev_ip = f->ip;
        prev_oo = oo;
    }
    q->tools = p->tools;
    q->kind = p->kind;
    q->extra = p->extra;
    q->n_extra = p->n_extra;
    p->tools = p->kind = NULL;
    p->extra = NULL;
    p->n_extra = 0;
    gs_supp_free(p);
    inst->pat = q;
    free(inst->obs);
    inst->obs = obs;
    inst->n_obs = n;
    return 0;
}

static gs_obs_error_t
obs_of(const inst_t *inst, char *tool_buf, size_t tool_size)
{
    gs_obs_error_t o;
    size_t n = strcspn(inst->pat->tools, ",");

    if (n >= tool_size) {
        n = tool_size - 1;
    }
    memcpy(tool_buf, inst->pat->tools, n);
    tool_buf[n] = '\0';
    o.tools = tool_buf;
    o.kind = inst->pat->kind;
    o.extra = (const char *const *)inst->pat->extra;
    o.n_extra = inst->pat->n_extra;
    o.frames = inst->obs;
    o.n_frames = inst->n_obs;
    return o;
}

/* Occurrences of error @unique in the report's errorcounts. */
static unsigned long
count_of(const gs_report_t *rep, unsigned long long unique)
{
    size_t i;

    for (i = 0; i < rep->n_errorcounts; i++) {
        if (rep->errorcounts[i].name == NULL
            && rep->errorcounts[i].unique == unique) {
            return rep->errorcounts[i].count > 0
                   ? rep->errorcounts[i].count : 1;
        }
    }
    return 1;
}

/* --- Generalisation ------------------------------------------------------ */

static int
ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);

    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The obj: glob for an object path (step 2 of the file's comment). */
static char *
generalise_obj(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *so;
    char parent[256] = "";

    if (base == NULL || strpbrk(path, "*?") != NULL) {
        return dup_str(path);
    }
    base++;
    if (base > path + 1) {
        const char *p = base - 1;
        const char *q = p;

        while (q > path && q[-1] != '/') {
            q--;
        }
        if ((size_t)(p - q) < sizeof(parent)) {
            memcpy(parent, q, (size_t)(p - q));
            parent[p - q] = '\0';
        }
    }
    if (strncmp(base, "libpython", 9) == 0 && strstr(base, ".so") != NULL) {
        /* libpython3.8.so.1.0, libpython3.11d.so */
        return format("*/libpython%c.*.so*", isdigit((unsigned char)
                      base[9]) ? base[9] : '*');
    }
    if (strncmp(base, "vgpreload_", 10) == 0 && ends_with(base, ".so")) {
        size_t n = strcspn(base + 10, "-");

        return format("*/vgpreload_%.*s-*.so", (int)n, base + 10);
    }
    if (strstr(base, ".cpython-") != NULL && ends_with(base, ".so")) {
        const char *c = strstr(base, ".cpython-");

        if (strcmp(parent, "lib-dynload") == 0) {
            return format("*/lib-dynload/%.*s.cpython-*.so",
                          (int)(c - base), base);
        }
        return dup_str(path);
    }
    so = strstr(base, ".so");
    if (so != NULL && (so[3] == '\0' || so[3] == '.')) {
        /* libc.so.6, ld-linux-x86-64.so.2, libffi.so.8.1.2 */
        const char *v = so + 3;

        while (*v == '.' || isdigit((unsigned char)*v)) {
            v++;
        }
        if (*v == '\0') {
            return format("*/%.*s.so*", (int)(so - base), base);
        }
    }
    if (strcmp(parent, "bin") == 0 || strcmp(parent, "sbin") == 0) {
        return format("*/%s/%s", parent, base);
    }
    return format("*/%s", base);
}

/* Step 2 on one instance: obj: globs and the --max-frames cut. */
static int
generalise(const gs_state_t *st, inst_t *inst)
{
    gs_supp_t *p = inst->pat;
    size_t i;

    if (p->n_frames > (size_t)st->max_frames) {
        for (i = (size_t)st->max_frames; i < p->n_frames; i++) {
            free(p->frames[i].name);
        }
        p->n_frames = (size_t)st->max_frames;
    }
    for (i = 0; i < p->n_frames && !st->exact; i++) {
        char *g;

        if (p->frames[i].kind != GS_LOC_OBJ) {
            continue;
        }
        if ((g = generalise_obj(p->frames[i].name)) == NULL) {
            return -1;
        }
        free(p->frames[i].name);
        p->frames[i].name = g;
    }
    return 0;
}

/* --- Clusters, merge, minimise ------------------------------------------- */

static int
loc_equal(const gs_loc_t *a, const gs_loc_t *b)
{
    return a->kind == b->kind
           && (a->kind == GS_LOC_DOTS || strcmp(a->name, b->name) == 0);
}

/* The cluster key is the first --min-frames frames of an error, where a
   run of frames without a function name in one object (a stripped
   executable, whose depth differs from run to run) counts as one frame,
   and "..." as none.  Is locs[i] such a repeat (or a "...")? */
static int
repeats(const gs_loc_t *const *locs, size_t i, const gs_loc_t **last)
{
    const gs_loc_t *l = locs[i];

    if (l->kind == GS_LOC_DOTS) {
        return 1;
    }
    if (l->kind == GS_LOC_OBJ && *last != NULL && (*last)->kind == GS_LOC_OBJ
        && strcmp((*last)->name, l->name) == 0) {
        return 1;
    }
    *last = l;
    return 0;
}

/* Frame lines that hold the first n frames of the key. */
static size_t
key_length(const gs_loc_t *const *locs, size_t count, long n)
{
    const gs_loc_t *last = NULL;
    size_t i;
    long seen = 0;

    for (i = 0; i < count; i++) {
        if (!repeats(locs, i, &last) && ++seen == n) {
            return i + 1;
        }
    }
    return count;
}

static int
extra_compare(const gs_supp_t *a, const gs_supp_t *b)
{
    size_t i;
    int c;

    for (i = 0; i < a->n_extra && i < b->n_extra; i++) {
        if ((c = strcmp(a->extra[i], b->extra[i])) != 0) {
            return c;
        }
    }
    return a->n_extra < b->n_extra ? -1 : a->n_extra > b->n_extra;
}

static int
loc_compare(const gs_loc_t *a, const gs_loc_t *b)
{
    if (a->kind != b->kind) {
        return a->kind < b->kind ? -1 : 1;
    }
    return a->kind == GS_LOC_DOTS ? 0 : strcmp(a->name, b->name);
}

/* Order of instances: by cluster key, then by report and place. */
static int
inst_key_compare(const inst_t *a, const inst_t *b)
{
    const gs_loc_t *la = NULL, *lb = NULL;
    size_t i = 0, j = 0;
    int c;

    if ((c = strcmp(a->pat->tools, b->pat->tools)) != 0
        || (c = strcmp(a->pat->kind, b->pat->kind)) != 0
        || (c = extra_compare(a->pat, b->pat)) != 0) {
        return c;
    }
    for (;;) {
        while (i < a->key_len && repeats(a->locs, i, &la)) {
            i++;
        }
        while (j < b->key_len && repeats(b->locs, j, &lb)) {
            j++;
        }
        if (i == a->key_len || j == b->key_len) {
            return (i < a->key_len) - (j < b->key_len);
        }
        if ((c = loc_compare(a->locs[i], b->locs[j])) != 0) {
            return c;
        }
        i++;
        j++;
    }
}

static int
inst_compare(const void *pa, const void *pb)
{
    const inst_t *a = pa, *b = pb;
    int c = inst_key_compare(a, b);

    if (c != 0) {
        return c;
    }
    if (a->in != b->in) {
        return a->in < b->in ? -1 : 1;
    }
    return a->error < b->error ? -1 : a->error > b->error;
}

/* A list of frame lines, borrowed from instances. */
typedef struct {
    const gs_loc_t **v;
    size_t n;
} locs_t;

static const gs_loc_t dots_loc = {GS_LOC_DOTS, NULL};

static int
locs_push(locs_t *l, const gs_loc_t *loc)
{
    const gs_loc_t **p;

    /* No "..." twice in a row. */
    if (loc->kind == GS_LOC_DOTS && l->n > 0
        && l->v[l->n - 1]->kind == GS_LOC_DOTS) {
        return 0;
    }
    p = realloc(l->v, (l->n + 1) * sizeof(*p));
    if (p == NULL) {
        return -1;
    }
    p[l->n++] = loc;
    l->v = p;
    return 0;
}

/* cur := what cur and next[0..nn) share, in order, "..." for the rest
   between them; nothing after the last shared line. */
static int
align(locs_t *cur, const gs_loc_t *next, size_t nn)
{
    size_t a = cur->n, b = nn, i, j;
    unsigned short *t;
    locs_t out = {NULL, 0};
    int gap = 0;

    if (a == 0 || b == 0) {
        cur->n = 0;
        return 0;
    }
    if (b + 1 > SIZE_MAX / (a + 1) / sizeof(*t)) {
        return -1;
    }
    t = calloc((a + 1) * (b + 1), sizeof(*t));
    if (t == NULL) {
        return -1;
    }
#define L(i, j) t[(i) * (b + 1) + (j)]
    for (i = a; i-- > 0;) {
        for (j = b; j-- > 0;) {
            if (loc_equal(cur->v[i], &next[j])) {
                L(i, j) = (unsigned short)(L(i + 1, j + 1) + 1);
            }
            else {
                L(i, j) = L(i + 1, j) > L(i, j + 1) ? L(i + 1, j)
                                                    : L(i, j + 1);
            }
        }
    }
    i = j = 0;
    while (i < a && j < b && L(i, j) > 0) {
        if (loc_equal(cur->v[i], &next[j])
            && L(i, j) == L(i + 1, j + 1) + 1) {
            if (gap && locs_push(&out, &dots_loc) < 0) {
                goto nomem;
            }
            gap = 0;
            if (locs_push(&out, cur->v[i]) < 0) {
                goto nomem;
            }
            i++;
            j++;
        }
        else if (L(i + 1, j) >= L(i, j + 1)) {
            gap = 1;
            i++;
        }
        else {
            gap = 1;
            j++;
        }
    }
#undef L
    free(t);
    free(cur->v);
    *cur = out;
    return 0;

  nomem:
    free(t);
    free(out.v);
    return -1;
}

/* A new entry with the tools, kind, extra lines of @model and the first
   @n lines of @locs, without a final "...". */
static gs_supp_t *
entry_from(const gs_supp_t *model, const gs_loc_t *const *locs, size_t n)
{
    gs_supp_t *e = gs_supp_new();
    size_t i;

    if (e == NULL) {
        return NULL;
    }
    while (n > 0 && locs[n - 1]->kind == GS_LOC_DOTS) {
        n--;
    }
    if (gs_supp_set_string(&e->tools, model->tools) < 0
        || gs_supp_set_string(&e->kind, model->kind) < 0) {
        goto fail;
    }
    for (i = 0; i < model->n_extra; i++) {
        if (gs_supp_add_extra(e, model->extra[i]) < 0) {
            goto fail;
        }
    }
    for (i = 0; i < n; i++) {
        if (gs_supp_add_frame(e, locs[i]->kind, locs[i]->name) < 0) {
            goto fail;
        }
    }
    return e;

  fail:
    gs_supp_free(e);
    return NULL;
}

/* An entry of the output, with where it comes from. */
typedef struct {
    gs_supp_t *supp;
    const inst_t *first;        /* first instance it covers (new entries) */
    size_t n_errors;
    unsigned long occurrences;
    unsigned char *in_report;   /* [n_inputs]: covers an error of input i */
    int existing;               /* from --merge */
    int dropped;
} entry_t;

typedef struct {
    entry_t *v;
    size_t n;
} entry_list_t;

/* Does @e match an error of the --exclude reports?  Sets *which. */
static int
hits_negative(const gs_state_t *st, const gs_supp_t *e, const inst_t *negs,
              size_t n_negs, const inst_t **which)
{
    size_t i;
    char tool[64];

    (void)st;
    for (i = 0; i < n_negs; i++) {
        gs_obs_error_t o = obs_of(&negs[i], tool, sizeof(tool));

        if (gs_supp_matches(e, &o)) {
            *which = &negs[i];
            return 1;
        }
    }
    return 0;
}

/* The shortest prefix of @locs, from @from lines on, that matches no
   excluded error; NULL with *unsafe set when none. */
static gs_supp_t *
minimise(const gs_state_t *st, const gs_supp_t *model,
         const gs_loc_t *const *locs, size_t n, size_t from,
         const inst_t *negs, size_t n_negs, const inst_t **unsafe)
{
    size_t len;

    *unsafe = NULL;
    if (from > n) {
        from = n;
    }
    for (len = from; len <= n; len++) {
        gs_supp_t *e;
        const inst_t *hit;

        if (len < n && len > 0 && locs[len - 1]->kind == GS_LOC_DOTS) {
            continue;
        }
        if ((e = entry_from(model, locs, len)) == NULL) {
            return NULL;
        }
        if (e->n_frames == 0) {
            gs_supp_free(e);
            continue;
        }
        if (!hits_negative(st, e, negs, n_negs, &hit)) {
            return e;
        }
        *unsafe = hit;
        gs_supp_free(e);
    }
    return NULL;
}

static int
entries_push(entry_list_t *list, gs_supp_t *supp, const inst_t *first,
             size_t n_inputs)
{
    entry_t *p = realloc(list->v, (list->n + 1) * sizeof(entry_t));

    if (p == NULL) {
        gs_supp_free(supp);
        return -1;
    }
    list->v = p;
    memset(&p[list->n], 0, sizeof(entry_t));
    p[list->n].supp = supp;
    p[list->n].first = first;
    p[list->n].in_report = calloc(n_inputs + 1, 1);
    if (p[list->n].in_report == NULL) {
        gs_supp_free(supp);
        return -1;
    }
    list->n++;
    return 0;
}

static void
free_entries(entry_list_t *list)
{
    size_t i;

    for (i = 0; i < list->n; i++) {
        gs_supp_free(list->v[i].supp);
        free(list->v[i].in_report);
    }
    free(list->v);
    list->v = NULL;
    list->n = 0;
}

static void
account(const gs_state_t *st, entry_t *e, const inst_t *inst)
{
    e->n_errors++;
    e->occurrences += inst->count;
    e->in_report[inst->in - st->inputs] = 1;
    if (e->first == NULL) {
        e->first = inst;
    }
}

static const gs_loc_t **
locs_of(const gs_supp_t *p)
{
    const gs_loc_t **v = malloc((p->n_frames + 1) * sizeof(*v));
    size_t i;

    if (v != NULL) {
        for (i = 0; i < p->n_frames; i++) {
            v[i] = &p->frames[i];
        }
    }
    return v;
}

static void
warn_unsafe(const gs_state_t *st, const inst_t *inst, const inst_t *hit)
{
    say(st, "%s:%ld: warning: error %s not suppressed: every entry for it "
        "would also hide the error at %s:%ld",
        inst->in->path, inst->error->xml_line,
        inst->error->kind != NULL ? inst->error->kind : "?",
        hit->in->path, hit->error->xml_line);
}

/* Valgrind takes two errors of one kind whose four innermost code
   addresses are the same for one error (m_errormgr.c compares them at
   Vg_MedRes), and decides at its first occurrence whether it is
   suppressed.  Do @a and @b share them?  (Inlined calls share their
   caller's address; errors without <ip>s are never the same.) */
static int
same_context(const inst_t *a, const inst_t *b)
{
    const gs_stack_t *sa = &a->error->stack, *sb = &b->error->stack;
    const char *pa = NULL, *pb = NULL;
    size_t i = 0, j = 0;
    int groups = 0;

    if (strcmp(a->pat->tools, b->pat->tools) != 0
        || strcmp(a->pat->kind, b->pat->kind) != 0) {
        return 0;
    }
    while (groups < 4) {
        while (i < sa->n_frames && pa != NULL && sa->frames[i].ip != NULL
               && strcmp(sa->frames[i].ip, pa) == 0) {
            i++;
        }
        while (j < sb->n_frames && pb != NULL && sb->frames[j].ip != NULL
               && strcmp(sb->frames[j].ip, pb) == 0) {
            j++;
        }
        if (i == sa->n_frames || j == sb->n_frames) {
            return i == sa->n_frames && j == sb->n_frames;
        }
        pa = sa->frames[i].ip;
        pb = sb->frames[j].ip;
        if (pa == NULL || pb == NULL || strcmp(pa, pb) != 0) {
            return 0;
        }
        groups++;
    }
    return 1;
}

/* Warn about each excluded error that entry @e does not match but that
   Valgrind would still suppress when an error of [lo, hi) comes first. */
static void
warn_same_context(const gs_state_t *st, const gs_supp_t *e,
                  const inst_t *insts, size_t lo, size_t hi,
                  const inst_t *negs, size_t n_negs)
{
    size_t i, k;
    char tool[64];

    for (i = 0; i < n_negs; i++) {
        gs_obs_error_t o = obs_of(&negs[i], tool, sizeof(tool));

        if (gs_supp_matches(e, &o)) {
            continue;
        }
        for (k = lo; k < hi; k++) {
            if (same_context(&insts[k], &negs[i])) {
                say(st, "%s:%ld: warning: this excluded error has the four "
                    "innermost addresses of the suppressed error at "
                    "%s:%ld; Valgrind counts the two as one, so a run that "
                    "meets that one first hides this one too",
                    negs[i].in->path, negs[i].error->xml_line,
                    insts[k].in->path, insts[k].error->xml_line);
                break;
            }
        }
    }
}

/* One entry per instance of cluster [lo, hi), each minimised alone. */
static int
split_cluster(gs_state_t *st, inst_t *insts, size_t lo, size_t hi,
              const inst_t *negs, size_t n_negs, entry_list_t *out)
{
    size_t k;

    for (k = lo; k < hi; k++) {
        const inst_t *hit;
        gs_supp_t *e;

        e = minimise(st, insts[k].pat, insts[k].locs, insts[k].pat->n_frames,
                     insts[k].key_len, negs, n_negs, &hit);
        if (e == NULL) {
            if (hit == NULL) {
                return -1;
            }
            warn_unsafe(st, &insts[k], hit);
            continue;
        }
        warn_same_context(st, e, insts, k, k + 1, negs, n_negs);
        if (entries_push(out, e, NULL, st->n_inputs) < 0) {
            return -1;
        }
        account(st, &out->v[out->n - 1], &insts[k]);
    }
    return 0;
}

/* Steps 3 to 5 over the sorted instances. */
static int
make_entries(gs_state_t *st, inst_t *insts, size_t n, const inst_t *negs,
             size_t n_negs, entry_list_t *out)
{
    size_t lo = 0, hi, k;

    while (lo < n) {
        locs_t cur = {NULL, 0};
        gs_supp_t *e;
        const inst_t *hit;
        int ok = 1;

        for (hi = lo + 1; hi < n && inst_key_compare(&insts[lo], &insts[hi])
             == 0; hi++) {
        }
        /* Step 4: what every instance of the cluster shares, in order. */
        for (k = 0; k < insts[lo].pat->n_frames; k++) {
            if (locs_push(&cur, insts[lo].locs[k]) < 0) {
                free(cur.v);
                return -1;
            }
        }
        for (k = lo + 1; k < hi && cur.n > 0; k++) {
            if (align(&cur, insts[k].pat->frames,
                      insts[k].pat->n_frames) < 0) {
                free(cur.v);
                return -1;
            }
        }

        /* Step 5, from the key on. */
        e = minimise(st, insts[lo].pat, cur.v, cur.n,
                     key_length(cur.v, cur.n, st->min_frames), negs, n_negs,
                     &hit);
        free(cur.v);
        if (e == NULL && hit == NULL) {
            return -1;
        }
        /* The pattern covers every instance by construction; a cluster
           where it would not is split all the same. */
        for (k = lo; e != NULL && k < hi && ok; k++) {
            ok = gs_supp_covers(e, insts[k].pat);
        }
        if (e == NULL || !ok) {
            gs_supp_free(e);
            if (split_cluster(st, insts, lo, hi, negs, n_negs, out) < 0) {
                return -1;
            }
        }
        else {
            warn_same_context(st, e, insts, lo, hi, negs, n_negs);
            if (entries_push(out, e, NULL, st->n_inputs) < 0) {
                return -1;
            }
            for (k = lo; k < hi; k++) {
                account(st, &out->v[out->n - 1], &insts[k]);
            }
        }
        lo = hi;
    }
    return 0;
}

/* Step 6: duplicates and covered entries. */
static void
subsume(gs_state_t *st, entry_list_t *list)
{
    size_t i, j, r;

    for (i = 0; i < list->n; i++) {
        entry_t *a = &list->v[i];

        if (a->dropped || a->existing) {
            continue;
        }
        for (j = 0; j < list->n; j++) {
            entry_t *b = &list->v[j];

            if (j == i || b->dropped || !gs_supp_covers(b->supp, a->supp)) {
                continue;
            }
            /* Two entries that cover each other: keep the first. */
            if (!b->existing && j > i && gs_supp_covers(a->supp, b->supp)) {
                continue;
            }
            a->dropped = 1;
            if (!b->existing) {
                b->n_errors += a->n_errors;
                b->occurrences += a->occurrences;
                for (r = 0; r < st->n_inputs; r++) {
                    b->in_report[r] |= a->in_report[r];
                }
                if (b->first == NULL || (a->first != NULL
                    && inst_compare(a->first, b->first) < 0)) {
                    b->first = a->first;
                }
            }
            else if (!st->quiet) {
                say(st, "note: %s:%ld: entry '%s' already covers %zu "
                    "error(s) of the reports", st->merge, b->supp->line,
                    b->supp->name, a->n_errors);
            }
            break;
        }
    }
    for (i = 0; i < list->n && !st->quiet; i++) {
        if (!list->v[i].existing || list->v[i].dropped) {
            continue;
        }
        for (j = 0; j < list->n; j++) {
            if (!list->v[j].existing && !list->v[j].dropped
                && gs_supp_covers(list->v[j].supp, list->v[i].supp)) {
                say(st, "note: %s:%ld: entry '%s' is covered by a new "
                    "entry; it is kept", st->merge, list->v[i].supp->line,
                    list->v[i].supp->name);
                break;
            }
        }
    }
}

/* --- Names, comments, the file ------------------------------------------- */

/* Functions that say little about where an error comes from: allocators,
   refcount helpers, Valgrind's names for unknown frames.  A name takes
   the first function of the entry that is not one of these. */
static int
plumbing(const char *fn)
{
    static const char *const names[] = {
        "malloc", "calloc", "realloc", "free", "memalign", "posix_memalign",
        "aligned_alloc", "_Znwm", "_Znam", "_ZdlPv", "_ZdaPv",
        "PyMem_Malloc", "PyMem_Calloc", "PyMem_Realloc", "PyMem_Free",
        "PyMem_RawMalloc", "PyMem_RawCalloc", "PyMem_RawRealloc",
        "PyMem_RawFree", "PyObject_Malloc", "PyObject_Calloc",
        "PyObject_Realloc", "PyObject_Free", "_PyObject_Malloc",
        "_PyObject_Calloc", "_PyObject_Realloc", "_PyObject_Free",
        "_PyMem_RawMalloc", "_PyMem_RawFree", "pymalloc_alloc",
        "pymalloc_free", "pymalloc_realloc", "address_in_range",
        "Py_INCREF", "Py_DECREF", "Py_XINCREF", "Py_XDECREF", "_Py_INCREF",
        "_Py_DECREF", "_Py_XINCREF", "_Py_XDECREF", "_Py_Dealloc",
        "Py_SETREF", "Py_XSETREF", "Py_CLEAR", "_Py_NewReference",
        "UnknownInlinedFun", "(below main)",
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(fn, names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The function (or object) part of a name: [A-Za-z0-9_.], at most 40,
   without GCC's clone suffixes (.lto_priv.0, .constprop.3, .isra.0,
   .part.1, .cold). */
static void
name_part(const gs_supp_t *e, char out[48])
{
    const char *src = NULL;
    size_t i, k = 0, n;
    int pass;

    for (pass = 0; pass < 2 && src == NULL; pass++) {
        for (i = 0; i < e->n_frames && src == NULL; i++) {
            if (e->frames[i].kind == GS_LOC_FUN
                && strpbrk(e->frames[i].name, "*?") == NULL
                && (pass == 1 || !plumbing(e->frames[i].name))) {
                src = e->frames[i].name;
            }
        }
    }
    for (i = 0; i < e->n_frames && src == NULL; i++) {
        if (e->frames[i].kind != GS_LOC_DOTS) {
            src = strrchr(e->frames[i].name, '/');
            src = src != NULL ? src + 1 : e->frames[i].name;
        }
    }
    n = src != NULL ? strlen(src) : 0;
    if (src != NULL && e->frames[0].kind == GS_LOC_FUN) {
        static const char *const clones[] = {
            ".lto_priv.", ".constprop.", ".isra.", ".part.", ".cold"
        };
        const char *dot;

        for (i = 0; i < sizeof(clones) / sizeof(clones[0]); i++) {
            dot = strstr(src, clones[i]);
            if (dot != NULL && dot > src && (size_t)(dot - src) < n) {
                n = (size_t)(dot - src);
            }
        }
    }
    for (i = 0; i < n && k < 40; i++) {
        unsigned char c = (unsigned char)src[i];

        if (isalnum(c) || c == '_' || c == '.') {
            out[k++] = (char)c;
        }
        else if (c != '*' && c != '?' && k > 0 && out[k - 1] != '_') {
            out[k++] = '_';
        }
    }
    while (k > 0 && (out[k - 1] == '_' || out[k - 1] == '.')) {
        k--;
    }
    if (k == 0) {
        memcpy(out, "frame", 5);
        k = 5;
    }
    out[k] = '\0';
}

static int
name_taken(const entry_list_t *list, size_t self, const char *name)
{
    size_t i;

    for (i = 0; i < list->n; i++) {
        if (i != self && !list->v[i].dropped && list->v[i].supp->name != NULL
            && strcmp(list->v[i].supp->name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Step 7: <tool>-<Kind>-<function>-<hash>. */
static int
name_entries(entry_list_t *list)
{
    size_t i;

    for (i = 0; i < list->n; i++) {
        entry_t *e = &list->v[i];
        char part[48], tool[32], *canon, *name = NULL;
        uint64_t h;
        size_t k, digits;

        if (e->existing || e->dropped) {
            continue;
        }
        if ((canon = gs_supp_canonical(e->supp)) == NULL) {
            return -1;
        }
        h = hash_text(canon);
        free(canon);
        for (k = 0; k + 1 < sizeof(tool) && e->supp->tools[k] != '\0'; k++) {
            char c = e->supp->tools[k];

            tool[k] = c == ',' ? '+' : (char)tolower((unsigned char)c);
        }
        tool[k] = '\0';
        name_part(e->supp, part);
        for (digits = 8; ; digits += 4) {
            free(name);
            if (digits <= 16) {
                name = format("%s-%s-%s-%0*llx", tool, e->supp->kind, part,
                              (int)digits, (unsigned long long)
                              (h >> (64 - 4 * digits)));
            }
            else {
                name = format("%s-%s-%s-%016llx-%zu", tool, e->supp->kind,
                              part, (unsigned long long)h, digits / 4 - 3);
            }
            if (name == NULL) {
                return -1;
            }
            if (!name_taken(list, i, name)) {
                break;
            }
        }
        free(e->supp->name);
        e->supp->name = name;
    }
    return 0;
}

/* The comment above a new entry: what the error says, where it was seen. */
static int
comment_entries(gs_state_t *st, entry_list_t *list)
{
    size_t i, r;

    for (i = 0; i < list->n; i++) {
        entry_t *e = &list->v[i];
        const char *what;
        char *w, *c;
        size_t runs = 0;

        if (e->existing || e->dropped || e->first == NULL) {
            continue;
        }
        for (r = 0; r < st->n_inputs; r++) {
            runs += e->in_report[r];
        }
        what = e->first->error->what;
        if ((w = dup_str(what != NULL ? what : e->supp->kind)) == NULL) {
            return -1;
        }
        one_line(w);
        if (strlen(w) > 70) {
            strcpy(w + 66, " ...");
        }
        c = format("# %s\n# %zu error%s (%lu time%s) in %zu of %zu run%s; "
                   "first: %s:%ld", w, e->n_errors,
                   e->n_errors == 1 ? "" : "s", e->occurrences,
                   e->occurrences == 1 ? "" : "s", runs, st->n_inputs,
                   st->n_inputs == 1 ? "" : "s", e->first->in->display,
                   e->first->error->xml_line);
        free(w);
        if (c == NULL) {
            return -1;
        }
        free(e->supp->comment);
        e->supp->comment = c;
    }
    return 0;
}

static int
entry_order(const void *pa, const void *pb)
{
    const entry_t *a = pa, *b = pb;

    return gs_supp_compare(a->supp, b->supp);
}

/* "Using Valgrind-3.19.0 and LibVEX; ...": "3.19.0". */
static void
valgrind_version(const gs_report_t *rep, char out[32])
{
    size_t i;

    strcpy(out, "unknown");
    for (i = 0; i < rep->n_preamble; i++) {
        const char *p = strstr(rep->preamble[i], "Valgrind-");

        if (p != NULL) {
            size_t n = strcspn(p + 9, " ;,");

            if (n > 0 && n < 32) {
                memcpy(out, p + 9, n);
                out[n] = '\0';
                return;
            }
        }
    }
}

/* The provenance header (see the file's comment, step 7). */
static int
write_header(gs_state_t *st, FILE *fp, size_t n_entries)
{
    char *cmd = NULL, vg[32], tools[256] = "";
    size_t len = 0, i, j, n_errors = 0;
    int k;

    /* What reproduces the file, not where one machine keeps things: the
       options that only say where output goes are left out, and the
       interpreter is written by its file name (the Python: line says
       which one it is). */
    for (k = 0; k < st->argc; k++) {
        const char *a = k == 0 ? "pyref-gensupp" : st->argv[k];
        int role = k > 0 && st->argv_role != NULL ? st->argv_role[k]
                   : GS_ARG_KEEP;

        if (role == GS_ARG_OMIT) {
            continue;
        }
        if (role == GS_ARG_BASENAME) {
            a = gs_base_name(a);
        }
        if (append_quoted(&cmd, &len, a) < 0) {
            free(cmd);
            return -1;
        }
    }
    fprintf(fp, "%s (vg-pyref %s).\n", HEADER_MARK, PACKAGE_VERSION);
    fputs("# DO NOT EDIT: run the command below again instead.  Keep entries "
          "of your\n# own in another file, or give this one to --merge, "
          "which keeps them.\n#\n", fp);
    fprintf(fp, "# Command:  %s\n", cmd != NULL ? cmd : "");
    free(cmd);
    for (i = 0; i < st->n_inputs; i++) {
        const gs_report_t *rep = st->inputs[i].report;
        const char *t = rep->tool != NULL ? rep->tool : "?";

        n_errors += rep->n_errors;
        if (strstr(tools, t) == NULL
            && strlen(tools) + strlen(t) + 3 < sizeof(tools)) {
            if (tools[0] != '\0') {
                strcat(tools, ", ");
            }
            strcat(tools, t);
        }
    }
    if (st->n_inputs > 0) {
        valgrind_version(st->inputs[0].report, vg);
        fprintf(fp, "# Valgrind: %s\n", vg);
    }
    fprintf(fp, "# Tool:     %s\n", tools[0] != '\0' ? tools : "(none)");
    for (i = 0; i < st->n_python_info; i++) {
        fprintf(fp, "# %s\n", st->python_info[i]);
    }
    for (i = 0; i < st->n_notes; i++) {
        char *n = dup_str(st->notes[i]);

        if (n == NULL) {
            return -1;
        }
        one_line(n);
        fprintf(fp, "# Note:     %s\n", n);
        free(n);
    }
    fprintf(fp, "# Runs:     %zu, %zu error%s, %zu entr%s\n", st->n_inputs,
            n_errors, n_errors == 1 ? "" : "s", n_entries,
            n_entries == 1 ? "y" : "ies");
    for (i = 0; i < st->n_inputs; i++) {
        const gs_report_t *rep = st->inputs[i].report;
        char *line = NULL;
        size_t ll = 0, script_at;

        script_at = python_script_index((const char *const *)rep->argv,
                                        rep->n_argv);
        for (j = 0; j < rep->n_argv; j++) {
            char script[64];
            const char *a = rep->argv[j];

            /* The executable, and a Python script given by an absolute
               path: their file names only. */
            if (j == 0 || (j == script_at && a[0] == '/')) {
                a = gs_base_name(a);
            }
            /* A program given with -c: its size, not its text. */
            if (strchr(a, '\n') != NULL) {
                snprintf(script, sizeof(script), "<a script of %zu bytes>",
                         strlen(a));
                a = script;
            }
            if (append_quoted(&line, &ll, a) < 0) {
                free(line);
                return -1;
            }
        }
        if (line != NULL) {
            one_line(line);
        }
        fprintf(fp, "#   %s: %s\n", st->inputs[i].display,
                line != NULL ? line : "(no command)");
        free(line);
    }
    fputs("#\n"
          "# Each entry is { name / Tool:Kind / an optional extra line / "
          "frames / }.\n"
          "# Frames (fun:NAME, obj:PATH) match the error's stack from the "
          "innermost\n"
          "# frame; \"...\" stands for any number of frames, '*' and '?' "
          "are wildcards.\n"
          "# Names are <tool>-<Kind>-<function>-<hash of the entry>: a name "
          "changes only\n"
          "# when its entry does.  The comment above each entry says what "
          "it suppresses.\n", fp);
    return ferror(fp) ? -1 : 0;
}

/* Read --merge FILE; its entries join the list as existing ones. */
static int
read_merge(gs_state_t *st, entry_list_t *list, char **trailer)
{
    gs_suppfile_t f;
    char *msg = NULL;
    gs_supp_status_t rs;
    size_t i;

    gs_suppfile_init(&f);
    rs = gs_supp_read_file(st->merge, &f, &msg);
    if (rs != GS_SUPP_OK) {
        say(st, "%s", msg != NULL ? msg : "cannot read --merge file");
        free(msg);
        gs_suppfile_clear(&f);
        return rs == GS_SUPP_NOMEM ? GS_EXIT_MEM : GS_EXIT_INPUT;
    }
    free(msg);
    /* Our own header travels with the first entry: drop it, up to the
       first blank line of its comment block. */
    if (f.n_entries > 0 && f.entries[0]->comment != NULL
        && strncmp(f.entries[0]->comment, HEADER_MARK, strlen(HEADER_MARK))
        == 0) {
        char *c = f.entries[0]->comment, *b = strstr(c, "\n\n");

        if (b == NULL) {
            free(c);
            f.entries[0]->comment = NULL;
        }
        else {
            memmove(c, b + 2, strlen(b + 2) + 1);
        }
    }
    if (f.trailer != NULL
        && strncmp(f.trailer, HEADER_MARK, strlen(HEADER_MARK)) == 0) {
        free(f.trailer);
        f.trailer = NULL;
    }
    for (i = 0; i < f.n_entries; i++) {
        size_t j;

        for (j = 0; j < i; j++) {
            if (strcmp(f.entries[j]->name, f.entries[i]->name) == 0) {
                say(st, "%s:%ld: warning: entry name '%s' also at line %ld; "
                    "Valgrind counts the two apart, but reports give one "
                    "name", st->merge, f.entries[i]->line,
                    f.entries[i]->name, f.entries[j]->line);
                break;
            }
        }
    }
    for (i = 0; i < f.n_entries; i++) {
        size_t j;

        if (entries_push(list, f.entries[i], NULL, st->n_inputs) < 0) {
            f.entries[i] = NULL;
            for (j = i + 1; j < f.n_entries; j++) {
                gs_supp_free(f.entries[j]);
            }
            f.n_entries = 0;
            gs_suppfile_clear(&f);
            return oom(st);
        }
        list->v[list->n - 1].existing = 1;
        f.entries[i] = NULL;
    }
    f.n_entries = 0;
    *trailer = f.trailer;
    f.trailer = NULL;
    gs_suppfile_clear(&f);
    return GS_EXIT_OK;
}

/* Write the file to -o FILE (through FILE.tmp and rename) or stdout. */
static int
write_output(gs_state_t *st, entry_list_t *list, const char *trailer)
{
    FILE *fp = stdout;
    char *tmp = NULL;
    size_t i, n = 0;
    int first = 1, bad;

    for (i = 0; i < list->n; i++) {
        n += !list->v[i].dropped;
    }
    if (st->output != NULL && strcmp(st->output, "-") != 0) {
        if ((tmp = format("%s.tmp", st->output)) == NULL) {
            return oom(st);
        }
        if ((fp = fopen(tmp, "w")) == NULL) {
            say(st, "%s: cannot write: %s", st->output, strerror(errno));
            free(tmp);
            return GS_EXIT_OUTPUT;
        }
    }
    bad = write_header(st, fp, n) < 0;
    for (i = 0; i < list->n && !bad; i++) {
        if (list->v[i].dropped) {
            continue;
        }
        fputc('\n', fp);
        bad = gs_supp_write(fp, list->v[i].supp) < 0;
        first = 0;
    }
    if (!bad && trailer != NULL) {
        fprintf(fp, "\n%s\n", trailer);
    }
    if (!bad && first && trailer == NULL) {
        fputs("\n# No entries: the reports hold no error to suppress.\n", fp);
    }
    if (fflush(fp) != 0 || ferror(fp)) {
        bad = 1;
    }
    if (fp != stdout) {
        if (fclose(fp) != 0) {
            bad = 1;
        }
        if (!bad && rename(tmp, st->output) != 0) {
            say(st, "%s: cannot write: %s", st->output, strerror(errno));
            remove(tmp);
            free(tmp);
            return GS_EXIT_OUTPUT;
        }
        if (bad) {
            remove(tmp);
        }
    }
    if (bad) {
        say(st, "%s: write error", st->output != NULL ? st->output
                                                      : "(standard output)");
        free(tmp);
        return GS_EXIT_OUTPUT;
    }
    free(tmp);
    return GS_EXIT_OK;
}

/* Instances of every error of @inputs; generalised, keyed, sorted. */
static int
collect(gs_state_t *st, gs_input_t *inputs, size_t n_inputs,
        inst_list_t *out)
{
    size_t i, j, total = 0;

    for (i = 0; i < n_inputs; i++) {
        total += inputs[i].report->n_errors;
    }
    out->items = calloc(total == 0 ? 1 : total, sizeof(inst_t));
    if (out->items == NULL) {
        return -1;
    }
    for (i = 0; i < n_inputs; i++) {
        const gs_report_t *rep = inputs[i].report;

        for (j = 0; j < rep->n_errors; j++) {
            inst_t *inst = &out->items[out->n];
            int r = make_inst(st, &inputs[i], &rep->errors[j], inst);

            if (r < 0) {
                gs_supp_free(inst->pat);
                free(inst->obs);
                return -1;
            }
            if (r == 0) {
                gs_supp_free(inst->pat);
                free(inst->obs);
                continue;
            }
            inst->count = count_of(rep, rep->errors[j].unique);
            out->n++;
            if (apply_obj_only(st, inst) < 0 || generalise(st, inst) < 0
                || (inst->locs = locs_of(inst->pat)) == NULL) {
                return -1;
            }
            inst->key_len = key_length(inst->locs, inst->pat->n_frames,
                                       st->min_frames);
        }
    }
    qsort(out->items, out->n, sizeof(inst_t), inst_compare);
    return 0;
}

/**
 * gs_from_xml:
 * @st: the state, options set
 * @reports: paths of XML reports
 * @n_reports: how many (at least one)
 *
 * The from-xml command: steps 1 to 7 of this file's comment, then the
 * file to st->output.
 *
 * Returns: a gs_exit_t.
 */
int
gs_from_xml(gs_state_t *st, const char **reports, size_t n_reports)
{
    inst_list_t insts = {NULL, 0}, negs = {NULL, 0};
    entry_list_t entries = {NULL, 0};
    char *trailer = NULL;
    size_t i;
    int rc;

    rc = read_reports(st, reports, n_reports, &st->inputs, &st->n_inputs);
    if (rc == GS_EXIT_OK) {
        rc = read_reports(st, st->excludes, st->n_excludes, &st->negatives,
                          &st->n_negatives);
    }
    if (rc != GS_EXIT_OK) {
        return rc;
    }
    if (st->merge != NULL
        && (rc = read_merge(st, &entries, &trailer)) != GS_EXIT_OK) {
        goto done;
    }
    if (collect(st, st->inputs, st->n_inputs, &insts) < 0
        || collect(st, st->negatives, st->n_negatives, &negs) < 0) {
        rc = oom(st);
        goto done;
    }
    if (make_entries(st, insts.items, insts.n, negs.items, negs.n, &entries)
        < 0) {
        rc = oom(st);
        goto done;
    }
    subsume(st, &entries);
    if (name_entries(&entries) < 0 || comment_entries(st, &entries) < 0) {
        rc = oom(st);
        goto done;
    }
    if (entries.n > 1) {
        qsort(entries.v, entries.n, sizeof(entry_t), entry_order);
    }
    for (i = 0; i < entries.n; i++) {
        const char *why;

        if (!entries.v[i].dropped && !gs_supp_is_valid(entries.v[i].supp,
                                                       &why)) {
            say(st, "internal error: entry '%s' is not valid: %s",
                entries.v[i].supp->name, why);
            rc = GS_EXIT_OUTPUT;
            goto done;
        }
    }
    rc = write_output(st, &entries, trailer);
    if (rc == GS_EXIT_OK && !st->quiet) {
        size_t kept = 0;

        for (i = 0; i < entries.n; i++) {
            kept += !entries.v[i].dropped;
        }
        say(st, "%zu error%s from %zu report%s: %zu entr%s written to %s",
            insts.n, insts.n == 1 ? "" : "s", st->n_inputs,
            st->n_inputs == 1 ? "" : "s", kept, kept == 1 ? "y" : "ies",
            st->output != NULL && strcmp(st->output, "-") != 0
            ? st->output : "standard output");
    }

  done:
    free(trailer);
    free_entries(&entries);
    free_insts(&insts);
    free_insts(&negs);
    return rc;
}

/* --- usage: which entries fired ------------------------------------------ */

static int
cmd_usage(gs_state_t *st, const char *supp_path, const char **reports,
          size_t n_reports)
{
    gs_suppfile_t f;
    const char *base;
    unsigned long *counts = NULL;
    size_t *runs = NULL, i, j, k, fired = 0, with_counts = 0;
    unsigned long other = 0;
    int rc;

    rc = read_supp_and_reports(st, supp_path, reports, n_reports, &f);
    if (rc != GS_EXIT_OK) {
        gs_suppfile_clear(&f);
        return rc;
    }
    counts = calloc(f.n_entries + 1, sizeof(*counts));
    runs = calloc(f.n_entries + 1, sizeof(*runs));
    if (counts == NULL || runs == NULL) {
        rc = oom(st);
        goto done;
    }
    base = gs_base_name(supp_path);
    for (k = 0; k < st->n_inputs; k++) {
        const gs_report_t *rep = st->inputs[k].report;
        int read_it = 0;

        for (j = 0; j < rep->n_vargv; j++) {
            const char *a = rep->vargv[j];

            if (strncmp(a, "--suppressions=", 15) == 0
                && ends_with(a + 15, base)) {
                read_it = 1;
            }
        }
        if (!rep->has_suppcounts) {
            say(st, "%s: warning: no <suppcounts> in the report: it cannot "
                "say which entries fired", st->inputs[k].path);
            continue;
        }
        with_counts++;
        if (!read_it && !st->quiet) {
            say(st, "%s: note: the run was not given --suppressions=...%s",
                st->inputs[k].path, base);
        }
        for (j = 0; j < rep->n_suppcounts; j++) {
            const gs_count_t *c = &rep->suppcounts[j];
            int found = 0;

            for (i = 0; i < f.n_entries && c->name != NULL; i++) {
                if (strcmp(f.entries[i]->name, c->name) == 0) {
                    counts[i] += c->count;
                    runs[i]++;
                    found = 1;
                    break;
                }
            }
            if (!found) {
                other += c->count;
            }
        }
    }
    printf("# pyref-gensupp usage: %s, %zu entr%s, %zu run%s\n", supp_path,
           f.n_entries, f.n_entries == 1 ? "y" : "ies", st->n_inputs,
           st->n_inputs == 1 ? "" : "s");
    printf("# status  runs  count  line  name\n");
    for (i = 0; i < f.n_entries; i++) {
        fired += counts[i] > 0;
        printf("%-8s  %zu/%zu  %5lu  %4ld  %s\n",
               counts[i] > 0 ? "fired" : "dead", runs[i], with_counts,
               counts[i], f.entries[i]->line, f.entries[i]->name);
    }
    if (other > 0) {
        printf("# %lu suppressed error%s came from entries of other files\n",
               other, other == 1 ? "" : "s");
    }
    printf("usage: %zu entr%s, %zu fired, %zu dead, in %zu run%s\n",
           f.n_entries, f.n_entries == 1 ? "y" : "ies", fired,
           f.n_entries - fired, with_counts, with_counts == 1 ? "" : "s");
    if (fflush(stdout) != 0 || ferror(stdout)) {
        say(st, "(standard output): write error");
        rc = GS_EXIT_OUTPUT;
    }
    else if (st->fail_dead && fired < f.n_entries) {
        rc = GS_EXIT_DEAD;
    }

  done:
    free(counts);
    free(runs);
    gs_suppfile_clear(&f);
    return rc;
}

/* Instances in the order of the reports. */
static int
report_order(const void *pa, const void *pb)
{
    const inst_t *a = pa, *b = pb;

    if (a->in != b->in) {
        return a->in < b->in ? -1 : 1;
    }
    return a->error < b->error ? -1 : a->error > b->error;
}

/* --- match: which entry would suppress each error ------------------------ */

static int
cmd_match(gs_state_t *st, const char *supp_path, const char **reports,
          size_t n_reports)
{
    gs_suppfile_t f;
    inst_list_t insts = {NULL, 0};
    char tool[64];
    size_t i, k, matched = 0;
    int rc;

    rc = read_supp_and_reports(st, supp_path, reports, n_reports, &f);
    if (rc != GS_EXIT_OK) {
        gs_suppfile_clear(&f);
        return rc;
    }
    /* The errors as observed: no generalisation, in report order. */
    st->exact = 1;
    st->max_frames = 500;
    if (collect(st, st->inputs, st->n_inputs, &insts) < 0) {
        rc = oom(st);
        goto done;
    }
    qsort(insts.items, insts.n, sizeof(inst_t), report_order);
    for (i = 0; i < insts.n; i++) {
        const inst_t *in = &insts.items[i];
        gs_obs_error_t o = obs_of(in, tool, sizeof(tool));
        const gs_supp_t *by = NULL;

        for (k = 0; k < f.n_entries && by == NULL; k++) {
            if (gs_supp_matches(f.entries[k], &o)) {
                by = f.entries[k];
            }
        }
        matched += by != NULL;
        printf("%s:%ld: %s:%s %s%s\n", in->in->path, in->error->xml_line,
               in->pat->tools, in->pat->kind,
               by != NULL ? "suppressed by " : "not suppressed",
               by != NULL ? by->name : "");
    }
    printf("match: %zu error%s, %zu suppressed, %zu not\n", insts.n,
           insts.n == 1 ? "" : "s", matched, insts.n - matched);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        say(st, "(standard output): write error");
        rc = GS_EXIT_OUTPUT;
    }
    else if (st->expect != NULL && ((strcmp(st->expect, "none") == 0
                                     && matched > 0)
                                    || (strcmp(st->expect, "all") == 0
                                        && matched < insts.n))) {
        rc = GS_EXIT_EXPECT;
    }

  done:
    free_insts(&insts);
    gs_suppfile_clear(&f);
    return rc;
}

/* --- check: is a suppression file readable? ------------------------------ */

static int
cmd_check(gs_state_t *st, const char **files, size_t n)
{
    size_t i;
    int rc = GS_EXIT_OK;

    if (st->canonical && n != 1) {
        return bad_usage(st, "check --canonical takes one file%s", "");
    }
    for (i = 0; i < n; i++) {
        gs_suppfile_t f;
        char *msg = NULL;
        gs_supp_status_t rs;

        gs_suppfile_init(&f);
        rs = gs_supp_read_file(files[i], &f, &msg);
        if (rs != GS_SUPP_OK) {
            say(st, "%s", msg != NULL ? msg : "cannot read");
            if (rc == GS_EXIT_OK || rs == GS_SUPP_NOMEM) {
                rc = rs == GS_SUPP_NOMEM ? GS_EXIT_MEM : GS_EXIT_INPUT;
            }
        }
        else if (st->canonical) {
            FILE *fp = stdout;

            if (st->output != NULL && strcmp(st->output, "-") != 0
                && (fp = fopen(st->output, "w")) == NULL) {
                say(st, "%s: cannot write: %s", st->output,
                    strerror(errno));
                rc = GS_EXIT_OUTPUT;
            }
            else {
                int bad = gs_suppfile_write(fp, &f) < 0;

                bad |= fflush(fp) != 0;
                if (fp != stdout) {
                    bad |= fclose(fp) != 0;
                }
                if (bad) {
                    say(st, "%s: write error", st->output != NULL
                        ? st->output : "(standard output)");
                    rc = GS_EXIT_OUTPUT;
                }
            }
        }
        else if (!st->quiet) {
            printf("%s: %zu entr%s, syntax OK\n", files[i], f.n_entries,
                   f.n_entries == 1 ? "y" : "ies");
        }
        free(msg);
        gs_suppfile_clear(&f);
    }
    return rc;
}

/* --- Command line -------------------------------------------------------- */

static void
usage(FILE *fp)
{
    fputs(
"Usage: pyref-gensupp COMMAND [OPTIONS] ARGS...\n"
"Valgrind suppression files from Valgrind XML reports (vg-pyref).\n"
"\n"
"Commands:\n"
"  from-xml REPORT.xml...   one suppression file for the errors of the\n"
"                           reports (any tool; runs made with --xml=yes,\n"
"                           best with --gen-suppressions=all)\n"
"  usage SUPP REPORT.xml... which entries of SUPP fired in the runs (from\n"
"                           their <suppcounts>) and which never did\n"
"  for-python PYTHON        inspect the interpreter, run a baseline under\n"
"                           the tool, write cpython-X.Y-VARIANT-TOOL.supp\n"
"  match SUPP REPORT.xml... which entry of SUPP would suppress each error\n"
"                           of the reports (--exclude them from from-xml to\n"
"                           keep them visible)\n"
"  check SUPP...            read suppression files as Valgrind would; say\n"
"                           what is wrong and where\n"
"\n"
"Options of from-xml and for-python:\n"
"  -o, --output FILE        write here (default: standard output for\n"
"                           from-xml, the file's own name for for-python)\n"
"  --merge FILE             keep the entries of FILE (a file made before, or\n"
"                           written by hand) and add the new ones\n"
"  --exclude REPORT.xml     errors (seeded bugs) that no entry may hide;\n"
"                           repeatable\n"
"  --min-frames N           frames that make two errors the same, and the\n"
"                           fewest an entry keeps (default 6)\n"
"  --max-frames N           frames read from each error (default 24)\n"
"  --exact                  keep obj: paths as they are\n"
"  --obj-only GLOB          frames in objects matching GLOB as Valgrind\n"
"                           shows them without the object's symbols: one\n"
"                           obj: line per address; repeatable\n"
"  --note TEXT              a line for the header; repeatable\n"
"Options of for-python:\n"
"  --tool pyref|memcheck    the tool to run (default pyref)\n"
"  --valgrind CMD           the valgrind launcher (default: valgrind)\n"
"  --vgopt OPT              one more Valgrind option; repeatable\n"
"  --imports all|none|M,... modules to import (default all: the stdlib)\n"
"  --tests none|T,...       CPython test modules to run (default\n"
"                           test_bool,test_int; skipped when absent)\n"
"  --output-dir DIR         where the .supp goes (default .)\n"
"  --keep-xml DIR           keep the runs' XML reports in DIR\n"
"  --timeout SECONDS        stop a run after this long (default 1800)\n"
"Options of usage:\n"
"  --fail-dead              exit 6 when an entry never fired\n"
"Options of match:\n"
"  --expect none|all        exit 7 unless no error (all errors) would be\n"
"                           suppressed\n"
"  --obj-only GLOB          as for from-xml\n"
"Options of check:\n"
"  --canonical              write the file back in Valgrind's layout (to -o\n"
"                           FILE or standard output)\n"
"Everywhere:\n"
"  -q, --quiet              no notes, only warnings and errors\n"
"  -h, --help               this text;  --version  the version\n"
"\n"
"Exit status: 0 done, 1 an input cannot be used (message: file and line),\n"
"2 bad command line, 3 cannot write, 4 out of memory, 5 for-python: a run\n"
"failed, 6 usage --fail-dead: dead entries, 7 match --expect failed.\n",
          fp);
}

/* Options: which commands take them, and whether they take a value. */
enum { C_FROM = 1, C_USAGE = 2, C_PY = 4, C_CHECK = 8, C_MATCH = 16,
       C_ALL = 31 };

static const struct {
    const char *lng;
    char shrt;
    int commands;
    int has_value;
} options[] = {
    {"output", 'o', C_FROM | C_PY | C_CHECK, 1},
    {"canonical", 0, C_CHECK, 0},
    {"merge", 0, C_FROM | C_PY, 1},
    {"exclude", 0, C_FROM | C_PY, 1},
    {"min-frames", 0, C_FROM | C_PY, 1},
    {"max-frames", 0, C_FROM | C_PY, 1},
    {"exact", 0, C_FROM | C_PY, 0},
    {"obj-only", 0, C_FROM | C_PY | C_MATCH, 1},
    {"expect", 0, C_MATCH, 1},
    {"note", 0, C_FROM | C_PY, 1},
    {"tool", 0, C_PY, 1},
    {"valgrind", 0, C_PY, 1},
    {"vgopt", 0, C_PY, 1},
    {"imports", 0, C_PY, 1},
    {"tests", 0, C_PY, 1},
    {"output-dir", 0, C_PY, 1},
    {"keep-xml", 0, C_PY, 1},
    {"timeout", 0, C_PY, 1},
    {"fail-dead", 0, C_USAGE, 0},
    {"quiet", 'q', C_ALL, 0},
    {"help", 'h', C_ALL, 0},
    {"version", 0, C_ALL, 0},
};

static int
push_str(const char ***list, size_t *n, const char *s)
{
    const char **p = realloc((void *)*list, (*n + 1) * sizeof(char *));

    if (p == NULL) {
        return -1;
    }
    p[(*n)++] = s;
    *list = p;
    return 0;
}

static int
bad_usage(const gs_state_t *st, const char *fmt, const char *arg)
{
    fprintf(st->err, "%s: ", st->progname);
    fprintf(st->err, fmt, arg);
    fprintf(st->err, "\nTry '%s --help'.\n", st->progname);
    return GS_EXIT_USAGE;
}

static int
set_option(gs_state_t *st, const char *name, const char *value)
{
    long v;

    if (strcmp(name, "output") == 0) {
        st->output = value;
    }
    else if (strcmp(name, "merge") == 0) {
        st->merge = value;
    }
    else if (strcmp(name, "exclude") == 0) {
        return push_str(&st->excludes, &st->n_excludes, value) < 0
               ? oom(st) : 0;
    }
    else if (strcmp(name, "obj-only") == 0) {
        return push_str(&st->obj_only, &st->n_obj_only, value) < 0
               ? oom(st) : 0;
    }
    else if (strcmp(name, "note") == 0) {
        return push_str(&st->notes, &st->n_notes, value) < 0 ? oom(st) : 0;
    }
    else if (strcmp(name, "vgopt") == 0) {
        return push_str(&st->vgopts, &st->n_vgopts, value) < 0 ? oom(st) : 0;
    }
    else if (strcmp(name, "min-frames") == 0
             || strcmp(name, "max-frames") == 0) {
        if (parse_integer(value, 1, 500, &v) < 0) {
            return bad_usage(st, "--min-frames and --max-frames take a "
                             "number from 1 to 500, not '%s'", value);
        }
        *(name[1] == 'i' ? &st->min_frames : &st->max_frames) = v;
    }
    else if (strcmp(name, "timeout") == 0) {
        if (parse_integer(value, 1, 86400, &st->timeout) < 0) {
            return bad_usage(st, "--timeout takes seconds, 1 to 86400, not "
                             "'%s'", value);
        }
    }
    else if (strcmp(name, "exact") == 0) {
        st->exact = 1;
    }
    else if (strcmp(name, "quiet") == 0) {
        st->quiet = 1;
    }
    else if (strcmp(name, "fail-dead") == 0) {
        st->fail_dead = 1;
    }
    else if (strcmp(name, "expect") == 0) {
        if (strcmp(value, "none") != 0 && strcmp(value, "all") != 0) {
            return bad_usage(st, "--expect is none or all, not '%s'", value);
        }
        st->expect = value;
    }
    else if (strcmp(name, "canonical") == 0) {
        st->canonical = 1;
    }
    else if (strcmp(name, "tool") == 0) {
        if (strcmp(value, "pyref") != 0 && strcmp(value, "memcheck") != 0) {
            return bad_usage(st, "--tool is pyref or memcheck, not '%s'",
                             value);
        }
        st->tool = value;
    }
    else if (strcmp(name, "valgrind") == 0) {
        st->valgrind = value;
    }
    else if (strcmp(name, "imports") == 0) {
        st->imports = value;
    }
    else if (strcmp(name, "tests") == 0) {
        st->tests = value;
    }
    else if (strcmp(name, "output-dir") == 0) {
        st->outdir = value;
    }
    else if (strcmp(name, "keep-xml") == 0) {
        st->keep_xml = value;
    }
    return 0;
}

/* Parse the command line into @st and the positional arguments. */
static int
parse_args(gs_state_t *st, int argc, const char **argv, const char ***args,
           size_t *n_args, int *help, int *version)
{
    int i, c_bit = 0, only_args = 0;
    size_t k;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *name, *value = NULL, *eq;
        char buf[64];
        int found = -1, start = i;

        if (only_args || a[0] != '-' || a[1] == '\0') {
            if (push_str(args, n_args, a) < 0) {
                return oom(st);
            }
            if (*n_args == 2 && c_bit == C_PY && st->argv_role != NULL) {
                st->argv_role[i] = GS_ARG_BASENAME;
            }
            if (*n_args == 1) {
                st->command = a;
                c_bit = strcmp(a, "from-xml") == 0 ? C_FROM
                        : strcmp(a, "usage") == 0 ? C_USAGE
                        : strcmp(a, "for-python") == 0 ? C_PY
                        : strcmp(a, "check") == 0 ? C_CHECK
                        : strcmp(a, "match") == 0 ? C_MATCH : 0;
                if (c_bit == 0) {
                    return bad_usage(st, "unknown command '%s'", a);
                }
            }
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_args = 1;
            continue;
        }
        name = a + 1 + (a[1] == '-');
        eq = strchr(name, '=');
        if (eq != NULL) {
            if ((size_t)(eq - name) >= sizeof(buf)) {
                return bad_usage(st, "unknown option '%s'", a);
            }
            memcpy(buf, name, (size_t)(eq - name));
            buf[eq - name] = '\0';
            name = buf;
            value = eq + 1;
        }
        for (k = 0; k < sizeof(options) / sizeof(options[0]); k++) {
            if (strcmp(name, options[k].lng) == 0
                || (options[k].shrt != 0 && name[0] == options[k].shrt
                    && name[1] == '\0' && a[1] != '-')) {
                found = (int)k;
                break;
            }
        }
        if (found < 0) {
            return bad_usage(st, "unknown option '%s'", a);
        }
        if (options[found].has_value && value == NULL) {
            if (i + 1 >= argc) {
                return bad_usage(st, "option '%s' needs a value", a);
            }
            value = argv[++i];
        }
        else if (!options[found].has_value && value != NULL) {
            return bad_usage(st, "option '%s' takes no value", a);
        }
        if (st->argv_role != NULL
            && (strcmp(options[found].lng, "output") == 0
                || strcmp(options[found].lng, "output-dir") == 0
                || strcmp(options[found].lng, "keep-xml") == 0)) {
            int j;

            for (j = start; j <= i; j++) {
                st->argv_role[j] = GS_ARG_OMIT;
            }
        }
        if (strcmp(options[found].lng, "help") == 0) {
            *help = 1;
            continue;
        }
        if (strcmp(options[found].lng, "version") == 0) {
            *version = 1;
            continue;
        }
        if (c_bit != 0 && !(options[found].commands & c_bit)) {
            return bad_usage(st, "option '%s' does not go with this "
                             "command", a);
        }
        {
            int r = set_option(st, options[found].lng, value);

            if (r != 0) {
                return r;
            }
        }
    }
    return GS_EXIT_OK;
}

/**
 * gs_main:
 * @argc: as main()'s
 * @argv: as main()'s
 * @err: where messages go (the program's output goes to stdout or -o)
 *
 * The whole program.
 *
 * Returns: a gs_exit_t.
 */
int
gs_main(int argc, const char **argv, FILE *err)
{
    gs_state_t st;
    const char **args = NULL;
    size_t n_args = 0;
    int help = 0, version = 0, rc;

    memset(&st, 0, sizeof(st));
    st.err = err;
    st.progname = "pyref-gensupp";
    st.argc = argc;
    st.argv = argv;
    st.min_frames = DEFAULT_MIN_FRAMES;
    st.max_frames = DEFAULT_MAX_FRAMES;
    st.tool = "pyref";
    st.valgrind = "valgrind";
    st.imports = "all";
    st.tests = "test_bool,test_int";
    st.outdir = ".";
    st.timeout = 1800;
    st.argv_role = calloc(argc > 0 ? (size_t)argc : 1, 1);
    if (st.argv_role == NULL) {
        rc = oom(&st);
        goto done;
    }

    rc = parse_args(&st, argc, argv, &args, &n_args, &help, &version);
    if (rc != GS_EXIT_OK) {
        goto done;
    }
    if (help) {
        usage(stdout);
        goto done;
    }
    if (version) {
        printf("pyref-gensupp (vg-pyref) %s\n", PACKAGE_VERSION);
        goto done;
    }
    if (n_args == 0) {
        usage(err);
        rc = GS_EXIT_USAGE;
        goto done;
    }
    if (st.max_frames < st.min_frames) {
        rc = bad_usage(&st, "--max-frames is smaller than --min-frames%s",
                       "");
        goto done;
    }
    if (strcmp(st.command, "from-xml") == 0) {
        if (n_args < 2) {
            rc = bad_usage(&st, "from-xml needs at least one report%s", "");
            goto done;
        }
        rc = gs_from_xml(&st, args + 1, n_args - 1);
    }
    else if (strcmp(st.command, "usage") == 0) {
        if (n_args < 3) {
            rc = bad_usage(&st, "usage needs a suppression file and at least "
                           "one report%s", "");
            goto done;
        }
        rc = cmd_usage(&st, args[1], args + 2, n_args - 2);
    }
    else if (strcmp(st.command, "match") == 0) {
        if (n_args < 3) {
            rc = bad_usage(&st, "match needs a suppression file and at least "
                           "one report%s", "");
            goto done;
        }
        rc = cmd_match(&st, args[1], args + 2, n_args - 2);
    }
    else if (strcmp(st.command, "check") == 0) {
        if (n_args < 2) {
            rc = bad_usage(&st, "check needs a suppression file%s", "");
            goto done;
        }
        rc = cmd_check(&st, args + 1, n_args - 1);
    }
    else {
        if (n_args != 2) {
            rc = bad_usage(&st, "for-python needs exactly one interpreter%s",
                           "");
            goto done;
        }
        st.python = args[1];
        rc = gs_for_python(&st);
    }

  done:
    free_inputs(st.inputs, st.n_inputs);
    free_inputs(st.negatives, st.n_negatives);
    free_lines(st.python_info, st.n_python_info);
    free((void *)args);
    free((void *)st.excludes);
    free((void *)st.notes);
    free((void *)st.obj_only);
    free((void *)st.vgopts);
    free(st.argv_role);
    xmlCleanupParser();
    return rc;
}
