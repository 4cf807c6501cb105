-- storage_jobs: one-off data jobs that `storage.migrate()` runs after the
-- schema migrations and must not run again once finished (a migration file
-- runs on one database; these read every database). A job that dies half-way
-- has no row and runs again from the start on the next migrate; each job is
-- idempotent.
CREATE TABLE IF NOT EXISTS storage_jobs (
  name        text PRIMARY KEY,
  finished_at timestamptz NOT NULL DEFAULT now(),
  details     jsonb NOT NULL DEFAULT '{}'::jsonb
);
