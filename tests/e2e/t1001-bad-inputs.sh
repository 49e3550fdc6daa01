#!/bin/sh
# t1001-bad-inputs.sh: every case of the bad-input corpus tests/bad/ gives its
# exact diagnosis and exit status (tests/bad/EXPECTED), keeps its rejected
# rows in the rejects table with line, column and reason, and still loads the
# good rows of the same file.
#
# tests/bad/EXPECTED, one case a line, tab-separated:
#   FILE  EXIT  TABLE=ROWS  STDERR
# TABLE=ROWS: rows of that table after the run (the good rows loaded; 0 when
# the file is refused); "-" when no database may be created (usage errors). STDERR: the exact standard error, "\n" between lines,
# "@TODAY@" for the day of the run (YYYY-MM-DD). Beside FILE: NAME.ini is
# passed as --map, NAME.args holds more arguments (options, and files the
# case needs loaded, e.g. _encounters.csv; they load first by kind).
# Each case runs in a fresh database NAME.db. Every row diagnostic
# "FILE:LINE: column 'C': REASON" (not a warning) of a file that loaded must
# be a reason (LINE, C, REASON) of a rejects row of that file, in that order
# (reject_reasons: one row a reason; the diagnostics of one line are one reject).
. "$(dirname "$0")/lib.sh"

