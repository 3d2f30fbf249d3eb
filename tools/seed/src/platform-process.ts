/**
 * The embedded platform (apps/platform, `main.ts`, as `npm start` runs it but from source) as a
 * child process on a data directory, over HTTP loopback: for the seed spec and the scale
 * benchmark, which measure it from outside as a client would.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HmacTokenAuthority, loadOrCreateSigningSecret } from '@isms/auth';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export interface PlatformProcess {
  readonly baseUrl: string;
  readonly pid: number;
  /** From spawn to /health answering 200 with every projection caught up (lag 0). */
  readonly readyMs: number;
  /** From spawn to the HTTP port listening (projections may still be catching up). */
  readonly listeningMs: number;
  token(tenantId: string, personId: string): Promise<string>;
  /** Resident set size of the platform process in bytes (Linux /proc). */
  rssBytes(): Promise<number>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly dataDir: string;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  readonly nodeFlags?: readonly string[];
  /** Give up after this long (default 10 minutes: 1M events take a while to project). */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  /**
   * How long `stop` waits after SIGTERM before SIGKILL (default 5 minutes: the platform saves
   * its read models as it stops, a matter of seconds at a million events).
   */
  readonly stopTimeoutMs?: number;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => ok(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface HealthBody {
  status?: string;
  components?: { projections?: { projections?: { name: string; lag: number; state: string }[] } };
}

export async function startPlatform(options: StartOptions): Promise<PlatformProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // As `npm start` runs it: read models of ~1,000,000 events need more than V8's default
      // heap, and a larger young generation collects the copies of read-model documents cheaply.
      '--max-old-space-size=8192',
      '--max-semi-space-size=64',
      '--expose-gc',
      ...(options.nodeFlags ?? []),
      '--import',
      '@swc-node/register/esm-register',
      join(REPO, 'apps/platform/src/main.ts'),
    ],
    {
      cwd: REPO,
      env: {
        ...process.env,
        ISMS_DATA_DIR: options.dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    options.log?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const stop = async () => {
    if (exited !== undefined) return;
    const gone = new Promise<void>((ok) => child.once('exit', () => ok()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 300_000);
    await gone;
    clearTimeout(timer);
  };

  const deadline = started + (options.timeoutMs ?? 600_000);
  let listeningMs: number | undefined;
  try {
    for (;;) {
      if (exited !== undefined) {
        throw new Error(`The platform exited (code ${exited}) before it was ready:\n${output}`);
      }
      if (performance.now() > deadline) {
        throw new Error(
          `The platform was not ready within ${options.timeoutMs ?? 600_000} ms:\n${output}`,
        );
      }
      const health = await fetch(`${baseUrl}/health`).then(
        async (r) => ({ status: r.status, body: (await r.json()) as HealthBody }),
        () => undefined,
      );
      if (health) {
        listeningMs ??= performance.now() - started;
        const projections = health.body.components?.projections?.projections ?? [];
        const caughtUp = projections.length > 0 && projections.every((p) => p.lag === 0);
        if (health.status === 200 && caughtUp) break;
        const failed = projections.find((p) => p.state === 'failed');
        if (failed) throw new Error(`Projection ${failed.name} failed:\n${output}`);
      }
      await new Promise((ok) => setTimeout(ok, health ? 100 : 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const readyMs = performance.now() - started;
  // The same secret `npm run token` signs with (the platform created it at its first start).
  const authority = new HmacTokenAuthority(
    loadOrCreateSigningSecret(join(options.dataDir, 'secrets', 'jwt-hs256.key')).secret,
  );
  return {
    baseUrl,
    pid: child.pid!,
    readyMs,
    listeningMs: listeningMs ?? readyMs,
    token: async (tenantId, personId) =>
      (await authority.issue({ sub: personId, tid: tenantId, ttlSeconds: 4 * 3600 })).token,
    rssBytes: async () => {
      const { readFile } = await import('node:fs/promises');
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : 0;
    },
    stop,
  };
}
