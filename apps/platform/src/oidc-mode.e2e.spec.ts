import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createTenant } from './testing/acme-group.js';
import type { TestPlatform } from './testing/platform-fixture.js';
import { expectStatus, startTestPlatform } from './testing/platform-fixture.js';

/*
 * Server mode: tokens come from an OIDC provider (RS256, verified against its JWKS); the
 * platform issues none. A person is found by id or by the identity subject they were registered
 * with; the tenant comes from a configured claim.
 */
jest.setTimeout(60_000);

const ISSUER = 'https://login.acme.example/realms/acme';
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

let jwks: Server;
let key: PrivateKey;
let platform: TestPlatform;

const sign = (sub: string, tid?: string, signWith: PrivateKey = key, issuer = ISSUER) =>
  new SignJWT(tid ? { isms_tenant: tid } : {})
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience('isms-ledger-api')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(signWith);

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  platform = await startTestPlatform(new Date().toISOString(), {
    env: {
      ISMS_OIDC_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/certs`,
      ISMS_OIDC_ISSUER: ISSUER,
      ISMS_OIDC_TENANT_CLAIM: 'isms_tenant',
    },
    sign: (sub, tid) => sign(sub, tid),
  });
}, 120_000);

afterAll(async () => {
  await platform?.close();
  await new Promise<void>((resolve) => jwks.close(() => resolve()));
});

describe('server mode: OIDC tokens verified against the provider’s JWKS', () => {
  it('accepts the provider’s RS256 tokens and maps the identity subject to the person', async () => {
    const acme = await createTenant(platform, 'Acme Group');
    const admin = platform.as(acme.groupAdmin.token);
    const claire = expectStatus(
      await admin.post('/api/people', {
        displayName: 'Claire Martin',
        email: 'claire@acme.example',
        homeOrgUnitId: acme.root,
        identitySubject: 'f3c1a9e0-oidc-claire',
      }),
      201,
    ).body.personId as string;
    expectStatus(
      await admin.post(`/api/people/${claire}/role-bindings`, {
        role: 'ciso',
        orgUnitId: acme.root,
      }),
      201,
    );
    const me = expectStatus(
      await platform.as(await sign('f3c1a9e0-oidc-claire', acme.tenantId)).get('/api/auth/me'),
      200,
    );
    expect(me.body).toMatchObject({
      kind: 'member',
      personId: claire,
      roleBindings: [expect.objectContaining({ role: 'ciso' })],
    });
    // the same subject claimed for another tenant is nobody
    const beta = await createTenant(platform, 'Beta Group');
    expectStatus(
      await platform.as(await sign('f3c1a9e0-oidc-claire', beta.tenantId)).get('/api/auth/me'),
      401,
    );
  });

  it('refuses tokens of another key or issuer, and issues none itself', async () => {
    const stranger = await generateKeyPair('RS256');
    expectStatus(
      await platform
        .as(await sign(platform.platformAdminId, undefined, stranger.privateKey))
        .get('/api/tenants'),
      401,
    );
    expectStatus(
      await platform
        .as(await sign(platform.platformAdminId, undefined, key, 'https://evil.example'))
        .get('/api/tenants'),
      401,
    );
    expectStatus(await platform.as(platform.platformAdminToken).get('/api/tenants'), 200);
    const issue = expectStatus(
      await platform.as(platform.platformAdminToken).post('/api/auth/tokens', {}),
      404,
    );
    expect(issue.body.type).toBe('urn:isms-ledger:problem:token-issuance-disabled');
    expectStatus(
      await platform.as().post('/api/auth/setup', { setupCode: platform.setupCode }),
      404,
    );
  });
});
