/* forpython.c: pyref-gensupp for-python, a baseline file for one CPython.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * for-python PYTHON learns what the interpreter is, runs it under the tool
 * doing nothing wrong, and hands the reports to gs_from_xml():
 *
 *  1. Inspect.  The interpreter prints its version, whether it is a debug
 *     build (Py_DEBUG), free-threaded (Py_GIL_DISABLED), built with
 *     pymalloc and --with-valgrind, and where the stdlib is; this file
 *     reads the executable's ELF headers for the rest: libpython linked
 *     in (static) or a DT_NEEDED library (shared; sysconfig cannot tell,
 *     Debian's python3.11 says Py_ENABLE_SHARED=1 and links it
 *     statically), and whether a .symtab is left (stripped or not).  The
 *     variant in the file name is
 *         <release|debug>[-ft]-<shared|static>[-stripped]
 *     where -stripped means that Valgrind finds no symbols for the code:
 *     no .symtab and no debug file (found by build id in /usr/lib/debug).
 *     Debian's python3.11 gets cpython-3.11-release-static-pyref.supp with
 *     python3.11-dbg installed and cpython-3.11-release-static-stripped-
 *     pyref.supp without (frames there are obj: lines); pyenv's 3.12 gets
 *     cpython-3.12-release-shared-pyref.supp.
 *  2. Baseline.  Under valgrind --tool=TOOL --xml=yes
 *     --gen-suppressions=all (Memcheck also --leak-check=full): start-up
 *     (-c pass), importing the stdlib (--imports: every module of
 *     sys.stdlib_module_names, or of the stdlib folder before 3.10, but
 *     those that open windows or print; each import may fail), and
 *     CPython's own test modules (--tests, through unittest; those the
 *     interpreter does not have are left out).  Memcheck runs each twice,
 *     PYTHONMALLOC=malloc and the interpreter's default allocator, which
 *     Memcheck sees differently; Pyref follows both allocators itself.
 *     Each run's output goes to a .log next to its .xml.
 *  3. The file: gs_from_xml() over the reports, to
 *     --output-dir/cpython-X.Y-<variant>-<tool>.supp (or -o FILE), with
 *     the interpreter's facts in the header (its version and build; the
 *     interpreter itself by its file name, as in the command and the
 *     runs' lines: where this machine keeps it does not go into the
 *     file).
 */

#include "gensupp.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What the interpreter says about itself: one "key=value" a line. */
static const char probe_script[] =
"import os, sys, sysconfig\n"
"v = sysconfig.get_config_var\n"
"def p(k, x): sys.stdout.write('%s=%s\\n' % (k, x))\n"
"p('version', '%d.%d.%d' % sys.version_info[:3])\n"
"p('xy', '%d.%d' % sys.version_info[:2])\n"
"p('executable', os.path.realpath(sys.executable))\n"
"p('debug', int(bool(v('Py_DEBUG')) or hasattr(sys, 'gettotalrefcount')))\n"
"p('ft', int(bool(v('Py_GIL_DISABLED'))))\n"
"p('pymalloc', int(bool(v('WITH_PYMALLOC'))))\n"
"p('with_valgrind', int('--with-valgrind' in (v('CONFIG_ARGS') or '')))\n"
"p('ldlibrary', v('LDLIBRARY') or '')\n"
"p('libdir', v('LIBDIR') or '')\n"
"p('cc', (v('CC') or '').split(' ')[0])\n";

