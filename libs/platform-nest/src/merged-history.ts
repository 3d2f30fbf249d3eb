import type { AsOf, EventStore, Projection, RecordedEvent } from '@isms/event-sourcing';
import { InMemoryReadStore } from '@isms/read-store';
import type { ReadStore } from '@isms/read-store';
import { handlesEvent, replayFilter } from '@isms/event-sourcing';
import { EventCursor as Cursor } from './as-of-replay.js';
import type { AsOfReplayOptions } from './as-of-replay.js';

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
      /** Only events of these event types (an empty list selects nothing). */
      readonly eventTypes?: readonly string[];
      /** Only this tenant's events. */
      readonly tenantId?: string;
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
 * Both sources are filtered like projectAsOf's store (replayFilter, and the tenant when given);
 * `options.narrow` is not applied (every handled event is replayed: the same answer, slower).
 */
export async function projectMergedAsOf(
  factories: readonly ((readStore: ReadStore) => Projection)[],
  store: EventStore,
  foreign: ForeignEventHistory,
  asOf: AsOf,
  isOwn: (streamType: string) => boolean,
  options: AsOfReplayOptions = {},
): Promise<ReadStore> {
  const { batchSize = 2000, tenantId } = options;
  const readStore = new InMemoryReadStore();
  const projections = factories.map((factory) => factory(readStore));
  const { streamTypes, eventTypes } = replayFilter(projections);
  // The own store is read for every type the projections handle: it holds only what this
  // service recorded (its own types, and those every service records, e.g. the access log),
  // while the mirror holds only what other services published.
  const ownTypes = streamTypes;
  const foreignTypes = streamTypes?.filter((type) => !isOwn(type));
  const narrow = {
    ...(eventTypes ? { eventTypes } : {}),
    ...(tenantId !== undefined ? { tenantId } : {}),
  };

  const cursors: Cursor[] = [
    new Cursor(
      foreign.service,
      (afterPosition) =>
        store.readAll({
          afterPosition,
          limit: batchSize,
          asOf,
          ...(ownTypes ? { streamTypes: ownTypes } : {}),
          ...narrow,
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
              ...narrow,
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
      if (handlesEvent(projection, event)) await projection.apply(event);
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
