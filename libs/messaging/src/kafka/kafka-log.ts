import type { LogEntry, logCreator } from 'kafkajs';
import { logLevel } from 'kafkajs';

/** A log line of the Kafka client, in our own shape (the client library stays behind the port). */
export interface KafkaLogEntry {
  readonly at: string;
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  /** The client component, e.g. `Consumer`, `Runner`, `Connection`. */
  readonly namespace: string;
  readonly message: string;
  readonly extra: Readonly<Record<string, unknown>>;
}

export type KafkaLogSink = (entry: KafkaLogEntry) => void;

const LEVELS: Record<number, KafkaLogEntry['level']> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The client's own log, kept quiet: entries at WARN and above go to the sink (if any) and into a
 * small ring buffer that `recent()` returns, for health details and for test failure messages.
 * Nothing is printed: the client reports every retry of a broker that restarts as an error.
 */
export class KafkaClientLog {
  private readonly entries: KafkaLogEntry[] = [];

  constructor(
    private readonly sink?: KafkaLogSink,
    private readonly capacity = 100,
  ) {}

  readonly creator: logCreator = () => (entry: LogEntry) => this.record(entry);

  recent(): readonly KafkaLogEntry[] {
    return [...this.entries];
  }

  lastError(): KafkaLogEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i]!.level === 'error') return this.entries[i];
    }
    return undefined;
  }

  private record({ namespace, level, log }: LogEntry): void {
    const { message, timestamp, ...extra } = log;
    const entry: KafkaLogEntry = {
      at: timestamp,
      level: LEVELS[level] ?? 'info',
      namespace,
      message,
      extra,
    };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    try {
      this.sink?.(entry);
    } catch {
      // A failing log sink must not break the client.
    }
  }
}
