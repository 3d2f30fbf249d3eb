import type { CertificationCycle } from '@isms/contracts';

export interface EstablishProgramme {
  readonly type: 'EstablishProgramme';
  readonly programmeId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly cycle: CertificationCycle;
  readonly firstYear: number;
  readonly centralFunctionOrgUnitId: string;
  readonly siteOrgUnitIds: readonly string[];
  readonly by: string;
}

/** Records the sites audited in a cycle year; without `siteOrgUnitIds` the proposal is taken. */
export interface SampleSites {
  readonly type: 'SampleSites';
  readonly cycleYear: number;
  readonly siteOrgUnitIds?: readonly string[];
  readonly reason: string;
  readonly by: string;
}

export type ProgrammeCommand = EstablishProgramme | SampleSites;
