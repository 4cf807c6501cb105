-- players_segment: segment counts read a player's country and registration
-- date, and marketing counts the guardrail's columns, from this index alone
-- (an index-only scan, once VACUUM has set the visibility map as autovacuum
-- does) instead of the players heap, whose rows carry the profile, tags and
-- consents. It serves a segment whose players conditions use only these
-- columns: country (= or IN: one index range per country), registered_at
-- (a range inside each country, or a filter on the index when there is no
-- country condition), and for a marketing segment the guardrail's
-- blocked, self_excluded_until, timed_out_until and risk_band. Feature
-- conditions read player_features_<feature> (already covering) and "did TYPE"
-- reads player_activity_recent (migration 0007). Any other players column
-- (currency, brand, tags, …) sends the planner back to the heap as before.
-- Ingestion pays one more index entry per player row it updates (every update
-- of last_event_at is already a non-HOT update: players_last_event_at).
-- Measured in docs/segments.md (Performance).
CREATE INDEX IF NOT EXISTS players_segment ON players (tenant_id, country, registered_at)
  INCLUDE (player_id, blocked, self_excluded_until, timed_out_until, risk_band);
