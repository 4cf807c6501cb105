import { shardOf } from '@pitboss/core';
import { InvalidQueryError } from './errors.js';
import type { Database } from './pool.js';

/**
 * What the player 360 reads need from the sharded storage: its physical
 * databases and the shard map. `ShardedStorage` has both.
 */
export interface ShardLookup {
  readonly databases: readonly Database[];
  databaseOf(tenantId: string, playerId: string): Promise<number>;
}

/** One event of a player's timeline (`GET /v1/players/{id}/events`). */
export interface TimelineEvent {
  event_id: string;
  type: string;
  occurred_at: string;
  payload: Record<string, unknown>;
}

/** A keyset page, newest first. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

/** One UTC day of a player's money figures in one currency, in minor units. */
export interface SeriesPoint {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** Approved deposits. */
  deposits_minor: number;
  /** Approved withdrawals. */
  withdrawals_minor: number;
  /** Stakes of bets and casino rounds (bonus money included). */
  stakes_minor: number;
  /** Stakes minus winnings (the `net_loss_30d` feature's formula, per day); positive = the player lost. */
  net_loss_minor: number;
  /** Gross gaming revenue: cash stakes (stakes minus bonus stakes) minus winnings. */
  ggr_minor: number;
}

/** `GET /v1/players/{id}/series`: one dense daily series per currency the player used. */
export interface PlayerSeries {
  player_id: string;
  days: number;
  /** First day (UTC, inclusive). */
  from: string;
  /** Last day (UTC, inclusive): today. */
  to: string;
  series: { currency: string; points: SeriesPoint[] }[];
}

/** A note an agent or admin wrote about a player. The text is personal data. */
export interface PlayerNote {
  id: string;
  player_id: string;
  /** Who wrote it: the API key id, `jwt:<subject>` or `embed:<key id>`. */
  author: string;
  note: string;
  created_at: string;
}

const iso = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString();
const DAY_MS = 86_400_000;
/** A timestamp as text Postgres reads back exactly (microseconds, UTC): the cursor keeps it verbatim. */
const EXACT_TIME = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface TimeCursor {
  t: string;
  k: string;
}

function encodeCursor(kind: string, at: TimeCursor): string {
  return Buffer.from(JSON.stringify({ c: kind, ...at })).toString('base64url');
}

function decodeCursor(kind: string, cursor: string): TimeCursor {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new InvalidQueryError('cursor is not one this API issued', 'cursor');
  }
  const b = body as { c?: unknown; t?: unknown; k?: unknown } | null;
  if (
    !b || b.c !== kind || typeof b.t !== 'string' || typeof b.k !== 'string' || b.k.length > 256 ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(b.t) || Number.isNaN(Date.parse(b.t))
  ) {
    throw new InvalidQueryError('cursor is not one this API issued', 'cursor');
  }
  return { t: b.t, k: b.k };
}

/**
 * The reads and writes behind the player 360 card: a player's timeline
 * (keyset pages, newest first), daily money series for sparklines, and notes.
 * Everything runs on the player's own database (one statement each); a
 * player unknown to the tenant reads as null.
 */
export class Player360Storage {
  constructor(
    private readonly shards: ShardLookup,
    /** Deadline of each statement; 0 = none (PGlite). */
    private readonly timeoutMs = 0,
  ) {}

