import type { CheckpointStore, EventStore, RecordedEvent } from '@isms/event-sourcing';
import { tailEventStore } from '@isms/event-sourcing';
import type { MessageBus } from '../message-bus.js';
import { eventsTopicFor, retryDelayMs, sleep } from '../message-bus.js';

/** Where an event is published: a topic and the bounded context it is published as. */
export interface RelayRoute {
  readonly topic: string;
  /** The publishing context (CloudEvents source/type); default: read from `isms.<context>.events.v<n>`. */
  readonly context?: string;
}

export interface OutboxRelayOptions {
  readonly store: EventStore;
  readonly bus: MessageBus;
  /** On PostgreSQL: the event store's own `checkpoints` (same database, same backups). */
  readonly checkpoints: CheckpointStore;
  /** Names the checkpoint; default `outbox-relay`. Run one relay per id at a time. */
  readonly relayId?: string;
  /**
   * Stream type → the bounded context that publishes it, e.g. `{ risk: 'risk', asset: 'risk',
   * control: 'controls' }`. Events go to `isms.<context>.events.v<topicVersion>`.
   */
  readonly contexts?: Readonly<Record<string, string>>;
  /**
   * The context for stream types missing from `contexts`. Without it an unmapped stream type is
   * an error: the relay stops at that event (state `retrying`, see `status().lastError`) rather
   * than skip it or publish it as some other context's event.
   */
  readonly defaultContext?: string;
  /**
   * Replaces `contexts`/`defaultContext`: the route of each event — a topic named
   * `isms.<context>.events.v<n>`, or a topic and its context. Throwing stops the relay at the event.
   */
  readonly topicFor?: (event: RecordedEvent) => RelayRoute | string;
  /** Default 1. */
  readonly topicVersion?: number;
  /** Create each topic before the first publish to it (default true); with this many partitions (default: the bus's). */
  readonly createTopics?: boolean;
  readonly topicPartitions?: number;
  /** Extra message headers per event (e.g. `traceparent`); must not start with `ce_`. */
  readonly headers?: (event: RecordedEvent) => Readonly<Record<string, string>> | undefined;
  /** Events per read (default 500). */
  readonly batchSize?: number;
  /**
   * When caught up, how long to wait before reading again (default 1000 ms). Appends through
   * this process's store wake the relay at once; this bounds the delay for other processes'.
   */
  readonly pollIntervalMs?: number;
  /** Backoff after a failure (store, broker, checkpoint, routing); retried until stopped. */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** How long stop() waits for a publish or checkpoint save in progress (default 10000 ms). */
  readonly stopTimeoutMs?: number;
  /** Told about every failure (for logs and alerts); the relay retries by itself. */
  readonly onError?: (error: unknown, status: OutboxRelayStatus) => void;
}

/**
 * - `stopped`: not running; `starting`: loading the checkpoint;
 * - `catching-up`: publishing a backlog; `live`: at the head, waiting for appends;
 * - `retrying`: the last step failed (see `lastError`), waiting to try again.
 */
export type OutboxRelayState = 'stopped' | 'starting' | 'catching-up' | 'live' | 'retrying';

export interface OutboxRelayStatus {
  readonly relayId: string;
  readonly state: OutboxRelayState;
  /** The last global position the broker acknowledged (everything up to it is published). */
  readonly publishedPosition: number;
  /** The last global position saved as checkpoint (a restart resumes after it). */
  readonly checkpointPosition: number;
  /** The store's head when last looked at. */
  readonly headPosition: number;
  /** Events appended but not yet acknowledged by the broker: head − published position. */
  readonly lag: number;
  /** Events published since start (re-publications after a crash included). */
  readonly publishedEvents: number;
  readonly lastPublishedAt?: string;
  readonly consecutiveFailures: number;
  readonly lastError?: { readonly message: string; readonly at: string };
}

export class UnmappedStreamTypeError extends Error {
  constructor(readonly event: Pick<RecordedEvent, 'streamType' | 'eventId' | 'globalPosition'>) {
    super(
      `No publishing context for stream type "${event.streamType}" (event ${event.eventId} at position ${event.globalPosition}); add it to the relay's contexts or set a defaultContext`,
    );
    this.name = 'UnmappedStreamTypeError';
  }
}

/**
 * The outbox relay: the event store is the outbox (ARCHITECTURE §4). Tails the store by global
 * position from the saved checkpoint, publishes each event to its context's topic in store
 * order, and saves the checkpoint only after the broker acknowledged — at least once: a crash
 * between publish and checkpoint publishes those events again on restart (consumers dedupe by
 * stream and revision), and nothing appended is ever skipped. A failure (store, broker,
 * checkpoint, an unmapped stream type) stops the relay at that event and retries with backoff.
 *
 * Per stream, order holds end to end: events are read in global order, published in order
 * (the bus keeps call order per partition) and keyed by stream id.
 */
