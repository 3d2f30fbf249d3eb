import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
// The projection runner (libs/event-sourcing) is tested here against the real embedded adapter
// (PGlite), not a fake; it lives in this library because this library builds on that one.
import { PgliteSqlClient } from './pglite-sql-client.js';
import { SqlEventStore } from './sql-event-store.js';
import {
  EventStoreUnavailableError,
  InMemoryCheckpointStore,
  InMemoryLeadershipGroup,
  ProjectionFailedError,
  ProjectionRunner,
  ProjectionTimeoutError,
  tailEventStore,
} from '@isms/event-sourcing';
import type {
  AppendResult,
  EventMetadata,
  Projection,
  ProjectionErrorContext,
  RecordedEvent,
  TailBatch,
} from '@isms/event-sourcing';

const metadata: EventMetadata = {
  actor: { userId: 'user-risk-owner', role: 'risk-owner' },
  correlationId: 'corr-projection-spec',
  occurredAt: '2026-01-01T00:00:00.000Z',
};

// PGlite takes seconds to start on a busy machine; the waits inside the tests are bounded.
jest.setTimeout(30_000);

let client: PgliteSqlClient;
let store: SqlEventStore;
/** A second store object on the same database: appends through it are "another process". */
let otherProcess: SqlEventStore;

beforeAll(async () => {
  client = await PgliteSqlClient.open({ dataDir: 'memory' });
  store = await SqlEventStore.open(client);
  otherProcess = await SqlEventStore.open(client);
}, 60_000);

afterAll(async () => {
  await client?.close();
});

/** Each test gets its own stream type, so it can ignore what other tests appended. */
function streamType(): string {
  return `risk-${randomUUID().slice(0, 8)}`;
}

async function appendTo(
  type: string,
  streamId: string,
  eventTypes: string[],
  via: SqlEventStore = store,
): Promise<AppendResult> {
  return via.append({
    tenantId: 'tenant-acme',
    streamId,
    streamType: type,
    expectedRevision: 'any',
    events: eventTypes.map((t, i) => ({ type: t, data: { step: i }, metadata })),
  });
}

/** `count` AssetRegistered events in one stream of `type`, in one append. */
function appendAssets(type: string, count: number): Promise<AppendResult> {
  return store.append({
    tenantId: 'tenant-acme',
    streamId: `asset-${type}`,
    streamType: type,
    expectedRevision: 'any',
    events: Array.from({ length: count }, (_, i) => ({
      type: 'AssetRegistered',
      data: { i },
      metadata,
    })),
  });
}

