-- Shard databases: every row about a player lives on that player's shard.
-- `shard` is the logical shard (core's shardOf), kept on each row so a logical
-- shard can be copied to another database by a plain WHERE shard = n.

CREATE TABLE IF NOT EXISTS events (
  tenant_id    text COLLATE "C" NOT NULL,
  event_id     text COLLATE "C" NOT NULL,
  player_id    text COLLATE "C" NOT NULL,
  shard        smallint NOT NULL,
  type         text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  product      text,
  amount_minor bigint,
  bonus_minor  bigint,
  win_minor    bigint,
  currency     text,
  status       text,
  direction    text,
  method       text,
  live         boolean,
  ref_id       text,
  ip           text,
  payload      jsonb NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX IF NOT EXISTS events_player_time ON events (tenant_id, player_id, occurred_at);

-- Profile columns are derived from `profile` (the merged jsonb of every
-- update) so that filters, sorts and segments have typed, indexable columns.
CREATE TABLE IF NOT EXISTS players (
  tenant_id           text COLLATE "C" NOT NULL,
  player_id           text COLLATE "C" NOT NULL,
  shard               smallint NOT NULL,
  registered_at       timestamptz,
  country             text,
  currency            text,
  birth_year          integer,
  brand               text,
  market              text,
  language            text,
  affiliate_id        text,
  kyc_verified_at     timestamptz,
  blocked             boolean NOT NULL DEFAULT false,
  self_excluded_until timestamptz,
  test_account        boolean NOT NULL DEFAULT false,
  tags                text[] NOT NULL DEFAULT '{}',
  marketing_consents  jsonb NOT NULL DEFAULT '{}',
  profile             jsonb NOT NULL DEFAULT '{}',
  last_event_at       timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, player_id)
);
CREATE INDEX IF NOT EXISTS players_registered_at ON players (tenant_id, registered_at, player_id);
CREATE INDEX IF NOT EXISTS players_last_event_at ON players (tenant_id, last_event_at, player_id);

-- Personal data apart, so it can be masked, exported and erased on its own.
CREATE TABLE IF NOT EXISTS player_personal (
  tenant_id  text COLLATE "C" NOT NULL,
  player_id  text COLLATE "C" NOT NULL,
  first_name text,
  last_name  text,
  email      text,
  phone      text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, player_id)
);

-- One typed column per feature of core is added by the storage layer from
-- core's definitions (features.ts): the columns follow the code, not this file.
CREATE TABLE IF NOT EXISTS player_features (
  tenant_id   text COLLATE "C" NOT NULL,
  player_id   text COLLATE "C" NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, player_id)
);
