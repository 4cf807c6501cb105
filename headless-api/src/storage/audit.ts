import type { Database } from './pool.js';

/**
 * One line of the append-only audit trail (control database `audit_log`):
 * who did what to which target, with what outcome, in which request.
 * Generic on purpose: segments write guardrail removals and exports here;
 * tenancy (issue 4) adds writes, personal-data reads and erasures.
 */
export interface AuditEntry {
  tenant: string;
  /** Who acted: an API key id, a user subject; null for the system itself. */
  actor: string | null;
  /** Dotted verb, stable for filtering: `segment.create`, `segment.guardrail`, `segment.export`, … */
  action: string;
  /** What was acted on, e.g. `segment:<id>` or `segment:preview`. */
  target: string | null;
  /** Anything that makes the entry self-explanatory later (counts, thresholds, formats). JSON. */
  details?: Readonly<Record<string, unknown>>;
  requestId?: string | null;
}

/** An audit entry as stored. */
export interface AuditRecord extends Required<Omit<AuditEntry, 'details' | 'requestId'>> {
  id: number;
  details: Record<string, unknown>;
  requestId: string | null;
  at: string;
}

/** Filters of `listAudit`; newest first. */
export interface AuditQuery {
  action?: string;
  target?: string;
  /** Only entries with an id below this one (the previous page's last id). */
  beforeId?: number;
  limit?: number;
}

const INSERT = `INSERT INTO audit_log (tenant_id, actor, action, target, details, request_id)
VALUES ($1, $2, $3, $4, $5::jsonb, $6)
RETURNING id`;

/**
 * Appends one entry; returns its id. The table refuses UPDATE, DELETE and
 * TRUNCATE (a trigger), so what is written stays.
 *
 * @example
 * await appendAudit(control, { tenant: 'acme', actor: 'k_12ab', action: 'segment.delete', target: 'segment:9f…', requestId });
 */
export async function appendAudit(db: Database, entry: AuditEntry): Promise<number> {
  const [row] = await db.query<{ id: string | number }>(INSERT, [
    entry.tenant, entry.actor, entry.action, entry.target, JSON.stringify(entry.details ?? {}), entry.requestId ?? null,
  ]);
  return Number(row!.id);
}

/**
 * A tenant's audit entries, newest first, optionally filtered by action and
 * target; page with `beforeId`.
 *
 * @example
 * const [last] = await listAudit(control, 'acme', { action: 'segment.guardrail', limit: 1 });
 */
export async function listAudit(db: Database, tenant: string, query: AuditQuery = {}): Promise<AuditRecord[]> {
  const params: unknown[] = [tenant];
  const where = ['tenant_id = $1'];
  if (query.action !== undefined) where.push(`action = $${params.push(query.action)}`);
  if (query.target !== undefined) where.push(`target = $${params.push(query.target)}`);
  if (query.beforeId !== undefined) where.push(`id < $${params.push(query.beforeId)}`);
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
  const rows = await db.query<{ id: string | number; tenant_id: string; actor: string | null; action: string; target: string | null; details: Record<string, unknown>; request_id: string | null; at: unknown }>(
    `SELECT id, tenant_id, actor, action, target, details, request_id, at FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${limit}`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id), tenant: r.tenant_id, actor: r.actor, action: r.action, target: r.target, details: r.details,
    requestId: r.request_id, at: (r.at instanceof Date ? r.at : new Date(String(r.at))).toISOString(),
  }));
}
