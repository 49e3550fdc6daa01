-- Schema version 1: the ingested study data, its provenance and its rejects.
-- Applied to an empty database by every program (lib/db.c); user_version is
-- set by the code after the script runs, inside the same transaction.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,   -- 'key_fingerprint', 'data_version', 'created_at'
  value TEXT NOT NULL
);

-- One row per invocation of p2p-ingest that changed or read anything.
CREATE TABLE ingest_runs (
  run_id          INTEGER PRIMARY KEY,
  started_at      TEXT NOT NULL,          -- ISO 8601 UTC
  toolkit_version TEXT NOT NULL
);

-- One row per file read (a re-read with --force gets a new row).
CREATE TABLE source_files (
  file_id     INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES ingest_runs(run_id),
  path        TEXT NOT NULL,              -- as given on the command line
  sha256      TEXT NOT NULL,              -- of the file's bytes, lower-case hex
  size        INTEGER NOT NULL,           -- bytes; a file of a size never seen cannot be a repeat
  kind        TEXT NOT NULL,              -- encounters, referrals, ...
  mapping     TEXT,                       -- mapping file used, if any
  ingested_at TEXT NOT NULL,
  rows_read   INTEGER NOT NULL DEFAULT 0,
  inserted    INTEGER NOT NULL DEFAULT 0,
  updated     INTEGER NOT NULL DEFAULT 0,
  unchanged   INTEGER NOT NULL DEFAULT 0,
  rejected    INTEGER NOT NULL DEFAULT 0,
  skipped     INTEGER NOT NULL DEFAULT 0, -- erased clients, pairs kept
  removed     INTEGER NOT NULL DEFAULT 0  -- fg_segments codings replaced away
);
CREATE INDEX source_files_sha ON source_files(sha256);
CREATE INDEX source_files_size ON source_files(size);

CREATE TABLE encounters (
  country        TEXT NOT NULL,
  encounter_id   TEXT NOT NULL,
  date           TEXT NOT NULL,           -- YYYY-MM-DD
  site           TEXT,
  setting        TEXT,
  worker_id      TEXT NOT NULL,
  worker_type    TEXT NOT NULL,
  client_code    TEXT,                    -- keyed hash (hex); NULL = anonymous
  sex            TEXT,
  birth_year     INTEGER,
  first_contact  TEXT,
  substances     TEXT,                    -- ';'-joined canonical items
  injecting      TEXT,
  syringes_given INTEGER NOT NULL DEFAULT 0,
  naloxone_given INTEGER NOT NULL DEFAULT 0,
  condoms_given  INTEGER NOT NULL DEFAULT 0,
  services       TEXT,
  age_first_use  INTEGER,
  file_id        INTEGER NOT NULL,        -- provenance: source_files.file_id
  line           INTEGER NOT NULL,        -- physical line the record starts on
  PRIMARY KEY (country, encounter_id)
) WITHOUT ROWID;  -- the key is the table: one b-tree insert per row

CREATE TABLE referrals (
  country      TEXT NOT NULL,
  referral_id  TEXT NOT NULL,
  encounter_id TEXT NOT NULL,
  service      TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  outcome_date TEXT,
  file_id      INTEGER NOT NULL,
  line         INTEGER NOT NULL,
  PRIMARY KEY (country, referral_id)
) WITHOUT ROWID;
CREATE INDEX referrals_encounter ON referrals(country, encounter_id);

CREATE TABLE focus_groups (
  group_id     TEXT PRIMARY KEY,
  country      TEXT NOT NULL,
  date         TEXT NOT NULL,
  city         TEXT,
  purpose      TEXT,
  moderator    TEXT,
  duration_min INTEGER,
  file_id      INTEGER NOT NULL,
  line         INTEGER NOT NULL
);

CREATE TABLE fg_participants (
  group_id         TEXT NOT NULL,
  participant_code TEXT NOT NULL,
  role             TEXT NOT NULL,
  sex              TEXT,
  age_group        TEXT,
  file_id          INTEGER NOT NULL,
  line             INTEGER NOT NULL,
  PRIMARY KEY (group_id, participant_code)
);

-- code = '' records a segment the coder read and left uncoded.
CREATE TABLE fg_segments (
  group_id         TEXT NOT NULL,
  segment_id       TEXT NOT NULL,
  participant_code TEXT,
  coder            TEXT NOT NULL,
  code             TEXT NOT NULL,
  excerpt          TEXT,
  file_id          INTEGER NOT NULL,
  line             INTEGER NOT NULL,
  PRIMARY KEY (group_id, segment_id, coder, code)
);

CREATE TABLE codebook (
  code        TEXT PRIMARY KEY,
  theme       TEXT NOT NULL,
  description TEXT,
  file_id     INTEGER NOT NULL,
  line        INTEGER NOT NULL
);

-- Rows not loaded. raw is the record's fields as read, re-quoted as one CSV
-- line, the client code replaced by its keyed hash, non-UTF-8 bytes as \xNN.
CREATE TABLE rejects (
  reject_id   INTEGER PRIMARY KEY,
  file_id     INTEGER NOT NULL,
  line        INTEGER NOT NULL,
  column_name TEXT,                       -- NULL for a whole-row reason
  reason      TEXT NOT NULL,
  raw         TEXT NOT NULL,
  country     TEXT,                       -- when it could be read
  client_code TEXT                        -- keyed hash, for erasure
);
CREATE INDEX rejects_client ON rejects(client_code) WHERE client_code IS NOT NULL;

-- Art. 17 erasures: the hash stays so an old export cannot bring a client back.
CREATE TABLE erased_clients (
  country     TEXT NOT NULL,
  client_code TEXT NOT NULL,              -- keyed hash
  PRIMARY KEY (country, client_code)
);
-- The encounters an erasure deleted, as keyed hashes of country and
-- encounter_id: an old referrals export naming them is skipped, not rejected.
CREATE TABLE erased_encounters (
  encounter_ref TEXT PRIMARY KEY          -- keyed hash of 'CC' || x'1f' || encounter_id
);
CREATE TABLE erasures (
  erasure_id         INTEGER PRIMARY KEY,
  erased_at          TEXT NOT NULL,
  country            TEXT NOT NULL,
  encounters_deleted INTEGER NOT NULL,
  referrals_deleted  INTEGER NOT NULL,
  rejects_deleted    INTEGER NOT NULL
);
