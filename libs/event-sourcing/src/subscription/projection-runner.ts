import type { CheckpointStore } from '../checkpoint.js';
import type { RecordedEvent } from '../envelope.js';
import { isTransientFailure, ProjectionLedElsewhereError } from '../errors.js';
import type { EventStore } from '../event-store.js';
import type { ProjectionLeadership } from './leadership.js';
import { handlesEvent, replayFilter } from './handles.js';
import { tailEventStore } from './tail.js';

/** A read model (or any checkpointed consumer, e.g. the Kafka relay) fed from the event store. */
export interface Projection {
  /** Unique per runner; also names the checkpoint. */
  readonly name: string;
  /** Which events it needs; both lists narrow (an event must pass both). Omitted: every event. */
  readonly handles?: {
    /** Event types, e.g. `RiskAccepted` (filtered in this process). */
    readonly eventTypes?: readonly string[];
    /** Stream types, e.g. `risk` (filtered by the store). */
    readonly streamTypes?: readonly string[];
  };
  /**
   * Applies one event. Delivery is at least once (after a crash, the events since the last
   * checkpoint come again), so apply is idempotent: ReadStore writes guarded by revision.
   */
  apply(event: RecordedEvent): Promise<void>;
  /** Clears the read model; required by `rebuild`. */
  reset?(): Promise<void>;
}

export interface ProjectionRetryPolicy {
  /** Runs of `apply` for one event before the projection stops as `failed` (default 3). */
  readonly maxAttempts?: number;
  /** Default 100 ms, doubling per attempt, capped by maxDelayMs (default 5 s). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  /** Events per read (default 500). */
  readonly batchSize?: number;
  /** Poll interval when caught up, for appends by other processes (default 1000 ms). */
  readonly idleWaitMs?: number;
  readonly retry?: ProjectionRetryPolicy;
  /** The checkpoint id of a projection (default `projection:<name>`). */
  readonly checkpointId?: (projectionName: string) => string;
  /** Told about every failure (for logs): apply failures, store or checkpoint errors. */
  readonly onError?: (error: unknown, context: ProjectionErrorContext) => void;
  /**
   * Several processes share these projections' read models and checkpoints (instances of a
   * service): each projection is applied by the process leading it, the others follow its
   * checkpoint. Omitted (one process): this runner applies every projection.
   */
  readonly leadership?: ProjectionLeadership;
  /**
   * Following: how often the saved checkpoint is read, besides the leader's announcements
   * (default idleWaitMs, 1000 ms).
   */
  readonly followPollMs?: number;
}

export interface ProjectionErrorContext {
  readonly projection: string;
  /** The event whose apply failed; absent for store / checkpoint errors. */
  readonly event?: RecordedEvent;
  readonly attempt: number;
  /** False when the projection stops as `failed`. */
  readonly willRetry: boolean;
}

/**
 * - `stopped`: not running (before start, after stop).
 * - `following`: another process leads (applies) the projection; this one follows its checkpoint.
 * - `catching-up`: reading history; `live`: reached the head, waiting for news.
 * - `retrying`: an apply or the store failed, waiting to try again.
 * - `failed`: an event's apply failed `maxAttempts` times; the checkpoint stays before it.
 * - `rebuilding`: reset, and replaying from the first event until it reaches the head.
 */
export type ProjectionState =
  'stopped' | 'following' | 'catching-up' | 'live' | 'retrying' | 'failed' | 'rebuilding';

export interface ProjectionFailure {
  readonly message: string;
  readonly attempts: number;
  readonly at: string;
  /** The event that could not be applied (absent when the store or checkpoint store failed). */
  readonly event?: {
    readonly eventId: string;
    readonly type: string;
    readonly streamId: string;
    readonly streamRevision: number;
    readonly globalPosition: number;
  };
}

export interface ProjectionStatus {
  readonly name: string;
  readonly state: ProjectionState;
  /** The last global position fully applied and saved. */
  readonly checkpoint: number;
  readonly headPosition: number;
  /** headPosition − checkpoint: the events the read model is behind (a metric). */
  readonly lag: number;
  /** Events applied since this runner started the projection. */
  readonly eventsApplied: number;
  readonly lastError?: ProjectionFailure;
}

