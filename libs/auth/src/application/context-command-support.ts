import { Inject, Injectable, Logger } from '@nestjs/common';
import { ProjectionTimeoutError, handleCommand, uuidV7Ids } from '@isms/event-sourcing';
import type {
  Clock,
  Decider,
  DomainEvent,
  EventMetadata,
  EventStore,
  HandleCommandResult,
} from '@isms/event-sourcing';
import {
  CLOCK,
  EVENT_STORE,
  ProblemError,
  ProjectionRegistry,
  commandMetadata,
} from '@isms/platform-nest';
import type { Principal } from '../principal.js';
import { actingRole } from '../principal.js';
import { AccessService } from './access.service.js';

export interface DecisionMetadataOptions {
  /** The justification of a decision. */
  readonly reason?: string;
  /** The role the decision was taken in (default: the principal's roles). */
  readonly role?: string;
  /** The org unit the actor acted on behalf of. */
  readonly onBehalfOf?: string;
}

/**
 * What every bounded context's command handling needs: the store, the clock (time comes into
 * commands from here), who acts and why, and read-your-writes — the read models have applied
 * the write before the answer leaves (when they cannot within the settle timeout, e.g. while
 * their store is unreachable, the answer still leaves: the write is recorded and they catch up
 * later). Each context extends it with its own look-ups.
 */
@Injectable()
export class ContextCommandSupport {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(CLOCK) readonly clock: Clock,
    readonly projections: ProjectionRegistry,
    readonly access: AccessService,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  newId(prefix: string): string {
    return `${prefix}-${uuidV7Ids.next()}`;
  }

  metadata(principal: Principal, options: DecisionMetadataOptions = {}): EventMetadata {
    return commandMetadata({
      actor: {
        userId: principal.userId,
        displayName: principal.displayName,
        role: options.role ?? actingRole(principal),
        ...(options.onBehalfOf ? { onBehalfOfOrgUnitId: options.onBehalfOf } : {}),
      },
      clock: this.clock,
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
    });
  }

  /** Load → decide → append (If-Match honoured) → wait until the read models show it. */
  async execute<S, C, E extends DomainEvent>(
    stream: { tenantId: string; streamId: string; streamType: string },
    decider: Decider<S, C, E>,
    command: C,
    metadata: EventMetadata,
    expectedRevision?: number,
  ): Promise<HandleCommandResult<S>> {
    const result = await this.record(stream, decider, command, metadata, expectedRevision);
    try {
      await this.settle(result.lastGlobalPosition);
    } catch (error) {
      // Recorded is recorded: answering an error would make the client retry a command that
      // took effect. The read models catch up by themselves (e.g. once their store is back).
      if (!(error instanceof ProjectionTimeoutError)) throw error;
      logger.warn({
        msg: 'command recorded; its read models did not catch up in time',
        streamId: stream.streamId,
        position: result.lastGlobalPosition,
        error: error.message,
      });
    }
    return result;
  }

  /**
   * Load → decide → append (If-Match honoured), without waiting for the read models: for what
   * the platform records by itself while they may still be rebuilding a long history (the
   * bootstrap administrator, at the first start on an imported or seeded log), which no request
   * is waiting to read back.
   */
  record<S, C, E extends DomainEvent>(
    stream: { tenantId: string; streamId: string; streamType: string },
    decider: Decider<S, C, E>,
    command: C,
    metadata: EventMetadata,
    expectedRevision?: number,
  ): Promise<HandleCommandResult<S>> {
    return handleCommand(this.store, stream, decider, command, metadata, {
      ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    });
  }

  /** Waits until what was written up to `position` is visible to the next request. */
  async settle(position: number): Promise<void> {
    await this.projections.waitUntilCaughtUp(position);
  }
}

const logger = new Logger('ContextCommandSupport');

/** The tenant a principal acts in (platform administrators have none: 403). */
export function tenantOf(principal: Principal): string {
  if (principal.tenantId === undefined) {
    throw new ProblemError(
      403,
      'forbidden',
      'Forbidden',
      'Platform administrators manage tenants; they do not act inside one.',
      { reason: 'not-for-platform-administrators' },
    );
  }
  return principal.tenantId;
}
