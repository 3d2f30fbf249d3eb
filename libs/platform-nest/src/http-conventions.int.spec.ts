import { Controller, Get, HttpCode, Inject, Module, Post, Query, Req, Res } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import request from 'supertest';
import { z } from 'zod';
import {
  ConcurrencyConflictError,
  DomainRuleViolation,
  EventStoreUnavailableError,
  InMemoryCheckpointStore,
  ManualClock,
  ProjectionLedElsewhereError,
} from '@isms/event-sourcing';
import type { EventStore, Projection, RecordedEvent } from '@isms/event-sourcing';
import { createEmbeddedEventStore } from '@isms/event-store';
import { InProcessMessageBus } from '@isms/messaging';
import { InMemoryReadStore } from '@isms/read-store';
import type { ReadStore } from '@isms/read-store';
import {
  ApplicationServicesModule,
  AsOfParam,
  CHECKPOINT_STORE,
  EVENT_STORE,
  MESSAGE_BUS,
  PageQuery,
  PlatformHttpModule,
  ProjectionRegistry,
  READ_STORE,
  ValidBody,
  ValidQuery,
  configureHttpApp,
  ifMatchRevision,
  paginate,
  setETag,
} from './index.js';
import type { ProjectionFactory } from './index.js';

const clock = new ManualClock('2026-03-01T09:00:00.000Z');

/** A read model of "probe" streams: one document per stream with its latest note. */
const probeNotes: ProjectionFactory = (readStore: ReadStore): Projection => {
  const notes = readStore.collection<{ note: string }>('probe_notes');
  return {
    name: 'probe-notes',
    handles: { streamTypes: ['probe'] },
    apply: async (event: RecordedEvent) => {
      await notes.upsert(
        event.streamId,
        { note: (event.data as { note: string }).note },
        {
          revision: event.streamRevision,
        },
      );
    },
    reset: () => notes.drop(),
  };
};

const CreateProbe = z
  .object({ note: z.string().trim().min(1), weight: z.number().int().min(1) })
  .strict();

