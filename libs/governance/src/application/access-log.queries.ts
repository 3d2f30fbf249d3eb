import { Injectable } from '@nestjs/common';
import type { PrincipalKind } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import { paginate } from '@isms/platform-nest';
import { publicView } from '../projections/project.js';
import type { AccessLogEntryView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CommandContext, tenantOf } from './command-context.js';
import { Lookups } from './lookups.js';

export interface AccessLogQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly grantId?: string;
  readonly personId?: string;
  readonly outcome?: 'allowed' | 'denied';
  readonly principalKind?: PrincipalKind;
}

/** The access log as the group sees it: what auditors read, and what was refused. */
@Injectable()
export class AccessLogQueries {
  constructor(
    private readonly context: CommandContext,
    private readonly lookups: Lookups,
  ) {}

  async list(principal: Principal, query: AccessLogQuery) {
    const tenantId = tenantOf(principal);
    if (query.grantId) {
      const grant = await this.lookups.grant(tenantId, query.grantId);
      await this.context.access.assertCan(principal, 'governance:access-log:read', {
        scopeId: grant.scopeId,
      });
    }
    const visible = this.context.access.visibleOrgUnitIds(principal, 'governance:access-log:read');
    const conditions: Record<string, unknown>[] = [{ tenantId }, { orgUnitIds: { $in: visible } }];
    if (query.grantId) conditions.push({ grantIds: query.grantId });
    if (query.personId) conditions.push({ personId: query.personId });
    if (query.outcome) conditions.push({ outcome: query.outcome });
    if (query.principalKind) conditions.push({ principalKind: query.principalKind });
    const page = await paginate(
      this.lookups.readStore.collection<AccessLogEntryView>(Collections.AccessLog),
      { $and: conditions },
      { sortBy: 'sortKey', limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
    );
    return {
      ...page,
      items: page.items.map((e) => {
        const { sortKey: _, ...entry } = publicView(e);
        return entry;
      }),
    };
  }
}
