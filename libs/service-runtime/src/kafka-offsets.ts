import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';

/** `<topic>/<partition>` → an offset. */
export type PartitionOffsets = Map<string, bigint>;

export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/**
 * The end of each partition (the offset the next message will get), to tell when a consumer
 * has caught up with what was published before a point in time. Kept out of the MessageBus
 * port on purpose: only the distributed runtime needs it.
 */
export class KafkaEndOffsets {
  private connected?: Promise<void>;

  private constructor(private readonly admin: Admin) {}

  static create(brokers: readonly string[], clientId = 'isms-ledger-offsets'): KafkaEndOffsets {
    const kafka = new Kafka({
      clientId,
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3_000,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 3_000 },
    });
    return new KafkaEndOffsets(kafka.admin());
  }

  /** The end offsets of every partition of `topics` (a partition without messages: 0). */
  async fetch(topics: readonly string[]): Promise<PartitionOffsets> {
    this.connected ??= this.admin.connect();
    try {
      await this.connected;
    } catch (error) {
      this.connected = undefined;
      throw error;
    }
    const ends: PartitionOffsets = new Map();
    for (const topic of topics) {
      for (const { partition, high } of await this.admin.fetchTopicOffsets(topic)) {
        ends.set(partitionKey(topic, partition), BigInt(high));
      }
    }
    return ends;
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
    this.connected = undefined;
  }
}

/**
 * Tracks the offsets a consumer has handled and tells whether it reached given end offsets
 * (handled offset + 1 ≥ end, for each partition with messages).
 */
export class HandledOffsets {
  private readonly handled: PartitionOffsets = new Map();
  private readonly waiters = new Set<() => void>();

  record(topic: string, partition: number, offset: string): void {
    const key = partitionKey(topic, partition);
    const next = BigInt(offset) + 1n;
    if ((this.handled.get(key) ?? 0n) < next) this.handled.set(key, next);
    for (const wake of [...this.waiters]) wake();
  }

  /** Messages published before `ends` and not handled yet. */
  behind(ends: PartitionOffsets): number {
    let lag = 0n;
    for (const [key, end] of ends) {
      const done = this.handled.get(key) ?? 0n;
      if (end > done) lag += end - done;
    }
    return Number(lag);
  }

  /** Resolves once every partition reached its end in `ends`; rejects after `timeoutMs`. */
  waitFor(ends: PartitionOffsets, timeoutMs: number, what: string): Promise<void> {
    if (this.behind(ends) === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.behind(ends) > 0) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `${what}: ${this.behind(ends)} messages still not handled after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}
