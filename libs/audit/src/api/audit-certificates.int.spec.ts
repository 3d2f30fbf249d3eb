import { jest } from '@jest/globals';
import request from 'supertest';
import type { EngagementKind, EngagementPlannedV1 } from '@isms/contracts';
import {
  AuditEventTypes as A,
  AuditStreamTypes,
  auditCertificationStreamId,
} from '@isms/contracts';
import type { AuditTestApp, SeededTenant } from '../testing/http-harness.js';
import { createAuditTestApp } from '../testing/http-harness.js';

jest.setTimeout(60_000);

/**
 * Certification decisions over HTTP. Engagements are seeded as the audit events the engagement
 * API records (their lifecycle has its own spec), so each rule is reached in one request.
 */
describe('audit API: certification decisions (certificates per ISMS scope)', () => {
  let t: AuditTestApp;
  let acme: SeededTenant;
  let other: SeededTenant;
  const tokens: Record<string, string> = {};
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  let n = 0;

  async function engagement(
    scope: string,
    kind: EngagementKind,
    status: 'in-progress' | 'reported',
    openMajors = 0,
  ): Promise<string> {
    const engagementId = `audit-engagement-spec-${++n}`;
    const scopeId = acme.scope(scope);
    const planned: EngagementPlannedV1 = {
      engagementId,
      tenantId: acme.tenantId,
      scopeId,
      orgUnitId: acme.unit(scope),
      kind,
      title: `${kind} audit`,
      auditedOrgUnitIds: [acme.unit(scope)],
      auditors: [{ personId: acme.person('auditor'), kind: 'internal', lead: true }],
      plannedStart: '2026-03-02',
      plannedEnd: '2026-03-06',
      plan: 'Implementation and effectiveness',
      checklist: [],
      plannedBy: acme.person('auditor'),
    };
    const at = t.clock.now().toISOString();
    const by = acme.person('auditor');
    await t.seed(acme.tenantId, engagementId, AuditStreamTypes.AuditEngagement, [
      { type: A.EngagementPlanned, data: planned },
      { type: A.EngagementStarted, data: { engagementId, scopeId, startedAt: at, startedBy: by } },
      ...Array.from({ length: openMajors }, (_, i) => ({
        type: A.FindingRaised,
        data: {
          engagementId,
          findingId: `${engagementId}-f${i}`,
          scopeId,
          engagementKind: kind,
          grade: 'major-nonconformity',
          clause: '9.2',
          orgUnitId: acme.unit(scope),
          title: 'No internal audit',
          description: 'No internal audit was held',
          evidenceIds: [],
          raisedBy: by,
          raisedByKind: 'internal',
          raisedAt: at,
        },
      })),
      ...(status === 'reported'
        ? [
            {
              type: A.EngagementReported,
              data: {
                engagementId,
                scopeId,
                summary: 'Summary',
                conclusion: 'Recommended for certification',
                reportedBy: by,
                reportedAt: at,
              },
            },
          ]
        : []),
    ]);
    return engagementId;
  }

  const certificate = (scope: string, basedOnEngagementId: string, overrides = {}) => ({
    scopeId: acme.scope(scope),
    certificationBody: 'Certif SA',
    certificateNumber: 'IS 700123',
    issuedOn: '2026-03-20',
    validUntil: '2029-03-19',
    basedOnEngagementId,
    standard: 'ISO/IEC 27001:2022',
    reason: 'Certification decision of Certif SA dated 2026-03-20',
    ...overrides,
  });

  beforeAll(async () => {
    t = await createAuditTestApp('2026-04-01T09:00:00.000Z');
    acme = await t.tenant({
      units: {
        fr: { parent: 'root', kind: 'subsidiary', name: 'Acme France' },
        de: { parent: 'root', kind: 'subsidiary', name: 'Acme Deutschland' },
      },
      people: {
        auditor: [['internal-auditor', 'root']],
        auditorFr: [['internal-auditor', 'fr']],
        isms: [['isms-manager', 'fr']],
        viewer: [['viewer', 'root']],
      },
      scopes: { fr: ['fr'], de: ['de'] },
    });
    other = await t.tenant({
      units: {},
      people: { admin: [['group-admin', 'root']] },
      scopes: {},
    });
    for (const name of ['auditor', 'auditorFr', 'isms', 'viewer'])
      tokens[name] = await acme.tokenOf(name);
    tokens['other'] = await other.tokenOf('admin');
  });

  afterAll(async () => {
    await t?.close();
  });

  let stage2: string;
  let certificateId: string;

  it('201: an internal auditor of the scope records the certificate after a reported stage 2 audit', async () => {
    stage2 = await engagement('fr', 'stage-2', 'reported');
    const res = await http()
      .post('/api/audit/certificates')
      .set(as('auditorFr'))
      .send(certificate('fr', stage2))
      .expect(201);
    certificateId = res.body.certificateId;
    expect(certificateId).toMatch(/^certificate-/);
    expect(res.body).toMatchObject({
      scopeId: acme.scope('fr'),
      orgUnitId: acme.unit('fr'),
      certificateNumber: 'IS 700123',
      validUntil: '2029-03-19',
      status: 'issued',
      standing: 'in-force',
      recordedBy: acme.person('auditorFr'),
    });
    const events = await t.store.readStream(auditCertificationStreamId(acme.scope('fr')));
    expect(events.map((e) => e.type)).toEqual([A.CertificateIssued]);
    expect(events[0]!.metadata.reason).toBe('Certification decision of Certif SA dated 2026-03-20');
  });

  it('GET ?scopeId= lists the scope’s certificates; the viewer reads; another tenant sees nothing', async () => {
    const res = await http()
      .get(`/api/audit/certificates?scopeId=${acme.scope('fr')}`)
      .set(as('viewer'))
      .expect(200);
    expect(res.body.items.map((c: { certificateId: string }) => c.certificateId)).toEqual([
      certificateId,
    ]);
    const before = await http()
      .get(`/api/audit/certificates?scopeId=${acme.scope('fr')}&asOf=2026-03-31T00:00:00Z`)
      .set(as('viewer'))
      .expect(200);
    expect(before.body.items).toEqual([]);
    const foreign = await http().get('/api/audit/certificates').set(as('other')).expect(200);
    expect(foreign.body.items).toEqual([]);
    await http()
      .get(`/api/audit/certificates?scopeId=${acme.scope('fr')}`)
      .set(as('other'))
      .expect(404);
  });

  it('400 with a field error per invalid field (reason required, dates, standard, unknown fields)', async () => {
    const res = await http()
      .post('/api/audit/certificates')
      .set(as('auditorFr'))
      .send({
        ...certificate('fr', stage2, { issuedOn: '20/03/2026', standard: 'ISO 9001' }),
        reason: '  ',
        colour: 'gold',
      })
      .expect(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.issuedOn', 'body.standard', 'body.reason']),
    );
    expect(JSON.stringify(res.body.errors)).toMatch(/colour/);
    const decision = await http()
      .post(`/api/audit/certificates/${certificateId}/suspension`)
      .set(as('auditorFr'))
      .send({})
      .expect(400);
    expect(decision.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.reason']);
  });

  it('401 without a token; 403 for a viewer, for a role without audit:write, outside the subtree', async () => {
    await http().post('/api/audit/certificates').send(certificate('fr', stage2)).expect(401);
    const res = await http()
      .post('/api/audit/certificates')
      .set(as('viewer'))
      .send(certificate('fr', stage2))
      .expect(403);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    await http()
      .post(`/api/audit/certificates/${certificateId}/suspension`)
      .set(as('viewer'))
      .send({ reason: 'No' })
      .expect(403);
    // The ISMS manager's role has no audit:write (libs/auth): only auditors record decisions.
    await http()
      .post('/api/audit/certificates')
      .set(as('isms'))
      .send(certificate('fr', stage2))
      .expect(403);
    // The internal auditor of France has no say over the German scope.
    const de = await engagement('de', 'stage-2', 'reported');
    await http()
      .post('/api/audit/certificates')
      .set(as('auditorFr'))
      .send(certificate('de', de))
      .expect(403);
  });

  describe('422 for each rule', () => {
    const rule = async (body: object) => {
      const res = await http().post('/api/audit/certificates').set(as('auditor')).send(body);
      expect(res.status).toBe(422);
      return res.body.rule as string;
    };

    it('certificate-engagement-unknown', async () => {
      expect(await rule(certificate('de', 'audit-engagement-nope'))).toBe(
        'certificate-engagement-unknown',
      );
    });

    it('certificate-engagement-of-another-scope', async () => {
      expect(await rule(certificate('de', stage2))).toBe('certificate-engagement-of-another-scope');
    });

    it('certificate-needs-certifying-engagement', async () => {
      const internal = await engagement('de', 'internal', 'reported');
      expect(await rule(certificate('de', internal))).toBe(
        'certificate-needs-certifying-engagement',
      );
    });

    it('certificate-needs-reported-engagement', async () => {
      const running = await engagement('de', 'stage-2', 'in-progress');
      expect(await rule(certificate('de', running))).toBe('certificate-needs-reported-engagement');
    });

    it('open-major-nonconformity-blocks-certification', async () => {
      const blocked = await engagement('de', 'stage-2', 'reported', 1);
      expect(await rule(certificate('de', blocked))).toBe(
        'open-major-nonconformity-blocks-certification',
      );
    });

    it('certificate-validity-at-most-three-years and certificate-issued-in-the-future', async () => {
      const de = await engagement('de', 'stage-2', 'reported');
      expect(await rule(certificate('de', de, { validUntil: '2029-03-21' }))).toBe(
        'certificate-validity-at-most-three-years',
      );
      expect(await rule(certificate('de', de, { issuedOn: '2026-04-02' }))).toBe(
        'certificate-issued-in-the-future',
      );
      expect(await rule(certificate('de', de, { issuedOn: '2026-02-30' }))).toBe(
        'certificate-dates-invalid',
      );
    });

    it('one-certificate-in-force-per-scope: a second stage 2 certificate is refused', async () => {
      const again = await engagement('fr', 'stage-2', 'reported');
      expect(await rule(certificate('fr', again))).toBe('one-certificate-in-force-per-scope');
    });

    it('suspension, reinstatement and withdrawal follow the certificate’s standing', async () => {
      const post = (what: string) =>
        http()
          .post(`/api/audit/certificates/${certificateId}/${what}`)
          .set(as('auditor'))
          .send({ reason: 'Certification body letter of 2026-04-01' });
      expect((await post('reinstatement').expect(422)).body.rule).toBe(
        'only-a-suspended-certificate-is-reinstated',
      );
      expect((await post('suspension').expect(200)).body.standing).toBe('suspended');
      expect((await post('suspension').expect(422)).body.rule).toBe(
        'only-a-certificate-in-force-is-suspended',
      );
      expect((await post('reinstatement').expect(200)).body.standing).toBe('in-force');
      expect((await post('withdrawal').expect(200)).body.standing).toBe('withdrawn');
      expect((await post('withdrawal').expect(422)).body.rule).toBe(
        'only-a-standing-certificate-is-withdrawn',
      );
      await http()
        .post('/api/audit/certificates/certificate-nope/withdrawal')
        .set(as('auditor'))
        .send({ reason: 'x' })
        .expect(404);
    });
  });

  it('a recertification supersedes the certificate in force (supersedesCertificateId)', async () => {
    const first = await engagement('de', 'stage-2', 'reported');
    const issued = await http()
      .post('/api/audit/certificates')
      .set(as('auditor'))
      .send(certificate('de', first, { certificateNumber: 'DE-1' }))
      .expect(201);
    const recert = await engagement('de', 'recertification', 'reported');
    const next = await http()
      .post('/api/audit/certificates')
      .set(as('auditor'))
      .send(
        certificate('de', recert, {
          certificateNumber: 'DE-2',
          issuedOn: '2026-03-31',
          validUntil: '2029-03-30',
        }),
      )
      .expect(201);
    expect(next.body.supersedesCertificateId).toBe(issued.body.certificateId);
    const list = await http()
      .get(`/api/audit/certificates?scopeId=${acme.scope('de')}`)
      .set(as('auditor'))
      .expect(200);
    expect(
      list.body.items.map((c: { certificateNumber: string; standing: string }) => [
        c.certificateNumber,
        c.standing,
      ]),
    ).toEqual([
      ['DE-1', 'superseded'],
      ['DE-2', 'in-force'],
    ]);
  });
});
