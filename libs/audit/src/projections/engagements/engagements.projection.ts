import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { AuditStreamTypes, isAuditEvent } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { engagement } from '../../domain/engagement/engagement.js';
import type { EngagementRecord } from '../../domain/engagement/engagement.js';
import type { EngagementEvent } from '../../domain/engagement/events.js';
import type { EngagementView, FindingView } from '../read-models.js';
import { AuditCollections } from '../read-models.js';

export const ENGAGEMENTS_PROJECTION = 'audit-engagements';

/**
 * Engagements (one document each, folded with the engagement decider's own `evolve`, so the read
 * model and the rules agree) and their findings (one document each, with the corrective action's
 * status and due date flattened for the overdue list).
 */
export function engagementsProjection(readStore: ReadStore): Projection {
  const engagements = readStore.collection<EngagementView>(AuditCollections.Engagements);
  const findings = readStore.collection<FindingView>(AuditCollections.Findings);
  return {
    name: ENGAGEMENTS_PROJECTION,
    handles: { streamTypes: [AuditStreamTypes.AuditEngagement] },
    async apply(event: RecordedEvent) {
      if (!isAuditEvent(event)) return;
      const current = await engagements.get(event.streamId);
      if (current && (current._revision ?? 0) >= event.streamRevision) return;
      if (!current && event.streamRevision !== 1) return;
      const before = current ? recordOf(current) : engagement.initialState();
      const next = engagement.evolve(before, event as EngagementEvent);
      if (next.status === 'none') return;
      const revision = { revision: event.streamRevision };
      await engagements.upsert(
        event.streamId,
        engagementView(event.tenantId, next, event.metadata.occurredAt),
        revision,
      );
      for (const finding of next.findings) {
        const action = finding.correctiveAction;
        await findings.upsert(
          finding.findingId,
          {
            ...finding,
            tenantId: event.tenantId,
            engagementTitle: next.title,
            engagementStatus: next.status,
            correctiveActionStatus: action?.status ?? 'none',
            ...(action
              ? { dueDate: action.dueDate, actionOwnerPersonId: action.ownerPersonId }
              : {}),
          },
          revision,
        );
      }
    },
    async reset() {
      await engagements.drop();
      await findings.drop();
    },
  };
}

export function engagementView(
  tenantId: string,
  record: EngagementRecord,
  updatedAt: string,
): EngagementView {
  const open = record.findings.filter((f) => f.status === 'open');
  return {
    ...record,
    tenantId,
    openFindings: open.length,
    openMajorNonconformities: open.filter((f) => f.grade === 'major-nonconformity').length,
    updatedAt,
  };
}

function recordOf(view: EngagementView): EngagementRecord {
  const {
    _id,
    _version,
    _revision,
    _streams,
    openFindings: _o,
    openMajorNonconformities: _m,
    updatedAt: _u,
    ...record
  } = view as EngagementView & {
    _id: string;
    _version: number;
    _revision?: number;
    _streams?: unknown;
  };
  void _id;
  void _version;
  void _revision;
  void _streams;
  return record;
}
