import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ProjectionRunner } from '@isms/event-sourcing';
import type { AsOf, CheckpointStore, EventStore, Projection } from '@isms/event-sourcing';
import { InMemoryReadStore } from '@isms/read-store';
import type { ReadStore } from '@isms/read-store';
import { HealthRegistry } from './health.js';
import { MetricsService } from './metrics.js';
import { CHECKPOINT_STORE, EVENT_STORE, READ_STORE } from './tokens.js';

/** A read model is built by a projection writing into the ReadStore it is given. */
export type ProjectionFactory = (readStore: ReadStore) => Projection;

/**
 * Rebuilds a read model as it was at a point in history, into a fresh in-memory ReadStore,
 * from the events recorded up to then. This is how every `?asOf=` read is answered: from
 * history, not from a backup.
 */
export async function projectAsOf(
  factories: readonly ProjectionFactory[],
  store: EventStore,
  asOf: AsOf,
  batchSize = 2000,
): Promise<ReadStore> {
  const readStore = new InMemoryReadStore();
  const projections = factories.map((factory) => factory(readStore));
  const streamTypes = projections.every((p) => p.handles?.streamTypes)
    ? [...new Set(projections.flatMap((p) => p.handles?.streamTypes ?? []))]
    : undefined;
  let after = 0;
  for (;;) {
    const batch = await store.readAll({
      afterPosition: after,
      limit: batchSize,
      asOf,
      ...(streamTypes ? { streamTypes } : {}),
    });
    for (const event of batch) {
      for (const projection of projections) {
        const handles = projection.handles;
        if (handles?.streamTypes && !handles.streamTypes.includes(event.streamType)) continue;
        if (handles?.eventTypes && !handles.eventTypes.includes(event.type)) continue;
        await projection.apply(event);
      }
    }
    if (batch.length < batchSize) return readStore;
    after = batch[batch.length - 1]!.globalPosition;
  }
}

/**
 * The app's projections: contexts register their read models in `onModuleInit`; the registry
 * starts them once the app has bootstrapped, reports them in /health and /metrics, and lets
 * command handlers wait until their own write is visible (read-your-writes).
 */
@Injectable()
export class ProjectionRegistry
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Projections');
  private readonly factories = new Map<string, ProjectionFactory>();
  private readonly runner: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CHECKPOINT_STORE) checkpoints: CheckpointStore,
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsService,
  ) {
    this.runner = new ProjectionRunner({
      store,
      checkpoints,
      onError: (error, context) =>
        this.logger.error({
          msg: 'projection error',
          projection: context.projection,
          eventId: context.event?.eventId,
          attempt: context.attempt,
          willRetry: context.willRetry,
          error: error instanceof Error ? error.message : String(error),
        }),
    });
  }

  /** Registers a read model; its name must be unique in the app. */
  register(factory: ProjectionFactory): Projection {
    const projection = factory(this.readStore);
    if (this.factories.has(projection.name)) {
      throw new Error(`Two projections are named ${projection.name}`);
    }
    this.factories.set(projection.name, factory);
    this.runner.register(projection);
    return projection;
  }

  onModuleInit(): void {
    this.health.register('projections', async () => {
      const statuses = await this.runner.status();
      const failed = statuses.filter((s) => s.state === 'failed');
      return {
        status: failed.length === 0 ? 'up' : 'down',
        projections: statuses.map(({ name, state, checkpoint, lag }) => ({
          name,
          state,
          checkpoint,
          lag,
        })),
      };
    });
    const lag = this.metrics.gauge(
      'isms_projection_lag_events',
      'Events recorded but not yet applied, per read model',
      ['projection'],
    );
    const applied = this.metrics.gauge(
      'isms_projection_events_applied',
      'Events applied since start, per read model',
      ['projection'],
    );
    this.metrics.onScrape(async () => {
      for (const status of await this.runner.status()) {
        lag.set({ projection: status.name }, status.lag);
        applied.set({ projection: status.name }, status.eventsApplied);
      }
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  /** Waits until every read model has applied `position` (default: the head now). */
  waitUntilCaughtUp(position?: number, timeoutMs = 10_000): Promise<void> {
    return this.runner.waitUntilCaughtUp(position, timeoutMs);
  }

  status() {
    return this.runner.status();
  }

  /** Clears a read model and replays every event into it. */
  rebuild(name: string): Promise<void> {
    return this.runner.rebuild(name);
  }

  /** The named read models rebuilt as of a point in history, in a fresh in-memory store. */
  asOf(names: readonly string[], asOf: AsOf): Promise<ReadStore> {
    const factories = names.map((name) => {
      const factory = this.factories.get(name);
      if (!factory) throw new RangeError(`No projection named ${name}`);
      return factory;
    });
    return projectAsOf(factories, this.store, asOf);
  }
}
