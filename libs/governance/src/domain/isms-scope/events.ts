import type {
  GovernanceEventTypes,
  IsmsScopeApprovedV1,
  IsmsScopeDraftedV1,
  IsmsScopeRevisedV1,
} from '@isms/contracts';

export type IsmsScopeDrafted = {
  readonly type: typeof GovernanceEventTypes.IsmsScopeDrafted;
  readonly data: IsmsScopeDraftedV1;
};
export type IsmsScopeRevised = {
  readonly type: typeof GovernanceEventTypes.IsmsScopeRevised;
  readonly data: IsmsScopeRevisedV1;
};
export type IsmsScopeApproved = {
  readonly type: typeof GovernanceEventTypes.IsmsScopeApproved;
  readonly data: IsmsScopeApprovedV1;
};

export type IsmsScopeEvent = IsmsScopeDrafted | IsmsScopeRevised | IsmsScopeApproved;
