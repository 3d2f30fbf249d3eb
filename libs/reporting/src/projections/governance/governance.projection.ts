import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import {
  GovernanceEventTypes as G,
  GovernanceStreamTypes,
  isGovernanceEvent,
} from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { applyGuarded, bodyOf } from '../guarded.js';
import type { DocumentDoc, OrgUnitDoc, ScopeDoc } from '../read-models.js';
import { ReportingCollections } from '../read-models.js';

export const ORG_UNITS_PROJECTION = 'reporting-org-units';
export const SCOPES_PROJECTION = 'reporting-scopes';
export const DOCUMENTS_PROJECTION = 'reporting-documents';

/**
 * The org tree as reporting needs it: one document per unit with its ancestor path, so a
 * subtree is a plain find (`{ path: unitId }`). All units of a tenant live in one stream; each
 * unit's document is guarded by the revision of the last event that changed it.
 */
export function orgUnitsProjection(readStore: ReadStore): Projection {
  const units = readStore.collection<OrgUnitDoc>(ReportingCollections.OrgUnits);
  return {
    name: ORG_UNITS_PROJECTION,
    handles: { streamTypes: [GovernanceStreamTypes.OrgStructure] },
    async apply(event: RecordedEvent) {
      if (!isGovernanceEvent(event)) return;
      switch (event.type) {
        case G.OrgUnitCreated: {
          const d = event.data;
          const parent = d.parentId ? await units.get(d.parentId) : undefined;
          await applyGuarded(units, d.orgUnitId, event, () => ({
            tenantId: event.tenantId,
            orgUnitId: d.orgUnitId,
            parentId: d.parentId,
            kind: d.kind,
            name: d.name,
            path: [...(parent?.path ?? []), d.orgUnitId],
            closed: false,
          }));
          return;
        }
        case G.OrgUnitRenamed:
          await applyGuarded(units, event.data.orgUnitId, event, (current) =>
            current ? { ...bodyOf(current), name: event.data.name } : undefined,
          );
          return;
        case G.OrgUnitClosed:
          await applyGuarded(units, event.data.orgUnitId, event, (current) =>
            current ? { ...bodyOf(current), closed: true } : undefined,
          );
          return;
        case G.OrgUnitMoved: {
          const moved = await units.get(event.data.orgUnitId);
          const parent = await units.get(event.data.parentId);
          if (!moved || !parent) return;
          const oldPrefix = moved.path.length - 1;
          const newPrefix = [...parent.path];
          const subtree = await units.find({ tenantId: event.tenantId, path: moved.orgUnitId });
          for (const unit of subtree) {
            await applyGuarded(units, unit.orgUnitId, event, (current) =>
              current
                ? {
                    ...bodyOf(current),
                    ...(current.orgUnitId === moved.orgUnitId
                      ? { parentId: event.data.parentId }
                      : {}),
                    path: [...newPrefix, ...current.path.slice(oldPrefix)],
                  }
                : undefined,
            );
          }
          return;
        }
        default:
          return;
      }
    },
    reset: () => units.drop(),
  };
}

