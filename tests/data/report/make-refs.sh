#!/bin/sh
# make-refs.sh BUILD: redraw the reference charts of t3003 (fonts and date
# pinned as the test pins them). Look at them before committing.
set -eu
export LC_ALL=C.UTF-8 TZ=UTC
BIN=$(cd "${1:-build}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
DATA=$TOP/tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
. "$HERE/setup.sh"
mkdb study.db
pin_fonts
for c in reach_by_worker_type forest_plot monthly_trend; do
    "$BIN/p2p-report" --db study.db --chart "$c" --country GR --width 800 --height 450 -o "$HERE/ref-$c.png"
done
