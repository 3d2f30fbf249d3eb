import request from 'supertest';
import { AuditStreamTypes, auditCertificationStreamId } from '@isms/contracts';
import { createReportingTestApp } from '../testing/http-harness.js';
import type { ReportingTestApp, SeededTenant } from '../testing/http-harness.js';
import { certificateDecided, certificateIssued } from '../testing/events.js';

/**
 * The group consolidation over HTTP says which org units are inside a CERTIFIED scope, judged
 * at the report's instant (`?asOf=`): the certificate is recorded by the audit context
 * (`audit.CertificateIssued`, seeded here as the published event), and expires after validUntil.
 */
let t: ReportingTestApp;
let acme: SeededTenant;
let token: string;
const ISSUED_AT = '2026-03-20T12:00:00.000Z';

const http = () => request(t.app.getHttpServer());
const consolidation = (query = '') =>
  http()
    .get(`/api/reporting/consolidation${query}`)
    .set('Authorization', `Bearer ${token}`)
    .expect(200);

type Coverage = {
  orgUnitId: string;
  inApprovedScope: boolean;
  inCertifiedScope: boolean;
  certificate: { certificateNumber: string; certificationBody: string; validUntil: string } | null;
};
const certified = (body: { coverage: Coverage[] }) =>
  body.coverage
    .filter((c) => c.inCertifiedScope)
    .map((c) => c.orgUnitId)
    .sort();

beforeAll(async () => {
  t = await createReportingTestApp('2026-03-02T09:00:00.000Z');
  acme = await t.tenant({
    units: {
      alpha: { parent: 'root', kind: 'subsidiary', name: 'Alpha' },
      lyon: { parent: 'alpha', kind: 'site', name: 'Alpha Lyon' },
      beta: { parent: 'root', kind: 'subsidiary', name: 'Beta' },
    },
    people: { ciso: [['ciso', 'root']] },
    scopes: { a: ['alpha'], b: ['beta'] },
  });
  t.clock.set(ISSUED_AT);
  await t.seed(
    acme.tenantId,
    auditCertificationStreamId(acme.scope('a')),
    AuditStreamTypes.AuditCertification,
    [
      certificateIssued(
        'certificate-a1',
        { scopeId: acme.scope('a'), orgUnitId: acme.unit('alpha') },
        '2026-03-20',
        '2029-03-19',
        { certificateNumber: 'IS 700123' },
      ),
    ],
    { userId: acme.person('ciso'), role: 'internal-auditor', reason: 'CB decision' },
  );
  t.clock.set('2026-04-01T09:00:00.000Z');
  token = await acme.tokenOf('ciso');
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('group consolidation: units inside a certified scope', () => {
  it('asOf before the certificate was recorded: in an approved scope, not certified', async () => {
    const res = await consolidation('?asOf=2026-03-10T00:00:00Z');
    expect(certified(res.body)).toEqual([]);
    expect(
      res.body.coverage.find((c: Coverage) => c.orgUnitId === acme.unit('alpha')),
    ).toMatchObject({ inApprovedScope: true, inCertifiedScope: false, certificate: null });
    expect(res.body.totals.scopeCoverage).toEqual({
      unitsInApprovedScope: 3,
      unitsOutside: 1,
      unitsCertified: 0,
      unitsNotCertified: 4,
    });
  });

  it('after issue: the scope’s units are certified, with body, number and validUntil', async () => {
    const res = await consolidation();
    expect(certified(res.body)).toEqual([acme.unit('alpha'), acme.unit('lyon')].sort());
    expect(
      res.body.coverage.find((c: Coverage) => c.orgUnitId === acme.unit('lyon')),
    ).toMatchObject({
      inApprovedScope: true,
      inCertifiedScope: true,
      certificate: {
        certificationBody: 'Certif SA',
        certificateNumber: 'IS 700123',
        validUntil: '2029-03-19',
      },
    });
    // Beta's scope is approved but has no certificate.
    expect(
      res.body.children.map(
        (c: { name: string; inApprovedScope: boolean; inCertifiedScope: boolean }) => [
          c.name,
          c.inApprovedScope,
          c.inCertifiedScope,
        ],
      ),
    ).toEqual([
      ['Alpha', true, true],
      ['Beta', true, false],
    ]);
    expect(res.body.totals.scopeCoverage).toMatchObject({
      unitsCertified: 2,
      unitsNotCertified: 2,
    });
    const asOf = await consolidation('?asOf=2026-03-21T00:00:00Z');
    expect(certified(asOf.body)).toHaveLength(2);
  });

  it('after validUntil: expired, not certified (no event needed)', async () => {
    const res = await consolidation('?asOf=2029-03-20T09:00:00Z');
    expect(certified(res.body)).toEqual([]);
    expect(res.body.totals.scopeCoverage).toMatchObject({
      unitsCertified: 0,
      unitsNotCertified: 4,
    });
  });

  it('suspended: not certified from the suspension on; before it, still certified', async () => {
    t.clock.set('2026-04-10T09:00:00.000Z');
    await t.seed(
      acme.tenantId,
      auditCertificationStreamId(acme.scope('a')),
      AuditStreamTypes.AuditCertification,
      [
        certificateDecided(
          'Suspended',
          'certificate-a1',
          { scopeId: acme.scope('a'), orgUnitId: acme.unit('alpha') },
          '2026-04-10T09:00:00.000Z',
        ),
      ],
      { userId: acme.person('ciso'), role: 'internal-auditor', reason: 'Suspended by the CB' },
    );
    token = await acme.tokenOf('ciso');
    expect(certified((await consolidation()).body)).toEqual([]);
    expect(certified((await consolidation('?asOf=2026-04-05T00:00:00Z')).body)).toHaveLength(2);
  });
});
