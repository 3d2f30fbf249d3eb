import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '@isms/event-sourcing';
import type { EventStoreTampering } from '@isms/event-sourcing/testing';
import { InvalidAppendError, ManualClock } from '@isms/event-sourcing';
import { SCHEMA_VERSION, migrate } from '../schema.js';
import type { SqlClient } from '../sql-client.js';
import type { SqlEventStore } from '../sql-event-store.js';

/**
 * Alters stored rows the way someone with database access could: with the append-only
 * trigger switched off for the length of one transaction.
 */
export function sqlTampering(client: SqlClient): EventStoreTampering {
  const bypass = async (sql: string, params: unknown[]) => {
    await client.transaction(async (tx) => {
      await tx.exec('ALTER TABLE isms_events DISABLE TRIGGER isms_events_append_only');
      const rows = await tx.query(`${sql} RETURNING event_id`, params);
      if (rows.length !== 1) throw new Error(`Tampering touched ${rows.length} rows, expected 1`);
      await tx.exec('ALTER TABLE isms_events ENABLE TRIGGER isms_events_append_only');
    });
  };
  return {
    replaceData: (eventId, data) =>
      bypass('UPDATE isms_events SET data = $1::jsonb WHERE event_id = $2', [
        JSON.stringify(data),
        eventId,
      ]),
    replaceMetadata: (eventId, metadata) =>
      bypass('UPDATE isms_events SET metadata = $1::jsonb WHERE event_id = $2', [
        JSON.stringify(metadata),
        eventId,
      ]),
    deleteEvent: (eventId) => bypass('DELETE FROM isms_events WHERE event_id = $1', [eventId]),
  };
}

export interface SqlStoreFixture {
  readonly store: SqlEventStore;
  readonly client: SqlClient;
  cleanup(): Promise<void>;
}

