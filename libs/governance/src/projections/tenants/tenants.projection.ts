import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { GovernanceEventTypes as T, GovernanceStreamTypes } from '@isms/contracts';
import { governanceEvent, projectOne } from '../project.js';
import type { TenantView } from '../read-models.js';
import { Collections } from '../read-models.js';

/** Tenants (enterprise groups), for the platform administrator. */
export function tenantsProjection(readStore: ReadStore): Projection {
  const tenants = readStore.collection<TenantView>(Collections.Tenants);
  return {
    name: 'governance-tenants',
    handles: {
      streamTypes: [GovernanceStreamTypes.OrgStructure],
      eventTypes: [T.TenantEstablished],
    },
    async apply(recorded) {
      const event = governanceEvent(recorded);
      if (event?.type !== T.TenantEstablished) return;
      await projectOne(tenants, event.data.tenantId, event, () => ({
        tenantId: event.data.tenantId,
        name: event.data.name,
        rootOrgUnitId: event.data.rootOrgUnitId,
        establishedAt: event.recordedAt,
        establishedBy: event.metadata.actor.userId,
      }));
    },
    reset: () => tenants.drop(),
  };
}
