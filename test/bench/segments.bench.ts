// Segment preview count over 1M players (100k with --quick): a 4-condition
// segment (enum, relative date, feature, behaviour) compiled by core for
// Postgres and DuckDB, each next to a plain count of the same players in the
// same run. Postgres runs as the API does: storage's indexes and its
// player_activity rollup, built by the shard migration's own SQL (0007, its
// backfill from events), read through compileSegment's `playerActivity`; the
// raw-events form (no rollup) is timed next to it. The marketing form (core's
// guardrail `removals()`, what `POST /v1/segments/preview` runs per shard) is
// timed as the API runs it. Each form is timed before and after shard
// migration 0009 (players_segment, by its own SQL), in one database and with
// the players split over four databases queried at once, as storage fans a
// preview out to its physical shards. Then, as an EXPERIMENT (labelled so in its
// figures), layouts storage does not have: the wide one (the segment's feature
// column in players; with 21 feature columns in its index; with the last
// bet.placed in players too) and an integer player key, on the same databases.
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { FIELDS, compileSegment, localSegmentTables, registrySegmentFields, withGuardrail } from '@pitboss/core';
import type { SegmentFields, SegmentSql } from '@pitboss/core';
import { median } from './types.js';
import type { Bench, BenchContext, Figure } from './types.js';
import { ADMIN_URL, admin } from './pg-admin.js';

const DB = 'pb_seg_bench';
const TENANT = 'bench';
const AS_OF = '2026-06-01T12:00:00.000Z';
const ACTIVITY_MIGRATION = readFileSync(new URL('../../headless-api/migrations/shard/0007_player_activity.sql', import.meta.url), 'utf8');
const SEGMENT_INDEX_MIGRATION = readFileSync(new URL('../../headless-api/migrations/shard/0009_players_segment.sql', import.meta.url), 'utf8');

export const SEGMENT = {
  all: [
    { field: 'country', op: 'in', value: ['BR', 'PT'] },
    { field: 'registered_at', op: 'more_than_days_ago', value: 30 },
    { field: 'deposit_sum_30d', op: 'gte', value: 150000 },
    { did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 30 },
  ],
};

// Deterministic pseudo-random integers in [0, 1e6) from the player number `i`
// and a salt: the same arithmetic in both engines, so both hold the same rows.
const r = (salt: number): string => `((CAST(i AS BIGINT) * 435761 + ${salt} * 1000003) % 1000000)`;

function playersSelect(n: number, day: (expr: string) => string, series: string): string {
  return `SELECT '${TENANT}', 'p' || lpad(CAST(i AS VARCHAR), 7, '0'),
    ${day(`${r(2)} % 720`)},
    CASE ${r(1)} % 5 WHEN 0 THEN 'BR' WHEN 1 THEN 'PT' WHEN 2 THEN 'ES' WHEN 3 THEN 'GB' ELSE 'MX' END,
    ${r(3)} % 50 = 0
    FROM ${series.replace('$N', String(n))}`;
}

function featuresSelect(n: number, series: string): string {
  return `SELECT '${TENANT}', 'p' || lpad(CAST(i AS VARCHAR), 7, '0'),
    CASE WHEN ${r(6)} % 3 = 0 THEN NULL ELSE (${r(7)} % 2000) * 100 END
    FROM ${series.replace('$N', String(n))}`;
}

function eventsSelect(n: number, ago: (expr: string) => string, series: string, ks: string): string {
  return `SELECT '${TENANT}', 'p' || lpad(CAST(i AS VARCHAR), 7, '0'),
    CASE WHEN k % 3 = 0 THEN 'payment' ELSE 'bet.placed' END,
    ${ago(`(${r(9)} + k * 7919) % 129600`)},
    500 + (${r(10)} + k * 31) % 10000
    FROM ${series.replace('$N', String(n))}, ${ks} WHERE k < ${r(8)} % 8`;
}

