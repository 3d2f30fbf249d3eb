import type { RiskEvent as PublishedRiskEvent } from '@isms/contracts';
import { RiskEventTypes } from '@isms/contracts';

/** The events of the risk stream (a subset of the published risk events). */
export type RiskEvent = Extract<
  PublishedRiskEvent,
  {
    type:
      | typeof RiskEventTypes.RiskIdentified
      | typeof RiskEventTypes.RiskScenarioRevised
      | typeof RiskEventTypes.RiskOwnerReassigned
      | typeof RiskEventTypes.RiskScopeChanged
      | typeof RiskEventTypes.InherentRiskAssessed
      | typeof RiskEventTypes.RiskTreatmentDecided
      | typeof RiskEventTypes.RiskTreatmentPlanned
      | typeof RiskEventTypes.TreatmentActionCompleted
      | typeof RiskEventTypes.ResidualRiskAssessed
      | typeof RiskEventTypes.RiskAccepted
      | typeof RiskEventTypes.RiskAcceptanceMarkedStale
      | typeof RiskEventTypes.RiskReviewed
      | typeof RiskEventTypes.RiskClosed;
  }
>;

export const RISK_STREAM_EVENT_TYPES: readonly RiskEvent['type'][] = [
  RiskEventTypes.RiskIdentified,
  RiskEventTypes.RiskScenarioRevised,
  RiskEventTypes.RiskOwnerReassigned,
  RiskEventTypes.RiskScopeChanged,
  RiskEventTypes.InherentRiskAssessed,
  RiskEventTypes.RiskTreatmentDecided,
  RiskEventTypes.RiskTreatmentPlanned,
  RiskEventTypes.TreatmentActionCompleted,
  RiskEventTypes.ResidualRiskAssessed,
  RiskEventTypes.RiskAccepted,
  RiskEventTypes.RiskAcceptanceMarkedStale,
  RiskEventTypes.RiskReviewed,
  RiskEventTypes.RiskClosed,
];
