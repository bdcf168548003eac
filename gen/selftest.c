/* selftest.c: pyref-selftest, run seeded bugs under pyref and check that
 * every one is reported, so that CI can trust a "0 errors" run.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A checker that is broken looks exactly like a program without bugs:
 * a suppression file that matches everything, an option that turns a
 * detector off, an interpreter whose allocator pyref does not follow, a
 * tool that was not installed right.  pyref-selftest runs selftest.py
 * twice under the tool, with the user's interpreter and Valgrind options:
 *
 *   1. `selftest.py bugs NAME...': one seeded bug of each kind in SEEDS
 *      (ctypes calls into CPython and libc, no compiler needed); each
 *      must be in the XML report with its kind and the fields SEEDS asks
 *      for (Python type, allocator ...);
 *   2. `selftest.py clean NAME...': the correct twin of each bug; the
 *      report must hold no error at all.
 *
 * The bugs are those that pyref reported on every supported CPython (3.8
 * to 3.13, pyenv and Debian builds), with pymalloc, PYTHONMALLOC=malloc
 * or debug, and dev mode.  Runs that do not start (no valgrind, no tool,
 * an interpreter pyref refuses) end with GS_SELFTEST_CANNOT_RUN and the
 * tool's own message.
 */

#include "selftest.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define PROG "pyref-selftest"

/* The seeded bugs: the script's bug_<name> must give an error of kind
   <name> whose fields (report.h's gs_error_field paths) have these
   values. */
#define MAX_MATCH 3

typedef struct {
    const char *name;
    const char *what;
    const char *match[MAX_MATCH][2];
} seed_t;

static const seed_t SEEDS[] = {
    {"ExtraDecref", "Py_DecRef of a dead float",
     {{"pytype", "float"}, {"field", "ob_refcnt"}}},
    {"StaleBorrow", "int lent by PyList_GetItem, read after list.clear()",
     {{"pytype", "int"}, {"borrow/api", "PyList_GetItem"}}},
    {"UseAfterDealloc", "read of ob_type of a dead float (free list)",
     {{"pytype", "float"}, {"field", "ob_type"}}},
    {"InvalidFree", "libc free() of a pointer into a bytes object",
     {{"block/pytype", "bytes"}, {"freedwith", "free"}}},
    {"MismatchedFree", "PyMem_Malloc block freed with PyObject_Free",
     {{"block/allocator", "PyMem_Malloc"}, {"freedwith", "PyObject_Free"}}},
    {"DoubleFree", "PyMem_Free of a PyMem_Malloc block, twice",
     {{"block/allocator", "PyMem_Malloc"}, {"freedwith", "PyMem_Free"}}},
    {"HeapOverflow", "read 1 byte past a 40-byte PyMem_Malloc block",
     {{"access", "read"}, {"block/allocator", "PyMem_Malloc"},
      {"block/size", "40"}}},
    {"UseAfterFree", "read of a freed PyMem_Malloc block",
     {{"access", "read"}, {"block/allocator", "PyMem_Malloc"}}},
    {"DoubleDealloc", "dead int revived by Py_IncRef, killed again",
     {{"pytype", "int"}}},
};

#define N_SEEDS (sizeof SEEDS / sizeof SEEDS[0])

/* What one run under the tool left. */
typedef struct {
    const char *mode;           /* "bugs" or "clean" */
    char xml[PATH_MAX];
    char out[PATH_MAX];         /* the client's stdout */
    char log[PATH_MAX];         /* Valgrind's stderr */
    int exec_failed;            /* valgrind could not be started */
    int timed_out;
    int wait_status;
    int started;                /* the script printed its first line */
    int done;                   /* ... and its last */
    char version[64];           /* "CPython 3.12.1" */
    char last_seed[64];         /* the last bug it started */
    gs_report_t *report;
} run_t;

/* All of the program's state. */
typedef struct {
    FILE *out;
    FILE *err;
    const char *valgrind;       /* --valgrind=CMD */
    const char *script;         /* --script=FILE, or found */
    const char *read_xml;       /* --read-xml=FILE */
    int keep;
    int verbose;
    long timeout;               /* seconds per run */
    const char *python;
    char **vg_opts;             /* after `--' */
    int n_vg_opts;
    char script_buf[PATH_MAX];
    char tmpdir[PATH_MAX];
    run_t bugs;
    run_t clean;
} state_t;

