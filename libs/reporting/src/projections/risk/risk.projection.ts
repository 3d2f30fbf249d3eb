import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { RiskEventTypes as R, RiskStreamTypes, controlKey, isRiskEvent } from '@isms/contracts';
import type { RiskRating } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { applyGuarded, bodyOf } from '../guarded.js';
import type {
  MethodologyDoc,
  RatingView,
  RiskCountersDoc,
  RiskDoc,
  StoredRiskDoc,
} from '../read-models.js';
import { ReportingCollections } from '../read-models.js';
import { attentionFieldsOf, recordContribution, withoutAttentionFields } from './risk-counters.js';

export const METHODOLOGIES_PROJECTION = 'reporting-methodologies';
export const RISKS_PROJECTION = 'reporting-risks';

/** The risk methodology of each org unit that adopts (root) or refines one, latest version. */
export function methodologiesProjection(readStore: ReadStore): Projection {
  const methodologies = readStore.collection<MethodologyDoc>(ReportingCollections.Methodologies);
  return {
    name: METHODOLOGIES_PROJECTION,
    handles: { streamTypes: [RiskStreamTypes.RiskMethodology] },
    async apply(event: RecordedEvent) {
      if (!isRiskEvent(event)) return;
      if (event.type === R.RiskMethodologyAdopted || event.type === R.RiskMethodologyRefined) {
        const d = event.data;
        const { matrix, ...definition } = 'definition' in d ? d.definition : d.overrides;
        await applyGuarded(methodologies, d.orgUnitId, event, (): MethodologyDoc => ({
          tenantId: event.tenantId,
          orgUnitId: d.orgUnitId,
          kind: event.type === R.RiskMethodologyAdopted ? 'adopted' : 'refined',
          version: d.version,
          adoptedAt: d.adoptedAt,
          adoptedBy: d.adoptedBy,
          definition,
          matrixRows: matrix ? matrix.map((row) => ({ levels: [...row] })) : null,
        }));
      }
    },
    reset: () => methodologies.drop(),
  };
}

function rating(r: RiskRating): RatingView {
  return {
    likelihood: r.likelihood,
    impact: r.impact,
    level: r.level,
    levelLabel: r.levelLabel,
    levelRank: r.levelRank,
    withinAppetite: r.withinAppetite,
  };
}

function withCurrent(doc: RiskDoc): RiskDoc {
  const current = doc.residual ?? doc.inherent;
  return {
    ...doc,
    current,
    aboveAppetite: doc.status !== 'closed' && current !== null && !current.withinAppetite,
  };
}

