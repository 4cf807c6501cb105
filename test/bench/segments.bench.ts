// Segment preview count over 1M players (100k with --quick): a 4-condition
// segment (enum, relative date, feature, behaviour) compiled by core for
// Postgres and DuckDB, each next to a plain count of the same players in the
// same run. Postgres runs as the API does, on storage's tables built by the
// shard migrations' own SQL, in one database and with the players split over
// four databases queried at once (storage fans a preview out to its physical
// shards), in two layouts taken one after the other on the same rows:
// - through migration 0010 (the previous release): players joined with
//   player_features and player_activity (0007) for the feature and "did TYPE"
//   conditions, players_segment (0009) covering country, registration and the
//   guardrail;
// - with migration 0011 (what storage runs now): the features and last-seen
//   times on the players row, read by core's layout 'wide' with
//   lastSeenColumns through the wider players_segment, no join; JIT off as
//   storage runs segment statements.
// The marketing form (core's guardrail `removals()`, what
// `POST /v1/segments/preview` runs per shard) is timed in both, and the CPU the
// four backends spent (when Postgres runs on this machine).
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { FEATURES, FIELDS, compileSegment, localSegmentTables, registrySegmentFields, withGuardrail } from '@pitboss/core';
import type { SegmentFields, SegmentSql } from '@pitboss/core';
import { median } from './types.js';
import type { Bench, BenchContext, Figure } from './types.js';
import { ADMIN_URL, admin } from './pg-admin.js';

const DB = 'pb_seg_bench';
const TENANT = 'bench';
const AS_OF = '2026-06-01T12:00:00.000Z';
const ACTIVITY_MIGRATION = readFileSync(new URL('../../headless-api/migrations/shard/0007_player_activity.sql', import.meta.url), 'utf8');
const SEGMENT_INDEX_MIGRATION = readFileSync(new URL('../../headless-api/migrations/shard/0009_players_segment.sql', import.meta.url), 'utf8');
const SEGMENT_COLUMNS_MIGRATION = readFileSync(new URL('../../headless-api/migrations/shard/0011_players_segment_columns.sql', import.meta.url), 'utf8');

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

// The Postgres bench's features carry net_loss_30d too (players_segment covers it since 0011): a value per player,
// so the covering index entries are as wide as storage's.
function netLossSelect(n: number, series: string): string {
  return `SELECT 'p' || lpad(CAST(i AS VARCHAR), 7, '0') AS player_id, (${r(11)} % 400000) - 100000 AS net_loss_30d
    FROM ${series.replace('$N', String(n))}`;
}

function eventsSelect(n: number, ago: (expr: string) => string, series: string, ks: string): string {
  return `SELECT '${TENANT}', 'p' || lpad(CAST(i AS VARCHAR), 7, '0'),
    CASE WHEN k % 3 = 0 THEN 'payment' ELSE 'bet.placed' END,
    ${ago(`(${r(9)} + k * 7919) % 129600`)},
    500 + (${r(10)} + k * 31) % 10000
    FROM ${series.replace('$N', String(n))}, ${ks} WHERE k < ${r(8)} % 8`;
}

// Postgres only: the other event types players_segment covers since 0011 (casino.round, session.started) for two
// players in three, so those last-seen columns hold values as storage's do. No segment condition reads them.
function otherEventsSelect(n: number, ago: (expr: string) => string, series: string): string {
  return `SELECT '${TENANT}', 'p' || lpad(CAST(i AS VARCHAR), 7, '0'),
    CASE WHEN k = 0 THEN 'casino.round' ELSE 'session.started' END,
    ${ago(`(${r(12)} + k * 7919) % 129600`)}, CASE WHEN k = 0 THEN 100 END
    FROM ${series.replace('$N', String(n))}, generate_series(0, 1) AS k WHERE ${r(13)} % 3 <> 0`;
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
  /** What the API runs since migration 0011: `layout: 'wide'`, `lastSeenColumns`. */
  product: SegmentSql;
  productMarketing: SegmentSql;
  /** What it ran through migration 0010: `playerActivity` (joins with player_features and player_activity). */
  joined: SegmentSql;
  joinedMarketing: SegmentSql;
  /** The same segment on the raw events (no rollup): a check of the count. */
  raw: SegmentSql;
  base: SegmentSql;
}

