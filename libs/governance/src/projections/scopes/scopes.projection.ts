import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { GovernanceEventTypes as T, GovernanceStreamTypes } from '@isms/contracts';
import { governanceEvent, projectOne } from '../project.js';
import type { ScopeView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const SCOPES_PROJECTION = 'governance-scopes';

/** ISMS scopes: the version in draft, the version in force, and the decision log. */
export function scopesProjection(readStore: ReadStore): Projection {
  const scopes = readStore.collection<ScopeView>(Collections.Scopes);
  return {
    name: SCOPES_PROJECTION,
    handles: { streamTypes: [GovernanceStreamTypes.IsmsScope] },
    async apply(recorded) {
      const event = governanceEvent(recorded);
      if (!event) return;
      switch (event.type) {
        case T.IsmsScopeDrafted:
          return projectOne(scopes, event.data.scopeId, event, () => ({
            tenantId: event.tenantId,
            scopeId: event.data.scopeId,
            ownerOrgUnitId: event.data.definition.ownerOrgUnitId,
            status: 'draft' as const,
            version: event.data.version,
            definition: event.data.definition,
            approvals: [],
            revisions: [],
            createdAt: event.recordedAt,
            updatedAt: event.recordedAt,
          }));
        case T.IsmsScopeRevised:
          return projectOne(scopes, event.data.scopeId, event, (current) =>
            current
              ? {
                  ...current,
                  status: 'draft' as const,
                  version: event.data.version,
                  definition: event.data.definition,
                  revisions: [
                    ...current.revisions,
                    {
                      version: event.data.version,
                      changeSummary: event.data.changeSummary,
                      at: event.recordedAt,
                      by: event.metadata.actor.userId,
                    },
                  ],
                  updatedAt: event.recordedAt,
                }
              : undefined,
          );
        case T.IsmsScopeApproved:
          return projectOne(scopes, event.data.scopeId, event, (current) =>
            current
              ? {
                  ...current,
                  status: 'approved' as const,
                  approvedVersion: event.data.version,
                  approvedDefinition: current.definition,
                  approvals: [
                    ...current.approvals,
                    {
                      version: event.data.version,
                      approvedBy: event.data.approvedBy,
                      approverRole: event.data.approverRole,
                      reason: event.data.reason,
                      approvedAt: event.data.approvedAt,
                    },
                  ],
                  updatedAt: event.recordedAt,
                }
              : undefined,
          );
        default:
          return;
      }
    },
    reset: () => scopes.drop(),
  };
}
