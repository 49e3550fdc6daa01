#!/bin/sh
# t1012: p2p-ingest reads CSV as Python's csv module does, and a quoting slip
# rejects its own row and nothing else. COUNT generated encounters files
# (default 2000; `make fuzz` runs more, with SEED) with 1-3 slips each —
# "Lisboa" , / "Lisboa"x /  "Lisboa" — among quotes inside unquoted fields,
# quoted commas, doubled quotes and line breaks (tests/tools/csv_slips.py):
# every row Python reads cleanly loads with Python's values on its line,
# every slipped row is rejected on its own line, no row is lost or added,
# and no client code is stored raw anywhere in the database.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 (the reference CSV reader) is not installed"; exit 0; }
COUNT=${COUNT:-2000}
SEED=${SEED:-1}
TOOL=$TOP/tests/tools/csv_slips.py
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
echo "$KEY" >k.key
chmod 600 k.key

t_ok "generate $COUNT files (seed $SEED)" python3 "$TOOL" gen files "$COUNT" "$SEED"
# Many files per call, as partners' exports are given: a few calls in all.
(cd files && ls f*.csv | xargs -n 1000 "$BIN/p2p-ingest" --db ../d.db --key ../k.key \
     >../ingest.out 2>../ingest.err)
t_eq "every ingest call exits 0 (rows may be rejected)" 0 $?
t_eq "every file read" "$COUNT" "$(grep -c ': encounters: ' ingest.out)"
python3 "$TOOL" check files d.db "$KEY" >counts 2>notes
sed 's/^/# /' notes
n() { sed -n "s/^$1=//p" counts; }
t_eq "Python reads each file's records where they were written" 0 "$(n python_disagrees)"
t_eq "every clean row loads with Python's values ($(n loaded_ok) of $(n rows) rows)" \
    "$(($(n rows) - $(n slipped)))" "$(n loaded_ok)"
t_eq "every slipped row is rejected on its own line ($(n slipped))" "$(n slipped)" "$(n rejected_ok)"
t_eq "no row lost" 0 "$(n lost)"
t_eq "no clean row rejected, no slipped row loaded, no value changed" "0|0|0" \
    "$(n wrongly_rejected)|$(n wrongly_loaded)|$(n mismatched)"
t_eq "no row that nobody wrote" 0 "$(n extra)"
t_eq "no client code raw in the database's bytes or any text column" 0 "$(n raw_codes)"
t_done
