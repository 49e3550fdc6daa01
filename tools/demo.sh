#!/bin/sh
# make demo: the whole pipeline on the bundled sample data, into out/.
#   out/sample.db (+ .key)  the study database and its key
#   out/indicators.csv      every indicator, every country and ALL
#   out/reports/            eight national reports and the consortium report
#   out/charts/CC/          every evidence chart for every country and ALL
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/$build
cd "$top"
export LC_ALL=C.UTF-8
rm -rf out
mkdir -p out/reports out/charts
db=out/sample.db

echo "demo: ingesting the sample set (canonical files, then the PT partner export)"
"$bin/p2p-ingest" --db $db sample-data/csv/codebook.csv sample-data/csv/*/*.csv
# The partner export carries three bad rows on purpose: they are reported
# here and kept in the rejects table (see sample-data/README.md).
"$bin/p2p-ingest" --db $db --map sample-data/partner/PT-mapping.ini \
    sample-data/partner/PT-outreach-export.csv

echo "demo: analysing"
"$bin/p2p-analyse" --db $db --format csv -o out/indicators.csv

echo "demo: rendering reports and charts"
fail=0
for cc in PT GR PL LT BE FR NL HU ALL; do
    "$bin/p2p-report" --db $db --country $cc -o out/reports/report-$cc.pdf || fail=1
    mkdir -p out/charts/$cc
    "$bin/p2p-report" --db $db --chart list | cut -f1 | while read -r chart; do
        "$bin/p2p-report" --db $db --chart "$chart" --country $cc \
            -o out/charts/$cc/$chart.png || echo "demo: chart $chart for $cc failed" >&2
    done
done
echo
echo "demo: done."
echo "  database     $top/$db (key: $top/$db.key)"
echo "  indicators   $top/out/indicators.csv ($(($(wc -l <out/indicators.csv) - 1)) rows)"
echo "  reports      $top/out/reports/ ($(ls out/reports | wc -l) PDFs)"
echo "  charts       $top/out/charts/ ($(find out/charts -name '*.png' | wc -l) PNGs)"
exit $fail