export class ProjectionFailedError extends Error {
  constructor(
    readonly projection: string,
    readonly failure: ProjectionFailure | undefined,
  ) {
    super(
      `Projection ${projection} has failed${failure ? `: ${failure.message}` : ''}${
        failure?.event
          ? ` (event ${failure.event.eventId} at position ${failure.event.globalPosition})`
          : ''
      }`,
    );
    this.name = 'ProjectionFailedError';
  }
}

export class ProjectionTimeoutError extends Error {
  constructor(
    readonly position: number,
    readonly behind: readonly { readonly name: string; readonly checkpoint: number }[],
    timeoutMs: number,
  ) {
    super(
      `Projections not at position ${position} after ${timeoutMs} ms: ${behind
        .map((p) => `${p.name} at ${p.checkpoint}`)
        .join(', ')}`,
    );
    this.name = 'ProjectionTimeoutError';
  }
}

/**
 * A projection running alone (e.g. rebuilt) applies events for at most this long before the
 * process's requests get a turn: a command needs several turns (its store's answers), and with
 * whole batches in between it waited seconds while a replay ran.
 */
const REPLAY_SLICE_MS = 5;

interface Waiter {
  readonly position: number;
  /** The projections waited for. */
  readonly workers: readonly ProjectionWorker[];
  /** They were all the runner's projections. */
  readonly all: boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Runs projections from the event store: each one in its own loop, from its own checkpoint,
 * at least once. A batch's checkpoint is saved after every event of it was applied; a failing
 * event is retried with backoff and, if it keeps failing, stops that projection (the others go
 * on) with its checkpoint just before the failed event. `restart` resumes it, `rebuild` resets
 * the read model and replays from the start.
 */
export class ProjectionRunner {
  private readonly workers = new Map<string, ProjectionWorker>();
  private readonly waiters = new Set<Waiter>();
  private running = false;
  private stopFollowing?: () => void;

  constructor(
    private readonly options: ProjectionRunnerOptions,
    projections: readonly Projection[] = [],
  ) {
    for (const projection of projections) this.register(projection);
  }

  /** Adds a projection; it starts at once if the runner is running. */
  register(projection: Projection): this {
    if (!projection.name) throw new RangeError('A projection needs a name');
    if (this.workers.has(projection.name)) {
      throw new RangeError(`Projection ${projection.name} is registered twice`);
    }
    const worker = new ProjectionWorker(projection, this.options, () => this.settleWaiters());
    this.workers.set(projection.name, worker);
    if (this.running) {
      worker.start().catch((error: unknown) => worker.startFailed(error));
    }
    return this;
  }

  /** Loads the checkpoints and starts every projection; resolves once they run (not caught up). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const leadership = this.options.leadership;
    if (leadership) {
      const byCheckpoint = new Map([...this.workers.values()].map((w) => [w.checkpointId, w]));
      this.stopFollowing = leadership.onAnnounced((id, position) => {
        (
          byCheckpoint.get(id) ?? [...this.workers.values()].find((w) => w.checkpointId === id)
        )?.followed(position);
      });
    }
    if (leadership) {
      await Promise.all([...this.workers.values()].map((worker) => worker.start()));
      return;
    }
    // One process applies everything: the log is read once for all projections.
    const group = new SharedFeed(this.options, () => this.settleWaiters());
    await Promise.all([...this.workers.values()].map((worker) => worker.start(group)));
    void group.run();
  }

  /** Stops every projection after its in-flight event; saves what was applied. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopFollowing?.();
    this.stopFollowing = undefined;
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.settleWaiters();
  }

  names(): string[] {
    return [...this.workers.keys()];
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.options.store.headPosition();
    return [...this.workers.values()].map((worker) => worker.status(head));
  }

  async statusOf(name: string): Promise<ProjectionStatus> {
    const head = await this.options.store.headPosition();
    return this.worker(name).status(head);
  }

  /** Resumes a stopped or failed projection from its saved checkpoint. */
  async restart(name: string): Promise<void> {
    const worker = this.worker(name);
    await worker.stop();
    await worker.start();
  }