cp "$BAD"/* .
TODAY=$(date +%Y-%m-%d)

# Generated case: a 1 MB field (too long) between two good rows.
{
    echo "encounter_id,date,country,worker_id,worker_type,site"
    echo "E1,2020-01-10,PT,W1,peer,Lisboa"
    printf 'E2,2020-01-10,PT,W1,peer,'
    head -c 1048576 /dev/zero | tr '\0' 'x'
    printf '\nE3,2020-01-10,PT,W1,peer,Faro\n'
} >long-field.csv

tab=$(printf '\t')
while IFS="$tab" read -r file code loaded errs; do
    case $file in '#'*|'') continue ;; esac
    n=${file%.*}
    db=$n.db
    set --
    [ -f "$n.ini" ] && set -- --map "$n.ini"
    # shellcheck disable=SC2046 # args are words on purpose
    [ -f "$n.args" ] && set -- "$@" $(cat "$n.args")
    ingest --db "$db" "$@" "$file" >"$n.out" 2>"$n.err"
    rc=$?
    t_eq "$file: exit status" "$code" "$rc"
    printf '%s\n' "$errs" | awk -v today="$TODAY" \
        '{ gsub(/\\n/, "\n"); gsub(/@TODAY@/, today); print }' >"$n.experr"
    [ -n "$errs" ] || : >"$n.experr"
    t_cmp "$file: standard error" "$n.experr" "$n.err"
    if [ "$loaded" = - ]; then
        t_eq "$file: no database created" "" "$(ls "$db" 2>/dev/null)"
        continue
    fi
    table=${loaded%%=*}
    rows=${loaded#*=}
    t_eq "$file: $table rows loaded" "$rows" "$(DB=$db q "SELECT count(*) FROM $table")"
    if [ "$rc" = 0 ]; then
        # Row diagnostics of this file -> expected rejects (line|column|reason).
        sed -n "s|^$file:\\([0-9]*\\): column '\\([^']*\\)': \\(.*\\)\$|\\1\|\\2\|\\3|p
                s|^$file:\\([0-9]*\\): \\(row has .*\\)\$|\\1\|\|\\2|p" "$n.experr" |
            grep -v '^[0-9]*|[^|]*|warning: ' >"$n.exprej"
        # Every reason of every reject, in the order reported.
        DB=$db q "SELECT r.line, coalesce(x.column_name, ''), x.reason FROM rejects r
                  JOIN reject_reasons x USING (reject_id)
                  JOIN source_files s USING (file_id) WHERE s.path = '$file'
                  ORDER BY r.reject_id, x.seq" >"$n.rej"
        t_cmp "$file: rejects table" "$n.exprej" "$n.rej"
        t_eq "$file: source_files counts the rejects" "$(cut -d'|' -f1 "$n.exprej" | uniq | wc -l | tr -d ' ')" \
            "$(DB=$db q "SELECT rejected FROM source_files WHERE path = '$file'")"
    else
        # Refused (or --strict): nothing of the file, not even its rejects.
        t_eq "$file: refused file leaves no trace" "0|0" \
            "$(DB=$db q "SELECT (SELECT count(*) FROM source_files WHERE path = '$file'),
                                (SELECT count(*) FROM rejects r JOIN source_files s
                                 USING (file_id) WHERE s.path = '$file')")"
    fi
done <"$BAD/EXPECTED"

# Rejected rows keep their fields as read: bytes that are not UTF-8 as \xNN,
# a NUL as \x00, the client code replaced by its keyed hash.
t_eq "invalid UTF-8 kept escaped in rejects.raw" \
    'E2,2020-01-10,PT,W1,peer,\xC9vora
E3,2020-01-10,PT,W1,peer,Set\xFAbal \xE9' \
    "$(DB=invalid-utf8.db q "SELECT raw FROM rejects ORDER BY line")"
t_eq "NUL kept escaped in rejects.raw" \
    'E2,2020-01-10,PT,W1,peer,Lis\x00boa
E3,2020-01-10,PT,W1\x00,peer,Faro' \
    "$(DB=nul-bytes.db q "SELECT raw FROM rejects ORDER BY line")"
t_eq "the good UTF-8 rows stored as written" "Évora|São Brás" \
    "$(DB=invalid-utf8.db q "SELECT group_concat(site, '|') FROM (SELECT site FROM encounters ORDER BY encounter_id)")"
hash=$(DB=client-code-invalid-utf8.db q "SELECT client_code FROM rejects")
t_ok "rejected row with a bad client code keeps its keyed hash" \
    sh -c "echo '$hash' | grep -qx '[0-9a-f]\{64\}'"
t_eq "rejects.raw holds the hash in place of the code" \
    "E2,2020-01-10,PT,W1,peer,$hash" "$(DB=client-code-invalid-utf8.db q "SELECT raw FROM rejects")"
t_eq "no raw client code in the rejects" 0 \
    "$(DB=client-code-invalid-utf8.db q "SELECT count(*) FROM rejects WHERE raw LIKE '%XY%'")"
raw=$(DB=long-field.db q "SELECT length(raw), substr(raw, 1, 30) FROM rejects")
t_eq "the 1 MB field is kept cut to its first 64 KiB in rejects.raw" "65561|E2,2020-01-10,PT,W1,peer,xxxxx" "$raw"
t_eq "windows-1252 converted: accents, curly quotes, a quoted CRLF" "E1|Setúbal
E2|“Porto”
norte" "$(DB=encoding-windows-1252.db q "SELECT encounter_id, replace(site, char(13), '') FROM encounters ORDER BY encounter_id")"
t_eq "... and the reject's raw is UTF-8 too" "E3,32/01/2020,PT,W1,peer,Fáro" \
    "$(DB=encoding-windows-1252.db q "SELECT raw FROM rejects")"
# The limit itself: 65,536 bytes load, 65,537 do not.
{
    echo "encounter_id,date,country,worker_id,worker_type,site"
    printf 'E1,2020-01-10,PT,W1,peer,'; head -c 65536 /dev/zero | tr '\0' 'y'; echo
    printf 'E2,2020-01-10,PT,W1,peer,'; head -c 65537 /dev/zero | tr '\0' 'y'; echo
} >limit.csv
ingest --db limit.db limit.csv >/dev/null 2>limit.err
t_eq "a field of exactly 65536 bytes loads, one of 65537 is too long" \
    "limit.csv:3: column 'site': field longer than 65536 bytes|E1|65536" \
    "$(cat limit.err)|$(DB=limit.db q "SELECT encounter_id, length(site) FROM encounters")"
# Quoting slips: the record alone is rejected, the next rows keep their
# own values, and no client code lands raw in any column.
t_eq "a slip never merges rows: each row keeps its site and its line" \
    "E2|Porto Norte|3 E3|Faro|4" \
    "$(DB=slip-issue-example.db q "SELECT encounter_id, site, line FROM encounters ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
t_eq "... the rejected row's site is read as Python reads it" "E1,2020-01-10,PT,Lisboa ,street,W1,peer," \
    "$(DB=slip-issue-example.db q "SELECT raw FROM rejects" | cut -c1-40)"
t_eq "a quote left open: the rows after its line load, a quoted line break too" \
    "E1|Lisboa E3|Faro E4|Porto\\nNorte" \
    "$(DB=slip-quote-left-open.db q "SELECT encounter_id, replace(site, char(10), '\\n') FROM encounters ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
found=
for c in AAAA1980 BBBB1990 CCCC1970 DDDD1960; do
    for d in slip-*.db; do
        grep -aq "$c" "$d" && found="$found $d:$c"
        sqlite3 "$d" .dump | grep -q "$c" && found="$found $d:$c(dump)"
    done
done
t_eq "no raw client code in any slip case's database" "" "$found"
t_eq "a BOM starting a data row is not part of its id" "E1 E2" \
    "$(DB=bom-data-row.db q "SELECT encounter_id FROM encounters ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
t_eq "a UTF-16 file read through 'encoding = UTF-16'" "E1|2" \
    "$(DB=encoding-utf16-mapped.db q "SELECT encounter_id, line FROM encounters")"
t_eq "EL and ' el ' stored as GR" "GR|GR" \
    "$(DB=country-el.db q "SELECT group_concat(country, '|') FROM encounters")"
t_eq "BOM and CRLF: header read, quoted CRLF kept inside the field" \
    "$(printf 'E1|Lisboa\nE2|Porto\r\nnorte\nE3|')" \
    "$(DB=bom-crlf.db q "SELECT encounter_id, site FROM encounters ORDER BY encounter_id")"
t_eq "a record's LINE is where it starts (multi-line fields, blank lines)" \
    "E1|2
E2|6
E4|11" "$(DB=multiline-field.db q "SELECT encounter_id, line FROM encounters ORDER BY encounter_id")"
t_eq "header only: the file is recorded with 0 rows" "encounters|0" \
    "$(DB=header-only.db q "SELECT kind, rows_read FROM source_files")"
t_eq "codes missing from the codebook are kept" "fear|hope|hope|trust" \
    "$(DB=segment-code-not-in-codebook.db q "SELECT group_concat(code, '|') FROM (SELECT code FROM fg_segments ORDER BY code)")"
t_eq "a duplicate coding keeps the pair out: only JB's row" "JB|S1|trust" \
    "$(DB=segment-duplicate-coding.db q "SELECT coder, segment_id, code FROM fg_segments")"
t_eq "the pair's other rows are counted skipped" "1|1|2" \
    "$(DB=segment-duplicate-coding.db q "SELECT inserted, rejected, skipped FROM source_files WHERE kind = 'fg_segments'")"
# A column that is not the kind's is never stored, not even in rejects.
t_eq "no note of a partner's own column anywhere in the database" 0 \
    "$(sqlite3 unknown-columns-reject.db .dump | grep -c -e 'first visit' -e 'tel 9' -e Maria -e Joao)"
t_eq "an aligned reject keeps the kind's columns only, named by source_files.header" \
    "encounter_id,date,country,worker_id,worker_type,client_code|E2,2020-31-01,PT,W1,peer,$(DB=unknown-columns-reject.db q "SELECT client_code FROM rejects WHERE line = 3")" \
    "$(DB=unknown-columns-reject.db q "SELECT s.header, r.raw FROM rejects r JOIN source_files s USING (file_id) WHERE line = 3" | tr -d '\n')"
t_eq "a misaligned reject leaves empty each field a foreign column may have shifted into" \
    "E3,2020-01-10,PT,,,W1" \
    "$(DB=unknown-columns-reject.db q "SELECT substr(raw, 1, 21) FROM rejects WHERE line = 4")"
t_eq "... and the ignored column is named" "notes" \
    "$(DB=unknown-columns-reject.db q "SELECT ignored_columns FROM source_files")"
t_eq "a row with three bad fields is one reject with three reasons, each with its code" \
    "3|date:invalid_date worker_type:invalid_value sex:invalid_value" \
    "$(DB=every-reason.db q "SELECT count(*), group_concat(column_name || ':' || code, ' ') FROM (SELECT x.* FROM reject_reasons x JOIN rejects r USING (reject_id) WHERE r.line = 3 ORDER BY seq)")"
t_eq "the reject row itself keeps the first reason" "date|invalid date '2020-13-01' (expected YYYY-MM-DD)" \
    "$(DB=every-reason.db q "SELECT column_name, reason FROM rejects WHERE line = 3")"
t_done
