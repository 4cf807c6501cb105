import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * Real processes for the fault tests: a second Postgres cluster the test owns,
 * `pb_flt_*` databases, and the API as a child process
 * (`node headless-api/bin/pitboss.mjs serve`). Everything started here is
 * registered so that `cleanupAll` (afterAll, or process exit) removes it.
 */

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const PITBOSS_BIN = join(ROOT, 'headless-api', 'bin', 'pitboss.mjs');
export const MAIN_PG = process.env.PITBOSS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_BIN = process.env.PITBOSS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

const children = new Set<ChildProcess>();
process.once('exit', () => {
  // Last resort when a worker dies without afterAll: never leave a server behind.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}

export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    return (await c.query<R>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** A second Postgres 15 cluster in a temp dir, owned by the test (initdb refuses root: run as postgres). */
export class Cluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'pb-flt-cluster-'));
    chmodSync(dir, 0o777);
    const cluster = new Cluster(dir, await freePort());
    clusters.add(cluster);
    await cluster.#pg('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await cluster.start();
    return cluster;
  }

  #pg(tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    const asUser = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, tool), ...args]] as const : [join(PG_BIN, tool), args] as const;
    return run(asUser[0], [...asUser[1]], { timeoutMs: 120_000 });
  }

  start(): Promise<unknown> {
    // fsync off: a scratch cluster; clean stops flush anyway and no test crashes Postgres itself.
    const opts = `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=32MB -c max_connections=60`;
    return this.#pg('pg_ctl', ['start', '-w', '-t', '60', '-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-o', opts]);
  }

  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<unknown> {
    return this.#pg('pg_ctl', ['stop', '-w', '-t', '60', '-m', mode, '-D', join(this.dir, 'data')]);
  }

  restart(): Promise<unknown> {
    const opts = `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=32MB -c max_connections=60`;
    return this.#pg('pg_ctl', ['restart', '-w', '-t', '60', '-m', 'fast', '-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-o', opts]);
  }

  async destroy(): Promise<void> {
    clusters.delete(this);
    if (existsSync(join(this.dir, 'data', 'postmaster.pid'))) await this.stop('immediate');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
const clusters = new Set<Cluster>();

/** Fresh databases named `pb_flt_<label>_<n>` on the given servers (admin URLs), dropped by `drop`. */
export async function createDatabases(label: string, servers: string[]): Promise<{ urls: string[]; drop(): Promise<void> }> {
  const prefix = `pb_flt_${label}_${process.pid}_${Date.now().toString(36)}`;
  const urls: string[] = [];
  for (const [i, admin] of servers.entries()) {
    await sql(admin, `CREATE DATABASE ${prefix}_${i}`);
    urls.push(withDb(admin, `${prefix}_${i}`));
  }
  const drop = async (): Promise<void> => {
    for (const [i, admin] of servers.entries()) {
      await sql(admin, `DROP DATABASE IF EXISTS ${prefix}_${i} WITH (FORCE)`).catch((error: unknown) => {
        // A cluster already destroyed took its database with it.
        if (!String(error).includes('ECONNREFUSED')) throw error;
      });
    }
  };
  return { urls, drop };
}

export interface ApiEnv {
  urls: string[];
  port: number;
  maxInFlight?: number;
  logLevel?: 'info' | 'warn' | 'error';
  /**
   * `PITBOSS_RATE_LIMIT`. Default `off`, set explicitly: `pitboss serve` on
   * `pg` would otherwise share token buckets in Postgres (50/s per key), and
   * these scenarios measure crash recovery, outages and load shedding
   * (`503 overloaded` at 2× peak), not rate limits (headless-api's
   * ratelimit tests do).
   */
  rateLimit?: 'off' | 'memory' | 'postgres';
}

function apiEnv(e: ApiEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PITBOSS_') && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  return {
    ...env,
    PITBOSS_DRIVER: 'pg',
    PITBOSS_DATABASE_URLS: e.urls.join(','),
    PORT: String(e.port),
    HOST: '127.0.0.1',
    PITBOSS_LOG_LEVEL: e.logLevel ?? 'warn',
    PITBOSS_RATE_LIMIT: e.rateLimit ?? 'off',
    ...(e.maxInFlight !== undefined ? { PITBOSS_MAX_IN_FLIGHT: String(e.maxInFlight) } : {}),
  };
}

/** `pitboss migrate`, then `pitboss keys create` (admin); returns the key. */
export async function migrateAndKey(urls: string[], tenant: string): Promise<string> {
  const env = apiEnv({ urls, port: 0 });
  await run(process.execPath, [PITBOSS_BIN, 'migrate'], { env });
  const { stdout } = await run(process.execPath, [PITBOSS_BIN, 'keys', 'create', '--tenant', tenant, '--role', 'admin'], { env });
  const key = stdout.trim();
  if (!/^pb_\w+_[\w-]+$/.test(key)) throw new Error(`unexpected key output: ${stdout}`);
  return key;
}

/** The API server as a child process; restartable on the same port. */
export class ApiProcess {
  child: ChildProcess | undefined;
  private log = '';
  private stderr = '';
  private expecting = false;
  readonly starts: number[] = [];
  /** Exits nobody asked for (a crash), with the log tail at that moment. */
  readonly crashes: string[] = [];

  constructor(readonly env: ApiEnv) {}

  get url(): string {
    return `http://127.0.0.1:${this.env.port}`;
  }

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error('API not started');
    return pid;
  }

  /** The tail of stdout+stderr (JSON log lines). */
  logs(): string {
    return this.log;
  }

  alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    if (this.alive()) throw new Error('API already running');
    const t0 = performance.now();
    const child = spawn(process.execPath, [PITBOSS_BIN, 'serve'], { env: apiEnv(this.env), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    this.expecting = false;
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (!this.expecting) this.crashes.push(`exit ${code ?? signal}; stderr:\n${this.stderr.slice(-6000)}\nlast log lines:\n${this.log.slice(-3000)}`);
    });
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', (chunk: Buffer) => {
      keep(chunk);
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-16 * 1024);
    });
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive()) throw new Error(`API exited during start (${child.exitCode ?? child.signalCode}):\n${this.log}`);
      try {
        const res = await fetch(this.url + '/healthz', { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) {
          this.starts.push(performance.now() - t0);
          return;
        }
      } catch (error) {
        // Not listening yet: ECONNREFUSED or a timeout; poll again.
        if (!(error instanceof Error)) throw error;
      }
      await sleep(100);
    }
    throw new Error(`API did not become healthy within ${timeoutMs} ms:\n${this.log}`);
  }

  /** Sends a signal and waits for the exit; resolves with code and signal. */
  async stop(signal: NodeJS.Signals, timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const child = this.child;
    if (!child) throw new Error('API not started');
    const t0 = performance.now();
    const exited = this.exited();
    this.expecting = true;
    if (this.alive()) child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`API did not exit within ${timeoutMs} ms after ${signal}:\n${this.log}`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    return { ...result, ms: performance.now() - t0 };
  }

  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child!;
    if (!this.alive()) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resident set size of the server process, in MiB (Linux). */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  }

  /** Throws if the server died without being asked to. */
  assertNoCrash(): void {
    if (this.crashes.length) throw new Error(`the API process crashed: ${this.crashes.join('\n---\n')}`);
  }

  async kill(): Promise<void> {
    if (this.alive()) await this.stop('SIGKILL');
  }
}

/** Removes every process and cluster still registered (afterAll). */
export async function cleanupAll(): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const c of [...clusters]) await c.destroy();
}
