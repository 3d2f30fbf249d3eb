import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';

type KeyLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
import { ManualClock } from '@isms/event-sourcing';
import {
  HmacTokenAuthority,
  JwksTokenVerifier,
  RememberingTokenVerifier,
  TokenRejectedError,
  loadOrCreateSigningSecret,
} from './tokens.js';
import type { TokenVerifier } from './tokens.js';

describe('embedded tokens (HS256, secret in the data directory)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'isms-auth-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates the secret on first start, owner-readable only, and reuses it afterwards', () => {
    const file = join(dir, 'secrets', 'jwt-hs256.key');
    const first = loadOrCreateSigningSecret(file);
    expect(first.created).toBe(true);
    expect(first.secret).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadOrCreateSigningSecret(file);
    expect(again.created).toBe(false);
    expect(Buffer.from(again.secret).equals(Buffer.from(first.secret))).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(Buffer.from(first.secret).toString('base64url'));
  });

  it('issues tokens carrying sub, tid, iss, aud, iat, exp and jti — no roles', async () => {
    const clock = new ManualClock('2026-05-04T08:00:00.000Z');
    const authority = new HmacTokenAuthority(new Uint8Array(32).fill(7), undefined, clock);
    const issued = await authority.issue({ sub: 'person-1', tid: 'tenant-1', ttlSeconds: 3600 });
    expect(issued.expiresAt).toBe('2026-05-04T09:00:00.000Z');
    const payload = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString());
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'sub', 'tid']);
    expect(await authority.verify(issued.token)).toEqual({
      sub: 'person-1',
      tid: 'tenant-1',
      jti: issued.tokenId,
      expiresAt: '2026-05-04T09:00:00.000Z',
    });
  });

  it('refuses an expired token, a token signed with another secret, and garbage', async () => {
    const clock = new ManualClock('2026-05-04T08:00:00.000Z');
    const authority = new HmacTokenAuthority(new Uint8Array(32).fill(7), undefined, clock);
    const { token } = await authority.issue({ sub: 'p', ttlSeconds: 60 });
    clock.advance(61_000);
    await expect(authority.verify(token)).rejects.toMatchObject({ reason: 'expired' });
    const other = new HmacTokenAuthority(new Uint8Array(32).fill(8), undefined, clock);
    const forged = await other.issue({ sub: 'p' });
    await expect(authority.verify(forged.token)).rejects.toMatchObject({ reason: 'invalid' });
    await expect(authority.verify('not.a.token')).rejects.toBeInstanceOf(TokenRejectedError);
  });

  it('refuses a token for another audience', async () => {
    const secret = new Uint8Array(32).fill(7);
    const elsewhere = new HmacTokenAuthority(secret, {
      issuer: 'isms-ledger',
      audience: 'other-api',
    });
    const { token } = await elsewhere.issue({ sub: 'p' });
    await expect(new HmacTokenAuthority(secret).verify(token)).rejects.toMatchObject({
      reason: 'invalid',
    });
  });
});

