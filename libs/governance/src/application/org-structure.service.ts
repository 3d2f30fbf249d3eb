import { Injectable } from '@nestjs/common';
import type { AsOf } from '@isms/event-sourcing';
import type { OrgUnitKind } from '@isms/contracts';
import { GovernanceStreamTypes, orgStructureStreamId } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import { orgStructure } from '../domain/org-structure/org-structure.js';
import type { OrgStructureCommand } from '../domain/org-structure/commands.js';
import { ORG_UNITS_PROJECTION, nestTree } from '../projections/org-units/org-units.projection.js';
import { publicView } from '../projections/project.js';
import type { OrgUnitView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CommandContext, tenantOf } from './command-context.js';
import { Lookups, visibleFilter } from './lookups.js';

/**
 * The group structure. The tenant's whole tree is one stream, so its revision is the ETag of
 * every unit: If-Match protects a change against any concurrent change of the tree.
 */
@Injectable()
export class OrgStructureService {
  constructor(
    private readonly context: CommandContext,
    private readonly lookups: Lookups,
  ) {}

  async create(
    principal: Principal,
    input: {
      parentId: string;
      kind: Exclude<OrgUnitKind, 'group'>;
      name: string;
      country?: string;
      location?: string;
    },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    await this.lookups.orgUnit(tenantId, input.parentId);
    await this.context.access.assertCan(principal, 'governance:structure:manage', {
      orgUnitId: input.parentId,
    });
    const orgUnitId = this.context.newId('org-unit');
    return this.change(
      principal,
      tenantId,
      orgUnitId,
      { type: 'CreateOrgUnit', orgUnitId, ...input },
      input.parentId,
      expectedRevision,
    );
  }

  async rename(principal: Principal, orgUnitId: string, name: string, expectedRevision?: number) {
    const tenantId = await this.authorise(principal, orgUnitId);
    return this.change(
      principal,
      tenantId,
      orgUnitId,
      { type: 'RenameOrgUnit', orgUnitId, name },
      orgUnitId,
      expectedRevision,
    );
  }

  async move(
    principal: Principal,
    orgUnitId: string,
    newParentId: string,
    expectedRevision?: number,
  ) {
    const tenantId = await this.authorise(principal, orgUnitId);
    await this.lookups.orgUnit(tenantId, newParentId);
    await this.context.access.assertCan(principal, 'governance:structure:manage', {
      orgUnitId: newParentId,
    });
    return this.change(
      principal,
      tenantId,
      orgUnitId,
      { type: 'MoveOrgUnit', orgUnitId, newParentId },
      orgUnitId,
      expectedRevision,
    );
  }

  async close(principal: Principal, orgUnitId: string, reason: string, expectedRevision?: number) {
    const tenantId = await this.authorise(principal, orgUnitId);
    return this.change(
      principal,
      tenantId,
      orgUnitId,
      { type: 'CloseOrgUnit', orgUnitId, reason, at: this.context.now() },
      orgUnitId,
      expectedRevision,
      reason,
    );
  }

  async get(principal: Principal, orgUnitId: string, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    const from = await this.lookups.asOf([ORG_UNITS_PROJECTION], asOf, tenantId);
    const unit = await this.lookups.orgUnit(tenantId, orgUnitId, from);
    await this.context.access.assertCan(principal, 'read', { orgUnitId });
    return { unit: publicView(unit), revision: await this.revision(tenantId) };
  }

  async list(principal: Principal, options: { asOf?: AsOf; includeClosed: boolean }) {
    const tenantId = tenantOf(principal);
    const from = await this.lookups.asOf([ORG_UNITS_PROJECTION], options.asOf, tenantId);
    const visible = this.context.access.visibleOrgUnitIds(principal);
    const units = await from.collection<OrgUnitView>(Collections.OrgUnits).find(
      {
        ...visibleFilter(tenantId, 'orgUnitId', visible),
        ...(options.includeClosed ? {} : { status: 'open' }),
      },
      { sort: { depth: 1, name: 1 } },
    );
    return { items: units.map((u) => publicView(u)), revision: await this.revision(tenantId) };
  }

  async tree(principal: Principal, options: { asOf?: AsOf; includeClosed: boolean }) {
    const { items, revision } = await this.list(principal, options);
    return { roots: nestTree(items), revision };
  }

  revision(tenantId: string): Promise<number> {
    return this.context.store.streamRevision(orgStructureStreamId(tenantId));
  }

  private async authorise(principal: Principal, orgUnitId: string): Promise<string> {
    const tenantId = tenantOf(principal);
    await this.lookups.orgUnit(tenantId, orgUnitId);
    await this.context.access.assertCan(principal, 'governance:structure:manage', { orgUnitId });
    return tenantId;
  }

  private async change(
    principal: Principal,
    tenantId: string,
    orgUnitId: string,
    command: OrgStructureCommand,
    onBehalfOf: string,
    expectedRevision: number | undefined,
    reason?: string,
  ) {
    const result = await this.context.execute(
      {
        tenantId,
        streamId: orgStructureStreamId(tenantId),
        streamType: GovernanceStreamTypes.OrgStructure,
      },
      orgStructure,
      command,
      this.context.metadata(principal, { onBehalfOf, ...(reason !== undefined ? { reason } : {}) }),
      expectedRevision,
    );
    const unit = await this.lookups.orgUnit(tenantId, orgUnitId);
    return { unit: publicView(unit), revision: result.nextExpectedRevision };
  }
}
