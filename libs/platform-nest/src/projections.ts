import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  ProjectionFailedError,
  ProjectionRunner,
  ProjectionTimeoutError,
} from '@isms/event-sourcing';
import type {
  AsOf,
  CheckpointStore,
  EventStore,
  Projection,
  ProjectionFailure,
  ProjectionLeadership,
  ProjectionStatus,
  ReadAllOptions,
  RecordedEvent,
} from '@isms/event-sourcing';
import { InMemoryReadStore } from '@isms/read-store';
import type { ReadStore } from '@isms/read-store';
import { HealthRegistry } from './health.js';
import { MetricsService } from './metrics.js';
import { handlesEvent, replayFilter } from '@isms/event-sourcing';
import { EventCursor } from './as-of-replay.js';
import type { AsOfReplayOptions } from './as-of-replay.js';
import { consumesForeignEvents, projectMergedAsOf } from './merged-history.js';
import type { ForeignEventHistory } from './merged-history.js';
import {
  CHECKPOINT_STORE,
  EVENT_STORE,
  FOREIGN_EVENT_FEED,
  FOREIGN_EVENT_HISTORY,
  READ_STORE,
} from './tokens.js';

/**
 * Distributed mode: the ProjectionLeadership of the registry, when several instances of a
 * service share its event store and read models (one applies each projection, the others
 * follow its checkpoint). Unbound when embedded: the one process applies everything.
 */
export const PROJECTION_LEADERSHIP = Symbol.for('isms.ProjectionLeadership');

/** A read model is built by a projection writing into the ReadStore it is given. */
export type ProjectionFactory = (readStore: ReadStore) => Projection;

/**
 * Rebuilds a read model as it was at a point in history, into a fresh in-memory ReadStore,
 * from the events recorded up to then. This is how every `?asOf=` read is answered: from
 * history, not from a backup. The store filters by the projections' stream and event types
 * (replayFilter) and, given one, by tenant, so a rebuild reads only what can change its answer;
 * a narrowed projection (options.narrow) reads only the streams that matter, and its events are
 * merged with the others' in global order.
 */
export async function projectAsOf(
  factories: readonly ProjectionFactory[],
  store: EventStore,
  asOf: AsOf,
  options: AsOfReplayOptions = {},
): Promise<ReadStore> {
  const batchSize = options.batchSize ?? 5000;
  const readStore = new InMemoryReadStore();
  const projections = factories.map((factory) => factory(readStore));
  const tenant = options.tenantId !== undefined ? { tenantId: options.tenantId } : {};
  const reader =
    (filter: Omit<ReadAllOptions, 'afterPosition' | 'limit' | 'asOf' | 'tenantId'>) =>
    (afterPosition: number) =>
      store.readAll({ afterPosition, limit: batchSize, asOf, ...filter, ...tenant });

  const narrowings = new Map((options.narrow ?? []).map((n) => [n.projection, n]));
  const groups: { cursor: EventCursor; projections: Projection[] }[] = [];
  const wide = projections.filter((p) => !narrowings.has(p.name));
  if (wide.length > 0) {
    groups.push({
      cursor: new EventCursor('', reader(replayFilter(wide)), batchSize),
      projections: wide,
    });
  }
  for (const projection of projections) {
    const narrowing = narrowings.get(projection.name);
    if (!narrowing) continue;
    const streamIds = new Set<string>('streamIds' in narrowing ? narrowing.streamIds : []);
    if (!('streamIds' in narrowing)) {
      const matching = reader({
        eventTypes: narrowing.eventTypes,
        dataEquals: narrowing.dataEquals,
      });
      const cursor = new EventCursor('', matching, batchSize);
      for (let event = await cursor.head(); event; cursor.advance(), event = await cursor.head()) {
        streamIds.add(event.streamId);
      }
    }
    const filter = { ...replayFilter([projection]), streamIds: [...streamIds] };
    groups.push({
      cursor: new EventCursor('', reader(filter), batchSize),
      projections: [projection],
    });
  }

  // In global order across the groups (one event may come from several: each applies it).
  for (;;) {
    let next: { group: (typeof groups)[number]; event: RecordedEvent } | undefined;
    for (const group of groups) {
      const event = await group.cursor.head();
      if (event && (!next || event.globalPosition < next.event.globalPosition))
        next = { group, event };
    }
    if (!next) return readStore;
    next.group.cursor.advance();
    for (const projection of next.group.projections) {
      if (handlesEvent(projection, next.event)) await projection.apply(next.event);
    }
  }
}