/* ------------------------------------------------------------------ */
/* Usage                                                              */
/* ------------------------------------------------------------------ */

static void
usage(FILE *f)
{
    size_t i;

    fprintf(f,
"Usage: " PROG " [OPTIONS] PYTHON [-- VALGRIND-OPTIONS...]\n"
"\n"
"Run seeded CPython ownership bugs under `valgrind --tool=pyref' with the\n"
"interpreter PYTHON and the Valgrind options given after `--' (your\n"
"--suppressions files, for one), and check that pyref reports every one\n"
"with the right kind and Python type, and nothing for their correct\n"
"twins.  Run it in CI before trusting a \"0 errors\" result: a checker\n"
"that misses these bugs would miss yours.\n"
"\n"
"Seeded bugs (pure Python, through ctypes; selftest.py):\n");
    for (i = 0; i < N_SEEDS; i++) {
        fprintf(f, "  %-16s %s\n", SEEDS[i].name, SEEDS[i].what);
    }
    fprintf(f,
"\n"
"Options:\n"
"  --valgrind=CMD    how to run Valgrind with pyref, split at spaces\n"
"                    [valgrind --tool=pyref]; e.g. the build tree's\n"
"                    vg-pyref/pyref-inplace\n"
"  --script=FILE     the seeded-bug script [selftest.py next to this\n"
"                    program, or in ../share/vg-pyref from it, or in\n"
"                    " GS_PKGDATADIR "]\n"
"  --timeout=SECONDS stop a run that takes longer [600]\n"
"  --keep            keep the XML reports and logs (their folder is shown)\n"
"  -v, --verbose     show the Valgrind command lines\n"
"  --read-xml=FILE   only read FILE (Valgrind XML) and print what the\n"
"                    reader found, for debugging\n"
"  -h, --help        show this help and exit\n"
"  --version         show the version and exit\n"
"\n"
"Exit status:\n"
"  0  trusted: every seeded bug reported, the clean run clean\n"
"  1  NOT trusted: a seeded bug missed, the clean run not clean, or the\n"
"     program died under the tool\n"
"  2  usage error\n"
"  3  could not run: valgrind or the tool missing, the interpreter\n"
"     refused by pyref (unsupported version), no or unreadable XML\n");
}

static int
usage_error(state_t *st, const char *what, const char *arg)
{
    fprintf(st->err, PROG ": %s%s%s\n", what, arg ? ": " : "",
            arg ? arg : "");
    fprintf(st->err, "Try '" PROG " --help' for more information.\n");
    return GS_SELFTEST_USAGE;
}

/* ------------------------------------------------------------------ */
/* Options                                                            */
/* ------------------------------------------------------------------ */

/* The value of --name=VALUE or --name VALUE; NULL if arg is not it
   (and *missing set when it is, but without a value). */
static const char *
option_value(int argc, char **argv, int *i, const char *name, int *missing)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);

    if (arg[0] == '-' && arg[1] == '-') {
        arg++;                      /* --x and -x alike, as xmllint */
    }
    if (strncmp(arg + 1, name, n) != 0) {
        return NULL;
    }
    if (arg[1 + n] == '=') {
        return arg + 2 + n;
    }
    if (arg[1 + n] != '\0') {
        return NULL;
    }
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

static int
is_flag(const char *arg, const char *name)
{
    if (arg[0] == '-' && arg[1] == '-') {
        arg++;
    }
    return arg[0] == '-' && strcmp(arg + 1, name) == 0;
}

