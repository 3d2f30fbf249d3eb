import { randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import type { Clock } from '@isms/event-sourcing';
import { systemClock } from '@isms/event-sourcing';

/** The claims the platform reads. Roles are never in the token: they are looked up per request. */
export interface VerifiedToken {
  /** The person id (or, with an OIDC provider, the person's identity subject). */
  readonly sub: string;
  /** The tenant; absent for platform administrators. */
  readonly tid?: string;
  readonly jti?: string;
  readonly expiresAt?: string;
}

export class TokenRejectedError extends Error {
  constructor(
    readonly reason: 'expired' | 'invalid' | 'missing-subject' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'TokenRejectedError';
  }
}

export interface TokenVerifier {
  /** Throws TokenRejectedError when the token is not acceptable. */
  verify(token: string): Promise<VerifiedToken>;
}

export interface IssuedToken {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: string;
}

/** Embedded mode only: the platform signs its own tokens. */
export interface TokenIssuer {
  issue(claims: {
    readonly sub: string;
    readonly tid?: string;
    readonly ttlSeconds?: number;
  }): Promise<IssuedToken>;
}

export interface TokenAudience {
  /** `iss` of issued tokens and the one accepted. */
  readonly issuer: string;
  /** `aud` of issued tokens and the one accepted. */
  readonly audience: string;
}

export const DEFAULT_TOKEN_AUDIENCE: TokenAudience = {
  issuer: 'isms-ledger',
  audience: 'isms-ledger-api',
};
export const DEFAULT_TOKEN_TTL_SECONDS = 8 * 60 * 60;
export const MAX_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

function claimsOf(payload: JWTPayload, tenantClaim: string): VerifiedToken {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw new TokenRejectedError('missing-subject', 'The token has no subject (sub).');
  }
  const tid = payload[tenantClaim];
  return {
    sub: payload.sub,
    ...(typeof tid === 'string' && tid.length > 0 ? { tid } : {}),
    ...(typeof payload.jti === 'string' ? { jti: payload.jti } : {}),
    ...(typeof payload.exp === 'number'
      ? { expiresAt: new Date(payload.exp * 1000).toISOString() }
      : {}),
  };
}

function rejection(error: unknown): TokenRejectedError {
  if (error instanceof TokenRejectedError) return error;
  if (error instanceof errors.JWTExpired)
    return new TokenRejectedError('expired', 'The token has expired.');
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    return new TokenRejectedError('unavailable', 'The token could not be checked right now.');
  }
  return new TokenRejectedError('invalid', 'The token is not valid for this platform.');
}

/**
 * Embedded mode: HS256 tokens signed with a secret generated on first start and kept in the
 * data directory. Issues and verifies.
 */
export class HmacTokenAuthority implements TokenVerifier, TokenIssuer {
  /** The secret imported once as an HMAC key (given as bytes, jose imports it at every call). */
  private key?: Promise<webcrypto.CryptoKey>;

  constructor(
    private readonly secret: Uint8Array,
    private readonly audience: TokenAudience = DEFAULT_TOKEN_AUDIENCE,
    private readonly clock: Clock = systemClock,
  ) {
    if (secret.length < 32) throw new RangeError('An HS256 secret needs at least 32 bytes');
  }

