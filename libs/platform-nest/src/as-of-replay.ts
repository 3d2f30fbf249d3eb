import type { RecordedEvent } from '@isms/event-sourcing';

/** How an `?asOf=` rebuild reads history. */
export interface AsOfReplayOptions {
  /**
   * Only this tenant's events: an as-of read answers one tenant's request, and every read model
   * keeps its documents per tenant, so the other tenants' events cannot change its answer.
   */
  readonly tenantId?: string;
  /** Events per read (default 5000 for projectAsOf, 2000 for projectMergedAsOf; stores cap it). */
  readonly batchSize?: number;
  /**
   * Projections to replay from only some of their streams, because only those can change the
   * answer asked for (e.g. the risk links of one scope for that scope's SoA). A hint: a replay
   * may ignore it (projectMergedAsOf does), which costs time, never correctness.
   */
  readonly narrow?: readonly AsOfNarrowing[];
}

/**
 * Narrows one projection's as-of replay to the streams that matter: the `streamIds` given, or
 * those with an event of one of `eventTypes` whose data has the `dataEquals` field values (as
 * stored), recorded up to the as-of point. The projection then gets every event it handles
 * from those streams only; documents of the other streams are missing from the rebuilt read
 * model, so the caller asks it only what those streams decide (e.g. one risk's register entry,
 * or "the open risk links of scope S" when a link's scope is set only by events of
 * `eventTypes` carrying `scopeId`).
 */
export type AsOfNarrowing =
  | {
      /** The projection's name. */
      readonly projection: string;
      readonly streamIds: readonly string[];
    }
  | {
      readonly projection: string;
      readonly eventTypes: readonly string[];
      readonly dataEquals: Readonly<Record<string, string>>;
    };

/**
 * One read of history, paged, consumed one event at a time (sources of a merge). While one page
 * is consumed the next is already being read (one page ahead), so that the store's work (on the
 * embedded platform, PGlite's thread) overlaps with the replay's.
 */
export class EventCursor {
  private buffer: RecordedEvent[] = [];
  private index = 0;
  private after = 0;
  private done = false;
  private next?: Promise<RecordedEvent[]>;

  constructor(
    readonly source: string,
    private readonly read: (afterPosition: number) => Promise<RecordedEvent[]>,
    private readonly limit: number,
  ) {}

  async head(): Promise<RecordedEvent | undefined> {
    if (this.index < this.buffer.length) return this.buffer[this.index];
    if (this.done) return undefined;
    const page = this.next ?? this.read(this.after);
    this.next = undefined;
    this.buffer = await page;
    this.index = 0;
    if (this.buffer.length < this.limit) this.done = true;
    if (this.buffer.length === 0) return undefined;
    this.after = this.buffer[this.buffer.length - 1]!.globalPosition;
    if (!this.done) {
      this.next = this.read(this.after);
      // Awaited by the next head(); a replay abandoned before it must not leave it unhandled.
      this.next.catch(() => undefined);
    }
    return this.buffer[0];
  }

  advance(): void {
    this.index += 1;
  }
}
