import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { GovernanceEventTypes as T, GovernanceStreamTypes } from '@isms/contracts';
import { governanceEvent, projectOne } from '../project.js';
import type { DocumentView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const DOCUMENTS_PROJECTION = 'governance-documents';

/** The document register: metadata, versions with their SHA-256 and approvals, review dates. */
export function documentsProjection(readStore: ReadStore): Projection {
  const documents = readStore.collection<DocumentView>(Collections.Documents);
  return {
    name: DOCUMENTS_PROJECTION,
    handles: { streamTypes: [GovernanceStreamTypes.ControlledDocument] },
    async apply(recorded) {
      const event = governanceEvent(recorded);
      if (!event) return;
      const update = (fold: (current: DocumentView) => DocumentView) =>
        projectOne(documents, recorded.streamId, event, (current) =>
          current ? fold(current) : undefined,
        );
      switch (event.type) {
        case T.DocumentRegistered:
          return projectOne(documents, event.data.documentId, event, () => ({
            tenantId: event.tenantId,
            ...event.data,
            status: 'active' as const,
            versions: [],
            registeredAt: event.recordedAt,
          }));
        case T.DocumentDetailsChanged: {
          const { documentId: _id, ...changes } = event.data;
          return update((current) => ({ ...current, ...changes }));
        }
        case T.DocumentVersionAdded: {
          const { documentId: _id, ...version } = event.data;
          return update((current) => ({
            ...current,
            versions: [...current.versions, { ...version, addedAt: event.recordedAt }],
          }));
        }
        case T.DocumentVersionApproved: {
          const { version, approvedBy, approverRole, reason, approvedAt, nextReviewDue } =
            event.data;
          return update((current) => ({
            ...current,
            versionInForce: version,
            nextReviewDue,
            versions: current.versions.map((v) =>
              v.version === version
                ? { ...v, approval: { approvedBy, approverRole, reason, approvedAt } }
                : v,
            ),
          }));
        }
        case T.DocumentReviewed: {
          const { reviewedBy, notes, reviewedAt, nextReviewDue } = event.data;
          return update((current) => ({
            ...current,
            nextReviewDue,
            lastReview: { reviewedBy, notes, reviewedAt },
          }));
        }
        case T.DocumentWithdrawn:
          return update((current) => ({
            ...current,
            status: 'withdrawn' as const,
            withdrawal: { reason: event.data.reason, withdrawnAt: event.data.withdrawnAt },
          }));
        default:
          return;
      }
    },
    reset: () => documents.drop(),
  };
}
