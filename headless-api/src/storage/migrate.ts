import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StorageConfigError } from './errors.js';
import type { Database } from './pool.js';

/** Which set of migrations a database gets: the control tables, the shard tables, or both. */
export type MigrationScope = 'control' | 'shard';

export interface Migration {
  scope: MigrationScope;
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** What `migrate` did on one physical database. */
export interface MigrationReport {
  database: number;
  /** `scope/NNNN_name` of each migration applied now (empty when already up to date). */
  applied: string[];
}

// src/storage/ and dist/storage/ are both two levels below the package root.
const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * Reads the numbered SQL files of a scope (`migrations/<scope>/NNNN_name.sql`), in order.
 *
 * @example
 * loadMigrations('shard').map((m) => m.version); // [1, 2, …]
 */
export function loadMigrations(scope: MigrationScope, dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(`${dir}/${scope}`).filter((f) => f.endsWith('.sql')).sort();
  return files.map((file) => {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new StorageConfigError(`migration file name must be NNNN_name.sql: ${scope}/${file}`);
    const sql = readFileSync(`${dir}/${scope}/${file}`, 'utf8');
    return { scope, version: Number(match[1]), name: match[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

// Any 64-bit constant works; it serialises concurrent migrators (two API processes starting at once).
const MIGRATION_LOCK = 7_302_611_884;

const BOOTSTRAP = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  scope      text NOT NULL,
  version    integer NOT NULL,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, version)
);
CREATE TABLE IF NOT EXISTS pitboss_database (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  shard_index smallint,
  is_control boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Applies the pending migrations of `scopes` to one database, in one
 * transaction under an advisory lock, and records them in
 * `schema_migrations`. Idempotent. Refuses a database whose recorded identity
 * (shard index, control role) differs from the configuration — a reordered
 * URL list would otherwise mix tenants' players across shards — and a
 * migration whose file changed after it was applied.
 *
 * @example
 * await migrateDatabase(db, ['control', 'shard'], { shardIndex: 0, isControl: true });
 */
export async function migrateDatabase(
  db: Database,
  scopes: readonly MigrationScope[],
  identity: { shardIndex: number | null; isControl: boolean },
  migrations: (scope: MigrationScope) => Migration[] = loadMigrations,
): Promise<MigrationReport> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(BOOTSTRAP);
    const [current] = await tx.query<{ shard_index: number | null; is_control: boolean }>('SELECT shard_index, is_control FROM pitboss_database');
    if (!current) {
      await tx.query('INSERT INTO pitboss_database (shard_index, is_control) VALUES ($1, $2)', [identity.shardIndex, identity.isControl]);
    } else if (current.shard_index !== identity.shardIndex || current.is_control !== identity.isControl) {
      throw new StorageConfigError(
        `database ${db.index} was initialised as ${describe(current.shard_index, current.is_control)} but is configured as ${describe(identity.shardIndex, identity.isControl)}; check the order of the shard URLs`,
      );
    }
    const applied = new Map<string, string>();
    for (const row of await tx.query<{ scope: string; version: number; checksum: string }>('SELECT scope, version, checksum FROM schema_migrations')) {
      applied.set(`${row.scope}/${row.version}`, row.checksum);
    }
    const done: string[] = [];
    for (const scope of scopes) {
      for (const m of migrations(scope)) {
        const key = `${scope}/${m.version}`;
        const previous = applied.get(key);
        if (previous !== undefined) {
          if (previous !== m.checksum) throw new StorageConfigError(`migration ${scope}/${m.version}_${m.name} changed after it was applied to database ${db.index}`);
          continue;
        }
        await tx.query(m.sql);
        await tx.query('INSERT INTO schema_migrations (scope, version, name, checksum) VALUES ($1, $2, $3, $4)', [scope, m.version, m.name, m.checksum]);
        done.push(`${scope}/${String(m.version).padStart(4, '0')}_${m.name}`);
      }
    }
    return { database: db.index, applied: done };
  });
}

function describe(shardIndex: number | null, isControl: boolean): string {
  const parts = [shardIndex === null ? null : `shard database ${shardIndex}`, isControl ? 'control database' : null].filter(Boolean);
  return parts.join(' + ');
}
