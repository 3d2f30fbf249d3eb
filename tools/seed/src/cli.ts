/**
 * Seeds an embedded data directory (or a PostgreSQL schema) with a generated ISMS history:
 *
 *   npm run seed -- --data-dir <dir> [--scale 1] [--seed 42]
 *                   [--database-url postgres://… --schema <name>]
 *
 * Scale 1: 50 subsidiaries, 500 sites, 100,000 risks, about 1,000,000 events. Prints progress
 * and, at the end, the manifest (also written to `<dir>/seed-manifest.json`). Start the platform
 * on it with `ISMS_DATA_DIR=<dir> npm start`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seed } from './seed.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      scale: { type: 'string', default: '1' },
      seed: { type: 'string', default: '42' },
      concurrency: { type: 'string', default: '256' },
      'database-url': { type: 'string' },
      schema: { type: 'string' },
    },
    strict: true,
  });
  if (!values['data-dir']) throw new Error('Say where: --data-dir <dir>');
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 2)) throw new Error('--scale is a number above 0, at most 2');
  const dataDir = resolve(values['data-dir']);
  const started = Date.now();
  const manifest = await seed({
    dataDir,
    scale,
    seed: Number(values.seed),
    concurrency: Math.max(1, Math.min(4096, Number(values.concurrency))),
    ...(values['database-url']
      ? {
          postgres: {
            connectionString: values['database-url'],
            ...(values.schema ? { schema: values.schema } : {}),
          },
        }
      : {}),
    onProgress: (p) =>
      process.stderr.write(
        `day ${p.day}/${p.days}: ${p.events} events, ${(p.elapsedMs / 1000).toFixed(0)} s\n`,
      ),
  });
  const seconds = (Date.now() - started) / 1000;
  const { eventsByType: _types, sample: _sample, scopes: _scopes, ...summary } = manifest;
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.stderr.write(
    `Seeded ${manifest.events} events in ${seconds.toFixed(1)} s (${Math.round(manifest.events / seconds)} events/s) into ${dataDir}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
