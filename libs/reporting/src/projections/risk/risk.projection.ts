import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { RiskEventTypes as R, RiskStreamTypes, controlKey, isRiskEvent } from '@isms/contracts';
import type { RiskRating } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { applyGuarded, bodyOf } from '../guarded.js';
import type { MethodologyDoc, RatingView, RiskDoc } from '../read-models.js';
import { ReportingCollections } from '../read-models.js';

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

/** One document per risk: the register as reporting reads it (ratings, treatment, acceptance, dues). */
export function risksProjection(readStore: ReadStore): Projection {
  const risks = readStore.collection<RiskDoc>(ReportingCollections.Risks);
  return {
    name: RISKS_PROJECTION,
    handles: { streamTypes: [RiskStreamTypes.Risk] },
    async apply(event: RecordedEvent) {
      if (!isRiskEvent(event)) return;
      const at = event.recordedAt;
      const change = (mutate: (doc: RiskDoc) => RiskDoc) =>
        applyGuarded(risks, event.streamId, event, (current) =>
          current ? withCurrent({ ...mutate(bodyOf(current)), updatedAt: at }) : undefined,
        );
      switch (event.type) {
        case R.RiskIdentified: {
          const d = event.data;
          await applyGuarded(risks, event.streamId, event, () =>
            withCurrent({
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
            }),
          );
          return;
        }
        case R.RiskScenarioRevised:
          await change((doc) => ({
            ...doc,
            title: event.data.title,
            threatCode: event.data.threatCode,
            vulnerabilityCode: event.data.vulnerabilityCode,
          }));
          return;
        case R.RiskOwnerReassigned:
          await change((doc) => ({ ...doc, ownerPersonId: event.data.ownerPersonId }));
          return;
        case R.RiskScopeChanged:
          await change((doc) => ({ ...doc, scopeId: event.data.scopeId }));
          return;
        case R.InherentRiskAssessed:
          await change((doc) => ({
            ...doc,
            inherent: rating(event.data.rating),
            // A new inherent rating restarts the evaluation: the residual is rated again later.
            residual: null,
            status: 'assessed',
            nextReviewDue: event.data.nextReviewDue,
          }));
          return;
        case R.RiskTreatmentDecided:
          await change((doc) => ({
            ...doc,
            treatment: event.data.option,
            status: 'treatment-decided',
          }));
          return;
        case R.RiskTreatmentPlanned:
          await change((doc) => ({
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
          return;
        case R.TreatmentActionCompleted:
          await change((doc) => ({
            ...doc,
            actions: doc.actions.map((a) =>
              a.actionId === event.data.actionId
                ? { ...a, completedAt: event.data.completedAt }
                : a,
            ),
          }));
          return;
        case R.ResidualRiskAssessed:
          await change((doc) => ({
            ...doc,
            residual: rating(event.data.rating),
            status: 'residual-assessed',
            nextReviewDue: event.data.nextReviewDue,
          }));
          return;
        case R.RiskAccepted:
          await change((doc) => ({
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
          return;
        case R.RiskAcceptanceMarkedStale:
          await change((doc) => ({
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
          return;
        case R.RiskReviewed:
          await change((doc) => ({ ...doc, nextReviewDue: event.data.nextReviewDue }));
          return;
        case R.RiskClosed:
          await change((doc) => ({
            ...doc,
            status: 'closed',
            closedAt: event.data.closedAt,
            nextReviewDue: null,
          }));
          return;
        default:
          return;
      }
    },
    reset: () => risks.drop(),
  };
}
