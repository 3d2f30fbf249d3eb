import type { RecordedEvent } from '@isms/event-sourcing';
import type { ReadCollection, StoredDocument } from '@isms/read-store';

/**
 * Applies one event to one per-entity document, guarded by the event's stream revision: a
 * redelivered or older event changes nothing. `next` gets the current document (undefined if
 * none) and returns the new body, or undefined to leave it.
 */
export async function applyGuarded<T extends object>(
  collection: ReadCollection<T>,
  id: string,
  event: RecordedEvent,
  next: (current: StoredDocument<T> | undefined) => T | undefined,
): Promise<void> {
  const current = await collection.get(id);
  if (current && (current._revision ?? 0) >= event.streamRevision) return;
  const body = next(current);
  if (body === undefined) return;
  await collection.upsert(id, body, { revision: event.streamRevision });
}

/** The body of a stored document without the store's fields. */
export function bodyOf<T extends object>(doc: StoredDocument<T>): T {
  const { _id, _version, _revision, _streams, ...body } = doc as StoredDocument<T> &
    Record<string, unknown>;
  void _id;
  void _version;
  void _revision;
  void _streams;
  return body as unknown as T;
}
