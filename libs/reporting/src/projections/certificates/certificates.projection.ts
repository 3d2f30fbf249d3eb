import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { AuditEventTypes as A, AuditStreamTypes, isAuditEvent } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { applyGuarded, bodyOf } from '../guarded.js';
import type { CertificateDoc } from '../read-models.js';
import { ReportingCollections } from '../read-models.js';

export const CERTIFICATES_PROJECTION = 'reporting-certificates';

/**
 * Certificates per ISMS scope from the published certification decisions: one document per
 * certificate, guarded by the scope's certification stream revision (a recertification's
 * `CertificateIssued` also marks the certificate it supersedes).
 */
export function certificatesProjection(readStore: ReadStore): Projection {
  const certificates = readStore.collection<CertificateDoc>(ReportingCollections.Certificates);
  return {
    name: CERTIFICATES_PROJECTION,
    handles: { streamTypes: [AuditStreamTypes.AuditCertification] },
    async apply(event: RecordedEvent) {
      if (!isAuditEvent(event)) return;
      const certificate = (id: string, mutate: (doc: CertificateDoc) => CertificateDoc) =>
        applyGuarded(certificates, id, event, (current) =>
          current ? mutate(bodyOf(current)) : undefined,
        );
      switch (event.type) {
        case A.CertificateIssued: {
          const d = event.data;
          await applyGuarded(certificates, d.certificateId, event, (): CertificateDoc => ({
            tenantId: event.tenantId,
            certificateId: d.certificateId,
            scopeId: d.scopeId,
            orgUnitId: d.orgUnitId,
            certificationBody: d.certificationBody,
            certificateNumber: d.certificateNumber,
            standard: d.standard,
            issuedOn: d.issuedOn,
            validUntil: d.validUntil,
            basedOnEngagementId: d.basedOnEngagementId,
            status: 'issued',
            supersededByCertificateId: null,
            recordedAt: d.recordedAt,
          }));
          if (d.supersedesCertificateId) {
            await certificate(d.supersedesCertificateId, (doc) => ({
              ...doc,
              status: 'superseded',
              supersededByCertificateId: d.certificateId,
            }));
          }
          return;
        }
        case A.CertificateSuspended:
          await certificate(event.data.certificateId, (doc) => ({ ...doc, status: 'suspended' }));
          return;
        case A.CertificateReinstated:
          await certificate(event.data.certificateId, (doc) => ({ ...doc, status: 'issued' }));
          return;
        case A.CertificateWithdrawn:
          await certificate(event.data.certificateId, (doc) => ({ ...doc, status: 'withdrawn' }));
          return;
        default:
          return;
      }
    },
    reset: () => certificates.drop(),
  };
}

/** In force on `day`: issued (not suspended, withdrawn or superseded) and `issuedOn ≤ day ≤ validUntil`. */
export function certificateInForce(certificate: CertificateDoc, day: string): boolean {
  return (
    certificate.status === 'issued' && certificate.issuedOn <= day && day <= certificate.validUntil
  );
}
