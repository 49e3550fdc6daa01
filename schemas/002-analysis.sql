-- Schema version 2: stored analysis runs (p2p-analyse) read by p2p-report.
-- Upgrading a version-1 database runs only this script.

-- One row per p2p-analyse run. data_version is meta.data_version when the
-- run read the data; a report refuses a run whose data_version is older.
CREATE TABLE analysis_runs (
  run_id           INTEGER PRIMARY KEY,
  started_at       TEXT NOT NULL,        -- ISO 8601 UTC
  finished_at      TEXT,
  toolkit_version  TEXT NOT NULL,
  country          TEXT NOT NULL,        -- the --country asked: CC, ALL or '*' (every country and ALL)
  date_from        TEXT,                 -- --from, NULL = open
  date_to          TEXT,                 -- --to, NULL = open
  by_period        TEXT NOT NULL,        -- all, year, quarter, month
  data_version     INTEGER NOT NULL,
  data_fingerprint TEXT NOT NULL,        -- SHA-256 over the row counts and data_version
  key_fingerprint  TEXT
);

-- The export's rows, unsuppressed. NULL = cannot be computed.
CREATE TABLE indicator_results (
  run_id      INTEGER NOT NULL REFERENCES analysis_runs(run_id) ON DELETE CASCADE,
  country     TEXT NOT NULL,             -- CC or ALL
  period      TEXT NOT NULL,             -- all, 2019, 2019-Q2, 2019-05
  indicator   TEXT NOT NULL,
  grp         TEXT NOT NULL,             -- the export's 'group'
  numerator   REAL,
  denominator REAL,
  value       REAL,
  ci_low      REAL,
  ci_high     REAL,
  p_value     REAL
);
CREATE INDEX indicator_results_run ON indicator_results(run_id, country, indicator);

-- Everything else a report draws: series and parameters, unsuppressed.
-- figure names: monthly_encounters (key = YYYY-MM, grp = all|worker_type=X),
-- trend (key = intercept|slope|months), capture_recapture (key = n1|n2|m),
-- reach_by_site / reach_by_setting (key = site or setting, grp =
-- worker_type=X, value = clients reached, value2 = encounters).
CREATE TABLE analysis_figures (
  run_id  INTEGER NOT NULL REFERENCES analysis_runs(run_id) ON DELETE CASCADE,
  country TEXT NOT NULL,
  period  TEXT NOT NULL,
  figure  TEXT NOT NULL,
  grp     TEXT NOT NULL,
  key     TEXT NOT NULL,
  value   REAL,
  value2  REAL
);
CREATE INDEX analysis_figures_run ON analysis_figures(run_id, country, figure);
