/* selftest-main.c: main() of pyref-selftest (the program is selftest.c)
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdio.h>

#include <libxml/parser.h>

#include "selftest.h"

int
main(int argc, char **argv)
{
    int ret;

    LIBXML_TEST_VERSION
    ret = gs_selftest_main(argc, argv, stdout, stderr);
    xmlCleanupParser();
    return ret;
}
