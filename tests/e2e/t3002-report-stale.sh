#!/bin/sh
# t3002-report-stale: a report refuses a missing or stale analysis with exit
# 5 and says so; --analyse runs the analysis first; usage errors exit 2.
. "$(dirname "$0")/lib.sh"
. "$DATA/report/setup.sh"
mkdb study.db || { echo "Bail out! cannot build the test database"; exit 1; }

q "UPDATE meta SET value = '2' WHERE key = 'data_version'"
t_exit 5 "stale analysis: exit 5" report --db study.db --country GR -o gr.pdf
t_eq "stale: the message" \
    "p2p-report: the stored analysis (run 1) is stale: the data changed after it (data version 2, the run saw 1); run p2p-analyse again, or give --analyse" \
    "$(cat t_err)"
t_eq "stale: no PDF written" no "$([ -e gr.pdf ] && echo yes || echo no)"
t_exit 5 "stale chart: exit 5" report --db study.db --chart forest_plot --country GR -o f.png

t_ok "--analyse runs the analysis first" report --db study.db --country GR --analyse -o gr.pdf
t_eq "a new run over every country, seeing data version 2" "2|*|2" \
    "$(q "SELECT run_id, country, data_version FROM analysis_runs ORDER BY run_id DESC LIMIT 1")"
t_ok "the report is a valid PDF" qpdf --check gr.pdf
t_ok "then the report runs without --analyse" report --db study.db --country GR -o gr2.pdf
t_ok "the same run serves the consortium report" report --db study.db --country ALL -o all.pdf
t_eq "no further run" 2 "$(q "SELECT count(*) FROM analysis_runs")"
q "UPDATE meta SET value = '3' WHERE key = 'data_version'"
t_exit 5 "stale again: exit 5" report --db study.db --country ALL -o all.pdf
t_ok "--analyse for ALL" report --db study.db --country ALL --analyse -o all.pdf
t_eq "a third run over every country" "3|*|3" \
    "$(q "SELECT run_id, country, data_version FROM analysis_runs ORDER BY run_id DESC LIMIT 1")"

t_exit 6 "unwritable output: exit 6" report --db study.db --country GR -o nodir/x.pdf
t_grep "unwritable output: said" "p2p-report: nodir/x.pdf: No such file or directory (creating a temporary file in nodir)" t_err
t_exit 6 "full disk: exit 6" report --db study.db --country GR -o /dev/full
t_exit 6 "unwritable chart: exit 6" report --db study.db --chart forest_plot -o nodir/x.png

q "DELETE FROM analysis_runs"
t_exit 5 "no analysis: exit 5" report --db study.db --country PL -o pl.pdf
t_eq "no analysis: the message" \
    "p2p-report: no stored analysis over the whole period covers PL; run p2p-analyse --country PL first, or give --analyse" \
    "$(cat t_err)"

# Usage and database errors.
t_exit 2 "unknown country" report --db study.db --country XX -o x.pdf
t_grep "unknown country: said" "p2p-report: --country 'XX': not one of PT GR PL LT BE FR NL HU ALL" t_err
t_exit 2 "no --country for a report" report --db study.db -o x.pdf
t_exit 2 "no --db" report --country GR -o x.pdf
t_exit 2 "unknown chart" report --db study.db --chart pie -o x.png
t_grep "unknown chart: said" "p2p-report: unknown chart 'pie' (--chart list lists them)" t_err
t_exit 2 "chart without -o" report --db study.db --chart forest_plot
t_exit 2 "bad option" report --bogus
t_exit 6 "missing database" report --db nowhere.db --country GR -o x.pdf
t_grep "missing database: said" "p2p-report: nowhere.db: no such database" t_err
t_exit 2 "negative --min-cell" report --db study.db --country GR --min-cell -1 -o x.pdf
t_ok "--version" report --version
t_grep "--version prints the version" "p2p-report 0.1.0" t_out
t_ok "--help" report --help
t_grep "--help lists --chart" "--chart=NAME|list" t_out
t_done
