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
 * What every controls command needs: the store, the clock (time comes into commands from here),
 * who acts and why, and read-your-writes (the read models have applied the write before the
 * answer leaves).
 */
@Injectable()
export class ControlsCommandContext {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(CLOCK) readonly clock: Clock,
    readonly projections: ProjectionRegistry,
    readonly access: AccessService,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  today(): string {
    return this.now().slice(0, 10);
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
    await this.projections.waitUntilCaughtUp(result.lastGlobalPosition);
    return result;
  }

  /** The role that allowed a decision (e.g. `ciso`), for the decision's record. */
  async roleFor(
    principal: Principal,
    permission: Parameters<AccessService['assertCan']>[1],
    target: Parameters<AccessService['assertCan']>[2],
  ): Promise<string> {
    const decision = await this.access.assertCan(principal, permission, target);
    const explicit = (decision as { role?: unknown }).role;
    if (typeof explicit === 'string') return explicit;
    const via = (decision as { via?: unknown }).via;
    return typeof via === 'string'
      ? (via.split('@')[0] ?? actingRole(principal))
      : actingRole(principal);
  }

  /** The tenant root and the path from it down to an org unit (from the access directory). */
  orgUnitPath(orgUnitId: string): string[] {
    const directory = this.access.directory;
    const path: string[] = [];
    let current: string | null | undefined = orgUnitId;
    for (let guard = 0; current && guard < 1000; guard++) {
      path.unshift(current);
      current = directory.orgUnit(current)?.parentId;
    }
    return path;
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
