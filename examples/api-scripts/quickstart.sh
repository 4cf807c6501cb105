#!/usr/bin/env bash
# Pitboss API quick start with curl: ingest events as NDJSON (twice, to show
# idempotency), preview a segment, score a player and read the score with its
# reasons. Needs bash and curl; works against `npm start`:
#
#   npm start                                  # another terminal: API on :8787, demo key in .pitboss/demo-key
#   bash examples/api-scripts/quickstart.sh
#
# PITBOSS_URL (default http://127.0.0.1:8787), PITBOSS_KEY (default: .pitboss/demo-key; an admin
# key, since scoring on demand needs players:write), PLAYER (default qs-<time>).
set -euo pipefail

URL="${PITBOSS_URL:-http://127.0.0.1:8787}"
KEY="${PITBOSS_KEY:-$(cat "${PITBOSS_DATA_DIR:-.pitboss}/demo-key" 2>/dev/null || true)}"
if [ -z "$KEY" ]; then
  echo "Set PITBOSS_KEY to an API key (or run 'npm start' first: it writes .pitboss/demo-key)." >&2
  exit 2
fi
PLAYER="${PLAYER:-qs-$(date +%s)}"
NOW_S=$(date -u +%s)
# ISO 8601 timestamps N minutes ago (GNU date, else BSD date).
ago() { date -u -d "@$((NOW_S - $1 * 60))" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$((NOW_S - $1 * 60))" +%Y-%m-%dT%H:%M:%SZ; }

# Every call: the key as a bearer token; --fail-with-body exits non-zero on 4xx/5xx and still
# prints the application/problem+json body, which says what was wrong.
api() { curl -sS --fail-with-body -H "Authorization: Bearer $KEY" "$@"; echo; }

# One event per line. event_id makes each event idempotent: sending it again stores nothing new.
events() {
  cat <<EOF
{"schema_version":1,"type":"player.updated","event_id":"$PLAYER-reg","player_id":"$PLAYER","occurred_at":"$(ago 4000)","profile":{"registered_at":"$(ago 4000)","country":"BR","currency":"BRL","brand":"acmebet"}}
{"schema_version":1,"type":"payment","event_id":"$PLAYER-dep-1","player_id":"$PLAYER","occurred_at":"$(ago 300)","payment_id":"$PLAYER-pm-1","direction":"deposit","status":"approved","method":"pix","amount_minor":50000,"currency":"BRL"}
{"schema_version":1,"type":"payment","event_id":"$PLAYER-dep-2","player_id":"$PLAYER","occurred_at":"$(ago 200)","payment_id":"$PLAYER-pm-2","direction":"deposit","status":"approved","method":"pix","amount_minor":120000,"currency":"BRL"}
{"schema_version":1,"type":"payment","event_id":"$PLAYER-dep-3","player_id":"$PLAYER","occurred_at":"$(ago 100)","payment_id":"$PLAYER-pm-3","direction":"deposit","status":"approved","method":"pix","amount_minor":300000,"currency":"BRL"}
{"schema_version":1,"type":"bet.placed","event_id":"$PLAYER-bet-1","player_id":"$PLAYER","occurred_at":"$(ago 90)","bet_id":"$PLAYER-b1","bet_type":"single","stake_minor":200000,"currency":"BRL","odds":1.9,"legs":[{"sport":"football","event":"Flamengo v Palmeiras","market":"1x2","selection":"Flamengo","odds":1.9}]}
EOF
}

echo "== POST /v1/events (NDJSON, 5 events for $PLAYER)"
events | api -H 'Content-Type: application/x-ndjson' --data-binary @- "$URL/v1/events"

echo "== POST /v1/events again (same event_ids: duplicates, nothing stored twice)"
events | api -H 'Content-Type: application/x-ndjson' --data-binary @- "$URL/v1/events"

echo "== POST /v1/segments/preview (Brazilian players with at least 3 approved deposits in 30 days)"
api -H 'Content-Type: application/json' "$URL/v1/segments/preview" --data-binary @- <<'EOF'
{"segment":{"all":[{"field":"country","op":"in","value":["BR"]},{"did":{"type":"payment","direction":"deposit","status":["approved"]},"op":"at_least","times":3,"days":30}]},"limit":5}
EOF

# Features are brought up to date in the background after ingestion; until then the player is
# listed under "missing". Ask again for up to a minute.
echo "== POST /v1/scores (score $PLAYER now with the active model)"
for _ in $(seq 1 60); do
  SCORES=$(api -H 'Content-Type: application/json' --data-binary "{\"player_ids\":[\"$PLAYER\"]}" "$URL/v1/scores")
  case "$SCORES" in *'"missing":[]'*) break ;; esac
  sleep 1
done
echo "$SCORES"

echo "== GET /v1/players/$PLAYER/score (latest score, band, reasons with UKGC categories)"
api "$URL/v1/players/$PLAYER/score"

# Money features are in each player's own currency (minor units): rank within one.
echo "== GET /v1/players?country=BR&currency=BRL&sort=deposit_sum_30d&order=desc&limit=3 (keyset page; next_cursor fetches the next)"
api "$URL/v1/players?country=BR&currency=BRL&sort=deposit_sum_30d&order=desc&limit=3"
