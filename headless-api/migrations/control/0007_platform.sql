-- Platform operators (issue 4): whoever runs this Pitboss installation creates
-- tenants and their keys through /v1/admin with a platform key. A platform key
-- is `pbp_<key_id>_<secret>`; like api_keys, only a SHA-256 of the secret is
-- kept. It belongs to no tenant and reads no tenant's data.
CREATE TABLE IF NOT EXISTS platform_keys (
  key_id        text COLLATE "C" PRIMARY KEY,
  secret_sha256 text NOT NULL,
  name          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz
);

-- Append-only trail of everything done with platform keys (and of the CLI
-- creating or revoking them): who (actor: platform key id, or `cli`), what
-- (action), to which tenant and target, outcome (details), request id.
-- Actions on a tenant are also written to that tenant's audit_log.
CREATE TABLE IF NOT EXISTS platform_audit (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor      text,
  action     text NOT NULL,
  tenant_id  text COLLATE "C",
  target     text,
  details    jsonb NOT NULL DEFAULT '{}',
  request_id text,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS platform_audit_at ON platform_audit (at DESC, id DESC);

-- The same refusal as audit_log's (function from control/0002).
DROP TRIGGER IF EXISTS platform_audit_no_change ON platform_audit;
CREATE TRIGGER platform_audit_no_change BEFORE UPDATE OR DELETE ON platform_audit FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
DROP TRIGGER IF EXISTS platform_audit_no_truncate ON platform_audit;
CREATE TRIGGER platform_audit_no_truncate BEFORE TRUNCATE ON platform_audit FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
