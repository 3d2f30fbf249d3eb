import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import type { ControlRef } from '@isms/contracts';
import { ControlsEventTypes as T, ControlsStreamTypes, controlKey } from '@isms/contracts';
import { controlsEvent, projectOne } from '../project.js';
import type { EvidenceView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const EVIDENCE_PROJECTION = 'controls-evidence';

/** Evidence records with their validity (for expiry queries) and linked controls. */
export function evidenceProjection(readStore: ReadStore): Projection {
  const evidence = readStore.collection<EvidenceView>(Collections.Evidence);
  const withControls = (current: EvidenceView, controls: readonly ControlRef[], at: string) => ({
    ...current,
    controls,
    controlKeys: controls.map(controlKey),
    updatedAt: at,
  });
  return {
    name: EVIDENCE_PROJECTION,
    handles: {
      streamTypes: [ControlsStreamTypes.EvidenceRecord],
      // Exactly the types apply reacts to (the switch below); no other event reaches it.
      eventTypes: [T.EvidenceRecorded, T.EvidenceLinked, T.EvidenceUnlinked, T.EvidenceWithdrawn],
    },
    async apply(recorded) {
      const event = controlsEvent(recorded);
      if (!event) return;
      const at = event.recordedAt;
      switch (event.type) {
        case T.EvidenceRecorded:
          return projectOne(evidence, event.data.evidenceId, event, () => ({
            tenantId: event.tenantId,
            ...event.data,
            controlKeys: event.data.controls.map(controlKey),
            status: 'active' as const,
            recordedAt: at,
            updatedAt: at,
          }));
        case T.EvidenceLinked:
          return projectOne(evidence, event.data.evidenceId, event, (current) =>
            current
              ? withControls(current, [...current.controls, event.data.control], at)
              : undefined,
          );
        case T.EvidenceUnlinked:
          return projectOne(evidence, event.data.evidenceId, event, (current) =>
            current
              ? withControls(
                  current,
                  current.controls.filter((c) => controlKey(c) !== controlKey(event.data.control)),
                  at,
                )
              : undefined,
          );
        case T.EvidenceWithdrawn:
          return projectOne(evidence, event.data.evidenceId, event, (current) =>
            current
              ? {
                  ...current,
                  status: 'withdrawn' as const,
                  withdrawnReason: event.data.reason,
                  updatedAt: at,
                }
              : undefined,
          );
        default:
          return;
      }
    },
    reset: () => evidence.drop(),
  };
}