/** A risk's reporting document after one of its events (undefined: the event changes nothing). */
export function foldRisk(doc: RiskDoc | undefined, event: RecordedEvent): RiskDoc | undefined {
  if (!isRiskEvent(event)) return undefined;
  const at = event.recordedAt;
  const change = (mutate: (doc: RiskDoc) => RiskDoc): RiskDoc | undefined =>
    doc ? withCurrent({ ...mutate(doc), updatedAt: at }) : undefined;
  switch (event.type) {
    case R.RiskIdentified: {
      const d = event.data;
      return withCurrent({
        tenantId: event.tenantId,
        riskId: d.riskId,
        title: d.title,
        orgUnitId: d.orgUnitId,
        scopeId: d.scopeId,
        ownerPersonId: d.ownerPersonId,
        threatCode: d.threatCode,
        vulnerabilityCode: d.vulnerabilityCode,
        status: 'identified',
        inherent: null,
        residual: null,
        current: null,
        aboveAppetite: false,
        treatment: null,
        actions: [],
        linkedControls: [],
        nextReviewDue: null,
        acceptance: null,
        identifiedAt: d.identifiedAt,
        closedAt: null,
        updatedAt: at,
      });
    }
    case R.RiskScenarioRevised:
      return change((doc) => ({
        ...doc,
        title: event.data.title,
        threatCode: event.data.threatCode,
        vulnerabilityCode: event.data.vulnerabilityCode,
      }));
    case R.RiskOwnerReassigned:
      return change((doc) => ({ ...doc, ownerPersonId: event.data.ownerPersonId }));
    case R.RiskScopeChanged:
      return change((doc) => ({ ...doc, scopeId: event.data.scopeId }));
    case R.InherentRiskAssessed:
      return change((doc) => ({
        ...doc,
        inherent: rating(event.data.rating),
        // A new inherent rating restarts the evaluation: the residual is rated again later.
        residual: null,
        status: 'assessed',
        nextReviewDue: event.data.nextReviewDue,
      }));
    case R.RiskTreatmentDecided:
      return change((doc) => ({
        ...doc,
        treatment: event.data.option,
        status: 'treatment-decided',
      }));
    case R.RiskTreatmentPlanned:
      return change((doc) => ({
        ...doc,
        treatment: event.data.option,
        status: 'treatment-planned',
        orgUnitId: event.data.orgUnitId,
        scopeId: event.data.scopeId,
        linkedControls: event.data.linkedControls.map(controlKey),
        actions: event.data.actions.map((a) => ({
          actionId: a.actionId,
          title: a.title,
          ownerPersonId: a.ownerPersonId,
          dueDate: a.dueDate,
          completedAt: doc.actions.find((x) => x.actionId === a.actionId)?.completedAt ?? null,
        })),
      }));
    case R.TreatmentActionCompleted:
      return change((doc) => ({
        ...doc,
        actions: doc.actions.map((a) =>
          a.actionId === event.data.actionId ? { ...a, completedAt: event.data.completedAt } : a,
        ),
      }));
    case R.ResidualRiskAssessed:
      return change((doc) => ({
        ...doc,
        residual: rating(event.data.rating),
        status: 'residual-assessed',
        nextReviewDue: event.data.nextReviewDue,
      }));
    case R.RiskAccepted:
      return change((doc) => ({
        ...doc,
        status: 'accepted',
        nextReviewDue: event.data.nextReviewDue,
        acceptance: {
          acceptedBy: event.data.acceptedBy,
          acceptedAt: event.data.acceptedAt,
          reason: event.data.reason,
          digest: event.data.digest,
          residualLevel: event.data.residualLevel,
          status: 'current',
          staleSince: null,
          staleCause: null,
        },
      }));
    case R.RiskAcceptanceMarkedStale:
      return change((doc) => ({
        ...doc,
        acceptance: doc.acceptance
          ? {
              ...doc.acceptance,
              status: 'needs-re-approval',
              staleSince: event.data.markedAt,
              staleCause: `${event.data.cause.kind}: ${event.data.cause.summary}`,
            }
          : null,
      }));
    case R.RiskReviewed:
      return change((doc) => ({ ...doc, nextReviewDue: event.data.nextReviewDue }));
    case R.RiskClosed:
      return change((doc) => ({
        ...doc,
        status: 'closed',
        closedAt: event.data.closedAt,
        nextReviewDue: null,
      }));
    default:
      return undefined;
  }
}

/**
 * One document per risk: the register as reporting reads it (ratings, treatment, acceptance,
 * dues), and per org unit the counters the group consolidation sums (see risk-counters.ts).
 * The unit counters are written before the risk document, which guards the event.
 */
export function risksProjection(readStore: ReadStore): Projection {
  const risks = readStore.collection<StoredRiskDoc>(ReportingCollections.Risks);
  const counters = readStore.collection<RiskCountersDoc>(ReportingCollections.RiskCounters);
  return {
    name: RISKS_PROJECTION,
    handles: { streamTypes: [RiskStreamTypes.Risk] },
    async apply(event: RecordedEvent) {
      if (!isRiskEvent(event)) return;
      const current = await risks.get(event.streamId);
      if (current && (current._revision ?? 0) >= event.streamRevision) return;
      const before = current ? withoutAttentionFields(bodyOf(current)) : undefined;
      const after = foldRisk(before, event);
      if (after === undefined) return;
      // A document written before the unit counters existed was never counted (read model not
      // rebuilt since the upgrade): its unit gets the whole contribution, nothing is taken back.
      const counted = current && 'attentionRank' in current ? before : undefined;
      await recordContribution(counters, event, counted, after);
      await risks.upsert(
        event.streamId,
        { ...after, ...attentionFieldsOf(after) },
        { revision: event.streamRevision },
      );
    },
    async reset() {
      await risks.drop();
      await counters.drop();
    },
  };
}
