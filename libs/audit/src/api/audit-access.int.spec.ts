import { jest } from '@jest/globals';
import request from 'supertest';
import type { AuditTestApp, SeededTenant } from '../testing/http-harness.js';
import { createAuditTestApp } from '../testing/http-harness.js';
import { seedEvidence, seedExternalAuditor } from '../testing/fixtures.js';

jest.setTimeout(60_000);

describe('audit API: who may do what, external auditors, tenants, and bad input', () => {
  let t: AuditTestApp;
  let acme: SeededTenant;
  let beta: SeededTenant;
  const tokens: Record<string, string> = {};
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  let eve: { personId: string; grantId: string; token: string };
  let frEngagement: string;
  let deEngagement: string;
  let requestId: string;

  const engagementBody = (scope: string, extra: object = {}) => ({
    scopeId: acme.scope(scope),
    kind: 'internal',
    title: `Internal audit ${scope}`,
    auditors: [{ personId: acme.person('auditor'), kind: 'internal', lead: true }],
    plannedStart: '2026-03-02',
    plannedEnd: '2026-03-05',
    plan: 'Access control',
    clauses: ['9.2'],
    controls: [{ catalogueId: 'iso27001-2022', controlId: '5.15' }],
    ...extra,
  });
  const finding = (scope: string) => ({
    grade: 'minor-nonconformity',
    control: { catalogueId: 'iso27001-2022', controlId: '5.15' },
    orgUnitId: acme.unit(scope),
    title: 'Leavers keep access',
    description: 'Two leavers still had VPN access after 30 days.',
    evidenceIds: [`evidence-record-${scope}`],
  });

  beforeAll(async () => {
    t = await createAuditTestApp('2026-03-02T09:00:00.000Z');
    acme = await t.tenant({
      units: {
        fr: { parent: 'root', kind: 'subsidiary', name: 'Acme France' },
        de: { parent: 'root', kind: 'subsidiary', name: 'Acme Germany' },
      },
      people: {
        auditor: [['internal-auditor', 'root']],
        auditorDe: [['internal-auditor', 'de']],
        ismsFr: [['isms-manager', 'fr']],
        ismsDe: [['isms-manager', 'de']],
        viewer: [['viewer', 'root']],
      },
      scopes: { fr: ['fr'], de: ['de'] },
    });
    beta = await t.tenant({
      units: { ops: { parent: 'root', kind: 'subsidiary', name: 'Beta Ops' } },
      people: { auditorBeta: [['internal-auditor', 'root']] },
      scopes: { ops: ['ops'] },
    });
    for (const name of ['auditor', 'auditorDe', 'ismsFr', 'ismsDe', 'viewer'])
      tokens[name] = await acme.tokenOf(name);
    tokens['auditorBeta'] = await beta.tokenOf('auditorBeta');
    eve = await seedExternalAuditor(t, acme, 'eve', {
      scopeId: acme.scope('fr'),
      validFrom: '2026-03-01T00:00:00Z',
      validUntil: '2026-03-07T00:00:00Z',
    });
    tokens['eve'] = eve.token;
    await seedEvidence(t, acme, 'evidence-record-fr', acme.scope('fr'), acme.unit('fr'));
    await seedEvidence(t, acme, 'evidence-record-de', acme.scope('de'), acme.unit('de'));

    const fr = await http()
      .post('/api/audit/engagements')
      .set(as('auditor'))
      .send(
        engagementBody('fr', {
          kind: 'stage-2',
          auditors: [
            { personId: acme.person('auditor'), kind: 'internal', lead: false },
            { personId: eve.personId, kind: 'external', grantId: eve.grantId, lead: true },
          ],
        }),
      )
      .expect(201);
    frEngagement = fr.body.engagementId;
    const de = await http()
      .post('/api/audit/engagements')
      .set(as('auditor'))
      .send(engagementBody('de'))
      .expect(201);
    deEngagement = de.body.engagementId;
    for (const id of [frEngagement, deEngagement]) {
      await http().post(`/api/audit/engagements/${id}/start`).set(as('auditor')).expect(200);
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('authentication and roles', () => {
    it('401 without a token', async () => {
      await http().get('/api/audit/engagements').expect(401);
      await http().post('/api/audit/engagements').send(engagementBody('fr')).expect(401);
    });

    it('403 for a viewer planning an engagement; a viewer reads', async () => {
      const res = await http()
        .post('/api/audit/engagements')
        .set(as('viewer'))
        .send(engagementBody('fr'))
        .expect(403);
      expect(res.body.permission).toBe('audit:write');
      await http().get(`/api/audit/engagements/${frEngagement}`).set(as('viewer')).expect(200);
    });

    it('403 for an internal auditor outside their subtree; 200 inside it', async () => {
      const res = await http()
        .post(`/api/audit/engagements/${frEngagement}/findings`)
        .set(as('auditorDe'))
        .send(finding('fr'))
        .expect(403);
      expect(res.body.reason).toBe('outside-subtree');
      await http()
        .post(`/api/audit/engagements/${deEngagement}/findings`)
        .set(as('auditorDe'))
        .send(finding('de'))
        .expect(200);
    });

    it('an ISMS manager sees only engagements of their subtree and cannot raise findings', async () => {
      const list = await http().get('/api/audit/engagements').set(as('ismsDe')).expect(200);
      expect(list.body.items.map((e: { engagementId: string }) => e.engagementId)).toEqual([
        deEngagement,
      ]);
      await http().get(`/api/audit/engagements/${frEngagement}`).set(as('ismsDe')).expect(403);
      await http()
        .post(`/api/audit/engagements/${deEngagement}/findings`)
        .set(as('ismsDe'))
        .send(finding('de'))
        .expect(403);
    });
  });

  describe('external auditor (certification body)', () => {
    it('records a finding in an engagement their grant covers', async () => {
      const res = await http()
        .post(`/api/audit/engagements/${frEngagement}/findings`)
        .set(as('eve'))
        .send(finding('fr'))
        .expect(200);
      expect(res.body.findings.at(-1)).toMatchObject({
        raisedBy: eve.personId,
        raisedByKind: 'external',
      });
    });

    it('requests evidence, the owner answers, the auditor flags then accepts', async () => {
      const asked = await http()
        .post(`/api/audit/engagements/${frEngagement}/evidence-requests`)
        .set(as('eve'))
        .send({ clause: '9.2', question: 'Show the internal audit programme' })
        .expect(200);
      requestId = asked.body.evidenceRequests[0].requestId;
      const answer = () =>
        http()
          .post(`/api/audit/engagements/${frEngagement}/evidence-requests/${requestId}/answer`)
          .set(as('ismsFr'))
          .send({ evidenceIds: ['evidence-record-fr'], comment: 'Programme 2026' });
      await answer().expect(200);
      await http()
        .post(`/api/audit/engagements/${frEngagement}/evidence-requests/${requestId}/flag`)
        .set(as('eve'))
        .send({ reason: 'This is 2026; we need 2025' })
        .expect(200);
      await answer().expect(200);
      const accepted = await http()
        .post(`/api/audit/engagements/${frEngagement}/evidence-requests/${requestId}/accept`)
        .set(as('eve'))
        .send({ reason: 'Covers 2025 too' })
        .expect(200);
      expect(accepted.body.evidenceRequests[0]).toMatchObject({ status: 'accepted' });
      expect(accepted.body.evidenceRequests[0].answers).toHaveLength(2);
    });

    it('the person asked answers an evidence request even without controls:write; others need it', async () => {
      const asked = await http()
        .post(`/api/audit/engagements/${frEngagement}/evidence-requests`)
        .set(as('eve'))
        .send({
          control: { catalogueId: 'iso27001-2022', controlId: '5.15' },
          question: 'Show the leaver process',
          ownerPersonId: acme.person('viewer'),
        })
        .expect(200);
      const id = asked.body.evidenceRequests.at(-1).requestId;
      const answer = (who: string) =>
        http()
          .post(`/api/audit/engagements/${frEngagement}/evidence-requests/${id}/answer`)
          .set(as(who))
          .send({ evidenceIds: ['evidence-record-fr'] });
      const other = await answer('auditorDe').expect(403);
      expect(other.body.permission).toBe('controls:write');
      await answer('viewer').expect(200);
    });

    it('403 raising a finding in an engagement outside their grant', async () => {
      const res = await http()
        .post(`/api/audit/engagements/${deEngagement}/findings`)
        .set(as('eve'))
        .send(finding('de'))
        .expect(403);
      expect(res.body.reason).toBe('outside-scope');
      await http().get(`/api/audit/engagements/${deEngagement}`).set(as('eve')).expect(403);
    });

    it('403 on every other write, even in their engagement', async () => {
      for (const path of ['report', 'cut-off', 'close']) {
        const res = await http()
          .post(`/api/audit/engagements/${frEngagement}/${path}`)
          .set(as('eve'))
          .send({ reason: 'x', summary: 's', conclusion: 'c', cutOffAt: '2026-03-01T00:00:00Z' })
          .expect(403);
        expect(res.body.reason).toBe('read-only');
      }
      await http()
        .post('/api/audit/engagements')
        .set(as('eve'))
        .send(engagementBody('fr'))
        .expect(403);
      await http()
        .post(`/api/audit/engagements/${frEngagement}/evidence-requests/${requestId}/answer`)
        .set(as('eve'))
        .send({ evidenceIds: ['evidence-record-fr'] })
        .expect(403);
    });

    it('sees only engagements of their granted scope', async () => {
      const list = await http().get('/api/audit/engagements').set(as('eve')).expect(200);
      expect(list.body.items.map((e: { engagementId: string }) => e.engagementId)).toEqual([
        frEngagement,
      ]);
    });

    it('403 once the grant has expired', async () => {
      t.clock.set('2026-03-07T00:00:01Z');
      const token = await t.token(acme.tenantId, eve.personId);
      const res = await http()
        .post(`/api/audit/engagements/${frEngagement}/findings`)
        .set({ Authorization: `Bearer ${token}` })
        .send(finding('fr'))
        .expect(403);
      expect(res.body.reason).toBe('grant-expired');
      t.clock.set('2026-03-02T10:00:00Z');
    });

    it('auditor-grant-mismatch: an external auditor is named with a grant on the engagement’s scope', async () => {
      const res = await http()
        .post('/api/audit/engagements')
        .set(as('auditor'))
        .send(
          engagementBody('de', {
            auditors: [{ personId: eve.personId, kind: 'external', grantId: eve.grantId }],
          }),
        )
        .expect(422);
      expect(res.body.rule).toBe('auditor-grant-mismatch');
    });
  });

  describe('tenants', () => {
    it('a second tenant sees nothing: empty lists, 404 on another tenant’s engagement', async () => {
      const list = await http().get('/api/audit/engagements').set(as('auditorBeta')).expect(200);
      expect(list.body.items).toEqual([]);
      await http().get(`/api/audit/engagements/${frEngagement}`).set(as('auditorBeta')).expect(404);
      await http()
        .post(`/api/audit/engagements/${frEngagement}/findings`)
        .set(as('auditorBeta'))
        .send(finding('fr'))
        .expect(404);
      const findings = await http().get('/api/audit/findings').set(as('auditorBeta')).expect(200);
      expect(findings.body.items).toEqual([]);
      await http()
        .get(`/api/audit/programmes/${acme.scope('fr')}`)
        .set(as('auditorBeta'))
        .expect(404);
    });
  });

  describe('bad input, concurrency', () => {
    it('400 with field errors on an invalid engagement', async () => {
      const res = await http()
        .post('/api/audit/engagements')
        .set(as('auditor'))
        .send({
          scopeId: acme.scope('fr'),
          kind: 'audit',
          title: '',
          auditors: [],
          plannedStart: '02/03/2026',
          plannedEnd: '2026-03-05',
          plan: 'x',
          color: 'red',
        })
        .expect(400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/kind/),
          expect.stringMatching(/title/),
          expect.stringMatching(/auditors/),
          expect.stringMatching(/plannedStart/),
        ]),
      );
      expect(JSON.stringify(res.body.errors)).toMatch(/color/);
    });

    it('400 on a finding with an unknown grade, or with both a clause and a control', async () => {
      const grade = await http()
        .post(`/api/audit/engagements/${frEngagement}/findings`)
        .set(as('auditor'))
        .send({ ...finding('fr'), grade: 'critical' })
        .expect(400);
      expect(grade.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.grade']);
      const both = await http()
        .post(`/api/audit/engagements/${frEngagement}/findings`)
        .set(as('auditor'))
        .send({ ...finding('fr'), clause: '9.2' })
        .expect(400);
      expect(both.body.errors).toEqual([
        expect.objectContaining({
          field: 'body.clause',
          message: expect.stringMatching(/exactly one/),
        }),
      ]);
    });

    it('400 on a bad asOf', async () => {
      const res = await http()
        .get('/api/audit/engagements?asOf=yesterday')
        .set(as('auditor'))
        .expect(400);
      expect(res.body.errors[0].field).toMatch(/asOf/);
    });

    it('409 on a stale If-Match; the ETag names the current revision', async () => {
      const current = await http()
        .get(`/api/audit/engagements/${deEngagement}`)
        .set(as('auditor'))
        .expect(200);
      const etag = current.headers['etag'] as string;
      await http()
        .post(`/api/audit/engagements/${deEngagement}/checklist-results`)
        .set(as('auditor'))
        .set('If-Match', etag)
        .send({ itemId: 'clause-9.2', result: 'conforming' })
        .expect(200);
      await http()
        .post(`/api/audit/engagements/${deEngagement}/checklist-results`)
        .set(as('auditor'))
        .set('If-Match', etag)
        .send({ itemId: 'clause-9.2', result: 'nonconforming' })
        .expect(409);
    });

    it('404 on an unknown engagement', async () => {
      await http()
        .get('/api/audit/engagements/audit-engagement-nope')
        .set(as('auditor'))
        .expect(404);
    });

    it('the OpenAPI description lists the audit routes', async () => {
      const res = await http().get('/docs-json').expect(200);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/audit/programmes',
          '/api/audit/engagements',
          '/api/audit/engagements/{engagementId}/findings',
          '/api/audit/findings',
        ]),
      );
    });
  });
});