/* Imports every module named on stdin's first line, or the stdlib. */
static const char import_script[] =
"import sys, os, importlib, sysconfig, pkgutil\n"
"skip = {'antigravity', 'this', '__hello__', '__phello__', '__main__',\n"
"        'idlelib', 'tkinter', 'turtle', 'turtledemo', 'test', 'lib2to3',\n"
"        'xxlimited', 'xxlimited_35', 'xxsubtype', '_xxtestfuzz'}\n"
"want = sys.argv[1]\n"
"if want == 'all':\n"
"    names = getattr(sys, 'stdlib_module_names', None)\n"
"    if names is None:\n"
"        d = sysconfig.get_paths()['stdlib']\n"
"        names = set(m.name for m in pkgutil.iter_modules(\n"
"            [d, os.path.join(d, 'lib-dynload')]))\n"
"        names |= set(sys.builtin_module_names)\n"
"    names = sorted(n for n in names if n not in skip)\n"
"else:\n"
"    names = [n for n in want.split(',') if n]\n"
"ok = 0\n"
"for n in names:\n"
"    try:\n"
"        importlib.import_module(n)\n"
"        ok += 1\n"
"    except BaseException:\n"
"        pass\n"
"print('imported %d of %d modules' % (ok, len(names)))\n";

/* Which of the test modules the interpreter has. */
static const char tests_script[] =
"import sys, importlib.util\n"
"for t in sys.argv[1].split(','):\n"
"    try:\n"
"        ok = t and importlib.util.find_spec('test.' + t) is not None\n"
"    except Exception:\n"
"        ok = False\n"
"    if ok:\n"
"        print(t)\n";

typedef struct {
    char *version;              /* 3.12.1 */
    char *xy;                   /* 3.12 */
    char *executable;
    int debug, ft, pymalloc, with_valgrind;
    char *ldlibrary;
    char *libdir;
    char *cc;
    int shared;                 /* libpython is a DT_NEEDED library */
    char *libpython;            /* its name, when shared */
    int stripped;               /* no .symtab in the code that runs */
    char *debug_file;           /* its symbols elsewhere, or NULL */
    char *code_glob;            /* "*\/" and the name of the file that
                                   holds the code (executable or libpython) */
} pyinfo_t;

static void
free_pyinfo(pyinfo_t *pi)
{
    free(pi->version);
    free(pi->xy);
    free(pi->executable);
    free(pi->ldlibrary);
    free(pi->libdir);
    free(pi->cc);
    free(pi->libpython);
    free(pi->debug_file);
    free(pi->code_glob);
}

#define say gs_say

/* --- Running programs ---------------------------------------------------- */

/* Run argv with stdin from /dev/null, stdout to @out_fd (or a pipe read
   into *captured when @out_fd < 0), stderr to @err_fd (-1: keep ours);
   PYTHONMALLOC set to @pymalloc, or removed when it is "". Returns the
   exit status (0-255), 128+signal, -1 when it cannot run, -2 on
   timeout. */
static int
run(const gs_state_t *st, char *const *argv, int out_fd, int err_fd,
    const char *pymalloc, char **captured)
{
    int pipefd[2] = {-1, -1};
    pid_t pid;
    int status;
    time_t start = time(NULL);
    char *buf = NULL;
    size_t len = 0;

    if (out_fd < 0 && pipe(pipefd) < 0) {
        return -1;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        if (pipefd[0] >= 0) {
            close(pipefd[0]);
            close(pipefd[1]);
        }
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        if (null >= 0) {
            dup2(null, 0);
            close(null);
        }
        if (out_fd >= 0) {
            dup2(out_fd, 1);
        }
        else {
            dup2(pipefd[1], 1);
            close(pipefd[0]);
            close(pipefd[1]);
        }
        if (err_fd >= 0) {
            dup2(err_fd, 2);
        }
        if (pymalloc != NULL) {
            if (pymalloc[0] == '\0') {
                unsetenv("PYTHONMALLOC");
            }
            else {
                setenv("PYTHONMALLOC", pymalloc, 1);
            }
        }
        execvp(argv[0], argv);
        fprintf(stderr, "%s: cannot run %s: %s\n", st->progname, argv[0],
                strerror(errno));
        _exit(127);
    }
    if (out_fd < 0) {
        char chunk[4096];
        ssize_t got;

        close(pipefd[1]);
        while ((got = read(pipefd[0], chunk, sizeof(chunk))) > 0) {
            char *p = realloc(buf, len + (size_t)got + 1);

            if (p == NULL) {
                break;
            }
            buf = p;
            memcpy(buf + len, chunk, (size_t)got);
            len += (size_t)got;
            buf[len] = '\0';
        }
        close(pipefd[0]);
        *captured = buf;
    }
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        struct timespec ts = {0, 200000000};

        if (r == pid) {
            break;
        }
        if (r < 0 && errno != EINTR) {
            return -1;
        }
        if (time(NULL) - start > st->timeout) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -2;
        }
        nanosleep(&ts, NULL);
    }
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* --- Inspecting the interpreter ------------------------------------------ */

