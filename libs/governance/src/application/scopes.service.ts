import { Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { AsOf } from '@isms/event-sourcing';
import type { IsmsScopeDefinition } from '@isms/contracts';
import { GovernanceStreamTypes } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import { paginate } from '@isms/platform-nest';
import { ismsScope } from '../domain/isms-scope/isms-scope.js';
import type { IsmsScopeCommand } from '../domain/isms-scope/commands.js';
import { SCOPES_PROJECTION } from '../projections/scopes/scopes.projection.js';
import { publicView } from '../projections/project.js';
import type { ScopeView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CommandContext, tenantOf } from './command-context.js';
import { Lookups, visibleFilter } from './lookups.js';

/** ISMS scopes (4.1–4.3): drafted and revised by the ISMS team, approved by top management. */
@Injectable()
export class ScopesService {
  constructor(
    private readonly context: CommandContext,
    private readonly lookups: Lookups,
  ) {}

  async draft(principal: Principal, definition: IsmsScopeDefinition) {
    const tenantId = tenantOf(principal);
    await this.lookups.orgUnit(tenantId, definition.ownerOrgUnitId);
    await this.context.access.assertCan(principal, 'governance:scope:manage', {
      orgUnitId: definition.ownerOrgUnitId,
    });
    this.assertUnitsFit(tenantId, definition);
    const scopeId = this.context.newId(GovernanceStreamTypes.IsmsScope);
    return this.execute(principal, tenantId, scopeId, { type: 'DraftScope', scopeId, definition });
  }

  async revise(
    principal: Principal,
    scopeId: string,
    input: { definition: IsmsScopeDefinition; changeSummary: string },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const scope = await this.lookups.scope(tenantId, scopeId);
    await this.context.access.assertCan(principal, 'governance:scope:manage', {
      orgUnitId: scope.ownerOrgUnitId,
    });
    this.assertUnitsFit(tenantId, input.definition);
    return this.execute(
      principal,
      tenantId,
      scopeId,
      { type: 'ReviseScope', ...input },
      expectedRevision,
    );
  }

  /** Top management's decision: the approver's role and reason go into the event. */
  async approve(
    principal: Principal,
    scopeId: string,
    input: { reason: string; version?: number },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const scope = await this.lookups.scope(tenantId, scopeId);
    const allowed = await this.context.access.assertCan(principal, 'governance:scope:approve', {
      orgUnitId: scope.ownerOrgUnitId,
    });
    const approverRole = allowed.role ?? 'ciso';
    return this.execute(
      principal,
      tenantId,
      scopeId,
      {
        type: 'ApproveScope',
        approvedBy: principal.userId,
        approverRole,
        reason: input.reason,
        at: this.context.now(),
        ...(input.version !== undefined ? { version: input.version } : {}),
      },
      expectedRevision,
      { reason: input.reason, role: approverRole, onBehalfOf: scope.ownerOrgUnitId },
    );
  }

  async get(principal: Principal, scopeId: string, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    const from = await this.lookups.asOf([SCOPES_PROJECTION], asOf, tenantId);
    const scope = await this.lookups.scope(tenantId, scopeId, from);
    await this.context.access.assertCan(principal, 'read', { scopeId });
    return { scope: publicView(scope), revision: scope._revision ?? 0 };
  }

  async list(
    principal: Principal,
    query: { limit: number; cursor?: string; status?: 'draft' | 'approved'; asOf?: AsOf },
  ) {
    const tenantId = tenantOf(principal);
    const from = await this.lookups.asOf([SCOPES_PROJECTION], query.asOf, tenantId);
    const base =
      principal.kind === 'external-auditor'
        ? { tenantId, scopeId: { $in: this.context.access.grantedScopeIds(principal) } }
        : visibleFilter(
            tenantId,
            'ownerOrgUnitId',
            this.context.access.visibleOrgUnitIds(principal),
          );
    const page = await paginate(
      from.collection<ScopeView>(Collections.Scopes),
      { ...base, ...(query.status ? { status: query.status } : {}) },
      { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
    );
    return { ...page, items: page.items.map((s) => publicView(s)) };
  }

  /** Units named in the scope exist in this tenant, are open, and sit where they should. */
  private assertUnitsFit(tenantId: string, definition: IsmsScopeDefinition): void {
    const directory = this.context.access.directory;
    const named = [
      ...definition.includedOrgUnitIds.map((id, i) => ({ id, field: `includedOrgUnitIds.${i}` })),
      ...definition.exclusions.flatMap((e, i) =>
        e.orgUnitId ? [{ id: e.orgUnitId, field: `exclusions.${i}.orgUnitId` }] : [],
      ),
    ];
    for (const { id, field } of named) {
      const unit = directory.orgUnit(id);
      if (!unit || unit.tenantId !== tenantId) {
        throw new DomainRuleViolation(
          'scope-unit-unknown',
          `Org unit ${id} (${field}) does not exist in this tenant.`,
          {
            field,
          },
        );
      }
      if (unit.status === 'closed') {
        throw new DomainRuleViolation(
          'scope-unit-closed',
          `"${unit.name}" (${field}) is closed; a scope covers open units.`,
          {
            field,
          },
        );
      }
    }
    definition.includedOrgUnitIds.forEach((id, i) => {
      if (!directory.isWithin(id, definition.ownerOrgUnitId)) {
        throw new DomainRuleViolation(
          'scope-unit-outside-owner',
          `Org unit ${id} lies outside the subtree of the scope's owner; a scope covers its owner's units only.`,
          { field: `includedOrgUnitIds.${i}` },
        );
      }
    });
    definition.exclusions.forEach((exclusion, i) => {
      const id = exclusion.orgUnitId;
      if (
        id &&
        !definition.includedOrgUnitIds.some((included) => directory.isWithin(id, included))
      ) {
        throw new DomainRuleViolation(
          'exclusion-outside-scope',
          `Exclusion ${i + 1} names org unit ${id}, which the scope does not include anyway; exclude only units below an included one.`,
          { field: `exclusions.${i}.orgUnitId` },
        );
      }
    });
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    scopeId: string,
    command: IsmsScopeCommand,
    expectedRevision?: number,
    metadata: { reason?: string; role?: string; onBehalfOf?: string } = {},
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: scopeId, streamType: GovernanceStreamTypes.IsmsScope },
      ismsScope,
      command,
      this.context.metadata(principal, metadata),
      expectedRevision,
    );
    const scope = await this.lookups.scope(tenantId, scopeId);
    return { scope: publicView(scope), revision: result.nextExpectedRevision };
  }
}
