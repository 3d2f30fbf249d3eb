import { Global, Inject, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryCheckpointStore, systemClock } from '@isms/event-sourcing';
import type { EventStore } from '@isms/event-sourcing';
import { createEmbeddedEventStore } from '@isms/event-store';
import type { SqlEventStore } from '@isms/event-store';
import { InProcessMessageBus } from '@isms/messaging';
import type { MessageBus } from '@isms/messaging';
import { InMemoryReadStore } from '@isms/read-store';
import type { ReadStore } from '@isms/read-store';
import {
  CHECKPOINT_STORE,
  CLOCK,
  EVENT_STORE,
  HealthRegistry,
  MESSAGE_BUS,
  MetricsService,
  READ_STORE,
} from '@isms/platform-nest';

export interface EmbeddedAdaptersOptions {
  /** ISMS_DATA_DIR: the event store lives in `<dataDir>/event-store`. */
  readonly dataDir: string | 'memory';
}

/**
 * The ports bound to embedded adapters: a file-backed PGlite event store (the same SQL as the
 * PostgreSQL adapter), an in-process message bus and in-memory read models, which projections
 * rebuild from the event store at every start.
 */
@Global()
@Module({})
export class EmbeddedAdaptersModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsService,
  ) {}

  static forRoot(options: EmbeddedAdaptersOptions): DynamicModule {
    return {
      module: EmbeddedAdaptersModule,
      providers: [
        { provide: CLOCK, useValue: systemClock },
        {
          provide: EVENT_STORE,
          useFactory: async (): Promise<SqlEventStore> => {
            if (options.dataDir === 'memory')
              return createEmbeddedEventStore({ dataDir: 'memory' });
            const dir = join(options.dataDir, 'event-store');
            mkdirSync(dir, { recursive: true });
            return createEmbeddedEventStore({ dataDir: dir });
          },
        },
        {
          provide: CHECKPOINT_STORE,
          // Read models are in memory and rebuilt from the event store at boot, so their
          // checkpoints must start at 0 too. (Server mode keeps checkpoints in SQL.)
          useFactory: () => new InMemoryCheckpointStore(),
        },
        { provide: MESSAGE_BUS, useFactory: () => new InProcessMessageBus() },
        { provide: READ_STORE, useFactory: () => new InMemoryReadStore() },
      ],
      exports: [CLOCK, EVENT_STORE, CHECKPOINT_STORE, MESSAGE_BUS, READ_STORE],
    };
  }

  onModuleInit(): void {
    this.health.register('eventStore', async () => {
      const health = await this.eventStore.health();
      return { ...health };
    });
    this.health.register('messageBus', async () => ({ ...(await this.bus.health()) }));
    this.health.register('readStore', async () => ({ ...(await this.readStore.health()) }));
    const head = this.metrics.gauge('isms_event_store_head_position', 'Highest global position');
    this.eventStore.onAppended((position) => head.set(position));
    void this.eventStore.headPosition().then((position) => head.set(position));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.readStore.close();
    await this.eventStore.close();
  }
}
