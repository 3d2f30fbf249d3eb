import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import {
  AuditEventTypes as A,
  ControlsEventTypes as C,
  GovernanceEventTypes as G,
  GovernanceStreamTypes,
  RiskEventTypes as R,
  controlKey,
  isAuditEvent,
  isControlsEvent,
  isGovernanceEvent,
  isRiskEvent,
} from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import type { DecisionDoc, DecisionStreamDoc } from '../read-models.js';
import { ReportingCollections } from '../read-models.js';

export const DECISION_LOG_PROJECTION = 'reporting-decision-log';

/** The decisions of the ISMS, by published event type: a label for people. */
export const DECISION_LABELS: Readonly<Record<string, string>> = {
  [G.OrgUnitClosed]: 'Org unit closed',
  [G.PersonDeactivated]: 'Person deactivated',
  [G.RoleBound]: 'Role bound',
  [G.RoleUnbound]: 'Role unbound',
  [G.IsmsScopeApproved]: 'ISMS scope approved',
  [G.DocumentVersionApproved]: 'Document version approved',
  [G.DocumentWithdrawn]: 'Document withdrawn',
  [G.AccessGranted]: 'Certification body access granted',
  [G.AccessGrantRevoked]: 'Certification body access revoked',
  [R.RiskMethodologyAdopted]: 'Risk methodology adopted',
  [R.RiskMethodologyRefined]: 'Risk methodology refined',
  [R.RiskOwnerReassigned]: 'Risk owner reassigned',
  [R.RiskScopeChanged]: 'Risk moved to another scope',
  [R.InherentRiskAssessed]: 'Inherent risk rated',
  [R.RiskTreatmentDecided]: 'Risk treatment decided',
  [R.RiskTreatmentPlanned]: 'Risk treatment planned',
  [R.ResidualRiskAssessed]: 'Residual risk rated',
  [R.RiskAccepted]: 'Residual risk accepted',
  [R.RiskAcceptanceMarkedStale]: 'Risk acceptance needs re-approval',
  [R.RiskClosed]: 'Risk closed',
  [C.SoaLineRecorded]: 'SoA line decided',
  [C.SoaVersionApproved]: 'SoA version approved',
  [C.SoaCatalogueMigrated]: 'SoA migrated to another catalogue',
  [C.GroupControlDefined]: 'Group control defined',
  [C.GroupControlRevised]: 'Group control revised',
  [C.GroupControlDeviationRecorded]: 'Deviation from a group control accepted',
  [C.GroupControlDeviationWithdrawn]: 'Deviation from a group control withdrawn',
  [C.GroupControlRetired]: 'Group control retired',
  [C.ControlTestResultRecorded]: 'Control effectiveness assessed',
  [C.ControlTestPlanRetired]: 'Control test plan retired',
  [C.EvidenceWithdrawn]: 'Evidence withdrawn',
  [A.ProgrammeSitesSampled]: 'Audit sample of sites chosen',
  [A.EngagementCutOffSet]: 'Audit cut-off set',
  [A.EngagementReported]: 'Audit reported',
  [A.EngagementClosed]: 'Audit closed',
  [A.FindingRaised]: 'Finding raised',
  [A.FindingClosed]: 'Finding closed',
  [A.EvidenceRequestAccepted]: 'Evidence accepted by the auditor',
  [A.EvidenceRequestFlagged]: 'Evidence flagged by the auditor',
  [A.CorrectiveActionPlanned]: 'Corrective action planned',
  [A.CorrectiveActionVerified]: 'Corrective action verified',
  [A.CertificateIssued]: 'Certificate issued',
  [A.CertificateSuspended]: 'Certificate suspended',
  [A.CertificateReinstated]: 'Certificate reinstated',
  [A.CertificateWithdrawn]: 'Certificate withdrawn',
};

/** Streams whose events are never decisions (the access log, platform administration). */
const IGNORED_STREAM_TYPES: ReadonlySet<string> = new Set([
  GovernanceStreamTypes.AccessLog,
  GovernanceStreamTypes.PlatformAdministrator,
]);

/** The published contexts whose events reporting reads. */
const PUBLISHED_PREFIXES = ['governance.', 'risk.', 'controls.', 'audit.'];

/** A decision: an event type listed above, or any other audit event carrying a justification. */
export function isDecision(event: RecordedEvent): boolean {
  if (IGNORED_STREAM_TYPES.has(event.streamType)) return false;
  if (DECISION_LABELS[event.type]) return true;
  return (
    event.type.startsWith('audit.') &&
    typeof event.metadata.reason === 'string' &&
    event.metadata.reason.length > 0
  );
}