static char *
field(const char *text, const char *key)
{
    size_t n = strlen(key);
    const char *p = text;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, key, n) == 0 && p[n] == '=') {
            size_t m = strcspn(p + n + 1, "\n");
            char *v = malloc(m + 1);

            if (v != NULL) {
                memcpy(v, p + n + 1, m);
                v[m] = '\0';
            }
            return v;
        }
        p = strchr(p, '\n');
        if (p != NULL) {
            p++;
        }
    }
    return NULL;
}

/* Reads the notes of one SHT_NOTE section for the GNU build id, as hex
   into @hex (empty if none). */
static void
read_build_id(FILE *fp, unsigned long long off, unsigned long long size,
              char hex[129])
{
    while (size >= 12) {
        unsigned int h[3];
        unsigned long long namesz, descsz, skip;
        unsigned char desc[64];
        char name[4];
        size_t i;

        if (fseek(fp, (long)off, SEEK_SET) != 0
            || fread(h, 4, 3, fp) != 3) {
            return;
        }
        namesz = h[0];
        descsz = h[1];
        skip = 12 + ((namesz + 3) & ~3ULL) + ((descsz + 3) & ~3ULL);
        if (skip > size) {
            return;
        }
        if (h[2] == NT_GNU_BUILD_ID && namesz == 4 && descsz > 0
            && descsz <= sizeof(desc)
            && fread(name, 1, 4, fp) == 4 && memcmp(name, "GNU", 4) == 0
            && fread(desc, 1, descsz, fp) == descsz) {
            for (i = 0; i < descsz; i++) {
                sprintf(hex + 2 * i, "%02x", desc[i]);
            }
            return;
        }
        off += skip;
        size -= skip;
    }
}

/* Reads the ELF file @path: does it have a .symtab, its build id (hex,
   empty if none), and which DT_NEEDED names a libpython (copied to
   *libpython)?  Returns -1 if it is not an ELF file this can read. */
