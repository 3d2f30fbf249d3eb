import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '@isms/event-sourcing';
import type { SqlEventStore } from '@isms/event-store';
import { createEmbeddedEventStore, createPostgresEventStore } from '@isms/event-store';
import { FilesystemEvidenceContentStore } from '@isms/controls';
import type { SeedManifest, SeedProgress } from './generate.js';
import { generate } from './generate.js';

export interface SeedTarget {
  /** ISMS_DATA_DIR of the embedded platform: the store goes to `<dataDir>/event-store`. */
  readonly dataDir: string;
  /** Instead of PGlite: a PostgreSQL database (and schema) for the distributed services. */
  readonly postgres?: { readonly connectionString: string; readonly schema?: string };
  readonly scale: number;
  readonly seed: number;
  readonly concurrency?: number;
  readonly onProgress?: (progress: SeedProgress) => void;
}

/** `<dataDir>/seed-manifest.json`: what the generator says it generated. */
export function manifestFile(dataDir: string): string {
  return join(dataDir, 'seed-manifest.json');
}

/**
 * Seeds an empty event store (refuses one that has events: seeding appends a whole history that
 * starts in 2023) and writes the manifest next to it.
 */
export async function seed(target: SeedTarget): Promise<SeedManifest> {
  mkdirSync(target.dataDir, { recursive: true });
  const clock = new ManualClock('2023-12-04T00:00:00.000Z');
  let store: SqlEventStore;
  if (target.postgres) {
    store = await createPostgresEventStore({ ...target.postgres, clock });
  } else {
    const dir = join(target.dataDir, 'event-store');
    mkdirSync(dir, { recursive: true });
    store = await createEmbeddedEventStore({ dataDir: dir, clock });
  }
  try {
    const head = await store.headPosition();
    if (head > 0) {
      throw new Error(
        `The event store already holds ${head} events; seed into an empty data directory (or schema)`,
      );
    }
    const evidence = new FilesystemEvidenceContentStore(join(target.dataDir, 'evidence'));
    const manifest = await generate(store, clock, {
      scale: target.scale,
      seed: target.seed,
      ...(target.concurrency !== undefined ? { concurrency: target.concurrency } : {}),
      evidenceContent: (tenantId, content) => evidence.put(tenantId, content),
      ...(target.onProgress ? { onProgress: target.onProgress } : {}),
    });
    writeFileSync(manifestFile(target.dataDir), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    await store.close();
  }
}
