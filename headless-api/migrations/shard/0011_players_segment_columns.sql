-- Segment columns of players: every feature of player_features and the last
-- occurrence of every event type (player_activity.last_at per type) are also
-- kept on the player's own row, so that a segment preview reads one row (or
-- one covering index entry) per player instead of joining players,
-- player_features and player_activity (docs/segments.md, "Indexes and
-- performance": two hash joins on the text player_id cost 2-4 times the
-- index ranges they joined).
--   - last_<type>_at: written by ingestion in the statement that upserts
--     player_activity and players (storage/writes.ts, ingestPlayersSql: the
--     rows player_activity's upsert returns), so it always equals
--     player_activity's last_at for that type; the retention job clears a
--     column whose last occurrence it deleted (storage/activity.ts).
--   - feature columns: written by the feature refresh in the transaction that
--     upserts player_features (storage/writes.ts, refreshFeatures), equal to
--     player_features; a feature added later gets its players column from
--     featureColumnsSql, as player_features does.
-- Segments compile with core's layout 'wide' and lastSeenColumns, and the
-- marketing guardrail reads the same row.
ALTER TABLE players
  ADD COLUMN IF NOT EXISTS last_player_updated_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_bet_placed_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_bet_settled_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_casino_round_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_payment_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_session_started_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_session_ended_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_limit_changed_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_exclusion_started_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_rg_interaction_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_bonus_granted_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_bonus_wagered_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_bonus_forfeited_at timestamptz,
  ADD COLUMN IF NOT EXISTS deposit_count_7d integer,
  ADD COLUMN IF NOT EXISTS deposit_count_30d integer,
  ADD COLUMN IF NOT EXISTS deposit_sum_7d bigint,
  ADD COLUMN IF NOT EXISTS deposit_sum_30d bigint,
  ADD COLUMN IF NOT EXISTS deposit_escalation double precision,
  ADD COLUMN IF NOT EXISTS net_loss_30d bigint,
  ADD COLUMN IF NOT EXISTS stake_mean_30d double precision,
  ADD COLUMN IF NOT EXISTS stake_cv_30d double precision,
  ADD COLUMN IF NOT EXISTS active_days_30d integer,
  ADD COLUMN IF NOT EXISTS bets_per_active_day_30d double precision,
  ADD COLUMN IF NOT EXISTS stake_trajectory_30d double precision,
  ADD COLUMN IF NOT EXISTS cancelled_withdrawals_30d integer,
  ADD COLUMN IF NOT EXISTS failed_deposit_ratio_30d double precision,
  ADD COLUMN IF NOT EXISTS payment_methods_30d integer,
  ADD COLUMN IF NOT EXISTS night_play_share_30d double precision,
  ADD COLUMN IF NOT EXISTS session_count_30d integer,
  ADD COLUMN IF NOT EXISTS session_mean_minutes_30d double precision,
  ADD COLUMN IF NOT EXISTS live_bet_share_30d double precision,
  ADD COLUMN IF NOT EXISTS limit_increases_90d integer,
  ADD COLUMN IF NOT EXISTS days_since_last_bet integer,
  ADD COLUMN IF NOT EXISTS tenure_days integer;

-- player_features gets its columns from storage's featureColumnsSql, which runs
-- after the numbered migrations: on a database created by this release they
-- are not there yet, and there is nothing to copy.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'player_features' AND column_name = 'tenure_days') THEN
    UPDATE players p SET
      deposit_count_7d = f.deposit_count_7d, deposit_count_30d = f.deposit_count_30d, deposit_sum_7d = f.deposit_sum_7d,
      deposit_sum_30d = f.deposit_sum_30d, deposit_escalation = f.deposit_escalation, net_loss_30d = f.net_loss_30d,
      stake_mean_30d = f.stake_mean_30d, stake_cv_30d = f.stake_cv_30d, active_days_30d = f.active_days_30d,
      bets_per_active_day_30d = f.bets_per_active_day_30d, stake_trajectory_30d = f.stake_trajectory_30d,
      cancelled_withdrawals_30d = f.cancelled_withdrawals_30d, failed_deposit_ratio_30d = f.failed_deposit_ratio_30d,
      payment_methods_30d = f.payment_methods_30d, night_play_share_30d = f.night_play_share_30d,
      session_count_30d = f.session_count_30d, session_mean_minutes_30d = f.session_mean_minutes_30d,
      live_bet_share_30d = f.live_bet_share_30d, limit_increases_90d = f.limit_increases_90d,
      days_since_last_bet = f.days_since_last_bet, tenure_days = f.tenure_days
    FROM player_features f
    WHERE f.tenant_id = p.tenant_id AND f.player_id = p.player_id;
  END IF;
