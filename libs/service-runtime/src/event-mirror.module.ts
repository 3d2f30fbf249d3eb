import { Global, Inject, Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  EVENT_HISTORY,
  FOREIGN_EVENT_FEED,
  HealthRegistry,
  MetricsService,
} from '@isms/platform-nest';
import type { ForeignEventFeed } from '@isms/platform-nest';
import { assertDeploymentName, serviceStorageName } from './contexts.js';
import { PostgresEventMirror } from './event-mirror.js';
import { KafkaProjectionFeed } from './kafka-projection-feed.js';
import type { ServerAdaptersOptions } from './server-adapters.module.js';

export const EVENT_MIRROR = Symbol.for('isms.EventMirror');

/**
 * The event mirror of a service whose read models are built from other contexts' events (the
 * reporting service): every event its Kafka feed consumes is stored verbatim in its own schema
 * (PostgresEventMirror) before the read models get it, and EVENT_HISTORY is bound to the mirror,
 * so `?asOf=` reports and hash-chain verification read the replica instead of the service's own
 * (nearly empty) event store. Import after ServerAdaptersModule, with the same options.
 */
@Global()
@Module({})
export class EventMirrorModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EventMirror');

  constructor(
    @Inject(EVENT_MIRROR) private readonly mirror: PostgresEventMirror,
    @Inject(FOREIGN_EVENT_FEED) private readonly feed: ForeignEventFeed | null,
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsService,
  ) {}

  static forRoot(options: ServerAdaptersOptions): DynamicModule {
    if (options.deployment !== undefined) assertDeploymentName(options.deployment);
    return {
      module: EventMirrorModule,
      providers: [
        {
          provide: EVENT_MIRROR,
          useFactory: () =>
            PostgresEventMirror.open({
              connectionString: options.databaseUrl,
              schema: serviceStorageName(options.context, options.deployment),
              applicationName: `isms-${options.context}-service-mirror`,
            }),
        },
        { provide: EVENT_HISTORY, useExisting: EVENT_MIRROR },
      ],
      exports: [EVENT_MIRROR, EVENT_HISTORY],
    };
  }

  onModuleInit(): void {
    if (!(this.feed instanceof KafkaProjectionFeed)) {
      throw new Error('The event mirror needs the Kafka projection feed (ServerAdaptersModule)');
    }
    const mirror = this.mirror;
    this.feed.record({
      name: 'event-mirror',
      record: async (event, origin) => {
        await mirror.record(event, origin.context);
      },
    });
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
    this.logger.log({ msg: 'event mirror attached to the Kafka feed' });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.mirror.close();
  }
}
