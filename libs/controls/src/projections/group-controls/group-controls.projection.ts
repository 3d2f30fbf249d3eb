import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { ControlsEventTypes as T, ControlsStreamTypes, controlKey } from '@isms/contracts';
import { controlsEvent, projectOne } from '../project.js';
import type { GroupControlView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const GROUP_CONTROLS_PROJECTION = 'controls-group-controls';

/** Group controls with each subsidiary's status and deviations. */
export function groupControlsProjection(readStore: ReadStore): Projection {
  const groupControls = readStore.collection<GroupControlView>(Collections.GroupControls);
  return {
    name: GROUP_CONTROLS_PROJECTION,
    handles: {
      streamTypes: [ControlsStreamTypes.GroupControl],
      // Exactly the types apply reacts to (the switch below); no other event reaches it.
      eventTypes: [
        T.GroupControlDefined,
        T.GroupControlRevised,
        T.GroupControlStatusReported,
        T.GroupControlDeviationRecorded,
        T.GroupControlDeviationWithdrawn,
        T.GroupControlRetired,
      ],
    },
    async apply(recorded) {
      const event = controlsEvent(recorded);
      if (!event) return;
      const at = event.recordedAt;
      const by = event.metadata.actor.userId;
      const id = (event.data as { groupControlId?: string }).groupControlId;
      if (!id) return;
      const update = (fold: (current: GroupControlView) => GroupControlView, change: string) =>
        projectOne(groupControls, id, event, (current) => {
          if (!current) return undefined;
          const next = fold(current);
          return { ...next, history: [...next.history, { at, by, change }], updatedAt: at };
        });
      switch (event.type) {
        case T.GroupControlDefined:
          return projectOne(groupControls, id, event, () => ({
            tenantId: event.tenantId,
            ...event.data,
            controlKey: controlKey(event.data),
            revision: 1,
            status: 'active' as const,
            statuses: [],
            deviations: [],
            history: [{ at, by, change: 'defined' }],
            definedAt: at,
            updatedAt: at,
          }));
        case T.GroupControlRevised: {
          const { changeSummary, groupControlId: _g, policyDocumentId, ...content } = event.data;
          return update((current) => {
            const { policyDocumentId: _old, ...rest } = current;
            return {
              ...rest,
              ...content,
              ...(policyDocumentId ? { policyDocumentId } : {}),
            };
          }, `revised: ${changeSummary}`);
        }
        case T.GroupControlStatusReported:
          return update(
            (current) => ({
              ...current,
              statuses: [
                ...current.statuses.filter((s) => s.orgUnitId !== event.data.orgUnitId),
                {
                  orgUnitId: event.data.orgUnitId,
                  implementationStatus: event.data.implementationStatus,
                  ...(event.data.note ? { note: event.data.note } : {}),
                  reportedBy: event.data.reportedBy,
                  reportedAt: at,
                },
              ],
            }),
            `status of ${event.data.orgUnitId}: ${event.data.implementationStatus}`,
          );
        case T.GroupControlDeviationRecorded:
          return update(
            (current) => ({
              ...current,
              deviations: [
                ...current.deviations.filter((d) => d.orgUnitId !== event.data.orgUnitId),
                {
                  orgUnitId: event.data.orgUnitId,
                  deviation: event.data.deviation,
                  reason: event.data.reason,
                  decidedBy: event.data.decidedBy,
                  decidedAt: at,
                },
              ],
            }),
            `deviation of ${event.data.orgUnitId}: ${event.data.reason}`,
          );
        case T.GroupControlDeviationWithdrawn:
          return update(
            (current) => ({
              ...current,
              deviations: current.deviations.filter((d) => d.orgUnitId !== event.data.orgUnitId),
            }),
            `deviation of ${event.data.orgUnitId} withdrawn: ${event.data.reason}`,
          );
        case T.GroupControlRetired:
          return update(
            (current) => ({ ...current, status: 'retired' as const }),
            `retired: ${event.data.reason}`,
          );
        default:
          return;
      }
    },
    reset: () => groupControls.drop(),
  };
}