  async issue(claims: { sub: string; tid?: string; ttlSeconds?: number }): Promise<IssuedToken> {
    const ttl = claims.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    if (!(Number.isInteger(ttl) && ttl > 0 && ttl <= MAX_TOKEN_TTL_SECONDS)) {
      throw new RangeError(`ttlSeconds must be 1..${MAX_TOKEN_TTL_SECONDS}, got ${ttl}`);
    }
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const tokenId = randomUUID();
    const token = await new SignJWT(claims.tid !== undefined ? { tid: claims.tid } : {})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(this.audience.issuer)
      .setAudience(this.audience.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .setJti(tokenId)
      .sign(await this.hmacKey());
    return { token, tokenId, expiresAt: new Date((now + ttl) * 1000).toISOString() };
  }

  async verify(token: string): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, await this.hmacKey(), {
        algorithms: ['HS256'],
        issuer: this.audience.issuer,
        audience: this.audience.audience,
        currentDate: this.clock.now(),
        requiredClaims: ['exp', 'sub'],
      });
      return claimsOf(payload, 'tid');
    } catch (error) {
      throw rejection(error);
    }
  }

  private hmacKey(): Promise<webcrypto.CryptoKey> {
    this.key ??= webcrypto.subtle.importKey(
      'raw',
      this.secret,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    return this.key;
  }
}

/**
 * Remembers the tokens a verifier accepted, so that a client sending the same token with every
 * request is not verified again each time (jose's parsing and an HMAC or RSA check: about a
 * fifth of a millisecond a request, on the main thread). Keyed by the whole token, so a token
 * differing in any byte is verified afresh. A remembered token is answered only until it
 * expires (then the verifier refuses it), and for at most `maxAgeMs` (with an OIDC provider, a
 * key it withdraws stops being honoured within that time); beyond `capacity` the oldest go.
 * Refusals are not remembered. Tokens carry no roles, so nothing else can go stale here: roles
 * and grants are looked up per request.
 */
export class RememberingTokenVerifier implements TokenVerifier {
  private readonly accepted = new Map<string, { claims: VerifiedToken; untilMs: number }>();

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly clock: Clock = systemClock,
    private readonly options: { readonly capacity?: number; readonly maxAgeMs?: number } = {},
  ) {}

  async verify(token: string): Promise<VerifiedToken> {
    const now = this.clock.now().getTime();
    const remembered = this.accepted.get(token);
    if (remembered && now < remembered.untilMs) return remembered.claims;
    this.accepted.delete(token);
    const claims = await this.verifier.verify(token);
    const expiresMs = claims.expiresAt ? Date.parse(claims.expiresAt) : NaN;
    if (Number.isFinite(expiresMs)) {
      const capacity = this.options.capacity ?? 10_000;
      while (this.accepted.size >= capacity) {
        this.accepted.delete(this.accepted.keys().next().value!);
      }
      this.accepted.set(token, {
        claims,
        untilMs: Math.min(expiresMs, now + (this.options.maxAgeMs ?? 5 * 60_000)),
      });
    }
    return claims;
  }
}

export interface JwksVerifierOptions extends TokenAudience {
  /** The OIDC provider's JWKS, e.g. `https://login.example.com/realms/acme/protocol/openid-connect/certs`. */
  readonly jwksUrl: string;
  /** Claim carrying the tenant id (default `tid`). */
  readonly tenantClaim?: string;
  readonly clock?: Clock;
}

/** Server mode: RS256 tokens of an OIDC provider, verified against its JWKS (keys cached, rotated). */
export class JwksTokenVerifier implements TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  constructor(private readonly options: JwksVerifierOptions) {
    this.keys = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5_000 });
  }

  async verify(token: string): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        algorithms: ['RS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp', 'sub'],
        ...(this.options.clock ? { currentDate: this.options.clock.now() } : {}),
      });
      return claimsOf(payload, this.options.tenantClaim ?? 'tid');
    } catch (error) {
      throw rejection(error);
    }
  }
}

/**
 * The HS256 secret of the embedded mode: read from `file`, or generated (32 random bytes) and
 * written there with owner-only permissions on first start.
 */
export function loadOrCreateSigningSecret(file: string): { secret: Uint8Array; created: boolean } {
  if (existsSync(file)) {
    const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
    if (secret.length < 32) throw new Error(`${file} holds a secret shorter than 32 bytes`);
    return { secret: new Uint8Array(secret), created: false };
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32);
  writeFileSync(file, `${secret.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { secret: new Uint8Array(secret), created: true };
}
