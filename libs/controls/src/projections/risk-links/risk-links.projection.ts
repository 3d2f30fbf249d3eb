import type { Projection } from '@isms/event-sourcing';
import type { AsOfNarrowing } from '@isms/platform-nest';
import type { ReadStore } from '@isms/read-store';
import type { ControlRef } from '@isms/contracts';
import { RiskEventTypes as R, RiskStreamTypes, controlKey, isRiskEvent } from '@isms/contracts';
import { projectOne } from '../project.js';
import type { RiskLinkView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const RISK_LINKS_PROJECTION = 'controls-risk-links';

/**
 * For an `?asOf=` rebuild asked only about the risk links of one ISMS scope (its SoA): the risks
 * that can be linked to the scope then are those with an event setting their scope to it —
 * the only events `apply` takes a link's `scopeId` from. The other risks are not replayed.
 */
export function riskLinksOfScope(scopeId: string): AsOfNarrowing {
  return {
    projection: RISK_LINKS_PROJECTION,
    eventTypes: [R.RiskIdentified, R.RiskScopeChanged, R.RiskTreatmentPlanned],
    dataEquals: { scopeId },
  };
}

function keys(...lists: (readonly ControlRef[])[]): string[] {
  return [...new Set(lists.flat().map(controlKey))];
}

/**
 * The risk context's published events, as far as controls care: which controls protect a risk
 * (existing controls of the inherent assessment) or treat it (the treatment plan). This is the
 * controls context's own copy; it never reads the risk context's data.
 */
export function riskLinksProjection(readStore: ReadStore): Projection {
  const links = readStore.collection<RiskLinkView>(Collections.RiskLinks);
  return {
    name: RISK_LINKS_PROJECTION,
    handles: {
      streamTypes: [RiskStreamTypes.Risk],
      // Exactly the types apply reacts to (the switch below): about a third of the risk
      // events, so an `?asOf=` rebuild reads (and decodes) no others.
      eventTypes: [
        R.RiskIdentified,
        R.RiskScenarioRevised,
        R.RiskScopeChanged,
        R.InherentRiskAssessed,
        R.RiskTreatmentPlanned,
        R.RiskClosed,
      ],
    },
    async apply(event) {
      if (!isRiskEvent(event)) return;
      const at = event.recordedAt;
      const update = (riskId: string, fold: (current: RiskLinkView) => RiskLinkView) =>
        projectOne(links, riskId, event, (current) =>
          current ? { ...fold(current), updatedAt: at } : undefined,
        );
      switch (event.type) {
        case R.RiskIdentified:
          return projectOne(links, event.data.riskId, event, () => ({
            tenantId: event.tenantId,
            riskId: event.data.riskId,
            title: event.data.title,
            orgUnitId: event.data.orgUnitId,
            scopeId: event.data.scopeId,
            status: 'open' as const,
            existingControls: [],
            treatmentControls: [],
            controlKeys: [],
            updatedAt: at,
          }));
        case R.RiskScenarioRevised:
          return update(event.data.riskId, (c) => ({ ...c, title: event.data.title }));
        case R.RiskScopeChanged:
          return update(event.data.riskId, (c) => ({ ...c, scopeId: event.data.scopeId }));
        case R.InherentRiskAssessed:
          return update(event.data.riskId, (c) => ({
            ...c,
            existingControls: event.data.existingControlRefs,
            controlKeys: keys(event.data.existingControlRefs, c.treatmentControls),
          }));
        case R.RiskTreatmentPlanned:
          return update(event.data.riskId, (c) => ({
            ...c,
            title: event.data.title,
            orgUnitId: event.data.orgUnitId,
            scopeId: event.data.scopeId,
            treatmentControls: event.data.linkedControls,
            controlKeys: keys(c.existingControls, event.data.linkedControls),
          }));
        case R.RiskClosed:
          return update(event.data.riskId, (c) => ({ ...c, status: 'closed' as const }));
        default:
          return;
      }
    },
    reset: () => links.drop(),
  };
}
