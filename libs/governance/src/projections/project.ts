import type { RecordedEvent } from '@isms/event-sourcing';
import type { ReadCollection } from '@isms/read-store';
import type { GovernanceEvent } from '@isms/contracts';
import { isGovernanceEvent } from '@isms/contracts';

export type GovernanceRecordedEvent = RecordedEvent & GovernanceEvent;

/** Narrows a stored event to the governance events (others are not for these read models). */
export function governanceEvent(event: RecordedEvent): GovernanceRecordedEvent | undefined {
  return isGovernanceEvent(event) ? event : undefined;
}

/**
 * A document fed by one stream: read it, fold the event in, write it back guarded by the event's
 * stream revision, so a redelivered or older event changes nothing.
 */
export async function projectOne<T extends object>(
  collection: ReadCollection<T>,
  id: string,
  event: RecordedEvent,
  fold: (current: T | undefined) => T | undefined,
): Promise<void> {
  const stored = await collection.get(id);
  if (stored && (stored._revision ?? 0) >= event.streamRevision) return;
  let current: T | undefined;
  if (stored) {
    const { _id, _version, _revision, _streams, ...body } = stored;
    current = body as unknown as T;
  }
  const next = fold(current);
  if (next !== undefined) await collection.upsert(id, next, { revision: event.streamRevision });
}

/** Drops the meta fields of a stored document before it leaves the API. */
export function publicView<T extends object>(
  stored: T,
): Omit<T, '_id' | '_version' | '_revision' | '_streams'> {
  const { _id, _version, _revision, _streams, ...body } = stored as T & {
    _id?: unknown;
    _version?: unknown;
    _revision?: unknown;
    _streams?: unknown;
  };
  return body;
}
