# CTest's memcheck mode as a consumer of pyref (README, "Consumers that
# know only Memcheck"): `ctest -T memcheck' with MEMORYCHECK_COMMAND
# valgrind and MEMORYCHECK_COMMAND_OPTIONS `--tool=pyref
# --report-kinds=memcheck' counts all_kinds.py's four bugs as four
# defects, under the names it gives Memcheck's own reports (it files
# Memcheck's "Invalid read" under "Uninitialized Memory Read").  With
# pyref's own kinds, CTest sees none: that is why the option exists.
#
# SPDX-License-Identifier: GPL-2.0-or-later

# Usage: ctest_memcheck.sh PYTHON EXTDIR TOP_BUILDDIR (in a scratch folder; the case
# ctest_memcheck.vgtest runs it).  Prints one `ok:' or `FAILED:' line per
# check; CTest's own output goes to memcheck.ctest.log and pyref.ctest.log.
# Exit status 0 when every check held, 1 otherwise, 99 when cmake, ctest or
# xmllint is missing (bootstrap installs them).

set -u
python=$1 extdir=$2 top_builddir=$3
srcdir=$(cd "$(dirname "$0")" && pwd)
for tool in cmake ctest xmllint; do
    command -v $tool >/dev/null 2>&1 || {
        echo "ctest_memcheck: $tool not found (bootstrap installs it)"; exit 99; }
done

# run_ctest DIR KINDS: configure the project in DIR, run ctest -T memcheck.
run_ctest() {
    cmake -S "$srcdir/ctest" -B "$1" -DPYTHON="$python" \
          -DEXTDIR="$extdir" -DDRIVER="$srcdir/all_kinds.py" \
          -DMEMORYCHECK_COMMAND=/usr/bin/valgrind \
          "-DMEMORYCHECK_COMMAND_OPTIONS=--tool=pyref --report-kinds=$2" \
          > "$1.cmake.log" 2>&1 || { cat "$1.cmake.log"; exit 99; }
    (cd "$1" && VALGRIND_LIB=$top_builddir/vg-pyref/.in_place \
                ctest -T memcheck) > "$1.ctest.log" 2>&1
}

# defects DIR TYPE: the count CTest's DynamicAnalysis.xml gives TYPE.
defects() {
    xmllint --xpath "string(//Test/Results/Defect[@type='$2'])" \
            "$1"/Testing/*/DynamicAnalysis.xml 2>/dev/null
}

status=0
expect() {
    if [ "$2" = "$3" ]; then
        echo "ok: $1 = $3"
    else
        echo "FAILED: $1 is '$2', expected '$3'"; status=1
    fi
}

run_ctest memcheck memcheck
expect "memcheck kinds: defects of type FIM (invalid free)" \
       "$(defects memcheck FIM)" 1
expect "memcheck kinds: defects of type Mismatched deallocation" \
       "$(defects memcheck 'Mismatched deallocation')" 1
expect "memcheck kinds: defects of type IPW (invalid write)" \
       "$(defects memcheck IPW)" 1
expect "memcheck kinds: defects of type Uninitialized Memory Read (invalid read)" \
       "$(defects memcheck 'Uninitialized Memory Read')" 1
expect "memcheck kinds: ctest's summary" \
       "$(grep -c 'all_kinds .*Defects: 4$' memcheck.ctest.log)" 1

run_ctest pyref pyref
expect "pyref kinds: defects CTest sees" \
       "$(xmllint --xpath 'count(//Test/Results/Defect)' pyref/Testing/*/DynamicAnalysis.xml)" 0
exit $status
