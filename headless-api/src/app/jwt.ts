import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { ROLES } from './permissions.js';
import type { Role } from './permissions.js';
import type { TenantSettingsSource } from './tenant-settings.js';
import type { Principal } from './types.js';

/** Claim naming the Pitboss tenant of a backoffice user's JWT. */
export const TENANT_CLAIM = 'pitboss_tenant';
/** Claim naming the role (`admin`, `analyst`, `agent`) of a backoffice user's JWT. */
export const ROLE_CLAIM = 'pitboss_role';

// Asymmetric only: an HS256 token "signed" with a public key is the classic algorithm-confusion attack.
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export interface JwtVerifierOptions {
  /**
   * Least time between two JWKS fetches caused by an unknown `kid`: a flood
   * of tokens with made-up key ids must not become a flood of requests to the
   * operator's identity provider. Default 30 s.
   */
  cooldownMs?: number;
  /** How long a fetched JWKS is used before it is fetched again; a key removed by the provider stops verifying after this. Default 5 min. */
  cacheMaxAgeMs?: number;
  /** JWKS fetch timeout. Default 5 s. */
  timeoutMs?: number;
  /** Clock skew tolerated on `exp`/`nbf`, in seconds. Default 30. */
  clockToleranceSec?: number;
}

/** Why a JWT was refused; the message is safe to show to the caller. */
export class JwtRejected extends Error {
  override name = 'JwtRejected';
}

/**
 * Verifies backoffice users' JWTs, issued by each operator's OIDC provider.
 * The unverified `pitboss_tenant` claim only picks which tenant's settings
 * (issuer, audience, JWKS URL) to verify against; nothing is trusted before
 * the signature, issuer, audience and expiry are checked. A token whose `kid`
 * is not in the cached JWKS makes one refetch, at most once per cooldown
 * (provider key rotation); removed keys stop verifying when the cache ages out.
 *
 * @example
 * const jwt = new JwtVerifier(settings, { cooldownMs: 30_000 });
 * const principal = await jwt.verify(token); // { tenant: 'acme', role: 'agent', keyId: 'jwt:alice' }
 */
export class JwtVerifier {
  readonly #sets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  readonly #cooldownMs: number;
  readonly #cacheMaxAgeMs: number;
  readonly #timeoutMs: number;
  readonly #tolerance: number;

  constructor(private readonly settings: Pick<TenantSettingsSource, 'get'>, options: JwtVerifierOptions = {}) {
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#cacheMaxAgeMs = options.cacheMaxAgeMs ?? 300_000;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#tolerance = options.clockToleranceSec ?? 30;
  }

  #jwks(url: string): ReturnType<typeof createRemoteJWKSet> {
    let set = this.#sets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), { cooldownDuration: this.#cooldownMs, cacheMaxAge: this.#cacheMaxAgeMs, timeoutDuration: this.#timeoutMs });
      this.#sets.set(url, set);
    }
    return set;
  }

  /** The principal of a valid token; throws `JwtRejected` (with a safe reason) otherwise. */
  async verify(token: string): Promise<Principal> {
    let claimed: JWTPayload;
    try {
      claimed = decodeJwt(token);
    } catch (err) {
      throw new JwtRejected('malformed token', { cause: err });
    }
    const tenant = claimed[TENANT_CLAIM];
    if (typeof tenant !== 'string' || tenant.length === 0 || tenant.length > 128) throw new JwtRejected(`token lacks the ${TENANT_CLAIM} claim`);
    const config = (await this.settings.get(tenant)).jwt;
    if (!config) throw new JwtRejected('this tenant accepts no user tokens');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks(config.jwksUrl), {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: this.#tolerance,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JOSEError && !(err instanceof joseErrors.JWKSTimeout)) throw new JwtRejected(reason(err), { cause: err });
      throw new JwksUnavailable(config.jwksUrl, { cause: err });
    }
    const role = payload[ROLE_CLAIM];
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw new JwtRejected(`${ROLE_CLAIM} must be one of ${ROLES.join(', ')}`);
    return { tenant, role: role as Role, keyId: `jwt:${String(payload.sub).slice(0, 128)}` };
  }
}

/** The tenant's JWKS could not be fetched (provider down, timeout): not the caller's fault. */
export class JwksUnavailable extends Error {
  override name = 'JwksUnavailable';
  constructor(url: string, options: ErrorOptions) {
    super(`JWKS ${url} could not be fetched`, options);
  }
}

function reason(err: InstanceType<typeof joseErrors.JOSEError>): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim ${err.claim} failed: ${err.reason}`;
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the issuer matches the token';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature verification failed';
  return 'invalid token';
}
