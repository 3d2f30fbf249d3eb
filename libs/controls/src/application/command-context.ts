import { Inject, Injectable } from '@nestjs/common';
import type { Clock, EventStore } from '@isms/event-sourcing';
import { AccessService, actingRole, ContextCommandSupport, tenantOf } from '@isms/auth';
import type { Principal } from '@isms/auth';
import { CLOCK, EVENT_STORE, ProjectionRegistry } from '@isms/platform-nest';

/**
 * What every controls command needs: the store, the clock (time comes into commands from here),
 * who acts and why, and read-your-writes (the read models have applied the write before the
 * answer leaves).
 */
@Injectable()
export class ControlsCommandContext extends ContextCommandSupport {
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    projections: ProjectionRegistry,
    access: AccessService,
  ) {
    super(store, clock, projections, access);
  }

  today(): string {
    return this.now().slice(0, 10);
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

export { tenantOf };
