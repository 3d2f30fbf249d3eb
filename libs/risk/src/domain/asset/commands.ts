import type { AssetType, InformationClassification, ProtectionRequirements } from '@isms/contracts';

export interface RegisterAsset {
  readonly type: 'RegisterAsset';
  readonly assetId: string;
  readonly name: string;
  readonly description: string;
  readonly assetType: AssetType;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly classification: InformationClassification;
  readonly requirements: ProtectionRequirements;
}

/** Changes the given fields; the asset type is fixed (register another asset instead). */
export interface UpdateAsset {
  readonly type: 'UpdateAsset';
  readonly name?: string;
  readonly description?: string;
  readonly ownerPersonId?: string;
  readonly orgUnitId?: string;
  readonly classification?: InformationClassification;
  readonly requirements?: ProtectionRequirements;
}

export interface RetireAsset {
  readonly type: 'RetireAsset';
  readonly reason: string;
  readonly at: string;
}

export type AssetCommand = RegisterAsset | UpdateAsset | RetireAsset;
