import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import pg from 'pg';
import { HmacTokenAuthority, loadOrCreateSigningSecret } from '@isms/auth';
import type { RunningServiceProcess, ServiceName } from './topology.js';
import { isAlive, readInfraEnv, startService, stopProcess, up, waitHealthy } from './topology.js';

export interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown> & { items?: Record<string, unknown>[] };
  readonly etag: string | undefined;
}

/** A topology of real service processes on fresh schemas, databases and topics. */
export interface TestTopology {
  readonly deployment: string;
  readonly dataDir: string;
  readonly services: Readonly<Record<string, RunningServiceProcess>>;
  readonly env: Readonly<Record<string, string>>;
  readonly platformAdminId: string;
  token(sub: string, tid?: string): Promise<string>;
  /** Kills a service process at once (SIGKILL: no shutdown hook runs). */
  kill(service: ServiceName): Promise<void>;
  /** Starts a service again on its port and waits until it is healthy. */
  restart(service: ServiceName): Promise<void>;
  /** Starts one more instance of a service (same deployment, another port); waits until healthy. */
  addInstance(service: ServiceName): Promise<RunningServiceProcess>;
  call(
    service: ServiceName,
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  close(): Promise<void>;
}

const SERVER_VARIABLES = ['DATABASE_URL', 'KAFKA_BROKERS', 'MONGO_URL'] as const;

/** The servers of tools/infra (or the environment's); fails loudly when one is not configured. */
export function serverEnv(): Record<string, string> {
  const infra = readInfraEnv();
  const env: Record<string, string> = {};
  for (const key of SERVER_VARIABLES) {
    const value = process.env[key] ?? infra[key];
    if (!value) {
      throw new Error(`${key} is not set and .infra/env has none: run bash tools/infra/up.sh`);
    }
    env[key] = value;
  }
  return env;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `servers` replaces some of the shared servers (e.g. a private broker a fault test stops). */
export async function startTestTopology(
  services: readonly ServiceName[],
  servers: Readonly<Record<string, string>> = {},
): Promise<TestTopology> {
  const env = { ...serverEnv(), ...servers };
  const deployment = `e2e_${Date.now().toString(36)}_${process.pid}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'isms-topology-'));
  const stateDir = join(dataDir, 'state');
  const secretFile = join(dataDir, 'secrets', 'jwt-hs256.key');
  const authority = new HmacTokenAuthority(loadOrCreateSigningSecret(secretFile).secret);
  const ports: Partial<Record<ServiceName, number>> = {};
  for (const name of services) ports[name] = await freePort();
  let running: RunningServiceProcess[] = [];
  const options = {
    env: { ...env, LOG_LEVEL: 'warn' },
    deployment,
    dataDir,
    stateDir,
    ports,
    services,
    readyTimeoutMs: 240_000,
  };
  const close = async () => {
    await Promise.all(running.map((s) => stopProcess(s.pid, 10_000)));
    await dropDeployment(env, deployment, services).catch((error: unknown) =>
      console.warn(`cleanup of ${deployment} incomplete: ${String(error)}`),
    );
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    running = await up(options);
  } catch (error) {
    await close();
    throw error;
  }
  const bootstrap = JSON.parse(readFileSync(join(dataDir, 'secrets', 'bootstrap.json'), 'utf8'));
  const byName: Record<string, RunningServiceProcess> = Object.fromEntries(
    running.map((s) => [s.name, s]),
  );
  return {
    deployment,
    dataDir,
    services: byName,
    env,
    platformAdminId: bootstrap.platformAdministratorId as string,
    kill: async (service) => {
      const target = byName[service];
      if (!target) throw new Error(`${service} is not part of this topology`);
      process.kill(target.pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (isAlive(target.pid) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
    },
    restart: async (service) => {
      const started = startService(service, options);
      const previous = byName[service];
      running = [...running.filter((s) => s !== previous), started];
      byName[service] = started;
      await waitHealthy(started, options.readyTimeoutMs);
    },
    addInstance: async (service) => {
      const port = await freePort();
      const extra = startService(service, { ...options, ports: { ...ports, [service]: port } });
      running = [...running, extra];
      await waitHealthy(extra, options.readyTimeoutMs);
      return extra;
    },
    token: async (sub, tid) => (await authority.issue({ sub, ...(tid ? { tid } : {}) })).token,
    call: async (service, method, path, token, body, headers = {}) => {
      const target = byName[service];
      if (!target) throw new Error(`${service} is not part of this topology`);
      const res = await fetch(`${target.url}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text ? (JSON.parse(text) as Reply['body']) : {},
        etag: res.headers.get('etag') ?? undefined,
      };
    },
    close,
  };
}

/** Asserts a status, showing the problem body when it is another one. */
export function expectStatus<R extends Pick<Reply, 'status'> & { readonly body: unknown }>(
  reply: R,
  status: number,
  what = '',
): R {
  if (reply.status !== status) {
    throw new Error(
      `${what} expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`,
    );
  }
  return reply;
}

/** Polls `check` until it stops throwing; returns how long that took (ms). */
export async function eventually(
  check: () => Promise<void>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await check();
      return Date.now() - started;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

const CONTEXT_OF: Record<ServiceName, string> = {
  'governance-service': 'governance',
  'risk-service': 'risk',
  'control-service': 'controls',
  'audit-service': 'audit',
  'reporting-service': 'reporting',
};

/** Drops what a test deployment left: PostgreSQL schemas, MongoDB databases, Kafka topics. */
export async function dropDeployment(
  env: Record<string, string>,
  deployment: string,
  services: readonly ServiceName[],
): Promise<void> {
  const contexts = services.map((s) => CONTEXT_OF[s]);
  const client = new pg.Client({ connectionString: env['DATABASE_URL'] });
  await client.connect();
  try {
    for (const context of contexts) {
      await client.query(`DROP SCHEMA IF EXISTS ${deployment}_${context} CASCADE`);
    }
  } finally {
    await client.end();
  }
  const connection = await mongoose
    .createConnection(env['MONGO_URL']!, { serverSelectionTimeoutMS: 5_000 })
    .asPromise();
  try {
    for (const context of contexts) {
      await connection.useDb(`${deployment}_${context}`).dropDatabase();
    }
  } finally {
    await connection.close();
  }
  const admin = new Kafka({
    clientId: 'isms-e2e-cleanup',
    brokers: env['KAFKA_BROKERS']!.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${deployment}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
