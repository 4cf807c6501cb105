-- Notes agents and admins write about a player (the player 360 card). The text
-- is personal data: masked for analysts, exported with the player's data and
-- deleted by an erasure (storage/privacy.ts). On the player's shard, like every
-- row about a player. `id` is made by the API (a UUID), so it is the same on
-- every database a shard move may copy the row to.
CREATE TABLE IF NOT EXISTS player_notes (
  tenant_id  text COLLATE "C" NOT NULL,
  id         text COLLATE "C" NOT NULL,
  player_id  text COLLATE "C" NOT NULL,
  shard      smallint NOT NULL,
  author     text NOT NULL,
  note       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
-- Newest first, keyset on (created_at, id).
CREATE INDEX IF NOT EXISTS player_notes_recent ON player_notes (tenant_id, player_id, created_at DESC, id DESC);
