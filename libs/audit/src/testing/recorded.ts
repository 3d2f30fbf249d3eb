import type { RecordedEvent } from '@isms/event-sourcing';

let position = 0;

/** A recorded event as the store would deliver it, for projection specs. */
export function recorded(
  stream: { streamId: string; streamType: string; tenantId?: string },
  streamRevision: number,
  event: { type: string; data: unknown },
  recordedAt = '2026-03-02T10:00:00.000Z',
): RecordedEvent {
  position += 1;
  return {
    ...event,
    eventId: `evt-${position}`,
    tenantId: stream.tenantId ?? 'tenant-a',
    streamId: stream.streamId,
    streamType: stream.streamType,
    streamRevision,
    globalPosition: position,
    schemaVersion: 1,
    metadata: { actor: { userId: 'person-isms' }, correlationId: 'c', occurredAt: recordedAt },
    recordedAt,
    previousHash: null,
    hash: `hash-${position}`,
  };
}
