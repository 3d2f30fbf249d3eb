import { Global, Inject, Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryCheckpointStore, systemClock } from '@isms/event-sourcing';
import type { EventStore } from '@isms/event-sourcing';
import { createEmbeddedEventStore } from '@isms/event-store';
import type { SqlEventStore } from '@isms/event-store';
import { InProcessMessageBus } from '@isms/messaging';
import type { MessageBus } from '@isms/messaging';
import { InMemoryReadStore } from '@isms/read-store';
import {
  CHECKPOINT_STORE,
  CLOCK,
  EVENT_STORE,
  HealthRegistry,
  MESSAGE_BUS,
  MetricsService,
  ProjectionRegistry,
  READ_STORE,
  restoreReadModelSnapshot,
  writeReadModelSnapshot,
} from '@isms/platform-nest';
import type { SnapshotNotUsed, SnapshotRestored } from '@isms/platform-nest';

export interface EmbeddedAdaptersOptions {
  /** ISMS_DATA_DIR: the event store lives in `<dataDir>/event-store`. */
  readonly dataDir: string | 'memory';
  /**
   * Save the read models to `file` when the app stops and restore them at start, if the snapshot
   * was written by the code with this fingerprint for this event log (see read-model-snapshot.ts).
   * Omitted: the read models are rebuilt from the event store at every start.
   */
  readonly snapshot?: { readonly file: string; readonly codeFingerprint: string };
}

const EMBEDDED_ADAPTERS_OPTIONS = Symbol.for('isms.platform.EmbeddedAdaptersOptions');
/** What the start made of the read-model snapshot. */
const READ_MODEL_RESTORE = Symbol.for('isms.platform.ReadModelRestore');
type ReadModelRestore = SnapshotRestored | SnapshotNotUsed;

/**
 * The ports bound to embedded adapters: a file-backed PGlite event store (the same SQL as the
 * PostgreSQL adapter), an in-process message bus and in-memory read models, which projections
 * rebuild from the event store at start, or restore from the snapshot the last run saved.
 */
@Global()
@Module({})
export class EmbeddedAdaptersModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ReadModelSnapshot');

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(READ_STORE) private readonly readStore: InMemoryReadStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: InMemoryCheckpointStore,
    @Inject(READ_MODEL_RESTORE) private readonly restore: ReadModelRestore,
    @Inject(EMBEDDED_ADAPTERS_OPTIONS) private readonly options: EmbeddedAdaptersOptions,
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsService,
    private readonly moduleRef: ModuleRef,
  ) {}

  static forRoot(options: EmbeddedAdaptersOptions): DynamicModule {
    return {
      module: EmbeddedAdaptersModule,
      providers: [
        { provide: EMBEDDED_ADAPTERS_OPTIONS, useValue: options },
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
          provide: READ_MODEL_RESTORE,
          inject: [EVENT_STORE],
          useFactory: async (eventStore: EventStore): Promise<ReadModelRestore> =>
            options.snapshot
              ? restoreReadModelSnapshot(
                  options.snapshot.file,
                  eventStore,
                  options.snapshot.codeFingerprint,
                )
              : { restored: false },
        },
        {
          provide: CHECKPOINT_STORE,
          inject: [READ_MODEL_RESTORE],
          // Read models are in memory: their checkpoints start at 0 (rebuilt from the event store)
          // or where the snapshot left them. (Server mode keeps checkpoints in SQL.)
          useFactory: (restore: ReadModelRestore) =>
            restore.restored ? restore.checkpoints : new InMemoryCheckpointStore(),
        },
        { provide: MESSAGE_BUS, useFactory: () => new InProcessMessageBus() },
        {
          provide: READ_STORE,
          inject: [READ_MODEL_RESTORE],
          useFactory: (restore: ReadModelRestore) =>
            restore.restored ? restore.readStore : new InMemoryReadStore(),
        },
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
    this.health.register('readStore', async () => ({
      ...(await this.readStore.health()),
      ...this.restoreSummary(),
    }));
    const head = this.metrics.gauge('isms_event_store_head_position', 'Highest global position');
    this.eventStore.onAppended((position) => head.set(position));
    void this.eventStore.headPosition().then((position) => head.set(position));
    this.logRestore();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.saveReadModels();
    await this.bus.close();
    await this.readStore.close();
    await this.eventStore.close();
  }

  /** For /health: where the read models came from at start. */
  private restoreSummary(): Record<string, unknown> {
    if (!this.options.snapshot) return { restoredFrom: 'rebuilt from the event store' };
    if (!this.restore.restored) {
      return {
        restoredFrom: 'rebuilt from the event store',
        ...(this.restore.reason ? { snapshotNotUsed: this.restore.reason } : {}),
      };
    }
    const { header } = this.restore;
    return {
      restoredFrom: 'snapshot',
      snapshotHeadPosition: header.head.globalPosition,
      snapshotWrittenAt: header.writtenAt,
    };
  }

  private logRestore(): void {
    if (!this.options.snapshot) return;
    if (this.restore.restored) {
      const { header, documents, bytes, ms } = this.restore;
      this.logger.log({
        msg: 'read models restored from the snapshot; projections go on from its checkpoints',
        headPosition: header.head.globalPosition,
        writtenAt: header.writtenAt,
        documents,
        megabytes: Math.round(bytes / 2 ** 20),
        ms,
      });
    } else if (this.restore.reason) {
      this.logger.warn({
        msg: 'read-model snapshot not used: rebuilding the read models from the event store',
        reason: this.restore.reason,
      });
    }
  }

  /**
   * Stops the projections (nothing may write while the store is saved) and saves the read models
   * with their checkpoints. A failure is logged, not thrown: the next start rebuilds instead.
   */
  private async saveReadModels(): Promise<void> {
    const snapshot = this.options.snapshot;
    if (!snapshot) return;
    try {
      await this.moduleRef.get(ProjectionRegistry, { strict: false }).stop();
      const written = await writeReadModelSnapshot(snapshot.file, {
        readStore: this.readStore,
        checkpoints: this.checkpoints,
        eventStore: this.eventStore,
        codeFingerprint: snapshot.codeFingerprint,
      });
      if (written) {
        this.logger.log({
          msg: 'read models saved for the next start',
          file: written.file,
          headPosition: written.headPosition,
          documents: written.documents,
          megabytes: Math.round(written.bytes / 2 ** 20),
          ms: written.ms,
        });
      }
    } catch (error) {
      this.logger.warn({
        msg: 'read models not saved: the next start rebuilds them from the event store',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
