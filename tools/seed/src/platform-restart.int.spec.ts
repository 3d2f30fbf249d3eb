import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadModelSnapshot } from '@isms/platform-nest';
import { DEFAULT_THREATS, DEFAULT_VULNERABILITIES } from '@isms/risk';
import type { SeedManifest } from './generate.js';
import { startPlatform } from './platform-process.js';
import type { PlatformProcess } from './platform-process.js';
import { seed } from './seed.js';

/**
 * The platform as `npm start` runs it (from source here), restarted on a seeded data directory:
 * it saves its read models when it stops and restores them at the next start, and what it
 * restores, caught up with events recorded since, is exactly what a rebuild from the log gives.
 */
const SCALE = 0.002;

/** Every read-model document with its guards, by collection and id, and every checkpoint. */
async function savedReadModels(file: string): Promise<{
  checkpoints: Record<string, number>;
  collections: Record<string, Record<string, unknown>>;
}> {
  const snapshot = await openReadModelSnapshot(file);
  if (!snapshot) throw new Error(`no snapshot at ${file}`);
  try {
    const collections: Record<string, Record<string, unknown>> = {};
    for await (const chunk of snapshot.chunks()) {
      const documents = (collections[chunk.collection] ??= {});
      chunk.documents.forEach((document, index) => {
        const guards = [...(chunk.guards[index] ?? [])].sort(([a], [b]) => a.localeCompare(b));
        documents[document._id] = { ...document, guards };
      });
    }
    return { checkpoints: Object.fromEntries(snapshot.header.checkpoints), collections };
  } finally {
    await snapshot.close();
  }
}

async function readStoreHealth(platform: PlatformProcess): Promise<Record<string, unknown>> {
  const health = (await (await fetch(`${platform.baseUrl}/health`)).json()) as {
    components: { readStore: Record<string, unknown> };
  };
  return health.components.readStore;
}

describe('the platform restarted on its saved read models', () => {
  let dir: string;
  let manifest: SeedManifest;
  let snapshotFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'isms-restart-spec-'));
    snapshotFile = join(dir, 'read-models.snapshot');
    manifest = await seed({ dataDir: dir, scale: SCALE, seed: 11 });
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('restores them, catches up with events recorded since, and ends where a rebuild ends', async () => {
    // First start: nothing saved yet, the read models are rebuilt from the log.
    let platform = await startPlatform({ dataDir: dir });
    expect(await readStoreHealth(platform)).toMatchObject({
      restoredFrom: 'rebuilt from the event store',
    });
    await platform.stop();
    expect(existsSync(snapshotFile)).toBe(true);
    const firstSnapshot = readFileSync(snapshotFile);
    const first = await openReadModelSnapshot(snapshotFile);
    const firstHead = first!.header.head.globalPosition;
    await first!.close();
    expect(firstHead).toBeGreaterThanOrEqual(manifest.events);

    // Second start: restored; a risk owner records a risk, which lands in the register.
    platform = await startPlatform({ dataDir: dir });
    expect(await readStoreHealth(platform)).toMatchObject({
      restoredFrom: 'snapshot',
      snapshotHeadPosition: firstHead,
    });
    const owner = manifest.sample[0]!;
    const token = await platform.token(manifest.tenantId, owner.riskOwnerPersonId);
    const identified = await fetch(`${platform.baseUrl}/api/risk/risks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Ransomware on the site file server after the restart',
        description: 'Recorded by the restart spec',
        assetIds: owner.assetIds.slice(0, 1),
        threatCode: DEFAULT_THREATS[0]!.code,
        vulnerabilityCode: DEFAULT_VULNERABILITIES[0]!.code,
        ownerPersonId: owner.riskOwnerPersonId,
        orgUnitId: owner.siteId,
        scopeId: owner.scopeId,
      }),
    });
    expect(identified.status).toBe(201);
    const { riskId } = (await identified.json()) as { riskId: string };
    const risk = (running: PlatformProcess) => `${running.baseUrl}/api/risk/risks/${riskId}`;
    const auth = { headers: { authorization: `Bearer ${token}` } };
    expect((await fetch(risk(platform), auth)).status).toBe(200);
    await platform.stop();
    const afterTheRisk = await savedReadModels(snapshotFile);
    expect(Object.keys(afterTheRisk.collections).length).toBeGreaterThan(20);

    // The first snapshot put back: restored at its position, the risk recorded after it is
    // applied from the log, and the read models end as they did when the risk was recorded live.
    writeFileSync(snapshotFile, firstSnapshot);
    platform = await startPlatform({ dataDir: dir });
    expect(await readStoreHealth(platform)).toMatchObject({
      restoredFrom: 'snapshot',
      snapshotHeadPosition: firstHead,
    });
    expect((await fetch(risk(platform), auth)).status).toBe(200);
    await platform.stop();
    expect(await savedReadModels(snapshotFile)).toEqual(afterTheRisk);

    // A damaged snapshot is not used: the platform says why, rebuilds from the log, and the
    // rebuild gives the same read models again.
    const damaged = readFileSync(snapshotFile);
    const middle = Math.floor(damaged.length / 2);
    damaged[middle] = damaged[middle]! ^ 0xff;
    writeFileSync(snapshotFile, damaged);
    platform = await startPlatform({ dataDir: dir });
    expect(await readStoreHealth(platform)).toMatchObject({
      restoredFrom: 'rebuilt from the event store',
      snapshotNotUsed: expect.stringMatching(/checksum|unreadable|not a chunk/),
    });
    expect((await fetch(risk(platform), auth)).status).toBe(200);
    await platform.stop();
    expect(await savedReadModels(snapshotFile)).toEqual(afterTheRisk);
  }, 600_000);
});
