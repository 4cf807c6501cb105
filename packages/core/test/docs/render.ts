import { z } from 'zod';
import {
  BetPlaced, BetSettled, BonusForfeited, BonusGranted, BonusWagered, CasinoRound, EVENT_EXAMPLES, EVENT_TYPES,
  ExclusionStarted, FEATURES, LimitChanged, Payment, PlayerUpdated, RgInteraction, SessionEnded, SessionStarted,
  UKGC_CATEGORIES, compileFeatureQuery, fieldByKey,
} from '@pitboss/core';
import type { EventType, FeatureDefinition } from '@pitboss/core';

/**
 * Renders docs/features.md and docs/events.md from core's definitions, so the
 * reference cannot drift from the code. `docs.test.ts` compares the files with
 * this output; `PITBOSS_UPDATE_DOCS=1` rewrites them.
 */

const SCHEMAS: Record<EventType, z.ZodType> = {
  'player.updated': PlayerUpdated, 'bet.placed': BetPlaced, 'bet.settled': BetSettled, 'casino.round': CasinoRound,
  payment: Payment, 'session.started': SessionStarted, 'session.ended': SessionEnded, 'limit.changed': LimitChanged,
  'exclusion.started': ExclusionStarted, 'rg.interaction': RgInteraction, 'bonus.granted': BonusGranted,
  'bonus.wagered': BonusWagered, 'bonus.forfeited': BonusForfeited,
};

const EVENT_PURPOSE: Record<EventType, string> = {
  'player.updated': 'A change to the player profile; fields are merged into what is stored. Personal data goes under `profile.personal` only.',
  'bet.placed': 'A sports bet accepted by the operator (single, multi or system).',
  'bet.settled': 'The result of a sports bet, including cash-outs and voids.',
  'casino.round': 'One round of a casino game: stake and win together.',
  payment: 'A deposit or withdrawal in one of its states; send one event per state change.',
  'session.started': 'A login. `ip` is personal data: masked for analysts, erased with the player.',
  'session.ended': 'A logout or timeout, matched to its start by `session_id`.',
  'limit.changed': 'A deposit, loss, wager, time or bet-count limit set, raised, lowered or removed.',
  'exclusion.started': 'A self-exclusion or time-out, with the operator or a national register (GAMSTOP, SIGAP, RGIAJ).',
  'rg.interaction': 'A responsible-gambling contact with the player and its outcome.',
  'bonus.granted': 'A bonus credited to the player.',
  'bonus.wagered': 'A bonus whose wagering requirement was met.',
  'bonus.forfeited': 'A bonus lost or cancelled before it was wagered.',
};

type Json = Record<string, unknown>;

function describeType(name: string, s: Json): string {
  if (name === 'currency' || name.endsWith('.currency')) return 'ISO 4217 code';
  if (name === 'country' || name.endsWith('.country')) return 'ISO 3166-1 alpha-2 code';
  if ('const' in s) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.enum)) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (Array.isArray(s.anyOf)) {
    const parts = (s.anyOf as Json[]).map((x) => describeType(name, x));
    return parts.join(' or ');
  }
  if (s.format === 'date-time') return 'ISO 8601 timestamp with offset';
  if (s.pattern === '^[\\x21-\\x7e]+$') return '1–128 printable ASCII chars, no spaces';
  if (name.endsWith('phone') && s.type === 'string') return 'E.164 phone number (`+5511912345678`)';
  if (name.endsWith('language')) return 'BCP 47 language tag (`pt-BR`)';
  if (s.format === 'email') return 'email';
  const t = String(s.type ?? 'any');
  const bits: string[] = [];
  if (typeof s.minimum === 'number' && s.minimum !== Number.MIN_SAFE_INTEGER) bits.push(`≥ ${s.minimum}`);
  if (typeof s.exclusiveMinimum === 'number') bits.push(`> ${s.exclusiveMinimum}`);
  if (typeof s.maximum === 'number' && s.maximum !== Number.MAX_SAFE_INTEGER) bits.push(`≤ ${s.maximum}`);
  if (typeof s.maxLength === 'number') bits.push(`≤ ${s.maxLength} chars`);
  if (t === 'array') {
    const items = s.items as Json | undefined;
    return items?.type === 'object' ? 'array of objects (below)' : `array of ${items ? describeType(name, items) : 'any'}`;
  }
  if (t === 'integer' && name.endsWith('_minor')) return `integer minor units${bits.length ? ` (${bits.join(', ')})` : ''}`;
  return `${t}${bits.length ? ` (${bits.join(', ')})` : ''}`;
}