  /**
   * Clears the read model through the projection's `reset()`, sets its checkpoint to 0 and
   * replays every event. Resolves when the replay has started; use waitUntilCaughtUp to wait.
   * With a leadership, only the process leading the projection can rebuild it.
   */
  async rebuild(name: string): Promise<void> {
    await this.worker(name).rebuild();
  }

  /**
   * Resolves when the projections (all, or `options.projections`) have applied everything up to
   * `position` (default: the store's head now). For tests, and for read-your-writes: pass the
   * `lastGlobalPosition` of an append. Rejects with ProjectionFailedError if one of them fails,
   * ProjectionTimeoutError when the time is up.
   *
   * All of them (no `options.projections`) leaves out a projection being rebuilt, from the
   * `rebuild` until it first reaches the head: its read model is behind by design, and a
   * command's read-your-writes would wait for the whole replay (minutes at a million events).
   * Name it in `options.projections` to wait for it.
   */
  async waitUntilCaughtUp(
    position?: number,
    timeoutMs = 5_000,
    options: { readonly projections?: readonly string[] } = {},
  ): Promise<void> {
    const names = options.projections ?? this.names();
    const workers = names.map((name) => this.worker(name));
    const target = position ?? (await this.options.store.headPosition());
    const all = options.projections === undefined;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new ProjectionTimeoutError(
            target,
            workers
              .filter((w) => w.checkpoint < target && !(all && w.replayingFromStart))
              .map((w) => ({ name: w.name, checkpoint: w.checkpoint })),
            timeoutMs,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        position: target,
        workers,
        all,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
      this.settleWaiters();
    });
  }

  private worker(name: string): ProjectionWorker {
    const worker = this.workers.get(name);
    if (!worker) throw new RangeError(`No projection named ${name}`);
    return worker;
  }

  private settleWaiters(): void {
    if (this.waiters.size === 0) return;
    // Called at every checkpoint of every projection, with a waiter per command in flight:
    // a waiter for all of them (a command's read-your-writes) is settled by the lowest
    // checkpoint, and the lowest of a failed projection, without a look at each projection.
    // A projection replaying from the first event after a rebuild is not waited for by them.
    let lowest = Infinity;
    let lowestForAll = Infinity;
    let failedLowest: ProjectionWorker | undefined;
    for (const worker of this.workers.values()) {
      lowest = Math.min(lowest, worker.checkpoint);
      if (worker.replayingFromStart) continue;
      lowestForAll = Math.min(lowestForAll, worker.checkpoint);
      if (worker.state === 'failed' && worker.checkpoint < (failedLowest?.checkpoint ?? Infinity))
        failedLowest = worker;
    }
    for (const waiter of this.waiters) {
      const outcome = this.outcome(waiter, lowest, lowestForAll, failedLowest);
      if (outcome === 'waiting') continue;
      this.waiters.delete(waiter);
      if (outcome === 'reached') waiter.resolve();
      else waiter.reject(new ProjectionFailedError(outcome.name, outcome.lastError));
    }
  }

  /**
   * Reached, still waiting, or a projection it waits for has failed below its position.
   * `lowest`: the lowest checkpoint; `lowestForAll`: of those a wait for all waits for.
   */
  private outcome(
    waiter: Waiter,
    lowest: number,
    lowestForAll: number,
    failedLowest: ProjectionWorker | undefined,
  ): 'reached' | 'waiting' | ProjectionWorker {
    if (waiter.all && waiter.workers.length === this.workers.size) {
      if (waiter.position <= lowestForAll) return 'reached';
      return failedLowest && failedLowest.checkpoint < waiter.position ? failedLowest : 'waiting';
    }
    if (waiter.position <= lowest) return 'reached';
    if (waiter.workers.every((w) => w.checkpoint >= waiter.position)) return 'reached';
    return (
      waiter.workers.find((w) => w.state === 'failed' && w.checkpoint < waiter.position) ??
      'waiting'
    );
  }
}

