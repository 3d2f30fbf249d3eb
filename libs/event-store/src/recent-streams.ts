import type { EventMetadata, RecordedEvent } from '@isms/event-sourcing';

/** An event as a sole writer keeps it: the envelope, and its data and metadata as JSON. */
export interface KeptEvent {
  readonly event: RecordedEvent;
  readonly dataJson: string;
  readonly metadataJson: string;
}

/** A fresh copy of a kept event, as a query would return it (JSON key order aside). */
export function unkeep(kept: KeptEvent): RecordedEvent {
  return {
    ...kept.event,
    data: JSON.parse(kept.dataJson) as unknown,
    metadata: JSON.parse(kept.metadataJson) as EventMetadata,
  };
}

interface Reading {
  count: number;
  /** An append to the stream landed while a read was in flight: that read may miss it. */
  overtaken: boolean;
}

/**
 * Whole streams a sole writer (an embedded store, the only process appending to its directory)
 * has read or created lately, so that the command that loads a stream to decide on it does not
 * query again a stream this process knows in full. Every append of this process extends the
 * stream it wrote to; nobody else appends, so a kept stream is the stream as committed.
 *
 * A read's result is kept only if no append to that stream landed while it was in flight (it
 * could miss the appended events). Bounded by the number of events held; the streams used
 * least recently go first.
 */
export class RecentStreams {
  private readonly streams = new Map<string, KeptEvent[]>();
  private readonly reading = new Map<string, Reading>();
  private held = 0;

  constructor(private readonly capacity = 20_000) {}

  /** The whole stream as committed (possibly empty), or undefined if not kept. */
  get(streamId: string): readonly KeptEvent[] | undefined {
    const kept = this.streams.get(streamId);
    if (kept) {
      this.streams.delete(streamId); // most recently used goes last
      this.streams.set(streamId, kept);
    }
    return kept;
  }

  /** A read of the whole stream starts; call `readDone` when it has its rows (or failed). */
  readStarted(streamId: string): void {
    const reading = this.reading.get(streamId);
    if (reading) reading.count += 1;
    else this.reading.set(streamId, { count: 1, overtaken: false });
  }

  /** Keeps what the read found unless an append to the stream overtook it. */
  readDone(streamId: string, events: readonly KeptEvent[] | undefined): void {
    const reading = this.reading.get(streamId);
    if (!reading) return;
    reading.count -= 1;
    if (reading.count === 0) this.reading.delete(streamId);
    if (events && !reading.overtaken) this.keep(streamId, [...events]);
  }

  /** Events this process appended to a stream and saw committed. */
  appended(streamId: string, events: readonly KeptEvent[]): void {
    const reading = this.reading.get(streamId);
    if (reading) reading.overtaken = true;
    const first = events[0];
    if (!first) return;
    const kept = this.streams.get(streamId);
    if (kept) {
      const last = kept.at(-1)?.event.streamRevision ?? 0;
      if (first.event.streamRevision === last + 1) {
        this.keep(streamId, [...kept, ...events]);
      } else {
        this.forget(streamId); // not the continuation of what is kept: read it again
      }
    } else if (first.event.streamRevision === 1) {
      this.keep(streamId, [...events]);
    }
  }

  /** Drops a stream (an append found it changed elsewhere, or failed in an unknown state). */
  forget(streamId: string): void {
    const kept = this.streams.get(streamId);
    if (!kept) return;
    this.streams.delete(streamId);
    this.held -= weight(kept);
  }

  private keep(streamId: string, events: KeptEvent[]): void {
    if (weight(events) > this.capacity) {
      this.forget(streamId);
      return;
    }
    this.forget(streamId);
    this.streams.set(streamId, events);
    this.held += weight(events);
    for (const [oldest, kept] of this.streams) {
      if (this.held <= this.capacity) break;
      this.streams.delete(oldest);
      this.held -= weight(kept);
    }
  }
}

/** What a kept stream counts against the capacity: its events, and one for the stream itself. */
function weight(events: readonly KeptEvent[]): number {
  return events.length + 1;
}