static int
read_elf(const char *path, int *has_symtab, char build_id[129],
         char **libpython)
{
    FILE *fp = fopen(path, "rb");
    unsigned char ident[EI_NIDENT];
    int is64, rc = -1;
    unsigned long long shoff, i, shnum, shentsize;

    *has_symtab = 0;
    *libpython = NULL;
    build_id[0] = '\0';
    if (fp == NULL) {
        return -1;
    }
    if (fread(ident, 1, EI_NIDENT, fp) != EI_NIDENT
        || memcmp(ident, ELFMAG, SELFMAG) != 0
        || ident[EI_DATA] != ELFDATA2LSB
        || (ident[EI_CLASS] != ELFCLASS64 && ident[EI_CLASS] != ELFCLASS32)) {
        goto done;
    }
    is64 = ident[EI_CLASS] == ELFCLASS64;
    rewind(fp);
    if (is64) {
        Elf64_Ehdr eh;

        if (fread(&eh, sizeof(eh), 1, fp) != 1) {
            goto done;
        }
        shoff = eh.e_shoff;
        shnum = eh.e_shnum;
        shentsize = eh.e_shentsize;
        if (shentsize != sizeof(Elf64_Shdr)) {
            goto done;
        }
    }
    else {
        Elf32_Ehdr eh;

        if (fread(&eh, sizeof(eh), 1, fp) != 1) {
            goto done;
        }
        shoff = eh.e_shoff;
        shnum = eh.e_shnum;
        shentsize = eh.e_shentsize;
        if (shentsize != sizeof(Elf32_Shdr)) {
            goto done;
        }
    }
    if (shnum > 65535) {
        goto done;
    }
    for (i = 0; i < shnum; i++) {
        unsigned long long type, off, size, link, entsize;
        unsigned long long str_off = 0, str_size = 0;

        if (fseek(fp, (long)(shoff + i * shentsize), SEEK_SET) != 0) {
            goto done;
        }
        if (is64) {
            Elf64_Shdr sh;

            if (fread(&sh, sizeof(sh), 1, fp) != 1) {
                goto done;
            }
            type = sh.sh_type;
            off = sh.sh_offset;
            size = sh.sh_size;
            link = sh.sh_link;
            entsize = sizeof(Elf64_Dyn);
        }
        else {
            Elf32_Shdr sh;

            if (fread(&sh, sizeof(sh), 1, fp) != 1) {
                goto done;
            }
            type = sh.sh_type;
            off = sh.sh_offset;
            size = sh.sh_size;
            link = sh.sh_link;
            entsize = sizeof(Elf32_Dyn);
        }
        if (type == SHT_SYMTAB) {
            *has_symtab = 1;
        }
        if (type == SHT_NOTE && build_id[0] == '\0') {
            read_build_id(fp, off, size, build_id);
        }
        if (type != SHT_DYNAMIC || link >= shnum) {
            continue;
        }
        /* The string table the dynamic section points to. */
        if (fseek(fp, (long)(shoff + link * shentsize), SEEK_SET) != 0) {
            goto done;
        }
        if (is64) {
            Elf64_Shdr sh;

            if (fread(&sh, sizeof(sh), 1, fp) != 1) {
                goto done;
            }
            str_off = sh.sh_offset;
            str_size = sh.sh_size;
        }
        else {
            Elf32_Shdr sh;

            if (fread(&sh, sizeof(sh), 1, fp) != 1) {
                goto done;
            }
            str_off = sh.sh_offset;
            str_size = sh.sh_size;
        }
        for (; size >= entsize; off += entsize, size -= entsize) {
            unsigned long long tag, val;
            char name[256];
            size_t got;

            if (fseek(fp, (long)off, SEEK_SET) != 0) {
                goto done;
            }
            if (is64) {
                Elf64_Dyn d;

                if (fread(&d, sizeof(d), 1, fp) != 1) {
                    goto done;
                }
                tag = (unsigned long long)d.d_tag;
                val = d.d_un.d_val;
            }
            else {
                Elf32_Dyn d;

                if (fread(&d, sizeof(d), 1, fp) != 1) {
                    goto done;
                }
                tag = (unsigned long long)d.d_tag;
                val = d.d_un.d_val;
            }
            if (tag == DT_NULL) {
                break;
            }
            if (tag != DT_NEEDED || val >= str_size) {
                continue;
            }
            if (fseek(fp, (long)(str_off + val), SEEK_SET) != 0) {
                goto done;
            }
            got = fread(name, 1, sizeof(name) - 1, fp);
            name[got] = '\0';
            if (strncmp(name, "libpython", 9) == 0 && *libpython == NULL) {
                *libpython = malloc(strlen(name) + 1);
                if (*libpython != NULL) {
                    strcpy(*libpython, name);
                }
            }
        }
    }
    rc = 0;

  done:
    fclose(fp);
    return rc;
}