class ProjectionWorker {
  state: ProjectionState = 'stopped';
  checkpoint = 0;
  lastError?: ProjectionFailure;
  /** Rebuilt and not at the head since: waits for all projections leave it out. */
  replayingFromStart = false;
  private eventsApplied = 0;
  private abort?: AbortController;
  private loop?: Promise<void>;
  private starting?: Promise<void>;
  readonly checkpointId: string;
  /** Applies the projection (always, without a leadership). */
  private leading = false;
  /** Between start and stop. */
  private active = false;
  private withdraw?: () => Promise<void>;
  private transitions: Promise<void> = Promise.resolve();
  private followTimer?: ReturnType<typeof setInterval>;
  private refreshing = false;
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    readonly projection: Projection,
    private readonly options: ProjectionRunnerOptions,
    private readonly changed: () => void,
  ) {
    this.checkpointId = (options.checkpointId ?? ((name) => `projection:${name}`))(projection.name);
    this.maxAttempts = options.retry?.maxAttempts ?? 3;
    this.initialDelayMs = options.retry?.initialDelayMs ?? 100;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 5_000;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new RangeError(`retry.maxAttempts must be an integer ≥ 1, got ${this.maxAttempts}`);
    }
  }

  get name(): string {
    return this.projection.name;
  }

  status(head: number): ProjectionStatus {
    return {
      name: this.name,
      state: this.replayingFromStart && this.state === 'catching-up' ? 'rebuilding' : this.state,
      checkpoint: this.checkpoint,
      headPosition: head,
      lag: Math.max(0, head - this.checkpoint),
      eventsApplied: this.eventsApplied,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** With a group: catches up on the history together with the group's other projections. */
  async start(group?: SharedFeed): Promise<void> {
    if (this.loop || this.active) return;
    // A stop() arriving while the checkpoint loads waits for this, then stops the loop.
    this.starting ??= (async () => {
      try {
        this.checkpoint = await this.options.checkpoints.load(this.checkpointId);
        if (this.options.leadership) this.follow(this.options.leadership);
        else this.begin(group);
      } finally {
        this.starting = undefined;
      }
    })();
    return this.starting;
  }

  /** Loading the checkpoint failed when the projection was registered on a running runner. */
  startFailed(error: unknown): void {
    this.lastError = failure(error, 1);
    this.options.onError?.(error, { projection: this.name, attempt: 1, willRetry: false });
    this.setState('failed');
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.active = false;
    this.stopPolling();
    await this.transitions;
    await this.halt();
    const withdraw = this.withdraw;
    this.withdraw = undefined;
    this.leading = false;
    // Released once nothing is applied here any more: the next leader does not overlap.
    await withdraw?.().catch((error: unknown) => this.reportFollowError(error));
    if (this.state !== 'failed') this.setState('stopped');
  }

  async rebuild(): Promise<void> {
    if (!this.projection.reset) {
      throw new Error(`Projection ${this.name} cannot be rebuilt: it has no reset() hook`);
    }
    if (this.options.leadership) {
      if (!this.leading) {
        throw new ProjectionLedElsewhereError(this.name);
      }
      await this.halt();
    } else {
      await this.stop();
    }
    this.replayingFromStart = true;
    this.setState('rebuilding');
    try {
      await this.projection.reset();
      const checkpoints = this.options.checkpoints;
      await (checkpoints.rewind
        ? checkpoints.rewind(this.checkpointId, 0)
        : checkpoints.save(this.checkpointId, 0));
    } catch (error) {
      // The read model may be half cleared: failed (it shows in /health) until rebuilt again.
      this.replayingFromStart = false;
      this.lastError = failure(error, 1);
      this.options.onError?.(error, { projection: this.name, attempt: 1, willRetry: false });
      this.setState('failed');
      throw error;
    }
    this.checkpoint = 0;
    this.lastError = undefined;
    this.eventsApplied = 0;
    this.begin();
  }

  /** A leader elsewhere applied `position` (announced, or read from the saved checkpoint). */
  followed(position: number): void {
    if (this.leading || !this.active || position <= this.checkpoint) return;
    this.checkpoint = position;
    this.changed();
  }

  /** Stops the apply loop (after its in-flight event); keeps the lead. */
  private async halt(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
    this.abort = undefined;
  }

  /** Competes for the lead; follows the saved checkpoint until this process gets it. */
  private follow(leadership: ProjectionLeadership): void {
    this.active = true;
    this.setState('following');
    this.startPolling();
    this.withdraw = leadership.compete(this.checkpointId, (leading) => {
      this.transitions = this.transitions
        .then(() => this.leadershipChanged(leading))
        .catch((error: unknown) => this.reportFollowError(error));
    });
  }

  private async leadershipChanged(leading: boolean): Promise<void> {
    if (!this.active || leading === this.leading) return;
    this.leading = leading;
    if (leading) {
      this.stopPolling();
      // Resume from what the previous leader saved (never from less than what was followed).
      const saved = await this.options.checkpoints
        .load(this.checkpointId)
        .catch(() => this.checkpoint);
      if (!this.active || !this.leading) return;
      this.checkpoint = Math.max(this.checkpoint, saved);
      this.changed();
      this.begin();
    } else {
      await this.halt();
      if (!this.active) return;
      this.lastError = undefined;
      this.setState('following');
      this.startPolling();
    }
  }

  private startPolling(): void {
    this.stopPolling();
    const every = this.options.followPollMs ?? this.options.idleWaitMs ?? 1_000;
    this.followTimer = setInterval(() => void this.refresh(), every);
    this.followTimer.unref?.();
  }

  private stopPolling(): void {
    if (this.followTimer) clearInterval(this.followTimer);
    this.followTimer = undefined;
  }

  /** Reads the checkpoint the leader saved (in case an announcement was missed). */
  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      this.followed(await this.options.checkpoints.load(this.checkpointId));
    } catch (error) {
      this.reportFollowError(error);
    } finally {
      this.refreshing = false;
    }
  }

  private reportFollowError(error: unknown): void {
    this.options.onError?.(error, { projection: this.name, attempt: 1, willRetry: true });
  }

  private begin(group?: SharedFeed): void {
    const abort = new AbortController();
    this.abort = abort;
    this.lastError = undefined;
    this.setState('catching-up');
    const signal = abort.signal;
    this.loop = group
      ? group
          .join(this, signal)
          .then((goOn) => (goOn && !signal.aborted ? this.run(signal) : undefined))
      : this.run(signal);
  }

  /** Whether the projection takes this event (its stream-type and event-type filters). */
  accepts(event: RecordedEvent): boolean {
    return handlesEvent(this.projection, event);
  }

  /** Applies an event for the shared feed, with the retries and failure rules of `run`. */
  applyForGroup(
    event: RecordedEvent,
    signal: AbortSignal,
  ): Promise<'applied' | 'failed' | 'stopped'> {
    return this.applyWithRetry(event, signal);
  }

  failedInGroup(): void {
    this.setState('failed');
  }

  /** The group applied everything up to `position` for this projection. */
  async reached(position: number, caughtUp: boolean): Promise<void> {
    if (position > this.checkpoint) await this.saveCheckpoint(position);
    if (caughtUp) this.setState('live');
  }

  /**
   * The group applied everything up to `position` for this projection and has saved that
   * checkpoint (with the other members'). Leaves telling the waiters to the group, once for all.
   */
  reachedInGroup(position: number, caughtUp: boolean): void {
    if (position > this.checkpoint) this.checkpointSaved(position, false);
    if (caughtUp) this.setState('live', false);
  }

  /** Tails the store; on a store or checkpoint error, waits and tails again from the checkpoint. */
  private async run(signal: AbortSignal): Promise<void> {
    let infrastructureFailures = 0;
    while (!signal.aborted) {
      try {
        for await (const batch of tailEventStore(this.options.store, {
          afterPosition: this.checkpoint,
          ...(this.options.batchSize !== undefined ? { batchSize: this.options.batchSize } : {}),
          ...(this.options.idleWaitMs !== undefined ? { idleWaitMs: this.options.idleWaitMs } : {}),
          ...(this.projection.handles?.streamTypes
            ? { streamTypes: this.projection.handles.streamTypes }
            : {}),
          signal,
        })) {
          let applied = this.checkpoint;
          let slice = performance.now();
          for (const event of batch.events) {
            if (signal.aborted) break; // stop between two events
            if (performance.now() - slice > REPLAY_SLICE_MS) {
              // Catching up (a rebuild): the process's requests get a turn every few ms. The
              // next batch may be read already, so waiting for the store would not give one.
              await new Promise<void>((resolve) => setImmediate(resolve));
              slice = performance.now();
            }
            if (this.accepts(event)) {
              const outcome = await this.applyWithRetry(event, signal);
              if (outcome !== 'applied') {
                // Keep what was applied before the failed (or interrupted) event.
                if (applied > this.checkpoint) await this.saveCheckpoint(applied);
                if (outcome === 'failed') this.setState('failed');
                return;
              }
            }
            applied = event.globalPosition;
          }
          if (signal.aborted) {
            if (applied > this.checkpoint) await this.saveCheckpoint(applied);
            return;
          }
          if (batch.position > this.checkpoint) await this.saveCheckpoint(batch.position);
          infrastructureFailures = 0;
          this.setState(batch.caughtUp ? 'live' : 'catching-up');
        }
      } catch (error) {
        if (signal.aborted) return;
        infrastructureFailures += 1;
        this.lastError = failure(error, infrastructureFailures);
        this.options.onError?.(error, {
          projection: this.name,
          attempt: infrastructureFailures,
          willRetry: true,
        });
        this.setState('retrying');
        await pause(this.backoff(infrastructureFailures), signal);
        this.setState('catching-up');
      }
    }
  }

  private async applyWithRetry(
    event: RecordedEvent,
    signal: AbortSignal,
  ): Promise<'applied' | 'failed' | 'stopped'> {
    let transientFailures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.projection.apply(event);
        this.eventsApplied += 1;
        if (this.state === 'retrying') this.setState('catching-up');
        return 'applied';
      } catch (error) {
        if (isTransientFailure(error) && !signal.aborted) {
          // Its read store cannot be reached (restarting): not the event's fault, so it does
          // not count as an attempt; retried for as long as the outage lasts.
          transientFailures += 1;
          attempt -= 1;
          this.lastError = failure(error, transientFailures, event);
          this.options.onError?.(error, {
            projection: this.name,
            event,
            attempt: transientFailures,
            willRetry: true,
          });
          this.setState('retrying');
          await pause(this.backoff(transientFailures), signal);
          if (signal.aborted) return 'stopped';
          continue;
        }
        const willRetry = attempt < this.maxAttempts && !signal.aborted;
        this.lastError = failure(error, attempt, event);
        this.options.onError?.(error, { projection: this.name, event, attempt, willRetry });
        if (!willRetry) return signal.aborted ? 'stopped' : 'failed';
        this.setState('retrying');
        await pause(this.backoff(attempt), signal);
        if (signal.aborted) return 'stopped';
      }
    }
  }

  private async saveCheckpoint(position: number): Promise<void> {
    await this.options.checkpoints.save(this.checkpointId, position);
    this.checkpointSaved(position);
  }

  private checkpointSaved(position: number, tell = true): void {
    this.checkpoint = position;
    this.options.leadership?.announce(this.checkpointId, position);
    if (tell) this.changed();
  }

  private backoff(attempt: number): number {
    return Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** (attempt - 1));
  }

  /** `tell`: settle the waiters now (the shared feed does it once for all its members). */
  private setState(state: ProjectionState, tell = true): void {
    this.state = state;
    if (state === 'live') this.replayingFromStart = false;
    if (tell) this.changed();
  }
}

