#!/bin/sh
# t3007-report-pages: what published pages and charts say — a count agrees
# with its noun ("1 site", "1 file loaded"), and a long site, theme or code
# name (200 characters, Latin and Greek) is cut with "…" to its slot, never
# running into the bars or into another label (checked on the words' boxes
# in a PDF chart, pdftotext -bbox: cairo keeps the whole name as the text
# of the ellipsized glyphs, so the boxes, not the text, show the cut).
. "$(dirname "$0")/lib.sh"
. "$DATA/report/setup.sh"
mkdb study.db || { echo "Bail out! cannot build the test database"; exit 1; }
pin_fonts

# words FILE.pdf: one line per word, "xMin yMin xMax yMax text".
words() {
    pdftotext -bbox "$1" - | sed -n \
        's/.*<word xMin="\([0-9.]*\)" yMin="\([0-9.]*\)" xMax="\([0-9.]*\)" yMax="\([0-9.]*\)">\(.*\)<\/word>.*/\1 \2 \3 \4 \5/p'
}

# ---- long names ---------------------------------------------------------
lat="$(for i in $(seq 19); do printf 'Łódź-Górn '; done)Łódź-Górna"
gr="$(for i in $(seq 19); do printf 'Θεσσαλονί '; done)Θεσσαλονίκ"
t_eq "the names are 200 characters" "200 200" "$(printf %s "$lat" | wc -m) $(printf %s "$gr" | wc -m)"
cp study.db long.db
DB=long.db q "UPDATE analysis_figures SET key = '$lat' WHERE figure = 'reach_by_site' AND key = 'Łódź';
    UPDATE analysis_figures SET key = '$gr' WHERE figure = 'reach_by_site' AND key = 'Kraków';
    UPDATE indicator_results SET grp = replace(grp, 'code=police', 'code=$lat') WHERE indicator = 'code_cooccurrence';
    UPDATE indicator_results SET grp = replace(grp, 'code=access', 'code=$gr') WHERE indicator = 'code_cooccurrence';
    UPDATE indicator_results SET grp = 'theme=$lat' WHERE indicator = 'code_frequency' AND grp = 'theme=barriers';
    UPDATE indicator_results SET grp = 'theme=$gr' WHERE indicator = 'code_frequency' AND grp = 'theme=relations'"

t_ok "reach_by_site with 200-character names" report --db long.db --chart reach_by_site --country PL -o site.pdf
words site.pdf >site.w
grep -E 'Łódź-Gór|Θεσσαλον' site.w >lab.w
pdftotext site.pdf - | tr -s ' \n' '  ' >site.txt
t_grep "the text keeps the whole Latin name (search, copy)" "$lat" site.txt
t_grep "the text keeps the whole Greek name" "$gr" site.txt
# The series names ("Peer educators", ...) stand between the site names and
# the bars: every word of a site name ends left of every series name.
right=$(awk '{ if ($3 > m) m = $3 } END { print m }' lab.w)
series=$(grep -E ' (Peer|Professionals|Mixed)$' site.w | awk 'NR == 1 || $1 < m { m = $1 } END { print m }')
t_eq "site names end before the series names ($right < $series)" yes \
    "$(awk -v a="$right" -v b="$series" 'BEGIN { print (a < b ? "yes" : "no") }')"
t_eq "site names start inside the chart" yes "$(awk '$1 < 0 { bad = 1 } END { print bad ? "no" : "yes" }' lab.w)"
# At most two lines each, and the two names do not overlap vertically.
lat_lines=$(grep -E 'Łódź-Gór' lab.w | awk '{ print $2 }' | sort -u | wc -l)
gr_lines=$(grep -E 'Θεσσαλον' lab.w | awk '{ print $2 }' | sort -u | wc -l)
t_eq "each name on at most two lines" yes "$([ "$lat_lines" -le 2 ] && [ "$gr_lines" -le 2 ] && echo yes)"
t_eq "the names do not overlap" yes "$(awk '
    /Łódź-Gór/ { if ($4 > lmax) lmax = $4 }
    /Θεσσαλον/ { if (gmin == "" || $2 < gmin) gmin = $2 }
    END { print (lmax <= gmin ? "yes" : "no") }' lab.w)"
t_ok "the same chart as PNG" report --db long.db --chart reach_by_site --country PL -o site.png

t_ok "fg_themes with 200-character themes" report --db long.db --chart fg_themes --country GR -o themes.pdf
words themes.pdf >themes.w
# The plot starts at the axis' "0%", centred on it.
axis=$(awk '$5 == "0%" { print ($1 + $3) / 2; exit }' themes.w)
# Bar labels: the lines left of the axis (the title quotes a theme whole).
awk -v a="$axis" '$1 < a && $2 > 120' themes.w | grep -E 'Łódź-Gór|Θεσσαλον' >tl.w
t_eq "both themes labelled on at most two lines each" yes "$([ "$(awk '{ print $2 }' tl.w | sort -u | wc -l)" -le 4 ] && echo yes)"
t_eq "theme names end before the bars" yes "$(awk -v a="$axis" '$3 >= a { bad = 1 } END { print bad ? "no" : "yes" }' tl.w)"

