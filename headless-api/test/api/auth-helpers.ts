import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWK, JWTPayload } from 'jose';
import pg from 'pg';
import { createStorage } from '../../src/storage/index.js';
import { createApp } from '../../src/app/app.js';
import type { CreateAppOptions } from '../../src/app/app.js';
import { createJsonLogger } from '../../src/app/logger.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { PG_ADMIN_URL } from './backends.js';
import { LIMITS } from './fixtures.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../src/app/types.js';
import { PERMISSION_EXTENSION } from '../../src/app/permissions.js';
import type { Permission } from '../../src/app/permissions.js';

/** A storage opened for an auth suite, plus the URLs a second "process" needs to share it. */
export interface AuthBackend {
  name: string;
  open(): Promise<{ storage: ShardedStorage; urls: string[] | null; close(): Promise<void> }>;
}

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}

export const authBackends: AuthBackend[] = [
  {
    name: 'pglite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'pb-au-'));
      const storage = await createStorage({ driver: 'pglite', dataDir: dir });
      await storage.migrate();
      return { storage, urls: null, close: async () => { await storage.close(); await rm(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres×4',
    async open() {
      const prefix = `pb_au_${process.pid}_${Date.now().toString(36)}`;
      const names = [0, 1, 2, 3].map((i) => `${prefix}_${i}`);
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      try {
        for (const n of names) await admin.query(`CREATE DATABASE ${n}`);
      } finally {
        await admin.end();
      }
      const urls = names.map((n) => withDb(PG_ADMIN_URL, n));
      const storage = await createStorage({ driver: 'pg', urls, poolSize: 4 });
      await storage.migrate();
      return {
        storage,
        urls,
        close: async () => {
          await storage.close();
          const c = new pg.Client({ connectionString: PG_ADMIN_URL });
          await c.connect();
          try {
            for (const n of names) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
          } finally {
            await c.end();
          }
        },
      };
    },
  },
];

/**
 * An app over `storage` with quiet logs and the given security options. Rate
 * limits are off unless `security.rateLimit` is given: the suites built on
 * this fire hundreds of requests with one key (ratelimit.test.ts tests them).
 */
export function authApp(storage: ShardedStorage, security: CreateAppOptions['security'] = {}, logs: Record<string, unknown>[] = []) {
  return authPitboss(storage, security, logs).app;
}

/** The whole `createApp` result (for hosts' handles such as the live bus). */
export function authPitboss(storage: ShardedStorage, security: CreateAppOptions['security'] = {}, logs: Record<string, unknown>[] = []) {
  const logger = createJsonLogger({ level: 'info', write: (line) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  return createApp({ storage, logger, config: { limits: LIMITS }, security: { rateLimit: false, ...security } });
}

/**
 * A real OIDC-style issuer on loopback: ES256 keys made by jose, the public
 * ones served as a JWKS over HTTP, fetches counted, keys added and removed
 * at will (rotation).
 */
export class LocalIssuer {
  readonly issuer: string;
  fetches = 0;
  readonly #keys = new Map<string, { privateKey: CryptoKey; jwk: JWK }>();
  #published: string[] = [];
  readonly #server = createServer((req, res) => {
    if (req.url !== '/jwks') {
      res.writeHead(404).end();
      return;
    }
    this.fetches++;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    res.end(JSON.stringify({ keys: this.#published.map((kid) => this.#keys.get(kid)!.jwk) }));
  });

  private constructor(readonly url: string) {
    this.issuer = url;
  }

  static async start(): Promise<LocalIssuer> {
    const issuer = new LocalIssuer('');
    await new Promise<void>((resolve) => issuer.#server.listen(0, '127.0.0.1', resolve));
    const port = (issuer.#server.address() as AddressInfo).port;
    return Object.assign(issuer, { url: `http://127.0.0.1:${port}`, issuer: `http://127.0.0.1:${port}` });
  }

  get jwksUrl(): string {
    return `${this.url}/jwks`;
  }

  /** Makes a key pair `kid`; published in the JWKS unless `publish` is false. */
  async addKey(kid: string, publish = true): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    this.#keys.set(kid, { privateKey, jwk });
    if (publish) this.#published.push(kid);
  }

  publish(kid: string): void {
    this.#published.push(kid);
  }

  unpublish(kid: string): void {
    this.#published = this.#published.filter((k) => k !== kid);
  }

  /** A token signed by `kid` (published or not) with standard claims plus `claims`. */
  async sign(kid: string, claims: JWTPayload, options: { audience?: string; issuer?: string; expiresIn?: string | number } = {}): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? 'pitboss')
      .setSubject(typeof claims.sub === 'string' ? claims.sub : 'user-1')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(this.#keys.get(kid)!.privateKey);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.#server.close((err) => (err ? reject(err) : resolve())));
  }
}

export interface Operation { [PERMISSION_EXTENSION]?: Permission; parameters?: { name: string; in: string }[]; requestBody?: unknown }
export interface Doc { paths: Record<string, Record<string, Operation>> }
export interface WalkRoute { method: string; path: string; op: Operation }

/** Every /v1 operation of the app's OpenAPI document. */
export async function v1Routes(app: OpenAPIHono<AppEnv>): Promise<WalkRoute[]> {
  const doc = (await (await app.request('/openapi.json')).json()) as Doc;
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}

/**
 * Reads a response body; of an event stream, which never ends, only the first
 * chunk. The stream is left open, not cancelled: the host closes it on
 * shutdown (cancelling one made /v1/stream throw "Controller is already closed").
 */
export async function bodyText(res: Response): Promise<string> {
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    const reader = res.body!.getReader();
    const first = await reader.read();
    reader.releaseLock();
    return first.value ? new TextDecoder().decode(first.value) : '';
  }
  return res.text();
}

/** Ends what a test app holds open (its live bus, when it has one). */
export function closeApp(pb: object): void {
  (pb as { live?: { close(): void } }).live?.close();
}

