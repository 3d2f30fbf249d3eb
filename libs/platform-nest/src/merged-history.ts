import type { AsOf, EventStore, Projection, RecordedEvent } from '@isms/event-sourcing';
import { InMemoryReadStore } from '@isms/read-store';
import type { ReadStore } from '@isms/read-store';

/**
 * Distributed mode: the events of OTHER contexts that this service's read models consumed, kept
 * verbatim (the service's event mirror), so that `?asOf=` rebuilds the read models that combine
 * its own events with foreign ones. Bound to `FOREIGN_EVENT_HISTORY`; unbound when embedded (one
 * event store holds every event) and in the reporting service (its EVENT_HISTORY is the mirror).
 */
export interface ForeignEventHistory {
  /** The context this service records (the source name of its own events in the merge). */
  readonly service: string;
  /** The contexts some events were kept from. */
  sources(): Promise<readonly string[]>;
  /**
   * The kept events of one source in that source's order (its global positions, hence each
   * stream in revision order), verbatim (`globalPosition` is the source's), after `afterPosition`
   * and recorded at or before `until` (inclusive) when given.
   */
  readSource(
    source: string,
    options: {
      readonly afterPosition: number;
      readonly limit: number;
      readonly until?: string;
      readonly streamTypes?: readonly string[];
    },
  ): Promise<RecordedEvent[]>;
}

/** The instant an as-of selects foreign events by; undefined: none (before the first event). */
async function foreignCutOff(store: EventStore, asOf: AsOf): Promise<string | undefined> {
  if ('recordedAt' in asOf) {
    const instant = new Date(asOf.recordedAt);
    if (Number.isNaN(instant.getTime())) {
      throw new RangeError(`asOf.recordedAt is not an instant: ${String(asOf.recordedAt)}`);
    }
    return instant.toISOString();
  }
  // A position is one of this service's own store: foreign events count up to the instant the
  // event at that position was recorded (beyond the head: the head's).
  const position = Math.min(asOf.globalPosition, await store.headPosition());
  if (position <= 0) return undefined;
  const [event] = await store.readAll({ afterPosition: position - 1, limit: 1 });
  return event?.recordedAt;
}

/** One source's events, paged, one at a time. */
class Cursor {
  private buffer: RecordedEvent[] = [];
  private index = 0;
  private after = 0;
  private done = false;

  constructor(
    readonly source: string,
    private readonly read: (afterPosition: number) => Promise<RecordedEvent[]>,
    private readonly limit: number,
  ) {}

  async head(): Promise<RecordedEvent | undefined> {
    if (this.index < this.buffer.length) return this.buffer[this.index];
    if (this.done) return undefined;
    this.buffer = await this.read(this.after);
    this.index = 0;
    if (this.buffer.length < this.limit) this.done = true;
    if (this.buffer.length === 0) return undefined;
    this.after = this.buffer[this.buffer.length - 1]!.globalPosition;
    return this.buffer[0];
  }

  advance(): void {
    this.index += 1;
  }
}

/** Orders heads of different sources: recorded-at, then source name, then position. */
function before(a: RecordedEvent, aSource: string, b: RecordedEvent, bSource: string): boolean {
  const at =
    a.recordedAt.length === b.recordedAt.length
      ? a.recordedAt < b.recordedAt
        ? -1
        : a.recordedAt > b.recordedAt
          ? 1
          : 0
      : Date.parse(a.recordedAt) - Date.parse(b.recordedAt);
  if (at !== 0) return at < 0;
  if (aSource !== bSource) return aSource < bSource;
  return a.globalPosition < b.globalPosition;
}

/**
 * `projectAsOf` for a service whose read models also consume other contexts' events: replays
 * the union of its own events (its event store) and the foreign events it kept (its mirror) up
 * to the as-of point, merged deterministically by recorded-at, then source name, then position.
 * Each source is read in its own order, so every stream stays in revision order whatever the
 * clocks did.
 *
 * - `asOf.recordedAt`: own and foreign events recorded at or before the instant.
 * - `asOf.globalPosition`: a position of the service's OWN store: its events up to it, and the
 *   foreign events recorded at or before the instant the event at that position was recorded.
 *
 * `isOwn` says which stream types only this service records (the others are read from the mirror
 * too); a projection without a stream-type filter gets every own event and every kept foreign one.
 */
export async function projectMergedAsOf(
  factories: readonly ((readStore: ReadStore) => Projection)[],
  store: EventStore,
  foreign: ForeignEventHistory,
  asOf: AsOf,
  isOwn: (streamType: string) => boolean,
  batchSize = 2000,
): Promise<ReadStore> {
  const readStore = new InMemoryReadStore();
  const projections = factories.map((factory) => factory(readStore));
  const filtered = projections.every((p) => p.handles?.streamTypes);
  const all = [...new Set(projections.flatMap((p) => p.handles?.streamTypes ?? []))];
  // The own store is read for every type the projections handle: it holds only what this
  // service recorded (its own types, and those every service records, e.g. the access log),
  // while the mirror holds only what other services published.
  const ownTypes = filtered ? all : undefined;
  const foreignTypes = filtered ? all.filter((type) => !isOwn(type)) : undefined;

  const cursors: Cursor[] = [
    new Cursor(
      foreign.service,
      (afterPosition) =>
        store.readAll({
          afterPosition,
          limit: batchSize,
          asOf,
          ...(ownTypes ? { streamTypes: ownTypes } : {}),
        }),
      batchSize,
    ),
  ];
  const until = await foreignCutOff(store, asOf);
  if (until !== undefined && (!foreignTypes || foreignTypes.length > 0)) {
    for (const source of await foreign.sources()) {
      if (source === foreign.service) continue;
      cursors.push(
        new Cursor(
          source,
          (afterPosition) =>
            foreign.readSource(source, {
              afterPosition,
              limit: batchSize,
              until,
              ...(foreignTypes ? { streamTypes: foreignTypes } : {}),
            }),
          batchSize,
        ),
      );
    }
  }

  for (;;) {
    let next: { cursor: Cursor; event: RecordedEvent } | undefined;
    for (const cursor of cursors) {
      const event = await cursor.head();
      if (!event) continue;
      if (!next || before(event, cursor.source, next.event, next.cursor.source)) {
        next = { cursor, event };
      }
    }
    if (!next) return readStore;
    next.cursor.advance();
    const { event } = next;
    for (const projection of projections) {
      const handles = projection.handles;
      if (handles?.streamTypes && !handles.streamTypes.includes(event.streamType)) continue;
      if (handles?.eventTypes && !handles.eventTypes.includes(event.type)) continue;
      await projection.apply(event);
    }
  }
}

/** Whether any of the projections consumes a stream type the service does not record. */
export function consumesForeignEvents(
  factories: readonly ((readStore: ReadStore) => Projection)[],
  isOwn: (streamType: string) => boolean,
): boolean {
  const probe = new InMemoryReadStore();
  return factories.some((factory) => {
    const types = factory(probe).handles?.streamTypes;
    return !types || types.some((type) => !isOwn(type));
  });
}
