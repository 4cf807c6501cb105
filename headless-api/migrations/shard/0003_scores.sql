-- Scores (issue 6): every score with the model version that produced it, on
-- the player's shard. players.risk_score/risk_band hold the latest one for
-- segments; IF NOT EXISTS because the segments migration may add them first.

CREATE TABLE IF NOT EXISTS player_scores (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id     text COLLATE "C" NOT NULL,
  player_id     text COLLATE "C" NOT NULL,
  shard         smallint NOT NULL,
  model_version text COLLATE "C" NOT NULL,
  role          text NOT NULL CHECK (role IN ('champion', 'challenger')),
  probability   double precision NOT NULL,
  score         smallint NOT NULL,
  band          text NOT NULL,
  reasons       jsonb NOT NULL,
  scored_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS player_scores_latest ON player_scores (tenant_id, player_id, scored_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS player_scores_version ON player_scores (tenant_id, model_version, player_id, scored_at DESC);

-- Outcomes posted by the operator (POST /v1/labels): 1 = harm confirmed, 0 = not.
CREATE TABLE IF NOT EXISTS player_labels (
  tenant_id  text COLLATE "C" NOT NULL,
  player_id  text COLLATE "C" NOT NULL,
  target     text NOT NULL,
  label      smallint NOT NULL CHECK (label IN (0, 1)),
  labelled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, player_id, target)
);

ALTER TABLE players ADD COLUMN IF NOT EXISTS risk_score smallint;
ALTER TABLE players ADD COLUMN IF NOT EXISTS risk_band text;
