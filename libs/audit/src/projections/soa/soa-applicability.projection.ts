import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import {
  ControlsEventTypes as C,
  ControlsStreamTypes,
  controlKey,
  isControlsEvent,
} from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import type { SoaApplicabilityLine, SoaApplicabilityView } from '../read-models.js';
import { AuditCollections } from '../read-models.js';

export const SOA_APPLICABILITY_PROJECTION = 'audit-soa-applicability';

/**
 * Which controls the SoA of each scope declares applicable, from the controls context's published
 * events (the audit programme's coverage needs every applicable control; an auditor's frozen view
 * rebuilds this as of the cut-off). One document per scope (id = scope id).
 */
export function soaApplicabilityProjection(readStore: ReadStore): Projection {
  const soas = readStore.collection<SoaApplicabilityView>(AuditCollections.SoaApplicability);
  return {
    name: SOA_APPLICABILITY_PROJECTION,
    handles: { streamTypes: [ControlsStreamTypes.StatementOfApplicability] },
    async apply(event: RecordedEvent) {
      if (!isControlsEvent(event)) return;
      const at = event.metadata.occurredAt;
      let scopeId: string;
      let orgUnitId: string;
      let change: (lines: SoaApplicabilityLine[]) => SoaApplicabilityLine[];
      let approvedVersion: number | undefined;
      const line = (catalogueId: string, controlId: string, applicable: boolean) => ({
        key: controlKey({ catalogueId, controlId }),
        catalogueId,
        controlId,
        applicable,
      });
      const merge = (lines: SoaApplicabilityLine[], updates: SoaApplicabilityLine[]) => {
        const byKey = new Map(lines.map((l) => [l.key, l]));
        for (const u of updates) byKey.set(u.key, u);
        return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
      };
      switch (event.type) {
        case C.SoaEstablished:
          ({ scopeId, orgUnitId } = event.data);
          change = (lines) => lines;
          break;
        case C.SoaLineRecorded: {
          const d = event.data;
          ({ scopeId, orgUnitId } = d);
          change = (lines) =>
            merge(lines, [line(d.line.catalogueId, d.line.controlId, d.line.applicable)]);
          break;
        }
        case C.SoaVersionApproved: {
          const d = event.data;
          ({ scopeId, orgUnitId } = d);
          approvedVersion = d.version;
          change = (lines) =>
            merge(lines, [
              ...d.lines.map((l) => line(l.catalogueId, l.controlId, l.applicable)),
              ...d.inherited.map((l) =>
                line(l.catalogueId, l.controlId, l.implementationStatus !== 'not-applicable'),
              ),
            ]);
          break;
        }
        case C.SoaCatalogueMigrated: {
          const d = event.data;
          ({ scopeId, orgUnitId } = d);
          change = (lines) =>
            merge(
              lines.filter((l) => l.catalogueId !== d.fromCatalogueId),
              d.lines.flatMap((m) =>
                m.line ? [line(m.line.catalogueId, m.line.controlId, m.line.applicable)] : [],
              ),
            );
          break;
        }
        default:
          return;
      }
      await soas.applyEvent(
        scopeId,
        { streamId: event.streamId, streamRevision: event.streamRevision },
        (current) => ({
          tenantId: event.tenantId,
          scopeId,
          orgUnitId,
          lines: change([...(current?.lines ?? [])]),
          ...(approvedVersion !== undefined
            ? { approvedVersion }
            : current?.approvedVersion !== undefined
              ? { approvedVersion: current.approvedVersion }
              : {}),
          updatedAt: at,
        }),
      );
    },
    reset: () => soas.drop(),
  };
}
