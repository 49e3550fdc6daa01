#!/bin/sh
# t3003-charts: every evidence chart renders to PNG, SVG and PDF at the asked
# size; --chart list; three key charts match their reference images (fonts
# pinned to Noto Sans and DejaVu, dates pinned by SOURCE_DATE_EPOCH).
. "$(dirname "$0")/lib.sh"
. "$DATA/report/setup.sh"
mkdb study.db || { echo "Bail out! cannot build the test database"; exit 1; }
pin_fonts
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 (reads the PNGs) is not installed"; exit 0; }
png() { python3 "$RDATA/pngdiff.py" "$@"; }

t_ok "--chart list" report --chart list
t_eq "eleven charts listed" 11 "$(wc -l <t_out)"
t_eq "each line: name, tab, what it shows" 11 "$(grep -c "^[a-z_]*	[a-z].* .*" t_out)"
cut -f1 t_out >names
t_grep "list has forest_plot" "forest_plot" names
t_grep "list has country_comparison" "country_comparison" names

for c in $(cat names); do
    t_ok "$c: PNG" report --db study.db --chart "$c" --country GR -o "$c.png"
    t_eq "$c: PNG default size 1600x900" "1600 900" "$(png size "$c.png")"
    t_ok "$c: SVG" report --db study.db --chart "$c" --country GR --width 800 --height 450 -o "$c.svg"
    t_eq "$c: SVG at 800x450" 'width="800pt" height="450pt"' \
        "$(grep -o 'width="[0-9]*pt" height="[0-9]*pt"' "$c.svg" | head -1)"
    t_ok "$c: PDF" report --db study.db --chart "$c" --country GR --width 640 --height 360 -o "$c.pdf"
    t_grep "$c: PDF at 640x360" "Page size:       640 x 360 pts" "$(pdfinfo "$c.pdf" >pi 2>&1; echo pi)"
done
t_ok "consortium chart for ALL" report --db study.db --chart reach_by_worker_type --country ALL --width 1200 --height 800 -o all.png
t_eq "PNG at the asked size" "1200 800" "$(png size all.png)"
pdftotext country_comparison.pdf cc.txt
t_grep "chart text: title" "Clients reached: highest in Greece" cc.txt
t_grep "chart text: source line" "Source: Peer2Peer consortium data, analysis run 1, generated 2026-11-24" cc.txt
t_grep "chart text: n" "n = 1416 clients reached in 4 countries" cc.txt
pdfinfo country_comparison.pdf >ccinfo 2>&1
t_grep "chart PDF: the message is the title" "Title:           Clients reached: highest in Greece" ccinfo
t_grep "chart PDF: author" "Author:          p2p toolkit" ccinfo
pdftotext reach_by_worker_type.pdf rw.txt
t_grep "chart says what is suppressed" "suppressed (<5)" rw.txt
t_eq "chart shows no suppressed count" 0 "$(grep -cw 137 rw.txt)"
t_eq "chart fonts embedded" "" "$(pdffonts reach_by_worker_type.pdf | tail -n +3 | awk '$(NF-4) != "yes"')"

# Reference images (regenerate with tests/data/report/make-refs.sh after a
# deliberate change of the drawing).
for c in reach_by_worker_type forest_plot monthly_trend; do
    report --db study.db --chart "$c" --country GR --width 800 --height 450 -o "ref-$c.png"
    d=$(png diff "ref-$c.png" "$RDATA/ref-$c.png" 2.0)
    t_eq "$c matches its reference (mean difference $d <= 2.0 of 255)" 0 $?
done
t_done