interface FeedMember {
  readonly worker: ProjectionWorker;
  readonly signal: AbortSignal;
  /**
   * Every event up to this position was applied or skipped for the projection (while the feed
   * applies a batch, the events of it before the current one are too: see `run`).
   */
  dispatched: number;
  /** True: the projection goes on alone (tailing); false: it stopped or failed. */
  readonly release: (goOn: boolean) => void;
}

/**
 * The log read once for several projections of one process: each batch of events goes to every
 * projection that takes it, in global order, each from its own checkpoint; the checkpoints are
 * saved per batch. It catches up on the history at start, then follows the head: an append of
 * this process wakes it at once, others' appends are seen after at most `idleWaitMs`. Reading
 * ~1,000,000 events once instead of once per projection (about 40 of them) is most of what a
 * start-up of the embedded platform costs; once live, an event is read (and parsed) once rather
 * than once per projection, which is most of what a command's wait for its read models cost.
 *
 * Failing applies are retried as in a projection's own loop (meanwhile the others wait:
 * in-memory read models of one process do not fail transiently); a projection that fails for
 * good or is stopped leaves the feed, and if reading the store fails everyone goes on alone, each
 * tailing the store with its own retries.
 */
interface FeedBatch {
  readonly head: number;
  readonly events: readonly RecordedEvent[];
}

