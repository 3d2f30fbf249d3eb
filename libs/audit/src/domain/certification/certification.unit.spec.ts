import { deciderSpec } from '@isms/event-sourcing/testing';
import { AuditEventTypes as T } from '@isms/contracts';
import type { CertificateIssuedV1 } from '@isms/contracts';
import type { CertifyingEngagementFacts, IssueCertificate } from './commands.js';
import { addYears, certificateStanding, certification } from './certification.js';
import type { CertificationEvent } from './events.js';

const spec = deciderSpec(certification);
const scopeId = 'isms-scope-fr';
const at = '2026-04-10T10:00:00.000Z';

const stage2: CertifyingEngagementFacts = {
  engagementId: 'audit-engagement-s2',
  scopeId,
  kind: 'stage-2',
  status: 'reported',
  openMajorNonconformities: 0,
};

function issueCmd(overrides: Partial<IssueCertificate> = {}): IssueCertificate {
  return {
    type: 'IssueCertificate',
    certificateId: 'certificate-1',
    scopeId,
    orgUnitId: 'ou-fr',
    certificationBody: 'Certif SA',
    certificateNumber: 'IS 123456',
    issuedOn: '2026-04-01',
    validUntil: '2029-03-31',
    standard: 'ISO/IEC 27001:2022',
    basedOnEngagementId: stage2.engagementId,
    engagement: stage2,
    reason: 'Certification body decision of 2026-04-01',
    by: 'person-auditor',
    at,
    ...overrides,
  };
}

function issued(overrides: Partial<CertificateIssuedV1> = {}): CertificationEvent {
  return {
    type: T.CertificateIssued,
    data: {
      certificateId: 'certificate-1',
      scopeId,
      orgUnitId: 'ou-fr',
      certificationBody: 'Certif SA',
      certificateNumber: 'IS 123456',
      issuedOn: '2026-04-01',
      validUntil: '2029-03-31',
      basedOnEngagementId: stage2.engagementId,
      standard: 'ISO/IEC 27001:2022',
      reason: 'Certification body decision of 2026-04-01',
      recordedBy: 'person-auditor',
      recordedAt: at,
      ...overrides,
    },
  };
}

const decision = (reason = 'CB decision') => ({
  certificateId: 'certificate-1',
  scopeId,
  orgUnitId: 'ou-fr',
  reason,
  decidedBy: 'person-auditor',
  decidedAt: at,
});
const suspended: CertificationEvent = { type: T.CertificateSuspended, data: decision() };
const withdrawn: CertificationEvent = { type: T.CertificateWithdrawn, data: decision() };

