import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryCheckpointStore } from '@isms/event-sourcing';
import type { EventStore } from '@isms/event-sourcing';
import { createEmbeddedEventStore } from '@isms/event-store';
import { InMemoryReadStore } from '@isms/read-store';
import {
  codeFingerprint,
  restoreReadModelSnapshot,
  writeReadModelSnapshot,
} from './read-model-snapshot.js';

/** Records a review of a risk (one event). */
async function recordReview(
  store: EventStore,
  streamId: string,
  expectedRevision: number | 'no-stream',
  note: string,
): Promise<void> {
  await store.append({
    tenantId: 'tenant-a',
    streamId,
    streamType: 'risk',
    expectedRevision,
    events: [
      {
        type: 'RiskReviewed',
        data: { note },
        metadata: {
          actor: { userId: 'ciso' },
          correlationId: `${streamId} ${note}`,
          occurredAt: '2026-01-01T00:00:00.000Z',
        },
      },
    ],
  });
}

/** A PGlite event log with `count` reviews of one risk. */
async function eventLog(count: number): Promise<EventStore> {
  const store = await createEmbeddedEventStore({ dataDir: 'memory' });
  for (let i = 0; i < count; i++) {
    await recordReview(store, 'risk-1', i === 0 ? 'no-stream' : i, `review ${i}`);
  }
  return store;
}

/** Read models as a projection would have left them: a roll-up fed by streams, and upserts. */
async function readModels(): Promise<InMemoryReadStore> {
  const store = new InMemoryReadStore();
  const register = store.collection('risk_register');
  for (let i = 1; i <= 2_500; i++) {
    await register.upsert(`risk-${i}`, { title: `Risk ${i}`, level: i % 5 }, { revision: 3 });
  }
  await store
    .collection('risk_counters')
    .applyEvent('unit-1', { streamId: 'risk-1', streamRevision: 4 }, () => ({
      open: 1,
      reviewedAt: new Date('2026-01-02T00:00:00.000Z'),
      reviews: [{ at: new Date('2026-01-01T00:00:00.000Z'), by: 'ciso' }],
      // Text that looks like the file's mark for a Date stays text.
      note: '{"$date":"2026-01-03T00:00:00.000Z"}',
      unicode: 'Käse – naïve \u2028 ✓',
    }));
  return store;
}

async function contents(store: InMemoryReadStore): Promise<Record<string, unknown[]>> {
  const all: Record<string, unknown[]> = {};
  for (const name of ['risk_register', 'risk_counters']) {
    all[name] = await store.collection(name).find();
  }
  return all;
}

