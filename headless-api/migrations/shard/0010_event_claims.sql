-- event_claims: each event id once per tenant, whichever player it is for.
-- `events` lives on its player's shard, so its primary key (tenant_id,
-- event_id) refuses an id only when the earlier event went to the same
-- database: the same event_id sent again for another player (a client bug, a
-- remapped player id) would otherwise be stored a second time on another
-- database and counted twice. A claim lives on the database of
-- shardOf(tenant, event_id) (`shard` is that logical shard, so it moves with
-- it like every row); ingestion claims a batch's ids there before it writes
-- the events (storage/event-claims.ts). An id claimed by another player is
-- rejected; one claimed by the same player goes on to the events' primary
-- key, which decides new or duplicate. Only configurations with several
-- databases write claims: with one database the primary key sees every id.
-- The retention job deletes claims with their events (by occurred_at);
-- erasure keeps them, as it keeps events. Claims of events stored before this
-- migration are added once by `storage.migrate()` (storage job
-- 'event_claims_backfill').
CREATE TABLE IF NOT EXISTS event_claims (
  tenant_id   text COLLATE "C" NOT NULL,
  event_id    text COLLATE "C" NOT NULL,
  shard       smallint NOT NULL,
  player_id   text COLLATE "C" NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, event_id)
);