class SharedFeed {
  private readonly members = new Set<FeedMember>();
  private readonly batchSize: number;
  private readonly idleWaitMs: number;
  /** Ends the wait for news (an append, or a member stopping). */
  private wake?: () => void;
  private news = false;
  /**
   * The members that take an event, by its stream type, then its type (in the members' order): a
   * batch's event goes to the few projections that take it without asking each of the ~35
   * whether it does. Cleared when a member joins or leaves.
   */
  private readonly takers = new Map<string, Map<string, FeedMember[]>>();
  /** A member's signal aborted since the feed last looked: it leaves before the next event. */
  private stopping = false;

  /** `changed`: the members' checkpoints or states moved (the runner settles its waiters). */
  constructor(
    private readonly options: ProjectionRunnerOptions,
    private readonly changed: () => void,
  ) {
    this.batchSize = Math.max(options.batchSize ?? 500, 1_000);
    this.idleWaitMs = options.idleWaitMs ?? 1_000;
  }

  /** Resolves when the feed no longer applies events for this projection: go on alone? */
  join(worker: ProjectionWorker, signal: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((release) => {
      this.members.add({ worker, signal, dispatched: worker.checkpoint, release });
      this.takers.clear();
      if (signal.aborted) this.stopping = true;
      signal.addEventListener(
        'abort',
        () => {
          this.stopping = true;
          this.notify();
        },
        { once: true },
      );
    });
  }

