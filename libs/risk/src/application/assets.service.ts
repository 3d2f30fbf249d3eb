import { Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { AsOf } from '@isms/event-sourcing';
import type { Principal } from '@isms/auth';
import type { AssetType, InformationClassification, ProtectionRequirements } from '@isms/contracts';
import { RiskStreamTypes } from '@isms/contracts';
import type { Filter } from '@isms/read-store';
import { paginate } from '@isms/platform-nest';
import { asset } from '../domain/asset/asset.js';
import type { AssetCommand } from '../domain/asset/commands.js';
import { ASSETS_PROJECTION } from '../projections/assets/assets.projection.js';
import type { AssetView } from '../projections/read-models.js';
import { RiskCollections } from '../projections/read-models.js';
import { withoutMeta } from './views.js';
import { RiskContext, tenantOf, visibleUnits } from './risk-context.js';

export interface AssetInput {
  readonly name: string;
  readonly description: string;
  readonly assetType: AssetType;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly classification: InformationClassification;
  readonly requirements: ProtectionRequirements;
}

export interface AssetQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly orgUnitId?: string;
  readonly assetType?: AssetType;
  readonly ownerPersonId?: string;
  readonly classification?: InformationClassification;
  readonly includeRetired?: boolean;
  readonly asOf?: AsOf;
}

/** The asset inventory: what the ISMS protects, who owns it, how much protection it needs. */
@Injectable()
export class AssetsService {
  constructor(private readonly context: RiskContext) {}

  async register(principal: Principal, input: AssetInput) {
    const tenantId = tenantOf(principal);
    this.context.assertOrgUnit(tenantId, input.orgUnitId, 'orgUnitId');
    await this.context.assertCan(principal, 'risk:write', input.orgUnitId);
    this.context.assertPerson(tenantId, input.ownerPersonId, 'ownerPersonId');
    const assetId = this.context.newId(RiskStreamTypes.Asset);
    return this.execute(
      principal,
      tenantId,
      assetId,
      { type: 'RegisterAsset', assetId, ...input },
      0,
    );
  }

  async update(
    principal: Principal,
    assetId: string,
    changes: Partial<Omit<AssetInput, 'assetType'>>,
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const current = await this.find(tenantId, assetId);
    await this.context.assertCan(principal, 'risk:write', current.orgUnitId);
    if (changes.orgUnitId !== undefined && changes.orgUnitId !== current.orgUnitId) {
      this.context.assertOrgUnit(tenantId, changes.orgUnitId, 'orgUnitId');
      await this.context.assertCan(principal, 'risk:write', changes.orgUnitId);
    }
    if (changes.ownerPersonId !== undefined) {
      this.context.assertPerson(tenantId, changes.ownerPersonId, 'ownerPersonId');
    }
    return this.execute(
      principal,
      tenantId,
      assetId,
      { type: 'UpdateAsset', ...changes },
      expectedRevision,
    );
  }

  async retire(principal: Principal, assetId: string, reason: string, expectedRevision?: number) {
    const tenantId = tenantOf(principal);
    const current = await this.find(tenantId, assetId);
    await this.context.assertCan(principal, 'risk:write', current.orgUnitId);
    return this.execute(
      principal,
      tenantId,
      assetId,
      { type: 'RetireAsset', reason, at: this.context.now() },
      expectedRevision,
      reason,
    );
  }

  async get(principal: Principal, assetId: string, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    const from = await this.context.readModels([ASSETS_PROJECTION], asOf, tenantId);
    const found = await this.context.one<AssetView>(
      RiskCollections.Assets,
      'Asset',
      tenantId,
      assetId,
      from,
    );
    await this.context.assertCan(principal, 'read', found.orgUnitId);
    return { asset: withoutMeta(found), revision: found._revision ?? 0 };
  }

  async list(principal: Principal, query: AssetQuery) {
    const tenantId = tenantOf(principal);
    if (query.orgUnitId) this.context.assertOrgUnit(tenantId, query.orgUnitId, 'query.orgUnitId');
    const from = await this.context.readModels([ASSETS_PROJECTION], query.asOf, tenantId);
    const filter: Filter = {
      tenantId,
      orgUnitId: { $in: visibleUnits(this.context, principal, query.orgUnitId) },
      ...(query.assetType ? { assetType: query.assetType } : {}),
      ...(query.ownerPersonId ? { ownerPersonId: query.ownerPersonId } : {}),
      ...(query.classification ? { classification: query.classification } : {}),
      ...(query.includeRetired ? {} : { status: 'active' }),
    };
    const page = await paginate(from.collection<AssetView>(RiskCollections.Assets), filter, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return { ...page, items: page.items.map(withoutMeta) };
  }

  /** Active assets of the tenant, for linking to a risk (a 422 names the first that is not). */
  async assertLinkable(tenantId: string, assetIds: readonly string[]): Promise<void> {
    const assets = this.context.readStore.collection<AssetView>(RiskCollections.Assets);
    for (const [index, assetId] of assetIds.entries()) {
      const found = await assets.get(assetId);
      if (!found || found.tenantId !== tenantId) {
        throw new DomainRuleViolation(
          'asset-unknown',
          `Asset ${assetId} (assetIds.${index}) is not in your inventory; register it first.`,
          { field: `assetIds.${index}` },
        );
      }
      if (found.status === 'retired') {
        throw new DomainRuleViolation(
          'asset-retired',
          `Asset "${found.name}" (assetIds.${index}) was retired; link an asset that is in use.`,
          { field: `assetIds.${index}` },
        );
      }
    }
  }

  private async find(tenantId: string, assetId: string) {
    return this.context.one<AssetView>(RiskCollections.Assets, 'Asset', tenantId, assetId);
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    assetId: string,
    command: AssetCommand,
    expectedRevision?: number,
    reason?: string,
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: assetId, streamType: RiskStreamTypes.Asset },
      asset,
      command,
      this.context.metadata(principal, reason !== undefined ? { reason } : {}),
      expectedRevision,
    );
    const view = await this.context.one<AssetView>(
      RiskCollections.Assets,
      'Asset',
      tenantId,
      assetId,
    );
    return { asset: withoutMeta(view), revision: result.nextExpectedRevision };
  }
}
