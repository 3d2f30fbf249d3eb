import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { AuditStreamTypes, isAuditEvent } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { programme } from '../../domain/programme/programme.js';
import type { ProgrammeEvent } from '../../domain/programme/events.js';
import type { ProgrammeView } from '../read-models.js';
import { AuditCollections } from '../read-models.js';

export const PROGRAMMES_PROJECTION = 'audit-programmes';

/** Audit programmes, one document per scope (id = scope id), folded with the programme decider. */
export function programmesProjection(readStore: ReadStore): Projection {
  const programmes = readStore.collection<ProgrammeView>(AuditCollections.Programmes);
  return {
    name: PROGRAMMES_PROJECTION,
    handles: { streamTypes: [AuditStreamTypes.AuditProgramme] },
    async apply(event: RecordedEvent) {
      if (!isAuditEvent(event)) return;
      const scopeId = (event.data as { scopeId: string }).scopeId;
      const current = await programmes.get(scopeId);
      if (current && (current._revision ?? 0) >= event.streamRevision) return;
      const {
        _id,
        _version,
        _revision,
        _streams,
        tenantId: _t,
        ...before
      } = (current ?? {
        status: 'none',
      }) as ProgrammeView & {
        _id?: string;
        _version?: number;
        _revision?: number;
        _streams?: unknown;
      };
      void _id;
      void _version;
      void _revision;
      void _streams;
      const next = programme.evolve(
        current ? (before as ReturnType<typeof programme.initialState>) : programme.initialState(),
        event as ProgrammeEvent,
      );
      if (next.status === 'none') return;
      await programmes.upsert(
        scopeId,
        { ...next, tenantId: event.tenantId },
        { revision: event.streamRevision },
      );
    },
    reset: () => programmes.drop(),
  };
}
