import { Global, Inject, Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  EVENT_HISTORY,
  FOREIGN_EVENT_FEED,
  FOREIGN_EVENT_HISTORY,
  HealthRegistry,
  MetricsService,
} from '@isms/platform-nest';
import type { ForeignEventFeed, ForeignEventHistory } from '@isms/platform-nest';
import { assertDeploymentName, serviceStorageName } from './contexts.js';
import { PostgresEventMirror } from './event-mirror.js';
import { KafkaProjectionFeed } from './kafka-projection-feed.js';
import type { ServerAdaptersOptions } from './server-adapters.module.js';

export const EVENT_MIRROR = Symbol.for('isms.EventMirror');
const MIRROR_KEEPS = Symbol.for('isms.EventMirror.keeps');

export interface EventMirrorModuleOptions {
  /**
   * - `everything` (default; the reporting service, whose read models are all built from other
   *   contexts' events): every event of the other contexts' topics; EVENT_HISTORY is the mirror.
   * - `consumed` (a service whose read models combine its own events with some foreign ones):
   *   only the foreign events its read models consume; FOREIGN_EVENT_HISTORY is the mirror, so
   *   `?asOf=` replays its own events merged with those (ProjectionRegistry.asOf).
   */
  readonly keep?: 'everything' | 'consumed';
}

/**
 * The event mirror of a service whose read models are built (wholly or partly) from other
 * contexts' events: every such event its Kafka feed consumes is stored verbatim in the service's
 * schema (PostgresEventMirror) before the read models get it, so `?asOf=` and hash-chain
 * verification read what the service consumed, not only its own event store (see
 * EventMirrorModuleOptions). Import after ServerAdaptersModule, with the same options.
 */
@Global()
@Module({})
export class EventMirrorModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EventMirror');

  constructor(
    @Inject(EVENT_MIRROR) private readonly mirror: PostgresEventMirror,
    @Inject(FOREIGN_EVENT_FEED) private readonly feed: ForeignEventFeed | null,
    @Inject(MIRROR_KEEPS) private readonly keeps: 'everything' | 'consumed',
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsService,
  ) {}

  static forRoot(
    options: ServerAdaptersOptions,
    mirror: EventMirrorModuleOptions = {},
  ): DynamicModule {
    if (options.deployment !== undefined) assertDeploymentName(options.deployment);
    const keeps = mirror.keep ?? 'everything';
    const history =
      keeps === 'everything'
        ? { provide: EVENT_HISTORY, useExisting: EVENT_MIRROR }
        : {
            provide: FOREIGN_EVENT_HISTORY,
            useFactory: (events: PostgresEventMirror): ForeignEventHistory =>
              events.foreignHistory(options.context),
            inject: [EVENT_MIRROR],
          };
    return {
      module: EventMirrorModule,
      providers: [
        { provide: MIRROR_KEEPS, useValue: keeps },
        {
          provide: EVENT_MIRROR,
          useFactory: () =>
            PostgresEventMirror.open({
              connectionString: options.databaseUrl,
              schema: serviceStorageName(options.context, options.deployment),
              applicationName: `isms-${options.context}-service-mirror`,
            }),
        },
        history,
      ],
      exports: [EVENT_MIRROR, history.provide],
    };
  }

  onModuleInit(): void {
    if (!(this.feed instanceof KafkaProjectionFeed)) {
      throw new Error('The event mirror needs the Kafka projection feed (ServerAdaptersModule)');
    }
    const mirror = this.mirror;
    this.feed.record(
      {
        name: 'event-mirror',
        record: async (event, origin) => {
          await mirror.record(event, origin.context);
        },
      },
      this.keeps === 'consumed' ? { only: 'consumed' } : {},
    );
    this.health.register('eventMirror', async () => ({ ...(await mirror.health()) }));
    const head = this.metrics.gauge(
      'isms_event_mirror_head_position',
      'Events of other contexts mirrored (highest mirror position)',
    );
    mirror.onAppended((position) => head.set(position));
    void mirror
      .headPosition()
      .then((position) => head.set(position))
      .catch(() => undefined);
    this.logger.log({ msg: 'event mirror attached to the Kafka feed', keeps: this.keeps });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.mirror.close();
  }
}
