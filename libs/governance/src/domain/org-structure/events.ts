import type {
  GovernanceEventTypes,
  OrgUnitClosedV1,
  OrgUnitCreatedV1,
  OrgUnitMovedV1,
  OrgUnitRenamedV1,
  TenantEstablishedV1,
} from '@isms/contracts';

export type TenantEstablished = {
  readonly type: typeof GovernanceEventTypes.TenantEstablished;
  readonly data: TenantEstablishedV1;
};
export type OrgUnitCreated = {
  readonly type: typeof GovernanceEventTypes.OrgUnitCreated;
  readonly data: OrgUnitCreatedV1;
};
export type OrgUnitRenamed = {
  readonly type: typeof GovernanceEventTypes.OrgUnitRenamed;
  readonly data: OrgUnitRenamedV1;
};
export type OrgUnitMoved = {
  readonly type: typeof GovernanceEventTypes.OrgUnitMoved;
  readonly data: OrgUnitMovedV1;
};
export type OrgUnitClosed = {
  readonly type: typeof GovernanceEventTypes.OrgUnitClosed;
  readonly data: OrgUnitClosedV1;
};

export type OrgStructureEvent =
  TenantEstablished | OrgUnitCreated | OrgUnitRenamed | OrgUnitMoved | OrgUnitClosed;
