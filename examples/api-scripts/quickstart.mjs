#!/usr/bin/env node
// Pitboss API quick start in Node with @pitboss/sdk: ingest events (twice, to
// show idempotency), preview a segment, score a player, read the score with its
// reasons, page through players, and see a problem+json error as a typed error.
//
//   npm start                                                  # another terminal
//   node --conditions=source --import tsx examples/api-scripts/quickstart.mjs   # from the sources
//   node examples/api-scripts/quickstart.mjs                   # after `npm run build`
//
// PITBOSS_URL (default http://127.0.0.1:8787), PITBOSS_KEY (default .pitboss/demo-key; an admin key),
// PLAYER (default qs-node-<time>).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PitbossApiError, PitbossClient, apiKey } from '@pitboss/sdk';

const baseUrl = process.env.PITBOSS_URL ?? 'http://127.0.0.1:8787';
let key = process.env.PITBOSS_KEY;
if (!key) {
  try {
    key = readFileSync(join(process.env.PITBOSS_DATA_DIR ?? '.pitboss', 'demo-key'), 'utf8').trim();
  } catch {
    console.error("Set PITBOSS_KEY to an API key (or run 'npm start' first: it writes .pitboss/demo-key).");
    process.exit(2);
  }
}

const client = new PitbossClient({
  baseUrl,
  auth: apiKey(key),
  onRetry: ({ method, path, attempt, delayMs }) => console.error(`retrying ${method} ${path} (attempt ${attempt}) in ${delayMs} ms`),
});

const player = process.env.PLAYER ?? `qs-node-${Date.now()}`;
const ago = (minutes) => new Date(Date.now() - minutes * 60_000).toISOString();
const events = [
  {
    schema_version: 1, type: 'player.updated', event_id: `${player}-reg`, player_id: player, occurred_at: ago(4000),
    profile: { registered_at: ago(4000), country: 'BR', currency: 'BRL', brand: 'acmebet' },
  },
  ...[50_000, 120_000, 300_000].map((amount, i) => ({
    schema_version: 1, type: 'payment', event_id: `${player}-dep-${i + 1}`, player_id: player, occurred_at: ago(300 - i * 100),
    payment_id: `${player}-pm-${i + 1}`, direction: 'deposit', status: 'approved', method: 'pix', amount_minor: amount, currency: 'BRL',
  })),
  {
    schema_version: 1, type: 'bet.placed', event_id: `${player}-bet-1`, player_id: player, occurred_at: ago(90),
    bet_id: `${player}-b1`, bet_type: 'single', stake_minor: 200_000, currency: 'BRL', odds: 1.9,
    legs: [{ sport: 'football', event: 'Flamengo v Palmeiras', market: '1x2', selection: 'Flamengo', odds: 1.9 }],
  },
];

// 1. Ingest. The report counts accepted, duplicate and rejected lines; a 2xx means every accepted line is committed.
const first = await client.ingestEvents(events);
console.log(`ingest: accepted ${first.accepted}, duplicate ${first.duplicate}, rejected ${first.rejected}`);
const again = await client.ingestEvents(events); // a retry after a timeout is safe: event_id is the idempotency key
console.log(`ingest again: accepted ${again.accepted}, duplicate ${again.duplicate}, rejected ${again.rejected}`);

// 2. A segment: count and first members, across every shard.
const preview = await client.previewSegment(
  { all: [{ field: 'country', op: 'in', value: ['BR'] }, { did: { type: 'payment', direction: 'deposit', status: ['approved'] }, op: 'at_least', times: 3, days: 30 }] },
  { limit: 5 },
);
console.log(`segment: ${preview.count} players; first: ${preview.items.map((m) => m.player_id).join(', ')}`);

// 3. Score now. Features are refreshed in the background after ingestion, so the player may be
// `missing` for a moment: ask again.
let scored;
for (let i = 0; i < 60; i++) {
  scored = await client.request('/v1/scores', { method: 'POST', json: { player_ids: [player] } });
  if (scored.missing.length === 0) break;
  await new Promise((r) => setTimeout(r, 1000));
}
const [score] = scored.scores;
if (!score) throw new Error(`${player} was not scored: features still missing after a minute`);
console.log(`score: ${score.score} (${score.band}) by model ${score.model_version}`);

// 4. The stored score, with its reasons (UKGC indicator categories, text in en, pt-BR, es).
const latest = await client.getPlayerScore(player);
for (const r of latest.reasons) console.log(`reason: ${r.feature} [${r.category}] ${r.text.en}`);

// 5. Keyset pagination: players() follows next_cursor page after page. Money features are in each
//    player's own currency (minor units), so players are ranked by deposits within one currency.
let n = 0;
for await (const p of client.players({ country: 'BR', currency: 'BRL', sort: 'deposit_sum_30d', order: 'desc', limit: 100 })) {
  if (n++ < 3) console.log(`player: ${p.player_id} deposits 30d ${p.features.deposit_sum_30d} ${p.currency}`);
}
console.log(`players in BR with BRL accounts: ${n}`);

// 6. Errors are application/problem+json, rebuilt as PitbossApiError with a stable slug.
try {
  await client.getPlayer('no-such-player');
} catch (error) {
  if (!(error instanceof PitbossApiError)) throw error;
  console.log(`error: ${error.status} ${error.slug}: ${error.detail ?? error.title}`);
}
