import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { GovernanceEventTypes as T, GovernanceStreamTypes } from '@isms/contracts';
import { governanceEvent, projectOne } from '../project.js';
import type { PersonView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const PEOPLE_PROJECTION = 'governance-people';

/** People of each tenant with their current role bindings. */
export function peopleProjection(readStore: ReadStore): Projection {
  const people = readStore.collection<PersonView>(Collections.People);
  return {
    name: PEOPLE_PROJECTION,
    handles: { streamTypes: [GovernanceStreamTypes.Person] },
    async apply(recorded) {
      const event = governanceEvent(recorded);
      if (!event) return;
      switch (event.type) {
        case T.PersonRegistered:
          return projectOne(people, event.data.personId, event, () => ({
            tenantId: event.tenantId,
            ...event.data,
            status: 'active' as const,
            roleBindings: [],
            registeredAt: event.recordedAt,
          }));
        case T.RoleBound:
          return projectOne(people, event.data.personId, event, (current) =>
            current
              ? {
                  ...current,
                  roleBindings: [
                    ...current.roleBindings,
                    {
                      bindingId: event.data.bindingId,
                      role: event.data.role,
                      orgUnitId: event.data.orgUnitId,
                      boundAt: event.recordedAt,
                      boundBy: event.metadata.actor.userId,
                    },
                  ],
                }
              : undefined,
          );
        case T.RoleUnbound:
          return projectOne(people, event.data.personId, event, (current) =>
            current
              ? {
                  ...current,
                  roleBindings: current.roleBindings.filter(
                    (b) => b.bindingId !== event.data.bindingId,
                  ),
                }
              : undefined,
          );
        case T.PersonDeactivated:
          return projectOne(people, event.data.personId, event, (current) =>
            current
              ? { ...current, status: 'deactivated' as const, deactivatedAt: event.recordedAt }
              : undefined,
          );
        default:
          return;
      }
    },
    reset: () => people.drop(),
  };
}