static int
inspect(gs_state_t *st, pyinfo_t *pi)
{
    char *argv[5], *out = NULL, *s, *lib = NULL, build_id[129];
    int r, symtab;

    argv[0] = (char *)st->python;
    argv[1] = "-s";
    argv[2] = "-c";
    argv[3] = (char *)probe_script;
    argv[4] = NULL;
    r = run(st, argv, -1, -1, NULL, &out);
    if (r != 0 || out == NULL) {
        say(st, "%s: cannot inspect the interpreter (exit status %d)",
            st->python, r);
        free(out);
        return GS_EXIT_RUN;
    }
    pi->version = field(out, "version");
    pi->xy = field(out, "xy");
    pi->executable = field(out, "executable");
    pi->ldlibrary = field(out, "ldlibrary");
    pi->libdir = field(out, "libdir");
    pi->cc = field(out, "cc");
    s = field(out, "debug");
    pi->debug = s != NULL && s[0] == '1';
    free(s);
    s = field(out, "ft");
    pi->ft = s != NULL && s[0] == '1';
    free(s);
    s = field(out, "pymalloc");
    pi->pymalloc = s != NULL && s[0] == '1';
    free(s);
    s = field(out, "with_valgrind");
    pi->with_valgrind = s != NULL && s[0] == '1';
    free(s);
    free(out);
    if (pi->version == NULL || pi->xy == NULL || pi->executable == NULL) {
        say(st, "%s: the interpreter did not say what it is", st->python);
        return GS_EXIT_RUN;
    }
    if (read_elf(pi->executable, &symtab, build_id, &pi->libpython) < 0) {
        say(st, "%s: not an ELF executable this can read", pi->executable);
        return GS_EXIT_RUN;
    }
    pi->shared = pi->libpython != NULL;
    if (pi->shared && pi->libdir != NULL) {
        /* The code that runs is in libpython. */
        char *dummy = NULL;

        lib = malloc(strlen(pi->libdir) + strlen(pi->libpython) + 2);
        if (lib == NULL) {
            return GS_EXIT_MEM;
        }
        sprintf(lib, "%s/%s", pi->libdir, pi->libpython);
        read_elf(lib, &symtab, build_id, &dummy);
        free(dummy);
    }
    pi->stripped = !symtab;
    {
        const char *base = gs_base_name(lib != NULL ? lib
                                                    : pi->executable);

        pi->code_glob = malloc(strlen(base) + 3);
        if (pi->code_glob == NULL) {
            free(lib);
            return GS_EXIT_MEM;
        }
        sprintf(pi->code_glob, "*/%s", base);
    }
    /* Valgrind finds the symbols of a stripped file in
       /usr/lib/debug/.build-id/ (Debian's python3.X-dbg, -dbgsym). */
    if (pi->stripped && build_id[0] != '\0') {
        char *dbg = malloc(strlen(build_id) + 40);

        if (dbg == NULL) {
            free(lib);
            return GS_EXIT_MEM;
        }
        sprintf(dbg, "/usr/lib/debug/.build-id/%.2s/%s.debug", build_id,
                build_id + 2);
        if (access(dbg, R_OK) == 0) {
            pi->debug_file = dbg;
        }
        else {
            free(dbg);
        }
    }
    free(lib);
    return GS_EXIT_OK;
}

/* --- The runs ------------------------------------------------------------ */

typedef struct {
    char label[32];
    char *xml;                  /* malloc'ed path */
    const char *pymalloc;       /* NULL: as inherited; "": unset */
    char *args[16];             /* the interpreter's arguments */
} run_t;

/* Make a folder for the reports: --keep-xml DIR, or a fresh one under
   $TMPDIR. */
static char *
work_dir(const gs_state_t *st, int *temporary)
{
    const char *tmp = getenv("TMPDIR");
    char *d;

    if (st->keep_xml != NULL) {
        *temporary = 0;
        if (mkdir(st->keep_xml, 0777) < 0 && errno != EEXIST) {
            say(st, "%s: cannot make the folder: %s", st->keep_xml,
                strerror(errno));
            return NULL;
        }
        d = malloc(strlen(st->keep_xml) + 1);
        if (d != NULL) {
            strcpy(d, st->keep_xml);
        }
        return d;
    }
    *temporary = 1;
    if (tmp == NULL || tmp[0] == '\0') {
        tmp = "/tmp";
    }
    d = malloc(strlen(tmp) + 32);
    if (d == NULL) {
        return NULL;
    }
    sprintf(d, "%s/pyref-gensupp.XXXXXX", tmp);
    if (mkdtemp(d) == NULL) {
        say(st, "%s: cannot make a folder: %s", d, strerror(errno));
        free(d);
        return NULL;
    }
    return d;
}

