import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type {
  AsOf,
  Clock,
  EventStore,
  NewEvent,
  Projection,
  ReadAllOptions,
  RecordedEvent,
} from '@isms/event-sourcing';
import { createPostgresEventStore } from '@isms/event-store';
import type { SqlEventStore } from '@isms/event-store';
import { projectMergedAsOf } from '@isms/platform-nest';
import type { ForeignEventHistory } from '@isms/platform-nest';
import { PostgresEventMirror } from './event-mirror.js';

/**
 * `?asOf=` in a service whose read models combine its own events with other contexts' (e.g. the
 * controls service's risk links): its own event store and its event mirror in one schema, as the
 * service has them, on a real PostgreSQL (DATABASE_URL, or `bash tools/infra/up.sh`), and two
 * source stores whose events are mirrored; every schema of this run is dropped at the end.
 */
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://isms:isms@127.0.0.1:5432/isms';
const run = `merged_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const schemas = { controls: `${run}_ctl`, risk: `${run}_risk`, governance: `${run}_gov` };

class SteppedClock implements Clock {
  private at = 0;
  now(): Date {
    return new Date(this.at);
  }
  set(iso: string): void {
    this.at = Date.parse(iso);
  }
}

const event = (type: string): NewEvent => ({
  type,
  data: { type },
  metadata: {
    actor: { userId: 'person-1', role: 'ciso' },
    correlationId: randomUUID(),
    occurredAt: '2026-01-01T00:00:00.000Z',
  },
});

async function dropSchema(schema: string) {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

const OWN = 'soa';
const isOwn = (streamType: string) => streamType === OWN;

describe('asOf from a service’s own events merged with the foreign ones its mirror kept', () => {
  const clock = new SteppedClock();
  let controls: SqlEventStore;
  let risk: SqlEventStore;
  let governance: SqlEventStore;
  let mirror: PostgresEventMirror;

  beforeAll(async () => {
    const open = (schema: string) =>
      createPostgresEventStore({ connectionString: databaseUrl, schema, clock });
    [controls, risk, governance] = await Promise.all([
      open(schemas.controls),
      open(schemas.risk),
      open(schemas.governance),
    ]);
    // The mirror lives beside the service's own events, in the same schema.
    mirror = await PostgresEventMirror.open({
      connectionString: databaseUrl,
      schema: schemas.controls,
    });

    const append = async (
      store: SqlEventStore,
      at: string,
      streamType: string,
      streamId: string,
      type: string,
    ) => {
      clock.set(at);
      const result = await store.append({
        tenantId: 'tenant-a',
        streamId,
        streamType,
        expectedRevision: 'any',
        events: [event(type)],
      });
      return result.events;
    };
    const fromRisk: RecordedEvent[] = [];
    const fromGovernance: RecordedEvent[] = [];
    await append(controls, '2026-03-01T09:00:00.000Z', OWN, 'soa-1', 'Own1');
    fromRisk.push(...(await append(risk, '2026-03-01T09:00:01.000Z', 'risk', 'risk-1', 'Risk1')));
    await append(controls, '2026-03-01T09:00:02.000Z', OWN, 'soa-1', 'Own2');
    // Same instant as Own2: the source name decides (controls < risk).
    fromRisk.push(...(await append(risk, '2026-03-01T09:00:02.000Z', 'risk', 'risk-1', 'Risk2')));
    // The risk service's clock went back: its next event is still after Risk2 (revision order).
    fromRisk.push(...(await append(risk, '2026-03-01T09:00:01.500Z', 'risk', 'risk-1', 'Risk3')));
    fromGovernance.push(
      ...(await append(governance, '2026-03-01T09:00:03.000Z', 'isms-scope', 'scope-1', 'Gov1')),
    );
    await append(controls, '2026-03-01T09:00:04.000Z', OWN, 'soa-1', 'Own3');
    // Received in another order than recorded (governance's topic first, risk's redelivered).
    for (const e of fromGovernance) await mirror.record(e, 'governance');
    for (const e of [...fromRisk].reverse()) await mirror.record(e, 'risk');
    for (const e of fromRisk) await mirror.record(e, 'risk');
  }, 30_000);

  afterAll(async () => {
    await mirror?.close();
    await Promise.all([controls?.close(), risk?.close(), governance?.close()]);
    for (const schema of Object.values(schemas)) await dropSchema(schema);
  }, 30_000);

  /** Replays as of `asOf` into a probe read model of `streamTypes`; the events it got, in order. */
  async function replay(asOf: AsOf, streamTypes: readonly string[] = [OWN, 'risk', 'isms-scope']) {
    const applied: string[] = [];
    const probe = (): Projection => ({
      name: 'probe',
      handles: { streamTypes },
      apply: async (e) => {
        applied.push(`${e.type}@${e.globalPosition}`);
      },
    });
    await projectMergedAsOf([probe], controls, mirror.foreignHistory('controls'), asOf, isOwn, {
      batchSize: 2,
    });
    return applied;
  }

  const everything = ['Own1@1', 'Risk1@1', 'Own2@2', 'Risk2@2', 'Risk3@3', 'Gov1@1', 'Own3@3'];

  it('merges by recorded-at, then source, then position; each source keeps its own order', async () => {
    // Pages of 2 events per source; mirrored events carry their source positions.
    expect(await replay({ recordedAt: '2026-03-01T10:00:00.000Z' })).toEqual(everything);
    expect(await mirror.sources()).toEqual(['governance', 'risk']);
  });

  it('an instant selects own and foreign events recorded at or before it', async () => {
    expect(await replay({ recordedAt: '2026-03-01T09:00:01.000Z' })).toEqual(['Own1@1', 'Risk1@1']);
    expect(await replay({ recordedAt: '2026-03-01T09:00:03.000Z' })).toEqual(
      everything.slice(0, 6),
    );
    expect(await replay({ recordedAt: '2026-03-01T08:00:00.000Z' })).toEqual([]);
  });

  it('a position is one of the own store: foreign events up to the instant it was recorded', async () => {
    // Own2 (position 2) was recorded at 09:00:02: Risk2 (same instant) and Risk3 come along.
    expect(await replay({ globalPosition: 2 })).toEqual(everything.slice(0, 5));
    expect(await replay({ globalPosition: 0 })).toEqual([]);
    // Beyond the head: as of the head's instant, i.e. everything kept so far.
    expect(await replay({ globalPosition: 99 })).toEqual(everything);
  });

  it('asks both sources only for the handled event types of the tenant (the stores filter)', async () => {
    // Later events (after every other case's cut-off): tenant-b's, and a type nobody handles.
    const later = async (
      store: SqlEventStore,
      at: string,
      tenantId: string,
      streamType: string,
      streamId: string,
      type: string,
    ) => {
      clock.set(at);
      return (
        await store.append({
          tenantId,
          streamId,
          streamType,
          expectedRevision: 'any',
          events: [event(type)],
        })
      ).events;
    };
    await later(controls, '2026-03-02T09:00:00.000Z', 'tenant-a', OWN, 'soa-1', 'OwnKept');
    await later(controls, '2026-03-02T09:00:01.000Z', 'tenant-b', OWN, 'soa-b', 'OwnKept');
    await later(controls, '2026-03-02T09:00:02.000Z', 'tenant-a', OWN, 'soa-1', 'OwnSkipped');
    const foreign = [
      ...(await later(risk, '2026-03-02T09:00:03.000Z', 'tenant-a', 'risk', 'risk-1', 'RiskKept')),
      ...(await later(risk, '2026-03-02T09:00:04.000Z', 'tenant-a', 'risk', 'risk-1', 'Skipped')),
      ...(await later(risk, '2026-03-02T09:00:05.000Z', 'tenant-b', 'risk', 'risk-b', 'RiskKept')),
    ];
    for (const e of foreign) await mirror.record(e, 'risk');

    const returned: string[] = [];
    const own: EventStore = new Proxy(controls, {
      get(target, property) {
        if (property === 'readAll') {
          return async (options: ReadAllOptions) => {
            const events = await target.readAll(options);
            returned.push(...events.map((e) => `own:${e.type}`));
            return events;
          };
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const history = mirror.foreignHistory('controls');
    const kept: ForeignEventHistory = {
      ...history,
      readSource: async (source, options) => {
        const events = await history.readSource(source, options);
        returned.push(...events.map((e) => `${source}:${e.type}`));
        return events;
      },
    };
    const applied: string[] = [];
    const probe = (): Projection => ({
      name: 'probe',
      handles: { streamTypes: [OWN, 'risk'], eventTypes: ['OwnKept', 'RiskKept'] },
      apply: async (e) => {
        applied.push(`${e.type}@${e.globalPosition}`);
      },
    });
    const asOf = { recordedAt: '2026-03-02T10:00:00.000Z' };
    await projectMergedAsOf([probe], own, kept, asOf, isOwn, {
      tenantId: 'tenant-a',
      batchSize: 2,
    });
    expect(applied).toEqual(['OwnKept@4', 'RiskKept@4']);
    expect(returned.sort()).toEqual(['own:OwnKept', 'risk:RiskKept']);
  });

  it('reads only the foreign stream types the read models handle', async () => {
    expect(await replay({ recordedAt: '2026-03-01T10:00:00.000Z' }, [OWN, 'isms-scope'])).toEqual([
      'Own1@1',
      'Own2@2',
      'Gov1@1',
      'Own3@3',
    ]);
    expect(await replay({ recordedAt: '2026-03-01T10:00:00.000Z' }, [OWN])).toEqual([
      'Own1@1',
      'Own2@2',
      'Own3@3',
    ]);
  });
});
