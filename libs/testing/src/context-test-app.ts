import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DynamicModule, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { InMemoryCheckpointStore, ManualClock } from '@isms/event-sourcing';
import type { EventStore, NewEvent } from '@isms/event-sourcing';
import { createEmbeddedEventStore } from '@isms/event-store';
import { InProcessMessageBus } from '@isms/messaging';
import { InMemoryReadStore } from '@isms/read-store';
import {
  ApplicationServicesModule,
  CHECKPOINT_STORE,
  CLOCK,
  EVENT_STORE,
  MESSAGE_BUS,
  PlatformHttpModule,
  ProjectionRegistry,
  READ_STORE,
  configureHttpApp,
} from '@isms/platform-nest';
import { AccessService, AuthModule, TOKEN_ISSUER } from '@isms/auth';
import type { TokenIssuer } from '@isms/auth';
import type { IsmsScopeDefinition, Role } from '@isms/contracts';
import {
  GovernanceEventTypes as G,
  GovernanceStreamTypes,
  orgStructureStreamId,
} from '@isms/contracts';

/**
 * A test app with the real modules the platform runs (HTTP conventions, projections, auth, the
 * context under test) on embedded adapters in memory, a manual clock, and a way to seed a tenant's
 * org tree, people, roles and scopes as governance events (the published contract), as the
 * governance context would record them.
 */
export interface ContextTestApp {
  readonly app: NestExpressApplication;
  readonly store: EventStore;
  readonly clock: ManualClock;
  readonly projections: ProjectionRegistry;
  /** A bearer token for a person of a tenant. */
  token(tenantId: string, personId: string): Promise<string>;
  /** Appends governance events and waits until access control and the read models know them. */
  seed(
    tenantId: string,
    streamId: string,
    streamType: string,
    events: { type: string; data: unknown }[],
    by?: SeedActor,
  ): Promise<number>;
  tenant(spec: TenantSpec): Promise<SeededTenant>;
  close(): Promise<void>;
}

/** Who the seeded events say decided, and why (default: a group admin, no reason). */
export interface SeedActor {
  readonly userId?: string;
  readonly displayName?: string;
  readonly role?: string;
  readonly reason?: string;
}

export interface TenantSpec {
  /** Org units below the root: id → parent id (the root is `root`). */
  readonly units: Readonly<
    Record<string, { parent: string; kind: 'subsidiary' | 'site' | 'department'; name: string }>
  >;
  /** People: id → role bindings (role → unit id; `root` for the group). */
  readonly people: Readonly<Record<string, readonly (readonly [Role, string])[]>>;
  /** ISMS scopes: id → included unit ids (owner = the first). */
  readonly scopes: Readonly<Record<string, readonly string[]>>;
  /** Scopes left as drafts (never approved). */
  readonly draftScopes?: readonly string[];
}

export interface SeededTenant {
  readonly tenantId: string;
  /** Unit ids by their spec name (`root` included). */
  readonly unit: (name: string) => string;
  readonly person: (name: string) => string;
  readonly scope: (name: string) => string;
  readonly tokenOf: (name: string) => Promise<string>;
}

export interface ContextTestAppOptions {
  /** The context under test, for names (temp dirs, the OpenAPI title). */
  readonly context: string;
  /** The context's Nest module(s), as the platform imports them. */
  readonly modules: readonly (Type | DynamicModule)[];
  /** The manual clock's start. Default 2026-03-02T09:00:00Z. */
  readonly start?: string;
  /** Lifetime of the tokens `token()` issues (default: the issuer's); longer for tests that move the clock. */
  readonly tokenTtlSeconds?: number;
  /** Opens the event store (default: embedded PGlite in memory), e.g. to keep its SQL client. */
  readonly openEventStore?: (clock: ManualClock) => Promise<EventStore>;
}

