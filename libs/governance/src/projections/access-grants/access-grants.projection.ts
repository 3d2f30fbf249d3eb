import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { GovernanceEventTypes as T, GovernanceStreamTypes } from '@isms/contracts';
import { governanceEvent, projectOne } from '../project.js';
import type { AccessGrantView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const ACCESS_GRANTS_PROJECTION = 'governance-access-grants';

/** Access grants for certification bodies, with their revocation if any. */
export function accessGrantsProjection(readStore: ReadStore): Projection {
  const grants = readStore.collection<AccessGrantView>(Collections.AccessGrants);
  return {
    name: ACCESS_GRANTS_PROJECTION,
    handles: { streamTypes: [GovernanceStreamTypes.AccessGrant] },
    async apply(recorded) {
      const event = governanceEvent(recorded);
      if (!event) return;
      switch (event.type) {
        case T.AccessGranted:
          return projectOne(grants, event.data.grantId, event, () => ({
            tenantId: event.tenantId,
            ...event.data,
            grantedAt: event.recordedAt,
          }));
        case T.AccessGrantRevoked:
          return projectOne(grants, event.data.grantId, event, (current) =>
            current
              ? {
                  ...current,
                  revocation: {
                    revokedBy: event.data.revokedBy,
                    reason: event.data.reason,
                    revokedAt: event.data.revokedAt,
                  },
                }
              : undefined,
          );
        default:
          return;
      }
    },
    reset: () => grants.drop(),
  };
}
