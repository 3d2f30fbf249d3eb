import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Global, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ManualClock } from '@isms/event-sourcing';
import type { EventStore } from '@isms/event-sourcing';
// The guard is tested on the real embedded event store, which builds on the platform libs.
import { createEmbeddedEventStore } from '@isms/event-store';
import type { SqlEventStore } from '@isms/event-store';
import { GovernanceEventTypes as T, accessLogStreamId } from '@isms/contracts';
import { CLOCK, EVENT_STORE, PlatformHttpModule, configureHttpApp } from '@isms/platform-nest';
import { AuthModule } from './auth.module.js';
import {
  Authenticated,
  CurrentPrincipal,
  ExternalAuditorMayWrite,
  Public,
  RequirePermission,
} from './application/decorators.js';
import { TOKEN_ISSUER } from './application/di-tokens.js';
import type { Principal } from './principal.js';
import type { TokenIssuer } from './tokens.js';

/** A few routes, one per way of declaring access, and one that forgets to. */
@Controller('probe')
class ProbeController {
  @Get('public')
  @Public()
  open() {
    return { ok: true };
  }

  @Get('forgotten')
  forgotten() {
    return { leaked: true };
  }

  @Get('me')
  @Authenticated()
  me(@CurrentPrincipal() principal: Principal) {
    return { userId: principal.userId };
  }

  @Post('findings')
  @RequirePermission('audit:finding:raise')
  @ExternalAuditorMayWrite('audit:finding:raise')
  raise() {
    return { raised: true };
  }

  @Post('notes')
  @RequirePermission('read')
  note() {
    return { noted: true };
  }
}

const clock = new ManualClock('2026-05-05T10:00:00.000Z');
let store: SqlEventStore;
let app: NestExpressApplication;
let dir: string;
let issuer: TokenIssuer;

@Global()
@Module({
  providers: [
    { provide: EVENT_STORE, useFactory: () => store },
    { provide: CLOCK, useValue: clock },
  ],
  exports: [EVENT_STORE, CLOCK],
})
class PortsModule {}

async function seed(events: EventStore) {
  const metadata = {
    actor: { userId: 'seed' },
    correlationId: 'seed',
    occurredAt: clock.now().toISOString(),
  };
  const append = (
    tenantId: string,
    streamId: string,
    streamType: string,
    list: { type: string; data: unknown }[],
  ) =>
    events.append({
      tenantId,
      streamId,
      streamType,
      expectedRevision: 'any',
      events: list.map((e) => ({ ...e, metadata })),
    });
  await append('tenant-acme', 'org-structure-acme', 'org-structure', [
    {
      type: T.TenantEstablished,
      data: { tenantId: 'tenant-acme', name: 'Acme', rootOrgUnitId: 'ou-root' },
    },
    {
      type: T.OrgUnitCreated,
      data: { orgUnitId: 'ou-root', parentId: null, kind: 'group', name: 'Acme' },
    },
  ]);
  await append('tenant-acme', 'person-mia', 'person', [
    {
      type: T.PersonRegistered,
      data: {
        personId: 'person-mia',
        displayName: 'Mia',
        email: 'mia@acme.example',
        kind: 'member',
        homeOrgUnitId: 'ou-root',
      },
    },
    {
      type: T.RoleBound,
      data: { personId: 'person-mia', bindingId: 'rb-1', role: 'viewer', orgUnitId: 'ou-root' },
    },
  ]);
  await append('tenant-acme', 'person-eve', 'person', [
    {
      type: T.PersonRegistered,
      data: {
        personId: 'person-eve',
        displayName: 'Eve',
        email: 'eve@cb.example',
        kind: 'external-auditor',
        homeOrgUnitId: 'ou-root',
        certificationBody: 'Certa',
      },
    },
  ]);
  await append('tenant-acme', 'access-grant-1', 'access-grant', [
    {
      type: T.AccessGranted,
      data: {
        grantId: 'access-grant-1',
        auditorPersonId: 'person-eve',
        certificationBody: 'Certa',
        scopeId: 'isms-scope-1',
        validFrom: '2026-05-04T00:00:00.000Z',
        validUntil: '2026-05-09T00:00:00.000Z',
        readOnly: true,
        grantedBy: 'seed',
        reason: 'stage 2',
      },
    },
  ]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isms-auth-guard-'));
  store = await createEmbeddedEventStore({ dataDir: 'memory' });
  await seed(store);
  const moduleRef = await Test.createTestingModule({
    imports: [
      PortsModule,
      PlatformHttpModule,
      AuthModule.forRoot({ tokens: { kind: 'embedded', secretFile: join(dir, 'key') } }),
    ],
    controllers: [ProbeController],
  }).compile();
  app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: false,
  });
  configureHttpApp(app, { title: 't', description: 'd', version: '0' });
  await app.init();
  issuer = app.get<TokenIssuer>(TOKEN_ISSUER);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const bearer = async (sub: string) =>
  `Bearer ${(await issuer.issue({ sub, tid: 'tenant-acme' })).token}`;

describe('AuthGuard: deny by default', () => {
  it('serves @Public routes and the operations endpoints without a token', async () => {
    await request(app.getHttpServer()).get('/probe/public').expect(200);
    await request(app.getHttpServer()).get('/health').expect(200);
  });

  it('closes a route that declares no access rule, even to an authenticated member', async () => {
    const res = await request(app.getHttpServer())
      .get('/probe/forgotten')
      .set('authorization', await bearer('person-mia'))
      .expect(403);
    expect(res.body).toMatchObject({ reason: 'route-not-classified' });
    expect(res.body.leaked).toBeUndefined();
  });

  it('resolves the principal from the token and the access directory', async () => {
    const res = await request(app.getHttpServer())
      .get('/probe/me')
      .set('authorization', await bearer('person-mia'))
      .expect(200);
    expect(res.body).toEqual({ userId: 'person-mia' });
  });

  it('refuses a principal who holds the route’s permission nowhere', async () => {
    const res = await request(app.getHttpServer())
      .post('/probe/findings')
      .set('authorization', await bearer('person-mia'))
      .expect(403);
    expect(res.body).toMatchObject({
      reason: 'role-lacks-permission',
      permission: 'audit:finding:raise',
    });
  });

  it('lets an external auditor write only through the audit:finding:raise hook, and records both', async () => {
    const eve = await bearer('person-eve');
    await request(app.getHttpServer())
      .post('/probe/findings')
      .set('authorization', eve)
      .expect(201);
    const refused = await request(app.getHttpServer())
      .post('/probe/notes')
      .set('authorization', eve)
      .expect(403);
    expect(refused.body.reason).toBe('read-only');
    const log = (await store.readStream(accessLogStreamId('tenant-acme')))
      .map((e) => e.data as { personId: string; path: string; outcome: string })
      .filter((entry) => entry.personId === 'person-eve');
    expect(log.map((entry) => [entry.path, entry.outcome])).toEqual([
      ['/probe/findings', 'allowed'],
      ['/probe/notes', 'denied'],
    ]);
  });
});