async function timed(run: () => Promise<unknown>, repeats: number): Promise<number[]> {
  for (let w = 0; w < 2; w++) await run();
  const out: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const t0 = performance.now();
    await run();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Like `timed`, for several runs taken in turn (a, b, c, a, b, c, …), so a burst of load on the shared machine falls on all of them. */
async function interleaved<const R extends readonly (() => Promise<unknown>)[]>(runs: R, repeats: number): Promise<{ [K in keyof R]: number[] }> {
  for (let w = 0; w < 2; w++) for (const run of runs) await run();
  const out = runs.map((): number[] => []);
  for (let k = 0; k < repeats; k++) {
    for (const [i, run] of runs.entries()) {
      const t0 = performance.now();
      await run();
      out[i]!.push(performance.now() - t0);
    }
  }
  return out as { [K in keyof R]: number[] };
}

interface PostgresForms {
  /** What the API runs: `playerActivity: true`. */
  rollup: SegmentSql;
  /** The same segment on the raw events (no rollup). */
  raw: SegmentSql;
  base: SegmentSql;
  marketing: SegmentSql;
  /** The same segment for `layout: 'wide'` (features read from `players`): the experiment's wide layout. */
  wide: SegmentSql;
}

/** The physical shard databases of the fan-out figures (storage's suites run with 1 and 4). */
const SHARD_DATABASES = 4;

const pgUrl = (db: string): string => ADMIN_URL.replace(/\/[^/]*$/, `/${db}`);

// The tables of headless-api/migrations/shard/0001_shard.sql and 0002_guardrail.sql, reduced to the columns used.
async function createTables(client: pg.Client): Promise<void> {
  await client.query(`CREATE TABLE players (tenant_id text COLLATE "C" NOT NULL, player_id text COLLATE "C" NOT NULL,
    registered_at timestamptz, country text, blocked boolean NOT NULL DEFAULT false,
    self_excluded_until timestamptz, timed_out_until timestamptz, risk_band text, PRIMARY KEY (tenant_id, player_id))`);
  await client.query(`CREATE TABLE player_features (tenant_id text COLLATE "C" NOT NULL, player_id text COLLATE "C" NOT NULL,
    deposit_sum_30d bigint, PRIMARY KEY (tenant_id, player_id))`);
  await client.query(`CREATE TABLE events (tenant_id text COLLATE "C" NOT NULL, player_id text COLLATE "C" NOT NULL, type text NOT NULL,
    occurred_at timestamptz NOT NULL, amount_minor bigint, shard smallint NOT NULL DEFAULT 0)`);
}

// Storage's indexes (0001 and storage's one index per feature), then migration 0007 (player_activity, backfilled from
// these events) and 0009 (players_segment) by their own SQL, and the VACUUM autovacuum would run: index-only scans
// need the visibility map it sets.
async function indexTables(client: pg.Client, through: 7 | 9): Promise<void> {
  await client.query('CREATE INDEX players_registered_at ON players (tenant_id, registered_at, player_id)');
  await client.query('CREATE INDEX player_features_deposit_sum_30d ON player_features (tenant_id, deposit_sum_30d, player_id)');
  await client.query('CREATE INDEX events_player_time ON events (tenant_id, player_id, occurred_at)');
  await client.query(ACTIVITY_MIGRATION);
  if (through === 9) await client.query(SEGMENT_INDEX_MIGRATION);
  await client.query('VACUUM ANALYZE');
}

/** Stand-ins for core's 20 other features (21 in all), carried by wide_all's covering index as storage's would have to. */
const WIDE_FILLERS = Array.from({ length: 20 }, (_, i) => `feature_${i}`);

// EXPERIMENT layouts (see docs/segments.md, "Layouts measured"), built from storage's tables after migration 0009:
// - wide: `players` with the segment's feature column, read by one covering index (players_segment plus
//   deposit_sum_30d), so the players and feature conditions are one index-only range and need no join;
// - wide_all: the same with 20 more bigint columns standing for core's other features, all in the covering index
//   (what storage would carry to serve any feature from the index: 21 in all);
// - wide_act: wide plus the player's last bet.placed (player_activity's last_at for that type) as a players column in
//   the covering index, so the whole segment is one index-only range with no join at all;
// - intkey: a per-database bigint `player_key` in `players`, `player_features` and `player_activity`, the joins on it.
// Each copies the rows once (storage would have to keep them current on ingestion and feature refresh).
const EXPERIMENT_LAYOUTS = `
CREATE SCHEMA wide;
CREATE TABLE wide.players AS SELECT p.*, f.deposit_sum_30d FROM public.players p
  LEFT JOIN public.player_features f ON f.tenant_id = p.tenant_id AND f.player_id = p.player_id ORDER BY p.player_id;
ALTER TABLE wide.players ADD PRIMARY KEY (tenant_id, player_id);
CREATE INDEX players_segment_wide ON wide.players (tenant_id, country, registered_at)
  INCLUDE (player_id, deposit_sum_30d, blocked, self_excluded_until, timed_out_until, risk_band);
CREATE SCHEMA wide_all;
CREATE TABLE wide_all.players AS SELECT p.*, ${WIDE_FILLERS.map((f, i) => `(abs(hashtext(p.player_id || '${i}')) % 100000)::bigint AS ${f}`).join(', ')}
  FROM wide.players p ORDER BY p.player_id;
ALTER TABLE wide_all.players ADD PRIMARY KEY (tenant_id, player_id);
CREATE INDEX players_segment_wide_all ON wide_all.players (tenant_id, country, registered_at)
  INCLUDE (player_id, deposit_sum_30d, blocked, self_excluded_until, timed_out_until, risk_band, ${WIDE_FILLERS.join(', ')});
CREATE SCHEMA wide_act;
CREATE TABLE wide_act.players AS SELECT p.*, a.last_at AS last_bet_placed_at FROM wide.players p
  LEFT JOIN public.player_activity a ON a.tenant_id = p.tenant_id AND a.player_id = p.player_id AND a.type = 'bet.placed' ORDER BY p.player_id;
ALTER TABLE wide_act.players ADD PRIMARY KEY (tenant_id, player_id);
CREATE INDEX players_segment_wide_act ON wide_act.players (tenant_id, country, registered_at)
  INCLUDE (player_id, deposit_sum_30d, last_bet_placed_at, blocked, self_excluded_until, timed_out_until, risk_band);
CREATE SCHEMA intkey;
CREATE TABLE intkey.players AS SELECT p.*, row_number() OVER (ORDER BY p.tenant_id, p.player_id) AS player_key FROM public.players p ORDER BY p.player_id;
ALTER TABLE intkey.players ADD PRIMARY KEY (tenant_id, player_id);
CREATE UNIQUE INDEX players_key ON intkey.players (player_key);
CREATE INDEX players_segment_key ON intkey.players (tenant_id, country, registered_at)
  INCLUDE (player_key, player_id, blocked, self_excluded_until, timed_out_until, risk_band);
CREATE TABLE intkey.player_features AS SELECT f.*, k.player_key FROM public.player_features f
  JOIN intkey.players k ON k.tenant_id = f.tenant_id AND k.player_id = f.player_id ORDER BY f.player_id;
ALTER TABLE intkey.player_features ADD PRIMARY KEY (tenant_id, player_key);
CREATE INDEX player_features_key_deposit_sum_30d ON intkey.player_features (tenant_id, deposit_sum_30d) INCLUDE (player_key);
CREATE TABLE intkey.player_activity AS SELECT a.*, k.player_key FROM public.player_activity a
  JOIN intkey.players k ON k.tenant_id = a.tenant_id AND k.player_id = a.player_id ORDER BY a.player_id, a.type;
ALTER TABLE intkey.player_activity ADD PRIMARY KEY (tenant_id, player_key, type) INCLUDE (last_at);
CREATE INDEX player_activity_key_recent ON intkey.player_activity (tenant_id, type, last_at) INCLUDE (player_key);
`;

/** The compiled joined form with its player_features and player_activity joins on `player_key` (the intkey experiment; core does not emit this). */
function intKeyForm(q: SegmentSql): SegmentSql {
  const sql = q.sql
    .replace('f.player_id = p.player_id', 'f.player_key = p.player_key')
    .replace('a.player_id = p.player_id', 'a.player_key = p.player_key');
  if (sql === q.sql || !sql.includes('f.player_key') || !sql.includes('a.player_key')) throw new Error('intKeyForm: the compiled SQL no longer has the joins it rewrites');
  return { sql, params: q.params };
}

/**
 * The compiled wide form with its "did bet.placed" read from wide_act's `last_bet_placed_at` column instead of a
 * player_activity row (the wide_act experiment; core does not emit this): the same rule, the events still decide a
 * last occurrence after asOf. The type's parameter stays referenced so the parameter list is unchanged.
 */
function inlineActivityForm(q: SegmentSql): SegmentSql {
  const sql = q.sql
    .replace(/EXISTS \(SELECT 1 FROM player_activity a WHERE a\.tenant_id = p\.tenant_id AND a\.player_id = p\.player_id AND a\.type = (\$\d+) AND a\.last_at /, '($1::text IS NOT NULL AND p.last_bet_placed_at ')
    .replace('(a.last_at <= ', '(p.last_bet_placed_at <= ');
  if (sql.includes('player_activity') || sql.includes('a.last_at') || q.params.filter((x) => x === 'bet.placed').length === 0) {
    throw new Error('inlineActivityForm: the compiled SQL no longer has the player_activity condition it rewrites');
  }
  return { sql, params: q.params };
}

async function postgres(ctx: BenchContext, n: number, repeats: number, { rollup, raw, base, marketing, wide }: PostgresForms): Promise<{ figures: Figure[]; count: number }> {
  const shards = Array.from({ length: SHARD_DATABASES }, (_, d) => `${DB}_s${d}`);
  await admin([DB, ...shards].flatMap((db) => [`DROP DATABASE IF EXISTS ${db}`, `CREATE DATABASE ${db}`]));
  const client = new pg.Client({ connectionString: pgUrl(DB) });
  await client.connect();
  const open: pg.Client[] = [];
  try {
    const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
    ctx.log(`postgres: ${cpus().length} cores, load average ${load()} at the start`);
    const t0 = performance.now();
    await createTables(client);
    const series = 'generate_series(1, $N) AS i';
    // The guardrail's columns (shard migration 0002): a few players excluded, timed out or high-risk. Written with the
    // row (an UPDATE afterwards left every players page half dead, so a plain count read twice the pages it needs).
    await client.query(`INSERT INTO players SELECT x.*,
      CASE WHEN abs(hashtext(x.player_id)) % 40 = 0 THEN 'infinity'::timestamptz END,
      CASE WHEN abs(hashtext(x.player_id)) % 40 = 1 THEN '${AS_OF}'::timestamptz + interval '1 day' END,
      (ARRAY['none', 'low', 'medium', 'high', 'very_high'])[1 + abs(hashtext(x.player_id || 'r')) % 5]
      FROM (${playersSelect(n, (d) => `'${AS_OF}'::timestamptz - (${d}) * interval '1 day'`, series)}) AS x(tenant_id, player_id, registered_at, country, blocked)`);
    await client.query(`INSERT INTO player_features ${featuresSelect(n, series)}`);
    await client.query(`INSERT INTO events ${eventsSelect(n, (m) => `'${AS_OF}'::timestamptz - (${m}) * interval '1 minute'`, series, 'generate_series(0, 7) AS k')}`);
    const t1 = performance.now();
    await indexTables(client, 7);
    ctx.log(`postgres: storage indexes, shard migration 0007 (player_activity and its backfill) and VACUUM in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    const events = Number((await client.query('SELECT count(*) AS n FROM events')).rows[0].n);
    const activity = Number((await client.query('SELECT count(*) AS n FROM player_activity')).rows[0].n);
    ctx.log(`postgres: ${n} players, ${events} events, ${activity} player_activity rows, loaded and indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const run = (c: pg.Client, q: SegmentSql) => () => c.query(q.sql, q.params);
    const count = Number((await client.query(rollup.sql, rollup.params)).rows[0].count);
    const rawCount = Number((await client.query(raw.sql, raw.params)).rows[0].count);
    if (rawCount !== count) throw new Error(`player_activity form counts ${count}, raw events form ${rawCount}`);
    const plan = async (c: pg.Client, q: SegmentSql): Promise<string> =>
      (await c.query(`EXPLAIN (ANALYZE, COSTS off, TIMING off, SUMMARY off) ${q.sql}`, q.params)).rows.map((x) => x['QUERY PLAN']).join('\n    ');
    const fig = (name: string, samples: number[], baseline: number, baselineName: string): Figure => {
      const value = median(samples);
      return {
        name, value, unit: 'ms', higherIsBetter: false, samples,
        baseline: { name: baselineName, value: baseline },
        ratio: baseline / value, goal: '≤ 100 ms (1M players)', met: value <= 100,
      };
    };
    const oneBase = `count(*) of the tenant's ${n} players, taken in turn with it`;

    // Storage's indexes through migration 0008.
    const [b7, rolled7, rawEvents, guarded7] = await interleaved([run(client, base), run(client, rollup), run(client, raw), run(client, marketing)], repeats);
    ctx.log(`postgres plan, player_activity, storage indexes through 0008:\n    ${await plan(client, rollup)}`);
    ctx.log(`postgres plan, raw events:\n    ${await plan(client, raw)}`);

    // With migration 0009's players_segment.
    const t2 = performance.now();
    await client.query(SEGMENT_INDEX_MIGRATION);
    await client.query('VACUUM ANALYZE players');
    ctx.log(`postgres: shard migration 0009 (players_segment) and VACUUM in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
    if (Number((await client.query(rollup.sql, rollup.params)).rows[0].count) !== count) throw new Error('players_segment changed the count');
    const [b9, rolled9, guarded9] = await interleaved([run(client, base), run(client, rollup), run(client, marketing)], repeats);
    ctx.log(`postgres plan, player_activity, with players_segment (0009):\n    ${await plan(client, rollup)}`);
    ctx.log(`postgres plan, marketing form, with players_segment (0009):\n    ${await plan(client, marketing)}`);

    // As storage runs it: the same players split over SHARD_DATABASES databases, each built by the same migrations,
    // every statement sent to all of them at once and the counts summed. Split by a hash of player_id, as storage
    // splits by core's shardOf; each database takes its share through COPY.
    const t3 = performance.now();
    const split = async (db: string, d: number): Promise<pg.Client> => {
      const c = new pg.Client({ connectionString: pgUrl(db) });
      await c.connect();
      open.push(c);
      await createTables(c);
      const source = new pg.Client({ connectionString: pgUrl(DB) });
      await source.connect();
      try {
        for (const table of ['players', 'player_features', 'events']) {
          await pipeline(
            source.query(copyTo(`COPY (SELECT * FROM ${table} WHERE abs(hashtext(player_id)) % ${SHARD_DATABASES} = ${d}) TO STDOUT`)),
            c.query(copyFrom(`COPY ${table} FROM STDIN`)),
          );
        }
      } finally {
        await source.end();
      }
      await indexTables(c, 7);
      return c;
    };
    const fan = await Promise.all(shards.map(split));
    ctx.log(`postgres: ${SHARD_DATABASES} shard databases (tables, COPY of their players' rows, storage indexes, migration 0007, VACUUM) in ${((performance.now() - t3) / 1000).toFixed(1)} s`);
    // The same databases without parallel workers (set on these connections): with several shard databases on one
    // server the fan-out already keeps its cores busy. On these, the CPU time of the four backends is read too
    // (/proc/<pid>/schedstat, when Postgres runs on this machine): the work a form costs, which a busy machine
    // disturbs much less than it disturbs elapsed time.
    const serial = await Promise.all(shards.map(async (db) => {
      const c = new pg.Client({ connectionString: pgUrl(db) });
      await c.connect();
      open.push(c);
      await c.query('SET max_parallel_workers_per_gather = 0');
      return { c, pid: Number((await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid) };
    }));
    // Only for a Postgres on this machine: a remote backend's pid names some local process, or none.
    const local = process.platform === 'linux' && ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(ADMIN_URL).hostname);
    const cpuReadable = local && serial.every((x) => existsSync(`/proc/${x.pid}/schedstat`));
    const cpuMs = (pid: number): number => (cpuReadable ? Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6 : 0);
    if (!cpuReadable) ctx.log('postgres: backend CPU time not readable from here (/proc/<pid>/schedstat of a local server): CPU figures left out');
    const onEvery = (clients: readonly pg.Client[], q: SegmentSql, column = 'count') => async (): Promise<number> =>
      (await Promise.all(clients.map((c) => c.query(q.sql, q.params)))).reduce((s, r) => s + Number(r.rows[0][column]), 0);
    /** onEvery on the connections of `set`, pushing the CPU time their backends spent into `cpu`. */
    const onSet = (set: readonly { c: pg.Client; pid: number }[], q: SegmentSql, cpu: number[], column = 'count') => async (): Promise<number> => {
      const before = set.map((x) => cpuMs(x.pid));
      const n = await onEvery(set.map((x) => x.c), q, column)();
      cpu.push(set.reduce((sum, x, i) => sum + cpuMs(x.pid) - before[i]!, 0));
      return n;
    };
    /** onEvery on the serial connections, pushing the CPU time the four backends spent into `cpu`. */
    const onEverySerial = (q: SegmentSql, cpu: number[], column = 'count') => onSet(serial, q, cpu, column);
    const fanned = await onEvery(fan, rollup)();
    if (fanned !== count) throw new Error(`${SHARD_DATABASES} databases count ${fanned}, one database ${count}`);
    const cpu = { base7: [] as number[], seg7: [] as number[], mkt7: [] as number[], base9: [] as number[], seg9: [] as number[], mkt9: [] as number[] };
    const [bFan7, segFan7, mktFan7, bSerial7, segSerial7] = await interleaved([
      onEvery(fan, base), onEvery(fan, rollup), onEvery(fan, marketing, 'kept'),
      onEverySerial(base, cpu.base7), onEverySerial(rollup, cpu.seg7), onEverySerial(marketing, cpu.mkt7, 'kept'),
    ], repeats);
    ctx.log(`postgres plan, player_activity, one of ${SHARD_DATABASES} databases, storage indexes through 0008:\n    ${await plan(fan[0]!, rollup)}`);
    await Promise.all(fan.map(async (c) => {
      await c.query(SEGMENT_INDEX_MIGRATION);
      await c.query('VACUUM ANALYZE players');
    }));
    const [bFan, segFan, mktFan, bSerial, segSerial] = await interleaved([
      onEvery(fan, base), onEvery(fan, rollup), onEvery(fan, marketing, 'kept'),
      onEverySerial(base, cpu.base9), onEverySerial(rollup, cpu.seg9), onEverySerial(marketing, cpu.mkt9, 'kept'),
    ], repeats);
    ctx.log(`postgres plan, player_activity, one of ${SHARD_DATABASES} databases, + players_segment (0009):\n    ${await plan(fan[0]!, rollup)}`);
    ctx.log(`postgres plan, marketing form, one of ${SHARD_DATABASES} databases, + players_segment (0009):\n    ${await plan(fan[0]!, marketing)}`);

    // EXPERIMENT, not what storage does: two candidate layouts built next to storage's tables on the same four
    // databases, each in a schema of its own that connections put first in their search_path (`players` and
    // `player_features` resolve there, `player_activity` and `events` to storage's own where the schema has none).
    const t4 = performance.now();
    await Promise.all(fan.map(async (c) => {
      await c.query(EXPERIMENT_LAYOUTS);
      await c.query('VACUUM ANALYZE');
    }));
    ctx.log(`postgres: EXPERIMENT layouts (wide, wide_all, wide_act, intkey) built and vacuumed on ${SHARD_DATABASES} databases in ${((performance.now() - t4) / 1000).toFixed(1)} s`);
    const serialIn = (schema: string) => Promise.all(shards.map(async (db) => {
      const c = new pg.Client({ connectionString: pgUrl(db) });
      await c.connect();
      open.push(c);
      await c.query('SET max_parallel_workers_per_gather = 0');
      await c.query(`SET search_path = ${schema}, public`);
      // wide_act's rewritten condition keeps the events fallback as an OR arm, which the planner costs as if it ran
      // (~990k per shard against ~13k for the other forms): JIT then started on every count and compiled for ~170 ms
      // per shard, though the fallback never runs. None of the other forms reaches jit_above_cost (100k), so this
      // changes only wide_act's figures.
      await c.query('SET jit = off');
      return { c, pid: Number((await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid) };
    }));
    const [wideSerial, wideAllSerial, wideActSerial, keySerial] = await Promise.all([serialIn('wide'), serialIn('wide_all'), serialIn('wide_act'), serialIn('intkey')]);
    const keyed = intKeyForm(rollup);
    const inlined = inlineActivityForm(wide);
    for (const [name, set, q] of [['wide', wideSerial, wide], ['wide_all', wideAllSerial, wide], ['wide_act', wideActSerial, inlined], ['intkey', keySerial, keyed]] as const) {
      const got = await onEvery(set.map((x) => x.c), q)();
      if (got !== count) throw new Error(`experiment layout ${name} counts ${got}, storage's ${count}`);
    }
    const xcpu = { base: [] as number[], seg: [] as number[], wide: [] as number[], wideAll: [] as number[], wideAct: [] as number[], key: [] as number[] };
    const [xBase, xSeg, xWide, xWideAll, xWideAct, xKey] = await interleaved([
      onEverySerial(base, xcpu.base), onEverySerial(rollup, xcpu.seg), onSet(wideSerial, wide, xcpu.wide), onSet(wideAllSerial, wide, xcpu.wideAll),
      onSet(wideActSerial, inlined, xcpu.wideAct), onSet(keySerial, keyed, xcpu.key),
    ], repeats);
    ctx.log(`postgres plan, EXPERIMENT wide layout, one of ${SHARD_DATABASES} databases:\n    ${await plan(wideSerial[0]!.c, wide)}`);
    ctx.log(`postgres plan, EXPERIMENT wide layout with last bet.placed in players, one of ${SHARD_DATABASES} databases:\n    ${await plan(wideActSerial[0]!.c, inlined)}`);
    ctx.log(`postgres plan, EXPERIMENT integer player key, one of ${SHARD_DATABASES} databases:\n    ${await plan(keySerial[0]!.c, keyed)}`);
    ctx.log(`postgres: load average ${load()} at the end`);
    // The warm-up runs pushed CPU samples too: keep the timed ones.
    const timedCpu = (samples: number[]): number[] => samples.slice(-repeats);
    const cpuFig = (name: string, samples: number[], baseline: number[]): Figure => {
      const value = median(timedCpu(samples));
      const b = median(timedCpu(baseline));
      return {
        name, value, unit: 'ms CPU', higherIsBetter: false, samples: timedCpu(samples),
        baseline: { name: `Postgres CPU of a count(*) of the tenant's ${n} players on the same databases, taken in turn with it`, value: b }, ratio: b / value,
      };
    };
    const cpuFigures = cpuReadable
      ? [
        cpuFig(`Postgres CPU (4 backends) of the 4-condition segment count, ${n} players on ${SHARD_DATABASES} databases, no parallel workers, storage indexes through 0008`, cpu.seg7, cpu.base7),
        cpuFig(`Postgres CPU (4 backends) of the 4-condition marketing preview, ${n} players on ${SHARD_DATABASES} databases, no parallel workers, storage indexes through 0008`, cpu.mkt7, cpu.base7),
        cpuFig(`Postgres CPU (4 backends) of the 4-condition segment count, ${n} players on ${SHARD_DATABASES} databases, no parallel workers, + players_segment (0009)`, cpu.seg9, cpu.base9),
        cpuFig(`Postgres CPU (4 backends) of the 4-condition marketing preview, ${n} players on ${SHARD_DATABASES} databases, no parallel workers, + players_segment (0009)`, cpu.mkt9, cpu.base9),
      ]
      : [];
    const fanBase = (how: string): string => `count(*) of the tenant's ${n} players on ${SHARD_DATABASES} databases at once${how}, taken in turn with it`;
    const fanned4 = `${n} players on ${SHARD_DATABASES} databases queried at once`;
    return {
      count,
      figures: [
        fig(`Postgres 4-condition segment count, ${n} players, one database, storage indexes through 0008 + player_activity (as the API ran it)`, rolled7, median(b7), oneBase),
        fig(`Postgres 4-condition segment count, ${n} players, one database, storage indexes through 0008, raw events (no rollup)`, rawEvents, median(b7), oneBase),
        fig(`Postgres 4-condition marketing preview (guardrail removals: matched, 4 reasons, kept), ${n} players, one database, storage indexes through 0008 + player_activity`, guarded7, median(b7), oneBase),
        fig(`Postgres 4-condition segment count, ${n} players, one database, + players_segment (0009)`, rolled9, median(b9), oneBase),
        fig(`Postgres 4-condition marketing preview, ${n} players, one database, + players_segment (0009)`, guarded9, median(b9), oneBase),
        fig(`Postgres 4-condition segment count, ${fanned4} (as the API runs it), storage indexes through 0008`, segFan7, median(bFan7), fanBase('')),
        fig(`Postgres 4-condition marketing preview, ${fanned4}, storage indexes through 0008`, mktFan7, median(bFan7), fanBase('')),
        fig(`Postgres 4-condition segment count, ${fanned4} (as the API runs it), + players_segment (0009)`, segFan, median(bFan), fanBase('')),
        fig(`Postgres 4-condition marketing preview, ${fanned4}, + players_segment (0009)`, mktFan, median(bFan), fanBase('')),
        fig(`Postgres 4-condition segment count, ${fanned4}, no parallel workers (max_parallel_workers_per_gather = 0), storage indexes through 0008`, segSerial7, median(bSerial7), fanBase(', no parallel workers')),
        fig(`Postgres 4-condition segment count, ${fanned4}, no parallel workers (max_parallel_workers_per_gather = 0), + players_segment (0009)`, segSerial, median(bSerial), fanBase(', no parallel workers')),
        ...cpuFigures,
        fig(`EXPERIMENT (not storage's layout): Postgres 4-condition segment count, ${fanned4}, no parallel workers, storage's layout through 0009 (taken in turn with the four below)`, xSeg, median(xBase), fanBase(', no parallel workers')),
        fig(`EXPERIMENT: Postgres 4-condition segment count, ${fanned4}, no parallel workers, wide layout (deposit_sum_30d in players, one covering index)`, xWide, median(xBase), fanBase(', no parallel workers')),
        fig(`EXPERIMENT: Postgres 4-condition segment count, ${fanned4}, no parallel workers, wide layout with 21 feature columns in its covering index`, xWideAll, median(xBase), fanBase(', no parallel workers')),
        fig(`EXPERIMENT: Postgres 4-condition segment count, ${fanned4}, no parallel workers, wide layout with the last bet.placed in players too (no join)`, xWideAct, median(xBase), fanBase(', no parallel workers')),
        fig(`EXPERIMENT: Postgres 4-condition segment count, ${fanned4}, no parallel workers, integer player key (joins on a per-database bigint)`, xKey, median(xBase), fanBase(', no parallel workers')),
        ...(cpuReadable
          ? [
            cpuFig(`EXPERIMENT: Postgres CPU (4 backends) of the segment count, ${n} players on ${SHARD_DATABASES} databases, storage's layout through 0009`, xcpu.seg, xcpu.base),
            cpuFig(`EXPERIMENT: Postgres CPU (4 backends) of the segment count, ${n} players on ${SHARD_DATABASES} databases, wide layout`, xcpu.wide, xcpu.base),
            cpuFig(`EXPERIMENT: Postgres CPU (4 backends) of the segment count, ${n} players on ${SHARD_DATABASES} databases, wide layout, 21 feature columns in the index`, xcpu.wideAll, xcpu.base),
            cpuFig(`EXPERIMENT: Postgres CPU (4 backends) of the segment count, ${n} players on ${SHARD_DATABASES} databases, wide layout with the last bet.placed in players (no join)`, xcpu.wideAct, xcpu.base),
            cpuFig(`EXPERIMENT: Postgres CPU (4 backends) of the segment count, ${n} players on ${SHARD_DATABASES} databases, integer player key`, xcpu.key, xcpu.base),
          ]
          : []),
      ],
    };
  } finally {
    await client.end();
    for (const c of open) await c.end();
    await admin([DB, ...shards].map((db) => `DROP DATABASE IF EXISTS ${db}`));
  }
}

interface DuckDBForms {
  joined: SegmentSql;
  wide: SegmentSql;
  /** `layout: 'local'` with `playerActivity`: what LocalAnalytics runs over the tables it derives. */
  local: SegmentSql;
  base: SegmentSql;
  fields: SegmentFields;
}

async function duckdb(ctx: BenchContext, n: number, repeats: number, { joined: q, wide, local, base, fields }: DuckDBForms): Promise<{ figures: Figure[]; count: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const t0 = performance.now();
    await conn.run(`CREATE TABLE players (tenant_id VARCHAR, player_id VARCHAR, registered_at TIMESTAMPTZ, country VARCHAR, blocked BOOLEAN)`);
    await conn.run(`CREATE TABLE player_features (tenant_id VARCHAR, player_id VARCHAR, deposit_sum_30d BIGINT)`);
    await conn.run(`CREATE TABLE events (tenant_id VARCHAR, player_id VARCHAR, type VARCHAR, occurred_at TIMESTAMPTZ, amount_minor BIGINT)`);
    const series = 'range(1, $N + 1) AS t(i)';
    await conn.run(`INSERT INTO players ${playersSelect(n, (d) => `TIMESTAMPTZ '${AS_OF}' - to_days(CAST(${d} AS INTEGER))`, series)}`);
    await conn.run(`INSERT INTO player_features ${featuresSelect(n, series)}`);
    await conn.run(`INSERT INTO events ${eventsSelect(n, (m) => `TIMESTAMPTZ '${AS_OF}' - to_minutes(CAST(${m} AS BIGINT))`, series, 'range(0, 8) AS s(k)')}`);
    ctx.log(`duckdb: loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const run = async (s: SegmentSql): Promise<number> => {
      const rows = (await conn.runAndReadAll(s.sql, s.params as (string | number | boolean)[])).getRowObjectsJS();
      return Number(rows[0]!.count);
    };
    const count = await run(q);
    const baseline = median(await timed(() => run(base), repeats));
    const fig = (name: string, samples: number[]): Figure => {
      const value = median(samples);
      return {
        name, value, unit: 'ms', higherIsBetter: false, samples,
        baseline: { name: `count(*) of the tenant's ${n} players`, value: baseline }, ratio: baseline / value,
        goal: '≤ 50 ms (1M players)', met: value <= 50,
      };
    };
    const joined = await timed(() => run(q), repeats);
    // The layout of a local export: features joined into players once, so the segment needs no join.
    await conn.run('CREATE SCHEMA wide');
    await conn.run('CREATE TABLE wide.players AS SELECT p.*, f.deposit_sum_30d FROM main.players p LEFT JOIN main.player_features f ON f.tenant_id = p.tenant_id AND f.player_id = p.player_id');
    await conn.run('CREATE VIEW wide.events AS SELECT * FROM main.events');
    await conn.run("SET schema = 'wide'");
    if ((await run(wide)) !== count) throw new Error('wide layout disagrees with the joined one');
    const flat = await timed(() => run(wide), repeats);
    await conn.run("SET schema = 'main'");
    // What LocalAnalytics derives once from the exports (core's localSegmentTables: players with
    // the features and an integer player_key, player_activity sorted by type and last_at), timed apart.
    const columns = async (table: string): Promise<{ name: string; type: string }[]> =>
      (await conn.runAndReadAll(`SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = $1`, [table]))
        .getRows().map((r) => ({ name: String(r[0]), type: String(r[1]) }));
    const t1 = performance.now();
    const derived = localSegmentTables(fields, {
      players: 'players', features: 'player_features', events: 'events',
      columns: { players: await columns('players'), features: await columns('player_features') },
    });
    for (const statement of derived.statements) await conn.run(statement);
    ctx.log(`duckdb: local tables derived (localSegmentTables, as LocalAnalytics does after loading the exports) in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    const localQuery = { sql: derived.wrap(local.sql), params: local.params };
    if ((await run(localQuery)) !== count) throw new Error('local layout disagrees with the joined one');
    const derivedFigure = await timed(() => run(localQuery), repeats);
    return {
      count,
      figures: [
        fig(`DuckDB 4-condition segment count, ${n} players`, joined),
        fig(`DuckDB 4-condition segment count, ${n} players, features in players (layout: wide)`, flat),
        fig(`DuckDB 4-condition segment count, ${n} players, the tables LocalAnalytics derives (layout: local, player_activity)`, derivedFigure),
      ],
    };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const bench: Bench = {
  name: 'segments',
  async run(ctx) {
    const n = ctx.quick ? 100_000 : 1_000_000;
    const repeats = Math.max(ctx.repeats, 7);
    const fields = registrySegmentFields(FIELDS);
    const compile = (dialect: 'postgres' | 'duckdb', rule: unknown, layout: 'joined' | 'wide' | 'local' = 'joined', playerActivity = false): SegmentSql =>
      compileSegment(rule, { dialect, fields, asOf: AS_OF, ...(layout === 'local' ? {} : { tenantId: TENANT }), layout, playerActivity }).count();
    const all = { all: [{ field: 'blocked', op: 'is_not_null' }] };
    // PITBOSS_BENCH_ENGINES=duckdb skips the slow Postgres load when only DuckDB is of interest.
    const engines = (process.env.PITBOSS_BENCH_ENGINES ?? 'postgres,duckdb').split(',');
    const removals = withGuardrail(compileSegment(SEGMENT, { dialect: 'postgres', fields, asOf: AS_OF, tenantId: TENANT, playerActivity: true }), fields).removals();
    const p = engines.includes('postgres')
      ? await postgres(ctx, n, repeats, {
        rollup: compile('postgres', SEGMENT, 'joined', true), raw: compile('postgres', SEGMENT), base: compile('postgres', all), marketing: removals,
        wide: compile('postgres', SEGMENT, 'wide', true),
      })
      : null;
    const d = engines.includes('duckdb')
      ? await duckdb(ctx, n, repeats, { joined: compile('duckdb', SEGMENT), wide: compile('duckdb', SEGMENT, 'wide'), local: compile('duckdb', SEGMENT, 'local', true), base: compile('duckdb', all), fields })
      : null;
    ctx.log(`members: Postgres ${p?.count ?? '-'}, DuckDB ${d?.count ?? '-'}`);
    if (p && d && p.count !== d.count) throw new Error(`engines disagree: Postgres ${p.count}, DuckDB ${d.count}`);
    return [...(p?.figures ?? []), ...(d?.figures ?? [])];
  },
};

export default bench;