/** Synchronous work that never gives the event loop a turn by itself. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

function recordingProjection(
  name: string,
  type: string,
  options: { eventTypes?: string[]; failOn?: (event: RecordedEvent) => boolean } = {},
) {
  const applied: RecordedEvent[] = [];
  let resets = 0;
  const projection: Projection = {
    name,
    handles: {
      streamTypes: [type],
      ...(options.eventTypes ? { eventTypes: options.eventTypes } : {}),
    },
    async apply(event) {
      if (options.failOn?.(event)) throw new Error(`cannot project ${event.type}`);
      applied.push(event);
    },
    async reset() {
      resets += 1;
      applied.length = 0;
    },
  };
  return { projection, applied, resets: () => resets };
}

async function collect(
  iterator: AsyncGenerator<TailBatch>,
  until: (batches: TailBatch[]) => boolean,
  timeoutMs = 5_000,
): Promise<TailBatch[]> {
  const batches: TailBatch[] = [];
  const deadline = Date.now() + timeoutMs;
  for await (const batch of iterator) {
    batches.push(batch);
    if (until(batches)) break;
    if (Date.now() > deadline) throw new Error('tail: condition not reached in time');
  }
  return batches;
}

describe('tailEventStore', () => {
  it('reads history in batches from a position, then wakes at once on an append in this process', async () => {
    const type = streamType();
    const before = await store.headPosition();
    const history = await appendTo(type, `risk-${randomUUID()}`, ['A', 'B', 'C', 'D', 'E']);
    const abort = new AbortController();
    const tail = tailEventStore(store, {
      afterPosition: before,
      batchSize: 2,
      idleWaitMs: 30_000, // far longer than the test: only the append notification can wake it
      streamTypes: [type],
      signal: abort.signal,
    });
    const batches: TailBatch[] = [];
    const done = (async () => {
      for await (const batch of tail) batches.push(batch);
    })();
    const events = () => batches.flatMap((b) => b.events.map((e) => e.type));
    await waitFor(() => events().length === 5);
    expect(batches.slice(0, 3).map((b) => b.events.length)).toEqual([2, 2, 1]);
    expect(batches[2]!.position).toBe(history.lastGlobalPosition);

    const liveAt = Date.now();
    await appendTo(type, `risk-${randomUUID()}`, ['F']);
    await waitFor(() => events().length === 6);
    expect(Date.now() - liveAt).toBeLessThan(2_000);
    expect(events()).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);

    abort.abort();
    await done;
  });

  it('catching up, reads the next batch while the consumer handles one; an error of that read reaches the consumer', async () => {
    const type = streamType();
    const before = await store.headPosition();
    await appendTo(type, `risk-${randomUUID()}`, ['A', 'B', 'C', 'D', 'E']);
    const reads: number[] = [];
    let failAfter = -1; // no read fails until set
    const counted = Object.assign(Object.create(store) as SqlEventStore, {
      readAll: (options: Parameters<SqlEventStore['readAll']>[0]) => {
        reads.push(options?.afterPosition ?? 0);
        if (options?.afterPosition === failAfter) return Promise.reject(new Error('store gone'));
        return store.readAll(options);
      },
    });
    const tail = tailEventStore(counted, {
      afterPosition: before,
      batchSize: 2,
      streamTypes: [type],
    });
    const first = await tail.next();
    expect(first.value).toMatchObject({ caughtUp: false });
    // Handling the first batch (the next one not asked for): the second is read meanwhile.
    await waitFor(() => reads.length === 2);
    expect(reads).toEqual([before, first.value!.position]);
    const second = await tail.next();
    await waitFor(() => reads.length === 3);
    expect(reads).toEqual([before, first.value!.position, second.value!.position]);
    await tail.return();

    failAfter = first.value!.position;
    reads.length = 0;
    const failing = tailEventStore(counted, {
      afterPosition: before,
      batchSize: 2,
      streamTypes: [type],
    });
    await failing.next();
    await expect(failing.next()).rejects.toThrow('store gone');
  });

  it('sees appends made by another process by polling', async () => {
    const type = streamType();
    const abort = new AbortController();
    const tail = tailEventStore(store, {
      afterPosition: await store.headPosition(),
      idleWaitMs: 50,
      streamTypes: [type],
      signal: abort.signal,
    });
    const pending = collect(tail, (batches) => batches.some((b) => b.events.length > 0));
    await appendTo(type, `risk-${randomUUID()}`, ['RiskIdentified'], otherProcess);
    const batches = await pending;
    expect(batches.flatMap((b) => b.events.map((e) => e.type))).toEqual(['RiskIdentified']);
    abort.abort();
  });

  it('moves its position over events the filter skips, up to the head', async () => {
    const type = streamType();
    const start = await store.headPosition();
    await appendTo(type, `risk-${randomUUID()}`, ['Mine']);
    const other = await appendTo(streamType(), `risk-${randomUUID()}`, ['NotMine', 'NotMine']);
    const abort = new AbortController();
    const batches = await collect(
      tailEventStore(store, { afterPosition: start, streamTypes: [type], signal: abort.signal }),
      (all) => all.some((b) => b.position >= other.lastGlobalPosition),
    );
    expect(batches.flatMap((b) => b.events.map((e) => e.type))).toEqual(['Mine']);
    const last = batches[batches.length - 1]!;
    expect(last).toMatchObject({ events: [], position: other.lastGlobalPosition, caughtUp: true });
    abort.abort();
  });

  it('stops promptly when aborted while waiting for news', async () => {
    const abort = new AbortController();
    const tail = tailEventStore(store, {
      afterPosition: await store.headPosition(),
      idleWaitMs: 30_000,
      signal: abort.signal,
    });
    const done = (async () => {
      for await (const _ of tail) {
        // nothing arrives
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const abortedAt = Date.now();
    abort.abort();
    await done;
    expect(Date.now() - abortedAt).toBeLessThan(500);
  });
});

describe('ProjectionRunner', () => {
  let runners: ProjectionRunner[] = [];
  afterEach(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    runners = [];
  });
  function runner(
    projections: Projection[],
    options: Partial<ConstructorParameters<typeof ProjectionRunner>[0]> = {},
  ): ProjectionRunner {
    const created = new ProjectionRunner(
      {
        store,
        checkpoints: store.checkpoints,
        idleWaitMs: 200,
        checkpointId: (name) => `spec:${name}`,
        ...options,
      },
      projections,
    );
    runners.push(created);
    return created;
  }

  it('projects history and live events, saves its checkpoint, and reports zero lag when caught up', async () => {
    const type = streamType();
    const register = recordingProjection(`risk-register-${type}`, type);
    const history = await appendTo(type, 'risk-001', ['RiskIdentified', 'RiskAssessed']);
    await appendTo(type, 'risk-002', ['RiskIdentified']);
    const projections = runner([register.projection], { batchSize: 2 });
    await projections.start();
    await projections.waitUntilCaughtUp(undefined, 10_000);
    expect(register.applied.map((e) => [e.streamId, e.streamRevision])).toEqual([
      ['risk-001', 1],
      ['risk-001', 2],
      ['risk-002', 1],
    ]);

    const live = await appendTo(type, 'risk-001', ['RiskTreated']);
    await projections.waitUntilCaughtUp(live.lastGlobalPosition, 5_000);
    expect(register.applied.at(-1)).toMatchObject({ type: 'RiskTreated', streamRevision: 3 });

    // Unrelated events (other stream types) move the checkpoint too: lag reaches 0.
    await appendTo(streamType(), 'asset-1', ['AssetRegistered']);
    await projections.waitUntilCaughtUp(undefined, 5_000);
    const status = await projections.statusOf(register.projection.name);
    expect(status).toMatchObject({ state: 'live', lag: 0, eventsApplied: 4 });
    expect(status.checkpoint).toBe(await store.headPosition());
    expect(await store.checkpoints.load(`spec:${register.projection.name}`)).toBe(
      status.checkpoint,
    );
    expect(history.lastGlobalPosition).toBeLessThan(status.checkpoint);
  });

  it('resumes from the saved checkpoint after a restart, without replaying what was applied', async () => {
    const type = streamType();
    const name = `soa-${type}`;
    await appendTo(type, 'control-A.5.1', ['ControlImplemented', 'ControlTested']);
    const first = recordingProjection(name, type);
    const firstRunner = runner([first.projection]);
    await firstRunner.start();
    await firstRunner.waitUntilCaughtUp(undefined, 10_000);
    await firstRunner.stop();
    expect(first.applied).toHaveLength(2);

    await appendTo(type, 'control-A.5.1', ['ControlReviewed']);
    const second = recordingProjection(name, type);
    const secondRunner = runner([second.projection]);
    await secondRunner.start();
    await secondRunner.waitUntilCaughtUp(undefined, 10_000);
    expect(second.applied.map((e) => e.type)).toEqual(['ControlReviewed']);
  });

  it('stops a projection whose event keeps failing, checkpoint just before it; others go on; restart resumes', async () => {
    const type = streamType();
    let broken = true;
    const errors: ProjectionErrorContext[] = [];
    const failing = recordingProjection(`heat-map-${type}`, type, {
      failOn: (event) => broken && event.type === 'RiskAccepted',
    });
    const healthy = recordingProjection(`register-${type}`, type);
    await appendTo(type, 'risk-007', ['RiskIdentified', 'RiskAssessed']);
    const poison = await appendTo(type, 'risk-007', ['RiskAccepted']);
    const after = await appendTo(type, 'risk-008', ['RiskIdentified']);
    const projections = runner([failing.projection, healthy.projection], {
      retry: { maxAttempts: 2, initialDelayMs: 10 },
      onError: (_, context) => errors.push(context),
    });
    await projections.start();

    await expect(
      projections.waitUntilCaughtUp(after.lastGlobalPosition, 10_000),
    ).rejects.toBeInstanceOf(ProjectionFailedError);
    await projections.waitUntilCaughtUp(after.lastGlobalPosition, 10_000, {
      projections: [healthy.projection.name],
    });
    const status = await projections.statusOf(failing.projection.name);
    expect(status.state).toBe('failed');
    expect(status.checkpoint).toBe(poison.lastGlobalPosition - 1);
    expect(status.lastError).toMatchObject({
      attempts: 2,
      message: 'cannot project RiskAccepted',
      event: { eventId: poison.events[0]!.eventId, globalPosition: poison.lastGlobalPosition },
    });
    expect(errors.filter((e) => e.projection === failing.projection.name)).toEqual([
      expect.objectContaining({ attempt: 1, willRetry: true }),
      expect.objectContaining({ attempt: 2, willRetry: false }),
    ]);
    expect(failing.applied.map((e) => e.type)).toEqual(['RiskIdentified', 'RiskAssessed']);

    broken = false;
    await projections.restart(failing.projection.name);
    await projections.waitUntilCaughtUp(after.lastGlobalPosition, 10_000);
    expect(failing.applied.map((e) => e.type)).toEqual([
      'RiskIdentified',
      'RiskAssessed',
      'RiskAccepted',
      'RiskIdentified',
    ]);
  });

  it('retries a transient failure with backoff and carries on', async () => {
    const type = streamType();
    let failures = 0;
    const applied: string[] = [];
    const attempts: number[] = [];
    const projections = runner(
      [
        {
          name: `flaky-${type}`,
          handles: { streamTypes: [type] },
          async apply(event) {
            if (event.type === 'FindingRaised' && failures < 2) {
              failures += 1;
              throw new Error('read store timeout');
            }
            applied.push(event.type);
          },
        },
      ],
      {
        retry: { maxAttempts: 3, initialDelayMs: 20 },
        onError: (_, c) => attempts.push(c.attempt),
      },
    );
    await appendTo(type, 'finding-1', ['FindingRaised', 'CorrectiveActionPlanned']);
    const startedAt = Date.now();
    await projections.start();
    await projections.waitUntilCaughtUp(undefined, 10_000);
    expect(applied).toEqual(['FindingRaised', 'CorrectiveActionPlanned']);
    expect(attempts).toEqual([1, 2]);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(20 + 40);
  });

  it('retries an event whose read store cannot be reached for as long as that lasts, without failing the projection', async () => {
    const type = streamType();
    let outage = 5; // more failures than maxAttempts allows for the event itself
    const applied: string[] = [];
    const projections = runner(
      [
        {
          name: `outage-${type}`,
          handles: { streamTypes: [type] },
          async apply(event) {
            if (outage > 0) {
              outage -= 1;
              throw new EventStoreUnavailableError('connect ECONNREFUSED 127.0.0.1:5432');
            }
            applied.push(event.type);
          },
        },
      ],
      { retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 20 } },
    );
    await appendTo(type, 'risk-outage', ['RiskIdentified', 'RiskAssessed']);
    await projections.start();
    await projections.waitUntilCaughtUp(undefined, 10_000);
    expect(applied).toEqual(['RiskIdentified', 'RiskAssessed']);
    expect((await projections.statusOf(`outage-${type}`)).state).toBe('live');
  });

  it('applies only the event types a projection handles', async () => {
    const type = streamType();
    const acceptances = recordingProjection(`acceptances-${type}`, type, {
      eventTypes: ['RiskAccepted'],
    });
    await appendTo(type, 'risk-100', ['RiskIdentified', 'RiskAccepted', 'RiskReviewed']);
    const projections = runner([acceptances.projection]);
    await projections.start();
    await projections.waitUntilCaughtUp(undefined, 10_000);
    expect(acceptances.applied.map((e) => e.type)).toEqual(['RiskAccepted']);
    expect((await projections.statusOf(acceptances.projection.name)).lag).toBe(0);
  });

  it('rebuild resets the read model and replays from the start', async () => {
    const type = streamType();
    const register = recordingProjection(`rebuildable-${type}`, type);
    await appendTo(type, 'scope-1', ['IsmsScopeDefined', 'IsmsScopeChanged']);
    const projections = runner([register.projection]);
    await projections.start();
    await projections.waitUntilCaughtUp(undefined, 10_000);
    const before = register.applied.map((e) => e.eventId);

    await projections.rebuild(register.projection.name);
    await projections.waitUntilCaughtUp(undefined, 10_000, {
      projections: [register.projection.name],
    });
    expect(register.resets()).toBe(1);
    expect(register.applied.map((e) => e.eventId)).toEqual(before);

    const noReset: Projection = {
      name: `no-reset-${type}`,
      handles: { streamTypes: [type] },
      apply: async () => {},
    };
    projections.register(noReset);
    await expect(projections.rebuild(noReset.name)).rejects.toThrow(/no reset\(\) hook/);
  });

  it('a rebuild whose reset fails leaves the projection failed with the reason; the next rebuild replays it', async () => {
    const type = streamType();
    const register = recordingProjection(`half-cleared-${type}`, type);
    let refuse = true;
    const flaky: Projection = {
      ...register.projection,
      reset: async () => {
        if (refuse) throw new Error('read store unreachable');
        await register.projection.reset!();
      },
    };
    await appendTo(type, `reset-1-${type}`, ['RiskIdentified']);
    const projections = runner([flaky], { checkpoints: new InMemoryCheckpointStore() });
    await projections.start();
    await projections.waitUntilCaughtUp(undefined, 10_000);

    await expect(projections.rebuild(flaky.name)).rejects.toThrow('read store unreachable');
    expect(await projections.statusOf(flaky.name)).toMatchObject({
      state: 'failed',
      lastError: { message: 'read store unreachable' },
    });
    refuse = false;
    await projections.rebuild(flaky.name);
    await projections.waitUntilCaughtUp(undefined, 10_000, { projections: [flaky.name] });
    expect(register.resets()).toBe(1);
    expect(register.applied.map((e) => e.streamId)).toEqual([`reset-1-${type}`]);
    expect((await projections.statusOf(flaky.name)).state).toBe('live');
  });

  it('a rebuild lets timers (and requests) run every few ms while it replays, even within one batch', async () => {
    const type = streamType();
    await appendAssets(type, 1_200);
    let replaying = false;
    let applied = 0;
    let timerFiredAfter: number | undefined;
    const inventory: Projection = {
      name: `inventory-${type}`,
      handles: { streamTypes: [type] },
      apply: async () => {
        if (replaying && applied === 0) setTimeout(() => (timerFiredAfter = applied), 0);
        busyFor(0.1);
        applied += 1;
      },
      reset: async () => {
        applied = 0;
      },
    };
    const projections = runner([inventory], {
      checkpoints: new InMemoryCheckpointStore(),
      batchSize: 2_000, // the whole history in one batch
    });
    await projections.start();
    await projections.waitUntilCaughtUp(undefined, 20_000);
    replaying = true;
    await projections.rebuild(inventory.name);
    await projections.waitUntilCaughtUp(undefined, 20_000, { projections: [inventory.name] });
    expect(applied).toBe(1_200);
    expect(timerFiredAfter).toBeLessThan(1_200);
  });

  it('a projection being rebuilt reports `rebuilding` and is not waited for by a wait for all of them until it reaches the head', async () => {
    const type = streamType();
    const register = recordingProjection(`register-${type}`, type);
    // Its applies wait while the gate is held (released in `finally`, or stop() would wait).
    let held: Promise<void> = Promise.resolve();
    let release = () => {};
    const hold = () => (held = new Promise<void>((resolve) => (release = resolve)));
    const counters = recordingProjection(`counters-${type}`, type);
    const slow: Projection = {
      ...counters.projection,
      apply: async (event) => {
        await held;
        await counters.projection.apply(event);
      },
    };
    await appendTo(type, `rebuilt-1-${type}`, ['RiskIdentified', 'RiskAssessed']);
    const projections = runner([register.projection, slow], {
      checkpoints: new InMemoryCheckpointStore(),
    });
    await projections.start();
    await projections.waitUntilCaughtUp(undefined, 10_000);

    hold();
    try {
      await projections.rebuild(slow.name);
      // A command's read-your-writes: the other projection shows it, the rebuilt one is not waited for.
      const command = await appendTo(type, `rebuilt-2-${type}`, ['RiskIdentified']);
      await projections.waitUntilCaughtUp(command.lastGlobalPosition, 5_000);
      expect(register.applied.at(-1)?.streamId).toBe(`rebuilt-2-${type}`);
      expect(await projections.statusOf(slow.name)).toMatchObject({
        state: 'rebuilding',
        checkpoint: 0,
      });
      // Named, it is waited for: the wait times out while the replay is held, and names it.
      expect(
        await behindAtTimeout(
          projections.waitUntilCaughtUp(command.lastGlobalPosition, 200, {
            projections: [slow.name],
          }),
        ),
      ).toEqual([slow.name]);

      release();
      await projections.waitUntilCaughtUp(command.lastGlobalPosition, 5_000, {
        projections: [slow.name],
      });
      expect(counters.applied.map((e) => e.streamId)).toEqual([
        `rebuilt-1-${type}`,
        `rebuilt-1-${type}`,
        `rebuilt-2-${type}`,
      ]);
      expect((await projections.statusOf(slow.name)).state).toBe('live');

      // At the head again, it is one of "all" once more: a wait for all waits for it.
      hold();
      const next = await appendTo(type, `rebuilt-3-${type}`, ['RiskIdentified']);
      expect(
        await behindAtTimeout(projections.waitUntilCaughtUp(next.lastGlobalPosition, 300)),
      ).toEqual([slow.name]);
      release();
      await projections.waitUntilCaughtUp(next.lastGlobalPosition, 5_000);
      expect(counters.applied.at(-1)?.streamId).toBe(`rebuilt-3-${type}`);
    } finally {
      release();
    }
  });

  it('waitUntilCaughtUp names the projections that are behind when time is up', async () => {
    const type = streamType();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: Projection = {
      name: `slow-${type}`,
      handles: { streamTypes: [type] },
      apply: () => held,
    };
    const appended = await appendTo(type, 'risk-slow', ['RiskIdentified']);
    const projections = runner([slow], { checkpoints: new InMemoryCheckpointStore() });
    await projections.start();
    expect(
      await behindAtTimeout(projections.waitUntilCaughtUp(appended.lastGlobalPosition, 200)),
    ).toEqual([slow.name]);
    release();
    await projections.waitUntilCaughtUp(appended.lastGlobalPosition, 5_000);
  });

  it('catches up on the history once for all its projections, each from its own checkpoint, and lets timers run between batches', async () => {
    const type = streamType();
    const checkpoints = new InMemoryCheckpointStore();
    const appended = await appendAssets(type, 2_500);
    const first = appended.events[0]!.globalPosition;
    // The third projection applied half of it before (its saved checkpoint).
    const half = first + 1_249;
    await checkpoints.save(`spec:inventory-c-${type}`, half);
    let eventsRead = 0;
    let eventBatches = 0;
    const counting = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readAll') {
          return async (options: Parameters<SqlEventStore['readAll']>[0]) => {
            const events = await target.readAll(options);
            const ours = events.filter((e) => e.streamType === type).length;
            eventsRead += ours;
            if (ours > 0) eventBatches += 1;
            return events;
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const projections = ['a', 'b', 'c'].map((n) =>
      recordingProjection(`inventory-${n}-${type}`, type),
    );
    // A timer set at the first event fires when the catch-up gives the event loop a turn.
    let slowApplied = 0;
    let timerFiredAfter: number | undefined;
    const slowest: Projection = {
      ...projections[0]!.projection,
      name: `inventory-slow-${type}`,
      apply: async () => {
        if (slowApplied === 0) setTimeout(() => (timerFiredAfter = slowApplied), 0);
        busyFor(0.1);
        slowApplied += 1;
      },
    };
    const runnerOfThree = runner([...projections.map((p) => p.projection), slowest], {
      store: counting,
      checkpoints,
    });
    await runnerOfThree.start();
    await runnerOfThree.waitUntilCaughtUp(appended.lastGlobalPosition, 20_000);
    expect(projections[0]!.applied).toHaveLength(2_500);
    expect(projections[1]!.applied).toHaveLength(2_500);
    expect(projections[2]!.applied.map((e) => e.globalPosition)).toEqual(
      Array.from({ length: 1_250 }, (_, i) => half + 1 + i),
    );
    // Read once (the tail after catching up reads nothing of this stream type again).
    expect(eventsRead).toBe(2_500);
    // The 2,500 events took several batches, and the timer ran between two of them.
    expect(eventBatches).toBeGreaterThan(1);
    expect(timerFiredAfter).toBeLessThan(2_500);
    for (const { projection } of projections) {
      expect(await runnerOfThree.statusOf(projection.name)).toMatchObject({
        state: 'live',
        lag: 0,
      });
    }
  });

  it('once live, reads each new event once for all its projections; one restarted goes on alone; a stop ends the wait for news at once', async () => {
    const type = streamType();
    let eventsRead = 0;
    const counting = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readAll') {
          return async (options: Parameters<SqlEventStore['readAll']>[0]) => {
            const events = await target.readAll(options);
            eventsRead += events.filter((e) => e.streamType === type).length;
            return events;
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const projections = ['register', 'heat-map', 'treatment'].map((n) =>
      recordingProjection(`risk-${n}-${type}`, type),
    );
    // Others' appends are polled for only every 10 s: what wakes the feed is this process's append.
    const live = runner(
      projections.map((p) => p.projection),
      { store: counting, checkpoints: new InMemoryCheckpointStore(), idleWaitMs: 10_000 },
    );
    await live.start();
    await live.waitUntilCaughtUp(undefined, 10_000);
    for (let i = 1; i <= 5; i++) {
      const appended = await appendTo(type, `risk-live-${i}`, ['RiskIdentified']);
      await live.waitUntilCaughtUp(appended.lastGlobalPosition, 5_000);
    }
    for (const { applied } of projections) expect(applied).toHaveLength(5);
    expect(eventsRead).toBe(5);

    // Restarted on its own (as after a failure), a projection tails by itself; the others stay fed.
    await live.restart(projections[1]!.projection.name);
    const sixth = await appendTo(type, 'risk-live-6', ['RiskIdentified']);
    await live.waitUntilCaughtUp(sixth.lastGlobalPosition, 5_000);
    for (const { applied } of projections) {
      expect(applied.at(-1)).toMatchObject({ streamId: 'risk-live-6' });
    }
    expect(eventsRead).toBe(7);

    const stopping = performance.now();
    await live.stop();
    expect(performance.now() - stopping).toBeLessThan(2_000);
    for (const { projection } of projections) {
      expect((await live.statusOf(projection.name)).state).toBe('stopped');
    }
  });

  it('a checkpoint store failing at the end of the catch-up does not leave projections stuck: they go on alone and save later', async () => {
    const type = streamType();
    const saved = new InMemoryCheckpointStore();
    // The group's save of both at the end of its batch, each one's when it lets go, and one more.
    let failingSaves = 4;
    const unavailable = () => {
      if (failingSaves > 0) {
        failingSaves -= 1;
        throw new Error('checkpoint store unavailable');
      }
    };
    const checkpoints = {
      load: (id: string) => saved.load(id),
      async save(id: string, position: number) {
        unavailable();
        await saved.save(id, position);
      },
      async saveMany(positions: ReadonlyMap<string, number>) {
        unavailable();
        await saved.saveMany(positions);
      },
    };
    const errors: string[] = [];
    const first = recordingProjection(`soa-lines-${type}`, type);
    const second = recordingProjection(`soa-summary-${type}`, type);
    const appended = await appendTo(type, 'soa-1', ['SoaEstablished', 'SoaLineAnswered']);
    const projections = runner([first.projection, second.projection], {
      checkpoints,
      retry: { initialDelayMs: 10 },
      onError: (_, context) => errors.push(context.projection),
    });
    await projections.start();
    await projections.waitUntilCaughtUp(appended.lastGlobalPosition, 10_000);
    expect(failingSaves).toBe(0);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    for (const { projection } of [first, second]) {
      expect(await saved.load(`spec:${projection.name}`)).toBeGreaterThanOrEqual(
        appended.lastGlobalPosition,
      );
    }
    // Delivered at least once: each event reached both read models.
    expect(new Set(first.applied.map((e) => e.eventId)).size).toBe(2);
    expect(new Set(second.applied.map((e) => e.eventId)).size).toBe(2);
  });

  it("the shared feed saves its projections' checkpoints in one call per batch, those that took none of its events too", async () => {
    const [risks, assets] = [streamType(), streamType()];
    const saved = new InMemoryCheckpointStore();
    const saves: string[][] = [];
    const checkpoints = {
      load: (id: string) => saved.load(id),
      async save(id: string, position: number) {
        saves.push([id]);
        await saved.save(id, position);
      },
      async saveMany(positions: ReadonlyMap<string, number>) {
        saves.push([...positions.keys()].sort());
        await saved.saveMany(positions);
      },
    };
    const ofRisks = recordingProjection(`risks-${risks}`, risks);
    const ofAssets = recordingProjection(`assets-${assets}`, assets);
    const ids = [ofRisks, ofAssets].map(({ projection }) => `spec:${projection.name}`).sort();
    await appendTo(risks, `${risks}-1`, ['RiskIdentified']);
    const projections = runner([ofRisks.projection, ofAssets.projection], { checkpoints });
    await projections.start();
    await projections.waitUntilCaughtUp(undefined, 10_000);
    saves.length = 0;

    const live = await appendTo(risks, `${risks}-1`, ['RiskAssessed']);
    await projections.waitUntilCaughtUp(live.lastGlobalPosition, 5_000);
    expect(saves).toEqual([ids]);
    for (const id of ids) expect(await saved.load(id)).toBe(live.lastGlobalPosition);
    expect(ofRisks.applied.map((e) => e.type)).toEqual(['RiskIdentified', 'RiskAssessed']);
    expect(ofAssets.applied).toEqual([]);
  });

  it.each([
    ['while it applies an event', 'itself'],
    ['while another projection applies an event it takes too', 'another'],
  ] as const)(
    'a projection stopped in the middle of the catch-up (%s) leaves the shared feed before its next event; restarted alone, it applies each of its events once',
    async (_when, stoppedBy) => {
      const [assets, risks] = [streamType(), streamType()];
      // Interleaved: 40 appends of 10 events, alternating the two stream types (one read batch).
      for (let i = 0; i < 40; i++) {
        const type = i % 2 === 0 ? assets : risks;
        await appendTo(
          type,
          `${type}-${i}`,
          Array.from({ length: 10 }, () => 'Recorded'),
        );
      }
      const ofAssets = recordingProjection(`assets-${assets}`, assets);
      const ofRisks = recordingProjection(`risks-${risks}`, risks);
      const ofBoth = recordingProjection(`both-${assets}`, assets);
      let restarted: Promise<void> | undefined;
      // At the 95th risk event: stopped (then started alone) while `stoppedBy` applies it.
      const stopAt = (event: RecordedEvent, count: number) => {
        if (event.streamType === risks && count === 95) {
          restarted = feed.restart(ofRisks.projection.name);
        }
      };
      const both: Projection = {
        ...ofBoth.projection,
        handles: { streamTypes: [assets, risks] },
        async apply(event) {
          await ofBoth.projection.apply(event);
          if (stoppedBy === 'another') {
            stopAt(event, ofBoth.applied.filter((e) => e.streamType === risks).length);
          }
        },
      };
      const stoppable: Projection = {
        ...ofRisks.projection,
        async apply(event) {
          await ofRisks.projection.apply(event);
          if (stoppedBy === 'itself') stopAt(event, ofRisks.applied.length);
        },
      };
      // `both` applies an event before `stoppable` does (the order they were given in).
      const feed = runner([ofAssets.projection, both, stoppable], {
        checkpoints: new InMemoryCheckpointStore(),
      });
      await feed.start();
      await waitFor(() => restarted !== undefined);
      await restarted;
      await feed.waitUntilCaughtUp(undefined, 10_000);
      const all = await store.readAll({ streamTypes: [assets, risks] });
      const positions = (events: RecordedEvent[], type?: string) =>
        events
          .filter((e) => type === undefined || e.streamType === type)
          .map((e) => e.globalPosition);
      expect(positions(all, risks)).toHaveLength(200);
      // Each of its events once, in order: nothing skipped when it left, nothing applied twice.
      expect(positions(ofRisks.applied)).toEqual(positions(all, risks));
      expect(positions(ofAssets.applied)).toEqual(positions(all, assets));
      expect(positions(ofBoth.applied)).toEqual(positions(all));
    },
  );

  it('stop() lets the in-flight event finish and saves the checkpoint up to it', async () => {
    const type = streamType();
    const checkpoints = new InMemoryCheckpointStore();
    let inFlight!: () => void;
    const started = new Promise<void>((resolve) => (inFlight = resolve));
    const applied: number[] = [];
    const projection: Projection = {
      name: `stoppable-${type}`,
      handles: { streamTypes: [type] },
      async apply(event) {
        inFlight();
        await new Promise((resolve) => setTimeout(resolve, 100));
        applied.push(event.globalPosition);
      },
    };
    const appended = await appendTo(type, 'risk-stop', ['A', 'B', 'C', 'D']);
    const projections = runner([projection], { checkpoints });
    await projections.start();
    await started;
    await projections.stop();
    expect(applied).toEqual([appended.events[0]!.globalPosition]);
    expect(await checkpoints.load(`spec:${projection.name}`)).toBe(applied[0]);
    expect((await projections.statusOf(projection.name)).state).toBe('stopped');
  });
});

/** A wait that must time out: the names of the projections its ProjectionTimeoutError says are behind. */
async function behindAtTimeout(wait: Promise<unknown>): Promise<string[]> {
  const error = await wait.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProjectionTimeoutError);
  return (error as ProjectionTimeoutError).behind.map((b) => b.name);
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ProjectionRunner with a leadership (instances of a service)', () => {
  let runners: ProjectionRunner[] = [];
  afterEach(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    runners = [];
  });
  /** Two runners on one database, as two processes: each with its own store object. */
  function twoInstances(name: string, type: string) {
    const group = new InMemoryLeadershipGroup();
    const instances = [store, otherProcess].map((via) => {
      const recorded = recordingProjection(name, type);
      const errors: unknown[] = [];
      const created = new ProjectionRunner(
        {
          store: via,
          checkpoints: via.checkpoints,
          idleWaitMs: 100,
          checkpointId: (n) => `spec:${n}`,
          leadership: group.member(),
          onError: (error) => errors.push(error),
        },
        [recorded.projection],
      );
      runners.push(created);
      return { runner: created, ...recorded, errors };
    });
    return { group, first: instances[0]!, second: instances[1]! };
  }
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('one applies, the other follows its checkpoint: a write through the follower is visible when its wait resolves, and applied once', async () => {
    const type = streamType();
    const name = `register-${type}`;
    const { group, first, second } = twoInstances(name, type);
    await first.runner.start();
    await second.runner.start();
    await until(() => group.leaderOf(`spec:${name}`) !== undefined, 'a leader');
    const [leader, follower] =
      group.leaderOf(`spec:${name}`) === 'member-1' ? [first, second] : [second, first];

    for (let i = 1; i <= 3; i++) {
      const written = await appendTo(type, `risk-${i}`, ['RiskIdentified'], otherProcess);
      await follower.runner.waitUntilCaughtUp(written.lastGlobalPosition, 5_000);
      // Resolved only once the leader applied it (and said so).
      expect(leader.applied.map((e) => e.globalPosition)).toContain(written.lastGlobalPosition);
      await leader.runner.waitUntilCaughtUp(written.lastGlobalPosition, 5_000);
    }
    expect(follower.applied).toEqual([]);
    expect(leader.applied.map((e) => e.streamId)).toEqual(['risk-1', 'risk-2', 'risk-3']);
    expect((await follower.runner.statusOf(name)).state).toBe('following');
    expect((await leader.runner.statusOf(name)).state).toBe('live');
    await expect(follower.runner.rebuild(name)).rejects.toThrow(/another instance/);
  });

  it('the leader loses the lead: the other takes over from the saved checkpoint, nothing is applied twice', async () => {
    const type = streamType();
    const name = `register-${type}`;
    const { group, first, second } = twoInstances(name, type);
    await first.runner.start();
    await second.runner.start();
    await until(() => group.leaderOf(`spec:${name}`) === 'member-1', 'the first to lead');
    const before = await appendTo(type, 'risk-a', ['RiskIdentified', 'RiskAssessed']);
    await second.runner.waitUntilCaughtUp(before.lastGlobalPosition, 5_000);

    group.depose(`spec:${name}`);
    expect(group.leaderOf(`spec:${name}`)).toBe('member-2');
    const after = await appendTo(type, 'risk-b', ['RiskIdentified']);
    await first.runner.waitUntilCaughtUp(after.lastGlobalPosition, 5_000);
    await second.runner.waitUntilCaughtUp(after.lastGlobalPosition, 5_000);
    expect(first.applied.map((e) => e.streamId)).toEqual(['risk-a', 'risk-a']);
    expect(second.applied.map((e) => e.streamId)).toEqual(['risk-b']);
    expect((await first.runner.statusOf(name)).state).toBe('following');
    expect(await store.checkpoints.load(`spec:${name}`)).toBe(after.lastGlobalPosition);

    // The follower stops: the leader is unaffected; the stopped one withdrew from the race.
    await first.runner.stop();
    const last = await appendTo(type, 'risk-c', ['RiskIdentified']);
    await second.runner.waitUntilCaughtUp(last.lastGlobalPosition, 5_000);
    expect(second.applied.map((e) => e.streamId)).toEqual(['risk-b', 'risk-c']);
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
  });

  it('a follower that missed the announcements still catches up from the saved checkpoint', async () => {
    const type = streamType();
    const name = `register-${type}`;
    const silent = new ProjectionRunner(
      {
        store: otherProcess,
        checkpoints: otherProcess.checkpoints,
        idleWaitMs: 100,
        checkpointId: (n) => `spec:${n}`,
        // Never leads, never hears anything: only the saved checkpoint tells it.
        leadership: {
          compete: () => async () => undefined,
          announce: () => undefined,
          onAnnounced: () => () => undefined,
        },
      },
      [recordingProjection(name, type).projection],
    );
    runners.push(silent);
    const leader = recordingProjection(name, type);
    runners.push(
      new ProjectionRunner(
        {
          store,
          checkpoints: store.checkpoints,
          idleWaitMs: 100,
          checkpointId: (n) => `spec:${n}`,
        },
        [leader.projection],
      ),
    );
    await Promise.all(runners.map((r) => r.start()));
    const written = await appendTo(type, 'risk-x', ['RiskIdentified']);
    await silent.waitUntilCaughtUp(written.lastGlobalPosition, 5_000);
    expect(leader.applied.map((e) => e.streamId)).toEqual(['risk-x']);
  });
});
