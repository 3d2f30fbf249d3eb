import { foldEvents } from '@isms/event-sourcing';
import { AuditStreamTypes, auditCertificationStreamId } from '@isms/contracts';
import { InMemoryReadStore } from '@isms/read-store';
import type { CertificationCommand } from '../../domain/certification/commands.js';
import { certification } from '../../domain/certification/certification.js';
import type { CertificationEvent } from '../../domain/certification/events.js';
import { recorded } from '../../testing/recorded.js';
import type { CertificateView, CertificationView } from '../read-models.js';
import { AuditCollections } from '../read-models.js';
import { certificatesProjection } from './certificates.projection.js';

const scopeId = 'isms-scope-fr';
const engagement = (engagementId: string, kind: 'stage-2' | 'recertification') => ({
  engagementId,
  scopeId,
  kind,
  status: 'reported' as const,
  openMajorNonconformities: 0,
});
const issue = (
  certificateId: string,
  kind: 'stage-2' | 'recertification',
  issuedOn: string,
  validUntil: string,
  at: string,
): CertificationCommand => ({
  type: 'IssueCertificate',
  certificateId,
  scopeId,
  orgUnitId: 'ou-fr',
  certificationBody: 'Certif SA',
  certificateNumber: `IS-${certificateId}`,
  issuedOn,
  validUntil,
  standard: 'ISO/IEC 27001:2022',
  basedOnEngagementId: `e-${certificateId}`,
  engagement: engagement(`e-${certificateId}`, kind),
  reason: 'CB decision',
  by: 'p-aud',
  at,
});

function history(...commands: CertificationCommand[]): CertificationEvent[] {
  const events: CertificationEvent[] = [];
  for (const command of commands) {
    const state = foldEvents(certification.evolve, certification.initialState(), events);
    events.push(...certification.decide(command, state));
  }
  return events;
}

describe('certificates projection', () => {
  it('one document per scope and per certificate; a recertification marks the superseded one; redelivery is a no-op', async () => {
    const stream = {
      streamId: auditCertificationStreamId(scopeId),
      streamType: AuditStreamTypes.AuditCertification,
    };
    const events = history(
      issue('c1', 'stage-2', '2026-03-20', '2029-03-19', '2026-03-21T09:00:00.000Z'),
      {
        type: 'SuspendCertificate',
        certificateId: 'c1',
        reason: 'CB suspended',
        by: 'p-aud',
        at: '2026-06-01T09:00:00.000Z',
      },
      issue('c2', 'recertification', '2026-09-01', '2029-08-31', '2026-09-02T09:00:00.000Z'),
    );
    const store = new InMemoryReadStore();
    const projection = certificatesProjection(store);
    const delivered = events.map((e, i) => recorded(stream, i + 1, e));
    for (const e of delivered) await projection.apply(e);
    for (const e of delivered) await projection.apply(e);
    const certificates = await store
      .collection<CertificateView>(AuditCollections.Certificates)
      .find({}, { sort: { issuedOn: 1 } });
    expect(
      certificates.map((c) => [
        c.certificateId,
        c.status,
        c.supersededByCertificateId,
        c._revision,
      ]),
    ).toEqual([
      ['c1', 'superseded', 'c2', 3],
      ['c2', 'issued', undefined, 3],
    ]);
    expect(certificates[0]!.lastDecision).toMatchObject({
      kind: 'suspended',
      reason: 'CB suspended',
    });
    const scope = await store
      .collection<CertificationView>(AuditCollections.Certifications)
      .get(scopeId);
    expect(scope).toMatchObject({ tenantId: 'tenant-a', scopeId, _revision: 3 });
    expect(scope!.certificates).toHaveLength(2);
  });
});
