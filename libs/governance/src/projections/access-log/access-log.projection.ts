import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { GovernanceEventTypes as T, GovernanceStreamTypes } from '@isms/contracts';
import { governanceEvent, projectOne } from '../project.js';
import type { AccessLogEntryView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const ACCESS_LOG_PROJECTION = 'governance-access-log';

/**
 * One document per access-log entry (reads by external auditors, denied requests). Where the
 * contexts run as services, every service records its own entries and this read model gathers
 * them from every service's topic (each entry says `servedBy`).
 */
export function accessLogProjection(readStore: ReadStore): Projection {
  const entries = readStore.collection<AccessLogEntryView>(Collections.AccessLog);
  return {
    name: ACCESS_LOG_PROJECTION,
    handles: {
      streamTypes: [GovernanceStreamTypes.AccessLog],
      eventTypes: [T.AccessRecorded],
    },
    async apply(recorded) {
      const event = governanceEvent(recorded);
      if (event?.type !== T.AccessRecorded) return;
      await projectOne(entries, event.data.entryId, event, () => ({
        tenantId: event.tenantId,
        position: event.globalPosition,
        sortKey: `${event.recordedAt}#${String(event.globalPosition).padStart(16, '0')}`,
        ...event.data,
      }));
    },
    reset: () => entries.drop(),
  };
}