/* Returns -1 to go on, or an exit status. */
static int
parse_options(state_t *st, int argc, char **argv)
{
    int i;
    int missing;
    const char *v;

    st->timeout = 600;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        missing = 0;
        if (strcmp(arg, "--") == 0 || arg[0] != '-' || arg[1] == '\0') {
            break;
        }
        if (is_flag(arg, "h") || is_flag(arg, "help")) {
            usage(st->out);
            return GS_SELFTEST_TRUSTED;
        }
        if (is_flag(arg, "version")) {
            fprintf(st->out, PROG " (vg-pyref) %s\n", PACKAGE_VERSION);
            return GS_SELFTEST_TRUSTED;
        }
        if (is_flag(arg, "v") || is_flag(arg, "verbose")) {
            st->verbose = 1;
            continue;
        }
        if (is_flag(arg, "keep")) {
            st->keep = 1;
            continue;
        }
        if ((v = option_value(argc, argv, &i, "valgrind", &missing))) {
            st->valgrind = v;
        }
        else if ((v = option_value(argc, argv, &i, "script", &missing))) {
            st->script = v;
        }
        else if ((v = option_value(argc, argv, &i, "read-xml", &missing))) {
            st->read_xml = v;
        }
        else if ((v = option_value(argc, argv, &i, "timeout", &missing))) {
            char *end;
            errno = 0;
            st->timeout = strtol(v, &end, 10);
            if (errno != 0 || *end != '\0' || end == v || st->timeout < 1
                || st->timeout > 86400) {
                return usage_error(st, "--timeout wants seconds, 1 to "
                                   "86400", v);
            }
        }
        else if (missing) {
            return usage_error(st, "option needs a value", arg);
        }
        else {
            return usage_error(st, "unknown option", arg);
        }
        if (v != NULL && *v == '\0') {
            return usage_error(st, "empty value for option", arg);
        }
    }
    if (st->read_xml != NULL) {
        if (i < argc) {
            return usage_error(st, "--read-xml takes no PYTHON", argv[i]);
        }
        return -1;
    }
    if (i < argc && strcmp(argv[i], "--") == 0) {
        return usage_error(st, "PYTHON must come before `--'", NULL);
    }
    if (i >= argc) {
        return usage_error(st, "no PYTHON given", NULL);
    }
    st->python = argv[i++];
    if (i < argc && strcmp(argv[i], "--") != 0) {
        return usage_error(st, "after PYTHON only `-- VALGRIND-OPTIONS' "
                           "may follow; our options go before PYTHON",
                           argv[i]);
    }
    if (i < argc) {
        i++;
    }
    st->vg_opts = argv + i;
    st->n_vg_opts = argc - i;
    if (st->valgrind == NULL) {
        st->valgrind = "valgrind --tool=pyref";
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Finding selftest.py                                                */
/* ------------------------------------------------------------------ */

/* snprintf into a path buffer; 0 (and an empty buffer) if it did not
   fit. */
static int
make_path(char *buf, size_t size, const char *fmt, const char *a,
          const char *b)
{
    int n = snprintf(buf, size, fmt, a, b);

    if (n < 0 || (size_t)n >= size) {
        buf[0] = '\0';
        return 0;
    }
    return 1;
}

static int
is_file(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int
find_script(state_t *st)
{
    char exe[PATH_MAX];
    ssize_t n;
    char *slash;
    const char *tried[3];
    int k = 0;

    if (st->script != NULL) {
        if (!is_file(st->script)) {
            fprintf(st->err, PROG ": --script=%s: no such file\n",
                    st->script);
            return 0;
        }
        return 1;
    }
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            if (make_path(st->script_buf, sizeof st->script_buf,
                          "%s/%s", exe, "selftest.py")
                && is_file(st->script_buf)) {
                st->script = st->script_buf;
                return 1;
            }
            if (make_path(st->script_buf, sizeof st->script_buf,
                          "%s/%s", exe, "../share/vg-pyref/selftest.py")
                && is_file(st->script_buf)) {
                st->script = st->script_buf;
                return 1;
            }
            tried[k++] = exe;
        }
    }
    if (make_path(st->script_buf, sizeof st->script_buf, "%s/%s",
                  GS_PKGDATADIR, "selftest.py")
        && is_file(st->script_buf)) {
        st->script = st->script_buf;
        return 1;
    }
    fprintf(st->err, PROG ": cannot find selftest.py (looked in %s%s, "
            "%s/../share/vg-pyref and %s); give --script=FILE\n",
            k ? tried[0] : "", k ? "" : "(unknown program folder)",
            k ? tried[0] : "?", GS_PKGDATADIR);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Running the tool                                                   */
/* ------------------------------------------------------------------ */

/* argv for one run: CMD words, the user's options, ours, the client. */
static char **
build_argv(state_t *st, run_t *run, char *cmd_copy, char *xml_opt)
{
    size_t max = strlen(cmd_copy) / 2 + 2 + (size_t)st->n_vg_opts + 6
                 + N_SEEDS;
    char **av = calloc(max, sizeof *av);
    size_t n = 0;
    char *tok;
    size_t i;

    if (av == NULL) {
        return NULL;
    }
    for (tok = strtok(cmd_copy, " \t"); tok; tok = strtok(NULL, " \t")) {
        av[n++] = tok;
    }
    for (i = 0; i < (size_t)st->n_vg_opts; i++) {
        av[n++] = st->vg_opts[i];
    }
    /* ours last: Valgrind takes the last of a repeated option */
    av[n++] = "--xml=yes";
    av[n++] = xml_opt;
    av[n++] = (char *)st->python;
    av[n++] = (char *)st->script;
    av[n++] = (char *)run->mode;
    for (i = 0; i < N_SEEDS; i++) {
        av[n++] = (char *)SEEDS[i].name;
    }
    av[n] = NULL;
    return av;
}

static void
print_command(FILE *f, char **av)
{
    size_t i;

    fputs("+", f);
    for (i = 0; av[i] != NULL; i++) {
        if (strpbrk(av[i], " \t'\"$\\") != NULL || av[i][0] == '\0') {
            fprintf(f, " '%s'", av[i]);
        }
        else {
            fprintf(f, " %s", av[i]);
        }
    }
    fputc('\n', f);
    fflush(f);
}

static int
open_out(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
}

/* Fork, exec, wait (with the timeout).  Returns 0 if it ran. */
static int
spawn(state_t *st, run_t *run, char **av)
{
    pid_t pid;
    int fd_in, fd_out, fd_log;
    time_t deadline = time(NULL) + st->timeout;
    int status = 0;
    pid_t got;
    struct timespec nap = {0, 50 * 1000 * 1000};

    fd_in = open("/dev/null", O_RDONLY);
    fd_out = open_out(run->out);
    fd_log = open_out(run->log);
    if (fd_in < 0 || fd_out < 0 || fd_log < 0) {
        fprintf(st->err, PROG ": cannot create files in %s: %s\n",
                st->tmpdir, strerror(errno));
        return -1;
    }
    fflush(st->out);
    fflush(st->err);
    pid = fork();
    if (pid < 0) {
        fprintf(st->err, PROG ": fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        dup2(fd_in, STDIN_FILENO);
        dup2(fd_out, STDOUT_FILENO);
        dup2(fd_log, STDERR_FILENO);
        execvp(av[0], av);
        dprintf(STDERR_FILENO, PROG "-exec-failed: %s: %s\n", av[0],
                strerror(errno));
        _exit(127);
    }
    close(fd_in);
    close(fd_out);
    close(fd_log);
    for (;;) {
        got = waitpid(pid, &status, WNOHANG);
        if (got == pid) {
            break;
        }
        if (got < 0 && errno != EINTR) {
            fprintf(st->err, PROG ": waitpid: %s\n", strerror(errno));
            return -1;
        }
        if (time(NULL) > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            run->timed_out = 1;
            break;
        }
        nanosleep(&nap, NULL);
    }
    run->wait_status = status;
    return 0;
}

/* Scan the client's stdout for the script's progress lines. */
static void
scan_output(run_t *run)
{
    FILE *f = fopen(run->out, "r");
    char line[512];
    const char *tag = "selftest.py: ";
    size_t tl = strlen(tag);

    if (f == NULL) {
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, tag, tl) != 0) {
            continue;
        }
        if (strncmp(line + tl, "CPython ", 8) == 0) {
            /* "CPython 3.12.1 /path/to/python": keep two words */
            run->started = 1;
            snprintf(run->version, sizeof run->version, "CPython %.*s",
                     (int)strcspn(line + tl + 8, " "), line + tl + 8);
        }
        else if (strncmp(line + tl, "seeded ", 7) == 0) {
            snprintf(run->last_seed, sizeof run->last_seed, "%s",
                     line + tl + 7);
        }
        else if (strcmp(line + tl, "done") == 0) {
            run->done = 1;
        }
    }
    fclose(f);
}