describe('remembering accepted tokens (a client sends the same token with every request)', () => {
  function counted(verifier: TokenVerifier) {
    const verified: string[] = [];
    return {
      verified,
      verifier: {
        verify: (token: string) => {
          verified.push(token);
          return verifier.verify(token);
        },
      },
    };
  }

  it('verifies a token once, then answers from memory until it expires or five minutes pass', async () => {
    const clock = new ManualClock('2026-05-04T08:00:00.000Z');
    const authority = new HmacTokenAuthority(new Uint8Array(32).fill(7), undefined, clock);
    const inner = counted(authority);
    const verifier = new RememberingTokenVerifier(inner.verifier, clock);
    const long = await authority.issue({ sub: 'person-1', tid: 'tenant-1', ttlSeconds: 3600 });
    const short = await authority.issue({ sub: 'person-2', tid: 'tenant-1', ttlSeconds: 60 });

    const first = await verifier.verify(long.token);
    expect(await verifier.verify(long.token)).toEqual(first);
    expect(await verifier.verify(short.token)).toMatchObject({ sub: 'person-2' });
    expect(inner.verified).toEqual([long.token, short.token]);

    // Past its expiry a remembered token goes back to the verifier, which refuses it.
    clock.advance(61_000);
    await expect(verifier.verify(short.token)).rejects.toMatchObject({ reason: 'expired' });
    await expect(verifier.verify(short.token)).rejects.toMatchObject({ reason: 'expired' });
    expect(await verifier.verify(long.token)).toEqual(first);
    expect(inner.verified).toEqual([long.token, short.token, short.token, short.token]);

    // Remembered for five minutes at most, then verified again.
    clock.advance(5 * 60_000);
    expect(await verifier.verify(long.token)).toEqual(first);
    expect(inner.verified.at(-1)).toBe(long.token);
    expect(inner.verified).toHaveLength(5);
  });

  it('verifies afresh a token differing in one byte, and does not remember refusals', async () => {
    const clock = new ManualClock('2026-05-04T08:00:00.000Z');
    const authority = new HmacTokenAuthority(new Uint8Array(32).fill(7), undefined, clock);
    const inner = counted(authority);
    const verifier = new RememberingTokenVerifier(inner.verifier, clock, { capacity: 2 });
    const { token } = await authority.issue({ sub: 'person-1', ttlSeconds: 3600 });
    await verifier.verify(token);
    // One character in the middle of the signature (all six of its bits count there).
    const at = token.lastIndexOf('.') + 10;
    const tampered = `${token.slice(0, at)}${token[at] === 'A' ? 'z' : 'A'}${token.slice(at + 1)}`;
    await expect(verifier.verify(tampered)).rejects.toMatchObject({ reason: 'invalid' });
    await expect(verifier.verify(tampered)).rejects.toMatchObject({ reason: 'invalid' });
    expect(inner.verified).toEqual([token, tampered, tampered]);

    // Beyond its capacity the oldest is forgotten (and verified again when it comes back).
    const others = [
      await authority.issue({ sub: 'person-2', ttlSeconds: 3600 }),
      await authority.issue({ sub: 'person-3', ttlSeconds: 3600 }),
    ];
    for (const other of others) await verifier.verify(other.token);
    await verifier.verify(token);
    expect(inner.verified.slice(3)).toEqual([others[0]!.token, others[1]!.token, token]);
  });
});

describe('server mode: RS256 tokens of an OIDC provider, verified against its JWKS', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: KeyLike;
  let jwk: JWK;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (claims: Record<string, unknown>, key: KeyLike = privateKey) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setSubject('oidc|alice')
      .setIssuer('https://login.acme.example')
      .setAudience('isms-ledger-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  it('accepts a token of the provider and reads the tenant claim', async () => {
    const verifier = new JwksTokenVerifier({
      jwksUrl,
      issuer: 'https://login.acme.example',
      audience: 'isms-ledger-api',
      tenantClaim: 'isms_tenant',
    });
    const claims = await verifier.verify(await sign({ isms_tenant: 'tenant-acme' }));
    expect(claims).toMatchObject({ sub: 'oidc|alice', tid: 'tenant-acme' });
  });

  it('refuses a token signed by another key or for another issuer', async () => {
    const verifier = new JwksTokenVerifier({
      jwksUrl,
      issuer: 'https://login.acme.example',
      audience: 'isms-ledger-api',
    });
    const stranger = await generateKeyPair('RS256');
    await expect(verifier.verify(await sign({}, stranger.privateKey))).rejects.toMatchObject({
      reason: 'invalid',
    });
    const otherIssuer = new JwksTokenVerifier({
      jwksUrl,
      issuer: 'https://login.other.example',
      audience: 'isms-ledger-api',
    });
    await expect(otherIssuer.verify(await sign({}))).rejects.toMatchObject({ reason: 'invalid' });
  });

  it('refuses an HS256 token even if it names the right issuer (no algorithm confusion)', async () => {
    const verifier = new JwksTokenVerifier({
      jwksUrl,
      issuer: 'https://login.acme.example',
      audience: 'isms-ledger-api',
    });
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('oidc|alice')
      .setIssuer('https://login.acme.example')
      .setAudience('isms-ledger-api')
      .setExpirationTime('5m')
      .sign(new Uint8Array(32).fill(1));
    await expect(verifier.verify(hs)).rejects.toBeInstanceOf(TokenRejectedError);
  });

  it('says the provider is unavailable when its JWKS cannot be fetched', async () => {
    const verifier = new JwksTokenVerifier({
      jwksUrl: 'http://127.0.0.1:9/certs',
      issuer: 'https://login.acme.example',
      audience: 'isms-ledger-api',
    });
    await expect(verifier.verify(await sign({}))).rejects.toMatchObject({ reason: 'unavailable' });
  });
});
