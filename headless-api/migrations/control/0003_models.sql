-- Model registry (issue 6): ONNX files per tenant, which version is active
-- (the champion), an optional challenger with its share, per-tenant band
-- thresholds. The file itself is kept here so every API process can load it.

CREATE TABLE IF NOT EXISTS models (
  tenant_id     text COLLATE "C" NOT NULL,
  version       text COLLATE "C" NOT NULL,
  name          text NOT NULL,
  target        text NOT NULL,
  kind          text NOT NULL,
  feature_order jsonb NOT NULL,
  metrics       jsonb,
  trained_at    text,
  card          text,
  sha256        text NOT NULL,
  size_bytes    integer NOT NULL,
  onnx          bytea NOT NULL,
  uploaded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, version)
);
CREATE INDEX IF NOT EXISTS models_tenant_time ON models (tenant_id, uploaded_at DESC, version);

-- Every activation, newest last. The active version is the newest row not
-- rolled back; a rollback marks that row, so the one before it is active again.
CREATE TABLE IF NOT EXISTS model_activations (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id      text COLLATE "C" NOT NULL,
  version        text COLLATE "C" NOT NULL,
  activated_at   timestamptz NOT NULL DEFAULT now(),
  rolled_back_at timestamptz,
  FOREIGN KEY (tenant_id, version) REFERENCES models (tenant_id, version)
);
CREATE INDEX IF NOT EXISTS model_activations_tenant ON model_activations (tenant_id, id DESC);

CREATE TABLE IF NOT EXISTS model_challengers (
  tenant_id  text COLLATE "C" PRIMARY KEY,
  version    text COLLATE "C" NOT NULL,
  share      double precision NOT NULL CHECK (share >= 0 AND share <= 1),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, version) REFERENCES models (tenant_id, version)
);

CREATE TABLE IF NOT EXISTS scoring_configs (
  tenant_id   text COLLATE "C" PRIMARY KEY,
  thresholds  jsonb NOT NULL,
  top_reasons integer NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
