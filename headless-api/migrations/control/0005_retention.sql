-- Per-tenant retention horizon (issue 4): `pitboss retention` deletes events
-- that occurred, and dead letters received, more than retention_days ago.
-- NULL keeps everything: the horizon is the operator's regulatory choice
-- (gambling regulators require years of financial records), never a default.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS retention_days integer;
ALTER TABLE tenants DROP CONSTRAINT IF EXISTS tenants_retention_days_positive;
ALTER TABLE tenants ADD CONSTRAINT tenants_retention_days_positive CHECK (retention_days > 0);

-- GET /v1/audit and GET /v1/dead-letters page newest first on the id (an
-- identity, so a cursor is one integer); these serve that order per tenant.
CREATE INDEX IF NOT EXISTS audit_log_tenant_id ON audit_log (tenant_id, id DESC);
CREATE INDEX IF NOT EXISTS dead_letters_tenant_id ON dead_letters (tenant_id, id DESC);
