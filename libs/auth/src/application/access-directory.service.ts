import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InMemoryCheckpointStore, ProjectionRunner } from '@isms/event-sourcing';
import type { EventStore, Projection } from '@isms/event-sourcing';
import { GovernanceStreamTypes } from '@isms/contracts';
import { EVENT_STORE, HealthRegistry } from '@isms/platform-nest';
import { AccessDirectory } from '../access-directory.js';

/** The stream types the directory folds (documents and the access log are not needed). */
export const ACCESS_DIRECTORY_STREAM_TYPES = [
  GovernanceStreamTypes.OrgStructure,
  GovernanceStreamTypes.Person,
  GovernanceStreamTypes.IsmsScope,
  GovernanceStreamTypes.AccessGrant,
  GovernanceStreamTypes.PlatformAdministrator,
];

/** The directory as a projection (for any runner, e.g. one fed from Kafka). */
export function accessDirectoryProjection(directory: AccessDirectory): Projection {
  return {
    name: 'access-directory',
    handles: { streamTypes: ACCESS_DIRECTORY_STREAM_TYPES },
    apply: async (event) => directory.apply(event),
    reset: async () => directory.reset(),
  };
}

/**
 * Keeps this process's access directory up to date from the event store. It lives in memory and
 * is always rebuilt from the first event (its checkpoint is never persisted), and the app serves
 * no request before it has caught up with the store as it was at start.
 */
@Injectable()
export class AccessDirectoryService
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  readonly directory = new AccessDirectory();
  private readonly runner: ProjectionRunner;
  private readonly logger = new Logger('AccessDirectory');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly health: HealthRegistry,
  ) {
    this.runner = new ProjectionRunner(
      {
        store,
        checkpoints: new InMemoryCheckpointStore(),
        idleWaitMs: 1_000,
        onError: (error, context) =>
          this.logger.error({
            msg: 'access directory error',
            eventId: context.event?.eventId,
            attempt: context.attempt,
            error: error instanceof Error ? error.message : String(error),
          }),
      },
      [accessDirectoryProjection(this.directory)],
    );
  }

  onModuleInit(): void {
    this.health.register('accessDirectory', async () => {
      const status = await this.runner.statusOf('access-directory');
      return {
        status: status.state === 'failed' ? 'down' : 'up',
        state: status.state,
        checkpoint: status.checkpoint,
        lag: status.lag,
      };
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
    await this.runner.waitUntilCaughtUp(await this.store.headPosition(), 120_000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  /** Read-your-writes for access: resolves once the directory has applied `position`. */
  waitUntilCaughtUp(position: number, timeoutMs = 10_000): Promise<void> {
    return this.runner.waitUntilCaughtUp(position, timeoutMs);
  }
}
