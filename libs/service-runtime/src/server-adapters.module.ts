import { Global, Inject, Logger, Module } from '@nestjs/common';
import type {
  DynamicModule,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { hostname } from 'node:os';
import { AccessDirectoryService } from '@isms/auth';
import { systemClock } from '@isms/event-sourcing';
import { PostgresLeadership, createPostgresEventStore } from '@isms/event-store';
import type { SqlEventStore } from '@isms/event-store';
import { KafkaMessageBus, OutboxRelay } from '@isms/messaging';
import type { MessageBus } from '@isms/messaging';
import { MongoReadStore } from '@isms/read-store';
import type { ReadStore } from '@isms/read-store';
import {
  CHECKPOINT_STORE,
  CLOCK,
  EVENT_STORE,
  FOREIGN_EVENT_FEED,
  HealthRegistry,
  MESSAGE_BUS,
  MetricsService,
  PROJECTION_LEADERSHIP,
  READ_STORE,
  SERVICE_CONTEXT,
} from '@isms/platform-nest';
import { AccessDirectoryFeed } from './access-directory-feed.js';
import type { ServiceContext } from './contexts.js';
import { assertDeploymentName, serviceEventsTopic, serviceStorageName } from './contexts.js';
import { KafkaEndOffsets } from './kafka-offsets.js';
import { KafkaProjectionFeed } from './kafka-projection-feed.js';

export interface ServerAdaptersOptions {
  /** The bounded context this service runs. */
  readonly context: ServiceContext;
  /** PostgreSQL (DATABASE_URL): the service's event store lives in schema `<deployment|isms>_<context>`. */
  readonly databaseUrl: string;
  /** Kafka bootstrap brokers (KAFKA_BROKERS split at commas). */
  readonly kafkaBrokers: readonly string[];
  /** MongoDB or FerretDB (MONGO_URL): the service's read models live in database `<deployment|isms>_<context>`. */
  readonly mongoUrl: string;
  /** Prefixes schemas, databases, topics and consumer groups, for deployments sharing servers. */
  readonly deployment?: string;
  /** Unique per running instance (default `<host>-<pid>`): names its in-memory consumers. */
  readonly instanceId?: string;
  /**
   * FerretDB write tokens: how long a read-model write claimed by a process that died is left
   * before another writer finishes it. Default 5000 ms (the read store's own default, 30 s,
   * made the first commands after a crash time out waiting for their read models).
   */
  readonly readModelWriteLeaseMs?: number;
}

const OUTBOX_RELAY = Symbol.for('isms.OutboxRelay');
const END_OFFSETS = Symbol.for('isms.KafkaEndOffsets');
const ACCESS_DIRECTORY_FEED = Symbol.for('isms.AccessDirectoryFeed');

/**
 * The ports bound to server adapters, for one bounded context running as a service:
 *
 * - EventStore: PostgreSQL, in a schema of its own (`isms_<context>`): each context owns its
 *   events and no context reads another's tables. Projection and relay checkpoints live next to
 *   the events (`store.checkpoints`), so they are backed up together.
 * - The outbox relay publishes every event of that store to `isms.<context>.events.v1`.
 * - ReadStore: MongoDB (FerretDB here), a database per service.
 * - Projections of the service's own events run from its own store (read-your-writes stays in
 *   process); events of other contexts come from their topics (KafkaProjectionFeed), in one
 *   consumer group per service and read-model set.
 * - The access directory of a service other than governance is fed from governance's topic.
 *
 * The service keeps no state of its own: several instances can run side by side.
 */
@Global()
@Module({})
export class ServerAdaptersModule
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('ServerAdapters');
  /** Instances of the service compete for the relay: one publishes, the others stand by. */
  private relayLeading = false;
  private withdrawRelay?: () => Promise<void>;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: SqlEventStore,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    @Inject(END_OFFSETS) private readonly endOffsets: KafkaEndOffsets,
    @Inject(ACCESS_DIRECTORY_FEED) private readonly directoryFeed: AccessDirectoryFeed | null,
    @Inject(PROJECTION_LEADERSHIP) private readonly leadership: PostgresLeadership,
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsService,
  ) {}

  static forRoot(options: ServerAdaptersOptions): DynamicModule {
    if (options.deployment !== undefined) assertDeploymentName(options.deployment);
    const storage = serviceStorageName(options.context, options.deployment);
    const instanceId = (options.instanceId ?? `${hostname()}-${process.pid}`).replace(
      /[^A-Za-z0-9_-]/g,
      '-',
    );
    const service = `${options.context}-service`;
    return {
      module: ServerAdaptersModule,
      providers: [
        { provide: CLOCK, useValue: systemClock },
        // What the service records on its own behalf (its access log) is filed under its context.
        { provide: SERVICE_CONTEXT, useValue: options.context },
        {
          provide: EVENT_STORE,
          useFactory: (): Promise<SqlEventStore> =>
            createPostgresEventStore({
              connectionString: options.databaseUrl,
              schema: storage,
              applicationName: `isms-${service}`,
            }),
        },
        {
          // Instances of the service share the store's projections and relay: one leads each.
          provide: PROJECTION_LEADERSHIP,
          inject: [EVENT_STORE],
          useFactory: (store: SqlEventStore): Promise<PostgresLeadership> => {
            const logger = new Logger('Leadership');
            return PostgresLeadership.connect({
              connectionString: options.databaseUrl,
              schema: storage,
              applicationName: `isms-${service}`,
              store,
              onError: (error) =>
                logger.warn({
                  msg: 'leadership connection failure (leads given up; reconnecting)',
                  error: error instanceof Error ? error.message : String(error),
                }),
            });
          },
        },
        {
          provide: CHECKPOINT_STORE,
          inject: [EVENT_STORE],
          useFactory: (store: SqlEventStore) => store.checkpoints,
        },
        {
          provide: MESSAGE_BUS,
          useFactory: (): Promise<KafkaMessageBus> =>
            KafkaMessageBus.connect({
              brokers: options.kafkaBrokers,
              clientId: `isms-${service}-${instanceId}`,
            }),
        },
        {
          provide: READ_STORE,
          useFactory: (): Promise<MongoReadStore> =>
            MongoReadStore.connect({
              url: options.mongoUrl,
              dbName: storage,
              writeLeaseMs: options.readModelWriteLeaseMs ?? 5_000,
            }),
        },
        {
          provide: END_OFFSETS,
          useFactory: () => KafkaEndOffsets.create(options.kafkaBrokers, `isms-${service}-offsets`),
        },
        {
          provide: OUTBOX_RELAY,
          inject: [EVENT_STORE, MESSAGE_BUS],
          useFactory: (store: SqlEventStore, bus: MessageBus) => {
            const topic = serviceEventsTopic(options.context, options.deployment);
            const logger = new Logger('OutboxRelay');
            return new OutboxRelay({
              store,
              bus,
              checkpoints: store.checkpoints,
              relayId: `outbox-relay-${options.context}`,
              // Everything this store records is this context's: one topic.
              topicFor: () => ({ topic, context: options.context }),
              pollIntervalMs: 250,
              retry: { initialDelayMs: 200, maxDelayMs: 5_000 },
              onError: (error, status) =>
                logger.warn({
                  msg: 'outbox relay failure (retrying)',
                  state: status.state,
                  lag: status.lag,
                  error: error instanceof Error ? error.message : String(error),
                }),
            });
          },
        },
        {
          provide: FOREIGN_EVENT_FEED,
          inject: [MESSAGE_BUS, END_OFFSETS],
          useFactory: (bus: MessageBus, endOffsets: KafkaEndOffsets) => {
            const logger = new Logger('KafkaProjectionFeed');
            return new KafkaProjectionFeed({
              bus,
              context: options.context,
              endOffsets,
              ...(options.deployment ? { deployment: options.deployment } : {}),
              onError: (error, { projection, event }) =>
                logger.error({
                  msg: 'projection error (event from Kafka)',
                  projection,
                  eventId: event.eventId,
                  error: error instanceof Error ? error.message : String(error),
                }),
            });
          },
        },
        {
          provide: ACCESS_DIRECTORY_FEED,
          inject: [MESSAGE_BUS, END_OFFSETS, AccessDirectoryService],
          useFactory: (
            bus: MessageBus,
            endOffsets: KafkaEndOffsets,
            directoryService: AccessDirectoryService,
          ) =>
            options.context === 'governance'
              ? null // governance records these events: its directory reads its own store
              : new AccessDirectoryFeed({
                  bus,
                  endOffsets,
                  directory: directoryService.directory,
                  service,
                  instanceId,
                  ...(options.deployment ? { deployment: options.deployment } : {}),
                }),
        },
      ],
      exports: [
        CLOCK,
        EVENT_STORE,
        CHECKPOINT_STORE,
        MESSAGE_BUS,
        READ_STORE,
        FOREIGN_EVENT_FEED,
        SERVICE_CONTEXT,
        PROJECTION_LEADERSHIP,
      ],
    };
  }

  onModuleInit(): void {
    this.health.register('eventStore', async () => ({ ...(await this.eventStore.health()) }));
    this.health.register('messageBus', async () => ({ ...(await this.bus.health()) }));
    this.health.register('readStore', async () => ({ ...(await this.readStore.health()) }));
    this.health.register('outboxRelay', async () => {
      if (!this.relayLeading) return { status: 'up', state: 'standing-by' };
      const status = this.relay.status();
      return { status: status.state === 'stopped' ? 'down' : 'up', ...status };
    });
    if (this.directoryFeed) {
      const feed = this.directoryFeed;
      this.health.register('accessDirectoryFeed', async () => {
        const lag = await feed.lag();
        return { status: lag < 0 ? 'down' : 'up', lag };
      });
    }
    const head = this.metrics.gauge('isms_event_store_head_position', 'Highest global position');
    this.eventStore.onAppended((position) => head.set(position));
    void this.eventStore.headPosition().then((position) => head.set(position));
    const relayLag = this.metrics.gauge(
      'isms_outbox_relay_lag_events',
      'Events recorded but not yet acknowledged by the broker',
    );
    const published = this.metrics.gauge(
      'isms_outbox_relay_published_events',
      'Events published since start (re-publications after a crash included)',
    );
    this.metrics.onScrape(async () => {
      const status = this.relay.status();
      relayLag.set(status.lag);
      published.set(status.publishedEvents);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.withdrawRelay = this.leadership.compete(this.relay.relayId, (leading) => {
      this.relayLeading = leading;
      if (leading) this.relay.start();
      else void this.relay.stop();
    });
    if (this.directoryFeed) await this.directoryFeed.start();
    this.logger.log({ msg: 'server adapters started', relay: this.relay.relayId });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.directoryFeed?.stop();
    await this.relay.stop();
    await this.withdrawRelay?.();
    await this.leadership.close();
    await this.bus.close();
    await this.endOffsets.close();
    await this.readStore.close();
    await this.eventStore.close();
  }
}
