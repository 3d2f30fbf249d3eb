import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeFingerprint, createJsonLogger, JsonNestLogger } from '@isms/platform-nest';
import { createPlatformApp } from './app.js';
import { loadPlatformConfig } from './config.js';
import { firstStartInstructions, prepareFirstStart } from './first-start.js';
import { compactHeapAfterRebuild } from './heap-after-rebuild.js';

async function bootstrap(): Promise<void> {
  const loaded = loadPlatformConfig(process.env);
  const log = createJsonLogger({ level: loaded.logLevel, name: 'isms-ledger-platform' });
  const config = loaded.readModelSnapshotsAllowed
    ? { ...loaded, readModelSnapshot: { codeFingerprint: await runningCodeFingerprint() } }
    : loaded;
  const app = await createPlatformApp(config, new JsonNestLogger(log));
  await app.init();
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  await app.listen(config.port, config.host);
  // After listen: on a data directory with history but no administrator (an imported or seeded
  // log), the read models are still rebuilding it; the enrolment does not wait for them, but it
  // need not hold the port closed either.
  const firstStart =
    config.auth.mode === 'embedded' ? await prepareFirstStart(app, config) : undefined;
  log.info(
    { url: base, dataDir: config.dataDir, auth: config.auth.mode },
    `ISMS Ledger is up: ${base}/health, API docs at ${base}/docs, metrics at ${base}/metrics`,
  );
  const instructions = firstStart && firstStartInstructions(firstStart, base);
  if (instructions) process.stdout.write(`${instructions}\n`);
  compactHeapAfterRebuild(app).then(
    (done) => {
      if (!done) return;
      const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
      log.info(
        {
          heapUsedBeforeMiB: mb(done.heapUsedBeforeBytes),
          heapUsedAfterMiB: mb(done.heapUsedAfterBytes),
          pauseMs: done.pauseMs,
        },
        'read models caught up with the history; heap compacted once',
      );
    },
    (error: unknown) =>
      log.warn({ error: error instanceof Error ? error.message : String(error) }, 'no compaction'),
  );
}

/**
 * What a read-model snapshot must have been written by: the built app (dist/apps/platform, as
 * `npm start` runs it), or, run from source (tests, benchmarks), the sources of the app and libs.
 */
function runningCodeFingerprint(): Promise<string> {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const repo = fileURLToPath(new URL('../../..', import.meta.url));
    return codeFingerprint([join(repo, 'libs'), join(repo, 'apps', 'platform', 'src')], '.ts');
  }
  // dist/apps/platform/apps/platform/src/main.js → dist/apps/platform
  return codeFingerprint([fileURLToPath(new URL('../../..', import.meta.url))], '.js');
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
