import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { StorageConfigError } from '../errors.js';
import type { Row, SqlClient, SqlPool, SqlResult, SqlStatement } from '../pool.js';

// One PGlite instance per data directory, process-wide: two instances on one
// directory corrupt it (see TOOLCHAIN.md). Across processes a pid lock file guards it.
const open = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(lockFile: string): void {
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(lockFile, 'utf8').trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (holder && holder !== process.pid && processAlive(holder)) {
    throw new StorageConfigError(`data directory is in use by process ${holder} (${lockFile})`);
  }
  writeFileSync(lockFile, String(process.pid));
}

/**
 * PGlite behind the `pg` Pool shape. PGlite is one session, so the pool is a
 * FIFO lock: `connect()` waits until no one else holds the session, and
 * `pool.query()` takes the lock for one statement. Transactions are therefore
 * serialised, which is what a single Postgres session allows anyway.
 */
class PGlitePool implements SqlPool {
  #waiters: (() => void)[] = [];
  #held = false;
  #ended = false;

  constructor(
    private readonly db: PGlite,
    private readonly onEnd: () => void,
  ) {}

  get totalCount(): number {
    return this.#ended ? 0 : 1;
  }
  get idleCount(): number {
    return this.#held || this.#ended ? 0 : 1;
  }
  get waitingCount(): number {
    return this.#waiters.length;
  }

  async query<R extends Row = Row>(text: string | SqlStatement, params?: unknown[]): Promise<SqlResult<R>> {
    const client = await this.connect();
    try {
      return await client.query<R>(text, params);
    } finally {
      client.release();
    }
  }

  async connect(): Promise<SqlClient> {
    if (this.#ended) throw new Error('PGlite pool has ended');
    if (this.#held) await new Promise<void>((resolveWait) => this.#waiters.push(resolveWait));
    this.#held = true;
    let released = false;
    return {
      query: <R extends Row = Row>(text: string | SqlStatement, params?: unknown[]) => {
        if (released) return Promise.reject(new Error('PGlite client used after release'));
        return this.#run<R>(text, params);
      },
      release: () => {
        if (released) return;
        released = true;
        const next = this.#waiters.shift();
        if (next) next();
        else this.#held = false;
      },
    };
  }

  async end(): Promise<void> {
    if (this.#ended) return;
    const client = await this.connect();
    this.#ended = true;
    try {
      await this.db.close();
    } finally {
      client.release();
      this.onEnd();
    }
  }

  async #run<R extends Row>(text: string | SqlStatement, params?: unknown[]): Promise<SqlResult<R>> {
    const sql = typeof text === 'string' ? text : text.text;
    const values = typeof text === 'string' ? params : (text.values ?? params);
    if (!values || values.length === 0) {
      // Parameterless text may hold several statements (migrations): only the simple protocol runs those.
      const results = await this.db.exec(sql);
      const last = results.at(-1);
      return { rows: (last?.rows ?? []) as R[], rowCount: last?.affectedRows ?? null };
    }
    const result = await this.db.query<R>(sql, values);
    return { rows: result.rows, rowCount: result.affectedRows ?? null };
  }
}

/**
 * Opens the embedded database persisted under `dataDir` (created if absent).
 * Throws `StorageConfigError` if this or another live process has it open.
 *
 * @example
 * const pool = await openPGlitePool('./.pitboss');
 */
export async function openPGlitePool(dataDir: string): Promise<SqlPool> {
  const dir = resolve(dataDir);
  if (open.has(dir)) throw new StorageConfigError(`data directory ${dir} is already open in this process`);
  mkdirSync(dir, { recursive: true });
  const lockFile = join(dir, 'pitboss.lock');
  takeLock(lockFile);
  open.add(dir);
  const release = (): void => {
    open.delete(dir);
    rmSync(lockFile, { force: true });
  };
  try {
    const db = await PGlite.create(join(dir, 'pgdata'));
    return new PGlitePool(db, release);
  } catch (error) {
    release();
    throw error;
  }
}
