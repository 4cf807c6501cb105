import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidQueryError, ShardUnavailableError, createStorage } from '../../src/storage/index.js';
import type { PlayerSummary, ShardedStorage } from '../../src/storage/index.js';
import type { Backend } from './backends.js';
import { DAY, HOUR, deposit, event, lines, round, tenant, updated } from './fixtures.js';

/** Which parts of the suite a backend runs: everything, or ingest-and-read (the Neon driver). */
export type SuitePart = 'all' | 'ingest-read';

async function countAcross(storage: ShardedStorage, sql: string, params: unknown[]): Promise<number[]> {
  return Promise.all(storage.databases.map(async (db) => Number((await db.query<{ n: unknown }>(sql, params))[0]!.n)));
}
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Players whose ids land on every physical database. */
async function spreadPlayers(storage: ShardedStorage, t: string, perDatabase: number): Promise<string[][]> {
  const by: string[][] = storage.databases.map(() => []);
  for (let i = 0; by.some((l) => l.length < perDatabase); i++) {
    const id = `p${String(i).padStart(4, '0')}`;
    const db = await storage.databaseOf(t, id);
    if (by[db]!.length < perDatabase) by[db]!.push(id);
  }
  return by;
}

/** Ascending order of the storage: NULL greatest, ties by player_id in byte order. */
function compare(a: { v: string | number | null; id: string }, b: { v: string | number | null; id: string }): number {
  if (a.v !== b.v) {
    if (a.v === null) return 1;
    if (b.v === null) return -1;
    return a.v < b.v ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The storage suite, one function over a backend (STYLE.md habit 10): run
 * unchanged on PGlite, on Postgres with 1 and 4 physical databases, and (its
 * ingest-and-read part) through the Neon driver.
 */
export function storageSuite(backend: Backend, part: SuitePart = 'all'): void {
  describe(`storage on ${backend.name}`, () => {
    let storage: ShardedStorage;
    beforeAll(async () => {
      storage = await backend.open();
    }, 120_000);
    afterAll(async () => {
      await backend.cleanup();
    }, 60_000);

    it('stores each event once: duplicates inside a batch and across batches are reported, not stored', async () => {
      const t = tenant('idem');
      const players = (await spreadPlayers(storage, t, 4)).flat();
      const events = players.flatMap((p, i) => [round(p, `${p}-a`, 100 + i, 0, 2 * HOUR), deposit(p, `${p}-b`, 1000, HOUR)]);
      const batch = lines([...events, events[0]!, events[3]!]);
      const first = await storage.ingest(t, batch);
      expect(first.accepted).toEqual(batch.slice(0, events.length).map((l) => l.line));
      expect(first.duplicate).toEqual([events.length + 1, events.length + 2]);
      expect(first.retryable).toEqual([]);

      const again = await storage.ingest(t, batch);
      expect(again.accepted).toEqual([]);
      expect(again.duplicate).toEqual(batch.map((l) => l.line));

      const perDb = await countAcross(storage, 'SELECT count(*) AS n FROM events WHERE tenant_id = $1', [t]);
      expect(sum(perDb)).toBe(events.length);
      expect(perDb.every((n) => n > 0)).toBe(true);
      // A retried batch does not move last_event_at or the players count either.
      expect(sum(await countAcross(storage, 'SELECT count(*) AS n FROM players WHERE tenant_id = $1', [t]))).toBe(players.length);
    });

    it('refuses an event_id reused for another player, on any database, and keeps the first event', async () => {
      const t = tenant('reuse');
      const spread = await spreadPlayers(storage, t, 2);
      // With several databases, a and b live on different ones (the primary key of events alone would not see the reuse).
      const a = spread[0]![0]!;
      const b = spread[spread.length - 1]![1]!;
      expect((await storage.ingest(t, lines([round(a, 'e-1', 100, 0, HOUR)]))).accepted).toEqual([1]);
      const reuse = await storage.ingest(t, lines([round(b, 'e-1', 500, 0, HOUR), round(b, 'e-2', 100, 0, HOUR), round(a, 'e-1', 100, 0, HOUR)]));
      expect(reuse).toMatchObject({ accepted: [2], duplicate: [3], retryable: [], conflicting: [{ line: 1, event_id: 'e-1' }] });
      // Inside one batch the first line keeps the id.
      const inBatch = await storage.ingest(t, lines([round(b, 'e-3', 100, 0, HOUR), round(a, 'e-3', 100, 0, HOUR), round(b, 'e-3', 100, 0, HOUR)]));
      expect(inBatch).toMatchObject({ accepted: [1], duplicate: [3], conflicting: [{ line: 2, event_id: 'e-3' }] });
      // A bulk batch (sent by COPY) with one reused id among new ones.
      const bulk = Array.from({ length: 250 }, (_, i) => round(b, `bulk-${i}`, 100, 0, HOUR));
      bulk[117] = round(b, 'e-1', 100, 0, HOUR);
      const bulkOutcome = await storage.ingest(t, lines(bulk));
      expect(bulkOutcome.accepted).toHaveLength(249);
      expect(bulkOutcome.conflicting).toEqual([{ line: 118, event_id: 'e-1' }]);
      const owners = (await Promise.all(storage.databases.map((db) =>
        db.query<{ event_id: string; player_id: string; stake: string }>("SELECT event_id, player_id, amount_minor::text AS stake FROM events WHERE tenant_id = $1 AND event_id IN ('e-1', 'e-3')", [t])))).flat();
      expect(owners.sort((x, y) => x.event_id.localeCompare(y.event_id))).toEqual([
        { event_id: 'e-1', player_id: a, stake: '100' },
        { event_id: 'e-3', player_id: b, stake: '100' },
      ]);
      expect(sum(await countAcross(storage, 'SELECT count(*) AS n FROM events WHERE tenant_id = $1', [t]))).toBe(1 + 1 + 1 + 249);
      // Event ids are per tenant: another tenant may use the same ones for anyone.
      expect((await storage.ingest(tenant('reuse_other'), lines([round(b, 'e-1', 100, 0, HOUR)]))).accepted).toEqual([1]);
    });

    if (backend.databases > 1) {
      it('claims the ids of events stored before migration 0010 once, on migrate', async () => {
        const t = tenant('backfill');
        const spread = await spreadPlayers(storage, t, 1);
        const a = spread[0]![0]!;
        const b = spread[spread.length - 1]![0]!;
        const wipeClaims = () => Promise.all(storage.databases.map((db) => db.query('DELETE FROM event_claims WHERE tenant_id = $1', [t])));
        await storage.ingest(t, lines([round(a, 'old-1', 100, 0, 2 * HOUR), round(a, 'old-2', 100, 0, 2 * HOUR)]));
        // As before migration 0010: no claims, and an id stored for two players on two databases.
        await wipeClaims();
        expect((await storage.ingest(t, lines([round(b, 'old-2', 100, 0, HOUR)]))).accepted).toEqual([1]);
        await wipeClaims();
        await storage.control.query("DELETE FROM storage_jobs WHERE name = 'event_claims_backfill'");

        const reports = await storage.migrate();
        // Every other tenant's events in these databases were claimed when ingested: only this tenant's are added.
        expect(reports[0]!.applied).toContainEqual(expect.stringMatching(/^job\/event_claims_backfill \(\d+ events, 2 claims added, 1 ids already used by another player\)$/));
        const after = await storage.ingest(t, lines([round(b, 'old-1', 100, 0, HOUR), round(a, 'old-1', 100, 0, HOUR), round(a, 'old-2', 100, 0, HOUR)]));
        expect(after).toMatchObject({ accepted: [], duplicate: [2, 3], conflicting: [{ line: 1, event_id: 'old-1' }] });
        expect((await storage.migrate()).every((r) => r.applied.length === 0)).toBe(true);
      });
    }

    it('claims bulk batches of new ids at once, and decides id by id when a bulk batch meets claimed ones', async () => {
      const t = tenant('bulkclaim');
      const spread = await spreadPlayers(storage, t, 2);
      const a = spread[0]![0]!;
      const b = spread[spread.length - 1]![1]!;
      // Enough ids for every database's share of the claims to go by COPY (event-claims.ts).
      const bulk = Array.from({ length: 1200 }, (_, i) => round(i % 2 === 0 ? a : b, `bc-${i}`, 100, 0, HOUR));
      expect((await storage.ingest(t, lines(bulk))).accepted).toHaveLength(1200);
      const claims = sum(await countAcross(storage, 'SELECT count(*) AS n FROM event_claims WHERE tenant_id = $1', [t]));
      expect(claims).toBe(storage.databases.length > 1 ? 1200 : 0);
      // The same batch again: every id is claimed by its own player, every line a duplicate.
      const again = await storage.ingest(t, lines(bulk));
      expect(again.duplicate).toHaveLength(1200);
      expect(again.conflicting).toEqual([]);
      // New ids with one of b's among them, for a.
      const mixed = Array.from({ length: 1200 }, (_, i) => round(a, `bc2-${i}`, 100, 0, HOUR));
      mixed[600] = round(a, 'bc-1', 100, 0, HOUR);
      const outcome = await storage.ingest(t, lines(mixed));
      expect(outcome.accepted).toHaveLength(1199);
      expect(outcome.conflicting).toEqual([{ line: 601, event_id: 'bc-1' }]);
      expect(sum(await countAcross(storage, 'SELECT count(*) AS n FROM events WHERE tenant_id = $1', [t]))).toBe(2399);
    });

    if (backend.urls && backend.databases > 1) {
      it('commits concurrent batches that resend each other\'s ids, with one connection per database', async () => {
        // Each database's transaction waits for the batch's claims before it commits. With one connection per
        // database, claims that queued for it behind those transactions would wait until the deadline (and the
        // lines come back retryable): claims have connections of their own.
        const narrow = await createStorage({ driver: 'pg', urls: backend.urls!, poolSize: 1, timeouts: { shardWriteMs: 8000 } });
        try {
          const t = tenant('narrow');
          const id = (i: number) => round(`np-${i % 40}`, `ne-${i}`, 100 + i, 0, HOUR);
          // Six batches of 1,000 (every database's share of the claims goes by COPY), each sharing half its ids with the next.
          const batches = Array.from({ length: 6 }, (_, k) => Array.from({ length: 1000 }, (_, i) => id(k * 500 + i)));
          // One line reuses the id of another player's stored event: refused in its batch while the rest commit.
          // (Its own id, ne-1510, is also in batch 2.)
          expect((await narrow.ingest(t, lines([round('np-other', 'ne-x', 1, 0, HOUR)]))).accepted).toEqual([1]);
          batches[3]![10] = round('np-0', 'ne-x', 1, 0, HOUR);
          const outcomes = await Promise.all(batches.map((b) => narrow.ingest(t, lines(b))));
          expect(outcomes.flatMap((o) => o.retryable)).toEqual([]);
          expect(outcomes.flatMap((o) => o.conflicting)).toEqual([{ line: 11, event_id: 'ne-x' }]);
          const accepted = sum(outcomes.map((o) => o.accepted.length));
          const unique = 6 * 500 + 500;
          expect(accepted).toBe(unique);
          expect(sum(outcomes.map((o) => o.duplicate.length))).toBe(6000 - 1 - unique);
          expect(sum(await countAcross(storage, 'SELECT count(*) AS n FROM events WHERE tenant_id = $1', [t]))).toBe(unique + 1);
          expect(sum(await countAcross(storage, 'SELECT count(*) AS n FROM event_claims WHERE tenant_id = $1', [t]))).toBe(unique + 1);
        } finally {
          await narrow.close();
        }
      }, 60_000);
    }

    if (backend.urls && backend.databases > 1) {
      it('turns only the lines claimed on a hung claim database retryable; the others commit', async () => {
        // Each database's transaction waits for the claims; a claim that hangs past its deadline turns its own
        // lines retryable, and the transactions holding them roll back and commit the rest.
        const quick = await createStorage({ driver: 'pg', urls: backend.urls!, poolSize: 2, timeouts: { shardWriteMs: 1500 } });
        const t = tenant('hungclaim');
        const target = backend.databases - 1;
        const spread = await spreadPlayers(quick, t, 2);
        const events = spread.flat().flatMap((p) => Array.from({ length: 4 }, (_, k) => round(p, `${p}-h${k}`, 100, 0, HOUR)));
        const claimedThere: string[] = [];
        for (const e of events) if ((await quick.databaseOf(t, e.event_id)) === target) claimedThere.push(e.event_id);
        expect(claimedThere.length).toBeGreaterThan(0);
        expect(claimedThere.length).toBeLessThan(events.length);
        // The claim database answers connections but its claims table is locked: a claim waits until its deadline.
        const holder = new pg.Client({ connectionString: backend.urls![target] });
        await holder.connect();
        try {
          await holder.query('BEGIN');
          await holder.query('LOCK TABLE event_claims IN ACCESS EXCLUSIVE MODE');
          const outcome = await quick.ingest(t, lines(events));
          expect(outcome.retryable.map((r) => r.event_id).sort()).toEqual([...claimedThere].sort());
          expect(outcome.accepted).toHaveLength(events.length - claimedThere.length);
        } finally {
          await holder.query('ROLLBACK');
          await holder.end();
          await quick.close();
        }
        const retry = await storage.ingest(t, lines(events));
        expect(retry.accepted).toHaveLength(claimedThere.length);
        expect(retry.duplicate).toHaveLength(events.length - claimedThere.length);
      }, 30_000);
    }

    it('computes features for the touched players only, with the definitions\' values', async () => {
      const t = tenant('feat');
      const a = 'alice';
      const b = 'bob';
      const first = await storage.ingest(t, lines([
        deposit(a, 'a1', 1000, 2 * DAY), deposit(a, 'a2', 3000, 5 * DAY), deposit(a, 'a3', 500, 20 * DAY),
        deposit(a, 'a4', 700, DAY, 'rejected'),
        round(a, 'a5', 100, 50, DAY), round(a, 'a6', 300, 0, 3 * DAY),
        round(b, 'b1', 100, 0, DAY),
      ]));
      expect(first.accepted).toHaveLength(7);
      expect(first.stale_features).toBeUndefined();
      await storage.featuresSettled();
      const alice = await storage.getPlayer(t, a);
      expect(alice?.features).toMatchObject({
        deposit_count_7d: 2, deposit_sum_7d: 4000, deposit_count_30d: 3, deposit_sum_30d: 4500,
        stake_mean_30d: 200, net_loss_30d: 350, failed_deposit_ratio_30d: 0.25, active_days_30d: 2,
      });
      const bobBefore = await storage.getPlayer(t, b);
      expect(bobBefore?.features.net_loss_30d).toBe(100);
      expect(bobBefore?.features_computed_at).not.toBeNull();

      await new Promise((r) => setTimeout(r, 20));
      await storage.ingest(t, lines([deposit(a, 'a7', 1000, HOUR)]));
      await storage.featuresSettled();
      const aliceAfter = await storage.getPlayer(t, a);
      expect(aliceAfter?.features).toMatchObject({ deposit_count_7d: 3, deposit_sum_7d: 5000, deposit_sum_30d: 5500 });
      expect(aliceAfter!.features_computed_at! > alice!.features_computed_at!).toBe(true);
      const bobAfter = await storage.getPlayer(t, b);
      expect(bobAfter?.features_computed_at).toBe(bobBefore?.features_computed_at);
      expect(sum(await countAcross(storage, 'SELECT count(*) AS n FROM player_features WHERE tenant_id = $1', [t]))).toBe(2);
    });

    it('merges profile upserts and player.updated events, and keeps personal data apart', async () => {
      const t = tenant('prof');
      expect(await storage.upsertPlayer(t, 'p1', {
        country: 'BR', brand: 'b1', tags: ['vip'], affiliate_id: 'aff', marketing_consents: { email: true },
        personal: { email: 'ana@example.com', first_name: 'Ana' },
      })).toEqual({ created: true });
      expect(await storage.upsertPlayer(t, 'p1', {
        brand: 'b2', affiliate_id: null, marketing_consents: { sms: false }, personal: { phone: '+5511912345678' },
      })).toEqual({ created: false });
      await storage.ingest(t, lines([updated('p1', 'u1', { country: 'PT', personal: { last_name: 'Souza' } })]));

      const p = await storage.getPlayer(t, 'p1');
      expect(p).toMatchObject({ player_id: 'p1', country: 'PT', brand: 'b2' });
      expect(p?.profile).toEqual({ country: 'PT', brand: 'b2', tags: ['vip'], affiliate_id: null, marketing_consents: { email: true, sms: false } });
      expect(p?.personal).toEqual({ email: 'ana@example.com', first_name: 'Ana', last_name: 'Souza', phone: '+5511912345678' });
      expect(p?.recent_events.map((e) => e.event_id)).toEqual(['u1']);
      expect(JSON.stringify(p?.recent_events)).not.toContain('Souza');

      const db = storage.databases[await storage.databaseOf(t, 'p1')]!;
      const [row] = await db.query<{ profile: string; payloads: string }>(
        `SELECT p.profile::text AS profile, (SELECT string_agg(payload::text, '') FROM events e WHERE e.tenant_id = $1) AS payloads
         FROM players p WHERE p.tenant_id = $1 AND p.player_id = 'p1'`, [t]);
      for (const secret of ['ana@example.com', 'Ana', 'Souza', '+5511912345678']) {
        expect(row!.profile).not.toContain(secret);
        expect(row!.payloads).not.toContain(secret);
      }
      expect(await storage.getPlayer(t, 'nobody')).toBeNull();
      expect(await storage.getPlayer(tenant('other'), 'p1')).toBeNull();
    });

    it('pages players across shards with keyset cursors: every player once, in order, ascending and descending', async () => {
      const t = tenant('page');
      const base = Date.parse('2024-03-01T00:00:00Z');
      const ids = Array.from({ length: 43 }, (_, i) => `q${String((i * 37) % 43).padStart(3, '0')}`);
      for (const [i, id] of ids.entries()) {
        // Every 5th has no registered_at (NULL sort values); every 4th shares one (ties).
        const registered_at = i % 5 === 0 ? undefined : new Date(base + (i % 4 === 0 ? 0 : i * 61_000)).toISOString();
        await storage.upsertPlayer(t, id, { country: i % 3 === 0 ? 'BR' : 'PT', ...(registered_at ? { registered_at } : {}) });
      }
      // Every 6th has no events (no features row: NULL); amounts repeat (ties).
      const events = ids.filter((_, i) => i % 6 !== 0).flatMap((id, i) => [deposit(id, `${id}-d`, ((i % 7) + 1) * 100, (i + 1) * HOUR)]);
      const outcome = await storage.ingest(t, lines(events));
      expect(outcome.accepted).toHaveLength(events.length);
      await storage.featuresSettled();

      const valueOf: Record<string, (p: PlayerSummary) => string | number | null> = {
        player_id: () => null,
        registered_at: (p) => p.registered_at,
        last_event_at: (p) => p.last_event_at,
        deposit_sum_30d: (p) => p.features.deposit_sum_30d ?? null,
      };
      for (const [sort, value] of Object.entries(valueOf)) {
        for (const order of ['asc', 'desc'] as const) {
          const seen: PlayerSummary[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await storage.listPlayers(t, { sort, order, limit: 6, ...(cursor ? { cursor } : {}) });
            expect(page.items.length).toBeLessThanOrEqual(6);
            seen.push(...page.items);
            cursor = page.next_cursor ?? undefined;
            expect(++pages).toBeLessThan(20);
          } while (cursor);
          const got = seen.map((p) => p.player_id);
          expect(new Set(got).size, `${sort} ${order}: no player twice`).toBe(got.length);
          expect([...got].sort(), `${sort} ${order}: every player`).toEqual([...ids].sort());
          const keyed = seen.map((p) => ({ v: value(p), id: p.player_id }));
          const expected = [...keyed].sort((x, y) => (order === 'asc' ? 1 : -1) * compare(x, y));
          expect(got, `${sort} ${order}: in order`).toEqual(expected.map((k) => k.id));
        }
      }
      const br = await storage.listPlayers(t, { sort: 'player_id', order: 'asc', limit: 100, filters: { country: 'BR' } });
      expect(br.items.map((p) => p.player_id)).toEqual(ids.filter((_, i) => i % 3 === 0).sort());
      expect(br.next_cursor).toBeNull();

      await expect(storage.listPlayers(t, { sort: 'email', order: 'asc', limit: 5 })).rejects.toBeInstanceOf(InvalidQueryError);
      const page = await storage.listPlayers(t, { sort: 'player_id', order: 'asc', limit: 5 });
      await expect(storage.listPlayers(t, { sort: 'registered_at', order: 'asc', limit: 5, cursor: page.next_cursor! })).rejects.toBeInstanceOf(InvalidQueryError);
      await expect(storage.listPlayers(t, { sort: 'player_id', order: 'asc', limit: 5, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidQueryError);
    });

    if (part === 'ingest-read') return;

    it('writes one transaction per physical database: a failing database rolls back all its lines, the others commit', async () => {
      const t = tenant('tx');
      const spread = await spreadPlayers(storage, t, 3);
      const victim = spread[0]![0]!;
      const db = storage.databases[await storage.databaseOf(t, victim)]!;
      // A serialization failure (SQLSTATE 40001) on the victim's players row, after its events were inserted.
      await db.query(`CREATE FUNCTION pb_fail_${t}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.tenant_id = '${t}' AND NEW.player_id = '${victim}' THEN RAISE EXCEPTION 'injected' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$`);
      await db.query(`CREATE TRIGGER pb_fail_${t} BEFORE INSERT OR UPDATE ON players FOR EACH ROW EXECUTE FUNCTION pb_fail_${t}()`);
      const events = spread.flat().map((p) => round(p, `${p}-x`, 100, 0, HOUR));
      let outcome;
      try {
        outcome = await storage.ingest(t, lines(events));
      } finally {
        await db.query(`DROP TRIGGER pb_fail_${t} ON players`);
        await db.query(`DROP FUNCTION pb_fail_${t}()`);
      }
      const onVictimDb = events.filter((e) => spread[0]!.includes(e.player_id)).map((e) => e.event_id);
      expect(outcome.retryable.map((r) => r.event_id).sort()).toEqual(onVictimDb.sort());
      expect(outcome.accepted).toHaveLength(events.length - onVictimDb.length);
      const [stored] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [t]);
      expect(stored!.n).toBe(0);
      expect(sum(await countAcross(storage, 'SELECT count(*) AS n FROM events WHERE tenant_id = $1', [t]))).toBe(events.length - onVictimDb.length);

      const retry = await storage.ingest(t, lines(events));
      expect(retry.accepted).toHaveLength(onVictimDb.length);
      expect(retry.duplicate).toHaveLength(events.length - onVictimDb.length);
    });

    if (backend.openWithOutage) {
      for (const kind of ['refused', 'hung'] as const) {
        it(`returns the lines of a ${kind === 'refused' ? 'down' : 'hung'} database as retryable while the others commit`, async () => {
          const t = tenant(`out_${kind}`);
          const target = backend.databases - 1;
          const broken = await backend.openWithOutage!(target, kind);
          const spread = await spreadPlayers(storage, t, 3);
          const events = spread.flat().map((p) => round(p, `${p}-o`, 100, 0, HOUR));
          if (target > 0) {
            // One event of a player on a healthy database whose id is claimed on the down one (event-claims.ts).
            const healthy = spread[0]![0]!;
            let k = 0;
            while ((await storage.databaseOf(t, `${healthy}-c${k}`)) !== target) k++;
            events.push(round(healthy, `${healthy}-c${k}`, 100, 0, HOUR));
          }
          // Lines whose player or whose id's claim is on the down database.
          const down = new Set<string>();
          for (const e of events) {
            if ((await storage.databaseOf(t, e.player_id)) === target || (backend.databases > 1 && (await storage.databaseOf(t, e.event_id)) === target)) down.add(e.event_id);
          }
          if (target === 0) {
            // The only database is also the control database: nothing can be routed.
            await expect(broken.ingest(t, lines(events))).rejects.toBeInstanceOf(ShardUnavailableError);
          } else {
            const outcome = await broken.ingest(t, lines(events));
            expect(outcome.retryable.map((r) => r.event_id).sort()).toEqual([...down].sort());
            expect(outcome.accepted).toHaveLength(events.length - down.size);
            expect(outcome.retryable[0]?.message).toMatch(/unavailable|did not answer|timeout/i);
            await expect(broken.listPlayers(t, { sort: 'player_id', order: 'asc', limit: 10 })).rejects.toBeInstanceOf(ShardUnavailableError);
          }
          const health = await broken.health();
          expect(health.find((h) => h.database === target)).toMatchObject({ ok: false });
          expect(health.filter((h) => h.database !== target).every((h) => h.ok)).toBe(true);
          // When the database is back (here: the healthy storage), the retried batch completes.
          const retry = await storage.ingest(t, lines(events));
          expect(retry.accepted).toHaveLength(target === 0 ? events.length : down.size);
          expect(sum(await countAcross(storage, 'SELECT count(*) AS n FROM events WHERE tenant_id = $1', [t]))).toBe(events.length);
        }, 30_000);
      }
    }

    it('keeps rejected lines in the dead-letter table with their issues', async () => {
      const t = tenant('dead');
      await storage.deadLetter(t, [
        { line: 2, raw: '{"event_id":"e2","player_id":"p7","type":"bet.placed","stake_minor":-1}', event_id: 'e2', issues: [{ pointer: '/stake_minor', message: 'must not be negative' }] },
        { line: 5, raw: '{"type":', event_id: null, issues: [{ pointer: '', message: 'malformed JSON' }] },
      ]);
      const dead = await storage.deadLetters(t);
      expect(dead.map((d) => [d.line, d.event_id, d.player_id]).sort()).toEqual([[2, 'e2', 'p7'], [5, null, null]]);
      expect(dead.find((d) => d.line === 2)?.issues).toEqual([{ pointer: '/stake_minor', message: 'must not be negative' }]);
      expect(await storage.deadLetters(tenant('other'))).toEqual([]);
    });

    it('creates API keys that verify until they expire or are revoked, storing only a hash', async () => {
      const t = tenant('keys');
      const { id, key } = await storage.createApiKey(t, 'analyst', { name: 'backend' });
      expect(key.startsWith(`pb_${id}_`)).toBe(true);
      expect(await storage.verifyApiKey(key)).toEqual({ tenant: t, role: 'analyst', keyId: id });
      const tampered = key.slice(0, -2) + (key.at(-2) === 'x' ? 'y' : 'x') + key.at(-1);
      expect(await storage.verifyApiKey(tampered)).toBeNull();
      expect(await storage.verifyApiKey('pb_nope')).toBeNull();
      expect(await storage.verifyApiKey(`pb_${id}_' OR 1=1 --`)).toBeNull();
      const [stored] = await storage.control.query<{ secret_sha256: string }>('SELECT secret_sha256 FROM api_keys WHERE key_id = $1', [id]);
      expect(key).not.toContain(stored!.secret_sha256);
      expect(JSON.stringify(await storage.control.query('SELECT * FROM api_keys WHERE key_id = $1', [id]))).not.toContain(key.slice(-43));

      const expired = await storage.createApiKey(t, 'admin', { expiresAt: new Date(Date.now() - 1000) });
      expect(await storage.verifyApiKey(expired.key)).toBeNull();
      const later = await storage.createApiKey(t, 'agent', { expiresAt: new Date(Date.now() + 3_600_000) });
      expect(await storage.verifyApiKey(later.key)).toMatchObject({ role: 'agent' });

      expect(await storage.revokeApiKey(tenant('other'), id)).toBe(false);
      expect(await storage.revokeApiKey(t, id)).toBe(true);
      expect(await storage.verifyApiKey(key)).toBeNull();
      expect(await storage.revokeApiKey(t, id)).toBe(false);
      const listed = await storage.listApiKeys(t);
      expect(listed.map((k) => k.id).sort()).toEqual([id, expired.id, later.id].sort());
      expect(listed.find((k) => k.id === id)?.revoked_at).not.toBeNull();
    });

    it('applies migrations once, to every database, and records them', async () => {
      const again = await storage.migrate();
      expect(again.every((r) => r.applied.length === 0)).toBe(true);
      expect(again.map((r) => r.database).sort()).toEqual(storage.databases.map((d) => d.index).sort());
      const recorded = await countAcross(storage, "SELECT count(*) AS n FROM schema_migrations WHERE scope = 'shard'", []);
      expect(recorded.every((n) => n >= 1)).toBe(true);
      const [map] = await storage.control.query<{ n: number; dbs: number }>('SELECT count(*)::int AS n, count(DISTINCT database)::int AS dbs FROM shard_map');
      expect(map).toEqual({ n: 256, dbs: storage.databases.length });
      const health = await storage.health();
      expect(health.map((h) => h.ok)).toEqual(storage.databases.map(() => true));
      // One main pool per database; with several, one more each for event id claims.
      const pools = storage.poolStats();
      expect(pools.filter((p) => p.pool === 'main').map((p) => p.database)).toEqual(storage.databases.map((_, i) => i));
      expect(pools.filter((p) => p.pool === 'claims').map((p) => p.database)).toEqual(storage.databases.length > 1 ? storage.databases.map((_, i) => i) : []);
    });
  });
}
