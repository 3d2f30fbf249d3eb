import type { RecordedEvent } from './envelope.js';

/**
 * Turns the data of one stored schema version of an event type into the next version.
 * Stored events are never rewritten; upcasters run on every read.
 */
export interface Upcaster {
  readonly eventType: string;
  readonly fromVersion: number;
  /** Returns the data at version fromVersion + 1. */
  upcast(data: unknown, event: RecordedEvent): unknown;
}

export class UpcasterRegistry {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) this.register(upcaster);
  }

  register(upcaster: Upcaster): this {
    const key = `${upcaster.eventType}@${upcaster.fromVersion}`;
    if (this.byKey.has(key)) throw new Error(`Two upcasters for ${key}`);
    this.byKey.set(key, upcaster);
    return this;
  }

  /** Applies every upcaster in sequence until no further one exists for the event's version. */
  upcast(event: RecordedEvent): RecordedEvent {
    let current = event;
    for (;;) {
      const upcaster = this.byKey.get(`${current.type}@${current.schemaVersion}`);
      if (!upcaster) return current;
      current = {
        ...current,
        data: upcaster.upcast(current.data, current),
        schemaVersion: current.schemaVersion + 1,
      };
    }
  }
}
