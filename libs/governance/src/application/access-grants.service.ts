import { Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import { GovernanceStreamTypes } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import { grantStatus } from '@isms/auth';
import { paginate } from '@isms/platform-nest';
import { accessGrant } from '../domain/access-grant/access-grant.js';
import type { AccessGrantCommand } from '../domain/access-grant/commands.js';
import { publicView } from '../projections/project.js';
import type { AccessGrantView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CommandContext, tenantOf } from './command-context.js';
import { Lookups } from './lookups.js';

export interface GrantAccessInput {
  readonly auditorPersonId: string;
  readonly certificationBody?: string;
  readonly scopeId: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly reason: string;
}

/** Access for certification bodies: one scope, one window, read-only, revocable. */
@Injectable()
export class AccessGrantsService {
  constructor(
    private readonly context: CommandContext,
    private readonly lookups: Lookups,
  ) {}

  async grant(principal: Principal, input: GrantAccessInput) {
    const tenantId = tenantOf(principal);
    const scope = await this.lookups.scope(tenantId, input.scopeId);
    await this.context.access.assertCan(principal, 'governance:grant:manage', {
      orgUnitId: scope.ownerOrgUnitId,
    });
    const auditor = await this.lookups.person(tenantId, input.auditorPersonId);
    if (auditor.kind !== 'external-auditor' || auditor.status !== 'active') {
      throw new DomainRuleViolation(
        'grantee-not-external-auditor',
        `${auditor.displayName} is not an active external auditor; register the certification body's auditor as kind "external-auditor" first.`,
        { field: 'auditorPersonId' },
      );
    }
    if (scope.approvedVersion === undefined) {
      throw new DomainRuleViolation(
        'scope-not-approved',
        `"${scope.definition.name}" has no approved version; certification bodies audit an approved scope.`,
        { field: 'scopeId' },
      );
    }
    const grantId = this.context.newId(GovernanceStreamTypes.AccessGrant);
    return this.execute(
      principal,
      tenantId,
      grantId,
      {
        type: 'GrantAccess',
        grantId,
        auditorPersonId: input.auditorPersonId,
        certificationBody: input.certificationBody ?? auditor.certificationBody ?? '',
        scopeId: input.scopeId,
        validFrom: input.validFrom,
        validUntil: input.validUntil,
        grantedBy: principal.userId,
        reason: input.reason,
        at: this.context.now(),
      },
      undefined,
      input.reason,
      scope.ownerOrgUnitId,
    );
  }

  async revoke(principal: Principal, grantId: string, reason: string, expectedRevision?: number) {
    const tenantId = tenantOf(principal);
    const grant = await this.lookups.grant(tenantId, grantId);
    const owner = this.context.access.directory.scope(grant.scopeId)?.ownerOrgUnitId;
    await this.context.access.assertCan(
      principal,
      'governance:grant:manage',
      owner ? { orgUnitId: owner } : { scopeId: grant.scopeId },
    );
    return this.execute(
      principal,
      tenantId,
      grantId,
      { type: 'RevokeAccessGrant', revokedBy: principal.userId, reason, at: this.context.now() },
      expectedRevision,
      reason,
      owner,
    );
  }

  async get(principal: Principal, grantId: string) {
    const tenantId = tenantOf(principal);
    const grant = await this.lookups.grant(tenantId, grantId);
    if (!(principal.kind === 'external-auditor' && grant.auditorPersonId === principal.userId)) {
      await this.context.access.assertCan(principal, 'read', { scopeId: grant.scopeId });
    }
    return { grant: this.view(grant), revision: grant._revision ?? 0 };
  }

  async list(
    principal: Principal,
    query: { limit: number; cursor?: string; scopeId?: string; auditorPersonId?: string },
  ) {
    const tenantId = tenantOf(principal);
    let base: Record<string, unknown>;
    if (principal.kind === 'external-auditor') {
      base = { tenantId, auditorPersonId: principal.userId };
    } else {
      const visible = new Set(this.context.access.visibleOrgUnitIds(principal));
      const scopes = await this.lookups.readStore
        .collection<{ scopeId: string; ownerOrgUnitId: string }>(Collections.Scopes)
        .find({ tenantId }, { projection: { scopeId: 1, ownerOrgUnitId: 1 } });
      base = {
        tenantId,
        scopeId: { $in: scopes.filter((s) => visible.has(s.ownerOrgUnitId)).map((s) => s.scopeId) },
      };
    }
    const conditions: Record<string, unknown>[] = [base];
    if (query.scopeId) conditions.push({ scopeId: query.scopeId });
    if (query.auditorPersonId) conditions.push({ auditorPersonId: query.auditorPersonId });
    const page = await paginate(
      this.lookups.readStore.collection<AccessGrantView>(Collections.AccessGrants),
      { $and: conditions },
      { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
    );
    return { ...page, items: page.items.map((g) => this.view(g)) };
  }

  /** The grant with its status now (active, not-yet-valid, expired, revoked). */
  private view(grant: AccessGrantView) {
    const status = grantStatus(
      {
        grantId: grant.grantId,
        scopeId: grant.scopeId,
        certificationBody: grant.certificationBody,
        validFrom: grant.validFrom,
        validUntil: grant.validUntil,
        ...(grant.revocation ? { revokedAt: grant.revocation.revokedAt } : {}),
      },
      this.context.clock.now(),
    );
    return { ...publicView(grant), status };
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    grantId: string,
    command: AccessGrantCommand,
    expectedRevision: number | undefined,
    reason: string,
    onBehalfOf: string | undefined,
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: grantId, streamType: GovernanceStreamTypes.AccessGrant },
      accessGrant,
      command,
      this.context.metadata(principal, { reason, ...(onBehalfOf ? { onBehalfOf } : {}) }),
      expectedRevision,
    );
    const grant = await this.lookups.grant(tenantId, grantId);
    return { grant: this.view(grant), revision: result.nextExpectedRevision };
  }
}