@Controller('probes')
class ProbeController {
  private created = 0;
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly projections: ProjectionRegistry,
  ) {}

  @Post()
  @HttpCode(201)
  async create(
    @ValidBody(CreateProbe) body: z.infer<typeof CreateProbe>,
    @Res({ passthrough: true }) res: Response,
  ) {
    this.created += 1;
    const result = await this.store.append({
      tenantId: 't1',
      streamId: `probe-${this.created}`,
      streamType: 'probe',
      expectedRevision: 'no-stream',
      events: [
        {
          type: 'ProbeNoted',
          data: { note: body.note },
          metadata: {
            actor: { userId: 'u1' },
            correlationId: 'c',
            occurredAt: clock.now().toISOString(),
          },
        },
      ],
    });
    await this.projections.waitUntilCaughtUp(result.lastGlobalPosition);
    setETag(res, result.nextExpectedRevision);
    return { id: `probe-${this.created}`, sequence: this.created };
  }

  @Post('conditional')
  conditional(@Req() req: Request) {
    const expected = ifMatchRevision(req);
    if (expected !== undefined && expected !== 2)
      throw new ConcurrencyConflictError('probe-x', expected, 2);
    return { ok: true };
  }

  @Post('rule')
  rule() {
    throw new DomainRuleViolation(
      'risk-acceptance-needs-residual-assessment',
      'Assess the residual risk first.',
      { status: 'treatment-decided', riskId: 'risk-1' },
    );
  }

  @Get('boom')
  boom() {
    throw new Error('secret internal detail');
  }

  @Post('store-down')
  storeDown() {
    throw new EventStoreUnavailableError('connect ECONNREFUSED 127.0.0.1:5432 (secret)');
  }

  @Post('rebuild-on-follower')
  rebuildOnFollower() {
    throw new ProjectionLedElsewhereError('risk-register');
  }

  @Get('read-store-down')
  readStoreDown() {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:27017 (secret)');
    error.name = 'MongoNetworkError'; // what the MongoDB driver throws when the server is gone
    throw error;
  }

  @Get('notes')
  async notes(@ValidQuery(PageQuery) page: z.infer<typeof PageQuery>) {
    return paginate(
      this.readStore.collection('probe_notes'),
      {},
      { limit: page.limit, cursor: page.cursor },
    );
  }

  @Get('as-of')
  async asOf(@Query('asOf') raw: string) {
    const asOf = AsOfParam.parse(raw);
    const past = await this.projections.asOf(['probe-notes'], asOf);
    return (await past.collection('probe_notes').find({})).map((d) => d._id);
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('HTTP conventions shared by every context', () => {
  let app: NestExpressApplication;
  let registry: ProjectionRegistry;
  let store: EventStore;

  beforeAll(async () => {
    store = await createEmbeddedEventStore({ dataDir: 'memory', clock });
    const moduleRef = await Test.createTestingModule({
      imports: [
        {
          module: class Ports {},
          global: true,
          providers: [
            { provide: EVENT_STORE, useValue: store },
            { provide: READ_STORE, useValue: new InMemoryReadStore() },
            { provide: CHECKPOINT_STORE, useValue: new InMemoryCheckpointStore() },
            { provide: MESSAGE_BUS, useValue: new InProcessMessageBus() },
          ],
          exports: [EVENT_STORE, READ_STORE, CHECKPOINT_STORE, MESSAGE_BUS],
        },
        PlatformHttpModule,
        ApplicationServicesModule,
        ProbeModule,
      ],
    }).compile();
    registry = moduleRef.get(ProjectionRegistry);
    registry.register(probeNotes);
    app = moduleRef.createNestApplication<NestExpressApplication>({
      bodyParser: false,
      logger: false,
    });
    configureHttpApp(app, { title: 't', description: 'd', version: '0' });
    await app.init();
  }, 60_000); // starting PGlite's thread takes seconds on a busy machine

  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('rejects invalid bodies with 400 and one field error per problem', async () => {
    const res = await request(app.getHttpServer())
      .post('/probes')
      .send({ note: '  ', weight: 1.5, extra: true })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['body', 'body.note', 'body.weight']);
  });

  it('documents the zod body schema in OpenAPI', async () => {
    const doc = await request(app.getHttpServer()).get('/docs-json').expect(200);
    const body = doc.body.paths['/probes'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['note', 'weight']);
  });

  it('lets a command wait for its own write to reach the read model (read-your-writes)', async () => {
    const created = await request(app.getHttpServer())
      .post('/probes')
      .send({ note: 'first', weight: 1 })
      .expect(201);
    expect(created.headers.etag).toBe('"1"');
    const notes = await request(app.getHttpServer()).get('/probes/notes').expect(200);
    expect(notes.body.items.map((n: { _id: string }) => n._id)).toContain(created.body.id);
  });

  it('replays the first response for a repeated Idempotency-Key, and refuses it for another body', async () => {
    const first = await request(app.getHttpServer())
      .post('/probes')
      .set('Idempotency-Key', 'key-1')
      .send({ note: 'once', weight: 2 })
      .expect(201);
    const again = await request(app.getHttpServer())
      .post('/probes')
      .set('Idempotency-Key', 'key-1')
      .send({ weight: 2, note: 'once' })
      .expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.etag).toBe(first.headers.etag);
    const other = await request(app.getHttpServer())
      .post('/probes')
      .set('Idempotency-Key', 'key-1')
      .send({ note: 'different', weight: 2 })
      .expect(422);
    expect(other.body.type).toBe('urn:isms-ledger:problem:idempotency-key-reused');
  });

  it('maps If-Match: malformed → 400, stale → 409 with the current revision and ETag', async () => {
    await request(app.getHttpServer())
      .post('/probes/conditional')
      .set('If-Match', 'three')
      .expect(400);
    const stale = await request(app.getHttpServer())
      .post('/probes/conditional')
      .set('If-Match', '"1"')
      .expect(409);
    expect(stale.body.currentRevision).toBe(2);
    expect(stale.headers.etag).toBe('"2"');
    await request(app.getHttpServer())
      .post('/probes/conditional')
      .set('If-Match', '"2"')
      .expect(201);
  });

  it('maps a broken business rule to 422 naming the rule', async () => {
    const res = await request(app.getHttpServer()).post('/probes/rule').expect(422);
    expect(res.body.rule).toBe('risk-acceptance-needs-residual-assessment');
    expect(res.body.detail).toBe('Assess the residual risk first.');
    // A rule's details travel with the problem but never replace its standard members.
    expect(res.body.status).toBe(422);
    expect(res.body.riskId).toBe('risk-1');
  });

  it('never leaks internals in a 500', async () => {
    const res = await request(app.getHttpServer()).get('/probes/boom').expect(500);
    expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
    expect(res.body.correlationId).toBeDefined();
  });

  it('answers 503 with Retry-After when the event store cannot be reached, without its details', async () => {
    const res = await request(app.getHttpServer()).post('/probes/store-down').expect(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({ status: 503, title: 'Service unavailable' });
    expect(res.body.type).toContain('event-store-unavailable');
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it("answers 503 when the read models' store cannot be reached", async () => {
    const res = await request(app.getHttpServer()).get('/probes/read-store-down').expect(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({ status: 503, title: 'Service unavailable' });
    expect(res.body.type).toContain('store-unavailable');
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('answers 409 when a read model to rebuild is applied by another instance', async () => {
    const res = await request(app.getHttpServer()).post('/probes/rebuild-on-follower').expect(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 409, projection: 'risk-register' });
    expect(res.body.type).toContain('projection-led-elsewhere');
  });

  it('pages with cursors, without overlaps or gaps', async () => {
    for (let i = 0; i < 5; i++) {
      await request(app.getHttpServer())
        .post('/probes')
        .send({ note: `n${i}`, weight: 1 })
        .expect(201);
    }
    const all = await request(app.getHttpServer()).get('/probes/notes?limit=200').expect(200);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await request(app.getHttpServer())
        .get('/probes/notes')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...page.body.items.map((n: { _id: string }) => n._id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((n: { _id: string }) => n._id));
    await request(app.getHttpServer()).get('/probes/notes?cursor=garbage').expect(400);
    await request(app.getHttpServer()).get('/probes/notes?limit=0').expect(400);
  });

  it('rebuilds a read model as of an instant from history', async () => {
    clock.set('2026-04-01T00:00:00.000Z');
    const before = await store.headPosition();
    await request(app.getHttpServer())
      .post('/probes')
      .send({ note: 'later', weight: 1 })
      .expect(201);
    const past = await request(app.getHttpServer())
      .get('/probes/as-of?asOf=2026-03-15T00:00:00Z')
      .expect(200);
    const now = await request(app.getHttpServer())
      .get('/probes/as-of?asOf=2026-04-02T00:00:00Z')
      .expect(200);
    expect(now.body.length).toBe(past.body.length + 1);
    const byPosition = await request(app.getHttpServer())
      .get(`/probes/as-of?asOf=position:${before}`)
      .expect(200);
    expect(byPosition.body).toEqual(past.body);
  });

  it('reports read models in /health and their lag in /metrics', async () => {
    const health = await request(app.getHttpServer()).get('/health').expect(200);
    expect(health.body.components.projections.projections).toEqual([
      expect.objectContaining({ name: 'probe-notes', state: 'live', lag: 0 }),
    ]);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toContain('isms_projection_lag_events{projection="probe-notes"} 0');
  });
});