t_ok "cooccurrence_heatmap with 200-character codes" report --db long.db --chart cooccurrence_heatmap --country GR -o heat.pdf
words heat.pdf >heat.w
t_eq "every code label inside the chart" yes \
    "$(awk '$1 < 0 || $3 > 1600 || $2 < 0 || $4 > 900 { bad = 1 } END { print bad ? "no" : "yes" }' heat.w)"
# Row labels end left of the matrix, whose cells hold the counts.
cells=$(awk '$5 ~ /^[0-9]+$/ && $2 > 150 && $2 < 700 { if (m == "" || $1 < m) m = $1 } END { print m }' heat.w)
t_eq "row labels end before the matrix" yes \
    "$(awk -v c="$cells" '/Łódź-Gór|Θεσσαλον/ && $2 > 150 && $2 < 700 && $1 < c && $3 >= c { bad = 1 } END { print bad ? "no" : "yes" }' heat.w)"

# ---- many sites -----------------------------------------------------------
# 40 sites in Poland: site N has 10 + N encounters (5 + N clients by each
# worker type). The table lists the 25 largest and one row for the other
# 15 with their encounters added up; with one of those withheld, that sum
# is withheld too.
cp study.db many.db
DB=many.db q "DELETE FROM analysis_figures WHERE country = 'PL' AND figure = 'reach_by_site';
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40),
      g(grp) AS (VALUES ('all'), ('worker_type=peer'), ('worker_type=professional'), ('worker_type=mixed'))
    INSERT INTO analysis_figures(run_id, country, period, figure, grp, key, value, value2)
    SELECT 1, 'PL', 'all', 'reach_by_site', grp, printf('Site %02d', i), 5 + i,
           CASE grp WHEN 'all' THEN 10 + i ELSE NULL END FROM n, g"
t_ok "a report with 40 sites" report --db many.db --country PL -o many.pdf
pdftotext -layout many.pdf - | tr -s ' ' >many.txt
t_grep "the largest site first" "Site 40 45 45 45 50" many.txt
t_grep "the 25th largest site" "Site 16 21 21 21 26" many.txt
t_eq "no smaller site listed" 0 "$(grep -c '^ *Site 15 ' many.txt)"
# Sites 1..15: encounters 11..25, adding up to 270.
t_grep "one row for the others, with their encounters" "15 other sites 270" many.txt
t_grep "the rule said" "its 25 largest are listed and the others share one row" many.txt
t_grep "the chart counts every site" "Where clients were reached: 40 sites in Poland" many.txt
DB=many.db q "UPDATE analysis_figures SET value2 = 3 WHERE country = 'PL' AND key = 'Site 02' AND grp = 'all'"
t_ok "a small site among the others" report --db many.db --country PL -o many2.pdf
pdftotext -layout many2.pdf - | tr -s ' ' >many2.txt
t_grep "their sum is withheld with it" "15 other sites c" many2.txt
t_eq "the sum is published nowhere" 0 "$(grep -cw 261 many2.txt)"
t_ok "30 sites are all listed" sh -c '
    sqlite3 many.db "DELETE FROM analysis_figures WHERE country = '"'PL'"' AND figure = '"'reach_by_site'"' AND key <= '"'Site 10'"'" &&
    "$1" --db many.db --country PL -o many3.pdf && pdftotext -layout many3.pdf - | tr -s " " >many3.txt &&
    grep -q "^ *Site 11 " many3.txt && ! grep -q "other sites" many3.txt' sh "$BIN/p2p-report"

# ---- plurals ------------------------------------------------------------
# One site, one file, one client, one month: every count agrees with its
# noun on the title page and in every chart.
cp study.db one.db
DB=one.db q "DELETE FROM analysis_figures WHERE country = 'PL' AND figure = 'reach_by_site' AND key <> 'Gdańsk';
    DELETE FROM analysis_figures WHERE country = 'PL' AND figure = 'monthly_encounters' AND key <> '2019-05';
    UPDATE indicator_results SET value = 1, numerator = 1 WHERE country = 'PL' AND indicator IN ('clients_reached', 'encounters') AND grp = 'all';
    DELETE FROM source_files WHERE kind = 'codebook'"
t_ok "a report with counts of one" report --db one.db --country PL --min-cell 0 -o one.pdf
pdftotext one.pdf - | tr -s ' \n' '  ' >one.txt
t_grep "1 file loaded" "Sources 1 file loaded:" one.txt
for c in $(report --chart list | cut -f1); do
    report --db one.db --chart "$c" --country PL --min-cell 0 -o "one-$c.pdf" &&
        pdftotext "one-$c.pdf" - | tr -s ' \n' '  ' >>one.txt
done
t_grep "1 site" "Where clients were reached: 1 site in Poland" one.txt
t_grep "1 client" "n = 1 client reached" one.txt
t_grep "1 month" "over 1 month" one.txt
t_eq "no '1 <plural>' anywhere" "" \
    "$(grep -oE '(^|[^0-9.,])1 (sites|files|clients|encounters|months|segments|pairs|code pairs|countries|referrals)\b' one.txt | sort -u | tr '\n' ';')"
t_done