  async #db(tenant: string, playerId: string): Promise<Database> {
    return this.shards.databases[await this.shards.databaseOf(tenant, playerId)]!;
  }

  /**
   * Whether the tenant has this player.
   *
   * @example
   * if (!(await p360.exists('acme', 'p-17'))) throw notFound();
   */
  async exists(tenant: string, playerId: string): Promise<boolean> {
    return this.#known(await this.#db(tenant, playerId), tenant, playerId);
  }

  async #known(db: Database, tenant: string, playerId: string): Promise<boolean> {
    const rows = await db.query('SELECT 1 FROM players WHERE tenant_id = $1 AND player_id = $2', [tenant, playerId], { timeoutMs: this.timeoutMs });
    return rows.length > 0;
  }

  /**
   * A page of a player's events, newest first (`occurred_at`, then `event_id`),
   * optionally of some types only. Null when the tenant has no such player.
   *
   * @example
   * const page = await p360.events('acme', 'p-17', { limit: 50, types: ['payment'] });
   * const older = await p360.events('acme', 'p-17', { limit: 50, types: ['payment'], cursor: page.next_cursor! });
   */
  async events(tenant: string, playerId: string, query: { limit: number; cursor?: string; types?: readonly string[] }): Promise<Page<TimelineEvent> | null> {
    const db = await this.#db(tenant, playerId);
    const params: unknown[] = [tenant, playerId];
    const where = ['tenant_id = $1', 'player_id = $2'];
    if (query.types && query.types.length > 0) where.push(`type = ANY($${params.push([...query.types])}::text[])`);
    if (query.cursor !== undefined) {
      const at = decodeCursor('events', query.cursor);
      where.push(`(occurred_at, event_id) < ($${params.push(at.t)}::timestamptz, $${params.push(at.k)}::text COLLATE "C")`);
    }
    const [known, rows] = await Promise.all([
      this.#known(db, tenant, playerId),
      db.query<{ event_id: string; type: string; occurred_at: unknown; at: string; payload: Record<string, unknown> }>(
        `SELECT event_id, type, occurred_at, ${EXACT_TIME('occurred_at')} AS at, payload FROM events
         WHERE ${where.join(' AND ')} ORDER BY occurred_at DESC, event_id DESC LIMIT ${query.limit + 1}`,
        params,
        { timeoutMs: this.timeoutMs },
      ),
    ]);
    if (!known && rows.length === 0) return null;
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => ({ event_id: r.event_id, type: r.type, occurred_at: iso(r.occurred_at), payload: r.payload })),
      next_cursor: rows.length > query.limit && last ? encodeCursor('events', { t: last.at, k: last.event_id }) : null,
    };
  }

  /**
   * Daily deposits, withdrawals, stakes, net loss and GGR of the last `days`
   * UTC days (today included), one dense series per currency (days without
   * activity are zeros). Null when the tenant has no such player.
   *
   * @example
   * const s = await p360.series('acme', 'p-17', { days: 90 });
   * s.series[0].points.map((p) => p.net_loss_minor); // sparkline
   */
  async series(tenant: string, playerId: string, query: { days: number; now?: Date }): Promise<PlayerSeries | null> {
    if (!Number.isInteger(query.days) || query.days < 1 || query.days > 366) throw new InvalidQueryError('days must be 1..366', 'days');
    const db = await this.#db(tenant, playerId);
    const today = Math.floor((query.now ?? new Date()).getTime() / DAY_MS) * DAY_MS;
    const from = new Date(today - (query.days - 1) * DAY_MS);
    const [known, rows] = await Promise.all([
      this.#known(db, tenant, playerId),
      db.query<{ day: string; currency: string; deposits: string; withdrawals: string; stakes: string; bonus: string; wins: string }>(
        `SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, currency,
           COALESCE(sum(amount_minor) FILTER (WHERE type = 'payment' AND direction = 'deposit' AND status = 'approved'), 0)::text AS deposits,
           COALESCE(sum(amount_minor) FILTER (WHERE type = 'payment' AND direction = 'withdrawal' AND status = 'approved'), 0)::text AS withdrawals,
           COALESCE(sum(amount_minor) FILTER (WHERE type IN ('bet.placed', 'casino.round')), 0)::text AS stakes,
           COALESCE(sum(bonus_minor) FILTER (WHERE type IN ('bet.placed', 'casino.round')), 0)::text AS bonus,
           COALESCE(sum(win_minor) FILTER (WHERE type IN ('bet.settled', 'casino.round')), 0)::text AS wins
         FROM events
         WHERE tenant_id = $1 AND player_id = $2 AND occurred_at >= $3::timestamptz AND currency IS NOT NULL
           AND type IN ('payment', 'bet.placed', 'bet.settled', 'casino.round')
         GROUP BY 1, 2`,
        [tenant, playerId, from.toISOString()],
        { timeoutMs: this.timeoutMs },
      ),
    ]);
    if (!known) return null;
    const days = Array.from({ length: query.days }, (_, i) => new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10));
    const byCurrency = new Map<string, Map<string, SeriesPoint>>();
    for (const r of rows) {
      let points = byCurrency.get(r.currency);
      if (!points) byCurrency.set(r.currency, (points = new Map()));
      const stakes = Number(r.stakes);
      const wins = Number(r.wins);
      points.set(r.day, {
        day: r.day,
        deposits_minor: Number(r.deposits),
        withdrawals_minor: Number(r.withdrawals),
        stakes_minor: stakes,
        net_loss_minor: stakes - wins,
        ggr_minor: stakes - Number(r.bonus) - wins,
      });
    }
    const zero = (day: string): SeriesPoint => ({ day, deposits_minor: 0, withdrawals_minor: 0, stakes_minor: 0, net_loss_minor: 0, ggr_minor: 0 });
    return {
      player_id: playerId,
      days: query.days,
      from: days[0]!,
      to: days.at(-1)!,
      series: [...byCurrency.keys()].sort().map((currency) => ({ currency, points: days.map((d) => byCurrency.get(currency)!.get(d) ?? zero(d)) })),
    };
  }

  /**
   * A page of a player's notes, newest first. Null when the tenant has no such player.
   *
   * @example
   * const { items } = await p360.notes('acme', 'p-17', { limit: 20 });
   */
  async notes(tenant: string, playerId: string, query: { limit: number; cursor?: string }): Promise<Page<PlayerNote> | null> {
    const db = await this.#db(tenant, playerId);
    const params: unknown[] = [tenant, playerId];
    const where = ['tenant_id = $1', 'player_id = $2'];
    if (query.cursor !== undefined) {
      const at = decodeCursor('notes', query.cursor);
      where.push(`(created_at, id) < ($${params.push(at.t)}::timestamptz, $${params.push(at.k)}::text COLLATE "C")`);
    }
    const [known, rows] = await Promise.all([
      this.#known(db, tenant, playerId),
      db.query<{ id: string; author: string; note: string; created_at: unknown; at: string }>(
        `SELECT id, author, note, created_at, ${EXACT_TIME('created_at')} AS at FROM player_notes
         WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${query.limit + 1}`,
        params,
        { timeoutMs: this.timeoutMs },
      ),
    ]);
    if (!known) return null;
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => ({ id: r.id, player_id: playerId, author: r.author, note: r.note, created_at: iso(r.created_at) })),
      next_cursor: rows.length > query.limit && last ? encodeCursor('notes', { t: last.at, k: last.id }) : null,
    };
  }

  /**
   * Stores a note on the player's shard. Null when the tenant has no such player.
   *
   * @example
   * const note = await p360.addNote('acme', 'p-17', { author: principal.keyId, note: 'Called; agreed a deposit limit.' });
   */
  async addNote(tenant: string, playerId: string, input: { author: string; note: string }): Promise<PlayerNote | null> {
    const db = await this.#db(tenant, playerId);
    const rows = await db.query<{ id: string; created_at: unknown }>(
      `INSERT INTO player_notes (tenant_id, id, player_id, shard, author, note)
       SELECT $1, $3, $2, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM players WHERE tenant_id = $1 AND player_id = $2)
       RETURNING id, created_at`,
      [tenant, playerId, crypto.randomUUID(), shardOf(tenant, playerId), input.author, input.note],
      { timeoutMs: this.timeoutMs },
    );
    const row = rows[0];
    return row ? { id: row.id, player_id: playerId, author: input.author, note: input.note, created_at: iso(row.created_at) } : null;
  }
}
