import type { Database } from './pool.js';

/** One score to store, with what produced it. */
export interface ScoreRow {
  player_id: string;
  shard: number;
  model_version: string;
  role: 'champion' | 'challenger';
  probability: number;
  score: number;
  band: string;
  /** What `players.risk_band` gets (the segments vocabulary; see scoring/player-band.ts). */
  risk_band: string;
  reasons: unknown[];
}

/** A stored score. */
export interface StoredScore {
  player_id: string;
  model_version: string;
  role: 'champion' | 'challenger';
  probability: number;
  score: number;
  band: string;
  reasons: unknown[];
  scored_at: string;
}

const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();

/**
 * Feature rows of the given players on one database (players without a
 * features row are absent), with only the columns asked for. `columns` must
 * be validated feature keys: they are spliced as identifiers.
 *
 * @example
 * const rows = await readFeatures(db, 'acme', ['p1', 'p2'], ['deposit_count_7d']);
 */
export async function readFeatures(db: Database, tenantId: string, playerIds: readonly string[], columns: readonly string[]): Promise<Record<string, unknown>[]> {
  for (const c of columns) if (!/^[a-z][a-z0-9_]*$/.test(c)) throw new Error(`not a feature column: ${JSON.stringify(c)}`);
  const cols = columns.map((c) => `f.${c}`).join(', ');
  return db.query(
    `SELECT f.player_id${cols ? ', ' + cols : ''} FROM player_features f WHERE f.tenant_id = $1 AND f.player_id = ANY($2::text[])`,
    [tenantId, [...playerIds]],
  );
}

/**
 * Appends scores to the history and sets `players.risk_score/risk_band`,
 * in one transaction on one database.
 *
 * @example
 * await writeScores(db, 'acme', [{ player_id: 'p1', shard: 12, model_version: '3', role: 'champion', probability: 0.2, score: 20, band: 'low', risk_band: 'low', reasons: [] }]);
 */
export async function writeScores(db: Database, tenantId: string, rows: readonly ScoreRow[], timeoutMs = 0): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows);
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO player_scores (tenant_id, player_id, shard, model_version, role, probability, score, band, reasons)
       SELECT $1, r.player_id, r.shard, r.model_version, r.role, r.probability, r.score, r.band, r.reasons
       FROM json_to_recordset($2::json) AS r(player_id text, shard smallint, model_version text, role text, probability double precision, score smallint, band text, reasons jsonb)`,
      [tenantId, json],
    );
    // Champion or challenger: each player has exactly one scoring model, and its score is the player's score.
    await tx.query(
      `UPDATE players p SET risk_score = r.score, risk_band = r.risk_band
       FROM json_to_recordset($2::json) AS r(player_id text, score smallint, risk_band text)
       WHERE p.tenant_id = $1 AND p.player_id = r.player_id`,
      [tenantId, json],
    );
  }, { timeoutMs });
}

/**
 * The latest stored score of a player (any role); null if never scored.
 *
 * @example
 * const s = await latestScore(db, 'acme', 'p1');
 */
export async function latestScore(db: Database, tenantId: string, playerId: string): Promise<StoredScore | null> {
  const [row] = await db.query(
    `SELECT player_id, model_version, role, probability, score, band, reasons, scored_at FROM player_scores
     WHERE tenant_id = $1 AND player_id = $2 ORDER BY scored_at DESC, id DESC LIMIT 1`,
    [tenantId, playerId],
  );
  return row ? storedOf(row) : null;
}

function storedOf(row: Record<string, unknown>): StoredScore {
  return {
    player_id: String(row.player_id),
    model_version: String(row.model_version),
    role: row.role as StoredScore['role'],
    probability: Number(row.probability),
    score: Number(row.score),
    band: String(row.band),
    reasons: row.reasons as unknown[],
    scored_at: iso(row.scored_at),
  };
}

/**
 * For one model version: the latest score of each player it scored, with the
 * player's label for `target` when one was posted (null otherwise).
 *
 * @example
 * const rows = await versionScores(db, 'acme', '3', 'risk');
 */
export async function versionScores(db: Database, tenantId: string, version: string, target: string): Promise<{ probability: number; score: number; label: number | null }[]> {
  const rows = await db.query<{ probability: number; score: number; label: number | null }>(
    `SELECT s.probability, s.score, l.label
     FROM (SELECT DISTINCT ON (player_id) player_id, probability, score FROM player_scores
           WHERE tenant_id = $1 AND model_version = $2 ORDER BY player_id, scored_at DESC, id DESC) s
     LEFT JOIN player_labels l ON l.tenant_id = $1 AND l.player_id = s.player_id AND l.target = $3`,
    [tenantId, version, target],
  );
  return rows.map((r) => ({ probability: Number(r.probability), score: Number(r.score), label: r.label === null ? null : Number(r.label) }));
}

/**
 * Stores operator-confirmed outcomes (1 = harm, 0 = none); a later label for
 * the same player and target replaces the earlier one.
 *
 * @example
 * await writeLabels(db, 'acme', [{ player_id: 'p1', target: 'risk', label: 1 }]);
 */
export async function writeLabels(db: Database, tenantId: string, labels: readonly { player_id: string; target: string; label: 0 | 1 }[]): Promise<void> {
  if (labels.length === 0) return;
  await db.query(
    `INSERT INTO player_labels (tenant_id, player_id, target, label)
     SELECT $1, r.player_id, r.target, r.label FROM json_to_recordset($2::json) AS r(player_id text, target text, label smallint)
     ON CONFLICT (tenant_id, player_id, target) DO UPDATE SET label = EXCLUDED.label, labelled_at = now()`,
    [tenantId, JSON.stringify(labels)],
  );
}