type Data = Readonly<Record<string, unknown>>;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Where an event's data says it belongs (org unit, scopes), if it says so. */
function placeOf(event: RecordedEvent): { orgUnitId?: string; scopeIds?: string[] } {
  const data = (event.data ?? {}) as Data;
  const definition = data['definition'] as Data | undefined;
  const material = data['materialState'] as Data | undefined;
  const orgUnitId =
    str(data['orgUnitId']) ??
    str(definition?.['ownerOrgUnitId']) ??
    str(material?.['orgUnitId']) ??
    str(data['homeOrgUnitId']);
  const scopeIds = Array.isArray(data['scopeIds'])
    ? (data['scopeIds'] as unknown[]).filter((s): s is string => typeof s === 'string')
    : str(data['scopeId'])
      ? [str(data['scopeId'])!]
      : str(material?.['scopeId'])
        ? [str(material?.['scopeId'])!]
        : event.streamType === GovernanceStreamTypes.IsmsScope
          ? [event.streamId]
          : undefined;
  return {
    ...(orgUnitId ? { orgUnitId } : {}),
    ...(scopeIds ? { scopeIds } : {}),
  };
}

/** What the decision changed, in words (the full data stays in the event store). */
export function summarise(event: RecordedEvent): string {
  if (isGovernanceEvent(event)) {
    switch (event.type) {
      case G.IsmsScopeApproved:
        return `Scope version ${event.data.version} approved as ${event.data.approverRole}`;
      case G.DocumentVersionApproved:
        return `Version ${event.data.version} in force; next review due ${event.data.nextReviewDue}`;
      case G.RoleBound:
      case G.RoleUnbound:
        return `${event.data.role} on ${event.data.orgUnitId} for ${event.data.personId}`;
      case G.AccessGranted:
        return `${event.data.certificationBody} reads scope ${event.data.scopeId} from ${event.data.validFrom} until ${event.data.validUntil}`;
      case G.OrgUnitClosed:
        return `Org unit ${event.data.orgUnitId} closed`;
      default:
        break;
    }
  }
  if (isRiskEvent(event)) {
    switch (event.type) {
      case R.InherentRiskAssessed:
      case R.ResidualRiskAssessed:
        return `Rated ${event.data.rating.levelLabel} (likelihood ${event.data.rating.likelihood}, impact ${event.data.rating.impact})${event.data.rating.withinAppetite ? '' : ', above appetite'}`;
      case R.RiskTreatmentDecided:
        return `Treatment: ${event.data.option}`;
      case R.RiskTreatmentPlanned:
        return `Plan v${event.data.planVersion}: ${event.data.actions.length} action(s), controls ${event.data.linkedControls.map(controlKey).join(', ') || 'none'}`;
      case R.RiskAccepted:
        return `Residual ${event.data.residualLevelLabel} accepted as ${event.data.authority}${event.data.withinAppetite ? '' : ' (above appetite)'}; digest ${event.data.digest.slice(0, 12)}`;
      case R.RiskAcceptanceMarkedStale:
        return `${event.data.cause.kind}: ${event.data.cause.summary}`;
      case R.RiskOwnerReassigned:
        return `Owner ${event.data.previousOwnerPersonId} → ${event.data.ownerPersonId}`;
      case R.RiskScopeChanged:
        return `Scope ${event.data.previousScopeId} → ${event.data.scopeId}`;
      case R.RiskMethodologyAdopted:
      case R.RiskMethodologyRefined:
        return `Version ${event.data.version}: ${event.data.changeSummary}`;
      case R.RiskClosed:
        return `Closed: ${event.data.reason}`;
      default:
        break;
    }
  }
  if (isControlsEvent(event)) {
    switch (event.type) {
      case C.SoaLineRecorded: {
        const l = event.data.line;
        return `${controlKey(l)} ${l.applicable ? `applicable (${l.inclusionReasons.join(', ')}), ${l.implementationStatus}` : 'excluded'}: ${l.justification}`;
      }
      case C.SoaVersionApproved:
        return `SoA version ${event.data.version} approved (${event.data.lines.length} lines); digest ${event.data.digest.slice(0, 12)}`;
      case C.SoaCatalogueMigrated:
        return `Migrated ${event.data.fromCatalogueId} → ${event.data.toCatalogueId}`;
      case C.ControlTestResultRecorded:
        return `${controlKey(event.data)}: ${event.data.result}`;
      case C.GroupControlDeviationRecorded:
        return `${event.data.orgUnitId}: ${event.data.deviation}`;
      case C.GroupControlDefined:
        return `${controlKey(event.data)} ${event.data.title}`;
      default:
        break;
    }
  }
  if (isAuditEvent(event)) {
    switch (event.type) {
      case A.FindingRaised:
        return `${event.data.grade}: ${event.data.title} (${event.data.control ? controlKey(event.data.control) : `clause ${event.data.clause ?? '?'}`})`;
      case A.FindingClosed:
        return `${event.data.grade} ${event.data.findingId} closed`;
      case A.CorrectiveActionPlanned:
        return `Attempt ${event.data.attempt}, due ${event.data.dueDate}: ${event.data.actionPlan}`;
      case A.CorrectiveActionVerified:
        return event.data.effective ? 'Found effective' : 'Found not effective: another attempt';
      case A.EngagementReported:
        return event.data.conclusion;
      case A.CertificateIssued:
        return `${event.data.standard} certificate ${event.data.certificateNumber} by ${event.data.certificationBody}, ${event.data.issuedOn} – ${event.data.validUntil}${event.data.supersedesCertificateId ? ` (supersedes ${event.data.supersedesCertificateId})` : ''}`;
      case A.ProgrammeSitesSampled:
        return `Year ${event.data.cycleYear}: ${event.data.sampledSiteOrgUnitIds.length} of ${event.data.siteCount} sites (at least ${event.data.requiredSampleSize})`;
      default:
        break;
    }
  }
  return DECISION_LABELS[event.type] ?? event.type;
}

