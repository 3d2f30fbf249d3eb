import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The services of the distributed topology: app folder, context, default port. */
export const SERVICES = [
  { name: 'governance-service', context: 'governance', port: 3101 },
  { name: 'risk-service', context: 'risk', port: 3102 },
  { name: 'control-service', context: 'controls', port: 3103 },
  { name: 'audit-service', context: 'audit', port: 3104 },
  { name: 'reporting-service', context: 'reporting', port: 3105 },
] as const;
export type ServiceName = (typeof SERVICES)[number]['name'];

/** The services whose app exists in this checkout. */
export function availableServices(): ServiceName[] {
  return SERVICES.filter((s) => existsSync(join(ROOT, 'apps', s.name, 'src', 'main.ts'))).map(
    (s) => s.name,
  );
}

export interface TopologyOptions {
  /** Where pids and logs go (default `tmp/topology`). */
  readonly stateDir?: string;
  /** ISMS_DATA_DIR of every service: files and the shared token secret (default `data/topology`). */
  readonly dataDir?: string;
  /** ISMS_DEPLOYMENT: prefixes schemas, databases, topics and groups (none by default). */
  readonly deployment?: string;
  /** Port of each service (default 3101–3105). */
  readonly ports?: Partial<Record<ServiceName, number>>;
  readonly services?: readonly ServiceName[];
  /** DATABASE_URL, KAFKA_BROKERS, MONGO_URL and anything else for the services. */
  readonly env: Readonly<Record<string, string>>;
  /** How long to wait for every /health (default 180 s: each process compiles on start). */
  readonly readyTimeoutMs?: number;
}

export interface RunningServiceProcess {
  readonly name: ServiceName;
  readonly url: string;
  readonly pid: number;
  readonly log: string;
}

function stateDirOf(options: Pick<TopologyOptions, 'stateDir'>): string {
  return resolve(options.stateDir ?? join(ROOT, 'tmp', 'topology'));
}

export function servicePort(name: ServiceName, options: Pick<TopologyOptions, 'ports'>): number {
  return options.ports?.[name] ?? SERVICES.find((s) => s.name === name)!.port;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function healthOf(
  url: string,
): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3_000) });
    return { status: res.status, body: await res.json() };
  } catch {
    return undefined;
  }
}

/**
 * Starts one service process (detached, its own process group, output to its log file), as
 * `node --import @swc-node/register/esm-register apps/<name>/src/main.ts`: no build step.
 */
export function startService(name: ServiceName, options: TopologyOptions): RunningServiceProcess {
  const state = stateDirOf(options);
  mkdirSync(join(state, 'logs'), { recursive: true });
  const log = join(state, 'logs', `${name}.log`);
  const port = servicePort(name, options);
  const out = openSync(log, 'a');
  const child = spawn(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', join('apps', name, 'src', 'main.ts')],
    {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        ...options.env,
        PORT: String(port),
        ISMS_DATA_DIR: resolve(options.dataDir ?? join(ROOT, 'data', 'topology')),
        ...(options.deployment ? { ISMS_DEPLOYMENT: options.deployment } : {}),
      },
    },
  );
  child.unref();
  if (child.pid === undefined) throw new Error(`Could not start ${name}`);
  writeFileSync(join(state, `${name}.pid`), `${child.pid}\n`);
  return { name, url: `http://127.0.0.1:${port}`, pid: child.pid, log };
}

/** The pid recorded for a service, if its process still runs. */
export function runningPid(name: ServiceName, options: Pick<TopologyOptions, 'stateDir'>) {
  const file = join(stateDirOf(options), `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** Waits until `url`/health answers 200 (or the process died, or the time is up). */
export async function waitHealthy(
  service: RunningServiceProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await healthOf(service.url);
    if (health?.status === 200) return;
    if (!isAlive(service.pid)) {
      throw new Error(
        `${service.name} exited during start; see ${service.log}:\n${tail(service.log)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${service.name} not healthy after ${timeoutMs} ms (last: ${JSON.stringify(health)}); see ${service.log}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Starts the services that do not run yet (idempotent) and waits until all are healthy. */
export async function up(options: TopologyOptions): Promise<RunningServiceProcess[]> {
  const names = options.services ?? availableServices();
  const running: RunningServiceProcess[] = [];
  // Governance first: the others read their access directory from its topic.
  for (const [index, name] of names.entries()) {
    const pid = runningPid(name, options);
    const port = servicePort(name, options);
    const service = pid
      ? {
          name,
          url: `http://127.0.0.1:${port}`,
          pid,
          log: join(stateDirOf(options), 'logs', `${name}.log`),
        }
      : startService(name, options);
    running.push(service);
    if (index === 0) await waitHealthy(service, options.readyTimeoutMs ?? 180_000);
  }
  await Promise.all(running.map((s) => waitHealthy(s, options.readyTimeoutMs ?? 180_000)));
  return running;
}

/** Stops a service process: SIGTERM (graceful: relay, consumers), SIGKILL after `graceMs`. */
export async function stopProcess(pid: number, graceMs = 15_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** Stops every service of the topology that runs. */
export async function down(
  options: Pick<TopologyOptions, 'stateDir'> = {},
): Promise<ServiceName[]> {
  const stopped: ServiceName[] = [];
  await Promise.all(
    SERVICES.map(async ({ name }) => {
      const pid = runningPid(name, options);
      rmSync(join(stateDirOf(options), `${name}.pid`), { force: true });
      if (pid === undefined) return;
      await stopProcess(pid);
      stopped.push(name);
    }),
  );
  return stopped;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** KEY=value lines of `.infra/env` (written by tools/infra/up.sh). */
export function readInfraEnv(file = join(ROOT, '.infra', 'env')): Record<string, string> {
  if (!existsSync(file)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}
