#!/bin/sh
# The schema: version, upgrade path from version 1, refusal of a newer one.
. "$(dirname "$0")/lib.sh"

printf 'encounter_id,date,country,worker_id,worker_type\nE1,2019-05-01,LT,W1,peer\n' >e.csv

# The current version is the number of schema scripts.
V=$(ls "$TOP"/schemas/[0-9][0-9][0-9]-*.sql | wc -l | tr -d ' ')
t_ok "a new database is created by the ingest" ingest --db study.db e.csv
t_eq "... at the current schema version" "$V" "$(q 'PRAGMA user_version')"
t_eq "... with mode 0600" 600 "$(stat -c %a study.db)"
t_eq "... and its key file 0600" 600 "$(stat -c %a study.db.key)"
t_eq "every contract table or view is there" \
    "codebook encounters fg_participants fg_segments focus_groups indicator_results referrals rejects source_files" \
    "$(q "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name IN
        ('encounters','referrals','focus_groups','fg_participants','fg_segments',
         'codebook','source_files','rejects','indicator_results') ORDER BY name" | tr '\n' ' ' | sed 's/ $//')"

# A version-1 database, as the first release wrote it, with a row in it.
DB=v1.db
sqlite3 v1.db <"$TOP/schemas/001-ingest.sql"
q "PRAGMA user_version = 1;
   INSERT INTO encounters(country, encounter_id, date, worker_id, worker_type, file_id, line)
   VALUES ('PT', 'OLD1', '2019-04-01', 'W9', 'professional', 0, 2);"
t_ok "a version-1 database is opened" ingest --db v1.db e.csv
t_eq "... and upgraded to the current version" "$V" "$(q 'PRAGMA user_version')"
t_eq "... its analysis tables added" 3 \
    "$(q "SELECT count(*) FROM sqlite_master WHERE name IN ('analysis_runs','indicator_results','analysis_figures')")"
t_eq "... its rejects get reason rows" 1 \
    "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'reject_reasons'")"
t_eq "... its rows kept" "OLD1 E1" "$(q 'SELECT encounter_id FROM encounters ORDER BY encounter_id DESC' | tr '\n' ' ' | sed 's/ $//')"

t_eq "... and given the toolkit's application_id (P2Pt) on the way" 1345474676 "$(q 'PRAGMA application_id')"
t_eq "a new database has it too" 1345474676 "$(DB=study.db q 'PRAGMA application_id')"

DB=new.db
sqlite3 new.db "PRAGMA application_id = 1345474676; PRAGMA user_version = 99; CREATE TABLE x(y);"
t_exit 6 "a database newer than the toolkit is refused" ingest --db new.db e.csv
t_grep "... saying so" "database schema version 99 is newer than this toolkit's ($V)" t_err
t_eq "... and left as it was" 99 "$(q 'PRAGMA user_version')"
DB=new0.db
sqlite3 new0.db <"$TOP/schemas/001-ingest.sql"
q "PRAGMA user_version = 99"
t_exit 6 "a newer database made before the application_id is refused too" ingest --db new0.db e.csv
t_grep "... as newer" "database schema version 99 is newer than this toolkit's ($V)" t_err
t_eq "... its application_id not set" 0 "$(q 'PRAGMA application_id')"

t_exit 6 "analysing a database that does not exist fails" analyse --db missing.db
t_ok "--version" ingest --version
t_grep "... names the program and version" "p2p-ingest 0.1.0" t_out
t_done
