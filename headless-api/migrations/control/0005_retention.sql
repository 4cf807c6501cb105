-- Per-tenant retention horizon (issue 4): `pitboss retention` deletes events
-- that occurred, and dead letters received, more than retention_days ago.
-- NULL keeps everything: the horizon is the operator's regulatory choice
-- (gambling regulators require years of financial records), never a default.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS retention_days integer;
ALTER TABLE tenants DROP CONSTRAINT IF EXISTS tenants_retention_days_positive;
ALTER TABLE tenants ADD CONSTRAINT tenants_retention_days_positive CHECK (retention_days > 0);
