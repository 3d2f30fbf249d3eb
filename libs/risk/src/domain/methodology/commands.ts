import type { RiskMethodologyDefinition, RiskMethodologyOverrides } from '@isms/contracts';
import type { EffectiveMethodology } from './methodology-rules.js';

/** The tenant's methodology, at the root of its org tree: a new version replaces the last. */
export interface AdoptMethodology {
  readonly type: 'AdoptMethodology';
  readonly methodologyId: string;
  readonly orgUnitId: string;
  readonly definition: RiskMethodologyDefinition;
  readonly changeSummary: string;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}

/**
 * A unit below the root (e.g. a subsidiary) overrides parts of the methodology it inherits, for
 * its subtree. `inherited` is what is in force above it now; the result must be a valid whole.
 */
export interface RefineMethodology {
  readonly type: 'RefineMethodology';
  readonly methodologyId: string;
  readonly orgUnitId: string;
  readonly overrides: RiskMethodologyOverrides;
  readonly inherited: EffectiveMethodology;
  readonly changeSummary: string;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}

export type RiskMethodologyCommand = AdoptMethodology | RefineMethodology;
