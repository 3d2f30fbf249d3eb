import type { RiskEventTypes, ThreatAddedV1, VulnerabilityAddedV1 } from '@isms/contracts';

export type ThreatAdded = {
  readonly type: typeof RiskEventTypes.ThreatAdded;
  readonly data: ThreatAddedV1;
};
export type VulnerabilityAdded = {
  readonly type: typeof RiskEventTypes.VulnerabilityAdded;
  readonly data: VulnerabilityAddedV1;
};

export type RiskCatalogueEvent = ThreatAdded | VulnerabilityAdded;
