import { randomBytes } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { ROLES } from './permissions.js';
import type { Role } from './permissions.js';
import type { Principal } from './types.js';

/** `iss` and `aud` of embed tokens; a token with another issuer is never taken for one. */
export const EMBED_ISSUER = 'pitboss-embed';

/** Longest lifetime of an embed token, in seconds. */
export const EMBED_MAX_TTL_SEC = 3600;

/** A verified embed token. */
export interface EmbedClaims {
  principal: Principal;
  origins: string[];
  expiresAt: Date;
}

/** Why an embed token was refused; the message is safe to show to the caller. */
export class EmbedRejected extends Error {
  override name = 'EmbedRejected';
}

/**
 * Short-lived tokens an operator's server hands to a browser page: scoped to
 * one tenant, one role and a list of origins, signed HS256 with a server
 * secret. Every API process that must accept them needs the same secret
 * (`PITBOSS_EMBED_SECRET`); without one a random secret is made, which suits
 * one embedded process.
 *
 * @example
 * const embed = new EmbedTokens(process.env.PITBOSS_EMBED_SECRET);
 * const { token } = await embed.issue({ tenant: 'acme', role: 'agent', keyId: 'abc' }, ['https://bo.acme.example'], 600);
 */
export class EmbedTokens {
  readonly #key: Uint8Array;

  constructor(secret?: string, private readonly now: () => number = Date.now) {
    if (secret !== undefined && Buffer.byteLength(secret) < 32) throw new RangeError('the embed secret needs at least 32 bytes');
    this.#key = secret ? new TextEncoder().encode(secret) : randomBytes(32);
  }

  /** Signs a token for `principal`, valid from `origins` for `ttlSec` seconds. */
  async issue(principal: Principal, origins: readonly string[], ttlSec: number): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + Math.min(Math.max(1, Math.floor(ttlSec)), EMBED_MAX_TTL_SEC);
    const token = await new SignJWT({ tenant: principal.tenant, role: principal.role, origins: [...origins] })
      .setProtectedHeader({ alg: 'HS256', typ: 'pb-embed+jwt' })
      .setIssuer(EMBED_ISSUER)
      .setAudience(EMBED_ISSUER)
      .setSubject(principal.keyId)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(randomBytes(9).toString('base64url'))
      .sign(this.#key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a valid token; throws `EmbedRejected` otherwise. Origin checks are the caller's (see `auth.ts`). */
  async verify(token: string): Promise<EmbedClaims> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        issuer: EMBED_ISSUER, audience: EMBED_ISSUER, algorithms: ['HS256'], typ: 'pb-embed+jwt',
        requiredClaims: ['exp', 'sub'], currentDate: new Date(this.now()),
      });
      const { tenant, role, origins } = payload;
      if (typeof tenant !== 'string' || typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)
        || !Array.isArray(origins) || !origins.every((o): o is string => typeof o === 'string')) {
        throw new EmbedRejected('embed token claims are malformed');
      }
      return { principal: { tenant, role: role as Role, keyId: `embed:${payload.sub!}` }, origins, expiresAt: new Date(payload.exp! * 1000) };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new EmbedRejected('embed token expired', { cause: err });
      if (err instanceof joseErrors.JOSEError) throw new EmbedRejected('invalid embed token', { cause: err });
      throw err;
    }
  }
}

/** Whether a JWT's unverified payload names the embed issuer. Cheap routing only; `verify` decides. */
export function looksLikeEmbed(claimedIssuer: unknown): boolean {
  return claimedIssuer === EMBED_ISSUER;
}
