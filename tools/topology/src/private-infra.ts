import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './e2e-support.js';
import { ROOT } from './topology.js';

/** FerretDB runs on the private PostgreSQL (so it needs 'postgres' too). */
export type PrivateServer = 'postgres' | 'kafka' | 'ferretdb';
/** `kill`: SIGKILL of the broker or FerretDB, immediate-mode stop of PostgreSQL (like a crash). */
export type ServerAction = 'up' | 'down' | 'kill' | 'status';

/**
 * Servers of tools/infra of a test's own (ISMS_INFRA_DIR in a temporary directory, free ports),
 * beside the shared ones that other test runs use: a fault test may stop and start them.
 * The cached Kafka jars and the installed PostgreSQL are reused (nothing is downloaded).
 */
export interface PrivateInfra {
  readonly dir: string;
  /** DATABASE_URL, KAFKA_BROKERS and/or MONGO_URL of the private servers. */
  readonly env: Readonly<Record<string, string>>;
  /** Runs `tools/infra/<server>.sh <action>` on the private servers; resolves with its stderr. */
  run(server: PrivateServer, action: ServerAction, timeoutMs?: number): Promise<string>;
  /** Stops the private servers and removes their directory. */
  close(): Promise<void>;
}

export async function startPrivateInfra(servers: readonly PrivateServer[]): Promise<PrivateInfra> {
  const dir = mkdtempSync(join(tmpdir(), 'isms-infra-'));
  // Debian's PostgreSQL runs as the postgres user, which must reach the data directory.
  chmodSync(dir, 0o755);
  const ports = {
    ISMS_KAFKA_PORT: String(await freePort()),
    ISMS_KAFKA_CONTROLLER_PORT: String(await freePort()),
    PGPORT: String(await freePort()),
    ISMS_FERRETDB_PORT: String(await freePort()),
  };
  // PG_DURABLE=1: the private cluster is crash-safe like a production one. The shared test
  // cluster runs with synchronous_commit=off, whose commits an immediate stop ("kill") can lose
  // after they were answered: a fault test would then see losses production cannot have.
  const scriptEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ISMS_INFRA_DIR: dir,
    PG_DURABLE: '1',
    ...ports,
  };
  // Set, these would make the scripts check those servers instead of running their own.
  delete scriptEnv['DATABASE_URL'];
  delete scriptEnv['KAFKA_BROKERS'];
  delete scriptEnv['MONGO_URL'];

  const run = (server: PrivateServer, action: ServerAction, timeoutMs = 90_000) =>
    new Promise<string>((resolve, reject) => {
      execFile(
        'bash',
        [join(ROOT, 'tools', 'infra', `${server}.sh`), action],
        { env: scriptEnv, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
        (error, _stdout, stderr) => {
          if (error)
            reject(new Error(`${server}.sh ${action} failed: ${error.message}\n${stderr}`));
          else resolve(stderr);
        },
      );
    });

  const env: Record<string, string> = {};
  if (servers.includes('postgres')) {
    env['DATABASE_URL'] = `postgres://isms:isms@127.0.0.1:${ports.PGPORT}/isms`;
  }
  if (servers.includes('kafka')) env['KAFKA_BROKERS'] = `127.0.0.1:${ports.ISMS_KAFKA_PORT}`;
  if (servers.includes('ferretdb')) {
    if (!servers.includes('postgres'))
      throw new Error('A private FerretDB needs the private PostgreSQL');
    env['MONGO_URL'] = `mongodb://127.0.0.1:${ports.ISMS_FERRETDB_PORT}/isms?directConnection=true`;
  }

  const close = async () => {
    if (servers.includes('ferretdb')) await run('ferretdb', 'down', 30_000).catch(() => undefined);
    await Promise.allSettled(
      servers.filter((s) => s !== 'ferretdb').map((server) => run(server, 'down', 60_000)),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(servers.filter((s) => s !== 'ferretdb').map((server) => run(server, 'up')));
    if (servers.includes('ferretdb')) await run('ferretdb', 'up');
  } catch (error) {
    await close();
    throw error;
  }
  return { dir, env, run, close };
}
