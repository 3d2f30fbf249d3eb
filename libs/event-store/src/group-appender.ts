import { computeEventHash } from '@isms/event-sourcing';
import type { AppendRequest, Clock, EventMetadata, RecordedEvent } from '@isms/event-sourcing';
import type { SqlClient } from './sql-client.js';

/** An event of an append, with its id chosen and its JSON form fixed (what is hashed is what is read). */
export interface PreparedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly dataJson: string;
  readonly metadata: EventMetadata;
  readonly metadataJson: string;
}

/** A stream as the writer believes it is: revision 0 and no hash when it does not exist. */
export interface StreamHead {
  readonly revision: number;
  readonly lastHash: string | null;
}

export interface AppendAttempt {
  readonly request: AppendRequest;
  readonly events: readonly PreparedEvent[];
  readonly head: StreamHead;
}

export type AppendOutcome =
  | { readonly kind: 'appended'; readonly events: RecordedEvent[] }
  /** The stream moved on since it was read (another writer); nothing was written. */
  | { readonly kind: 'stale'; readonly revision: number }
  /** The log holds a later recorded-at than the one computed; nothing was written. */
  | { readonly kind: 'clock' };

interface Pending {
  readonly attempt: AppendAttempt;
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (error: unknown) => void;
}

interface OutcomeRow {
  out_index: number;
  out_outcome: 'appended' | 'stale' | 'clock';
  out_revision: number | null;
  out_first_position: string | number | null;
  out_head_recorded_at: string | null;
}

const APPEND_SQL = `
  SELECT out_index, out_outcome, out_revision, out_first_position, out_head_recorded_at
  FROM isms_append($1::timestamptz, $2::text[], $3::text[], $4::text[], $5::integer[],
    $6::text[], $7::integer[], $8::uuid[], $9::text[], $10::integer[], $11::text[],
    $12::text[], $13::text[], $14::text[])`;

const MAX_APPENDS_PER_GROUP = 200;
const MAX_EVENTS_PER_GROUP = 2000;

/**
 * Group commit. One write statement is in flight at a time; appends submitted meanwhile wait
 * and then go together in the next statement (at most one per stream, so that each is checked
 * against the head it was computed from). Under load this turns many small transactions into
 * a few larger ones — the same lock, one round trip, one commit; a lone append goes alone.
 * Each append in a group succeeds or fails on its own.
 */
export class GroupAppender {
  private pending: Pending[] = [];
  private draining = false;

  constructor(
    private readonly client: SqlClient,
    private readonly clock: Clock,
    /** The latest recorded-at (ms) this process knows of; raised by every write. */
    private readonly latest: { get(): number; raise(ms: number): void },
  ) {}

  submit(attempt: AppendAttempt): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ attempt, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const group = this.takeGroup();
        try {
          const outcomes = await this.write(group.map((p) => p.attempt));
          group.forEach((p, i) => p.resolve(outcomes[i]!));
        } catch (error) {
          if (group.length === 1) group[0]!.reject(error);
          else await this.writeOneByOne(group);
        }
        // Let the callers just answered run on: those that append again join the next group
        // instead of the first of them going alone.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * One bad append (e.g. an event id already recorded) fails the whole statement: write the
   * group's appends one by one, so that only the culprit fails.
   */
  private async writeOneByOne(group: readonly Pending[]): Promise<void> {
    for (const p of group) {
      try {
        p.resolve((await this.write([p.attempt]))[0]!);
      } catch (error) {
        p.reject(error);
      }
    }
  }

  /** Oldest first, one append per stream, within the size limits. */
  private takeGroup(): Pending[] {
    const group: Pending[] = [];
    const rest: Pending[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (const p of this.pending) {
      const { streamId } = p.attempt.request;
      const size = p.attempt.events.length;
      const fits =
        group.length === 0 ||
        (group.length < MAX_APPENDS_PER_GROUP && events + size <= MAX_EVENTS_PER_GROUP);
      if (fits && !streams.has(streamId)) {
        group.push(p);
        streams.add(streamId);
        events += size;
      } else {
        rest.push(p);
      }
    }
    this.pending = rest;
    return group;
  }

  private async write(attempts: readonly AppendAttempt[]): Promise<AppendOutcome[]> {
    // recorded-at never decreases with the global position (as of an instant == a prefix of
    // the log): the clock, unless the log already holds a later instant.
    const recordedAt = new Date(Math.max(this.clock.now().getTime(), this.latest.get()));
    const recordedAtIso = recordedAt.toISOString();
    const chains = attempts.map((attempt) => chain(attempt, recordedAtIso));
    const all = chains.flat();
    const prepared = attempts.flatMap((attempt) => attempt.events);
    const rows = await this.client.query<OutcomeRow>(APPEND_SQL, [
      recordedAtIso,
      attempts.map((a) => a.request.tenantId),
      attempts.map((a) => a.request.streamId),
      attempts.map((a) => a.request.streamType),
      attempts.map((a) => a.head.revision),
      attempts.map((a) => a.head.lastHash),
      attempts.map((a) => a.events.length),
      all.map((e) => e.eventId),
      all.map((e) => e.type),
      all.map((e) => e.schemaVersion),
      prepared.map((e) => e.dataJson),
      prepared.map((e) => e.metadataJson),
      all.map((e) => e.previousHash),
      all.map((e) => e.hash),
    ]);
    const outcomes: AppendOutcome[] = [];
    for (const row of rows) {
      const index = Number(row.out_index) - 1;
      if (row.out_outcome === 'appended') {
        const first = Number(row.out_first_position);
        outcomes[index] = {
          kind: 'appended',
          events: chains[index]!.map((e, i) => ({ ...e, globalPosition: first + i })),
        };
        this.latest.raise(recordedAt.getTime());
      } else if (row.out_outcome === 'stale') {
        outcomes[index] = { kind: 'stale', revision: Number(row.out_revision) };
      } else {
        this.latest.raise(Date.parse(row.out_head_recorded_at ?? ''));
        outcomes[index] = { kind: 'clock' };
      }
    }
    if (outcomes.length !== attempts.length || outcomes.includes(undefined as never)) {
      throw new Error(
        `isms_append answered ${rows.length} outcomes for ${attempts.length} appends`,
      );
    }
    return outcomes;
  }
}

/** Revisions and the hash chain of an append's events, continuing from the stream's head. */
function chain(attempt: AppendAttempt, recordedAt: string): RecordedEvent[] {
  const { request, head } = attempt;
  let previousHash = head.lastHash;
  return attempt.events.map((event, index) => {
    const hashed = {
      eventId: event.eventId,
      tenantId: request.tenantId,
      streamId: request.streamId,
      streamType: request.streamType,
      streamRevision: head.revision + index + 1,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: event.metadata,
      recordedAt,
      previousHash,
    };
    const hash = computeEventHash(hashed);
    previousHash = hash;
    return { ...hashed, globalPosition: 0, hash }; // the position is the database's to give
  });
}
