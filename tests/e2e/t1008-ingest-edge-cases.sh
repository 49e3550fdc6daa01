#!/bin/sh
# t1008: edge cases found in review — a client code never stored raw even in
# a row whose fields are out of line, recodes on any column, NFC ids in
# duplicate checks, two columns read as one, latin1 as windows-1252, Unicode
# spaces around codes, strict dates, lists as sets, one-line diagnostics,
# CR-only line ends, pipes, an input opened once, and erasure on a database
# that does not exist.
. "$(dirname "$0")/lib.sh"
H=encounter_id,date,country,site,setting,worker_id,worker_type,client_code,sex

printf '%s\nE1,2020-01-10,PT,Lisboa, Centro,street,W1,peer,SECRETCODE42,male\n' "$H" >shift.csv
t_ok "a row with one field too many" ingest --db s.db shift.csv
t_eq "... is rejected for its field count" "shift.csv:2: row has 10 fields, header has 9" "$(cat t_err)"
found=; grep -aq SECRETCODE42 s.db* && found=yes
sqlite3 s.db .dump | grep -q SECRETCODE42 && found=yes
t_eq "... and the code, shifted one place, is not stored raw" "" "$found"
t_ok "erasing that client" ingest --db s.db --erase-client secretcode42 --country PT
t_grep "... finds the reject by the hash in its raw text" "1 rejected rows deleted" t_out

printf 'referral_id,encounter_id,country,client_code,service,outcome\nR1,E1,PT,SECRET-UIC-7,ost,attnded\n' >ref.csv
ingest --db s.db ref.csv >/dev/null 2>&1
t_eq "a column named client_code that the kind ignores is hashed in rejects too" "" \
    "$(sqlite3 s.db .dump | grep -o SECRET-UIC-7)"

printf '[encounters]\nrecode.client_code.ANON =\nrecode.syringes_given.NA = 0\nrecode.birth_year.NA =\n' >m.ini
printf 'encounter_id,date,country,worker_id,worker_type,client_code,syringes_given,birth_year\nE1,2020-01-10,PT,W1,peer,ANON,1,NA\nE2,2020-01-10,PT,W1,peer,anon,NA,1980\n' >m.csv
t_ok "recodes apply to codes, counts and years" ingest --db m.db --map m.ini m.csv
t_eq "... ANON is an anonymous contact, NA a missing or zero value" "E1|NULL|1|NULL E2|NULL|0|1980" \
    "$(DB=m.db q "SELECT encounter_id, quote(client_code), syringes_given, quote(birth_year) FROM encounters" | tr '\n' ' ' | sed 's/ $//')"

printf 'encounter_id,date,country,worker_id,worker_type\nE\314\201vora-1,2020-13-10,PT,W1,peer\n\303\211vora-1,2020-01-10,PT,W1,peer\n' >nfc.csv
t_ok "an id typed decomposed, then composed" ingest --db n.db nfc.csv
t_grep "... the second is a duplicate of the rejected first" \
    "nfc.csv:3: column 'encounter_id': duplicate encounter_id 'Évora-1' (first on line 2)" t_err

printf '[encounters]\nrename.sexe = sex\n' >two.ini
printf 'encounter_id,date,country,worker_id,worker_type,sexe,sex\nE1,2020-01-10,PT,W1,peer,female,male\n' >two.csv
t_exit 3 "two columns read as one canonical column" ingest --db t.db --map two.ini two.csv
t_eq "... refuse the file" "p2p-ingest: two.csv:1: column 'sex': given twice (two columns of the header are read as it)" "$(cat t_err)"

printf '[file]\nencoding = latin1\n' >lat.ini
printf 'encounter_id,date,country,worker_id,worker_type,site\nE1,2020-01-10,PT,W1,peer,Caf\351 l\222Orient\n' >lat.csv
t_ok "an export labelled latin1" ingest --db l.db --map lat.ini lat.csv
t_eq "... is read as windows-1252 (0x92 is an apostrophe)" "Café l’Orient" "$(DB=l.db q 'SELECT site FROM encounters')"

printf 'encounter_id,date,country,worker_id,worker_type,client_code\nE1,2020-01-10,PT,W1,peer,ABC\nE2,2020-01-10,PT,W1,peer,\302\240abc\302\240\nE3,2020-01-10,PT,W1,peer,\302\240\n' >nbsp.csv
t_ok "codes with no-break spaces" ingest --db b.db nbsp.csv
t_eq "... are one client, and a lone no-break space is anonymous" "1|1" \
    "$(DB=b.db q 'SELECT count(DISTINCT client_code), sum(client_code IS NULL) FROM encounters')"

