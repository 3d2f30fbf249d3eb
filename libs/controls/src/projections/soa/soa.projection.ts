import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { ControlsEventTypes as T, ControlsStreamTypes, controlKey } from '@isms/contracts';
import { compareControlIds } from '../../catalogues/catalogue.js';
import { controlsEvent, projectOne } from '../project.js';
import type { SoaVersionView, SoaView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const SOA_PROJECTION = 'controls-soa';

export function soaVersionId(soaId: string, version: number): string {
  return `${soaId}:v${version}`;
}

type Line = SoaView['lines'][number];

function sortLines(lines: Line[]): Line[] {
  return lines.sort((a, b) =>
    a.catalogueId !== b.catalogueId
      ? a.catalogueId < b.catalogueId
        ? -1
        : 1
      : compareControlIds(a.controlId, b.controlId),
  );
}

/** Each scope's SoA as its own events say, and each approved version exactly as approved. */
export function soaProjection(readStore: ReadStore): Projection {
  const soas = readStore.collection<SoaView>(Collections.Soas);
  const versions = readStore.collection<SoaVersionView>(Collections.SoaVersions);
  return {
    name: SOA_PROJECTION,
    handles: {
      streamTypes: [ControlsStreamTypes.StatementOfApplicability],
      // Exactly the types apply reacts to (the switch below); no other event reaches it.
      eventTypes: [
        T.SoaEstablished,
        T.SoaCatalogueIncluded,
        T.SoaLineRecorded,
        T.SoaReapprovalRequired,
        T.SoaVersionApproved,
        T.SoaCatalogueMigrated,
      ],
    },
    async apply(recorded) {
      const event = controlsEvent(recorded);
      if (!event) return;
      const at = event.recordedAt;
      switch (event.type) {
        case T.SoaEstablished:
          return projectOne(soas, event.data.soaId, event, () => ({
            tenantId: event.tenantId,
            soaId: event.data.soaId,
            scopeId: event.data.scopeId,
            orgUnitId: event.data.orgUnitId,
            catalogueId: event.data.catalogueId,
            extensionCatalogueIds: [],
            lines: [],
            changedControls: [],
            migrationGaps: [],
            migrations: [],
            establishedBy: event.data.establishedBy,
            establishedAt: at,
            updatedAt: at,
          }));
        case T.SoaCatalogueIncluded:
          return projectOne(soas, event.data.soaId, event, (current) =>
            current
              ? {
                  ...current,
                  extensionCatalogueIds: [...current.extensionCatalogueIds, event.data.catalogueId],
                  updatedAt: at,
                }
              : undefined,
          );
        case T.SoaLineRecorded:
          return projectOne(soas, event.data.soaId, event, (current) => {
            if (!current) return undefined;
            const key = controlKey(event.data.line);
            const lines = current.lines.filter((l) => controlKey(l) !== key);
            lines.push({ ...event.data.line, recordedBy: event.data.recordedBy, recordedAt: at });
            return {
              ...current,
              lines: sortLines(lines),
              migrationGaps: current.migrationGaps.filter((g) => controlKey(g) !== key),
              updatedAt: at,
            };
          });
        case T.SoaReapprovalRequired:
          return projectOne(soas, event.data.soaId, event, (current) =>
            current
              ? { ...current, changedControls: event.data.changedControls, updatedAt: at }
              : undefined,
          );
        case T.SoaVersionApproved: {
          const { lines, inherited, extensionCatalogueIds, ...approval } = event.data;
          await projectOne(versions, soaVersionId(approval.soaId, approval.version), event, () => ({
            tenantId: event.tenantId,
            ...approval,
            extensionCatalogueIds,
            lines,
            inherited,
          }));
          return projectOne(soas, approval.soaId, event, (current) =>
            current
              ? {
                  ...current,
                  approved: {
                    version: approval.version,
                    digest: approval.digest,
                    approvedBy: approval.approvedBy,
                    approverRole: approval.approverRole,
                    reason: approval.reason,
                    approvedAt: approval.approvedAt,
                  },
                  changedControls: [],
                  updatedAt: at,
                }
              : undefined,
          );
        }
        case T.SoaCatalogueMigrated:
          return projectOne(soas, event.data.soaId, event, (current) => {
            if (!current) return undefined;
            const kept = current.lines.filter((l) => l.catalogueId !== event.data.fromCatalogueId);
            const migrated = event.data.lines.flatMap((m) =>
              m.line ? [{ ...m.line, recordedBy: event.data.migratedBy, recordedAt: at }] : [],
            );
            return {
              ...current,
              catalogueId: event.data.toCatalogueId,
              lines: sortLines([...kept, ...migrated]),
              migrationGaps: event.data.lines.flatMap((m) =>
                m.line
                  ? []
                  : [
                      {
                        catalogueId: event.data.toCatalogueId,
                        controlId: m.controlId,
                        migratedFrom: m.provenance.migratedFrom,
                        sourceControlIds: m.provenance.sourceControlIds,
                        decisionNeeded: m.provenance.decisionNeeded ?? 'no-source-answer',
                      },
                    ],
              ),
              migrations: [
                ...current.migrations,
                {
                  fromCatalogueId: event.data.fromCatalogueId,
                  toCatalogueId: event.data.toCatalogueId,
                  migratedBy: event.data.migratedBy,
                  migratedAt: at,
                },
              ],
              updatedAt: at,
            };
          });
        default:
          return;
      }
    },
    reset: async () => {
      await soas.drop();
      await versions.drop();
    },
  };
}
