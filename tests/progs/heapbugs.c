/* heapbugs: C-heap bugs in a program that is not Python, one per command,
 * each with a correct twin: pyref checks the malloc family of any program.
 *
 *   heapbugs double_free | double_free_ok
 *   heapbugs overflow    | overflow_ok      (a 13-byte block, byte 13)
 *   heapbugs use_after_free | use_after_free_ok
 *   heapbugs memalign_overflow | memalign_overflow_ok
 *   heapbugs realloc_stale | realloc_stale_ok  (the old pointer after realloc)
 *   heapbugs interior_free | interior_free_ok
 *   heapbugs rmw_overflow | rmw_overflow_ok   (+= on a word past the end)
 *   heapbugs same_depth_chains | same_depth_chains_ok
 *                      (a block from one of two call chains that reach
 *                      malloc at the same depth, used after free)
 *   heapbugs all_ok            (every correct twin)
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _POSIX_C_SOURCE 200112L   /* posix_memalign */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bugs below are deliberate; gcc 12 sees some of them. */
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wuse-after-free"

/* Keep the compiler from proving the bugs away. */
static volatile int sink;

static void
double_free(int buggy)
{
    char *p = malloc(40);
    memset(p, 1, 40);
    free(p);
    if (buggy) {
        free(p);  // p was already freed: DoubleFree
    }
}

static void
overflow(int buggy)
{
    char *p = malloc(13);
    int n = buggy ? 14 : 13;
    for (int i = 0; i < n; i++) {
        p[i] = (char)i;  // p[13] is one past the end when buggy: HeapOverflow
    }
    free(p);
}

static void
use_after_free(int buggy)
{
    int *p = calloc(8, sizeof *p);
    if (!buggy) {
        sink = p[3];
    }
    free(p);
    if (buggy) {
        sink = p[3];  // p is a dangling pointer: UseAfterFree
    }
}

static void
memalign_overflow(int buggy)
{
    void *v = NULL;
    if (posix_memalign(&v, 64, 100) != 0) {
        return;
    }
    unsigned char *p = v;
    sink = p[buggy ? 100 : 99];  // p[100] is past the 100-byte block when buggy
    free(p);
}

static void
realloc_stale(int buggy)
{
    char *p = malloc(16);
    memset(p, 7, 16);
    char *q = realloc(p, 4000);
    sink = buggy ? p[0] : q[0];  // p may have moved: UseAfterFree when buggy
    free(q);
}

static void
rmw_overflow(int buggy)
{
    size_t n = buggy ? 12 : 16;
    char *p = malloc(n);
    memset(p, 0, n);
    unsigned long long *word = (unsigned long long *)(p + 8);
#if defined(__x86_64__)
    /* One read-modify-write instruction, as Py_INCREF is in 3.8-3.11:
       its load and store share one address in Valgrind's IR. */
    __asm__ volatile("addq $1, (%0)" : : "r"(word) : "memory");
#else
    *word += 1;
#endif
    // bytes 12..15 are past a 12-byte block when buggy: the load is a
    // partial load, the store is an overflow
    free(p);
}

static void
interior_free(int buggy)
{
    char *p = malloc(64);
    free(buggy ? p + 16 : p);  // p + 16 starts no block: InvalidFree
    if (buggy) {
        free(p);
    }
}

/* Two call chains that reach malloc with the same IP, stack pointer and
   frame pointer, for pyref's cache of stack traces (pr_stacks.c): only
   a return address on the stack tells them apart.  The block that came
   through the second chain must say through_second in "Allocated at",
   although the first chain was unwound there just before. */
static char *__attribute__((noinline))
make_block(void)
{
    return malloc(24);
}

static char *__attribute__((noinline))
through_first(void)
{
    char *p = make_block();
    sink = 1;
    return p;
}

static char *__attribute__((noinline))
through_second(void)
{
    char *p = make_block();
    sink = 2;
    return p;
}

static void
same_depth_chains(int buggy)
{
    for (int i = 0; i < 3; i++) {
        free(through_first());
    }
    char *p = through_second();
    p[0] = 5;
    free(p);
    if (buggy) {
        sink = p[0];  // p is freed: UseAfterFree of the block through_second made
    }
}

static const struct {
    const char *name;
    void (*fn)(int buggy);
} commands[] = {
    {"double_free", double_free},
    {"overflow", overflow},
    {"use_after_free", use_after_free},
    {"memalign_overflow", memalign_overflow},
    {"realloc_stale", realloc_stale},
    {"interior_free", interior_free},
    {"rmw_overflow", rmw_overflow},
    {"same_depth_chains", same_depth_chains},
};

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: heapbugs COMMAND[_ok] | all_ok\n");
        return 2;
    }
    if (strcmp(argv[1], "all_ok") == 0) {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
            commands[i].fn(0);
        }
        printf("all_ok done\n");
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        size_t len = strlen(commands[i].name);
        if (strncmp(argv[1], commands[i].name, len) != 0) {
            continue;
        }
        if (argv[1][len] == '\0') {
            commands[i].fn(1);
        }
        else if (strcmp(argv[1] + len, "_ok") == 0) {
            commands[i].fn(0);
        }
        else {
            continue;
        }
        printf("%s done\n", argv[1]);
        return 0;
    }
    fprintf(stderr, "heapbugs: unknown command %s\n", argv[1]);
    return 2;
}
