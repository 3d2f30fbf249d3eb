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