static int
one_run(gs_state_t *st, const char *dir, run_t *r)
{
    const char **argv;
    size_t n = 0, i;
    char *xmlopt, *logpath;
    int logfd, status;

    argv = calloc(16 + st->n_vgopts, sizeof(char *));
    xmlopt = malloc(strlen(r->xml) + 16);
    logpath = malloc(strlen(dir) + strlen(r->label) + 8);
    if (argv == NULL || xmlopt == NULL || logpath == NULL) {
        free((void *)argv);
        free(xmlopt);
        free(logpath);
        return GS_EXIT_MEM;
    }
    sprintf(xmlopt, "--xml-file=%s", r->xml);
    sprintf(logpath, "%s/%s.log", dir, r->label);
    argv[n++] = st->valgrind;
    argv[n++] = strcmp(st->tool, "memcheck") == 0 ? "--tool=memcheck"
                                                  : "--tool=pyref";
    argv[n++] = "--xml=yes";
    argv[n++] = xmlopt;
    argv[n++] = "--gen-suppressions=all";
    if (strcmp(st->tool, "memcheck") == 0) {
        argv[n++] = "--leak-check=full";
    }
    for (i = 0; i < st->n_vgopts; i++) {
        argv[n++] = st->vgopts[i];
    }
    argv[n++] = st->python;
    for (i = 0; r->args[i] != NULL; i++) {
        argv[n++] = r->args[i];
    }
    argv[n] = NULL;

    logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (logfd < 0) {
        say(st, "%s: cannot write: %s", logpath, strerror(errno));
        free((void *)argv);
        free(xmlopt);
        free(logpath);
        return GS_EXIT_OUTPUT;
    }
    if (!st->quiet) {
        say(st, "run %s%s%s (log: %s)", r->label,
            r->pymalloc == NULL ? "" : ", PYTHONMALLOC=",
            r->pymalloc == NULL ? "" : r->pymalloc[0] ? r->pymalloc
                                                        : "(default)",
            logpath);
    }
    status = run(st, (char *const *)argv, logfd, logfd, r->pymalloc, NULL);
    close(logfd);
    free((void *)argv);
    free(xmlopt);
    if (status == -1 || status == 127) {
        say(st, "cannot run %s (see %s)", st->valgrind, logpath);
        free(logpath);
        return GS_EXIT_RUN;
    }
    if (status == -2) {
        say(st, "run %s: stopped after %ld seconds (--timeout)", r->label,
            st->timeout);
        free(logpath);
        return GS_EXIT_RUN;
    }
    if (status != 0 && !st->quiet) {
        say(st, "note: run %s: exit status %d (see %s)", r->label, status,
            logpath);
    }
    free(logpath);
    return GS_EXIT_OK;
}

/* Which of the --tests the interpreter has, as a list of test.NAME. */
static int
find_tests(gs_state_t *st, char ***names, size_t *n)
{
    char *argv[6], *out = NULL, *p;
    int r;

    *names = NULL;
    *n = 0;
    if (strcmp(st->tests, "none") == 0 || st->tests[0] == '\0') {
        return GS_EXIT_OK;
    }
    argv[0] = (char *)st->python;
    argv[1] = "-s";
    argv[2] = "-c";
    argv[3] = (char *)tests_script;
    argv[4] = (char *)st->tests;
    argv[5] = NULL;
    r = run(st, argv, -1, -1, NULL, &out);
    if (r != 0) {
        free(out);
        say(st, "%s: cannot look for test modules (exit status %d)",
            st->python, r);
        return GS_EXIT_RUN;
    }
    for (p = out; p != NULL && *p != '\0';) {
        size_t m = strcspn(p, "\n");

        if (m > 0 && gs_state_note(st, names, n, "test.%.*s", (int)m, p)
            < 0) {
            free(out);
            return GS_EXIT_MEM;
        }
        p += m + (p[m] == '\n');
    }
    free(out);
    if (*n == 0 && !st->quiet) {
        say(st, "note: %s has none of the test modules %s (Debian: install "
            "libpython%s-testsuite)", st->python, st->tests, "3.X");
    }
    return GS_EXIT_OK;
}

