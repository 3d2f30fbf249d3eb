import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { AuditStreamTypes, isAuditEvent } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { certification } from '../../domain/certification/certification.js';
import type { CertificationEvent } from '../../domain/certification/events.js';
import type { CertificateView, CertificationView } from '../read-models.js';
import { AuditCollections } from '../read-models.js';

export const CERTIFICATES_PROJECTION = 'audit-certificates';

/**
 * Certificates per ISMS scope, folded with the certification decider: one document per scope
 * (its state) and one per certificate; both guarded by the scope's certification stream revision
 * (a supersession changes two certificates with one event).
 */
export function certificatesProjection(readStore: ReadStore): Projection {
  const scopes = readStore.collection<CertificationView>(AuditCollections.Certifications);
  const certificates = readStore.collection<CertificateView>(AuditCollections.Certificates);
  return {
    name: CERTIFICATES_PROJECTION,
    handles: { streamTypes: [AuditStreamTypes.AuditCertification] },
    async apply(event: RecordedEvent) {
      if (!isAuditEvent(event)) return;
      const scopeId = (event.data as { scopeId: string }).scopeId;
      const current = await scopes.get(scopeId);
      if (current && (current._revision ?? 0) >= event.streamRevision) return;
      const next = certification.evolve(
        { certificates: current?.certificates ?? [] },
        event as CertificationEvent,
      );
      await scopes.upsert(
        scopeId,
        { tenantId: event.tenantId, scopeId, certificates: next.certificates },
        { revision: event.streamRevision },
      );
      for (const c of next.certificates) {
        await certificates.upsert(
          c.certificateId,
          { ...c, tenantId: event.tenantId },
          { revision: event.streamRevision },
        );
      }
    },
    async reset() {
      await scopes.drop();
      await certificates.drop();
    },
  };
}
