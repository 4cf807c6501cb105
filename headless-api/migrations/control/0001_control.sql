-- Control database: tenant-wide tables and the shard map.
-- Identifiers are COLLATE "C" so their order is byte order, the order the
-- merge of shard pages and every client runtime compare in.

CREATE TABLE IF NOT EXISTS tenants (
  tenant_id  text COLLATE "C" PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- An API key is `pb_<key_id>_<secret>`; only a SHA-256 of the secret is kept.
CREATE TABLE IF NOT EXISTS api_keys (
  key_id        text COLLATE "C" PRIMARY KEY,
  tenant_id     text COLLATE "C" NOT NULL REFERENCES tenants (tenant_id),
  role          text NOT NULL CHECK (role IN ('admin', 'analyst', 'agent')),
  secret_sha256 text NOT NULL,
  name          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX IF NOT EXISTS api_keys_tenant ON api_keys (tenant_id, created_at);

-- Logical shard (0..255, from core's shardOf) → index of a physical database in the configuration.
CREATE TABLE IF NOT EXISTS shard_map (
  logical_shard smallint PRIMARY KEY CHECK (logical_shard BETWEEN 0 AND 255),
  database      smallint NOT NULL CHECK (database >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Lines rejected by validation. Kept here, not on a shard: a rejected line may
-- have no valid player_id, hence no shard.
CREATE TABLE IF NOT EXISTS dead_letters (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   text COLLATE "C" NOT NULL,
  line        integer NOT NULL,
  event_id    text,
  player_id   text,
  raw         text NOT NULL,
  issues      jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS dead_letters_tenant_time ON dead_letters (tenant_id, received_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS dead_letters_tenant_player ON dead_letters (tenant_id, player_id) WHERE player_id IS NOT NULL;
