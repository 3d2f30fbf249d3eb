import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { Response } from 'supertest';
import { ManualClock } from '@isms/event-sourcing';
import { TOKEN_ISSUER } from '@isms/auth';
import type { TokenIssuer } from '@isms/auth';
import { PlatformService } from '@isms/governance';
import { CLOCK } from '@isms/platform-nest';
import { configurePlatformHttp } from '../app.js';
import { loadPlatformConfig } from '../config.js';
import { PlatformModule } from '../platform.module.js';

/** The all-in-one app on embedded adapters in a temp dir, with a clock the test moves. */
export interface TestPlatform {
  readonly app: NestExpressApplication;
  readonly clock: ManualClock;
  readonly dataDir: string;
  readonly platformAdminToken: string;
  readonly platformAdminId: string;
  /** The one-time setup code of the bootstrap administrator (not used yet). */
  readonly setupCode: string;
  /** A bearer token signed by the app's own authority (as `npm run token` would make). */
  token(sub: string, tid?: string): Promise<string>;
  /** Requests as a caller (no token: anonymous). */
  as(token?: string): Caller;
  close(): Promise<void>;
}

export interface Caller {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
}

export interface TestPlatformOptions {
  /** More configuration, e.g. the ISMS_OIDC_* variables of the server mode. */
  readonly env?: Readonly<Record<string, string>>;
  /** How tests get tokens; default: the app's own (embedded) token issuer. */
  readonly sign?: (sub: string, tid?: string) => Promise<string>;
}

export async function startTestPlatform(
  start = '2026-05-01T08:00:00.000Z',
  options: TestPlatformOptions = {},
): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'isms-governance-'));
  const clock = new ManualClock(start);
  const config = loadPlatformConfig({ ISMS_DATA_DIR: dataDir, PORT: '0', ...options.env });
  const moduleRef = await Test.createTestingModule({ imports: [PlatformModule.forRoot(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: false,
  });
  configurePlatformHttp(app);
  await app.init();
  const issuer = app.get<TokenIssuer | null>(TOKEN_ISSUER);
  const admin = await app.get(PlatformService).ensureBootstrapAdministrator();
  const token =
    options.sign ??
    (async (sub: string, tid?: string) => {
      if (!issuer) throw new Error('This app issues no tokens: pass options.sign');
      return (await issuer.issue({ sub, ...(tid ? { tid } : {}) })).token;
    });
  const as = (bearer?: string): Caller => {
    const server = app.getHttpServer();
    const auth = (test: request.Test) =>
      bearer ? test.set('authorization', `Bearer ${bearer}`) : test;
    return {
      get: (path) => auth(request(server).get(path)),
      post: (path, body) => {
        const test = auth(request(server).post(path));
        return body === undefined ? test : test.send(body);
      },
      put: (path, body) => {
        const test = auth(request(server).put(path));
        return body === undefined ? test : test.send(body);
      },
      patch: (path, body) => {
        const test = auth(request(server).patch(path));
        return body === undefined ? test : test.send(body);
      },
    };
  };
  return {
    app,
    clock,
    dataDir,
    platformAdminToken: await token(admin.administratorId),
    platformAdminId: admin.administratorId,
    setupCode: admin.setupCode ?? '',
    token,
    as,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Asserts the status and shows the problem body when it is not the expected one. */
export function expectStatus(res: Response, status: number): Response {
  if (res.status !== status) {
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res;
}

let counter = 0;
/** A unique, readable name for things created by tests. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix} ${counter}`;
}