  async run(): Promise<void> {
    const stopListening = this.options.store.onAppended(() => this.notify());
    try {
      let position = Math.min(...[...this.members].map((m) => m.dispatched));
      let live = false;
      let ahead: Promise<FeedBatch> | undefined;
      while (this.members.size > 0) {
        const { head, events } = await (ahead ?? this.read(position));
        ahead = undefined;
        if (events.length > 0 && events.at(-1)!.globalPosition < head) {
          // More history: read the next batch while this one is applied (the store's work, on
          // the embedded platform PGlite's thread, overlaps with the projections').
          ahead = this.read(events.at(-1)!.globalPosition);
          ahead.catch(() => undefined); // awaited next round, unless the feed ends first
        }
        // Every event up to `done` was applied or skipped for every member still here.
        let done = position;
        for (const event of events) {
          if (this.stopping) await this.leaveStopped(done);
          for (const member of this.takersOf(event)) {
            const worker = member.worker;
            if (event.globalPosition <= worker.checkpoint) continue;
            // Stopped while an earlier member applied this event: it stops before it.
            const outcome =
              this.stopping && member.signal.aborted
                ? 'stopped'
                : await worker.applyForGroup(event, member.signal);
            if (outcome !== 'applied') {
              member.dispatched = Math.max(member.dispatched, done);
              await this.leave(member, false);
              if (outcome === 'failed') worker.failedInGroup();
            }
          }
          done = event.globalPosition;
        }
        if (this.stopping) await this.leaveStopped(done);
        // Only an empty read (or one reaching the head) means there is nothing more: the store
        // may cap the batch. The head was read first, so everything up to it is committed.
        const caughtUp = events.length === 0 || events.at(-1)!.globalPosition >= head;
        const reached =
          events.length === 0 ? Math.max(position, head) : events.at(-1)!.globalPosition;
        if (reached > position || !live) await this.reachedByAll(reached, caughtUp);
        position = reached;
        live ||= caughtUp;
        if (!caughtUp) {
          // Let the process answer requests (e.g. /health) between batches.
          await new Promise<void>((resolve) => setImmediate(resolve));
        } else {
          await this.newsOrIdle();
        }
        if (this.stopping) await this.leaveStopped(position);
      }
    } catch (error) {
      // The store failed: everyone goes on alone, and their own loops wait and retry.
      this.options.onError?.(error, {
        projection: '(shared feed)',
        attempt: 1,
        willRetry: true,
      });
    } finally {
      stopListening();
    }
    for (const member of [...this.members]) await this.leave(member, true);
  }