/* Has the exec in the child failed?  (It says so in the log.) */
static int
exec_failed(state_t *st, run_t *run)
{
    FILE *f = fopen(run->log, "r");
    char line[1024];
    const char *tag = PROG "-exec-failed: ";
    int found = 0;

    if (f == NULL) {
        return 0;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, tag, strlen(tag)) == 0) {
            fprintf(st->err, PROG ": cannot run %s", line + strlen(tag));
            found = 1;
        }
    }
    fclose(f);
    return found;
}

/* Pass on what Valgrind and the tool said: the lines with "pyref:" or
   "valgrind:" (the ==pid== prefix removed), else the last lines. */
static void
pass_on_log(state_t *st, run_t *run)
{
    FILE *f = fopen(run->log, "r");
    char line[1024];
    char tail[8][1024];
    int n_tail = 0;
    int shown = 0;
    int i;

    if (f == NULL) {
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *p = line;
        line[strcspn(line, "\n")] = '\0';
        if (p[0] == '=' && p[1] == '=') {
            char *q = strstr(p + 2, "== ");
            if (q != NULL) {
                p = q + 3;
            }
        }
        if (strstr(p, "pyref:") != NULL || strncmp(p, "valgrind:", 9) == 0
            || strstr(p, "FATAL") != NULL) {
            fprintf(st->err, "  %s\n", p);
            shown = 1;
        }
        snprintf(tail[n_tail % 8], sizeof tail[0], "%s", p);
        n_tail++;
    }
    fclose(f);
    if (!shown) {
        for (i = n_tail > 8 ? n_tail - 8 : 0; i < n_tail; i++) {
            fprintf(st->err, "  %s\n", tail[i % 8]);
        }
    }
}

