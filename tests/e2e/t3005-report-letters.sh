#!/bin/sh
# t3005-report-letters: every letter of the partners' languages (Greek,
# Polish, Lithuanian, Hungarian, Portuguese, French, Dutch) is drawn with a
# real glyph of an embedded font: a glyph that no font had would be drawn as
# a hex box and be missing from the PDF's text.
. "$(dirname "$0")/lib.sh"
. "$DATA/report/setup.sh"
mkdb study.db || { echo "Bail out! cannot build the test database"; exit 1; }
set -- \
  "el ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ αβγδεζηθικλμνξοπρσςτυφχψω άέήίόύώϊϋΐΰ ΆΈΉΊΌΎΏ" \
  "pl ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż" \
  "lt ĄČĘĖĮŠŲŪŽ ąčęėįšųūž" \
  "hu ÁÉÍÓÖŐÚÜŰ áéíóöőúüű" \
  "pt ÀÁÂÃÇÉÊÍÓÔÕÚ àáâãçéêíóôõú ªº" \
  "fr ÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ àâæçéèêëîïôœùûüÿ «»" \
  "nl ĲÉËÏÖÜ ĳéëïöü"
for s in "$@"; do
    q "INSERT INTO analysis_figures VALUES (1, 'GR', 'all', 'reach_by_site', 'worker_type=peer', '$s', 50, 60)"
done
t_ok "report with every letter in site names" report --db study.db --country GR -o gr.pdf
pdftotext gr.pdf - | tr -s ' \n' '\n\n' >words
for s in "$@"; do
    for w in $s; do
        t_grep "drawn: $w" "$w" words
    done
done
pdffonts gr.pdf >fonts
t_eq "every font embedded" "" "$(tail -n +3 fonts | awk '$(NF-4) != "yes"')"
t_eq "only Noto Sans and DejaVu faces" "" "$(tail -n +3 fonts | awk '{ print $1 }' | grep -v -e '+NotoSans' -e '+DejaVuSans')"
t_done
