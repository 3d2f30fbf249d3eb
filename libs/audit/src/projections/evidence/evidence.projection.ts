import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import {
  ControlsEventTypes as C,
  ControlsStreamTypes,
  controlKey,
  isControlsEvent,
} from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import type { EvidenceView } from '../read-models.js';
import { AuditCollections } from '../read-models.js';

export const EVIDENCE_PROJECTION = 'audit-evidence';

/**
 * Evidence records as the controls context published them: what findings and evidence answers
 * may reference (same tenant, not withdrawn), and what a frozen view shows as of its cut-off.
 */
export function evidenceProjection(readStore: ReadStore): Projection {
  const evidence = readStore.collection<EvidenceView>(AuditCollections.Evidence);
  return {
    name: EVIDENCE_PROJECTION,
    handles: { streamTypes: [ControlsStreamTypes.EvidenceRecord] },
    async apply(event: RecordedEvent) {
      if (!isControlsEvent(event)) return;
      const revision = { revision: event.streamRevision };
      if (event.type === C.EvidenceRecorded) {
        const d = event.data;
        await evidence.upsert(
          d.evidenceId,
          {
            tenantId: event.tenantId,
            evidenceId: d.evidenceId,
            scopeId: d.scopeId,
            orgUnitId: d.orgUnitId,
            title: d.title,
            evidenceType: d.evidenceType,
            collectedAt: d.collectedAt,
            ...(d.validUntil !== undefined ? { validUntil: d.validUntil } : {}),
            sha256: d.sha256,
            controls: d.controls,
            controlKeys: d.controls.map(controlKey),
            withdrawn: false,
          },
          revision,
        );
        return;
      }
      if (
        event.type !== C.EvidenceLinked &&
        event.type !== C.EvidenceUnlinked &&
        event.type !== C.EvidenceWithdrawn
      )
        return;
      const current = await evidence.get(event.data.evidenceId);
      if (!current || (current._revision ?? 0) >= event.streamRevision) return;
      const { _id, _version, _revision, _streams, ...body } = current;
      void _id;
      void _version;
      void _revision;
      void _streams;
      let controls = body.controls;
      if (event.type === C.EvidenceLinked) controls = [...controls, event.data.control];
      if (event.type === C.EvidenceUnlinked) {
        const key = controlKey(event.data.control);
        controls = controls.filter((c) => controlKey(c) !== key);
      }
      await evidence.upsert(
        body.evidenceId,
        {
          ...body,
          controls,
          controlKeys: controls.map(controlKey),
          withdrawn: body.withdrawn || event.type === C.EvidenceWithdrawn,
        },
        revision,
      );
    },
    reset: () => evidence.drop(),
  };
}
