import type { Database } from './pool.js';

/** What the registry knows about one uploaded model version (without the file). */
export interface ModelInfo {
  version: string;
  name: string;
  target: string;
  kind: string;
  feature_order: string[];
  metrics: Record<string, unknown> | null;
  trained_at: string | null;
  card: string | null;
  sha256: string;
  size_bytes: number;
  uploaded_at: string;
}

/** A model version to store. */
export interface NewModel extends Omit<ModelInfo, 'uploaded_at'> {
  onnx: Uint8Array;
}

/** The tenant's serving state: the active version (champion) and an optional challenger. */
export interface Deployment {
  active: string | null;
  activated_at: string | null;
  challenger: { version: string; share: number } | null;
}

/** Per-tenant band thresholds and reason count, as stored (validated by ml's `scoringConfig`). */
export interface StoredScoringConfig {
  thresholds: Record<string, number>;
  top_reasons: number;
}

const INFO_COLUMNS = 'version, name, target, kind, feature_order, metrics, trained_at, card, sha256, size_bytes, uploaded_at';

function infoOf(r: Record<string, unknown>): ModelInfo {
  return {
    version: String(r.version),
    name: String(r.name),
    target: String(r.target),
    kind: String(r.kind),
    feature_order: r.feature_order as string[],
    metrics: (r.metrics as Record<string, unknown> | null) ?? null,
    trained_at: (r.trained_at as string | null) ?? null,
    card: (r.card as string | null) ?? null,
    sha256: String(r.sha256),
    size_bytes: Number(r.size_bytes),
    uploaded_at: (r.uploaded_at instanceof Date ? r.uploaded_at : new Date(String(r.uploaded_at))).toISOString(),
  };
}

/**
 * Stores a model version; false when the tenant already has that version
 * (versions are immutable: a changed file needs a new version).
 *
 * @example
 * const created = await insertModel(storage.control, 'acme', model);
 */
