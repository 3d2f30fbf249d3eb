import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Clock, NewEvent, ReadAllOptions, RecordedEvent } from '@isms/event-sourcing';
import { createPostgresEventStore } from '@isms/event-store';
import type { SqlEventStore } from '@isms/event-store';
import { PostgresEventMirror } from './event-mirror.js';

/**
 * The event mirror on a real PostgreSQL (DATABASE_URL, or the server of `bash tools/infra/up.sh`):
 * two source event stores (as two services would have) and the mirror, each in a schema of this
 * run, dropped at the end.
 */
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://isms:isms@127.0.0.1:5432/isms';
const run = `mirror_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const schemas = { governance: `${run}_gov`, risk: `${run}_risk`, mirror: `${run}_rep` };

/** A clock the test moves: recorded-at instants are known in advance. */
class SteppedClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  set(iso: string): void {
    this.at = Date.parse(iso);
  }
}

const event = (type: string, data: object): NewEvent => ({
  type,
  data,
  metadata: {
    actor: { userId: 'person-1', role: 'ciso' },
    correlationId: randomUUID(),
    occurredAt: '2026-01-01T00:00:00.000Z',
  },
});

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable (${(error as Error).message}): run bash tools/infra/up.sh or set DATABASE_URL`,
    );
  }
  try {
    return await client.query<T>(text, params);
  } finally {
    await client.end();
  }
}

/** Alters the mirror as someone with the database's owner rights could: trigger off, change, on. */
async function tamper(statement: string, params: unknown[]) {
  const table = `${schemas.mirror}.isms_mirror_events`;
  await sql(`ALTER TABLE ${table} DISABLE TRIGGER isms_mirror_events_append_only`);
  try {
    const result = await sql(statement.replace('$table', table), params);
    expect(result.rowCount).toBe(1);
  } finally {
    await sql(`ALTER TABLE ${table} ENABLE TRIGGER isms_mirror_events_append_only`);
  }
}

const withoutPosition = ({ globalPosition: _, ...rest }: RecordedEvent) => rest;

