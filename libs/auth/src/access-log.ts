import { randomUUID } from 'node:crypto';
import type { Actor, Clock, EventStore } from '@isms/event-sourcing';
import type { AccessRecordedV1, AccessTokenIssuedV1 } from '@isms/contracts';
import { GovernanceEventTypes, GovernanceStreamTypes, accessLogStreamId } from '@isms/contracts';

export type AccessLogEntry = Omit<AccessRecordedV1, 'entryId' | 'at'>;

/**
 * Writes the access log into the event store, one stream per tenant (and, in a service, per
 * recording context: see accessLogStreamId): it is evidence, so it is hash-chained and kept like
 * every other event. Appends do not need the stream's revision.
 */
export class AccessLogRecorder {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly correlationId: () => string | undefined = () => undefined,
    /** The context recording (a service); undefined in the embedded platform. */
    private readonly recordedBy?: string,
  ) {}

  async record(tenantId: string, entry: AccessLogEntry, actor: Actor): Promise<number> {
    const at = this.clock.now().toISOString();
    const data: AccessRecordedV1 = {
      entryId: randomUUID(),
      ...entry,
      ...(this.recordedBy ? { servedBy: this.recordedBy } : {}),
      at,
    };
    return this.append(tenantId, GovernanceEventTypes.AccessRecorded, data, actor, at);
  }

  async recordTokenIssued(
    tenantId: string,
    issued: Omit<AccessTokenIssuedV1, 'at'>,
    actor: Actor,
  ): Promise<number> {
    const at = this.clock.now().toISOString();
    return this.append(
      tenantId,
      GovernanceEventTypes.AccessTokenIssued,
      { ...issued, at },
      actor,
      at,
    );
  }

  private async append(
    tenantId: string,
    type: string,
    data: unknown,
    actor: Actor,
    at: string,
  ): Promise<number> {
    const result = await this.store.append({
      tenantId,
      streamId: accessLogStreamId(tenantId, this.recordedBy),
      streamType: GovernanceStreamTypes.AccessLog,
      expectedRevision: 'any',
      events: [
        {
          type,
          data,
          metadata: { actor, correlationId: this.correlationId() ?? randomUUID(), occurredAt: at },
        },
      ],
    });
    return result.lastGlobalPosition;
  }
}
