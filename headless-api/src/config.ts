import { z } from 'zod';
import type { LogLevel } from './app/logger.js';
import { defaultRateLimitStore } from './app/rate-limit.js';

/** Environment variables read by `loadConfig`, with their flag equivalents. */
export const CONFIG_VARIABLES = {
  PITBOSS_DRIVER: '--driver',
  PITBOSS_DATABASE_URLS: '--database-urls',
  PITBOSS_CONTROL_URL: '--control-url',
  PITBOSS_DATA_DIR: '--data-dir',
  PORT: '--port',
  HOST: '--host',
  PITBOSS_MAX_BODY_BYTES: '--max-body-bytes',
  PITBOSS_MAX_LINES: '--max-lines',
  PITBOSS_MAX_IN_FLIGHT: '--max-in-flight',
  PITBOSS_LOG_LEVEL: '--log-level',
  PITBOSS_SCORER_URL: '--scorer-url',
  PITBOSS_SCORER_MODE: '--scorer-mode',
  PITBOSS_SCORER_ONNX_MIN_BATCH: '--scorer-onnx-min-batch',
  PITBOSS_SCORER_PROVIDER: '--scorer-provider',
  PITBOSS_EMBED_SECRET: '--embed-secret',
  PITBOSS_RATE_LIMIT: '--rate-limit',
  PITBOSS_HSTS: '--hsts',
  PITBOSS_FEATURE_MAX_AGE_HOURS: '--feature-max-age-hours',
  PITBOSS_LIVE_RELAY: '--live-relay',
} as const;

type Variable = keyof typeof CONFIG_VARIABLES;

const postgresUrl = z
  .string()
  .trim()
  .refine((u) => {
    try {
      const url = new URL(u);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.pathname.length > 1;
    } catch (err) {
      if (err instanceof TypeError) return false;
      throw err;
    }
  }, 'expected postgres://user:password@host:port/database');

const int = (min: number, max: number) => z.coerce.number({ message: 'expected a number' }).int('expected an integer').min(min).max(max);

const Raw = z
  .object({
    PITBOSS_DRIVER: z.enum(['pglite', 'pg', 'neon'], { message: 'expected pglite, pg or neon' }).default('pglite'),
    PITBOSS_DATABASE_URLS: z
      .string()
      .optional()
      .transform((s) => (s ? s.split(',').map((u) => u.trim()).filter(Boolean) : []))
      .pipe(z.array(postgresUrl)),
    PITBOSS_CONTROL_URL: postgresUrl.optional(),
    PITBOSS_DATA_DIR: z.string().min(1).default('./.pitboss'),
    PORT: int(0, 65535).default(8787),
    HOST: z.string().min(1).default('127.0.0.1'),
    PITBOSS_MAX_BODY_BYTES: int(1024, 1 << 30).default(16 * 1024 * 1024),
    PITBOSS_MAX_LINES: int(1, 1_000_000).default(10_000),
    PITBOSS_MAX_IN_FLIGHT: int(0, 1_000_000).default(1024),
    PITBOSS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    PITBOSS_SCORER_URL: z
      .string()
      .trim()
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'expected the http(s):// base URL of a KServe v2 server')
      .optional(),
    PITBOSS_SCORER_MODE: z.enum(['binary', 'json'], { message: 'expected binary or json' }).default('binary'),
    PITBOSS_SCORER_ONNX_MIN_BATCH: int(1, 1 << 30).optional(),
    PITBOSS_SCORER_PROVIDER: z.enum(['auto', 'cpu', 'cuda'], { message: 'expected auto, cpu or cuda' }).default('auto'),
    PITBOSS_EMBED_SECRET: z.string().refine((s) => Buffer.byteLength(s) >= 32, 'needs at least 32 bytes').optional(),
    PITBOSS_RATE_LIMIT: z.enum(['memory', 'postgres', 'off'], { message: 'expected memory, postgres or off' }).optional(),
    PITBOSS_HSTS: z.enum(['true', 'false'], { message: 'expected true or false' }).default('false'),
    PITBOSS_FEATURE_MAX_AGE_HOURS: int(0, 24 * 366).default(24),
    PITBOSS_LIVE_RELAY: z.enum(['postgres', 'off'], { message: 'expected postgres or off' }).optional(),
  });

