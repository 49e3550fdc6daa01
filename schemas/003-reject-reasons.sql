-- Schema version 3: every reason a row was rejected for, with a stable code;
-- which of a file's columns are the kind's (the columns of its rejects.raw)
-- and which are not (named here, never stored).

ALTER TABLE source_files ADD COLUMN header TEXT;          -- the kind's columns of the file, in its order, canonical names, comma-joined
ALTER TABLE source_files ADD COLUMN ignored_columns TEXT; -- the header's other columns as written (CSV), NULL = none

-- One row per reason of a reject, in the order they were reported (the
-- file's column order, then rules across columns and the database's).
-- rejects.column_name and rejects.reason repeat the first one.
CREATE TABLE reject_reasons (
  reject_id   INTEGER NOT NULL REFERENCES rejects(reject_id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,          -- 1, 2, ...
  column_name TEXT,                      -- canonical column; NULL = the whole row
  code        TEXT NOT NULL,             -- stable reason code (schemas/README.md)
  reason      TEXT NOT NULL,             -- the wording reported
  PRIMARY KEY (reject_id, seq)
) WITHOUT ROWID;

-- Rejects kept by earlier versions had one reason, without a code.
INSERT INTO reject_reasons(reject_id, seq, column_name, code, reason)
  SELECT reject_id, 1, column_name, 'unclassified', reason FROM rejects;
