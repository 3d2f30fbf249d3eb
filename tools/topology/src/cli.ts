import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { down, readInfraEnv, ROOT, up } from './topology.js';

/**
 * `npm run start:distributed` (= `cli.ts up`): real servers from tools/infra (unless
 * DATABASE_URL, KAFKA_BROKERS and MONGO_URL are set), then every service on 3101–3105.
 * `cli.ts down` stops the services (not the servers: `npm run infra:down`).
 */
async function main(): Promise<void> {
  const command = process.argv[2] ?? 'up';
  if (command === 'down') {
    const stopped = await down();
    console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running');
    return;
  }
  if (command !== 'up') throw new Error('usage: cli.ts up|down');
  const fromEnv = ['DATABASE_URL', 'KAFKA_BROKERS', 'MONGO_URL'].every((k) => process.env[k]);
  if (!fromEnv) execFileSync('bash', [join(ROOT, 'tools', 'infra', 'up.sh')], { stdio: 'inherit' });
  const infra = fromEnv ? {} : readInfraEnv();
  const env = Object.fromEntries(
    ['DATABASE_URL', 'KAFKA_BROKERS', 'MONGO_URL'].map((k) => [
      k,
      process.env[k] ?? infra[k] ?? '',
    ]),
  );
  const started = Date.now();
  const services = await up({
    env,
    ...(process.env['ISMS_DEPLOYMENT'] ? { deployment: process.env['ISMS_DEPLOYMENT'] } : {}),
  });
  console.log(
    `\nISMS Ledger, distributed, is up in ${((Date.now() - started) / 1000).toFixed(1)} s:`,
  );
  for (const s of services)
    console.log(`  ${s.name.padEnd(20)} ${s.url}  (pid ${s.pid}, log ${s.log})`);
  console.log(
    '\nAPI docs at <url>/docs, health at /health, metrics at /metrics.' +
      '\nA platform administrator token (the services share data/topology/secrets):' +
      '\n  ISMS_DATA_DIR=data/topology npm run token -- --platform-admin' +
      '\nStop the services with: npm run stop:distributed',
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
