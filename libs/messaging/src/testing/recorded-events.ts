import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@isms/event-sourcing';
import { computeEventHash } from '@isms/event-sourcing';

/**
 * Builds hash-chained RecordedEvents as an event store would (revisions per stream, increasing
 * global positions), for tests of consumers that receive events rather than store them.
 */
export class RecordedEventFactory {
  private position: number;
  private readonly streams = new Map<string, { revision: number; hash: string | null }>();

  constructor(
    private readonly defaults: {
      readonly tenantId?: string;
      readonly streamType?: string;
      readonly firstPosition?: number;
    } = {},
  ) {
    this.position = (defaults.firstPosition ?? 1) - 1;
  }

  /** The next event of a stream. */
  next(
    streamId: string,
    type = 'RiskIdentified',
    data: unknown = {},
    extra: { readonly correlationId?: string; readonly causationId?: string } = {},
  ): RecordedEvent {
    const stream = this.streams.get(streamId) ?? { revision: 0, hash: null };
    this.position += 1;
    const base = {
      eventId: randomUUID(),
      tenantId: this.defaults.tenantId ?? 'tenant-acme-group',
      streamId,
      streamType: this.defaults.streamType ?? 'risk',
      streamRevision: stream.revision + 1,
      type,
      schemaVersion: 1,
      data,
      metadata: {
        actor: { userId: 'user-ciso', role: 'ciso' },
        correlationId: extra.correlationId ?? randomUUID(),
        ...(extra.causationId ? { causationId: extra.causationId } : {}),
        occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, this.position)).toISOString(),
      },
      recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, this.position)).toISOString(),
      previousHash: stream.hash,
    };
    const event: RecordedEvent = {
      ...base,
      globalPosition: this.position,
      hash: computeEventHash(base),
    };
    this.streams.set(streamId, { revision: event.streamRevision, hash: event.hash });
    return event;
  }
}