function subjectOf(event: RecordedEvent): string {
  const data = (event.data ?? {}) as Data;
  return (
    str(data['riskId']) ??
    str(data['certificateId']) ??
    str(data['findingId']) ??
    str(data['engagementId']) ??
    str(data['documentId']) ??
    str(data['grantId']) ??
    (event.type === C.SoaLineRecorded
      ? controlKey((data['line'] as { catalogueId: string; controlId: string }) ?? data)
      : undefined) ??
    str(data['personId']) ??
    str(data['orgUnitId']) ??
    event.streamId
  );
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/**
 * The decision log: one document per decision event of every published context, with who, when,
 * why, what it changed, where it belongs (org unit, scopes) and its hash. A stream's place is
 * remembered from its earlier events (a treatment decision does not repeat the risk's scope).
 */
export function decisionLogProjection(readStore: ReadStore): Projection {
  const decisions = readStore.collection<DecisionDoc>(ReportingCollections.Decisions);
  const streams = readStore.collection<DecisionStreamDoc>(ReportingCollections.DecisionStreams);
  return {
    name: DECISION_LOG_PROJECTION,
    async apply(event: RecordedEvent) {
      if (IGNORED_STREAM_TYPES.has(event.streamType)) return;
      if (!PUBLISHED_PREFIXES.some((p) => event.type.startsWith(p))) return;
      const place = placeOf(event);
      const perEvent = event.streamType === GovernanceStreamTypes.OrgStructure;
      let context = perEvent ? undefined : await streams.get(event.streamId);
      if (!perEvent && (place.orgUnitId || place.scopeIds)) {
        let orgUnitId = place.orgUnitId ?? context?.orgUnitId ?? null;
        const scopeIds = place.scopeIds ?? context?.scopeIds ?? [];
        if (!orgUnitId && scopeIds[0]) {
          orgUnitId = (await streams.get(scopeIds[0]))?.orgUnitId ?? null;
        }
        // Most events of a stream repeat its place: then there is nothing to write. (A
        // redelivered event whose write was skipped so finds the place it would have written.)
        const samePlace =
          context?.tenantId === event.tenantId &&
          context.orgUnitId === orgUnitId &&
          sameIds(context.scopeIds, scopeIds);
        if (!samePlace) {
          const written = await streams.upsert(
            event.streamId,
            { tenantId: event.tenantId, orgUnitId, scopeIds },
            { revision: event.streamRevision },
          );
          context = written.document;
        }
      }
      if (!isDecision(event)) return;
      const body: DecisionDoc = {
        tenantId: event.tenantId,
        eventId: event.eventId,
        type: event.type,
        decision: DECISION_LABELS[event.type] ?? event.type,
        context: event.type.split('.')[0] ?? 'unknown',
        streamId: event.streamId,
        streamType: event.streamType,
        streamRevision: event.streamRevision,
        globalPosition: event.globalPosition,
        recordedAt: event.recordedAt,
        occurredAt: event.metadata.occurredAt,
        actorId: event.metadata.actor.userId,
        actorName: event.metadata.actor.displayName ?? null,
        actorRole: event.metadata.actor.role ?? null,
        reason: event.metadata.reason ?? null,
        orgUnitId: place.orgUnitId ?? context?.orgUnitId ?? null,
        scopeIds: place.scopeIds ?? context?.scopeIds ?? [],
        summary: summarise(event),
        subjectId: subjectOf(event),
        hash: event.hash,
      };
      // One document per event: re-applying writes the same body (idempotent).
      await decisions.upsert(event.eventId, body, { revision: 1 });
    },
    async reset() {
      await decisions.drop();
      await streams.drop();
    },
  };
}
