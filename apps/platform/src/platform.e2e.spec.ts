import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EventStore } from '@isms/event-sourcing';
import { EVENT_STORE } from '@isms/platform-nest';
import { createPlatformApp } from './app.js';
import { loadPlatformConfig } from './config.js';

describe('the all-in-one platform on embedded adapters', () => {
  let dataDir: string;
  let app: NestExpressApplication;

  const boot = async () => {
    app = await createPlatformApp(loadPlatformConfig({ ISMS_DATA_DIR: dataDir, PORT: '0' }));
    await app.init();
  };

  // Booting every context on PGlite takes seconds, more on a loaded 2-core machine.
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'isms-platform-'));
    await boot();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports its health with the event store state', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body.status).toBe('up');
    expect(res.body.components.eventStore).toMatchObject({ status: 'up', adapter: 'pglite' });
    expect(typeof res.body.components.eventStore.headPosition).toBe('number');
    expect(res.body.components.messageBus.status).toBe('up');
    expect(res.body.components.readStore.status).toBe('up');
  });

  it('serves the OpenAPI description and Swagger UI', async () => {
    const json = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(json.body.info.title).toBe('ISMS Ledger');
    expect(Object.keys(json.body.paths)).toContain('/health');
    // A rebuild answers 200 when done, 202 while it replays; both are described.
    const rebuild = json.body.paths['/api/reporting/projections/{name}/rebuild'].post;
    expect(Object.keys(rebuild.responses)).toEqual(
      expect.arrayContaining(['200', '202', '400', '404', '503']),
    );
    expect(rebuild.parameters.map((p: { name: string }) => p.name)).toContain('waitSeconds');
    const ui = await request(app.getHttpServer()).get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('exposes Prometheus metrics, including request durations by route', async () => {
    await request(app.getHttpServer()).get('/health');
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('isms_http_request_duration_seconds_bucket');
    expect(res.text).toMatch(
      /isms_http_requests_total\{method="GET",route="\/health",status="200"\}/,
    );
    expect(res.text).toContain('isms_event_store_head_position');
  });

  it('carries the caller’s correlation id, or makes one', async () => {
    const given = await request(app.getHttpServer())
      .get('/health')
      .set('x-correlation-id', 'audit-2026-stage2')
      .expect(200);
    expect(given.headers['x-correlation-id']).toBe('audit-2026-stage2');
    const made = await request(app.getHttpServer()).get('/health').expect(200);
    expect(made.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with problem+json 404', async () => {
    const res = await request(app.getHttpServer()).get('/no-such-thing').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, instance: '/no-such-thing' });
    expect(res.body.correlationId).toBeDefined();
  });

  it('answers a malformed JSON body with a 400 problem naming the body, not a 500', async () => {
    const res = await request(app.getHttpServer())
      .post('/health')
      .set('content-type', 'application/json')
      .send('{"scope": ')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors[0].field).toBe('body');
  });

  it('keeps its data across a restart', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const appended = await store.append({
      tenantId: 'tenant-restart',
      streamId: 'probe-restart',
      streamType: 'probe',
      expectedRevision: 'no-stream',
      events: [
        {
          type: 'ProbeRecorded',
          data: { note: 'written before the restart' },
          metadata: {
            actor: { userId: 'test' },
            correlationId: 'restart',
            occurredAt: new Date().toISOString(),
          },
        },
      ],
    });
    await app.close();
    await boot();
    const reopened = app.get<EventStore>(EVENT_STORE);
    expect(await reopened.headPosition()).toBe(appended.lastGlobalPosition);
    const [event] = await reopened.readStream('probe-restart');
    expect(event?.data).toEqual({ note: 'written before the restart' });
    expect((await reopened.verifyStream('probe-restart')).valid).toBe(true);
  }, 60_000);
});