function fieldRows(schema: Json, prefix = ''): string[] {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  const rows: string[] = [];
  for (const [key, s] of Object.entries(props)) {
    const name = `${prefix}${key}`;
    const req = required.has(key) ? 'yes' : 'default' in s ? `no (default \`${JSON.stringify(s.default)}\`)` : 'no';
    rows.push(`| \`${name}\` | ${describeType(name, s)} | ${req} |`);
    if (s.type === 'object' && s.properties && key !== 'attributes') rows.push(...fieldRows(s, `${name}.`));
    const items = s.items as Json | undefined;
    if (s.type === 'array' && items?.type === 'object') rows.push(...fieldRows(items, `${name}[].`));
  }
  return rows;
}

/** docs/events.md */
export function renderEventsDoc(): string {
  const out: string[] = [];
  out.push(
    '# Event schema reference (version 1)',
    '',
    '<!-- Generated from packages/core (events.ts, event-examples.ts) by packages/core/test/docs/render.ts.',
    '     Edit the code, then run: PITBOSS_UPDATE_DOCS=1 npx vitest run packages/core/test/docs.test.ts -->',
    '',
    'Operators send one JSON object per event, as NDJSON or a JSON array, to `POST /v1/events`.',
    '`parseEvent` in `@pitboss/core` is the validator every part of Pitboss uses.',
    '',
    '## Conventions',
    '',
    '- **Envelope.** Every event has `schema_version` (now `1`), `type`, `event_id`, `player_id` and `occurred_at`.',
    '  An unknown `schema_version` or `type` is rejected before anything else.',
    '- **Idempotency.** `event_id` is the operator\'s own id and the idempotency key: the same `(tenant, event_id)` is stored once,',
    '  however often it is sent. An `event_id` names one event of one player: sent again for a *different* player it is',
    '  rejected (`pointer: /event_id`) and the first event stays. Send one event per state change (a payment `requested`, then `approved`), each with its own `event_id`.',
    '- **Time.** `occurred_at` is ISO 8601 with `Z` or a numeric offset (`2026-03-01T20:41:10-03:00`). A local time without',
    '  a zone is rejected, and so is a time more than 5 minutes in the future.',
    '- **Money.** Never a float. Every amount is an integer count of the currency\'s minor unit (cents, centavos; yen for JPY)',
    '  in a field whose name ends in `_minor`, beside an ISO 4217 `currency`: BRL 25.00 is `"stake_minor": 2500`;',
    '  JPY 500 is `500`; KWD 1.234 is `1234`. Amounts are non-negative safe integers (≤ 2^53 − 1), `bigint` in SQL.',
    '  `toDecimalString(2500, \'BRL\')` gives `\'25.00\'`; `fromDecimalString(\'25\', \'BRL\')` gives `2500`, exactly.',
    '  Odds are decimal odds (a ratio, a plain number), not money.',
    '- **Personal data** (name, email, phone) goes only under `profile.personal` of `player.updated`; the IP only in `ip` of',
    '  `session.started`. Storage keeps them apart from everything else (`toEventRow` strips them from the payload), masks them for',
    '  analysts and erases them on request.',
    '- **Errors.** A rejected event comes back with issues located by RFC 6901 JSON pointers:',
    '  `{ "pointer": "/legs/0/odds", "message": "Invalid input: expected number, received string" }`.',
    '- **Attributes.** Every event may carry `attributes`: a flat object of at most 32 operator-defined keys',
    '  (strings ≤ 256 chars, numbers, booleans, null), kept with the event.',
    '- Unknown fields are rejected (strict objects), so a typo never silently drops data.',
    '',
    '## Event types',
    '',
    ...EVENT_TYPES.map((t) => `- [\`${t}\`](#${t.replace(/\./g, '')}): ${EVENT_PURPOSE[t]}`),
    '',
  );
  for (const type of EVENT_TYPES) {
    const schema = z.toJSONSchema(SCHEMAS[type], { io: 'input', unrepresentable: 'any' }) as Json;
    out.push(
      `### \`${type}\``,
      '',
      EVENT_PURPOSE[type],
      '',
      '| field | type | required |',
      '| --- | --- | --- |',
      ...fieldRows(schema),
      '',
      '```json',
      JSON.stringify(EVENT_EXAMPLES[type], null, 2),
      '```',
      '',
    );
  }
  return out.join('\n');
}

function windowText(f: FeatureDefinition): string {
  const e = f.expr;
  const terms = e.op === 'term' ? [e] : e.op === 'ratio' ? [e.numerator, e.denominator] : [e.minuend, e.subtrahend];
  const spans = terms.map((t) => {
    if (t.window === null) return 'all history';
    const from = (t.window.offsetDays ?? 0);
    return from === 0 ? `${t.window.days} days` : `days ${from}–${from + t.window.days} back`;
  });
  return [...new Set(spans)].join(' / ');
}

