import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { GovernanceEventTypes as T, GovernanceStreamTypes } from '@isms/contracts';
import { governanceEvent, projectOne } from '../project.js';
import type { AccessLogEntryView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const ACCESS_LOG_PROJECTION = 'governance-access-log';

/** One document per access-log entry (reads by external auditors, denied requests). */
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
        ...event.data,
      }));
    },
    reset: () => entries.drop(),
  };
}
