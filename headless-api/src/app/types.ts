import type { PlayerProfile } from '@pitboss/core';
import type {
  IngestLine, IngestOutcome, PlayerDetail, PlayerListQuery, PlayerPage, RejectedLine, ShardHealth,
} from '../storage/types.js';
import type { HeaderRecord } from './fast-json.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Role } from './permissions.js';

/** Who is calling: resolved from the bearer key by the auth middleware. */
export interface Principal {
  tenant: string;
  role: Role;
  /** A non-secret id of the key (for logs and audit). */
  keyId: string;
}

/** Pool figures per physical database, exported as Prometheus gauges. */
export interface PoolStat {
  database: number | string;
  /** Which of the database's pools (`main`, or `claims` for event id claims). */
  pool?: string;
  total: number;
  idle: number;
  waiting: number;
}

/**
 * What the HTTP layer needs from storage. The sharded storage in
 * `../storage` implements it; the app depends on this shape only, so a
 * runtime without node-postgres (an edge worker over Neon) can plug in.
 */
export interface ApiStorage {
  ingest(tenant: string, lines: IngestLine[]): Promise<IngestOutcome>;
  deadLetter(tenant: string, rejects: RejectedLine[]): Promise<void>;
  upsertPlayer(tenant: string, playerId: string, profile: PlayerProfile): Promise<unknown>;
  getPlayer(tenant: string, playerId: string): Promise<PlayerDetail | null>;
  listPlayers(tenant: string, query: PlayerListQuery): Promise<PlayerPage>;
  health(): Promise<ShardHealth[]>;
  verifyApiKey(key: string): Promise<Principal | null>;
  poolStats?(): PoolStat[];
  /** Background feature refresh: players waiting, last error per database. */
  featureStatus?(): { backlog: number; errors: { database: number; message: string }[] };
}

/** Request limits; every one has a default in `config.ts`. */
export interface AppLimits {
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /** Most events in one `POST /v1/events`. */
  maxLines: number;
  /** Longest raw line kept in the dead-letter table. */
  maxDeadLetterChars: number;
  /**
   * Most `/v1` requests served at once; past it, 503 `overloaded` with
   * `Retry-After` instead of an unbounded queue. 0 or absent: no limit.
   */
  maxInFlight?: number;
}

export interface AppOptions {
  storage: ApiStorage;
  config: { limits: AppLimits; version?: string };
  logger: Logger;
  /** Shared registry, so a process can expose one `/metrics` across apps. */
  metrics?: Metrics;
  /** Clock for the future-timestamp check; default `Date.now`. */
  now?: () => number;
}

/** Hono environment of every route. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    principal: Principal;
    /** This request's response headers as a plain record, set by `securityHeaders` (see `fast-json.ts`). */
    responseHeaders: HeaderRecord;
  };
}
