#!/bin/sh
# t1010-mapping-safety.sh: no secret is echoed when the wrong file is given
# (the study's key file or database as --map, the key file as an input), and
# the recodes a mapping may give are checked and stored canonically. The
# refusals themselves, with their exact messages, are cases of tests/bad/.
. "$(dirname "$0")/lib.sh"
printf 'encounter_id,date,country,worker_id,worker_type,client_code\nE1,2019-05-01,LT,W1,peer,AB12\n' >e.csv
t_ok "a study database and its key" ingest --db study.db e.csv
key=$(cat study.db.key)
half=$(echo "$key" | cut -c1-16)
nokey() { # DESC: neither the key nor a piece of it in t_err
    t_eq "$1" 0 "$(grep -c -e "$half" -e "$(echo "$key" | cut -c17-32)" -e "$(echo "$key" | cut -c49-64)" t_err)"
}

t_exit 2 "the key file given as --map is refused" ingest --db study.db --map study.db.key e.csv
t_eq "... as a key file" "p2p-ingest: study.db.key: this looks like a key file, not a mapping (--map takes the INI file that describes an export)" "$(cat t_err)"
nokey "... without quoting it"
t_exit 3 "the key file given as an input is refused" ingest --db study.db study.db.key
nokey "... without quoting it"
t_eq "... and nothing of it kept" "1|0" "$(q "SELECT count(*) FROM source_files; SELECT count(*) FROM rejects" | tr '\n' '|' | sed 's/|$//')"
t_exit 3 "... read as encounters too" ingest --db study.db --kind encounters study.db.key
nokey "... without quoting it"
t_exit 3 "... or through a mapping" ingest --db study.db --map "$BAD/date-width-mapped.ini" study.db.key
nokey "... without quoting it"
t_exit 2 "the database given as --map is refused" ingest --db study.db --map study.db e.csv
t_eq "... as a database" "p2p-ingest: study.db: this is an SQLite database, not a mapping (--map takes the INI file that describes an export)" "$(cat t_err)"
t_exit 4 "the database given as --key is refused" ingest --db study.db --key study.db e.csv
t_eq "... as not a key file" "p2p-ingest: study.db: not a key file (expected one line of 64 hex digits)" "$(cat t_err)"
t_exit 4 "a key file that cannot be created" ingest --db new.db --key nodir/k.key e.csv
t_eq "... is named as given (not its temporary file)" "p2p-ingest: nodir/k.key: cannot create the key file: No such file or directory" "$(cat t_err)"
{ printf '[encounters]\nrename.Local = site\n'; echo "$key"; } >pasted.ini
t_exit 2 "a mapping with the key pasted into it" ingest --db study.db --map pasted.ini e.csv
nokey "... does not quote it"
{ printf '[encounters]\nrename.Local = site\n# key: '; echo "$key"; printf 'recode.sex.%s = male\nrecode.sex.X = mal\n' "$key"; } >pasted2.ini
t_exit 2 "a recode error on a key whose value is the key" ingest --db study.db --map pasted2.ini e.csv
nokey "... quotes no key digits"
t_eq "... and names the line" "p2p-ingest: pasted2.ini:5: recode to a value column 'sex' does not allow (it takes one of female, male, other, unknown): 'recode.sex.X = mal'" "$(cat t_err)"
printf '[encounters]\nrecode.sex.%s = mal\n' "$key" >pasted3.ini
t_exit 2 "a recode error on a key that holds the key" ingest --db study.db --map pasted3.ini e.csv
t_eq "... names it without its digits" "p2p-ingest: pasted3.ini:2: recode to a value column 'sex' does not allow (it takes one of female, male, other, unknown): 'recode.sex.<64 hex digits> = mal'" "$(cat t_err)"
awk 'BEGIN { for (i = 0; i < 30000; i++) print "E" i ",2019-05-01,LT,W1,peer,C" i ",padding padding" }' >big.csv
t_exit 2 "a large export given as --map is refused without reading it whole" ingest --db study.db --map big.csv e.csv
t_eq "... saying so" "p2p-ingest: big.csv: more than 1 MiB, too large for a mapping file (a small INI file)" "$(cat t_err)"

# --- recodes are stored as the column stores its values -------------------------
printf 'encounter_id,date,country,worker_id,worker_type,client_code,sexo,subst,ano\nE1,2019-05-01,Lituania,W1,P,AB12,h,x;y,NA\nE2,2019-05-02,LT,W1,peer,AB13,nd,y,1980\n' >m.csv
cat >m.ini <<'EOI'
[encounters]
rename.sexo = sex
rename.subst = substances
rename.ano = birth_year
recode.country.Lituania = lt
recode.worker_type.P = PEER
recode.sex.H = Male
recode.sex.nd =
recode.substances.x = Opioids
recode.substances.y = ALCOHOL
recode.birth_year.NA =
EOI
t_ok "recodes to values in any case, and to missing" ingest --db m.db --map m.ini m.csv
t_eq "... stored canonically" "E1|LT|peer|male|opioids;alcohol|
E2|LT|peer||alcohol|1980" \
    "$(DB=m.db q "SELECT encounter_id, country, worker_type, coalesce(sex, ''), substances, coalesce(birth_year, '') FROM encounters ORDER BY encounter_id")"
t_done