export class OutboxRelay {
  readonly relayId: string;
  private readonly options: OutboxRelayOptions;
  private readonly ensuredTopics = new Set<string>();
  private state: OutboxRelayState = 'stopped';
  private publishedPosition = 0;
  private checkpointPosition = 0;
  private headPosition = 0;
  private publishedEvents = 0;
  private lastPublishedAt?: string;
  private consecutiveFailures = 0;
  private lastError?: { message: string; at: string };
  private run?: {
    readonly abort: AbortController;
    readonly done: Promise<void>;
    readonly stopListening: () => void;
  };

  constructor(options: OutboxRelayOptions) {
    this.options = options;
    this.relayId = options.relayId ?? 'outbox-relay';
    if (!options.topicFor && !options.contexts && !options.defaultContext) {
      throw new RangeError('OutboxRelay: give contexts, a defaultContext or topicFor');
    }
    for (const context of [
      ...Object.values(options.contexts ?? {}),
      ...(options.defaultContext ? [options.defaultContext] : []),
    ]) {
      eventsTopicFor(context, options.topicVersion ?? 1); // validates the context names now
    }
  }

  /** Starts tailing from the saved checkpoint; resolves at once (loading runs in the background). */
  start(): void {
    if (this.run) return;
    const abort = new AbortController();
    this.state = 'starting';
    // The head moves with this process's appends even while a publish hangs (broker down), so
    // the lag in status() shows what waits for the broker.
    const stopListening = this.options.store.onAppended((position) => {
      if (position > this.headPosition) this.headPosition = position;
    });
    this.run = { abort, done: this.loop(abort.signal), stopListening };
  }

