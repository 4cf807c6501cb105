-- Per-tenant authentication settings (issue 4). One row per tenant that set any.
-- allowed_origins: browser origins that may call the API for this tenant
--   (CORS allow-list, embed-token origins, CSP frame-ancestors).
-- jwt_*: the operator's OIDC provider; a backoffice user's JWT must carry this
--   issuer and audience and be signed by a key of this JWKS.
-- rate limits: token buckets, requests per second and burst; NULL = server default.
CREATE TABLE IF NOT EXISTS tenant_auth (
  tenant_id        text COLLATE "C" PRIMARY KEY REFERENCES tenants (tenant_id),
  allowed_origins  text[] NOT NULL DEFAULT '{}',
  jwt_issuer       text,
  jwt_audience     text,
  jwks_url         text,
  key_rate         double precision CHECK (key_rate > 0),
  key_burst        integer CHECK (key_burst > 0),
  tenant_rate      double precision CHECK (tenant_rate > 0),
  tenant_burst     integer CHECK (tenant_burst > 0),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Token buckets shared by every API process using this control database.
CREATE TABLE IF NOT EXISTS rate_buckets (
  bucket     text COLLATE "C" PRIMARY KEY,
  tokens     double precision NOT NULL,
  updated_at double precision NOT NULL,
  allowed    boolean NOT NULL DEFAULT true
);
