import type {
  AssetRegisteredV1,
  AssetRetiredV1,
  AssetUpdatedV1,
  RiskEventTypes,
} from '@isms/contracts';

export type AssetRegistered = {
  readonly type: typeof RiskEventTypes.AssetRegistered;
  readonly data: AssetRegisteredV1;
};
export type AssetUpdated = {
  readonly type: typeof RiskEventTypes.AssetUpdated;
  readonly data: AssetUpdatedV1;
};
export type AssetRetired = {
  readonly type: typeof RiskEventTypes.AssetRetired;
  readonly data: AssetRetiredV1;
};

export type AssetEvent = AssetRegistered | AssetUpdated | AssetRetired;
