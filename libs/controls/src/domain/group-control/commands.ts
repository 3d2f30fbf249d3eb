import type { ImplementationStatus, InclusionReason } from '@isms/contracts';
import type { CatalogueIndex } from '../rules.js';

export interface GroupControlContent {
  readonly title: string;
  readonly implementationDescription: string;
  readonly inclusionReasons: readonly InclusionReason[];
  readonly justification: string;
  readonly ownerPersonId: string;
  readonly policyDocumentId?: string;
}

export interface DefineGroupControl extends GroupControlContent {
  readonly type: 'DefineGroupControl';
  readonly groupControlId: string;
  readonly orgUnitId: string;
  /** The tenant's root org unit, from the org tree: group controls live there. */
  readonly groupRootOrgUnitId: string;
  readonly catalogueId: string;
  readonly controlId: string;
  readonly catalogues: CatalogueIndex;
  readonly by: string;
}

export interface ReviseGroupControl extends GroupControlContent {
  readonly type: 'ReviseGroupControl';
  readonly changeSummary: string;
  readonly by: string;
}

/** The org units from the tenant root down to `orgUnitId` (inclusive), from the org tree. */
export type OrgUnitPath = readonly string[];

export interface ReportGroupControlStatus {
  readonly type: 'ReportGroupControlStatus';
  readonly orgUnitId: string;
  readonly orgUnitPath: OrgUnitPath;
  readonly implementationStatus: ImplementationStatus;
  readonly note?: string;
  readonly by: string;
}

export interface RecordGroupControlDeviation {
  readonly type: 'RecordGroupControlDeviation';
  readonly orgUnitId: string;
  readonly orgUnitPath: OrgUnitPath;
  readonly deviation: string;
  readonly reason: string;
  readonly by: string;
}

export interface WithdrawGroupControlDeviation {
  readonly type: 'WithdrawGroupControlDeviation';
  readonly orgUnitId: string;
  readonly reason: string;
  readonly by: string;
}

export interface RetireGroupControl {
  readonly type: 'RetireGroupControl';
  readonly reason: string;
  readonly by: string;
}

export type GroupControlCommand =
  | DefineGroupControl
  | ReviseGroupControl
  | ReportGroupControlStatus
  | RecordGroupControlDeviation
  | WithdrawGroupControlDeviation
  | RetireGroupControl;