/** docs/features.md */
export function renderFeaturesDoc(): string {
  const out: string[] = [];
  out.push(
    '# Features',
    '',
    '<!-- Generated from packages/core/src/features.ts by packages/core/test/docs/render.ts.',
    '     Edit the code, then run: PITBOSS_UPDATE_DOCS=1 npx vitest run packages/core/test/docs.test.ts -->',
    '',
    'Per-player responsible-gambling and churn markers, declared once in `@pitboss/core` (`FEATURES`) and compiled to SQL',
    'for PostgreSQL and DuckDB by `compileFeatureQuery`. The same events give the same values in both engines',
    '(`packages/core/test/feature-sql.test.ts` runs both and compares).',
    '',
    '## Conventions',
    '',
    '- **as_of.** Every feature is computed at a point in time `as_of` (a query parameter). Events after `as_of` are ignored.',
    '- **Windows.** "N days" is the half-open interval `(as_of − N × 24 h, as_of]`, in hours, so a DST change never',
    '  stretches it. An event exactly N × 24 h old is outside.',
    '- **Clock.** Hour-of-day (night play) and calendar-day (active days) features use **UTC**, unless the query is compiled',
    '  with `{ timeZone: true }` and given an IANA zone (`America/Sao_Paulo`) as the `time_zone` parameter.',
    '- **Wagers** are `bet.placed` and `casino.round` events; a wager\'s stake is its `stake_minor` (bonus money included).',
    '  **Winnings** are `payout_minor` of `bet.settled` and `win_minor` of `casino.round`.',
    '- **Deposits** count only `status = approved` unless stated; a payment sent as `requested` then `approved` counts once.',
    '- **Money** features are integer minor units of the player\'s currency (one currency per player is assumed).',
    '- **Missing values.** Counts and sums are 0 when nothing matched; means and ratios are null when their denominator is',
    '  0 or empty; `days_since_last_bet` is null for a player who never wagered.',
    '- **Registration** (`tenure_days`): the earliest `profile.registered_at` sent in a `player.updated` event; for a',
    '  player without one, the first event. Read from the events alone, so the query needs no players table.',
    '- **Braverman–Shaffer markers** (Braverman & Shaffer 2012, internet sports betting): frequency = `active_days_30d`,',
    '  intensity = `bets_per_active_day_30d`, variability = `stake_cv_30d`, trajectory = `stake_trajectory_30d`.',
    '- **UKGC category**: the Gambling Commission\'s customer-interaction indicator group the feature informs, used to',
    `  explain flags: ${UKGC_CATEGORIES.map((c) => `\`${c}\``).join(', ')}.`,
    '',
    '## Reference',
    '',
    '| key | label | type (unit) | window | UKGC category |',
    '| --- | --- | --- | --- | --- |',
    ...FEATURES.map((f) => `| [\`${f.key}\`](#${f.key}) | ${fieldByKey(f.key)?.label.en ?? ''} | ${f.type} (${f.unit}) | ${windowText(f)} | ${f.ukgc} |`),
    '',
  );
  for (const f of FEATURES as readonly FeatureDefinition[]) {
    out.push(
      `### ${f.key}`,
      '',
      f.definition,
      '',
      `- Formula: \`${f.formula}\``,
      `- Type: ${f.type}, unit: ${f.unit}; UKGC category: ${f.ukgc}${f.brave ? `; Braverman–Shaffer ${f.brave}` : ''}`,
      '',
    );
  }
  const example = compileFeatureQuery('postgres', { tenantColumn: true, playerFilter: true, features: ['deposit_count_7d', 'night_play_share_30d'] });
  out.push(
    '## Compiling',
    '',
    '```ts',
    "import { compileFeatureQuery, featureColumnsDdl } from '@pitboss/core';",
    '',
    "const { sql, params } = compileFeatureQuery('postgres', { tenantColumn: true, playerFilter: true });",
    "// params = ['tenant_id', 'player_ids', 'as_of']: bind them in that order",
    "const values = { tenant_id: 'acme', player_ids: ['p-1001'], as_of: new Date() };",
    'const { rows } = await pool.query(sql, params.map((p) => values[p]));',
    '',
    "// One typed column per feature for a player_features table:",
    "await pool.query(`CREATE TABLE player_features (tenant_id text, player_id text, ${featureColumnsDdl('postgres')})`);",
    '```',
    '',
    'DuckDB (`@duckdb/node-api`): the same call with `\'duckdb\'`; bind `player_ids` as `listValue(ids)` with type',
    '`LIST(VARCHAR)`. Feature SQL reads plain columns only (`actor`, `ref_at` rather than JSON paths), so it runs',
    'unchanged in DuckDB-WASM, which has no `json` extension offline.',
    '',
    `The generated SQL for two features (\`params = ${JSON.stringify(example.params)}\`):`,
    '',
    '```sql',
    example.sql,
    '```',
    '',
  );
  return out.join('\n');
}