printf 'encounter_id,date,country,worker_id,worker_type,substances,syringes_given,setting\nE1,2020- 1-10,PT,W1,peer,,1,street\nE2,2020-01-10,PT,W1,peer,,3000000000,street\nE3,2020-01-10,PT,W1,peer,,1,"street\nnightlife"\nE4,2020-01-10,PT,W1,peer,stimulants; Opioids,1,street\nE5,2020-01-10,PT,W1,peer," ; ",1,street\n' >v.csv
t_ok "dates, counts, lists" ingest --db v.db v.csv
t_eq "... each diagnostic on one line, naming the real limit" \
"v.csv:2: column 'date': invalid date '2020- 1-10' (expected YYYY-MM-DD)
v.csv:3: column 'syringes_given': value 3000000000 out of range (0 to 2147483647)
v.csv:4: column 'setting': invalid value 'street\\nnightlife' (expected street, nightlife, shelter, drop_in, prison, online, home, other)" "$(cat t_err)"
t_eq "... a list is stored in the table's order; only separators is missing" "E4|'opioids;stimulants' E5|NULL" \
    "$(DB=v.db q 'SELECT encounter_id, quote(substances) FROM encounters' | tr '\n' ' ' | sed 's/ $//')"
printf 'encounter_id,date,country,worker_id,worker_type,substances,syringes_given,setting\nE4,2020-01-10,PT,W1,peer,OPIOIDS ;stimulants,1,street\n' >v2.csv
t_ok "the same list in another order" ingest --db v.db v2.csv
t_grep "... is unchanged" "v2.csv: encounters: 0 inserted, 0 updated, 1 unchanged" t_out

printf 'encounter_id,date,country,worker_id,worker_type\rE1,2020-01-10,PT,W1,peer\rE2,2020-13-10,PT,W1,peer\r' >cr.csv
t_ok "CR-only line ends" ingest --db c.db cr.csv
t_eq "... lines counted" "cr.csv:3: column 'date': invalid date '2020-13-10' (expected YYYY-MM-DD)" "$(cat t_err)"

printf 'encounter_id,date,country,worker_id,worker_type\nP1,2020-01-10,PT,W1,peer\n' >p.csv
t_ok "a pipe as input" sh -c "cat p.csv | '$BIN/p2p-ingest' --db p.db /dev/stdin"
t_eq "... loads, with the SHA-256 of its bytes" "$(sha256sum <p.csv | cut -d' ' -f1)" \
    "$(DB=p.db q 'SELECT sha256 FROM source_files')"

printf 'encounter_id,date,country,worker_id,worker_type,,\nE1,2020-01-10,PT,W1,peer,,\n' >tr.csv
t_ok "empty header cells (a spreadsheet's trailing columns)" ingest --db tr.db tr.csv
t_eq "... name no column: no duplicate, no warning" "" "$(cat t_err)"
t_exit 3 "--kind naming another kind" ingest --db tr.db --kind codebook tr.csv
t_eq "... says what that kind lacks" "p2p-ingest: tr.csv:1: missing required column 'code' (read as codebook)" "$(cat t_err)"
printf '[file]\ndate_format = %%d/%%m\n' >df.ini
t_exit 2 "a date format without a year" ingest --db tr.db --map df.ini tr.csv
t_eq "... is a mapping error" "p2p-ingest: df.ini:2: date_format needs a year, a month and a day, not '%d/%m'" "$(cat t_err)"

# Each input is opened once, from its header probe to its rows: a file
# removed after the probe (here by the writer of a FIFO probed after it)
# still loads, from the bytes it was probed with.
printf 'encounter_id,date,country,worker_id,worker_type\nO1,2020-01-10,PT,W1,peer\n' >once.csv
mkfifo once.fifo
{ echo encounter_id,date,country,worker_id,worker_type; rm once.csv; echo O2,2020-01-10,PT,W1,peer; } >once.fifo &
t_ok "a file removed after its probe, then a FIFO" ingest --db once.db once.csv once.fifo
wait
t_eq "... both load" "O1|2 O2|2" "$(DB=once.db q 'SELECT encounter_id, line FROM encounters ORDER BY 1' | tr '\n' ' ' | sed 's/ $//')"

t_exit 6 "erasing in a database that does not exist" ingest --db typo.db --erase-client ABC --country PT
t_eq "... creates neither database nor key" "" "$(ls typo.db typo.db.key 2>/dev/null)"
t_done