/** Checks across variables; run even when single variables fail, so every problem is listed at once. */
function crossCheck(input: Record<string, string | undefined>): { variable: Variable; message: string }[] {
  const driver = input.PITBOSS_DRIVER ?? 'pglite';
  const urls = (input.PITBOSS_DATABASE_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  const out: { variable: Variable; message: string }[] = [];
  if ((driver === 'pg' || driver === 'neon') && urls.length === 0) {
    out.push({ variable: 'PITBOSS_DATABASE_URLS', message: `required with PITBOSS_DRIVER=${driver}: one postgres:// URL per physical shard, comma-separated` });
  }
  if (driver === 'pglite' && urls.length > 0) {
    out.push({ variable: 'PITBOSS_DATABASE_URLS', message: 'not used with PITBOSS_DRIVER=pglite (the embedded database lives in PITBOSS_DATA_DIR); set PITBOSS_DRIVER=pg to use these URLs' });
  }
  if (driver === 'pglite' && input.PITBOSS_LIVE_RELAY === 'postgres') {
    out.push({ variable: 'PITBOSS_LIVE_RELAY', message: 'needs PITBOSS_DRIVER=pg or neon: the embedded database serves one process, which needs no relay' });
  }
  if (new Set(urls).size !== urls.length) {
    out.push({ variable: 'PITBOSS_DATABASE_URLS', message: 'the same URL appears twice; each physical shard needs its own database' });
  }
  return out;
}

/** Validated configuration of a Pitboss process. */
export interface Config {
  driver: 'pglite' | 'pg' | 'neon';
  /** One URL per physical shard database (pg and neon drivers). */
  databaseUrls: string[];
  /** Database for tenant-wide tables; default: the first shard URL. */
  controlUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  limits: { maxBodyBytes: number; maxLines: number; maxDeadLetterChars: number; maxInFlight: number };
  logLevel: LogLevel;
  /**
   * Where scores are computed: in this process (default; TypeScript below
   * `onnxMinBatch` rows, onnxruntime-node from there; default per model
   * kind, see `scoring/backends.ts`) or, with
   * `PITBOSS_SCORER_URL`, a KServe v2 server over HTTP. In process,
   * onnxruntime-node runs on `provider` (`PITBOSS_SCORER_PROVIDER`, default
   * `auto`: CUDA where onnxruntime-node's CUDA provider is installed and a
   * session opens on it, else CPU; `cuda` fails instead of falling back).
   */
  scorer: { url: string | undefined; mode: 'binary' | 'json'; onnxMinBatch: number | undefined; provider: 'auto' | 'cpu' | 'cuda' };
  /**
   * Embed-token secret (the same in every process; random per process when
   * absent), where rate-limit buckets live (default `memory` with the
   * embedded `pglite` driver, `postgres` — shared by every process on the
   * control database — with `pg` and `neon`; `off` only when asked for), and
   * HSTS (set it behind TLS).
   */
  security: { embedSecret: string | undefined; rateLimit: 'memory' | 'postgres' | 'off'; hsts: boolean };
  /**
   * Features computed longer ago than this many hours are recomputed by a
   * periodic sweep of `pitboss serve` (windowed features change with time
   * alone); 0 turns the sweep off. Default 24 (also when absent).
   */
  featureMaxAgeHours?: number;
  /**
   * How `/v1/stream` subscribers see what other API processes ingest and
   * score: `postgres` (LISTEN/NOTIFY on the control database; default with
   * the `pg` and `neon` drivers) or `off` (each process streams its own; the
   * default, and the only choice, with embedded PGlite). Default `off` when absent.
   */
  liveRelay?: 'postgres' | 'off';
}

/** Thrown with every problem found, one per line, naming the variable and flag. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => '  - ' + p).join('\n')}`);
  }
}

const FLAG_TO_VAR = new Map<string, Variable>(Object.entries(CONFIG_VARIABLES).map(([v, f]) => [f, v as Variable]));

/**
 * Splits argv into config flags (`--port 9000` or `--port=9000`) and the rest.
 *
 * @example
 * parseFlags(['--port=9000', '--yes']); // { values: { PORT: '9000' }, rest: ['--yes'] }
 */
export function parseFlags(argv: readonly string[]): { values: Partial<Record<Variable, string>>; rest: string[] } {
  const values: Partial<Record<Variable, string>> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const variable = FLAG_TO_VAR.get(flag);
    if (!variable) {
      rest.push(arg);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError([`${flag} needs a value`]);
    values[variable] = value;
  }
  return { values, rest };
}

/**
 * Reads configuration from the environment, overridden by flags, and
 * validates it. Throws `ConfigError` listing every problem.
 *
 * @example
 * const config = loadConfig({ env: process.env, argv: ['--port', '9000'] });
 */
export function loadConfig(options: { env?: Record<string, string | undefined>; argv?: readonly string[] } = {}): Config {
  const env = options.env ?? process.env;
  const { values } = parseFlags(options.argv ?? []);
  const input: Record<string, string | undefined> = {};
  for (const v of Object.keys(CONFIG_VARIABLES) as Variable[]) {
    const raw = values[v] ?? env[v];
    input[v] = raw === '' ? undefined : raw;
  }
  const parsed = Raw.safeParse(input);
  const issues = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '') as Variable, message: i.message }))),
    ...crossCheck(input),
  ];
  if (issues.length > 0 || !parsed.success) {
    throw new ConfigError(
      issues.map(({ variable, message }) => {
        const flag = CONFIG_VARIABLES[variable];
        const got = input[variable] !== undefined && !variable.includes('URL') && !variable.includes('SECRET') ? ` (got ${JSON.stringify(input[variable])})` : '';
        return flag ? `${variable} (${flag}): ${message}${got}` : message;
      }),
    );
  }
  const v = parsed.data;
  return {
    driver: v.PITBOSS_DRIVER,
    databaseUrls: v.PITBOSS_DATABASE_URLS,
    controlUrl: v.PITBOSS_CONTROL_URL ?? v.PITBOSS_DATABASE_URLS[0],
    dataDir: v.PITBOSS_DATA_DIR,
    port: v.PORT,
    host: v.HOST,
    limits: { maxBodyBytes: v.PITBOSS_MAX_BODY_BYTES, maxLines: v.PITBOSS_MAX_LINES, maxDeadLetterChars: 8192, maxInFlight: v.PITBOSS_MAX_IN_FLIGHT },
    logLevel: v.PITBOSS_LOG_LEVEL,
    scorer: { url: v.PITBOSS_SCORER_URL, mode: v.PITBOSS_SCORER_MODE, onnxMinBatch: v.PITBOSS_SCORER_ONNX_MIN_BATCH, provider: v.PITBOSS_SCORER_PROVIDER },
    security: { embedSecret: v.PITBOSS_EMBED_SECRET, rateLimit: v.PITBOSS_RATE_LIMIT ?? defaultRateLimitStore(v.PITBOSS_DRIVER), hsts: v.PITBOSS_HSTS === 'true' },
    featureMaxAgeHours: v.PITBOSS_FEATURE_MAX_AGE_HOURS,
    liveRelay: v.PITBOSS_LIVE_RELAY ?? (v.PITBOSS_DRIVER === 'pglite' ? 'off' : 'postgres'),
  };
}
