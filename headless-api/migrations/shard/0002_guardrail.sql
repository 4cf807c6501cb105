-- What the marketing guardrail of segments reads (docs/segments.md).
-- timed_out_until: set by `exclusion.started` events of kind `time_out`
-- (`infinity` when open-ended), as self_excluded_until is for `self_exclusion`.
-- risk_score / risk_band: written by scoring. The band list is closed so that a
-- band the guardrail does not know fails the write instead of slipping past
-- the `risk_band IN (bands at or above the threshold)` test; it must match the
-- `risk_band` enum of core's field registry, lowest risk first.
ALTER TABLE players ADD COLUMN IF NOT EXISTS timed_out_until timestamptz;
ALTER TABLE players ADD COLUMN IF NOT EXISTS risk_score double precision;
ALTER TABLE players ADD COLUMN IF NOT EXISTS risk_band text;
ALTER TABLE players DROP CONSTRAINT IF EXISTS players_risk_band_known;
ALTER TABLE players ADD CONSTRAINT players_risk_band_known CHECK (risk_band IN ('low', 'medium', 'high', 'severe'));

-- No new index: member pages are keyset scans of the primary key (tenant_id,
-- player_id); counts start from the most selective indexed condition
-- (players_registered_at, players_last_event_at, one index per feature) and
-- behavioural conditions probe events_player_time once per candidate. An
-- events index with `type` in the key, or a GIN index on tags, would serve
-- rarer forms at a cost paid by every ingested event (docs/segments.md).
