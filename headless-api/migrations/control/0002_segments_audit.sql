-- Saved segments: a rule (core's segment AST, validated before it is stored)
-- per tenant. `version` goes up by one on every update: it is the ETag that
-- makes concurrent edits fail (412) instead of silently overwriting.
CREATE TABLE IF NOT EXISTS segments (
  tenant_id   text COLLATE "C" NOT NULL,
  segment_id  text COLLATE "C" NOT NULL,
  name        text NOT NULL,
  description text,
  ast         jsonb NOT NULL,
  marketing   boolean NOT NULL DEFAULT false,
  version     integer NOT NULL DEFAULT 1,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, segment_id)
);

-- Per-tenant guardrail settings; a tenant without a row gets the default band.
CREATE TABLE IF NOT EXISTS segment_settings (
  tenant_id               text COLLATE "C" PRIMARY KEY,
  risk_band_at_or_above   text NOT NULL,
  updated_by              text NOT NULL,
  updated_at              timestamptz NOT NULL DEFAULT now()
);

-- Append-only audit trail: who (actor: API key id or user), did what
-- (action, target), with what outcome (details), in which request.
CREATE TABLE IF NOT EXISTS audit_log (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id  text COLLATE "C" NOT NULL,
  actor      text,
  action     text NOT NULL,
  target     text,
  details    jsonb NOT NULL DEFAULT '{}',
  request_id text,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS audit_log_tenant_at ON audit_log (tenant_id, at DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_log_tenant_action ON audit_log (tenant_id, action, at DESC);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