export async function insertModel(db: Database, tenantId: string, m: NewModel): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO models (tenant_id, version, name, target, kind, feature_order, metrics, trained_at, card, sha256, size_bytes, onnx)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12)
     ON CONFLICT (tenant_id, version) DO NOTHING RETURNING version`,
    [tenantId, m.version, m.name, m.target, m.kind, JSON.stringify(m.feature_order), m.metrics === null ? null : JSON.stringify(m.metrics), m.trained_at, m.card, m.sha256, m.size_bytes, m.onnx],
  );
  return rows.length === 1;
}

/**
 * A tenant's model versions, newest upload first.
 *
 * @example
 * const versions = await listModels(storage.control, 'acme');
 */
export async function listModels(db: Database, tenantId: string): Promise<ModelInfo[]> {
  const rows = await db.query(`SELECT ${INFO_COLUMNS} FROM models WHERE tenant_id = $1 ORDER BY uploaded_at DESC, version DESC`, [tenantId]);
  return rows.map(infoOf);
}

/**
 * One version's metadata; null if the tenant has no such version.
 *
 * @example
 * const info = await getModel(storage.control, 'acme', '3');
 */
export async function getModel(db: Database, tenantId: string, version: string): Promise<ModelInfo | null> {
  const [row] = await db.query(`SELECT ${INFO_COLUMNS} FROM models WHERE tenant_id = $1 AND version = $2`, [tenantId, version]);
  return row ? infoOf(row) : null;
}

/**
 * The ONNX bytes of a version; null if absent.
 *
 * @example
 * const bytes = await getModelBytes(storage.control, 'acme', '3');
 */
export async function getModelBytes(db: Database, tenantId: string, version: string): Promise<Uint8Array | null> {
  const [row] = await db.query<{ onnx: Uint8Array }>('SELECT onnx FROM models WHERE tenant_id = $1 AND version = $2', [tenantId, version]);
  return row ? new Uint8Array(row.onnx) : null;
}

/**
 * Makes `version` the active model (a new activation row).
 *
 * @example
 * await activateModel(storage.control, 'acme', '3');
 */
export async function activateModel(db: Database, tenantId: string, version: string): Promise<void> {
  await db.query('INSERT INTO model_activations (tenant_id, version) VALUES ($1, $2)', [tenantId, version]);
}

/**
 * Undoes the latest activation; returns the version active afterwards
 * (null when none is left), or undefined when there was nothing to undo.
 *
 * @example
 * const now = await rollbackModel(storage.control, 'acme');
 */
export async function rollbackModel(db: Database, tenantId: string): Promise<string | null | undefined> {
  return db.transaction(async (tx) => {
    // Row lock so two concurrent rollbacks undo two activations, not the same one twice.
    const [latest] = await tx.query<{ id: string }>(
      'SELECT id FROM model_activations WHERE tenant_id = $1 AND rolled_back_at IS NULL ORDER BY id DESC LIMIT 1 FOR UPDATE',
      [tenantId],
    );
    if (!latest) return undefined;
    await tx.query('UPDATE model_activations SET rolled_back_at = now() WHERE id = $1', [latest.id]);
    const [next] = await tx.query<{ version: string }>(
      'SELECT version FROM model_activations WHERE tenant_id = $1 AND rolled_back_at IS NULL ORDER BY id DESC LIMIT 1',
      [tenantId],
    );
    return next?.version ?? null;
  });
}

/**
 * Sets (or with null clears) the tenant's challenger.
 *
 * @example
 * await setChallenger(storage.control, 'acme', { version: '4', share: 0.1 });
 */
export async function setChallenger(db: Database, tenantId: string, challenger: { version: string; share: number } | null): Promise<void> {
  if (challenger === null) {
    await db.query('DELETE FROM model_challengers WHERE tenant_id = $1', [tenantId]);
    return;
  }
  await db.query(
    `INSERT INTO model_challengers (tenant_id, version, share) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id) DO UPDATE SET version = EXCLUDED.version, share = EXCLUDED.share, updated_at = now()`,
    [tenantId, challenger.version, challenger.share],
  );
}

/**
 * The active version and challenger of a tenant.
 *
 * @example
 * const { active, challenger } = await getDeployment(storage.control, 'acme');
 */
export async function getDeployment(db: Database, tenantId: string): Promise<Deployment> {
  const [row] = await db.query<{ active: string | null; activated_at: unknown; challenger: string | null; share: number | null }>(
    `SELECT a.version AS active, a.activated_at, c.version AS challenger, c.share
     FROM (SELECT 1) one
     LEFT JOIN LATERAL (SELECT version, activated_at FROM model_activations
                        WHERE tenant_id = $1 AND rolled_back_at IS NULL ORDER BY id DESC LIMIT 1) a ON true
     LEFT JOIN model_challengers c ON c.tenant_id = $1`,
    [tenantId],
  );
  return {
    active: row?.active ?? null,
    activated_at: row?.activated_at ? (row.activated_at instanceof Date ? row.activated_at : new Date(String(row.activated_at))).toISOString() : null,
    challenger: row?.challenger ? { version: row.challenger, share: Number(row.share) } : null,
  };
}

/**
 * The tenant's stored scoring config; null for the defaults.
 *
 * @example
 * const cfg = await getScoringConfig(storage.control, 'acme');
 */
export async function getScoringConfig(db: Database, tenantId: string): Promise<StoredScoringConfig | null> {
  const [row] = await db.query<{ thresholds: Record<string, number>; top_reasons: number }>('SELECT thresholds, top_reasons FROM scoring_configs WHERE tenant_id = $1', [tenantId]);
  return row ? { thresholds: row.thresholds, top_reasons: row.top_reasons } : null;
}

/**
 * Stores the tenant's scoring config (validate it first).
 *
 * @example
 * await putScoringConfig(storage.control, 'acme', { thresholds: { low: 5, medium: 20, high: 40, very_high: 70 }, top_reasons: 3 });
 */
export async function putScoringConfig(db: Database, tenantId: string, cfg: StoredScoringConfig): Promise<void> {
  await db.query(
    `INSERT INTO scoring_configs (tenant_id, thresholds, top_reasons) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (tenant_id) DO UPDATE SET thresholds = EXCLUDED.thresholds, top_reasons = EXCLUDED.top_reasons, updated_at = now()`,
    [tenantId, JSON.stringify(cfg.thresholds), cfg.top_reasons],
  );
}

/**
 * Sets a version's model card; false if the tenant has no such version.
 *
 * @example
 * await setModelCard(storage.control, 'acme', '3', '# Risk model\n…');
 */
export async function setModelCard(db: Database, tenantId: string, version: string, card: string): Promise<boolean> {
  const rows = await db.query('UPDATE models SET card = $3 WHERE tenant_id = $1 AND version = $2 RETURNING version', [tenantId, version, card]);
  return rows.length === 1;
}