  /** The members that take `event` (its stream type and type), in the members' order. */
  private takersOf(event: RecordedEvent): readonly FeedMember[] {
    let ofStreamType = this.takers.get(event.streamType);
    if (ofStreamType === undefined) {
      ofStreamType = new Map();
      this.takers.set(event.streamType, ofStreamType);
    }
    let takers = ofStreamType.get(event.type);
    if (takers === undefined) {
      takers = [...this.members].filter((member) => member.worker.accepts(event));
      ofStreamType.set(event.type, takers);
    }
    return takers;
  }

  /**
   * Every member applied or skipped everything up to `reached`: their checkpoints are saved in
   * one call and the waiters settled once. Once live, this runs for every command's events, for
   * all ~35 projections, most of which took none of them.
   */
  private async reachedByAll(reached: number, caughtUp: boolean): Promise<void> {
    const staying: FeedMember[] = [];
    const checkpoints = new Map<string, number>();
    for (const member of this.members) {
      if (member.signal.aborted) {
        await this.leave(member, false);
        continue;
      }
      member.dispatched = Math.max(member.dispatched, reached);
      staying.push(member);
      if (member.dispatched > member.worker.checkpoint) {
        checkpoints.set(member.worker.checkpointId, member.dispatched);
      }
    }
    if (checkpoints.size > 0) await this.options.checkpoints.saveMany(checkpoints);
    for (const member of staying) member.worker.reachedInGroup(member.dispatched, caughtUp);
    this.changed();
  }

  /** Members whose signal aborted leave, every event up to `done` dispatched to them. */
  private async leaveStopped(done: number): Promise<void> {
    this.stopping = false;
    for (const member of [...this.members]) {
      if (!member.signal.aborted) continue;
      member.dispatched = Math.max(member.dispatched, done);
      await this.leave(member, false);
    }
  }

  /** The head, then the events after `position` (the head first: see `caughtUp`). */
  private async read(position: number): Promise<FeedBatch> {
    this.news = false; // an append from now on is news for the wait after this batch
    const streamTypes = this.streamTypes();
    const head = await this.options.store.headPosition();
    const events = await this.options.store.readAll({
      afterPosition: position,
      limit: this.batchSize,
      ...(streamTypes ? { streamTypes } : {}),
    });
    return { head, events };
  }

  private notify(): void {
    this.news = true;
    this.wake?.();
  }

  /** Waits for an append of this process, a member stopping, or idleWaitMs (others' appends). */
  private async newsOrIdle(): Promise<void> {
    if (this.news) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.idleWaitMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  /** The stream types to read: all of them unless every member filters by stream type. */
  private streamTypes(): readonly string[] | undefined {
    return replayFilter([...this.members].map((m) => m.worker.projection)).streamTypes;
  }

  /** Never throws: a projection is always released (its own loop retries a failed save). */
  private async leave(member: FeedMember, goOn: boolean): Promise<void> {
    if (!this.members.delete(member)) return;
    this.takers.clear();
    try {
      await member.worker.reached(member.dispatched, false);
    } catch (error) {
      this.options.onError?.(error, {
        projection: member.worker.name,
        attempt: 1,
        willRetry: true,
      });
    } finally {
      member.release(goOn);
    }
  }
}

function failure(error: unknown, attempts: number, event?: RecordedEvent): ProjectionFailure {
  return {
    message: error instanceof Error ? error.message : String(error),
    attempts,
    at: new Date().toISOString(),
    ...(event
      ? {
          event: {
            eventId: event.eventId,
            type: event.type,
            streamId: event.streamId,
            streamRevision: event.streamRevision,
            globalPosition: event.globalPosition,
          },
        }
      : {}),
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
