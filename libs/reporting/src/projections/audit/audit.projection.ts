import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import {
  AuditEventTypes as A,
  AuditStreamTypes,
  controlKey,
  isAuditEvent,
  isNonconformity,
} from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { applyGuarded, bodyOf } from '../guarded.js';
import type { EngagementDoc, FindingDoc } from '../read-models.js';
import { ReportingCollections } from '../read-models.js';

export const AUDIT_PROJECTION = 'reporting-audit';

/**
 * Audit engagements and their findings with corrective actions (9.2, 10.2): one document per
 * engagement and one per finding, each guarded by the engagement stream's revision.
 */
export function auditProjection(readStore: ReadStore): Projection {
  const engagements = readStore.collection<EngagementDoc>(ReportingCollections.Engagements);
  const findings = readStore.collection<FindingDoc>(ReportingCollections.Findings);
  return {
    name: AUDIT_PROJECTION,
    handles: { streamTypes: [AuditStreamTypes.AuditEngagement] },
    async apply(event: RecordedEvent) {
      if (!isAuditEvent(event)) return;
      const engagement = (mutate: (doc: EngagementDoc) => EngagementDoc) =>
        applyGuarded(engagements, event.streamId, event, (current) =>
          current ? mutate(bodyOf(current)) : undefined,
        );
      const finding = (findingId: string, mutate: (doc: FindingDoc) => FindingDoc) =>
        applyGuarded(findings, findingId, event, (current) =>
          current ? mutate(bodyOf(current)) : undefined,
        );
      switch (event.type) {
        case A.EngagementPlanned: {
          const d = event.data;
          await applyGuarded(engagements, event.streamId, event, (): EngagementDoc => ({
            tenantId: event.tenantId,
            engagementId: d.engagementId,
            scopeId: d.scopeId,
            orgUnitId: d.orgUnitId,
            kind: d.kind,
            title: d.title,
            status: 'planned',
            auditedOrgUnitIds: d.auditedOrgUnitIds,
            plannedStart: d.plannedStart,
            plannedEnd: d.plannedEnd,
            reportedAt: null,
            conclusion: null,
            closedAt: null,
          }));
          return;
        }
        case A.EngagementStarted:
          await engagement((doc) => ({ ...doc, status: 'in-progress' }));
          return;
        case A.EngagementReported:
          await engagement((doc) => ({
            ...doc,
            status: 'reported',
            reportedAt: event.data.reportedAt,
            conclusion: event.data.conclusion,
          }));
          return;
        case A.EngagementClosed:
          await engagement((doc) => ({ ...doc, status: 'closed', closedAt: event.data.closedAt }));
          return;
        case A.FindingRaised: {
          const d = event.data;
          await applyGuarded(findings, d.findingId, event, (): FindingDoc => ({
            tenantId: event.tenantId,
            findingId: d.findingId,
            engagementId: d.engagementId,
            engagementKind: d.engagementKind,
            scopeId: d.scopeId,
            orgUnitId: d.orgUnitId,
            grade: d.grade,
            nonconformity: isNonconformity(d.grade),
            title: d.title,
            reference: d.control ? controlKey(d.control) : (d.clause ?? ''),
            raisedAt: d.raisedAt,
            closedAt: null,
            correctiveAction: null,
          }));
          return;
        }
        case A.FindingClosed:
          await finding(event.data.findingId, (doc) => ({
            ...doc,
            closedAt: event.data.closedAt,
          }));
          return;
        case A.CorrectiveActionPlanned:
          await finding(event.data.findingId, (doc) => ({
            ...doc,
            correctiveAction: {
              dueDate: event.data.dueDate,
              ownerPersonId: event.data.ownerPersonId,
              attempt: event.data.attempt,
              implementedAt: null,
              effective: null,
            },
          }));
          return;
        case A.CorrectiveActionImplemented:
          await finding(event.data.findingId, (doc) => ({
            ...doc,
            correctiveAction: doc.correctiveAction
              ? { ...doc.correctiveAction, implementedAt: event.data.implementedAt }
              : null,
          }));
          return;
        case A.CorrectiveActionVerified:
          await finding(event.data.findingId, (doc) => ({
            ...doc,
            correctiveAction: doc.correctiveAction
              ? { ...doc.correctiveAction, effective: event.data.effective }
              : null,
          }));
          return;
        default:
          return;
      }
    },
    async reset() {
      await engagements.drop();
      await findings.drop();
    },
  };
}

/** A corrective action is overdue when it is not implemented by its due date. */
export function correctiveActionOverdue(finding: FindingDoc, today: string): boolean {
  const action = finding.correctiveAction;
  return (
    finding.closedAt === null &&
    action !== null &&
    action.implementedAt === null &&
    action.dueDate < today
  );
}