/**
 * The projection a status is of: its own name, or, for a status of a foreign feed
 * (`<projection>@<feed>`, see `ForeignEventFeed.status`), the part before the feed.
 */
export function projectionOfStatus(statusName: string): string {
  return statusName.split('@')[0] ?? statusName;
}

/**
 * Distributed mode only: where read models get the events that OTHER bounded contexts recorded
 * in their own event stores and published (e.g. from Kafka). Bound to `FOREIGN_EVENT_FEED` by a
 * service's adapters module; the embedded app binds nothing and every event comes from its one
 * event store, as before.
 */
export interface ForeignEventFeed {
  /** True for the stream types this app's own event store records (its own context's). */
  isOwnStreamType(streamType: string): boolean;
  /** Every stream type other contexts publish (what a projection without a filter gets from the feed). */
  foreignStreamTypes(): readonly string[];
  /**
   * Feeds `projection` the published events of `streamTypes` (all foreign), at least once and in
   * order per stream; called at registration, before `start`.
   */
  attach(projection: Projection, streamTypes: readonly string[]): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Replays everything published for the named projection (after its read model was reset). */
  replay(name: string): Promise<void>;
  /** One status per attached projection, named `<projection>@<feed>`. */
  status(): Promise<ProjectionStatus[]>;
}

/**
 * Splits a projection by where its events are recorded: the app's own stream types (fed by the
 * local runner, read-your-writes) and other contexts' (fed by the foreign feed). A projection
 * without a stream-type filter gets every event: its own from the store and, when given,
 * `allForeign` from the feed.
 */
