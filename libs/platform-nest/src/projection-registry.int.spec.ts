import type { Projection, ProjectionStatus, RecordedEvent } from '@isms/event-sourcing';
import { InMemoryCheckpointStore, ManualClock, ProjectionFailedError } from '@isms/event-sourcing';
import { createEmbeddedEventStore } from '@isms/event-store';
import type { SqlEventStore } from '@isms/event-store';
import { InMemoryReadStore } from '@isms/read-store';
import { HealthRegistry } from './health.js';
import { MetricsService } from './metrics.js';
import { ProjectionRegistry } from './projections.js';
import type { ForeignEventFeed } from './projections.js';

/**
 * The registry of a service whose read model also takes other contexts' events (a foreign
 * feed): its rebuild replays the feed in the background, shows as `rebuilding` meanwhile, and
 * reports a failed replay. The feed here is a stand-in for Kafka's (tested on a real broker in
 * service-runtime) whose replay the test holds and releases.
 */
const clock = new ManualClock('2026-03-01T08:00:00.000Z');
let store: SqlEventStore;

beforeAll(async () => {
  store = await createEmbeddedEventStore({ dataDir: 'memory', clock });
  await store.append({
    tenantId: 'tenant-a',
    streamId: 'scope-1',
    streamType: 'own',
    expectedRevision: 'any',
    events: [
      {
        type: 'ScopeDefined',
        data: {},
        metadata: {
          actor: { userId: 'person-1', role: 'ciso' },
          correlationId: 'corr-1',
          occurredAt: clock.now().toISOString(),
        },
      },
    ],
  });
}, 60_000);

afterAll(async () => {
  await store?.close();
});

/** Published by another context: what the stand-in feed replays. */
const published = { eventId: 'published-1', streamId: 'risk-1', type: 'RiskIdentified' };

class HeldFeed implements ForeignEventFeed {
  private readonly attached = new Map<string, Projection>();
  /** Replays wait while held. */
  private held = true;
  private readonly waiting: (() => void)[] = [];
  failWith?: Error;
  replays = 0;

  hold(): void {
    this.held = true;
  }
  releaseReplay(): void {
    this.held = false;
    for (const resume of this.waiting.splice(0)) resume();
  }

  isOwnStreamType(streamType: string): boolean {
    return streamType === 'own';
  }
  foreignStreamTypes(): readonly string[] {
    return ['foreign'];
  }
  attach(projection: Projection): void {
    this.attached.set(projection.name, projection);
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.releaseReplay();
  }
  async replay(name: string): Promise<void> {
    this.replays += 1;
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.failWith) throw this.failWith;
    await this.attached.get(name)!.apply({ ...published } as unknown as RecordedEvent);
  }
  async status(): Promise<ProjectionStatus[]> {
    return [...this.attached.keys()].map((name) => ({
      name: `${name}@held`,
      state: 'live',
      checkpoint: 1,
      headPosition: 1,
      lag: 0,
      eventsApplied: 0,
    }));
  }
}

describe('ProjectionRegistry with a foreign feed: rebuilds', () => {
  let feed: HeldFeed;
  let registry: ProjectionRegistry;
  const applied: string[] = [];
  let resets = 0;

  beforeEach(async () => {
    feed = new HeldFeed();
    registry = new ProjectionRegistry(
      store,
      new InMemoryReadStore(),
      new InMemoryCheckpointStore(),
      new HealthRegistry(),
      new MetricsService(),
      feed,
    );
    applied.length = 0;
    resets = 0;
    registry.register(() => ({
      name: 'scope-risks',
      handles: { streamTypes: ['own', 'foreign'] },
      apply: async (event) => {
        applied.push(event.streamId);
      },
      reset: async () => {
        resets += 1;
        applied.length = 0;
      },
    }));
    await registry.onApplicationBootstrap();
    await registry.waitUntilCaughtUp();
  });

  afterEach(async () => {
    feed.releaseReplay();
    await registry.stop();
  });

  const stateOf = async (name: string) =>
    (await registry.status()).find((s) => s.name === name)?.state;

  it('answers at once, shows the replay of the feed as rebuilding, and is rebuilt when it ends', async () => {
    expect(applied).toEqual(['scope-1']);
    await registry.rebuild('scope-risks');
    expect(await stateOf('scope-risks@held')).toBe('rebuilding');
    expect(await registry.waitForRebuild('scope-risks', 100)).toBe(false);
    // Asked again meanwhile: the same rebuild (no second reset or replay).
    await registry.rebuild('scope-risks');
    expect(feed.replays).toBe(1);

    feed.releaseReplay();
    expect(await registry.waitForRebuild('scope-risks', 5_000)).toBe(true);
    expect(resets).toBe(1);
    expect([...applied].sort()).toEqual(['risk-1', 'scope-1']);
    expect(await stateOf('scope-risks@held')).toBe('live');
    expect(await stateOf('scope-risks')).toBe('live');
  });

  it('a reset that fails (e.g. the read model is led by another instance) fails the rebuild itself', async () => {
    registry.register(() => ({
      name: 'unresettable',
      handles: { streamTypes: ['own', 'foreign'] },
      apply: async () => {},
      reset: async () => {
        throw new Error('led by another instance');
      },
    }));
    await expect(registry.rebuild('unresettable')).rejects.toThrow('led by another instance');
    expect(feed.replays).toBe(0);
    expect(await stateOf('unresettable@held')).toBe('live');
    // Its own part may be half cleared: failed, and it says why, until it is rebuilt again.
    const own = (await registry.status()).find((s) => s.name === 'unresettable');
    expect(own).toMatchObject({
      state: 'failed',
      lastError: { message: 'led by another instance' },
    });
  });

  it('a failed replay of the feed fails the wait and shows until the next rebuild', async () => {
    feed.failWith = new Error('broker unreachable');
    await registry.rebuild('scope-risks');
    feed.releaseReplay();
    const error = await registry.waitForRebuild('scope-risks', 5_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProjectionFailedError);
    expect((error as Error).message).toMatch(/broker unreachable/);
    const failed = (await registry.status()).find((s) => s.name === 'scope-risks@held');
    expect(failed).toMatchObject({ state: 'failed', lastError: { message: 'broker unreachable' } });

    feed.failWith = undefined;
    feed.hold();
    await registry.rebuild('scope-risks');
    expect(await stateOf('scope-risks@held')).toBe('rebuilding');
    feed.releaseReplay();
    expect(await registry.waitForRebuild('scope-risks', 5_000)).toBe(true);
    expect(await stateOf('scope-risks@held')).toBe('live');
  });
});
