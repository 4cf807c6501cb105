-- player_activity: the last occurrence of each event type per player, kept
-- with `events` in the same transaction: by ingestion (storage/activity.ts,
-- called from writeShardEvents for the events actually inserted) and by the
-- retention job (storage/privacy.ts: a row whose last occurrence it deleted
-- lost every occurrence, any other keeps its maximum). Erasure keeps events,
-- and so this table.
-- Segments read it for "did TYPE at least once / never in the last D days"
-- without other filters (core's compileSegment option `playerActivity`,
-- docs/segments.md): one index-only probe of the primary key per candidate
-- player, or one index-only range of player_activity_recent hashed against the
-- candidates, instead of the player's events; the events decide only when the
-- last occurrence lies after the segment's asOf.
CREATE TABLE IF NOT EXISTS player_activity (
  tenant_id text COLLATE "C" NOT NULL,
  player_id text COLLATE "C" NOT NULL,
  type      text NOT NULL,
  shard     smallint NOT NULL,
  last_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, player_id, type) INCLUDE (last_at)
);

-- Backfill from the events already stored.
INSERT INTO player_activity AS a (tenant_id, player_id, type, shard, last_at)
SELECT tenant_id, player_id, type, min(shard), max(occurred_at)
FROM events
GROUP BY tenant_id, player_id, type
ON CONFLICT (tenant_id, player_id, type) DO UPDATE SET last_at = GREATEST(a.last_at, EXCLUDED.last_at);

-- Built after the backfill (one sort instead of row-by-row inserts).
CREATE INDEX IF NOT EXISTS player_activity_recent ON player_activity (tenant_id, type, last_at) INCLUDE (player_id);