export function splitByOrigin(
  projection: Projection,
  isOwn: (streamType: string) => boolean,
  allForeign: readonly string[] = [],
): { readonly local?: Projection; readonly foreign?: readonly string[] } {
  const streamTypes = projection.handles?.streamTypes;
  if (!streamTypes) {
    return allForeign.length > 0
      ? { local: projection, foreign: allForeign }
      : { local: projection };
  }
  const own = streamTypes.filter(isOwn);
  const foreign = streamTypes.filter((type) => !isOwn(type));
  if (foreign.length === 0) return { local: projection };
  const local: Projection | undefined =
    own.length === 0
      ? undefined
      : {
          name: projection.name,
          handles: { ...projection.handles, streamTypes: own },
          apply: (event) => projection.apply(event),
          ...(projection.reset ? { reset: () => projection.reset!() } : {}),
        };
  return { ...(local ? { local } : {}), foreign };
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
  /** Projections (by name) that get some events from the foreign feed; `local`: also from the store. */
  private readonly fedFromOutside = new Map<string, { projection: Projection; local: boolean }>();
  /** Rebuilds replaying the foreign feed now, by projection name. */
  private readonly replays = new Map<string, Promise<void>>();
  /** The last replay of the foreign feed failed (until the next rebuild), by projection name. */
  private readonly failedReplays = new Map<string, ProjectionFailure>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CHECKPOINT_STORE) checkpoints: CheckpointStore,
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsService,
    @Optional() @Inject(FOREIGN_EVENT_FEED) private readonly feed?: ForeignEventFeed | null,
    @Optional()
    @Inject(PROJECTION_LEADERSHIP)
    leadership?: ProjectionLeadership | null,
    @Optional()
    @Inject(FOREIGN_EVENT_HISTORY)
    private readonly foreignHistory?: ForeignEventHistory | null,
  ) {
    this.runner = new ProjectionRunner({
      store,
      checkpoints,
      ...(leadership ? { leadership } : {}),
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
    if (!this.feed) {
      this.runner.register(projection);
      return projection;
    }
    const { local, foreign } = splitByOrigin(
      projection,
      (type) => this.feed!.isOwnStreamType(type),
      this.feed.foreignStreamTypes(),
    );
    if (local) this.runner.register(local);
    if (foreign) {
      this.feed.attach(projection, foreign);
      this.fedFromOutside.set(projection.name, { projection, local: local !== undefined });
    }
    return projection;
  }

  onModuleInit(): void {
    this.health.register('projections', async () => {
      const statuses = await this.status();
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
      for (const status of await this.status()) {
        lag.set({ projection: status.name }, status.lag);
        applied.set({ projection: status.name }, status.eventsApplied);
      }
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
    await this.feed?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Stops every projection after its in-flight event, saving its checkpoint (idempotent). */
  async stop(): Promise<void> {
    await this.feed?.stop();
    await this.runner.stop();
  }

  /**
   * Waits until every read model has applied `position` (default: the head now) of this app's
   * own event store; events of other contexts arrive through the foreign feed, eventually.
   */
  waitUntilCaughtUp(position?: number, timeoutMs = 10_000): Promise<void> {
    return this.runner.waitUntilCaughtUp(position, timeoutMs);
  }

  /**
   * After `rebuild(name)`: waits until the read model has applied this app's store up to its
   * head now and, in a service, replayed what other contexts published. True when it has, false
   * when `timeoutMs` ran out first (still replaying). Rejects with ProjectionFailedError if it
   * fails.
   */
  async waitForRebuild(name: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const replay = this.replays.get(name);
    if (replay) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = await Promise.race([
        replay.then(
          () => true,
          () => true, // failedReplays says how
        ),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]).finally(() => clearTimeout(timer));
      if (!done) return false;
    }
    const failed = this.failedReplays.get(name);
    if (failed) throw new ProjectionFailedError(name, failed);
    if (!this.runner.names().includes(name)) return true;
    try {
      await this.runner.waitUntilCaughtUp(undefined, Math.max(0, deadline - Date.now()), {
        projections: [name],
      });
      return true;
    } catch (error) {
      if (error instanceof ProjectionTimeoutError) return false;
      throw error;
    }
  }

  async status(): Promise<ProjectionStatus[]> {
    const local = await this.runner.status();
    if (!this.feed) return local;
    const foreign = (await this.feed.status()).map((status): ProjectionStatus => {
      const name = projectionOfStatus(status.name);
      if (this.replays.has(name)) return { ...status, state: 'rebuilding' };
      const failed = this.failedReplays.get(name);
      return failed ? { ...status, state: 'failed', lastError: failed } : status;
    });
    return [...local, ...foreign];
  }

  /**
   * Clears a read model and replays every event into it (own and, in a service, published ones).
   * Resolves when the replay has started; `waitForRebuild` waits for it. A rebuild asked for
   * while the read model replays what other contexts published is the same rebuild.
   */
  async rebuild(name: string): Promise<void> {
    const outside = this.fedFromOutside.get(name);
    if (!outside || !this.feed) return this.runner.rebuild(name);
    if (this.replays.has(name)) return;
    const feed = this.feed;
    // The reset is the caller's to fail (e.g. led by another instance); the replay runs on.
    const reset = (async () => {
      if (outside.local) await this.runner.rebuild(name);
      else await outside.projection.reset?.();
    })();
    let wasReset = false;
    const replay = reset.then(() => {
      wasReset = true;
      this.failedReplays.delete(name);
      return feed.replay(name);
    });
    this.replays.set(name, replay);
    replay
      .catch((error: unknown) => {
        if (!wasReset) return;
        const message = error instanceof Error ? error.message : String(error);
        this.failedReplays.set(name, { message, attempts: 1, at: new Date().toISOString() });
        this.logger.error({ msg: 'rebuild failed', projection: name, error: message });
      })
      .finally(() => this.replays.delete(name));
    await reset;
  }

  /**
   * The named read models rebuilt as of a point in history, in a fresh in-memory store. In a
   * service whose read models also consume other contexts' events (a FOREIGN_EVENT_HISTORY is
   * bound), from its own events merged with the foreign ones it kept (projectMergedAsOf).
   * `tenantId`: the requesting tenant; only its events are replayed (pass it: without it every
   * tenant's events are read, for the same answer). `narrow`: see AsOfReplayOptions.
   */
  asOf(
    names: readonly string[],
    asOf: AsOf,
    options: Pick<AsOfReplayOptions, 'tenantId' | 'narrow'> = {},
  ): Promise<ReadStore> {
    const factories = names.map((name) => {
      const factory = this.factories.get(name);
      if (!factory) throw new RangeError(`No projection named ${name}`);
      return factory;
    });
    const feed = this.feed;
    if (feed && this.foreignHistory) {
      const isOwn = (type: string) => feed.isOwnStreamType(type);
      if (consumesForeignEvents(factories, isOwn)) {
        return projectMergedAsOf(factories, this.store, this.foreignHistory, asOf, isOwn, options);
      }
    }
    return projectAsOf(factories, this.store, asOf, options);
  }
}
