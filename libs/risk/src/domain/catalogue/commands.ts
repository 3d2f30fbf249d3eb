import type { SecurityProperty, ThreatCategory, VulnerabilityCategory } from '@isms/contracts';

export interface AddThreat {
  readonly type: 'AddThreat';
  readonly code: string;
  readonly name: string;
  readonly category: ThreatCategory;
  readonly description: string;
  readonly affects: readonly SecurityProperty[];
  readonly orgUnitId: string;
  readonly by: string;
}

export interface AddVulnerability {
  readonly type: 'AddVulnerability';
  readonly code: string;
  readonly name: string;
  readonly category: VulnerabilityCategory;
  readonly description: string;
  readonly orgUnitId: string;
  readonly by: string;
}

export type RiskCatalogueCommand = AddThreat | AddVulnerability;
