import type { OrgUnitKind } from '@isms/contracts';

/** The platform administrator establishes a tenant: the group and the root of its tree. */
export interface EstablishTenant {
  readonly type: 'EstablishTenant';
  readonly tenantId: string;
  readonly name: string;
  readonly rootOrgUnitId: string;
}

export interface CreateOrgUnit {
  readonly type: 'CreateOrgUnit';
  readonly orgUnitId: string;
  readonly parentId: string;
  readonly kind: OrgUnitKind;
  readonly name: string;
  readonly country?: string;
  readonly location?: string;
}

export interface RenameOrgUnit {
  readonly type: 'RenameOrgUnit';
  readonly orgUnitId: string;
  readonly name: string;
}

export interface MoveOrgUnit {
  readonly type: 'MoveOrgUnit';
  readonly orgUnitId: string;
  readonly newParentId: string;
}

export interface CloseOrgUnit {
  readonly type: 'CloseOrgUnit';
  readonly orgUnitId: string;
  readonly reason: string;
  readonly at: string;
}

export type OrgStructureCommand =
  EstablishTenant | CreateOrgUnit | RenameOrgUnit | MoveOrgUnit | CloseOrgUnit;