describe('read-model snapshots of the embedded platform', () => {
  let dir: string;
  let file: string;
  let log: EventStore;
  let models: InMemoryReadStore;
  const checkpoints = new InMemoryCheckpointStore([
    ['projection:risk-register', 5],
    ['projection:risk-counters', 4],
  ]);

  beforeAll(async () => {
    log = await eventLog(5);
    models = await readModels();
  }, 60_000);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'isms-snapshot-'));
    file = join(dir, 'read-models.snapshot');
    const written = await writeReadModelSnapshot(file, {
      readStore: models,
      checkpoints,
      eventStore: log,
      codeFingerprint: 'build-1',
    });
    expect(written).toMatchObject({ file, documents: 2_501, headPosition: 5 });
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(async () => log.close());

  it('puts back every document, guard and checkpoint when code and log are the ones it was written for', async () => {
    const restored = await restoreReadModelSnapshot(file, log, 'build-1');
    if (!restored.restored) throw new Error(`not restored: ${restored.reason}`);
    expect(await contents(restored.readStore)).toEqual(await contents(models));
    expect(restored.checkpoints.entries()).toEqual(checkpoints.entries());
    expect(restored.header.head.globalPosition).toBe(5);
    const counters = await restored.readStore.collection('risk_counters').get('unit-1');
    expect(counters?.['reviewedAt']).toEqual(new Date('2026-01-02T00:00:00.000Z'));
    expect(counters?.['reviews']).toEqual([
      { at: new Date('2026-01-01T00:00:00.000Z'), by: 'ciso' },
    ]);
    expect(counters?.['note']).toBe('{"$date":"2026-01-03T00:00:00.000Z"}');
    expect(counters?.['unicode']).toBe('Käse – naïve \u2028 ✓');
    // Dates are written as JSON again once the snapshot is written.
    expect(JSON.stringify(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
    expect(Object.values(counters?._streams ?? {})).toEqual([4]);
  });

  it('is used after more events were recorded: projections go on from its checkpoints', async () => {
    const growing = await eventLog(5);
    try {
      const own = join(dir, 'growing.snapshot');
      await writeReadModelSnapshot(own, {
        readStore: models,
        checkpoints,
        eventStore: growing,
        codeFingerprint: 'build-1',
      });
      await recordReview(growing, 'risk-2', 'no-stream', 'after the snapshot');
      const restored = await restoreReadModelSnapshot(own, growing, 'build-1');
      if (!restored.restored) throw new Error(`not restored: ${restored.reason}`);
      expect(restored.header.head.globalPosition).toBe(5);
      expect(await growing.headPosition()).toBe(6);
      expect(restored.checkpoints.entries()).toEqual(checkpoints.entries());
    } finally {
      await growing.close();
    }
  }, 60_000);

  it('is not used for another log of the same length', async () => {
    const other = await eventLog(5);
    try {
      expect(await restoreReadModelSnapshot(file, other, 'build-1')).toEqual({
        restored: false,
        reason: "the event log's event at position 5 is not the one the snapshot was taken at",
      });
    } finally {
      await other.close();
    }
  }, 60_000);

  it('is not used, and says why, when another build wrote it', async () => {
    expect(await restoreReadModelSnapshot(file, log, 'build-2')).toEqual({
      restored: false,
      reason: 'written by another build of the platform (its projections may differ)',
    });
  });

  it('is not used for a log that lacks the event it was taken at', async () => {
    const shorter = await eventLog(3);
    try {
      expect(await restoreReadModelSnapshot(file, shorter, 'build-1')).toEqual({
        restored: false,
        reason: 'the event log holds no event at position 5, where the snapshot was taken',
      });
    } finally {
      await shorter.close();
    }
  }, 60_000);

  it('is not used when a byte changed, it was cut short, or it is not a snapshot', async () => {
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    const middle = Math.floor(bytes.length / 2);
    flipped[middle] = flipped[middle]! ^ 0x01;
    writeFileSync(file, flipped);
    const afterFlip = await restoreReadModelSnapshot(file, log, 'build-1');
    expect(afterFlip.restored).toBe(false);
    expect(afterFlip).toHaveProperty(
      'reason',
      expect.stringMatching(/checksum does not match|unreadable|not a chunk/),
    );

    writeFileSync(file, bytes);
    truncateSync(file, bytes.length - 10);
    expect(await restoreReadModelSnapshot(file, log, 'build-1')).toEqual({
      restored: false,
      reason: 'unreadable: the file ends inside a line',
    });

    writeFileSync(file, 'not a snapshot at all');
    expect((await restoreReadModelSnapshot(file, log, 'build-1')).restored).toBe(false);
  });

  it('round-trips chunks larger than its write and read buffers', async () => {
    const large = new InMemoryReadStore();
    const evidence = large.collection('evidence');
    // 1,000 documents of ~20 KB: one 20 MB line, beyond the 8 MB write and 16 MB read buffers.
    for (let i = 0; i < 1_000; i++) {
      await evidence.upsert(`evidence-${i}`, { summary: `${i} `.padEnd(20_000, 'é') });
    }
    const own = join(dir, 'large.snapshot');
    const written = await writeReadModelSnapshot(own, {
      readStore: large,
      checkpoints,
      eventStore: log,
      codeFingerprint: 'build-1',
    });
    expect(written?.bytes).toBeGreaterThan(30_000_000);
    const restored = await restoreReadModelSnapshot(own, log, 'build-1');
    if (!restored.restored) throw new Error(`not restored: ${restored.reason}`);
    expect(await restored.readStore.collection('evidence').find()).toEqual(await evidence.find());
  }, 60_000);

  it('is simply absent at a first start (no reason given)', async () => {
    expect(await restoreReadModelSnapshot(join(dir, 'none'), log, 'build-1')).toEqual({
      restored: false,
    });
  });

  it('writes nothing for an empty log', async () => {
    const empty = await createEmbeddedEventStore({ dataDir: 'memory' });
    try {
      const other = join(dir, 'empty.snapshot');
      const written = await writeReadModelSnapshot(other, {
        readStore: new InMemoryReadStore(),
        checkpoints: new InMemoryCheckpointStore(),
        eventStore: empty,
        codeFingerprint: 'build-1',
      });
      expect(written).toBeUndefined();
      expect((await restoreReadModelSnapshot(other, empty, 'build-1')).restored).toBe(false);
    } finally {
      await empty.close();
    }
  }, 60_000);

  it('fingerprints code by the content of its files and the lockfile above them', async () => {
    const code = join(dir, 'code');
    await mkdir(join(code, 'libs', 'risk'), { recursive: true });
    await writeFile(join(dir, 'package-lock.json'), '{"lockfileVersion":3}');
    await writeFile(join(code, 'libs', 'risk', 'register.js'), 'export const level = 1;');
    await writeFile(join(code, 'libs', 'risk', 'notes.md'), 'not code');
    const first = await codeFingerprint([code], '.js');
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    await writeFile(join(code, 'libs', 'risk', 'notes.md'), 'still not code');
    expect(await codeFingerprint([code], '.js')).toBe(first);
    await writeFile(join(code, 'libs', 'risk', 'register.js'), 'export const level = 2;');
    const changed = await codeFingerprint([code], '.js');
    expect(changed).not.toBe(first);
    await writeFile(join(dir, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    expect(await codeFingerprint([code], '.js')).not.toBe(changed);
  });
});