static void
remove_tree(const char *dir, run_t *runs, size_t n)
{
    size_t i;
    char *p;

    for (i = 0; i < n; i++) {
        remove(runs[i].xml);
        p = malloc(strlen(dir) + strlen(runs[i].label) + 8);
        if (p != NULL) {
            sprintf(p, "%s/%s.log", dir, runs[i].label);
            remove(p);
            free(p);
        }
    }
    rmdir(dir);
}

/**
 * gs_for_python:
 * @st: the state, st->python set
 *
 * The for-python command (this file's comment).
 *
 * Returns: a gs_exit_t.
 */
int
gs_for_python(gs_state_t *st)
{
    pyinfo_t pi;
    run_t runs[16];
    size_t n_runs = 0, i, k, n_tests = 0;
    char **tests = NULL, *dir = NULL, *out = NULL, variant[64];
    const char *xmls[16];
    const char *modes[2];
    size_t n_modes;
    int rc, temporary = 0;

    memset(&pi, 0, sizeof(pi));
    memset(runs, 0, sizeof(runs));
    if ((rc = inspect(st, &pi)) != GS_EXIT_OK) {
        goto done;
    }
    snprintf(variant, sizeof(variant), "%s%s-%s%s",
             pi.debug ? "debug" : "release", pi.ft ? "-ft" : "",
             pi.shared ? "shared" : "static",
             pi.stripped && pi.debug_file == NULL ? "-stripped" : "");
    if (gs_state_note(st, &st->python_info, &st->n_python_info,
                      "Python:   %s (%s), %s build%s, %s libpython%s%s%s, "
                      "%s", pi.version, gs_base_name(pi.executable),
                      pi.debug ? "debug" : "release",
                      pi.ft ? ", free-threaded" : "",
                      pi.shared ? "shared" : "static",
                      pi.shared ? " (" : "",
                      pi.shared ? pi.libpython : "", pi.shared ? ")" : "",
                      !pi.stripped ? "not stripped"
                      : pi.debug_file == NULL ? "stripped"
                      : "stripped, symbols from the debug file") < 0
        || gs_state_note(st, &st->python_info, &st->n_python_info,
                         "Build:    %s%s, compiler %s; file variant %s%s%s",
                         pi.pymalloc ? "pymalloc" : "no pymalloc",
                         pi.with_valgrind ? ", --with-valgrind" : "",
                         pi.cc != NULL && pi.cc[0] ? pi.cc : "unknown",
                         variant, pi.debug_file != NULL ? "; debug file " : "",
                         pi.debug_file != NULL ? pi.debug_file : "") < 0) {
        rc = GS_EXIT_MEM;
        goto done;
    }
    /* Valgrind names the functions of a stripped interpreter here only
       because its debug file is installed: the entries name them, and do
       not match where that file is missing (the variant says which case a
       file is for).  --obj-only writes them as obj: lines instead, which
       match in both cases but say much less. */
    if (pi.stripped && pi.debug_file != NULL && st->n_obj_only == 0
        && (gs_state_note(st, &st->python_info, &st->n_python_info,
                          "Frames:   named through the debug file of the "
                          "stripped %s;", pi.code_glob) < 0
            || gs_state_note(st, &st->python_info, &st->n_python_info,
                             "          without it, use a %s-stripped file",
                             variant) < 0)) {
        rc = GS_EXIT_MEM;
        goto done;
    }
    if ((rc = find_tests(st, &tests, &n_tests)) != GS_EXIT_OK) {
        goto done;
    }
    if ((dir = work_dir(st, &temporary)) == NULL) {
        rc = GS_EXIT_OUTPUT;
        goto done;
    }

    /* The runs: each baseline once per allocator mode. */
    if (strcmp(st->tool, "memcheck") == 0) {
        modes[0] = "malloc";
        modes[1] = "";
        n_modes = 2;
    }
    else {
        modes[0] = NULL;
        n_modes = 1;
    }
    for (k = 0; k < n_modes; k++) {
        const char *m = modes[k] == NULL ? "" : modes[k][0] ? "-malloc"
                                                              : "-default";
        run_t *r;

        r = &runs[n_runs++];
        snprintf(r->label, sizeof(r->label), "startup%s", m);
        r->pymalloc = modes[k];
        r->args[0] = "-s";
        r->args[1] = "-c";
        r->args[2] = "pass";
        if (strcmp(st->imports, "none") != 0) {
            r = &runs[n_runs++];
            snprintf(r->label, sizeof(r->label), "imports%s", m);
            r->pymalloc = modes[k];
            r->args[0] = "-s";
            r->args[1] = "-c";
            r->args[2] = (char *)import_script;
            r->args[3] = (char *)st->imports;
        }
        if (n_tests > 0) {
            r = &runs[n_runs++];
            snprintf(r->label, sizeof(r->label), "tests%s", m);
            r->pymalloc = modes[k];
            r->args[0] = "-s";
            r->args[1] = "-m";
            r->args[2] = "unittest";
            r->args[3] = "-q";
            for (i = 0; i < n_tests && i < 10; i++) {
                r->args[4 + i] = tests[i];
            }
            if (n_tests > 10) {
                say(st, "note: only the first 10 test modules are run");
            }
        }
    }
    for (i = 0; i < n_runs; i++) {
        runs[i].xml = malloc(strlen(dir) + strlen(runs[i].label) + 8);
        if (runs[i].xml == NULL) {
            rc = GS_EXIT_MEM;
            goto done;
        }
        sprintf(runs[i].xml, "%s/%s.xml", dir, runs[i].label);
        xmls[i] = runs[i].xml;
        if ((rc = one_run(st, dir, &runs[i])) != GS_EXIT_OK) {
            goto done;
        }
    }
    if (gs_state_note(st, &st->python_info, &st->n_python_info,
                      "Baseline: %s%s%s%s%s; %s", "start-up",
                      strcmp(st->imports, "none") != 0 ? ", imports " : "",
                      strcmp(st->imports, "none") != 0 ? st->imports : "",
                      n_tests > 0 ? ", tests " : "",
                      n_tests > 0 ? st->tests : "",
                      n_modes == 2 ? "PYTHONMALLOC=malloc and default"
                                   : "default allocator") < 0) {
        rc = GS_EXIT_MEM;
        goto done;
    }

    if (st->output == NULL && mkdir(st->outdir, 0777) < 0
        && errno != EEXIST) {
        say(st, "%s: cannot make the folder: %s", st->outdir,
            strerror(errno));
        rc = GS_EXIT_OUTPUT;
        goto done;
    }
    if (st->output == NULL) {
        out = malloc(strlen(st->outdir) + strlen(pi.xy) + strlen(variant)
                     + strlen(st->tool) + 32);
        if (out == NULL) {
            rc = GS_EXIT_MEM;
            goto done;
        }
        sprintf(out, "%s/cpython-%s-%s-%s.supp", st->outdir, pi.xy, variant,
                st->tool);
        st->output = out;
    }
    st->display_basenames = 1;
    rc = gs_from_xml(st, xmls, n_runs);

  done:
    if (temporary && dir != NULL && rc == GS_EXIT_OK) {
        remove_tree(dir, runs, n_runs);
    }
    else if (dir != NULL && rc != GS_EXIT_OK) {
        say(st, "the runs' reports and logs are in %s", dir);
    }
    for (i = 0; i < n_runs; i++) {
        free(runs[i].xml);
    }
    for (i = 0; i < n_tests; i++) {
        free(tests[i]);
    }
    free(tests);
    free(dir);
    if (out != NULL && st->output == out) {
        st->output = NULL;
    }
    free(out);
    free_pyinfo(&pi);
    return rc;
}