/** What the SQL adapters promise beyond the port; run against both engines. */
export function sqlEventStoreSpecifics(
  name: string,
  createFixture: () => Promise<SqlStoreFixture>,
): void {
  describe(`SqlEventStore on ${name}: beyond the port`, () => {
    let fixture: SqlStoreFixture;
    const clock = new ManualClock('2026-04-01T00:00:00.000Z');
    const metadata: EventMetadata = {
      actor: { userId: 'user-auditor' },
      correlationId: 'corr-specifics',
      occurredAt: clock.now().toISOString(),
    };
    const event = (type: string, extra: Partial<NewEvent> = {}): NewEvent => ({
      type,
      data: { at: type },
      metadata,
      ...extra,
    });

    beforeAll(async () => {
      fixture = await createFixture();
    }, 120_000);
    afterAll(async () => {
      await fixture?.cleanup();
    }, 60_000);

    it('refuses UPDATE, DELETE and TRUNCATE of recorded events', async () => {
      const streamId = `risk-${randomUUID()}`;
      const { events } = await fixture.store.append({
        tenantId: 't-specifics',
        streamId,
        streamType: 'risk',
        expectedRevision: 'no-stream',
        events: [event('RiskIdentified')],
      });
      const eventId = events[0]!.eventId;
      for (const sql of [
        `UPDATE isms_events SET data = '{}'::jsonb WHERE event_id = '${eventId}'`,
        `DELETE FROM isms_events WHERE event_id = '${eventId}'`,
        'TRUNCATE isms_events',
      ]) {
        await expect(fixture.client.exec(sql)).rejects.toMatchObject({ code: '42501' });
      }
      expect(await fixture.store.readStream(streamId)).toHaveLength(1);
    });

    it('verifies every stream of a tenant and lists the broken ones', async () => {
      const tenantId = `t-${randomUUID()}`;
      const streamIds = [0, 1, 2].map((i) => `control-${i}-${randomUUID()}`);
      const appended = [];
      for (const streamId of streamIds) {
        appended.push(
          await fixture.store.append({
            tenantId,
            streamId,
            streamType: 'control',
            expectedRevision: 'no-stream',
            events: [event('ControlImplemented'), event('ControlTested')],
          }),
        );
      }
      expect(await fixture.store.verifyAllStreams({ tenantId })).toEqual({
        streamsChecked: 3,
        eventsChecked: 6,
        failures: [],
      });
      await sqlTampering(fixture.client).replaceData(appended[1]!.events[1]!.eventId, {
        at: 'forged',
      });
      const result = await fixture.store.verifyAllStreams({ tenantId });
      expect(result.streamsChecked).toBe(3);
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]).toMatchObject({
        streamId: streamIds[1],
        firstInvalid: { eventId: appended[1]!.events[1]!.eventId, problem: 'hash-mismatch' },
      });
    });

    it('stores a caller-chosen event id in lower case, so its hash still verifies', async () => {
      const streamId = `risk-${randomUUID()}`;
      const chosen = randomUUID().toUpperCase();
      const { events } = await fixture.store.append({
        tenantId: 't-specifics',
        streamId,
        streamType: 'risk',
        expectedRevision: 'no-stream',
        events: [event('RiskIdentified', { eventId: chosen })],
      });
      expect(events[0]!.eventId).toBe(chosen.toLowerCase());
      expect((await fixture.store.readStream(streamId))[0]!.eventId).toBe(chosen.toLowerCase());
      expect((await fixture.store.verifyStream(streamId)).valid).toBe(true);
    });

    it('refuses ids and types with control characters (the read path relies on it)', async () => {
      for (const request of [
        {
          tenantId: 't\u001fx',
          streamId: `risk-${randomUUID()}`,
          events: [event('RiskIdentified')],
        },
        { tenantId: 't', streamId: `risk-\n${randomUUID()}`, events: [event('RiskIdentified')] },
        {
          tenantId: 't',
          streamId: `risk-${randomUUID()}`,
          events: [event('Risk\u0000Identified')],
        },
      ]) {
        await expect(
          fixture.store.append({ ...request, streamType: 'risk', expectedRevision: 'any' }),
        ).rejects.toBeInstanceOf(InvalidAppendError);
      }
    });

    it('reads data and metadata holding the field separator (U+001F) back as written', async () => {
      const streamId = `risk-${randomUUID()}`;
      const data = { title: 'a\u001fb', nested: { list: ['\u001f', 'x\u001f\u001fy'] } };
      const written = await fixture.store.append({
        tenantId: 't-separator',
        streamId,
        streamType: 'risk',
        expectedRevision: 'no-stream',
        events: [event('RiskIdentified', { data, metadata: { ...metadata, reason: 'why\u001f' } })],
      });
      const [read] = await fixture.store.readStream(streamId);
      expect(read!.data).toEqual(data);
      expect(read!.metadata.reason).toBe('why\u001f');
      const [fromLog] = await fixture.store.readAll({
        afterPosition: written.lastGlobalPosition - 1,
        tenantId: 't-separator',
      });
      expect(fromLog).toEqual(read);
      expect((await fixture.store.verifyStream(streamId)).valid).toBe(true);
    });

    it('queries the next batch of a full readAll before it is asked for, and uses it only while full', async () => {
      const tenantId = `t-ahead-${randomUUID()}`;
      const append = async (n: number) =>
        (
          await fixture.store.append({
            tenantId,
            streamId: `risk-${randomUUID()}`,
            streamType: 'risk',
            expectedRevision: 'no-stream',
            events: Array.from({ length: n }, () => event('RiskIdentified')),
          })
        ).events;
      const written = [...(await append(3)), ...(await append(2))];
      const client = fixture.client;
      const query = client.query;
      const eventQueries: string[] = [];
      /** The event query (counted from 1) that fails, as if the database went away for it. */
      let failing = 0;
      /** The latest event query, to wait for a read ahead to be done. */
      let latest: Promise<unknown> = Promise.resolve();
      client.query = ((sql: string, params?: readonly unknown[]) => {
        if (!sql.includes('concat_ws')) return query.call(client, sql, params);
        eventQueries.push(sql);
        const result =
          eventQueries.length === failing
            ? Promise.reject(new Error('the database went away for one query'))
            : query.call(client, sql, params);
        latest = result.catch(() => undefined);
        return result;
      }) as typeof client.query;
      const positions = (events: readonly { globalPosition: number }[]) =>
        events.map((e) => e.globalPosition);
      const at = (i: number) => written[i]!.globalPosition;
      try {
        const first = await fixture.store.readAll({ tenantId, limit: 2 });
        expect(first).toEqual(written.slice(0, 2));
        expect(eventQueries).toHaveLength(2); // this batch, and the next one ahead of the ask

        // The next batch is the one read ahead: no query of its own, and what SQL gives.
        const second = await fixture.store.readAll({ tenantId, afterPosition: at(1), limit: 2 });
        expect(second).toEqual(written.slice(2, 4));
        expect(eventQueries).toHaveLength(3); // only the read ahead of the third batch

        // The third batch was read ahead short (one event). An event appended since must be in
        // it: a short batch is read again when asked for.
        await latest;
        const later = await append(1);
        const third = await fixture.store.readAll({ tenantId, afterPosition: at(3), limit: 2 });
        expect(positions(third)).toEqual([at(4), later[0]!.globalPosition]);
        expect(eventQueries).toHaveLength(5); // the short batch was not used: queried again, plus the next ahead

        // Another filter, or a view of the past, does not take a batch read for other readers.
        const other = await fixture.store.readAll({ tenantId, limit: 2, streamTypes: ['risk'] });
        expect(other).toEqual(written.slice(0, 2));
        const past = await fixture.store.readAll({
          tenantId,
          afterPosition: at(1),
          limit: 2,
          asOf: { globalPosition: at(2) },
        });
        expect(positions(past)).toEqual([at(2)]);

        // A read ahead that failed is made again when asked for: the reader gets the events.
        eventQueries.length = 0;
        failing = 2; // the read's own query is the first, the read ahead the second
        const filter = { tenantId, limit: 2, eventTypes: ['RiskIdentified'] };
        await fixture.store.readAll({ ...filter, afterPosition: at(0) });
        await latest;
        const retried = await fixture.store.readAll({ ...filter, afterPosition: at(2) });
        expect(positions(retried)).toEqual([at(3), at(4)]);
        expect(eventQueries).toHaveLength(4); // read, failed ahead, read again, next ahead
      } finally {
        client.query = query;
      }
    });

    it('applies each schema migration once, however often the store starts', async () => {
      expect(await migrate(fixture.client)).toBe(SCHEMA_VERSION);
      expect(await migrate(fixture.client)).toBe(SCHEMA_VERSION);
      const rows = await fixture.client.query<{ version: number }>(
        'SELECT version FROM isms_schema_version ORDER BY version',
      );
      expect(rows.map((r) => Number(r.version))).toEqual(
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
    });
  });
}
