import request from 'supertest';
import { createReportingTestApp } from '../testing/http-harness.js';
import type { ReportingTestApp } from '../testing/http-harness.js';
import { seedScenario } from '../testing/scenario.js';
import type { Scenario } from '../testing/scenario.js';

let t: ReportingTestApp;
let s: Scenario;
const tokens: Record<string, string> = {};

const get = (path: string, who: string) =>
  request(t.app.getHttpServer()).get(path).set('Authorization', `Bearer ${tokens[who]}`);

beforeAll(async () => {
  t = await createReportingTestApp('2026-03-02T09:00:00.000Z');
  s = await seedScenario(t);
  for (const name of ['ciso', 'admin', 'managerA', 'viewerB'])
    tokens[name] = await s.acme.tokenOf(name);
  tokens['auditor'] = await t.token(s.acme.tenantId, s.auditorId);
  tokens['other'] = await s.other.tokenOf('cisoOther');
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const subjects = (body: { items: { subjectId: string }[] }) =>
  new Set(body.items.map((d) => d.subjectId));

describe('who sees which report', () => {
  it('refuses a request without a token', async () => {
    await request(t.app.getHttpServer()).get('/api/reporting/consolidation').expect(401);
    await request(t.app.getHttpServer()).get(`/api/reporting/scopes/${s.scopeA}/soa`).expect(401);
  });

  it('an ISMS manager of a subsidiary sees it and below, not its sister or the group', async () => {
    const own = await get('/api/reporting/consolidation', 'managerA').expect(200);
    expect(own.body.orgUnit.name).toBe('Alpha');
    expect(own.body.totals.risks.open).toBe(2);
    const sister = await get(
      `/api/reporting/consolidation?orgUnitId=${s.acme.unit('beta')}`,
      'managerA',
    ).expect(403);
    expect(sister.body).toMatchObject({ status: 403, reason: 'outside-subtree' });
    await get(`/api/reporting/consolidation?orgUnitId=${s.acme.unit('root')}`, 'managerA').expect(
      403,
    );
    await get(`/api/reporting/scopes/${s.scopeA}/readiness`, 'managerA').expect(200);
    await get(`/api/reporting/scopes/${s.scopeB}/readiness`, 'managerA').expect(403);
    await get(`/api/reporting/scopes/${s.scopeB}/risk-register`, 'managerA').expect(403);
    const log = await get('/api/reporting/decisions?limit=200', 'managerA').expect(200);
    expect(subjects(log.body).has(s.ids.r2)).toBe(true);
    expect(subjects(log.body).has(s.ids.r3)).toBe(false);
  });

  it('a viewer of the other subsidiary reads its reports only, and may not rebuild', async () => {
    const own = await get('/api/reporting/consolidation', 'viewerB').expect(200);
    expect(own.body.orgUnit.name).toBe('Beta');
    expect(own.body.coverage).toEqual([
      expect.objectContaining({ name: 'Beta', inApprovedScope: false }),
    ]);
    await get(`/api/reporting/scopes/${s.scopeB}/soa`, 'viewerB').expect(200);
    await get(`/api/reporting/scopes/${s.scopeA}/soa`, 'viewerB').expect(403);
    await get(`/api/reporting/scopes/${s.scopeA}/soa?format=csv`, 'viewerB').expect(403);
    await request(t.app.getHttpServer())
      .post('/api/reporting/projections/reporting-risks/rebuild')
      .set('Authorization', `Bearer ${tokens['viewerB']}`)
      .expect(403);
  });

  it('the CISO of the group sees every subsidiary', async () => {
    const group = await get('/api/reporting/consolidation', 'ciso').expect(200);
    expect(group.body.children.map((c: { name: string }) => c.name)).toEqual(['Alpha', 'Beta']);
    await get(`/api/reporting/scopes/${s.scopeB}/readiness`, 'ciso').expect(200);
  });
});

describe('a certification body’s auditor with a grant on one scope', () => {
  it('reads that scope’s reports, as of the audit too, and exports them', async () => {
    await get(`/api/reporting/scopes/${s.scopeA}/readiness`, 'auditor').expect(200);
    const soa = await get(
      `/api/reporting/scopes/${s.scopeA}/soa?asOf=${s.auditAt}`,
      'auditor',
    ).expect(200);
    expect(soa.body.lines).toHaveLength(3);
    await get(`/api/reporting/scopes/${s.scopeA}/risk-register?format=csv`, 'auditor').expect(200);
    await get(
      `/api/reporting/scopes/${s.scopeA}/changed-since?since=${s.auditAt}`,
      'auditor',
    ).expect(200);
  });

  it('is refused any other scope and anything above the scope’s org units', async () => {
    const other = await get(`/api/reporting/scopes/${s.scopeB}/soa`, 'auditor').expect(403);
    expect(other.body.reason).toBe('outside-scope');
    await get(`/api/reporting/scopes/${s.scopeB}/readiness`, 'auditor').expect(403);
    await get(`/api/reporting/consolidation?orgUnitId=${s.acme.unit('root')}`, 'auditor').expect(
      403,
    );
    await get(`/api/reporting/consolidation?orgUnitId=${s.acme.unit('beta')}`, 'auditor').expect(
      403,
    );
    const inScope = await get('/api/reporting/consolidation', 'auditor').expect(200);
    expect(inScope.body.orgUnit.name).toBe('Alpha');
    await get(`/api/reporting/decisions?scopeId=${s.scopeB}`, 'auditor').expect(403);
  });

  it('sees only the decisions filed under the granted scope, with their verification', async () => {
    const log = await get('/api/reporting/decisions?limit=200', 'auditor').expect(200);
    expect(log.body.items.length).toBeGreaterThan(5);
    expect(log.body.items.every((d: { scopeIds: string[] }) => d.scopeIds.includes(s.scopeA))).toBe(
      true,
    );
    expect(subjects(log.body).has(s.ids.r3)).toBe(false);
    expect(log.body.verification.allVerified).toBe(true);
    const whole = await get('/api/reporting/decisions/verification', 'auditor').expect(200);
    expect(whole.body).toMatchObject({ allVerified: true, decisions: log.body.items.length });
    await get(`/api/reporting/decisions/verification?scopeId=${s.scopeB}`, 'auditor').expect(403);
  });

  it('may not rebuild or list read models', async () => {
    await request(t.app.getHttpServer())
      .post('/api/reporting/projections/reporting-risks/rebuild')
      .set('Authorization', `Bearer ${tokens['auditor']}`)
      .expect(403);
    await get('/api/reporting/projections', 'auditor').expect(403);
  });
});

describe('a second tenant', () => {
  it('sees nothing of the first: its scopes are unknown, its units forbidden, its decisions absent', async () => {
    await get(`/api/reporting/scopes/${s.scopeA}/soa`, 'other').expect(404);
    await get(`/api/reporting/scopes/${s.scopeA}/readiness`, 'other').expect(404);
    await get(`/api/reporting/consolidation?orgUnitId=${s.acme.unit('root')}`, 'other').expect(403);
    const own = await get('/api/reporting/consolidation', 'other').expect(200);
    expect(own.body.children.map((c: { name: string }) => c.name)).toEqual(['Gamma']);
    expect(own.body.totals.risks.open).toBe(0);
    const log = await get('/api/reporting/decisions?limit=200', 'other').expect(200);
    expect(log.body.items.length).toBeGreaterThan(0);
    expect(log.body.items.every((d: { tenantId: string }) => d.tenantId === s.other.tenantId)).toBe(
      true,
    );
  });
});

describe('bad input', () => {
  it('answers 400 with the field at fault, never 500', async () => {
    const format = await get(`/api/reporting/scopes/${s.scopeA}/soa?format=pdf`, 'ciso').expect(
      400,
    );
    expect(format.body.errors).toEqual([
      expect.objectContaining({ field: expect.stringMatching(/format/) }),
    ]);
    const asOf = await get('/api/reporting/consolidation?asOf=last-tuesday', 'ciso').expect(400);
    expect(asOf.body.errors[0].field).toMatch(/asOf/);
    await get('/api/reporting/consolidation?colour=blue', 'ciso').expect(400);
    await get('/api/reporting/scopes/bad%20id/soa', 'ciso').expect(400);
    await get('/api/reporting/decisions?limit=0', 'ciso').expect(400);
    await get('/api/reporting/decisions?type=DROP', 'ciso').expect(400);
    await get('/api/reporting/decisions?cursor=nonsense', 'ciso').expect(400);
    const since = await get(`/api/reporting/scopes/${s.scopeA}/changed-since`, 'ciso').expect(400);
    expect(since.body.errors[0].field).toMatch(/since/);
    await get(
      `/api/reporting/scopes/${s.scopeA}/management-review?from=2026-01-01T00:00:00Z`,
      'ciso',
    ).expect(400);
    await get('/api/reporting/scopes/isms-scope-unknown/readiness', 'ciso').expect(404);
    await get(`/api/reporting/consolidation?orgUnitId=ou-unknown`, 'ciso').expect(403);
  });
});
