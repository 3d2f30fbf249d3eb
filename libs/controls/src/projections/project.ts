import type { RecordedEvent } from '@isms/event-sourcing';
import type { ReadCollection } from '@isms/read-store';
import type { ControlsEvent } from '@isms/contracts';
import { isControlsEvent } from '@isms/contracts';

export type ControlsRecordedEvent = RecordedEvent & ControlsEvent;

/** Narrows a stored event to the controls events. */
export function controlsEvent(event: RecordedEvent): ControlsRecordedEvent | undefined {
  return isControlsEvent(event) ? event : undefined;
}

/**
 * A document fed by one stream: read it, fold the event in, write it back guarded by the
 * event's stream revision, so a redelivered or older event changes nothing.
 */
export async function projectOne<T extends object>(
  collection: ReadCollection<T>,
  id: string,
  event: RecordedEvent,
  fold: (current: T | undefined) => T | undefined,
): Promise<void> {
  const stored = await collection.get(id);
  if (stored && (stored._revision ?? 0) >= event.streamRevision) return;
  const next = fold(stored ? publicView(stored) : undefined);
  if (next !== undefined) await collection.upsert(id, next, { revision: event.streamRevision });
}

/** Drops the store's meta fields before a document leaves the API. */
export function publicView<T extends object>(stored: T): T {
  const {
    _id: _i,
    _version: _v,
    _revision: _r,
    _streams: _s,
    ...body
  } = stored as T & {
    _id?: unknown;
    _version?: unknown;
    _revision?: unknown;
    _streams?: unknown;
  };
  return body as T;
}
