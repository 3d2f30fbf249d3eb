import { Inject, Injectable } from '@nestjs/common';
import { handleCommand, uuidV7Ids } from '@isms/event-sourcing';
import type {
  Clock,
  Decider,
  DomainEvent,
  EventMetadata,
  EventStore,
  HandleCommandResult,
} from '@isms/event-sourcing';
import { AccessService, actingRole } from '@isms/auth';
import type { Principal } from '@isms/auth';
import {
  CLOCK,
  EVENT_STORE,
  ProblemError,
  ProjectionRegistry,
  commandMetadata,
} from '@isms/platform-nest';

/**
 * What every governance command needs: the store, the clock, who acts and why, and
 * read-your-writes (the read models and the access directory have applied the write before
 * the answer leaves, so the next request sees it and access changes take effect at once).
 */
@Injectable()
export class CommandContext {
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

  metadata(
    principal: Principal,
    options: { reason?: string; role?: string; onBehalfOf?: string } = {},
  ): EventMetadata {
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

  async execute<S, C, E extends DomainEvent>(
    stream: { tenantId: string; streamId: string; streamType: string },
    decider: Decider<S, C, E>,
    command: C,
    metadata: EventMetadata,
    expectedRevision?: number,
  ): Promise<HandleCommandResult<S>> {
    const result = await handleCommand(this.store, stream, decider, command, metadata, {
      ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    });
    await this.settle(result.lastGlobalPosition);
    return result;
  }

  async settle(position: number): Promise<void> {
    await Promise.all([
      this.projections.waitUntilCaughtUp(position),
      this.access.waitForDirectory(position),
    ]);
  }
}

/** The tenant a principal acts in (platform administrators have none). */
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
