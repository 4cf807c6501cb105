import { trimLastSeen } from './activity.js';
import { appendAudit } from './audit.js';
import type { AuditRecord } from './audit.js';
import type { Database } from './pool.js';
import { refreshFeatures } from './writes.js';

/**
 * Everything held on one player, as `GET /v1/players/{id}/personal-data`
 * returns it (GDPR Art. 15/20, LGPD Art. 18). Rows are plain JSON objects
 * of their tables, without the tenant and shard bookkeeping columns.
 */
export interface PlayerDataExport {
  player_id: string;
  exported_at: string;
  profile: Record<string, unknown> | null;
  personal: Record<string, unknown> | null;
  features: Record<string, unknown> | null;
  scores: Record<string, unknown>[];
  labels: Record<string, unknown>[];
  events: Record<string, unknown>[];
  dead_letters: Record<string, unknown>[];
  /** Notes agents and admins wrote about the player (`player_notes`). */
  notes: Record<string, unknown>[];
}

/** What an erasure changed; all zeros when the player had already been erased. */
export interface ErasureReport {
  player_id: string;
  personal_rows_deleted: number;
  events_scrubbed: number;
  dead_letters_deleted: number;
  /** Notes about the player deleted (free text written by agents: personal data). */
  notes_deleted: number;
  /** Events kept (pseudonymous financial records the gambling regulator requires). */
  events_kept: number;
}

/** Filters of `queryAudit`; newest first, keyset on the entry id. */
export interface AuditFilter {
  action?: string;
  actor?: string;
  target?: string;
  /** Inclusive lower bound (ISO 8601). */
  from?: string;
  /** Exclusive upper bound (ISO 8601). */
  to?: string;
  /** Only entries with an id below this one: the previous page's cursor. */
  beforeId?: number;
  limit: number;
}

/** A dead letter as `GET /v1/dead-letters` lists it. */
export interface DeadLetterRecord {
  id: number;
  line: number;
  event_id: string | null;
  player_id: string | null;
  raw: string;
  issues: unknown;
  received_at: string;
}

/** What one retention run deleted for one tenant. */
export interface RetentionReport {
  tenant: string;
  retention_days: number;
  cutoff: string;
  events_deleted: number;
  dead_letters_deleted: number;
}

/** Keys of an event payload that can hold personal data; erasure removes them (`note`: the free text of an `rg.interaction`). */
const PAYLOAD_PERSONAL_PATHS = ['{ip}', '{user_agent}', '{profile,personal}', '{personal}', '{note}'] as const;

const STRIP_PAYLOAD = PAYLOAD_PERSONAL_PATHS.reduce((sql, path) => `(${sql} #- '${path}')`, 'payload');
const PAYLOAD_HAS_PERSONAL = PAYLOAD_PERSONAL_PATHS.map((path) => `payload #> '${path}' IS NOT NULL`).join(' OR ');

// Dead letters mention a player by the player_id extracted at rejection time,
// or, for a line that did not parse, by the JSON-quoted id inside the raw text
// (quoted, so that "p-1" does not match "p-17").
const DEAD_LETTER_OF_PLAYER = 'tenant_id = $1 AND (player_id = $2 OR strpos(raw, $3) > 0)';

const row = (value: unknown): Record<string, unknown> => value as Record<string, unknown>;

/**
 * Export, erasure, audit queries and retention over the sharded storage.
 * Reached as `storage.privacy`. Every statement is scoped by tenant; every
 * player statement runs on every physical database, so rows left behind by
 * a shard move are exported and erased too.
 */