/** The physical shard databases of the fan-out figures (storage's suites run with 1 and 4). */
const SHARD_DATABASES = 4;

const pgUrl = (db: string): string => ADMIN_URL.replace(/\/[^/]*$/, `/${db}`);

// The tables of headless-api/migrations/shard/0001_shard.sql and 0002_guardrail.sql, reduced to the columns used.
async function createTables(client: pg.Client): Promise<void> {
  await client.query(`CREATE TABLE players (tenant_id text COLLATE "C" NOT NULL, player_id text COLLATE "C" NOT NULL,
    registered_at timestamptz, country text, blocked boolean NOT NULL DEFAULT false,
    self_excluded_until timestamptz, timed_out_until timestamptz, risk_band text, PRIMARY KEY (tenant_id, player_id))`);
  // Every feature column (storage adds them from core's list), so that migration 0011 copies them as it would.
  await client.query(`CREATE TABLE player_features (tenant_id text COLLATE "C" NOT NULL, player_id text COLLATE "C" NOT NULL,
    ${FEATURES.map((f) => `${f.key} ${f.type === 'number' ? 'double precision' : 'bigint'}`).join(', ')}, PRIMARY KEY (tenant_id, player_id))`);
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

async function postgres(ctx: BenchContext, n: number, repeats: number, forms: PostgresForms): Promise<{ figures: Figure[]; count: number }> {
  const { product, productMarketing, joined, joinedMarketing, raw, base } = forms;
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
    await client.query(`INSERT INTO player_features (tenant_id, player_id, deposit_sum_30d, net_loss_30d)
      SELECT f.*, l.net_loss_30d FROM (${featuresSelect(n, series)}) AS f(tenant_id, player_id, deposit_sum_30d)
      JOIN (${netLossSelect(n, series)}) AS l ON l.player_id = f.player_id`);
    const ago = (m: string): string => `'${AS_OF}'::timestamptz - (${m}) * interval '1 minute'`;
    await client.query(`INSERT INTO events ${eventsSelect(n, ago, series, 'generate_series(0, 7) AS k')}`);
    await client.query(`INSERT INTO events ${otherEventsSelect(n, ago, series)}`);
    const t1 = performance.now();
    await indexTables(client, 9);
    ctx.log(`postgres: storage indexes, shard migrations 0007 (player_activity and its backfill) and 0009, VACUUM in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    const events = Number((await client.query('SELECT count(*) AS n FROM events')).rows[0].n);
    const activity = Number((await client.query('SELECT count(*) AS n FROM player_activity')).rows[0].n);
    ctx.log(`postgres: ${n} players, ${events} events, ${activity} player_activity rows, loaded and indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const run = (c: pg.Client, q: SegmentSql) => () => c.query(q.sql, q.params);
    const count = Number((await client.query(joined.sql, joined.params)).rows[0].count);
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
    // Storage runs every segment statement with JIT off (storage/segments.ts); the joined forms never reach
    // jit_above_cost, so this changes only the wide forms' figures.
    await client.query('SET jit = off');

    // One database: through 0010, then with 0011 (its own SQL: columns, their backfill, the wider players_segment).
    const [b10, seg10, mkt10] = await interleaved([run(client, base), run(client, joined), run(client, joinedMarketing)], repeats);
    ctx.log(`postgres plan, one database, through 0010:\n    ${await plan(client, joined)}`);
    const t2 = performance.now();
    await client.query(SEGMENT_COLUMNS_MIGRATION);
    await client.query('VACUUM ANALYZE players');
    ctx.log(`postgres: shard migration 0011 (segment columns, their backfill, players_segment) and VACUUM in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
    if (Number((await client.query(product.sql, product.params)).rows[0].count) !== count) throw new Error('the 0011 form changed the count');
    const [b11, seg11, mkt11] = await interleaved([run(client, base), run(client, product), run(client, productMarketing)], repeats);
    ctx.log(`postgres plan, one database, with 0011:\n    ${await plan(client, product)}`);

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
        // players as loaded (its 0011 columns are added again below, by the migration on each database).
        const sources: [string, string][] = [
          ['players', 'SELECT tenant_id, player_id, registered_at, country, blocked, self_excluded_until, timed_out_until, risk_band FROM players'],
          ['player_features', 'SELECT * FROM player_features'], ['events', 'SELECT * FROM events'],
        ];
        for (const [table, select] of sources) {
          await pipeline(
            source.query(copyTo(`COPY (${select} WHERE abs(hashtext(player_id)) % ${SHARD_DATABASES} = ${d}) TO STDOUT`)),
            c.query(copyFrom(`COPY ${table} FROM STDIN`)),
          );
        }
      } finally {
        await source.end();
      }
      await indexTables(c, 9);
      await c.query('SET jit = off');
      return c;
    };
    const fan = await Promise.all(shards.map(split));
    ctx.log(`postgres: ${SHARD_DATABASES} shard databases (tables, COPY of their players' rows, storage indexes, migrations 0007 and 0009, VACUUM) in ${((performance.now() - t3) / 1000).toFixed(1)} s`);
    // The same databases without parallel workers (set on these connections): with several shard databases on one
    // server the fan-out already keeps its cores busy. On these, the CPU time of the four backends is read too
    // (/proc/<pid>/schedstat, when Postgres runs on this machine): the work a form costs, which a busy machine
    // disturbs much less than it disturbs elapsed time.
    const serial = await Promise.all(shards.map(async (db) => {
      const c = new pg.Client({ connectionString: pgUrl(db) });
      await c.connect();
      open.push(c);
      await c.query('SET max_parallel_workers_per_gather = 0');
      await c.query('SET jit = off');
      return { c, pid: Number((await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid) };
    }));
    // Only for a Postgres on this machine: a remote backend's pid names some local process, or none.
    const local = process.platform === 'linux' && ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(ADMIN_URL).hostname);
    const cpuReadable = local && serial.every((x) => existsSync(`/proc/${x.pid}/schedstat`));
    const cpuMs = (pid: number): number => (cpuReadable ? Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6 : 0);
    if (!cpuReadable) ctx.log('postgres: backend CPU time not readable from here (/proc/<pid>/schedstat of a local server): CPU figures left out');
    const onEvery = (clients: readonly pg.Client[], q: SegmentSql, column = 'count') => async (): Promise<number> =>
      (await Promise.all(clients.map((c) => c.query(q.sql, q.params)))).reduce((s, r) => s + Number(r.rows[0][column]), 0);
    /** onEvery on the serial connections, pushing the CPU time the four backends spent into `cpu`. */
    const onEverySerial = (q: SegmentSql, cpu: number[], column = 'count') => async (): Promise<number> => {
      const before = serial.map((x) => cpuMs(x.pid));
      const got = await onEvery(serial.map((x) => x.c), q, column)();
      cpu.push(serial.reduce((sum, x, i) => sum + cpuMs(x.pid) - before[i]!, 0));
      return got;
    };
    if ((await onEvery(fan, joined)()) !== count) throw new Error(`${SHARD_DATABASES} databases disagree with one database`);
    const cpu = { base10: [] as number[], seg10: [] as number[], mkt10: [] as number[], base11: [] as number[], seg11: [] as number[], mkt11: [] as number[] };
    const [bFan10, segFan10, mktFan10, bSerial10, segSerial10] = await interleaved([
      onEvery(fan, base), onEvery(fan, joined), onEvery(fan, joinedMarketing, 'kept'),
      onEverySerial(base, cpu.base10), onEverySerial(joined, cpu.seg10), onEverySerial(joinedMarketing, cpu.mkt10, 'kept'),
    ], repeats);
    ctx.log(`postgres plan, one of ${SHARD_DATABASES} databases, through 0010:\n    ${await plan(fan[0]!, joined)}`);
    const t4 = performance.now();
    await Promise.all(fan.map(async (c) => {
      await c.query(SEGMENT_COLUMNS_MIGRATION);
      await c.query('VACUUM ANALYZE players');
    }));
    ctx.log(`postgres: shard migration 0011 and VACUUM on ${SHARD_DATABASES} databases in ${((performance.now() - t4) / 1000).toFixed(1)} s`);
    if ((await onEvery(fan, product)()) !== count) throw new Error(`${SHARD_DATABASES} databases with 0011 disagree`);
    const [bFan11, segFan11, mktFan11, bSerial11, segSerial11] = await interleaved([
      onEvery(fan, base), onEvery(fan, product), onEvery(fan, productMarketing, 'kept'),
      onEverySerial(base, cpu.base11), onEverySerial(product, cpu.seg11), onEverySerial(productMarketing, cpu.mkt11, 'kept'),
    ], repeats);
    ctx.log(`postgres plan, one of ${SHARD_DATABASES} databases, with 0011:\n    ${await plan(fan[0]!, product)}`);
    ctx.log(`postgres plan, marketing form, one of ${SHARD_DATABASES} databases, with 0011:\n    ${await plan(fan[0]!, productMarketing)}`);
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
    const fanBase = (how: string): string => `count(*) of the tenant's ${n} players on ${SHARD_DATABASES} databases at once${how}, taken in turn with it`;
    const fanned = `${n} players on ${SHARD_DATABASES} databases queried at once`;
    const cpuOf = `${n} players on ${SHARD_DATABASES} databases, no parallel workers`;
    return {
      count,
      figures: [
        fig(`Postgres 4-condition segment count, ${fanned} (as the API runs it), with 0011: one players row per member, no join`, segFan11, median(bFan11), fanBase('')),
        fig(`Postgres 4-condition marketing preview (guardrail removals: matched, 4 reasons, kept), ${fanned}, with 0011`, mktFan11, median(bFan11), fanBase('')),
        fig(`Postgres 4-condition segment count, ${fanned}, through 0010 (joins with player_features and player_activity)`, segFan10, median(bFan10), fanBase('')),
        fig(`Postgres 4-condition marketing preview, ${fanned}, through 0010`, mktFan10, median(bFan10), fanBase('')),
        fig(`Postgres 4-condition segment count, ${fanned}, no parallel workers, with 0011`, segSerial11, median(bSerial11), fanBase(', no parallel workers')),
        fig(`Postgres 4-condition segment count, ${fanned}, no parallel workers, through 0010`, segSerial10, median(bSerial10), fanBase(', no parallel workers')),
        fig(`Postgres 4-condition segment count, ${n} players, one database, with 0011`, seg11, median(b11), oneBase),
        fig(`Postgres 4-condition marketing preview, ${n} players, one database, with 0011`, mkt11, median(b11), oneBase),
        fig(`Postgres 4-condition segment count, ${n} players, one database, through 0010`, seg10, median(b10), oneBase),
        fig(`Postgres 4-condition marketing preview, ${n} players, one database, through 0010`, mkt10, median(b10), oneBase),
        ...(cpuReadable
          ? [
            cpuFig(`Postgres CPU (4 backends) of the 4-condition segment count, ${cpuOf}, with 0011`, cpu.seg11, cpu.base11),
            cpuFig(`Postgres CPU (4 backends) of the 4-condition marketing preview, ${cpuOf}, with 0011`, cpu.mkt11, cpu.base11),
            cpuFig(`Postgres CPU (4 backends) of the 4-condition segment count, ${cpuOf}, through 0010`, cpu.seg10, cpu.base10),
            cpuFig(`Postgres CPU (4 backends) of the 4-condition marketing preview, ${cpuOf}, through 0010`, cpu.mkt10, cpu.base10),
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
    const product = compileSegment(SEGMENT, { dialect: 'postgres', fields, asOf: AS_OF, tenantId: TENANT, layout: 'wide', lastSeenColumns: true });
    const joined = compileSegment(SEGMENT, { dialect: 'postgres', fields, asOf: AS_OF, tenantId: TENANT, playerActivity: true });
    const p = engines.includes('postgres')
      ? await postgres(ctx, n, repeats, {
        product: product.count(), productMarketing: withGuardrail(product, fields).removals(),
        joined: joined.count(), joinedMarketing: withGuardrail(joined, fields).removals(),
        raw: compile('postgres', SEGMENT), base: compile('postgres', all),
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