export async function createContextTestApp(
  options: ContextTestAppOptions,
): Promise<ContextTestApp> {
  const start = options.start ?? '2026-03-02T09:00:00.000Z';
  const clock = new ManualClock(start);
  const store = options.openEventStore
    ? await options.openEventStore(clock)
    : await createEmbeddedEventStore({ dataDir: 'memory', clock });
  const secretDir = mkdtempSync(join(tmpdir(), `isms-${options.context}-spec-`));
  const moduleRef = await Test.createTestingModule({
    imports: [
      {
        module: class EmbeddedPorts {},
        global: true,
        providers: [
          { provide: EVENT_STORE, useValue: store },
          { provide: READ_STORE, useValue: new InMemoryReadStore() },
          { provide: CHECKPOINT_STORE, useValue: new InMemoryCheckpointStore() },
          { provide: MESSAGE_BUS, useValue: new InProcessMessageBus() },
          { provide: CLOCK, useValue: clock },
        ],
        exports: [EVENT_STORE, READ_STORE, CHECKPOINT_STORE, MESSAGE_BUS, CLOCK],
      },
      PlatformHttpModule,
      ApplicationServicesModule,
      AuthModule.forRoot({
        tokens: { kind: 'embedded', secretFile: join(secretDir, 'jwt.secret') },
      }),
      ...options.modules,
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: false,
  });
  configureHttpApp(app, {
    title: `ISMS Ledger (${options.context} spec)`,
    description: options.context,
    version: '0',
  });
  await app.init();
  const projections = app.get(ProjectionRegistry);
  const access = app.get(AccessService);
  const issuer = app.get<TokenIssuer>(TOKEN_ISSUER);
  const metadata = (by: SeedActor = {}) => ({
    actor: {
      userId: by.userId ?? 'seed',
      role: by.role ?? 'group-admin',
      ...(by.displayName ? { displayName: by.displayName } : {}),
    },
    ...(by.reason ? { reason: by.reason } : {}),
    correlationId: 'seed',
    occurredAt: clock.now().toISOString(),
  });

  const seed: ContextTestApp['seed'] = async (tenantId, streamId, streamType, events, by) => {
    const result = await store.append({
      tenantId,
      streamId,
      streamType,
      expectedRevision: 'any',
      events: events.map((e): NewEvent => ({ ...e, metadata: metadata(by) })),
    });
    await access.waitForDirectory(result.lastGlobalPosition);
    await projections.waitUntilCaughtUp(result.lastGlobalPosition);
    return result.lastGlobalPosition;
  };

  const token = async (tenantId: string, personId: string) =>
    (
      await issuer.issue({
        sub: personId,
        tid: tenantId,
        ...(options.tokenTtlSeconds !== undefined ? { ttlSeconds: options.tokenTtlSeconds } : {}),
      })
    ).token;

  const tenant = async (spec: TenantSpec): Promise<SeededTenant> => {
    const key = randomUUID().slice(0, 8);
    const tenantId = `tenant-${key}`;
    const id = (kind: string, name: string) => `${kind}-${key}-${name}`;
    const unit = (name: string) => id('ou', name);
    await seed(tenantId, orgStructureStreamId(tenantId), GovernanceStreamTypes.OrgStructure, [
      {
        type: G.TenantEstablished,
        data: { tenantId, name: `Group ${key}`, rootOrgUnitId: unit('root') },
      },
      {
        type: G.OrgUnitCreated,
        data: { orgUnitId: unit('root'), parentId: null, kind: 'group', name: 'Group' },
      },
      ...Object.entries(spec.units).map(([name, u]) => ({
        type: G.OrgUnitCreated,
        data: { orgUnitId: unit(name), parentId: unit(u.parent), kind: u.kind, name: u.name },
      })),
    ]);
    for (const [name, bindings] of Object.entries(spec.people)) {
      const personId = id('person', name);
      await seed(tenantId, personId, GovernanceStreamTypes.Person, [
        {
          type: G.PersonRegistered,
          data: {
            personId,
            displayName: name,
            email: `${name}@example.test`,
            kind: 'member',
            homeOrgUnitId: unit(bindings[0]?.[1] ?? 'root'),
          },
        },
        ...bindings.map(([role, unitName], i) => ({
          type: G.RoleBound,
          data: { personId, bindingId: `${personId}-b${i}`, role, orgUnitId: unit(unitName) },
        })),
      ]);
    }
    for (const [name, units] of Object.entries(spec.scopes)) {
      const scopeId = id('isms-scope', name);
      const definition: IsmsScopeDefinition = {
        name: `Scope ${name}`,
        description: 'Test scope',
        ownerOrgUnitId: unit(units[0]!),
        includedOrgUnitIds: units.map(unit),
        locations: [],
        exclusions: [],
        interfacesAndDependencies: [],
        internalIssues: [],
        externalIssues: [],
        interestedParties: [],
      };
      await seed(tenantId, scopeId, GovernanceStreamTypes.IsmsScope, [
        { type: G.IsmsScopeDrafted, data: { scopeId, version: 1, definition } },
      ]);
      if (spec.draftScopes?.includes(name)) continue;
      await seed(
        tenantId,
        scopeId,
        GovernanceStreamTypes.IsmsScope,
        [
          {
            type: G.IsmsScopeApproved,
            data: {
              scopeId,
              version: 1,
              approvedBy: 'seed',
              approverRole: 'ciso',
              reason: 'seed',
              approvedAt: clock.now().toISOString(),
            },
          },
        ],
        { userId: 'seed', role: 'ciso', reason: 'seed' },
      );
    }
    return {
      tenantId,
      unit,
      person: (name) => id('person', name),
      scope: (name) => id('isms-scope', name),
      tokenOf: (name) => token(tenantId, id('person', name)),
    };
  };

  return {
    app,
    store,
    clock,
    projections,
    token,
    seed,
    tenant,
    async close() {
      await app.close();
      await store.close();
      rmSync(secretDir, { recursive: true, force: true });
    },
  };
}
