import type {
  RiskEventTypes,
  RiskMethodologyAdoptedV1,
  RiskMethodologyRefinedV1,
} from '@isms/contracts';

export type RiskMethodologyAdopted = {
  readonly type: typeof RiskEventTypes.RiskMethodologyAdopted;
  readonly data: RiskMethodologyAdoptedV1;
};
export type RiskMethodologyRefined = {
  readonly type: typeof RiskEventTypes.RiskMethodologyRefined;
  readonly data: RiskMethodologyRefinedV1;
};

export type RiskMethodologyEvent = RiskMethodologyAdopted | RiskMethodologyRefined;
