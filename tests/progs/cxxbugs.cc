/* cxxbugs: C++ heap bugs (operator new / new[] / delete / delete[]) in a
 * program that is not Python, one per command, each with a correct twin:
 * pyref replaces the C++ allocation operators as it replaces malloc.
 *
 *   cxxbugs delete_array | delete_array_ok    (delete of new[] memory)
 *   cxxbugs free_new | free_new_ok            (free() of new'd memory)
 *   cxxbugs double_delete | double_delete_ok
 *   cxxbugs use_after_delete | use_after_delete_ok
 *   cxxbugs array_overflow | array_overflow_ok  (an int[5], element 5)
 *   cxxbugs all_ok             (every correct twin)
 *
 * The bug functions keep C++ linkage: pyref's frames show them demangled,
 * e.g. `double_delete(bool) (cxxbugs.cc:...)', which the expected output of
 * tests/heap/cxx_*.vgtest relies on.  The blocks hold only trivially
 * destructible types, so new[] puts no array cookie before the first
 * element and every pointer handed to delete/free is a block's start.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <cstdio>
#include <cstdlib>
#include <cstring>

/* The bugs below are deliberate; g++ 12 sees some of them. */
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#pragma GCC diagnostic ignored "-Wuse-after-free"
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"

/* Keep the compiler from proving the bugs away. */
static volatile int sink;

struct Point {
    int x, y, z;
};

static void
delete_array(bool buggy)
{
    int *a = new int[10];
    a[0] = 1;
    if (buggy) {
        delete a;  // a came from new[]: MismatchedFree
    }
    else {
        delete[] a;
    }
}

static void
free_new(bool buggy)
{
    Point *p = new Point();
    p->x = 1;
    if (buggy) {
        free(p);  // p came from new: MismatchedFree
    }
    else {
        delete p;
    }
}

static void
double_delete(bool buggy)
{
    Point *p = new Point();
    p->y = 2;
    delete p;
    if (buggy) {
        delete p;  // p was already deleted: DoubleFree
    }
}

static void
use_after_delete(bool buggy)
{
    Point *p = new Point();
    p->z = 3;
    if (!buggy) {
        sink = p->z;
    }
    delete p;
    if (buggy) {
        sink = p->z;  // p is a dangling pointer: UseAfterFree
    }
}

static void
array_overflow(bool buggy)
{
    int *a = new int[5];
    int n = buggy ? 6 : 5;
    for (int i = 0; i < n; i++) {
        a[i] = i;  // a[5] is one past the end when buggy: HeapOverflow
    }
    delete[] a;
}

static const struct {
    const char *name;
    void (*fn)(bool buggy);
} commands[] = {
    {"delete_array", delete_array},
    {"free_new", free_new},
    {"double_delete", double_delete},
    {"use_after_delete", use_after_delete},
    {"array_overflow", array_overflow},
};

int
main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: cxxbugs COMMAND[_ok] | all_ok\n");
        return 2;
    }
    if (std::strcmp(argv[1], "all_ok") == 0) {
        for (const auto &c : commands) {
            c.fn(false);
        }
        std::printf("all_ok done\n");
        return 0;
    }
    for (const auto &c : commands) {
        size_t len = std::strlen(c.name);
        if (std::strncmp(argv[1], c.name, len) != 0) {
            continue;
        }
        if (argv[1][len] == '\0') {
            c.fn(true);
        }
        else if (std::strcmp(argv[1] + len, "_ok") == 0) {
            c.fn(false);
        }
        else {
            continue;
        }
        std::printf("%s done\n", argv[1]);
        return 0;
    }
    std::fprintf(stderr, "cxxbugs: unknown command %s\n", argv[1]);
    return 2;
}