describe('certification decisions (certificate per ISMS scope)', () => {
  it('issues a certificate after a reported stage 2 engagement of the scope', () => {
    spec.given([]).when(issueCmd()).then([issued()]);
  });

  it('issues after a closed engagement too', () => {
    spec
      .given([])
      .when(issueCmd({ engagement: { ...stage2, status: 'closed' } }))
      .then([issued()]);
  });

  it('certificate-decision-needs-reason: every decision carries its why', () => {
    spec
      .given([])
      .when(issueCmd({ reason: '  ' }))
      .thenRejects('certificate-decision-needs-reason');
    for (const type of [
      'SuspendCertificate',
      'ReinstateCertificate',
      'WithdrawCertificate',
    ] as const) {
      spec
        .given([issued()])
        .when({ type, certificateId: 'certificate-1', reason: '', by: 'p', at })
        .thenRejects('certificate-decision-needs-reason', /Say why/);
    }
  });

  it('certificate-engagement-unknown: the engagement must exist', () => {
    spec
      .given([])
      .when(issueCmd({ engagement: undefined }))
      .thenRejects('certificate-engagement-unknown');
  });

  it('certificate-engagement-of-another-scope: the engagement audited this scope', () => {
    spec
      .given([])
      .when(issueCmd({ engagement: { ...stage2, scopeId: 'isms-scope-de' } }))
      .thenRejects('certificate-engagement-of-another-scope', /isms-scope-de/);
  });

  it('certificate-needs-certifying-engagement: only after stage 2 or recertification', () => {
    for (const kind of ['internal', 'stage-1', 'surveillance', 'supplier'] as const) {
      spec
        .given([])
        .when(issueCmd({ engagement: { ...stage2, kind } }))
        .thenRejects('certificate-needs-certifying-engagement', new RegExp(kind));
    }
  });

  it('certificate-needs-reported-engagement: the decision follows the audit report', () => {
    for (const status of ['planned', 'in-progress'] as const) {
      spec
        .given([])
        .when(issueCmd({ engagement: { ...stage2, status } }))
        .thenRejects('certificate-needs-reported-engagement', /Report it first/);
    }
  });

  it('open-major-nonconformity-blocks-certification', () => {
    spec
      .given([])
      .when(issueCmd({ engagement: { ...stage2, openMajorNonconformities: 2 } }))
      .thenRejects('open-major-nonconformity-blocks-certification', /2 major nonconformities/);
  });

  it('certificate-dates-invalid: calendar dates YYYY-MM-DD', () => {
    spec
      .given([])
      .when(issueCmd({ issuedOn: '2026-02-30' }))
      .thenRejects('certificate-dates-invalid', /issuedOn/);
  });

  it('certificate-issued-in-the-future: recorded once the body has decided', () => {
    spec
      .given([])
      .when(issueCmd({ issuedOn: '2026-04-11' }))
      .thenRejects('certificate-issued-in-the-future');
  });

  it('certificate-validity-at-most-three-years: after issue, at most three years', () => {
    spec
      .given([])
      .when(issueCmd({ validUntil: '2029-04-02' }))
      .thenRejects('certificate-validity-at-most-three-years', /2029-04-01 at the latest/);
    spec
      .given([])
      .when(issueCmd({ validUntil: '2026-04-01' }))
      .thenRejects('certificate-validity-at-most-three-years');
    spec
      .given([])
      .when(issueCmd({ validUntil: '2029-04-01' }))
      .then([issued({ validUntil: '2029-04-01' })]);
    expect(addYears('2024-02-29', 3)).toBe('2027-02-28');
  });

  it('one-certificate-in-force-per-scope: a second stage 2 certificate is refused while one stands', () => {
    spec
      .given([issued()])
      .when(issueCmd({ certificateId: 'certificate-2' }))
      .thenRejects('one-certificate-in-force-per-scope', /only a recertification/);
    // A suspended certificate still stands.
    spec
      .given([issued(), suspended])
      .when(issueCmd({ certificateId: 'certificate-2' }))
      .thenRejects('one-certificate-in-force-per-scope');
  });

  it('a recertification supersedes the certificate in force (supersedesCertificateId)', () => {
    const recert: CertifyingEngagementFacts = {
      ...stage2,
      engagementId: 'audit-engagement-rc',
      kind: 'recertification',
    };
    const at2 = '2029-03-01T10:00:00.000Z';
    spec
      .given([issued()])
      .when(
        issueCmd({
          certificateId: 'certificate-2',
          certificateNumber: 'IS 123456-2',
          issuedOn: '2029-02-20',
          validUntil: '2032-02-19',
          engagement: recert,
          basedOnEngagementId: recert.engagementId,
          at: at2,
        }),
      )
      .then([
        issued({
          certificateId: 'certificate-2',
          certificateNumber: 'IS 123456-2',
          issuedOn: '2029-02-20',
          validUntil: '2032-02-19',
          basedOnEngagementId: recert.engagementId,
          supersedesCertificateId: 'certificate-1',
          recordedAt: at2,
        }),
      ]);
    const state = spec.stateAfter([
      issued(),
      issued({ certificateId: 'certificate-2', supersedesCertificateId: 'certificate-1' }),
    ]);
    expect(state.certificates.map((c) => [c.certificateId, c.status])).toEqual([
      ['certificate-1', 'superseded'],
      ['certificate-2', 'issued'],
    ]);
  });

  it('a withdrawn or expired certificate no longer stands: a new stage 2 certificate is recorded', () => {
    spec
      .given([issued(), withdrawn])
      .when(issueCmd({ certificateId: 'certificate-2' }))
      .then([issued({ certificateId: 'certificate-2' })]);
    spec
      .given([issued({ issuedOn: '2023-01-10', validUntil: '2026-01-09' })])
      .when(issueCmd({ certificateId: 'certificate-2' }))
      .then([issued({ certificateId: 'certificate-2' })]);
  });

  it('certificate-unknown: decisions name a certificate of the scope', () => {
    spec
      .given([])
      .when({
        type: 'SuspendCertificate',
        certificateId: 'certificate-9',
        reason: 'x',
        by: 'p',
        at,
      })
      .thenRejects('certificate-unknown');
  });

  it('only-a-certificate-in-force-is-suspended', () => {
    spec
      .given([issued()])
      .when({
        type: 'SuspendCertificate',
        certificateId: 'certificate-1',
        reason: 'CB decision',
        by: 'person-auditor',
        at,
      })
      .then([suspended]);
    spec
      .given([issued(), suspended])
      .when({
        type: 'SuspendCertificate',
        certificateId: 'certificate-1',
        reason: 'again',
        by: 'p',
        at,
      })
      .thenRejects('only-a-certificate-in-force-is-suspended', /suspended/);
    spec
      .given([issued({ issuedOn: '2023-01-10', validUntil: '2026-01-09' })])
      .when({
        type: 'SuspendCertificate',
        certificateId: 'certificate-1',
        reason: 'x',
        by: 'p',
        at,
      })
      .thenRejects('only-a-certificate-in-force-is-suspended', /expired/);
  });

  it('only-a-suspended-certificate-is-reinstated', () => {
    spec
      .given([issued(), suspended])
      .when({
        type: 'ReinstateCertificate',
        certificateId: 'certificate-1',
        reason: 'CB decision',
        by: 'person-auditor',
        at,
      })
      .then([{ type: T.CertificateReinstated, data: decision() }]);
    spec
      .given([issued()])
      .when({
        type: 'ReinstateCertificate',
        certificateId: 'certificate-1',
        reason: 'x',
        by: 'p',
        at,
      })
      .thenRejects('only-a-suspended-certificate-is-reinstated', /in-force/);
  });

  it('only-a-standing-certificate-is-withdrawn', () => {
    spec
      .given([issued(), suspended])
      .when({
        type: 'WithdrawCertificate',
        certificateId: 'certificate-1',
        reason: 'CB decision',
        by: 'person-auditor',
        at,
      })
      .then([withdrawn]);
    spec
      .given([issued(), withdrawn])
      .when({
        type: 'WithdrawCertificate',
        certificateId: 'certificate-1',
        reason: 'x',
        by: 'p',
        at,
      })
      .thenRejects('only-a-standing-certificate-is-withdrawn', /withdrawn already/);
  });

  it('expiry is derived from validUntil: in force through that day, expired the day after', () => {
    const c = { status: 'issued' as const, issuedOn: '2026-04-01', validUntil: '2029-03-31' };
    expect(certificateStanding(c, '2026-03-31T23:00:00.000Z')).toBe('not-yet-valid');
    expect(certificateStanding(c, '2029-03-31T23:59:59.000Z')).toBe('in-force');
    expect(certificateStanding(c, '2029-04-01T00:00:00.000Z')).toBe('expired');
    expect(certificateStanding({ ...c, status: 'suspended' }, at)).toBe('suspended');
  });
});
