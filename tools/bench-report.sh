#!/bin/sh
# bench-report.sh DB [CC] [BUILD]: time p2p-report on a study database — one
# national report, the consortium report and one chart (PNG, 1600x900) —
# and, where Rscript with ggplot2 is installed, an R script drawing the same
# bar chart (clients reached by worker type) with ggsave, for the ratio.
# Each time is the best of three runs. Targets: a national report under 1 s;
# a chart at least 10x faster than Rscript.
set -u
export LC_ALL=C.UTF-8 TZ=UTC
DB=${1:?usage: tools/bench-report.sh DB [CC] [BUILD]}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${3:-$TOP/build}
REPORT=$BIN/p2p-report
[ -x "$REPORT" ] || { echo "bench-report: no $REPORT (make build/p2p-report)" >&2; exit 2; }
CC=${2:-$(sqlite3 -batch "$DB" "SELECT country FROM indicator_results WHERE country <> 'ALL' AND indicator = 'clients_reached' ORDER BY run_id DESC, country LIMIT 1")}
[ -n "$CC" ] || { echo "bench-report: no stored analysis in $DB (run p2p-analyse)" >&2; exit 5; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
# best TIME of three runs of a command; prints seconds, fails on failure.
best() {
    b=""
    for i in 1 2 3; do
        t0=$(now)
        "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
        t1=$(now)
        b=$(echo "$t0 $t1 ${b:-1e9}" | awk '{ d = $2 - $1; print (d < $3 ? d : $3) }')
    done
    echo "$b"
}

national=$(best "$REPORT" --db "$DB" --country "$CC" -o "$tmp/national.pdf") || exit 1
consortium=$(best "$REPORT" --db "$DB" --country ALL -o "$tmp/all.pdf") || consortium=""
chart=$(best "$REPORT" --db "$DB" --chart reach_by_worker_type --country "$CC" -o "$tmp/chart.png") || exit 1

printf 'national report (%s):     %.3f s (%s pages)\n' "$CC" "$national" \
    "$(pdfinfo "$tmp/national.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')"
if [ -n "$consortium" ]; then
    printf 'consortium report (ALL): %.3f s\n' "$consortium"
else
    echo "consortium report (ALL): not available (no stored run covering ALL)"
fi
printf 'chart (PNG 1600x900):    %.3f s\n' "$chart"
awk -v t="$national" 'BEGIN { printf "target national < 1 s:   %s\n", (t < 1 ? "met" : "MISSED") }'

if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(ggplot2)' >/dev/null 2>&1; then
    sqlite3 -batch -csv -header "$DB" \
        "SELECT grp AS worker_type, value AS clients FROM indicator_results
         WHERE country = '$CC' AND period = 'all' AND indicator = 'clients_reached'
           AND grp LIKE 'worker_type=%' AND run_id = (SELECT max(run_id) FROM indicator_results)" \
        >"$tmp/data.csv"
    cat >"$tmp/chart.R" <<EOR
suppressPackageStartupMessages(library(ggplot2))
d <- read.csv("$tmp/data.csv")
p <- ggplot(d, aes(x = worker_type, y = clients, fill = worker_type)) +
  geom_col() + coord_flip() +
  scale_fill_manual(values = c("#0072B2", "#E69F00", "#009E73")) +
  labs(title = "Clients reached by worker type", subtitle = "$CC",
       caption = "Source: Peer2Peer consortium data")
ggsave("$tmp/chart-r.png", p, width = 16, height = 9, dpi = 100)
EOR
    r=$(best Rscript "$tmp/chart.R") || { echo "R reference failed"; exit 1; }
    printf 'Rscript + ggplot2 chart: %.3f s\n' "$r"
    awk -v r="$r" -v c="$chart" 'BEGIN { printf "ratio Rscript / p2p-report chart: %.1fx (target >= 10x: %s)\n", r / c, (r / c >= 10 ? "met" : "MISSED") }'
else
    echo "Rscript with ggplot2: absent (install r-base-core r-cran-ggplot2); no reference ratio"
fi
