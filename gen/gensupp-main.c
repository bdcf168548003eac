/* gensupp-main.c: main() of pyref-gensupp; the program is gs_main().
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "gensupp.h"

int
main(int argc, char **argv)
{
    return gs_main(argc, (const char **)argv, stderr);
}