END $$;

UPDATE players p SET
  last_player_updated_at = a.last_player_updated_at, last_bet_placed_at = a.last_bet_placed_at,
  last_bet_settled_at = a.last_bet_settled_at, last_casino_round_at = a.last_casino_round_at,
  last_payment_at = a.last_payment_at, last_session_started_at = a.last_session_started_at,
  last_session_ended_at = a.last_session_ended_at, last_limit_changed_at = a.last_limit_changed_at,
  last_exclusion_started_at = a.last_exclusion_started_at, last_rg_interaction_at = a.last_rg_interaction_at,
  last_bonus_granted_at = a.last_bonus_granted_at, last_bonus_wagered_at = a.last_bonus_wagered_at,
  last_bonus_forfeited_at = a.last_bonus_forfeited_at
FROM (
  SELECT tenant_id, player_id,
    max(last_at) FILTER (WHERE type = 'player.updated') AS last_player_updated_at,
    max(last_at) FILTER (WHERE type = 'bet.placed') AS last_bet_placed_at,
    max(last_at) FILTER (WHERE type = 'bet.settled') AS last_bet_settled_at,
    max(last_at) FILTER (WHERE type = 'casino.round') AS last_casino_round_at,
    max(last_at) FILTER (WHERE type = 'payment') AS last_payment_at,
    max(last_at) FILTER (WHERE type = 'session.started') AS last_session_started_at,
    max(last_at) FILTER (WHERE type = 'session.ended') AS last_session_ended_at,
    max(last_at) FILTER (WHERE type = 'limit.changed') AS last_limit_changed_at,
    max(last_at) FILTER (WHERE type = 'exclusion.started') AS last_exclusion_started_at,
    max(last_at) FILTER (WHERE type = 'rg.interaction') AS last_rg_interaction_at,
    max(last_at) FILTER (WHERE type = 'bonus.granted') AS last_bonus_granted_at,
    max(last_at) FILTER (WHERE type = 'bonus.wagered') AS last_bonus_wagered_at,
    max(last_at) FILTER (WHERE type = 'bonus.forfeited') AS last_bonus_forfeited_at
  FROM player_activity
  GROUP BY tenant_id, player_id
) a
WHERE a.tenant_id = p.tenant_id AND a.player_id = p.player_id;

-- players_segment now covers, besides country, registration and the
-- guardrail's columns, the features and last-seen times marketing segments
-- use most: a segment on these columns alone is one index-only range per
-- country (or one index-only scan of the tenant), with no join and no heap.
-- A segment on other columns reads the players heap, still without a join.
-- An operator whose segments lean on other columns can add a covering index
-- of the same shape; the planner picks whichever serves. Kept narrow on
-- purpose: every included column widens each entry a preview reads.
DROP INDEX IF EXISTS players_segment;
CREATE INDEX IF NOT EXISTS players_segment ON players (tenant_id, country, registered_at)
  INCLUDE (player_id, blocked, self_excluded_until, timed_out_until, risk_band,
           deposit_sum_30d, net_loss_30d, last_bet_placed_at, last_casino_round_at, last_session_started_at);
