import { Inject, Injectable } from '@nestjs/common';
import type { Clock, EventStore } from '@isms/event-sourcing';
import { AccessService, ContextCommandSupport, tenantOf } from '@isms/auth';
import { CLOCK, EVENT_STORE, ProjectionRegistry } from '@isms/platform-nest';

/**
 * What every governance command needs: the store, the clock, who acts and why, and
 * read-your-writes (the read models and the access directory have applied the write before
 * the answer leaves, so the next request sees it and access changes take effect at once).
 */
@Injectable()
export class CommandContext extends ContextCommandSupport {
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    projections: ProjectionRegistry,
    access: AccessService,
  ) {
    super(store, clock, projections, access);
  }

  override async settle(position: number): Promise<void> {
    await Promise.all([
      this.projections.waitUntilCaughtUp(position),
      this.access.waitForDirectory(position),
    ]);
  }
}

export { tenantOf };