static void
describe_exit(FILE *f, const run_t *run)
{
    if (run->timed_out) {
        fprintf(f, "it was stopped after the timeout");
    }
    else if (WIFSIGNALED(run->wait_status)) {
        fprintf(f, "valgrind was killed by signal %d",
                WTERMSIG(run->wait_status));
    }
    else if (WIFEXITED(run->wait_status)) {
        fprintf(f, "valgrind exited with status %d",
                WEXITSTATUS(run->wait_status));
    }
}

/* One run.  Returns -1 when it went far enough to be judged, else
   GS_SELFTEST_CANNOT_RUN (the message is out). */
static int
run_tool(state_t *st, run_t *run)
{
    char *cmd_copy = strdup(st->valgrind);
    char xml_opt[PATH_MAX + 16];
    char msg[1024];
    char **av;
    gs_read_status_t rs;
    int ret = GS_SELFTEST_CANNOT_RUN;

    if (!make_path(run->xml, sizeof run->xml, "%s/%s.xml", st->tmpdir,
                   run->mode)
        || !make_path(run->out, sizeof run->out, "%s/%s.out", st->tmpdir,
                      run->mode)
        || !make_path(run->log, sizeof run->log, "%s/%s.log", st->tmpdir,
                      run->mode)
        || !make_path(xml_opt, sizeof xml_opt, "%s%s", "--xml-file=",
                      run->xml)) {
        fprintf(st->err, PROG ": the temporary folder's name is too "
                "long: %s\n", st->tmpdir);
        free(cmd_copy);
        return GS_SELFTEST_CANNOT_RUN;
    }
    av = cmd_copy != NULL ? build_argv(st, run, cmd_copy, xml_opt) : NULL;
    if (av == NULL || av[0] == NULL) {
        fprintf(st->err, PROG ": %s\n", av == NULL ? "out of memory"
                : "--valgrind= names no command");
        goto out;
    }
    if (st->verbose) {
        print_command(st->out, av);
    }
    if (spawn(st, run, av) != 0) {
        goto out;
    }
    if (exec_failed(st, run)) {
        fprintf(st->err, PROG ": is Valgrind installed?  (--valgrind=CMD "
                "names another command)\n");
        goto out;
    }
    scan_output(run);
    if (!run->started) {
        fprintf(st->err, PROG ": could not run %s under the tool (",
                st->python);
        describe_exit(st->err, run);
        fprintf(st->err, "); it said:\n");
        pass_on_log(st, run);
        goto out;
    }
    rs = gs_report_read(run->xml, &run->report, msg, sizeof msg);
    if (rs != GS_READ_OK) {
        fprintf(st->err, PROG ": cannot use the XML report of the %s run: "
                "%s\n", run->mode, msg);
        pass_on_log(st, run);
        goto out;
    }
    ret = -1;
out:
    free(av);
    free(cmd_copy);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Judging                                                            */
/* ------------------------------------------------------------------ */

static int
error_matches(const gs_error_t *e, const seed_t *s, const char **why_path,
              const char **why_value)
{
    int i;

    if (strcmp(gs_error_pyref_kind(e), s->name) != 0) {
        return 0;
    }
    for (i = 0; i < MAX_MATCH && s->match[i][0] != NULL; i++) {
        const char *v = gs_error_field(e, s->match[i][0]);
        if (v == NULL || strcmp(v, s->match[i][1]) != 0) {
            *why_path = s->match[i][0];
            *why_value = v;
            return 0;
        }
    }
    return 1;
}

/* The seeded run: one line per seed.  Returns how many were missed. */
static int
judge_bugs(state_t *st, const char **missed_names)
{
    const gs_report_t *rep = st->bugs.report;
    char *used = calloc(rep->n_errors + 1, 1);
    size_t i, j;
    int missed = 0;

    for (i = 0; i < N_SEEDS; i++) {
        const seed_t *s = &SEEDS[i];
        const char *why_path = NULL;
        const char *why_value = NULL;
        int found = 0;
        for (j = 0; j < rep->n_errors && !found; j++) {
            const char *p = NULL, *v = NULL;
            if (used != NULL && used[j]) {
                continue;
            }
            if (error_matches(&rep->errors[j], s, &p, &v)) {
                found = 1;
                if (used != NULL) {
                    used[j] = 1;
                }
            }
            else if (p != NULL && why_path == NULL) {
                why_path = p;
                why_value = v;
            }
        }
        if (found) {
            fprintf(st->out, "ok      %-16s %s\n", s->name, s->what);
            continue;
        }
        missed_names[missed++] = s->name;
        fprintf(st->out, "MISSED  %-16s %s", s->name, s->what);
        if (why_path != NULL) {
            fprintf(st->out, " (a %s was reported, but its %s is %s%s%s)",
                    s->name, why_path, why_value ? "'" : "",
                    why_value ? why_value : "absent", why_value ? "'" : "");
        }
        fputc('\n', st->out);
    }
    if (st->verbose) {
        for (j = 0; j < rep->n_errors; j++) {
            if (used == NULL || !used[j]) {
                fprintf(st->out, "        (also reported: %s: %s)\n",
                        rep->errors[j].kind, rep->errors[j].what);
            }
        }
    }
    free(used);
    return missed;
}

/* The clean run: one line.  Returns 1 if it is clean. */
static int
judge_clean(state_t *st)
{
    const gs_report_t *rep = st->clean.report;
    size_t j;

    if (rep->n_errors == 0 && st->clean.done) {
        fprintf(st->out, "ok      %-16s the correct twins: 0 errors\n",
                "clean run");
        return 1;
    }
    if (!st->clean.done) {
        fprintf(st->out, "FAILED  %-16s the program did not finish (",
                "clean run");
        describe_exit(st->out, &st->clean);
        fprintf(st->out, ")\n");
    }
    if (rep->n_errors != 0) {
        fprintf(st->out, "FAILED  %-16s the correct twins gave %zu "
                "error%s:\n", "clean run", rep->n_errors,
                rep->n_errors == 1 ? "" : "s");
        for (j = 0; j < rep->n_errors; j++) {
            fprintf(st->out, "          %s: %s\n", rep->errors[j].kind,
                    rep->errors[j].what);
        }
    }
    return 0;
}

static void
show_suppressions(state_t *st)
{
    const gs_report_t *rep = st->bugs.report;
    size_t i;

    for (i = 0; i < rep->n_suppcounts; i++) {
        fprintf(st->err, PROG ":   the seeded run used the suppression "
                "'%s' %lu time%s\n", rep->suppcounts[i].name,
                rep->suppcounts[i].count,
                rep->suppcounts[i].count == 1 ? "" : "s");
    }
}

static void
print_options(FILE *f, const state_t *st)
{
    int i;

    fprintf(f, "'%s", st->valgrind);
    for (i = 0; i < st->n_vg_opts; i++) {
        fprintf(f, " %s", st->vg_opts[i]);
    }
    fprintf(f, "'");
}

static int
selftest(state_t *st)
{
    const char *missed_names[N_SEEDS];
    int missed;
    int clean_ok;
    int i;
    int ret;

    st->bugs.mode = "bugs";
    st->clean.mode = "clean";
    fprintf(st->out, PROG ": %zu seeded bugs, then their correct twins, "
            "in %s under ", N_SEEDS, st->python);
    print_options(st->out, st);
    fprintf(st->out, "\n");

    ret = run_tool(st, &st->bugs);
    if (ret >= 0) {
        return ret;
    }
    missed = judge_bugs(st, missed_names);
    if (!st->bugs.done) {
        fprintf(st->out, "FAILED  %-16s the program died after seeding "
                "%s (", "seeded run",
                st->bugs.last_seed[0] ? st->bugs.last_seed : "nothing");
        describe_exit(st->out, &st->bugs);
        fprintf(st->out, ")\n");
    }
    ret = run_tool(st, &st->clean);
    if (ret >= 0) {
        return ret;
    }
    clean_ok = judge_clean(st);

    fflush(st->out);
    if (missed == 0 && clean_ok && st->bugs.done) {
        fprintf(st->out, PROG ": TRUSTED: all %zu seeded bugs reported, "
                "no error in the clean run (%s, %s).\n", N_SEEDS,
                st->bugs.version, st->python);
        return GS_SELFTEST_TRUSTED;
    }
    fprintf(st->err, "\n" PROG ": ******************************************"
            "*****************\n");
    fprintf(st->err, PROG ": *** FAILED: THIS CHECKER CANNOT BE TRUSTED "
            "with %s (%s)\n" PROG ": *** and the options ", st->python,
            st->bugs.version);
    print_options(st->err, st);
    fprintf(st->err, ":\n");
    if (missed > 0) {
        fprintf(st->err, PROG ": *** it missed %d of %zu seeded bugs:",
                missed, N_SEEDS);
        for (i = 0; i < missed; i++) {
            fprintf(st->err, " %s", missed_names[i]);
        }
        fprintf(st->err, "\n");
    }
    if (!st->bugs.done) {
        fprintf(st->err, PROG ": *** the seeded run died\n");
    }
    if (!clean_ok) {
        fprintf(st->err, PROG ": *** the clean run was not clean\n");
    }
    fprintf(st->err, PROG ": *** a \"0 errors\" result from it means "
            "NOTHING.\n");
    fprintf(st->err, PROG ": ******************************************"
            "*****************\n");
    if (missed > 0) {
        show_suppressions(st);
    }
    return GS_SELFTEST_UNTRUSTED;
}

/* ------------------------------------------------------------------ */
/* The rest                                                           */
/* ------------------------------------------------------------------ */

static int
read_xml_only(state_t *st)
{
    gs_report_t *rep;
    char msg[1024];
    gs_read_status_t rs = gs_report_read(st->read_xml, &rep, msg,
                                         sizeof msg);

    if (rs != GS_READ_OK) {
        fprintf(st->err, PROG ": %s\n", msg);
        return GS_SELFTEST_CANNOT_RUN;
    }
    gs_report_dump(rep, st->out);
    gs_report_free(rep);
    return GS_SELFTEST_TRUSTED;
}

static void
remove_tmpdir(state_t *st)
{
    const char *names[] = {"bugs", "clean"};
    const char *exts[] = {"xml", "out", "log"};
    char path[PATH_MAX + 32];
    size_t i, j;

    for (i = 0; i < 2; i++) {
        for (j = 0; j < 3; j++) {
            snprintf(path, sizeof path, "%s/%s.%s", st->tmpdir, names[i],
                     exts[j]);
            unlink(path);
        }
    }
    rmdir(st->tmpdir);
}

int
gs_selftest_main(int argc, char **argv, FILE *out, FILE *err)
{
    state_t st;
    int ret;
    const char *tmp = getenv("TMPDIR");

    memset(&st, 0, sizeof st);
    st.out = out;
    st.err = err;
    ret = parse_options(&st, argc, argv);
    if (ret >= 0) {
        return ret;
    }
    if (st.read_xml != NULL) {
        return read_xml_only(&st);
    }
    if (!find_script(&st)) {
        return GS_SELFTEST_CANNOT_RUN;
    }
    snprintf(st.tmpdir, sizeof st.tmpdir, "%s/pyref-selftest.XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    if (mkdtemp(st.tmpdir) == NULL) {
        fprintf(err, PROG ": cannot create a folder %s: %s\n", st.tmpdir,
                strerror(errno));
        return GS_SELFTEST_CANNOT_RUN;
    }
    ret = selftest(&st);
    gs_report_free(st.bugs.report);
    gs_report_free(st.clean.report);
    fflush(out);
    if (st.keep) {
        fprintf(out, PROG ": reports and logs kept in %s\n", st.tmpdir);
    }
    else {
        remove_tmpdir(&st);
    }
    return ret;
}
