# tests/e2e/lib.sh: helpers for the end-to-end scripts (git's test-lib style).
# Source it first; it cds into a fresh scratch directory and sets
#   BIN   the build with the programs ($P2P_BIN, default build/)
#   TOP   the source tree, DATA = $TOP/tests/data, BAD = $TOP/tests/bad
# Each helper prints one TAP line. Call t_done at the end.
set -u
export LC_ALL=C.UTF-8 TZ=UTC
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${P2P_BIN:-$TOP/build}
DATA=$TOP/tests/data
BAD=$TOP/tests/bad
T_N=0
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/p2p-e2e.XXXXXX")
trap 'rm -rf "$T_DIR"' EXIT
cd "$T_DIR"
ingest()  { "$BIN/p2p-ingest" "$@"; }
analyse() { "$BIN/p2p-analyse" "$@"; }
report()  { "$BIN/p2p-report" "$@"; }

t_result() { # pass(0/1) description
    T_N=$((T_N + 1))
    if [ "$1" = 0 ]; then echo "ok $T_N - $2"; else echo "not ok $T_N - $2"; fi
}
# t_ok DESC CMD...: CMD exits 0
t_ok() { d=$1; shift; "$@" >t_out 2>t_err; rc=$?
    t_result $([ $rc = 0 ] && echo 0 || echo 1) "$d"
    [ $rc = 0 ] || { echo "#   exit $rc"; sed 's/^/#   /' t_err | head -20; }; }
# t_exit CODE DESC CMD...: CMD exits with CODE
t_exit() { c=$1; d=$2; shift 2; "$@" >t_out 2>t_err; rc=$?
    t_result $([ $rc = "$c" ] && echo 0 || echo 1) "$d"
    [ $rc = "$c" ] || { echo "#   exit $rc, expected $c"; sed 's/^/#   /' t_err | head -20; }; }
# t_cmp DESC EXPECTED_FILE ACTUAL_FILE
t_cmp() { if diff -u "$2" "$3" >t_diff 2>&1; then t_result 0 "$1"
    else t_result 1 "$1"; sed 's/^/#   /' t_diff | head -40; fi; }
# t_eq DESC EXPECTED ACTUAL (strings)
t_eq() { if [ "$2" = "$3" ]; then t_result 0 "$1"
    else t_result 1 "$1"; echo "#   expected: $2"; echo "#   got:      $3"; fi; }
# t_grep DESC PATTERN FILE: FILE has a line matching the fixed string
t_grep() { if grep -qF -- "$2" "$3"; then t_result 0 "$1"
    else t_result 1 "$1"; echo "#   no '$2' in $3:"; sed 's/^/#   /' "$3" | head -20; fi; }
# q SQL: one query on study.db, rows '|'-separated
q() { sqlite3 -batch -noheader "${DB:-study.db}" "$1"; }
t_done() { echo "1..$T_N"; }