describe('the event mirror: a faithful replica of other contexts’ events, for asOf and verification', () => {
  const clock = new SteppedClock(Date.parse('2026-03-01T09:00:00.000Z'));
  let governance: SqlEventStore;
  let risk: SqlEventStore;
  let mirror: PostgresEventMirror;
  const scope = `isms-scope-${randomUUID()}`;
  const riskStream = `risk-${randomUUID()}`;

  beforeAll(async () => {
    governance = await createPostgresEventStore({
      connectionString: databaseUrl,
      schema: schemas.governance,
      clock,
    });
    risk = await createPostgresEventStore({
      connectionString: databaseUrl,
      schema: schemas.risk,
      clock,
    });
    mirror = await PostgresEventMirror.open({
      connectionString: databaseUrl,
      schema: schemas.mirror,
    });
  }, 30_000);

  afterAll(async () => {
    await mirror?.close();
    await governance?.close();
    await risk?.close();
    for (const schema of Object.values(schemas)) {
      await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  }, 30_000);

  /** Two services' events, with positions that overlap (each store starts at 1), into the mirror. */
  async function publishAndMirror(): Promise<RecordedEvent[]> {
    const scopeRef = { tenantId: 'tenant-a', streamId: scope, streamType: 'isms-scope' };
    const riskRef = { tenantId: 'tenant-a', streamId: riskStream, streamType: 'risk' };
    clock.set('2026-03-01T09:00:00.000Z');
    await governance.append({
      ...scopeRef,
      expectedRevision: 'no-stream',
      events: [event('governance.IsmsScopeDrafted', { name: 'France v1' })],
    });
    clock.set('2026-03-02T09:00:00.000Z');
    await risk.append({
      ...riskRef,
      expectedRevision: 'no-stream',
      events: [event('risk.RiskIdentified', { title: 'Ransomware', level: 'high' })],
    });
    clock.set('2026-03-03T09:00:00.000Z');
    await governance.append({
      ...scopeRef,
      expectedRevision: 1,
      events: [event('governance.IsmsScopeRevised', { name: 'France v2' })],
    });
    clock.set('2026-03-04T09:00:00.000Z');
    await risk.append({
      ...riskRef,
      expectedRevision: 1,
      events: [
        event('risk.RiskTreated', { level: 'medium' }),
        event('risk.RiskAccepted', { level: 'medium' }),
      ],
    });
    const published = [
      ...(await governance.readAll()).map((e) => ({ e, source: 'governance' })),
      ...(await risk.readAll()).map((e) => ({ e, source: 'risk' })),
    ].sort((a, b) => a.e.recordedAt.localeCompare(b.e.recordedAt));
    for (const { e, source } of published) expect(await mirror.record(e, source)).toBe(true);
    return published.map(({ e }) => e);
  }

  it('keeps every envelope verbatim, once, and reads it back like an event store (all, stream, as of an instant)', async () => {
    const published = await publishAndMirror();
    // A redelivery changes nothing.
    for (const e of published)
      expect(await mirror.record(e, e.streamType === 'risk' ? 'risk' : 'governance')).toBe(false);

    const all = await mirror.readAll();
    expect(all.map(withoutPosition)).toEqual(published.map(withoutPosition));
    expect(all.map((e) => e.globalPosition)).toEqual([1, 2, 3, 4, 5]);
    expect(await mirror.headPosition()).toBe(5);
    // Paged like projectAsOf pages.
    const first = await mirror.readAll({ limit: 2 });
    const rest = await mirror.readAll({ afterPosition: first[1]!.globalPosition, limit: 10 });
    expect([...first, ...rest].map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));

    const asOf = { recordedAt: '2026-03-03T12:00:00.000Z' };
    const then = await mirror.readAll({ asOf });
    expect(then.map((e) => `${e.streamType}@${e.streamRevision}`)).toEqual([
      'isms-scope@1',
      'risk@1',
      'isms-scope@2',
    ]);
    expect((await mirror.readAll({ asOf, streamTypes: ['risk'] })).map((e) => e.type)).toEqual([
      'risk.RiskIdentified',
    ]);
    // Filtered like the event store: event types, streams, data fields (as stored), tenant.
    const types = (options: ReadAllOptions) =>
      mirror.readAll(options).then((events) => events.map((e) => e.type));
    expect(
      await types({ eventTypes: ['risk.RiskAccepted', 'governance.IsmsScopeDrafted'] }),
    ).toEqual(['governance.IsmsScopeDrafted', 'risk.RiskAccepted']);
    expect(await types({ streamIds: [riskStream], eventTypes: ['risk.RiskTreated'] })).toEqual([
      'risk.RiskTreated',
    ]);
    expect(await types({ dataEquals: { level: 'medium' } })).toEqual([
      'risk.RiskTreated',
      'risk.RiskAccepted',
    ]);
    expect(await types({ tenantId: 'tenant-b' })).toEqual([]);
    expect(await types({ eventTypes: [] })).toEqual([]);
    expect(await types({ streamIds: [] })).toEqual([]);
    expect((await mirror.readStream(riskStream, { asOf })).map((e) => e.type)).toEqual([
      'risk.RiskIdentified',
    ]);
    expect((await mirror.readStream(riskStream)).map((e) => e.streamRevision)).toEqual([1, 2, 3]);
    expect(await mirror.streamRevision(riskStream)).toBe(3);
    await expect(mirror.append()).rejects.toThrow(/accepts no appends/);
  });

  it('verifies the source’s chain from the mirrored rows, and refuses to be altered through SQL', async () => {
    expect(await mirror.verifyStream(scope)).toEqual({
      streamId: scope,
      valid: true,
      eventsChecked: 2,
    });
    expect(await mirror.verifyStream(riskStream)).toMatchObject({ valid: true, eventsChecked: 3 });
    expect(await mirror.verifyAllStreams({ tenantId: 'tenant-a' })).toEqual({
      streamsChecked: 2,
      eventsChecked: 5,
      failures: [],
    });
    // The source verifies the same chain (same hashes).
    expect((await risk.verifyStream(riskStream)).valid).toBe(true);
    await expect(
      sql(
        `UPDATE ${schemas.mirror}.isms_mirror_events SET data = '{}'::jsonb WHERE stream_id = $1`,
        [scope],
      ),
    ).rejects.toThrow(/append-only/);
    await expect(sql(`DELETE FROM ${schemas.mirror}.isms_mirror_events`)).rejects.toThrow(
      /append-only/,
    );
  });

  it('a different event at a source position already mirrored is refused', async () => {
    const [first] = await governance.readAll({ limit: 1 });
    await expect(mirror.record({ ...first!, eventId: randomUUID() }, 'governance')).rejects.toThrow(
      /isms_mirror_events_source_unique|duplicate key/,
    );
  });

  it('an event the source published but the mirror never received is a gap in the chain', async () => {
    const ref = { tenantId: 'tenant-a', streamId: `risk-${randomUUID()}`, streamType: 'risk' };
    clock.set('2026-03-05T09:00:00.000Z');
    const { events } = await risk.append({
      ...ref,
      expectedRevision: 'no-stream',
      events: [
        event('risk.RiskIdentified', {}),
        event('risk.RiskTreated', {}),
        event('risk.RiskAccepted', {}),
      ],
    });
    await mirror.record(events[0]!, 'risk');
    await mirror.record(events[2]!, 'risk'); // revision 2 lost on the way
    expect(await mirror.verifyStream(ref.streamId)).toMatchObject({
      valid: false,
      firstInvalid: { eventId: events[2]!.eventId, streamRevision: 3, problem: 'revision-gap' },
    });
    // Once it arrives (a redelivery), the chain verifies.
    await mirror.record(events[1]!, 'risk');
    expect(await mirror.verifyStream(ref.streamId)).toMatchObject({
      valid: true,
      eventsChecked: 3,
    });
  });

  it('detects a mirrored row altered, removed in the middle, or removed at the end', async () => {
    const [treated, accepted] = (await mirror.readStream(riskStream)).slice(1);
    await tamper(
      `UPDATE $table SET metadata = jsonb_set(metadata, '{reason}', '"rewritten"') WHERE event_id = $1`,
      [accepted!.eventId],
    );
    expect(await mirror.verifyStream(riskStream)).toMatchObject({
      valid: false,
      firstInvalid: { eventId: accepted!.eventId, streamRevision: 3, problem: 'hash-mismatch' },
    });
    expect((await mirror.verifyStream(riskStream)).detail).toMatch(/risk service/);

    await tamper('DELETE FROM $table WHERE event_id = $1', [treated!.eventId]);
    expect(await mirror.verifyStream(riskStream)).toMatchObject({
      valid: false,
      firstInvalid: { streamRevision: 3, problem: 'revision-gap' },
    });

    const [, revised] = await mirror.readStream(scope);
    await tamper('DELETE FROM $table WHERE event_id = $1', [revised!.eventId]);
    expect(await mirror.verifyStream(scope)).toMatchObject({
      valid: false,
      eventsChecked: 1,
      firstInvalid: { streamRevision: 1, problem: 'stream-head-mismatch' },
    });
    const report = await mirror.verifyAllStreams({ tenantId: 'tenant-a' });
    expect(report.failures.map((f) => f.streamId).sort()).toEqual([scope, riskStream].sort());
    // Read together, each stream keeps its own rows and its own source in the wording.
    const [scopeChain, riskChain] = await mirror.verifyStreams([scope, riskStream]);
    expect(scopeChain).toEqual(await mirror.verifyStream(scope));
    expect(scopeChain!.detail).toMatch(/governance service/);
    expect(riskChain).toMatchObject({
      streamId: riskStream,
      firstInvalid: { streamRevision: 3, problem: 'revision-gap' },
    });
    expect(riskChain!.detail).toMatch(/risk service/);
  });
});
