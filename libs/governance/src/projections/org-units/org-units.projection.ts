import type { Projection } from '@isms/event-sourcing';
import type { ReadStore, StoredDocument } from '@isms/read-store';
import { GovernanceEventTypes as T, GovernanceStreamTypes } from '@isms/contracts';
import { governanceEvent } from '../project.js';
import type { OrgUnitHistoryEntry, OrgUnitView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const ORG_UNITS_PROJECTION = 'governance-org-units';

/**
 * One document per org unit, with its path from the root (precomputed, so "the subtree of X"
 * is a plain find on `path`) and its history of renames, moves and closure. All documents are
 * fed by the tenant's one org-structure stream, guarded per document by its revision.
 */
export function orgUnitsProjection(readStore: ReadStore): Projection {
  const units = readStore.collection<OrgUnitView>(Collections.OrgUnits);
  return {
    name: ORG_UNITS_PROJECTION,
    handles: { streamTypes: [GovernanceStreamTypes.OrgStructure] },
    async apply(recorded) {
      const event = governanceEvent(recorded);
      if (!event) return;
      const position = { streamId: event.streamId, streamRevision: event.streamRevision };
      const entry = (
        change: OrgUnitHistoryEntry['change'],
        extra: Partial<OrgUnitHistoryEntry> = {},
      ) => ({
        at: event.recordedAt,
        change,
        by: event.metadata.actor.userId,
        ...extra,
      });
      switch (event.type) {
        case T.OrgUnitCreated: {
          const { orgUnitId, parentId, kind, name, country, location } = event.data;
          const parent = parentId === null ? undefined : await units.get(parentId);
          const path = [...(parent?.path ?? []), orgUnitId];
          await units.applyEvent(orgUnitId, position, () => ({
            tenantId: event.tenantId,
            orgUnitId,
            parentId,
            kind,
            name,
            ...(country !== undefined ? { country } : {}),
            ...(location !== undefined ? { location } : {}),
            status: 'open',
            path,
            depth: path.length - 1,
            createdAt: event.recordedAt,
            history: [entry('created', { to: name })],
          }));
          break;
        }
        case T.OrgUnitRenamed:
          await units.applyEvent(event.data.orgUnitId, position, (current) =>
            current
              ? {
                  ...current,
                  name: event.data.name,
                  history: [
                    ...current.history,
                    entry('renamed', { from: event.data.previousName, to: event.data.name }),
                  ],
                }
              : undefined,
          );
          break;
        case T.OrgUnitMoved: {
          const { orgUnitId, previousParentId, parentId } = event.data;
          const parent = await units.get(parentId);
          if (!parent) break;
          const subtree: StoredDocument<OrgUnitView>[] = await units.find({
            tenantId: event.tenantId,
            path: orgUnitId,
          });
          for (const unit of subtree) {
            await units.applyEvent(unit._id, position, (current) => {
              if (!current) return undefined;
              const path = [...parent.path, ...current.path.slice(current.path.indexOf(orgUnitId))];
              const moved = current.orgUnitId === orgUnitId;
              return {
                ...current,
                path,
                depth: path.length - 1,
                ...(moved
                  ? {
                      parentId,
                      history: [
                        ...current.history,
                        entry('moved', { from: previousParentId, to: parentId }),
                      ],
                    }
                  : {}),
              };
            });
          }
          break;
        }
        case T.OrgUnitClosed:
          await units.applyEvent(event.data.orgUnitId, position, (current) =>
            current
              ? {
                  ...current,
                  status: 'closed',
                  closedAt: event.data.closedAt,
                  history: [...current.history, entry('closed', { reason: event.data.reason })],
                }
              : undefined,
          );
          break;
        default:
          break;
      }
    },
    reset: () => units.drop(),
  };
}

/** The visible units as a nested tree (roots: units whose parent is not visible). */
export interface OrgTreeNode {
  readonly orgUnitId: string;
  readonly kind: OrgUnitView['kind'];
  readonly name: string;
  readonly status: OrgUnitView['status'];
  readonly country?: string;
  readonly children: OrgTreeNode[];
}

export function nestTree(units: readonly OrgUnitView[]): OrgTreeNode[] {
  const nodes = new Map<string, OrgTreeNode>();
  for (const u of [...units].sort((a, b) => a.depth - b.depth || a.name.localeCompare(b.name))) {
    nodes.set(u.orgUnitId, {
      orgUnitId: u.orgUnitId,
      kind: u.kind,
      name: u.name,
      status: u.status,
      ...(u.country !== undefined ? { country: u.country } : {}),
      children: [],
    });
  }
  const roots: OrgTreeNode[] = [];
  for (const u of units) {
    const node = nodes.get(u.orgUnitId)!;
    const parent = u.parentId === null ? undefined : nodes.get(u.parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const byName = (a: OrgTreeNode, b: OrgTreeNode) => a.name.localeCompare(b.name);
  const sortDeep = (list: OrgTreeNode[]) => {
    list.sort(byName);
    for (const n of list) sortDeep(n.children);
  };
  sortDeep(roots);
  return roots;
}