/** ISMS scopes (4.3): what they include and exclude, and whether their latest version is approved. */
export function scopesProjection(readStore: ReadStore): Projection {
  const scopes = readStore.collection<ScopeDoc>(ReportingCollections.Scopes);
  return {
    name: SCOPES_PROJECTION,
    handles: { streamTypes: [GovernanceStreamTypes.IsmsScope] },
    async apply(event: RecordedEvent) {
      if (!isGovernanceEvent(event)) return;
      switch (event.type) {
        case G.IsmsScopeDrafted:
        case G.IsmsScopeRevised: {
          const d = event.data;
          const def = d.definition;
          await applyGuarded(scopes, d.scopeId, event, (current): ScopeDoc => ({
            tenantId: event.tenantId,
            scopeId: d.scopeId,
            name: def.name,
            ownerOrgUnitId: def.ownerOrgUnitId,
            includedOrgUnitIds: def.includedOrgUnitIds,
            exclusions: def.exclusions,
            internalIssues: def.internalIssues,
            externalIssues: def.externalIssues,
            interestedParties: def.interestedParties,
            version: d.version,
            approvedVersion: current?.approvedVersion ?? null,
            approvedAt: current?.approvedAt ?? null,
            approvedBy: current?.approvedBy ?? null,
            status: current?.approvedVersion ? 'revised' : 'draft',
            revisedAt: event.type === G.IsmsScopeRevised ? event.recordedAt : null,
            changeSummary: 'changeSummary' in d ? d.changeSummary : null,
          }));
          return;
        }
        case G.IsmsScopeApproved:
          await applyGuarded(scopes, event.data.scopeId, event, (current): ScopeDoc | undefined =>
            current
              ? {
                  ...bodyOf(current),
                  approvedVersion: event.data.version,
                  approvedAt: event.data.approvedAt,
                  approvedBy: event.data.approvedBy,
                  status: event.data.version >= current.version ? 'approved' : current.status,
                }
              : undefined,
          );
          return;
        default:
          return;
      }
    },
    reset: () => scopes.drop(),
  };
}

/** The document register (5.2, 7.5): which mandatory types a document answers and its approval and review. */
export function documentsProjection(readStore: ReadStore): Projection {
  const documents = readStore.collection<DocumentDoc>(ReportingCollections.Documents);
  return {
    name: DOCUMENTS_PROJECTION,
    handles: { streamTypes: [GovernanceStreamTypes.ControlledDocument] },
    async apply(event: RecordedEvent) {
      if (!isGovernanceEvent(event)) return;
      const update = (change: (doc: DocumentDoc) => DocumentDoc) =>
        applyGuarded(documents, event.streamId, event, (current) =>
          current ? change(bodyOf(current)) : undefined,
        );
      switch (event.type) {
        case G.DocumentRegistered: {
          const d = event.data;
          await applyGuarded(documents, event.streamId, event, () => ({
            tenantId: event.tenantId,
            documentId: d.documentId,
            title: d.title,
            documentType: d.documentType,
            orgUnitId: d.orgUnitId,
            mandatoryTypes: d.mandatoryTypes,
            scopeIds: d.scopeIds,
            reviewIntervalMonths: d.reviewIntervalMonths,
            latestVersion: null,
            approvedVersion: null,
            approvedAt: null,
            approvedBy: null,
            nextReviewDue: null,
            lastReviewedAt: null,
            withdrawnAt: null,
          }));
          return;
        }
        case G.DocumentDetailsChanged: {
          const d = event.data;
          await update((doc) => ({
            ...doc,
            ...(d.title !== undefined ? { title: d.title } : {}),
            ...(d.mandatoryTypes !== undefined ? { mandatoryTypes: d.mandatoryTypes } : {}),
            ...(d.scopeIds !== undefined ? { scopeIds: d.scopeIds } : {}),
            ...(d.reviewIntervalMonths !== undefined
              ? { reviewIntervalMonths: d.reviewIntervalMonths }
              : {}),
          }));
          return;
        }
        case G.DocumentVersionAdded:
          await update((doc) => ({ ...doc, latestVersion: event.data.version }));
          return;
        case G.DocumentVersionApproved:
          await update((doc) => ({
            ...doc,
            approvedVersion: event.data.version,
            approvedAt: event.data.approvedAt,
            approvedBy: event.data.approvedBy,
            nextReviewDue: event.data.nextReviewDue,
          }));
          return;
        case G.DocumentReviewed:
          await update((doc) => ({
            ...doc,
            lastReviewedAt: event.data.reviewedAt,
            nextReviewDue: event.data.nextReviewDue,
          }));
          return;
        case G.DocumentWithdrawn:
          await update((doc) => ({ ...doc, withdrawnAt: event.data.withdrawnAt }));
          return;
        default:
          return;
      }
    },
    reset: () => documents.drop(),
  };
}
