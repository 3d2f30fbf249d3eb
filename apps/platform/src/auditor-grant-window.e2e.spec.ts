import { jest } from '@jest/globals';
import type { AcmeGroup, Member } from './testing/acme-group.js';
import { STAGE2_WEEK, buildAcmeGroup } from './testing/acme-group.js';
import type { TestPlatform } from './testing/platform-fixture.js';
import { expectStatus, startTestPlatform } from './testing/platform-fixture.js';

/*
 * The certification body's week, on the app's clock: before the window nothing is readable,
 * inside it the scope is, after it (or after a revocation) everything is refused again — and
 * the group can list every request the auditor made, allowed or not.
 */
jest.setTimeout(60_000);

let platform: TestPlatform;
let acme: AcmeGroup;

beforeAll(async () => {
  platform = await startTestPlatform('2026-04-30T09:00:00.000Z');
  acme = await buildAcmeGroup(platform);
}, 120_000);

afterAll(async () => {
  await platform?.close();
});

/** Requests as a member with a token fresh for the clock's current time (tokens last 8 hours). */
const as = async (member: Member) =>
  platform.as(await platform.token(member.personId, acme.tenantId));

const log = async () =>
  expectStatus(
    await (
      await as(acme.groupAdmin)
    ).get(`/api/governance/auditor-access-log?grantId=${acme.eveGrantId}&limit=200`),
    200,
  ).body.items as { path: string; outcome: string; status: number; reason?: string; at: string }[];

describe('an access grant’s window [validFrom, validUntil)', () => {
  it('before the window: every request is refused as not yet valid, and recorded', async () => {
    const eve = await as(acme.eve);
    const res = expectStatus(await eve.get(`/api/scopes/${acme.frScopeId}`), 403);
    expect(res.body).toMatchObject({ reason: 'grant-not-yet-valid' });
    expectStatus(await eve.get('/api/org-units'), 403);
    const me = expectStatus(await eve.get('/api/auth/me'), 403);
    expect(me.body.reason).toBe('grant-not-yet-valid');
    expect(await log()).toEqual([
      expect.objectContaining({
        path: `/api/scopes/${acme.frScopeId}`,
        outcome: 'denied',
        status: 403,
        reason: 'grant-not-yet-valid',
      }),
      expect.objectContaining({ path: '/api/org-units', outcome: 'denied' }),
      expect.objectContaining({ path: '/api/auth/me', outcome: 'denied' }),
    ]);
  });

  it('from validFrom on: the scope is readable, and each read is recorded with its time', async () => {
    platform.clock.set(STAGE2_WEEK.validFrom);
    const eve = await as(acme.eve);
    expectStatus(await eve.get(`/api/scopes/${acme.frScopeId}`), 200);
    const units = expectStatus(await eve.get('/api/org-units'), 200).body.items.map(
      (u: { name: string }) => u.name,
    );
    expect(units.sort()).toEqual(['Acme France', 'Lyon', 'Paris']);
    const entries = await log();
    expect(entries.slice(-2)).toEqual([
      expect.objectContaining({
        path: `/api/scopes/${acme.frScopeId}`,
        outcome: 'allowed',
        status: 200,
        at: '2026-05-04T07:00:00.000Z',
      }),
      expect.objectContaining({ path: '/api/org-units', outcome: 'allowed', status: 200 }),
    ]);
  });

  it('at validUntil the grant has expired: everything is refused', async () => {
    platform.clock.set('2026-05-08T23:59:59.999Z');
    expectStatus(await (await as(acme.eve)).get(`/api/scopes/${acme.frScopeId}`), 200);
    platform.clock.set(STAGE2_WEEK.validUntil);
    const res = expectStatus(await (await as(acme.eve)).get(`/api/scopes/${acme.frScopeId}`), 403);
    expect(res.body).toMatchObject({ reason: 'grant-expired' });
    expectStatus(await (await as(acme.eve)).get('/api/documents'), 403);
    const grant = expectStatus(
      await (await as(acme.groupAdmin)).get(`/api/access-grants/${acme.eveGrantId}`),
      200,
    );
    expect(grant.body.status).toBe('expired');
    const last = (await log()).slice(-2);
    expect(last.map((e) => [e.outcome, e.reason])).toEqual([
      ['denied', 'grant-expired'],
      ['denied', 'grant-expired'],
    ]);
  });

  it('a revoked grant refuses everything from the next request on', async () => {
    platform.clock.set('2026-05-10T09:00:00.000Z');
    const grantId = expectStatus(
      await (
        await as(acme.fr.ciso)
      ).post('/api/access-grants', {
        auditorPersonId: acme.eve.personId,
        scopeId: acme.frScopeId,
        validFrom: '2026-05-10T00:00:00Z',
        validUntil: '2026-05-15T00:00:00Z',
        reason: 'Stage 2 follow-up day',
      }),
      201,
    ).body.grantId as string;
    expectStatus(await (await as(acme.eve)).get(`/api/scopes/${acme.frScopeId}`), 200);
    const noReason = expectStatus(
      await (await as(acme.fr.ciso)).post(`/api/access-grants/${grantId}/revocation`, {}),
      400,
    );
    expect(noReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.reason']);
    const revoked = expectStatus(
      await (
        await as(acme.fr.ciso)
      ).post(`/api/access-grants/${grantId}/revocation`, { reason: 'Follow-up cancelled' }),
      200,
    );
    expect(revoked.body).toMatchObject({
      status: 'revoked',
      revocation: { revokedBy: acme.fr.ciso.personId, reason: 'Follow-up cancelled' },
    });
    const res = expectStatus(await (await as(acme.eve)).get(`/api/scopes/${acme.frScopeId}`), 403);
    expect(res.body.reason).toBe('grant-revoked');
    const again = expectStatus(
      await (
        await as(acme.fr.ciso)
      ).post(`/api/access-grants/${grantId}/revocation`, { reason: 'twice' }),
      422,
    );
    expect(again.body.rule).toBe('grant-already-revoked');
    const entries = expectStatus(
      await (
        await as(acme.groupAdmin)
      ).get(`/api/governance/auditor-access-log?grantId=${grantId}`),
      200,
    ).body.items as { outcome: string; reason?: string }[];
    expect(entries.map((e) => [e.outcome, e.reason ?? null])).toEqual([
      ['allowed', null],
      ['denied', 'grant-revoked'],
    ]);
  });

  it('a grant whose window has passed cannot be made', async () => {
    const res = expectStatus(
      await (
        await as(acme.fr.ciso)
      ).post('/api/access-grants', {
        auditorPersonId: acme.eve.personId,
        scopeId: acme.frScopeId,
        ...STAGE2_WEEK,
        reason: 'late',
      }),
      422,
    );
    expect(res.body.rule).toBe('grant-window-in-past');
  });
});