export class PrivacyStorage {
  constructor(
    private readonly databases: readonly Database[],
    private readonly control: Database,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Everything held on a player; null when nothing at all is held.
   *
   * @example
   * const data = await storage.privacy.exportPlayer('acme', 'p-17');
   */
  async exportPlayer(tenant: string, playerId: string): Promise<PlayerDataExport | null> {
    const params = [tenant, playerId];
    const opts = { timeoutMs: this.timeoutMs };
    const perDb = await Promise.all(
      this.databases.map(async (db) => {
        const [profile, personal, features, scores, labels, events, notes] = await Promise.all([
          db.query<{ r: unknown }>(`SELECT to_jsonb(p) - 'tenant_id' - 'shard' AS r FROM players p WHERE tenant_id = $1 AND player_id = $2`, params, opts),
          db.query<{ r: unknown }>(`SELECT to_jsonb(pp) - 'tenant_id' AS r FROM player_personal pp WHERE tenant_id = $1 AND player_id = $2`, params, opts),
          db.query<{ r: unknown }>(`SELECT to_jsonb(f) - 'tenant_id' AS r FROM player_features f WHERE tenant_id = $1 AND player_id = $2`, params, opts),
          db.query<{ r: unknown }>(`SELECT to_jsonb(s) - 'tenant_id' - 'shard' AS r FROM player_scores s WHERE tenant_id = $1 AND player_id = $2 ORDER BY scored_at, id`, params, opts),
          db.query<{ r: unknown }>(`SELECT to_jsonb(l) - 'tenant_id' AS r FROM player_labels l WHERE tenant_id = $1 AND player_id = $2 ORDER BY target`, params, opts),
          db.query<{ r: unknown }>(`SELECT to_jsonb(e) - 'tenant_id' - 'shard' AS r FROM events e WHERE tenant_id = $1 AND player_id = $2 ORDER BY occurred_at, event_id`, params, opts),
          db.query<{ r: unknown }>(`SELECT to_jsonb(n) - 'tenant_id' - 'shard' AS r FROM player_notes n WHERE tenant_id = $1 AND player_id = $2 ORDER BY created_at, id`, params, opts),
        ]);
        return { profile, personal, features, scores, labels, events, notes };
      }),
    );
    const deadLetters = await this.control.query<{ r: unknown }>(
      `SELECT to_jsonb(d) - 'tenant_id' AS r FROM dead_letters d WHERE ${DEAD_LETTER_OF_PLAYER} ORDER BY received_at, id`,
      [tenant, playerId, JSON.stringify(playerId)],
      opts,
    );
    const all = <K extends keyof (typeof perDb)[number]>(k: K) => perDb.flatMap((d) => d[k].map((x) => row(x.r)));
    const first = <K extends keyof (typeof perDb)[number]>(k: K) => all(k)[0] ?? null;
    const data: PlayerDataExport = {
      player_id: playerId,
      exported_at: new Date().toISOString(),
      profile: first('profile'),
      personal: first('personal'),
      features: first('features'),
      scores: all('scores'),
      labels: all('labels'),
      events: all('events'),
      dead_letters: deadLetters.map((x) => row(x.r)),
      notes: all('notes'),
    };
    const empty = !data.profile && !data.personal && data.events.length === 0 && data.dead_letters.length === 0 && data.scores.length === 0 && data.notes.length === 0;
    return empty ? null : data;
  }

  /**
   * Erases a player's personal data on every database and in the dead-letter
   * table, keeps events and amounts, and appends `personal.erase` to the
   * audit log. Idempotent: a second call erases nothing and reports zeros.
   * Null when nothing is held on the player.
   *
   * @example
   * const report = await storage.privacy.erasePlayer('acme', 'p-17', { actor: 'k_12ab', requestId });
   */
  async erasePlayer(tenant: string, playerId: string, who: { actor: string | null; requestId?: string | null }): Promise<ErasureReport | null> {
    const params = [tenant, playerId];
    const perDb = await Promise.all(
      this.databases.map((db) =>
        db.transaction(async (tx) => {
          const known = await tx.query<{ n: number }>(
            `SELECT (SELECT count(*) FROM players WHERE tenant_id = $1 AND player_id = $2)::int
                  + (SELECT count(*) FROM player_personal WHERE tenant_id = $1 AND player_id = $2)::int AS n`,
            params,
          );
          const personal = await tx.query('DELETE FROM player_personal WHERE tenant_id = $1 AND player_id = $2 RETURNING player_id', params);
          const notes = await tx.query('DELETE FROM player_notes WHERE tenant_id = $1 AND player_id = $2 RETURNING id', params);
          const scrubbed = await tx.query(
            `UPDATE events SET ip = NULL, payload = ${STRIP_PAYLOAD}
             WHERE tenant_id = $1 AND player_id = $2 AND (ip IS NOT NULL OR ${PAYLOAD_HAS_PERSONAL})
             RETURNING event_id`,
            params,
          );
          const [kept] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND player_id = $2', params);
          return { known: known[0]!.n, personal: personal.length, notes: notes.length, scrubbed: scrubbed.length, kept: kept!.n };
        }, { timeoutMs: this.timeoutMs }),
      ),
    );
    const dead = await this.control.query(`DELETE FROM dead_letters WHERE ${DEAD_LETTER_OF_PLAYER} RETURNING id`, [tenant, playerId, JSON.stringify(playerId)], { timeoutMs: this.timeoutMs });
    const sum = (k: 'known' | 'personal' | 'notes' | 'scrubbed' | 'kept') => perDb.reduce((n, d) => n + d[k], 0);
    if (sum('known') === 0 && sum('kept') === 0 && sum('notes') === 0 && dead.length === 0) return null;
    const report: ErasureReport = {
      player_id: playerId,
      personal_rows_deleted: sum('personal'),
      events_scrubbed: sum('scrubbed'),
      dead_letters_deleted: dead.length,
      notes_deleted: sum('notes'),
      events_kept: sum('kept'),
    };
    await appendAudit(this.control, {
      tenant, actor: who.actor, action: 'personal.erase', target: `player:${playerId}`, requestId: who.requestId ?? null,
      details: { personal_rows_deleted: report.personal_rows_deleted, events_scrubbed: report.events_scrubbed, dead_letters_deleted: report.dead_letters_deleted, notes_deleted: report.notes_deleted, events_kept: report.events_kept },
    });
    return report;
  }

  /**
   * A tenant's audit entries, newest first, filtered by action, actor,
   * target and time range; page with `beforeId` (the last id of a page).
   *
   * @example
   * const page = await storage.privacy.queryAudit('acme', { action: 'personal.erase', from: '2026-01-01T00:00:00Z', limit: 50 });
   */
  async queryAudit(tenant: string, filter: AuditFilter): Promise<AuditRecord[]> {
    const params: unknown[] = [tenant];
    const where = ['tenant_id = $1'];
    if (filter.action !== undefined) where.push(`action = $${params.push(filter.action)}`);
    if (filter.actor !== undefined) where.push(`actor = $${params.push(filter.actor)}`);
    if (filter.target !== undefined) where.push(`target = $${params.push(filter.target)}`);
    if (filter.from !== undefined) where.push(`at >= $${params.push(filter.from)}::timestamptz`);
    if (filter.to !== undefined) where.push(`at < $${params.push(filter.to)}::timestamptz`);
    if (filter.beforeId !== undefined) where.push(`id < $${params.push(filter.beforeId)}`);
    const rows = await this.control.query<{ id: string | number; tenant_id: string; actor: string | null; action: string; target: string | null; details: Record<string, unknown>; request_id: string | null; at: unknown }>(
      `SELECT id, tenant_id, actor, action, target, details, request_id, at FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.push(filter.limit)}`,
      params,
      { timeoutMs: this.timeoutMs },
    );
    return rows.map((r) => ({
      id: Number(r.id), tenant: r.tenant_id, actor: r.actor, action: r.action, target: r.target, details: r.details,
      requestId: r.request_id, at: (r.at instanceof Date ? r.at : new Date(String(r.at))).toISOString(),
    }));
  }

  /**
   * A tenant's dead letters, newest first, optionally of one player; page
   * with `beforeId` (the last id of a page).
   *
   * @example
   * const page = await storage.privacy.deadLetterPage('acme', { limit: 50, playerId: 'p-17' });
   */
  async deadLetterPage(tenant: string, query: { limit: number; beforeId?: number; playerId?: string }): Promise<DeadLetterRecord[]> {
    const params: unknown[] = [tenant];
    const where = ['tenant_id = $1'];
    if (query.playerId !== undefined) where.push(`player_id = $${params.push(query.playerId)}`);
    if (query.beforeId !== undefined) where.push(`id < $${params.push(query.beforeId)}`);
    const rows = await this.control.query<{ id: string | number; line: number; event_id: string | null; player_id: string | null; raw: string; issues: unknown; received_at: unknown }>(
      `SELECT id, line, event_id, player_id, raw, issues, received_at FROM dead_letters WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.push(query.limit)}`,
      params,
      { timeoutMs: this.timeoutMs },
    );
    return rows.map((r) => ({ ...r, id: Number(r.id), received_at: (r.received_at instanceof Date ? r.received_at : new Date(String(r.received_at))).toISOString() }));
  }

  /**
   * Sets (or, with null, clears) a tenant's retention horizon in days.
   *
   * @example
   * await storage.privacy.setRetention('acme', 365 * 5);
   */
  async setRetention(tenant: string, days: number | null): Promise<void> {
    if (days !== null && !(Number.isInteger(days) && days > 0)) throw new RangeError('retention days must be a positive integer');
    await this.control.query(
      `INSERT INTO tenants (tenant_id, name, retention_days) VALUES ($1, $1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET retention_days = EXCLUDED.retention_days`,
      [tenant, days],
    );
  }

  /**
   * A tenant's retention horizon in days; null when it keeps everything.
   *
   * @example
   * const days = await storage.privacy.retention('acme');
   */
  async retention(tenant: string): Promise<number | null> {
    const [r] = await this.control.query<{ retention_days: number | null }>('SELECT retention_days FROM tenants WHERE tenant_id = $1', [tenant]);
    return r?.retention_days ?? null;
  }

  /**
   * The retention job: for each tenant with a horizon (or only `tenant`),
   * deletes events that occurred before `now - retention_days` on every
   * database and dead letters received before it, recomputes the features of
   * the players who lost events, and appends `retention.run` to the audit log.
   *
   * @example
   * const reports = await storage.privacy.runRetention({ now: new Date() });
   */
  async runRetention(options: { now?: Date; tenant?: string } = {}): Promise<RetentionReport[]> {
    const now = options.now ?? new Date();
    const tenants = await this.control.query<{ tenant_id: string; retention_days: number }>(
      `SELECT tenant_id, retention_days FROM tenants WHERE retention_days IS NOT NULL ${options.tenant === undefined ? '' : 'AND tenant_id = $1'} ORDER BY tenant_id`,
      options.tenant === undefined ? [] : [options.tenant],
    );
    const reports: RetentionReport[] = [];
    for (const t of tenants) {
      const cutoff = new Date(now.getTime() - t.retention_days * 86_400_000).toISOString();
      const deleted = await Promise.all(
        this.databases.map(async (db) => {
          // The players' last-seen times lose the deleted occurrences in the same transaction, so segments never see one without the other.
          const rows = await db.transaction(async (tx) => {
            const gone = await tx.query<{ player_id: string }>('DELETE FROM events WHERE tenant_id = $1 AND occurred_at < $2::timestamptz RETURNING player_id', [t.tenant_id, cutoff]);
            if (gone.length > 0) await trimLastSeen(tx, t.tenant_id, cutoff);
            // Claims of the deleted events (those of this database's claim shards; every database runs this).
            await tx.query('DELETE FROM event_claims WHERE tenant_id = $1 AND occurred_at < $2::timestamptz', [t.tenant_id, cutoff]);
            return gone;
          }, { timeoutMs: this.timeoutMs });
          const players = [...new Set(rows.map((r) => r.player_id))];
          await refreshFeatures(db, t.tenant_id, players, now, this.timeoutMs);
          return rows.length;
        }),
      );
      const dead = await this.control.query('DELETE FROM dead_letters WHERE tenant_id = $1 AND received_at < $2::timestamptz RETURNING id', [t.tenant_id, cutoff]);
      const report: RetentionReport = {
        tenant: t.tenant_id, retention_days: t.retention_days, cutoff,
        events_deleted: deleted.reduce((a, b) => a + b, 0), dead_letters_deleted: dead.length,
      };
      await appendAudit(this.control, {
        tenant: t.tenant_id, actor: null, action: 'retention.run', target: `tenant:${t.tenant_id}`,
        details: { retention_days: report.retention_days, cutoff, events_deleted: report.events_deleted, dead_letters_deleted: report.dead_letters_deleted },
      });
      reports.push(report);
    }
    return reports;
  }
}
