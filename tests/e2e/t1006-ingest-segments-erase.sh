#!/bin/sh
# t1006-ingest-segments-erase.sh: an fg_segments file replaces each (group,
# coder) pair it holds (no stale codes; removed codings counted) unless a row
# of the pair is rejected (the pair keeps its codings, its rows are skipped);
# --erase-client removes a client for good (GDPR Art. 17).
. "$(dirname "$0")/lib.sh"
cp "$DATA"/ingest/* .
codings() { q "SELECT coder || ' ' || segment_id || ' ' || code FROM fg_segments ORDER BY coder, segment_id, code"; }

# --- fg_segments replacement -------------------------------------------------
t_ok "focus groups, codebook and the first coding" ingest --db study.db focus_groups.csv codebook.csv fg_segments.csv
t_eq "five codings, an uncoded segment among them" "AK S1 stigma
AK S1 trust
AK S2 
JB S1 trust
JB S2 stigma" "$(codings)"
t_ok "AK's re-export after recoding" ingest --db study.db fg_segments-recoded.csv
t_eq "... counted: one new, one unchanged, two removed" \
    "fg_segments-recoded.csv: fg_segments: 1 inserted, 0 updated, 1 unchanged, 0 rejected, 0 skipped, 2 removed" "$(cat t_out)"
t_eq "... no stale codes of AK; JB, not in the file, untouched" "AK S1 trust
AK S2 hope
JB S1 trust
JB S2 stigma" "$(codings)"
t_eq "... the removed count is in source_files" 2 "$(q "SELECT removed FROM source_files WHERE path = 'fg_segments-recoded.csv'")"
t_eq "... AK's rows point at the re-export" "2 3" \
    "$(q "SELECT group_concat(line, ' ') FROM (SELECT line FROM fg_segments f JOIN source_files s USING (file_id) WHERE s.path = 'fg_segments-recoded.csv' ORDER BY line)")"
t_ok "a file where one of AK's rows is rejected" ingest --db study.db fg_segments-tainted.csv
t_eq "... counted: AK's two other rows skipped, JB's pair replaced" \
    "fg_segments-tainted.csv: fg_segments: 1 inserted, 0 updated, 1 unchanged, 1 rejected, 2 skipped, 1 removed; 1 (group, coder) pair kept as before (a row rejected)" "$(cat t_out)"
t_eq "... the diagnostics say why, and that the pair is kept" \
    "fg_segments-tainted.csv:5: column 'segment_id': required value missing
p2p-ingest: fg_segments-tainted.csv: warning: group 'FG-PT-01', coder 'AK': a row was rejected, so none of the pair's 2 other rows loaded; its earlier codings are kept" \
    "$(cat t_err)"
t_eq "... AK keeps its earlier codings (no S3); JB's S2 is now uncoded" "AK S1 trust
AK S2 hope
JB S1 trust
JB S2 " "$(codings)"
t_eq "... the rejected row is in rejects" "5|segment_id|required value missing" \
    "$(q "SELECT line, column_name, reason FROM rejects r JOIN source_files s USING (file_id) WHERE s.path = 'fg_segments-tainted.csv'")"
t_ok "--force the first coding again" ingest --db study.db --force fg_segments.csv
t_eq "... both pairs back to it" \
    "fg_segments.csv: fg_segments: 3 inserted, 0 updated, 2 unchanged, 0 rejected, 0 skipped, 2 removed" "$(cat t_out)"
t_eq "... exactly its five codings" "AK S1 stigma
AK S1 trust
AK S2 
JB S1 trust
JB S2 stigma" "$(codings)"

# --- --erase-client ------------------------------------------------------------
t_ok "encounters, referrals and a file with rejected rows" \
    ingest --db study.db encounters.csv referrals.csv encounters-bad.csv
h=$(q "SELECT client_code FROM encounters WHERE country = 'PT' AND encounter_id = 'E1'")
t_eq "the client (PT, quiz7) has 2 encounters, 2 referrals, 1 reject in PT" "2|2|1" \
    "$(q "SELECT (SELECT count(*) FROM encounters WHERE country = 'PT' AND client_code = '$h'),
                 (SELECT count(*) FROM referrals WHERE country = 'PT' AND encounter_id IN ('E1', 'E2')),
                 (SELECT count(*) FROM rejects WHERE client_code = '$h')")"
dv=$(q "SELECT value FROM meta WHERE key = 'data_version'")
t_ok "--erase-client ' Quiz7' --country PT" ingest --db study.db --erase-client ' Quiz7' --country PT
t_eq "... says what it deleted" \
    "erased one client in PT: 2 encounters, 2 referrals, 1 rejected rows deleted; the code's hash is on the erasure list" \
    "$(cat t_out)"
t_eq "... the client's PT encounters, their referrals and rejects are gone" "0|0|0" \
    "$(q "SELECT (SELECT count(*) FROM encounters WHERE country = 'PT' AND client_code = '$h'),
                 (SELECT count(*) FROM referrals WHERE country = 'PT' AND encounter_id IN ('E1', 'E2')),
                 (SELECT count(*) FROM rejects WHERE client_code = '$h')")"
t_eq "... with the reasons of those rejects" 0 \
    "$(q "SELECT count(*) FROM reject_reasons WHERE reject_id NOT IN (SELECT reject_id FROM rejects)")"
t_eq "... the same code in LT is another client and stays" "LT|E1" \
    "$(q "SELECT country, encounter_id FROM encounters WHERE client_code = '$h'")"
t_eq "... other PT rows stay" "E22 E3 E9" \
    "$(q "SELECT group_concat(encounter_id, ' ') FROM (SELECT encounter_id FROM encounters WHERE country = 'PT' ORDER BY encounter_id)")"
t_eq "... an erasures row records it, without the code" "PT|2|2|1" \
    "$(q "SELECT country, encounters_deleted, referrals_deleted, rejects_deleted FROM erasures")"
t_eq "... the hash is on the erasure list" "PT|$h" "$(q "SELECT country, client_code FROM erased_clients")"
t_ok "... analyses are marked stale (data_version moved)" \
    test "$(q "SELECT value FROM meta WHERE key = 'data_version'")" != "$dv"
found=
sqlite3 study.db .dump | grep -qi quiz7 && found="dump"
for f in study.db*; do grep -aqi quiz7 "$f" && found="$found $f"; done
t_eq "... the raw code is nowhere in the database" "" "$found"

t_ok "the old exports again with --force" ingest --db study.db --force encounters.csv encounters-bad.csv
t_eq "... the erased client's rows are skipped and counted, its bad row too" \
    "encounters.csv: encounters: 0 inserted, 0 updated, 5 unchanged, 0 rejected, 2 skipped
encounters-bad.csv: encounters: 0 inserted, 0 updated, 1 unchanged, 1 rejected, 1 skipped" "$(cat t_out)"
t_eq "... the client does not come back" 0 \
    "$(q "SELECT count(*) FROM encounters WHERE country = 'PT' AND client_code = '$h'")"
t_eq "... not even in rejects" 0 "$(q "SELECT count(*) FROM rejects WHERE client_code = '$h'")"
t_eq "... another client's bad row is still rejected" 1 \
    "$(q "SELECT count(*) FROM rejects WHERE line = 3 AND file_id =
          (SELECT max(file_id) FROM source_files WHERE path = 'encounters-bad.csv')")"
t_ok "the old referrals export again with --force" ingest --db study.db --force referrals.csv
t_eq "... the erased client's referrals are skipped, not rejected as orphans" \
    "referrals.csv: referrals: 0 inserted, 0 updated, 2 unchanged, 0 rejected, 2 skipped" "$(cat t_out)"
t_eq "... and nothing on stderr" "" "$(cat t_err)"
t_eq "... the erased encounters are kept only as keyed hashes" "2" \
    "$(q "SELECT count(*) FROM erased_encounters WHERE length(encounter_ref) = 64")"
t_eq "... so no encounter id of the client is stored" "" \
    "$(q "SELECT encounter_ref FROM erased_encounters WHERE encounter_ref IN ('E1', 'E2')")"
t_ok "erasing a client with no records is not an error" ingest --db study.db --erase-client nobody1 --country LT
t_eq "... and is recorded" "LT|0|0|0" \
    "$(q "SELECT country, encounters_deleted, referrals_deleted, rejects_deleted FROM erasures WHERE country = 'LT'")"
t_done