  /**
   * Stops after the publish or checkpoint save in progress (waiting at most `stopTimeoutMs`; a
   * step still running then is abandoned — its events are published again on the next start).
   */
  async stop(): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.stopListening();
    run.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      run.done,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.options.stopTimeoutMs ?? 10_000);
      }),
    ]);
    clearTimeout(timer);
    this.state = 'stopped';
  }

  status(): OutboxRelayStatus {
    return {
      relayId: this.relayId,
      state: this.state,
      publishedPosition: this.publishedPosition,
      checkpointPosition: this.checkpointPosition,
      headPosition: this.headPosition,
      lag: Math.max(0, this.headPosition - this.publishedPosition),
      publishedEvents: this.publishedEvents,
      ...(this.lastPublishedAt ? { lastPublishedAt: this.lastPublishedAt } : {}),
      consecutiveFailures: this.consecutiveFailures,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** The route of an event under this relay's configuration (throws UnmappedStreamTypeError). */
  routeOf(event: RecordedEvent): RelayRoute {
    const { topicFor, contexts, defaultContext, topicVersion } = this.options;
    if (topicFor) {
      const route = topicFor(event);
      return typeof route === 'string' ? { topic: route } : route;
    }
    const context = contexts?.[event.streamType] ?? defaultContext;
    if (!context) throw new UnmappedStreamTypeError(event);
    return { topic: eventsTopicFor(context, topicVersion ?? 1), context };
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const { store, checkpoints } = this.options;
    let loaded = false;
    while (!signal.aborted) {
      try {
        if (!loaded) {
          this.checkpointPosition = await checkpoints.load(this.relayId);
          this.publishedPosition = this.checkpointPosition;
          loaded = true;
        }
        if (signal.aborted) return;
        // Published but not yet saved (a save failed): save before going on.
        if (this.publishedPosition > this.checkpointPosition) await this.saveCheckpoint(signal);
        this.headPosition = await store.headPosition();
        if (signal.aborted) return;
        // Nothing to publish: healthy. Otherwise a failure stays reported until a batch passes.
        if (this.headPosition <= this.publishedPosition) this.succeeded('live');
        else if (this.consecutiveFailures === 0) this.state = 'catching-up';
        for await (const batch of tailEventStore(store, {
          afterPosition: this.publishedPosition,
          batchSize: this.options.batchSize ?? 500,
          idleWaitMs: this.options.pollIntervalMs ?? 1_000,
          signal,
        })) {
          if (batch.events.length > 0) {
            if (this.consecutiveFailures === 0) this.state = 'catching-up';
            await this.publish(batch.events, signal);
            if (signal.aborted) return;
          }
          this.publishedPosition = Math.max(this.publishedPosition, batch.position);
          await this.saveCheckpoint(signal);
          if (signal.aborted) return;
          this.headPosition = batch.caughtUp ? batch.position : await store.headPosition();
          this.succeeded(batch.caughtUp ? 'live' : 'catching-up');
        }
      } catch (error) {
        if (signal.aborted) return;
        this.failed(error);
        await sleep(
          retryDelayMs(
            {
              maxAttempts: Number.MAX_SAFE_INTEGER,
              initialDelayMs: this.options.retry?.initialDelayMs ?? 200,
              maxDelayMs: this.options.retry?.maxDelayMs ?? 10_000,
              multiplier: 2,
            },
            this.consecutiveFailures,
          ),
          signal,
        );
      }
    }
  }

  /**
   * Publishes a batch as runs of consecutive events with the same route, in order. Each run is
   * acknowledged before the next starts, and the published position moves with it, so a retry
   * after a failure does not publish acknowledged runs again.
   */
  private async publish(events: readonly RecordedEvent[], signal: AbortSignal): Promise<void> {
    const { bus } = this.options;
    const { runs, unroutable } = runsByRoute(events, (event) => this.routeOf(event));
    for (const run of runs) {
      if (signal.aborted) return;
      await this.ensureTopic(run.route.topic);
      for (const group of groupByHeaders(run.events, this.options.headers)) {
        await bus.publish(run.route.topic, group.events, {
          ...(run.route.context ? { context: run.route.context } : {}),
          ...(group.headers ? { headers: group.headers } : {}),
        });
        if (signal.aborted) return; // abandoned by a stop that timed out: a new run takes over
        this.publishedPosition = group.events[group.events.length - 1]!.globalPosition;
        this.publishedEvents += group.events.length;
        this.lastPublishedAt = new Date().toISOString();
      }
    }
    if (unroutable !== undefined) {
      // What came before is published; save that, then stop at the unroutable event.
      if (this.publishedPosition > this.checkpointPosition) await this.saveCheckpoint(signal);
      throw unroutable;
    }
  }

  private async saveCheckpoint(signal: AbortSignal): Promise<void> {
    const position = this.publishedPosition;
    await this.options.checkpoints.save(this.relayId, position);
    if (!signal.aborted) this.checkpointPosition = position;
  }

  private async ensureTopic(topic: string): Promise<void> {
    if (this.options.createTopics === false || this.ensuredTopics.has(topic)) return;
    const partitions = this.options.topicPartitions;
    await this.options.bus.ensureTopics([topic], partitions ? { partitions } : {});
    this.ensuredTopics.add(topic);
  }

  private succeeded(state: OutboxRelayState): void {
    this.state = state;
    this.consecutiveFailures = 0;
  }

  private failed(error: unknown): void {
    this.state = 'retrying';
    this.consecutiveFailures += 1;
    this.lastError = {
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      at: new Date().toISOString(),
    };
    try {
      this.options.onError?.(error, this.status());
    } catch {
      // A failing error listener must not stop the relay.
    }
  }
}

interface Run {
  readonly route: RelayRoute;
  readonly events: RecordedEvent[];
}

/**
 * Consecutive events with the same route. An event without a route ends the batch: the runs
 * before it are returned with the error, so the relay publishes those and stops at that event.
 */
function runsByRoute(
  events: readonly RecordedEvent[],
  routeOf: (event: RecordedEvent) => RelayRoute,
): { runs: Run[]; unroutable?: unknown } {
  const runs: Run[] = [];
  for (const event of events) {
    let route: RelayRoute;
    try {
      route = routeOf(event);
    } catch (error) {
      return { runs, unroutable: error };
    }
    const last = runs[runs.length - 1];
    if (last && last.route.topic === route.topic && last.route.context === route.context) {
      last.events.push(event);
    } else {
      runs.push({ route, events: [event] });
    }
  }
  return { runs };
}

function groupByHeaders(
  events: readonly RecordedEvent[],
  headersOf: OutboxRelayOptions['headers'],
): { events: RecordedEvent[]; headers?: Readonly<Record<string, string>> }[] {
  if (!headersOf) return [{ events: [...events] }];
  const groups: {
    events: RecordedEvent[];
    headers?: Readonly<Record<string, string>>;
    key: string;
  }[] = [];
  for (const event of events) {
    const headers = headersOf(event);
    const key = JSON.stringify(headers ?? null);
    const last = groups[groups.length - 1];
    if (last && last.key === key) last.events.push(event);
    else groups.push({ events: [event], key, ...(headers ? { headers } : {}) });
  }
  return groups;
}
