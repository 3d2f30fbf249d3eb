import { Logger } from '@nestjs/common';
import { accessDirectoryProjection, ACCESS_DIRECTORY_STREAM_TYPES } from '@isms/auth';
import type { AccessDirectory } from '@isms/auth';
import type { MessageBus, Subscription } from '@isms/messaging';
import { serviceEventsTopic } from './contexts.js';
import type { KafkaEndOffsets } from './kafka-offsets.js';
import { HandledOffsets } from './kafka-offsets.js';

export interface AccessDirectoryFeedOptions {
  readonly bus: MessageBus;
  readonly endOffsets: Pick<KafkaEndOffsets, 'fetch'>;
  readonly directory: AccessDirectory;
  /** This service (names the consumer group). */
  readonly service: string;
  /** Unique per running instance: the directory is in memory, so each instance reads it all. */
  readonly instanceId: string;
  readonly deployment?: string;
  /** How long start() waits for the directory to catch up with what governance published. Default 120 s. */
  readonly catchUpTimeoutMs?: number;
}

/**
 * The access directory (org units, people, role bindings, scopes, grants) of a service other
 * than governance, fed from governance's published events. It lives in memory, so every
 * instance reads the governance topic from the beginning in a consumer group of its own, and
 * start() resolves only once it has caught up with what was published when it started: the
 * service serves no request on an empty directory.
 */
export class AccessDirectoryFeed {
  private readonly logger = new Logger('AccessDirectoryFeed');
  private readonly handled = new HandledOffsets();
  private subscription?: Subscription;
  private readonly topic: string;

  constructor(private readonly options: AccessDirectoryFeedOptions) {
    this.topic = serviceEventsTopic('governance', options.deployment);
  }

  groupId(): string {
    const prefix = this.options.deployment ? `${this.options.deployment}.` : '';
    return `${prefix}isms.${this.options.service}.access-directory.${this.options.instanceId}`;
  }

  async start(): Promise<void> {
    const projection = accessDirectoryProjection(this.options.directory);
    const types = new Set<string>(ACCESS_DIRECTORY_STREAM_TYPES);
    await this.options.bus.ensureTopics([this.topic]);
    const ends = await this.options.endOffsets.fetch([this.topic]);
    this.subscription = await this.options.bus.subscribe(
      { groupId: this.groupId(), topics: [this.topic], fromBeginning: true },
      async (message) => {
        if (types.has(message.event.streamType)) await projection.apply(message.event);
        this.handled.record(message.topic, message.partition, message.offset);
      },
    );
    const started = Date.now();
    await this.handled.waitFor(
      ends,
      this.options.catchUpTimeoutMs ?? 120_000,
      'access directory from governance events',
    );
    this.logger.log({
      msg: 'access directory caught up with governance events',
      ms: Date.now() - started,
    });
  }

  /** Governance messages published but not yet in this instance's directory (-1: broker unreachable). */
  async lag(): Promise<number> {
    try {
      return this.handled.behind(await this.options.endOffsets.fetch([this.topic]));
    } catch {
      return -1;
    }
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close().catch(() => undefined);
  }
}
