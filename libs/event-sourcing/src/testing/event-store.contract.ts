import { randomUUID } from 'node:crypto';
import type { CheckpointStore } from '../checkpoint.js';
import type { Clock } from '../clock.js';
import { ManualClock } from '../clock.js';
import type { EventMetadata, NewEvent, RecordedEvent } from '../envelope.js';
import { ConcurrencyConflictError, InvalidAppendError, StreamOwnershipError } from '../errors.js';
import type { EventStore, ExpectedRevision } from '../event-store.js';
import { UpcasterRegistry } from '../upcasting.js';

/**
 * Raw access to the stored events, bypassing the store — what a database administrator (or an
 * attacker with database access) could do. Each adapter implements it with its own means
 * (SQL for the SQL adapters), so the suite can prove that the verifier notices.
 */
export interface EventStoreTampering {
  /** Overwrites the stored data of an event, leaving its hash as it was. */
  replaceData(eventId: string, data: unknown): Promise<void>;
  /** Overwrites the stored metadata of an event (e.g. who decided), leaving its hash. */
  replaceMetadata(eventId: string, metadata: unknown): Promise<void>;
  /** Removes the event's row. */
  deleteEvent(eventId: string): Promise<void>;
}

export interface EventStoreFixture {
  readonly store: EventStore;
  /** The adapter's CheckpointStore, kept next to the events. */
  readonly checkpoints: CheckpointStore;
  readonly tamper: EventStoreTampering;
  /** Closes the store and removes what the fixture created (database schema, directory). */
  cleanup(): Promise<void>;
}

export interface EventStoreFixtureOptions {
  /** Build the store with this clock: the suite moves time by hand. */
  readonly clock: Clock;
  /** Build the store with these upcasters (read side). */
  readonly upcasters: UpcasterRegistry;
}

export interface EventStoreContractSettings {
  /** What health().adapter must say, e.g. 'postgresql' or 'pglite'. */
  readonly adapter: string;
  /** Writers racing in the concurrency tests; default 20. */
  readonly concurrentWriters?: number;
}

const PROBE_TYPE = 'ContractProbeRecorded';

/**
 * The behaviour every EventStore adapter must show (ARCHITECTURE §3, §4). One fixture — an
 * empty, isolated store — serves the whole suite; each test works in its own tenant and
 * streams, so the suite also passes against a database that outlives the run.
 */
export function eventStoreContract(
  name: string,
  createFixture: (options: EventStoreFixtureOptions) => Promise<EventStoreFixture>,
  settings: EventStoreContractSettings,
): void {
  const writers = settings.concurrentWriters ?? 20;

  describe(`EventStore contract: ${name}`, () => {
    const clock = new ManualClock('2026-03-01T08:00:00.000Z');
    const upcasters = new UpcasterRegistry([
      {
        eventType: PROBE_TYPE,
        fromVersion: 1,
        upcast: (data) => ({ title: (data as { name: string }).name, upcastFrom: 1 }),
      },
    ]);
    let fixture: EventStoreFixture;
    let store: EventStore;
    const run = randomUUID().slice(0, 8);
    let counter = 0;
    const unique = (prefix: string) => `${prefix}-${run}-${++counter}`;

    const metadata = (overrides: Partial<EventMetadata> = {}): EventMetadata => ({
      actor: { userId: 'user-ciso', role: 'ciso', onBehalfOfOrgUnitId: 'ou-group' },
      correlationId: `corr-${run}`,
      occurredAt: clock.now().toISOString(),
      ...overrides,
    });
    const event = (type: string, data: unknown = {}, extra: Partial<NewEvent> = {}): NewEvent => ({
      type,
      data,
      metadata: metadata(),
      ...extra,
    });
    const appendTo = (
      stream: { tenantId: string; streamId: string; streamType?: string },
      expectedRevision: ExpectedRevision,
      events: NewEvent[],
    ) =>
      store.append({
        tenantId: stream.tenantId,
        streamId: stream.streamId,
        streamType: stream.streamType ?? 'risk',
        expectedRevision,
        events,
      });
    const newStream = (streamType = 'risk') => ({
      tenantId: unique('tenant'),
      streamId: unique(streamType),
      streamType,
    });
    async function rejection(promise: Promise<unknown>): Promise<unknown> {
      try {
        await promise;
      } catch (error) {
        return error;
      }
      throw new Error('Expected a rejection, but the call succeeded');
    }
    async function readAllOfTenant(tenantId: string): Promise<RecordedEvent[]> {
      const events: RecordedEvent[] = [];
      for (let batches = 0; batches < 1000; batches++) {
        const batch = await store.readAll({
          tenantId,
          afterPosition: events.at(-1)?.globalPosition ?? 0,
          limit: 1000,
        });
        if (batch.length === 0) return events;
        events.push(...batch);
      }
      throw new Error('readAll did not come to an end');
    }

    beforeAll(async () => {
      fixture = await createFixture({ clock, upcasters });
      store = fixture.store;
    }, 120_000);

    afterAll(async () => {
      await fixture?.cleanup();
    }, 60_000);

    describe('appending', () => {
      it('appends to a new stream: revisions from 1, positions increasing, readable back as recorded', async () => {
        const stream = newStream();
        const headBefore = await store.headPosition();
        const result = await appendTo(stream, 'no-stream', [
          event('RiskIdentified', { title: 'Ransomware on file servers' }),
          event('RiskAssessed', { likelihood: 4, impact: 5 }),
        ]);
        expect(result.nextExpectedRevision).toBe(2);
        expect(result.events.map((e) => e.streamRevision)).toEqual([1, 2]);
        expect(result.events[0]!.globalPosition).toBeGreaterThan(headBefore);
        expect(result.events[1]!.globalPosition).toBeGreaterThan(result.events[0]!.globalPosition);
        expect(result.lastGlobalPosition).toBe(result.events[1]!.globalPosition);
        expect(result.events[0]).toMatchObject({
          tenantId: stream.tenantId,
          streamId: stream.streamId,
          streamType: 'risk',
          type: 'RiskIdentified',
          schemaVersion: 1,
          data: { title: 'Ransomware on file servers' },
          metadata: metadata(),
          recordedAt: clock.now().toISOString(),
          previousHash: null,
        });
        expect(result.events[1]!.previousHash).toBe(result.events[0]!.hash);
        expect(await store.readStream(stream.streamId)).toEqual(result.events);
        expect(await store.streamRevision(stream.streamId)).toBe(2);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(result.lastGlobalPosition);
      });

      it('gives every event a unique UUID, or keeps the one the caller chose', async () => {
        const stream = newStream();
        const chosen = randomUUID();
        const result = await appendTo(stream, 'no-stream', [
          event('RiskIdentified'),
          event('RiskIdentified', {}, { eventId: chosen }),
          event('RiskIdentified'),
        ]);
        const ids = result.events.map((e) => e.eventId);
        expect(ids[1]).toBe(chosen);
        expect(new Set(ids).size).toBe(3);
        for (const id of ids)
          expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      });

      it('stores data faithfully: nesting, unicode, numbers, booleans, nulls, dates as ISO strings', async () => {
        const stream = newStream();
        const data = {
          z: 1,
          a: { nested: [1, 2.5, -3, 1e21, 0.1], 'key with spaces': true, empty: {} },
          text: 'Zugriffskontrolle — ISO/IEC 27001 §A.5.15 ✓ 日本語 "quoted" \\ back',
          nothing: null,
          flags: [false, true],
          decidedOn: new Date('2026-02-03T04:05:06.789Z'),
          dropped: undefined,
        };
        const result = await appendTo(stream, 'no-stream', [event('ControlAssessed', data)]);
        const expected = JSON.parse(JSON.stringify(data)) as unknown;
        expect(result.events[0]!.data).toEqual(expected);
        const [read] = await store.readStream(stream.streamId);
        expect(read!.data).toEqual(expected);
        expect(read!.hash).toBe(result.events[0]!.hash);
        expect((await store.verifyStream(stream.streamId)).valid).toBe(true);
      });

      it('reads an unknown stream as empty, at revision 0, trivially valid', async () => {
        const streamId = unique('nothing');
        expect(await store.readStream(streamId)).toEqual([]);
        expect(await store.streamRevision(streamId)).toBe(0);
        expect(await store.verifyStream(streamId)).toMatchObject({ valid: true, eventsChecked: 0 });
      });
    });

    describe('expected revision', () => {
      it("'no-stream' (and 0) accept a new stream and refuse an existing one", async () => {
        const stream = newStream();
        await appendTo(stream, 'no-stream', [event('RiskIdentified')]);
        const conflict = await rejection(appendTo(stream, 'no-stream', [event('RiskIdentified')]));
        expect(conflict).toBeInstanceOf(ConcurrencyConflictError);
        expect((conflict as ConcurrencyConflictError).currentRevision).toBe(1);

        const other = newStream();
        await expect(appendTo(other, 0, [event('RiskIdentified')])).resolves.toMatchObject({
          nextExpectedRevision: 1,
        });
        await expect(appendTo(other, 0, [event('RiskIdentified')])).rejects.toBeInstanceOf(
          ConcurrencyConflictError,
        );
      });

      it('an exact revision is accepted only when the stream is at it; the conflict carries the current revision', async () => {
        const stream = newStream();
        await appendTo(stream, 'no-stream', [event('RiskIdentified'), event('RiskAssessed')]);
        await expect(appendTo(stream, 2, [event('RiskTreated')])).resolves.toMatchObject({
          nextExpectedRevision: 3,
        });
        for (const stale of [1, 2, 5]) {
          const conflict = await rejection(appendTo(stream, stale, [event('RiskTreated')]));
          expect(conflict).toBeInstanceOf(ConcurrencyConflictError);
          expect(conflict).toMatchObject({
            streamId: stream.streamId,
            expectedRevision: stale,
            currentRevision: 3,
          });
        }
        expect(await store.streamRevision(stream.streamId)).toBe(3);
        expect(await store.readStream(stream.streamId)).toHaveLength(3);
      });

      it("'stream-exists' needs at least one event; 'any' accepts both", async () => {
        const stream = newStream();
        const conflict = await rejection(
          appendTo(stream, 'stream-exists', [event('RiskAssessed')]),
        );
        expect(conflict).toBeInstanceOf(ConcurrencyConflictError);
        expect((conflict as ConcurrencyConflictError).currentRevision).toBe(0);
        await expect(appendTo(stream, 'any', [event('RiskIdentified')])).resolves.toMatchObject({
          nextExpectedRevision: 1,
        });
        await expect(
          appendTo(stream, 'stream-exists', [event('RiskAssessed')]),
        ).resolves.toMatchObject({ nextExpectedRevision: 2 });
        await expect(appendTo(stream, 'any', [event('RiskAssessed')])).resolves.toMatchObject({
          nextExpectedRevision: 3,
        });
      });
    });

    describe('rejected appends', () => {
      it('refuses an empty append and events without actor, correlation id or occurred-at', async () => {
        const stream = newStream();
        await expect(appendTo(stream, 'any', [])).rejects.toBeInstanceOf(InvalidAppendError);
        const withMetadata = (m: unknown): NewEvent =>
          ({ type: 'RiskAccepted', data: {}, metadata: m }) as NewEvent;
        const { actor: _actor, ...noActor } = metadata();
        const { correlationId: _c, ...noCorrelation } = metadata();
        const { occurredAt: _o, ...noOccurredAt } = metadata();
        for (const bad of [
          undefined,
          noActor,
          { ...metadata(), actor: { role: 'ciso' } },
          noCorrelation,
          noOccurredAt,
          { ...metadata(), occurredAt: 'last tuesday' },
        ]) {
          const error = await rejection(
            appendTo(stream, 'any', [event('RiskIdentified'), withMetadata(bad)]),
          );
          expect(error).toBeInstanceOf(InvalidAppendError);
        }
        await expect(appendTo(stream, -1, [event('RiskIdentified')])).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
        expect(await store.streamRevision(stream.streamId)).toBe(0);
      });

      it('a stream never changes tenant or type', async () => {
        const stream = newStream();
        await appendTo(stream, 'no-stream', [event('RiskIdentified')]);
        const otherTenant = await rejection(
          appendTo({ ...stream, tenantId: unique('tenant') }, 'any', [event('RiskAssessed')]),
        );
        expect(otherTenant).toBeInstanceOf(StreamOwnershipError);
        expect((otherTenant as Error).message).not.toContain(stream.tenantId);
        const otherType = await rejection(
          appendTo({ ...stream, streamType: 'asset' }, 1, [event('AssetRegistered')]),
        );
        expect(otherType).toBeInstanceOf(StreamOwnershipError);
        expect(await store.readStream(stream.streamId)).toHaveLength(1);
      });

      it('all or nothing: a batch that fails in the database writes none of its events', async () => {
        const stream = newStream();
        await appendTo(stream, 'no-stream', [event('RiskIdentified')]);
        const elsewhere = await appendTo(newStream(), 'no-stream', [event('RiskIdentified')]);
        const headBefore = await store.headPosition();

        // The third event reuses an id already recorded in another stream.
        const reused = await rejection(
          appendTo(stream, 1, [
            event('RiskAssessed'),
            event('RiskAssessed'),
            event('RiskTreated', {}, { eventId: elsewhere.events[0]!.eventId }),
          ]),
        );
        expect(reused).toBeInstanceOf(InvalidAppendError);
        // The same id twice in one batch.
        const twice = randomUUID();
        await expect(
          appendTo(stream, 1, [
            event('RiskAssessed', {}, { eventId: twice }),
            event('RiskTreated', {}, { eventId: twice }),
          ]),
        ).rejects.toBeInstanceOf(InvalidAppendError);

        expect(await store.streamRevision(stream.streamId)).toBe(1);
        expect(await store.readStream(stream.streamId)).toHaveLength(1);
        expect(await store.headPosition()).toBe(headBefore);
        expect((await store.verifyStream(stream.streamId)).valid).toBe(true);
        // And the stream goes on from where it was.
        await expect(appendTo(stream, 1, [event('RiskAssessed')])).resolves.toMatchObject({
          nextExpectedRevision: 2,
        });
      });
      it('a failing append does not take concurrent appends to other streams down with it', async () => {
        const tenantId = unique('tenant');
        const taken = await appendTo(newStream(), 'no-stream', [event('RiskIdentified')]);
        const streams = Array.from({ length: 10 }, () => ({ tenantId, streamId: unique('risk') }));
        const outcomes = await Promise.allSettled(
          streams.map((stream, i) =>
            appendTo(stream, 'no-stream', [
              event('RiskIdentified'),
              i === 4
                ? event('RiskAssessed', {}, { eventId: taken.events[0]!.eventId })
                : event('RiskAssessed'),
            ]),
          ),
        );
        outcomes.forEach((outcome, i) => {
          if (i === 4) {
            expect(outcome.status).toBe('rejected');
            expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(InvalidAppendError);
          } else {
            expect(outcome.status).toBe('fulfilled');
          }
        });
        expect(await store.streamRevision(streams[4]!.streamId)).toBe(0);
        expect(await readAllOfTenant(tenantId)).toHaveLength(18);
      });
    });

    describe('concurrent writers', () => {
      it(`${writers} writers racing with the same expected revision: exactly one wins`, async () => {
        const stream = newStream();
        await appendTo(stream, 'no-stream', [event('RiskIdentified')]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: writers }, (_, i) =>
            appendTo(stream, 1, [event('RiskAssessed', { writer: i })]),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.flatMap((o) =>
          o.status === 'rejected' ? [o.reason as unknown] : [],
        );
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(writers - 1);
        for (const error of lost) {
          expect(error).toBeInstanceOf(ConcurrencyConflictError);
          expect((error as ConcurrencyConflictError).currentRevision).toBe(2);
        }
        expect(await store.streamRevision(stream.streamId)).toBe(2);
      }, 30_000);

      it('writers that retry on a conflict all get in, with a gap-free revision sequence', async () => {
        const stream = newStream();
        await appendTo(stream, 'no-stream', [event('RiskIdentified')]);
        const write = async (writer: number) => {
          let expected = 1;
          for (let attempt = 1; attempt <= 200; attempt++) {
            try {
              return await appendTo(stream, expected, [event('RiskReviewed', { writer })]);
            } catch (error) {
              if (!(error instanceof ConcurrencyConflictError)) throw error;
              expected = error.currentRevision;
            }
          }
          throw new Error(`writer ${writer} never got in`);
        };
        await Promise.all(Array.from({ length: writers }, (_, i) => write(i)));
        const events = await store.readStream(stream.streamId);
        expect(events.map((e) => e.streamRevision)).toEqual(
          Array.from({ length: writers + 1 }, (_, i) => i + 1),
        );
        const writersSeen = events.slice(1).map((e) => (e.data as { writer: number }).writer);
        expect([...writersSeen].sort((a, b) => a - b)).toEqual(
          Array.from({ length: writers }, (_, i) => i),
        );
        expect(await store.verifyStream(stream.streamId)).toMatchObject({
          valid: true,
          eventsChecked: writers + 1,
        });
      }, 60_000);

      it('writers on different streams: positions strictly increasing, none duplicated or lost', async () => {
        const tenantId = unique('tenant');
        const streams = Array.from({ length: writers }, () => unique('asset'));
        const perStream = 5;
        await Promise.all(
          streams.map(async (streamId) => {
            for (let revision = 0; revision < perStream; revision++) {
              await appendTo({ tenantId, streamId, streamType: 'asset' }, revision, [
                event('AssetClassified', { revision }),
              ]);
            }
          }),
        );
        const events = await readAllOfTenant(tenantId);
        expect(events).toHaveLength(writers * perStream);
        const positions = events.map((e) => e.globalPosition);
        for (let i = 1; i < positions.length; i++) {
          expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
        }
        for (const streamId of streams) {
          const revisions = events
            .filter((e) => e.streamId === streamId)
            .map((e) => e.streamRevision);
          expect(revisions).toEqual([1, 2, 3, 4, 5]);
        }
      }, 60_000);

      it('a tailer reading by position while writers append never skips an event', async () => {
        const tenantId = unique('tenant');
        let writing = true;
        const seen: RecordedEvent[] = [];
        const tail = async () => {
          const deadline = Date.now() + 45_000;
          for (;;) {
            const stillWriting = writing;
            const batch = await store.readAll({
              tenantId,
              afterPosition: seen.at(-1)?.globalPosition ?? 0,
              limit: 7,
            });
            seen.push(...batch);
            if (!stillWriting && batch.length === 0) return;
            if (Date.now() > deadline) throw new Error('tailer timed out');
            if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
          }
        };
        const tailer = tail();
        await Promise.all(
          Array.from({ length: 10 }, async (_, w) => {
            const streamId = unique('finding');
            for (let i = 0; i < 10; i++) {
              await appendTo({ tenantId, streamId, streamType: 'finding' }, i, [
                event('FindingRecorded', { w, i }),
              ]);
            }
          }),
        );
        writing = false;
        await tailer;
        const all = await readAllOfTenant(tenantId);
        expect(all).toHaveLength(100);
        expect(seen.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
      }, 60_000);
    });

    describe('reading', () => {
      it('reads a stream in revision order, from a revision on', async () => {
        const stream = newStream('control');
        for (let i = 1; i <= 5; i++) {
          await appendTo(stream, i - 1, [event('ControlTested', { run: i })]);
          await appendTo(newStream(), 'no-stream', [event('RiskIdentified')]); // interleaved
        }
        const all = await store.readStream(stream.streamId);
        expect(all.map((e) => (e.data as { run: number }).run)).toEqual([1, 2, 3, 4, 5]);
        const tail = await store.readStream(stream.streamId, { afterRevision: 3 });
        expect(tail.map((e) => e.streamRevision)).toEqual([4, 5]);
      });

      it('reads all events in global order, in batches, by tenant and by stream type', async () => {
        const tenantId = unique('tenant');
        const otherTenant = unique('tenant');
        const risk = { tenantId, streamId: unique('risk'), streamType: 'risk' };
        const asset = { tenantId, streamId: unique('asset'), streamType: 'asset' };
        const control = { tenantId, streamId: unique('control'), streamType: 'control' };
        const foreign = { tenantId: otherTenant, streamId: unique('risk'), streamType: 'risk' };
        const expectedOrder: string[] = [];
        for (let i = 0; i < 25; i++) {
          const target = [risk, asset, control][i % 3]!;
          const result = await appendTo(target, 'any', [event('Recorded', { i })]);
          expectedOrder.push(result.events[0]!.eventId);
          await appendTo(foreign, 'any', [event('Recorded', { i })]);
        }

        const batches: RecordedEvent[][] = [];
        let after = 0;
        for (let guard = 0; guard < 10; guard++) {
          const batch = await store.readAll({ tenantId, afterPosition: after, limit: 10 });
          if (batch.length === 0) break;
          batches.push(batch);
          after = batch.at(-1)!.globalPosition;
        }
        expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
        const all = batches.flat();
        expect(all.map((e) => e.eventId)).toEqual(expectedOrder);
        expect(all.every((e) => e.tenantId === tenantId)).toBe(true);

        const start = all[0]!.globalPosition - 1;
        const unfiltered = await store.readAll({ afterPosition: start, limit: 50 });
        expect(unfiltered.map((e) => e.globalPosition)).toEqual(
          [...unfiltered.map((e) => e.globalPosition)].sort((a, b) => a - b),
        );
        expect(unfiltered.some((e) => e.tenantId === otherTenant)).toBe(true);

        const risksAndAssets = await store.readAll({
          tenantId,
          streamTypes: ['risk', 'asset'],
          limit: 100,
        });
        expect(risksAndAssets).toHaveLength(17);
        expect(new Set(risksAndAssets.map((e) => e.streamType))).toEqual(
          new Set(['risk', 'asset']),
        );
        expect(await store.readAll({ tenantId, streamTypes: [], limit: 100 })).toEqual([]);
      });

      it('reads all events filtered by event type, with the tenant, stream types, batches and as-of', async () => {
        const tenantId = unique('tenant');
        const risk = { tenantId, streamId: unique('risk'), streamType: 'risk' };
        const otherRisk = { tenantId, streamId: unique('risk'), streamType: 'risk' };
        const soa = { tenantId, streamId: unique('soa'), streamType: 'statement-of-applicability' };
        // Same event type in another tenant, and in another stream type of this tenant.
        const foreign = {
          tenantId: unique('tenant'),
          streamId: unique('risk'),
          streamType: 'risk',
        };
        const appended: RecordedEvent[] = [];
        const types = ['RiskIdentified', 'RiskReviewed', 'RiskReviewed', 'RiskTreated'];
        for (let i = 0; i < 12; i++) {
          const target = i % 2 === 0 ? risk : otherRisk;
          const result = await appendTo(target, 'any', [event(types[i % 4]!, { i })]);
          appended.push(...result.events);
          await appendTo(foreign, 'any', [event('RiskIdentified', { i })]);
          if (i % 3 === 0) {
            appended.push(...(await appendTo(soa, 'any', [event('RiskIdentified', { i })])).events);
          }
        }
        const ids = (events: RecordedEvent[]) => events.map((e) => e.eventId);
        const expected = (accept: (e: RecordedEvent) => boolean) => ids(appended.filter(accept));

        const identified = await store.readAll({
          tenantId,
          eventTypes: ['RiskIdentified'],
          limit: 100,
        });
        expect(ids(identified)).toEqual(expected((e) => e.type === 'RiskIdentified'));
        expect(new Set(identified.map((e) => e.streamType))).toEqual(
          new Set(['risk', 'statement-of-applicability']),
        );

        const riskOnly = await store.readAll({
          tenantId,
          streamTypes: ['risk'],
          eventTypes: ['RiskIdentified', 'RiskTreated'],
          limit: 100,
        });
        expect(ids(riskOnly)).toEqual(
          expected(
            (e) => e.streamType === 'risk' && ['RiskIdentified', 'RiskTreated'].includes(e.type),
          ),
        );

        // In batches: a batch holds `limit` matching events, the next one starts after it.
        const reviewed = expected((e) => e.type === 'RiskReviewed');
        expect(reviewed).toHaveLength(6);
        const first = await store.readAll({ tenantId, eventTypes: ['RiskReviewed'], limit: 4 });
        const rest = await store.readAll({
          tenantId,
          eventTypes: ['RiskReviewed'],
          limit: 4,
          afterPosition: first.at(-1)!.globalPosition,
        });
        expect([first.length, rest.length]).toEqual([4, 2]);
        expect(ids([...first, ...rest])).toEqual(reviewed);

        const cutOff = appended[6]!.globalPosition;
        const asOf = await store.readAll({
          tenantId,
          eventTypes: ['RiskReviewed', 'RiskTreated'],
          asOf: { globalPosition: cutOff },
        });
        expect(ids(asOf)).toEqual(
          expected(
            (e) => ['RiskReviewed', 'RiskTreated'].includes(e.type) && e.globalPosition <= cutOff,
          ),
        );

        expect(await store.readAll({ tenantId, eventTypes: [], limit: 100 })).toEqual([]);
        expect(await store.readAll({ tenantId, eventTypes: ['NothingLikeThis'] })).toEqual([]);
        // Without a tenant, other tenants' events of the type come too.
        const everyTenant = await store.readAll({
          afterPosition: appended[0]!.globalPosition - 1,
          eventTypes: ['RiskIdentified'],
          limit: 100,
        });
        expect(everyTenant.some((e) => e.tenantId === foreign.tenantId)).toBe(true);
        expect(everyTenant.every((e) => e.type === 'RiskIdentified')).toBe(true);
      });

      it('reads all events of some streams, or whose data has given field values (as stored)', async () => {
        const tenantId = unique('tenant');
        const streams = [1, 2, 3].map(() => ({ tenantId, streamId: unique('risk') }));
        const appended: RecordedEvent[] = [];
        for (let i = 0; i < 9; i++) {
          const scopeId = i % 3 === 0 ? 'scope-de' : 'scope-fr';
          const result = await appendTo(streams[i % 3]!, 'any', [
            event(i < 3 ? 'RiskIdentified' : 'RiskAssessed', {
              scopeId,
              likelihood: i,
              nested: { scopeId: 'scope-de' },
            }),
          ]);
          appended.push(...result.events);
        }
        const ids = (events: RecordedEvent[]) => events.map((e) => e.eventId);
        const expected = (accept: (e: RecordedEvent) => boolean) => ids(appended.filter(accept));
        const streamIdsOf = [streams[0]!.streamId, streams[2]!.streamId];

        const ofTwo = await store.readAll({ tenantId, streamIds: streamIdsOf, limit: 100 });
        expect(ids(ofTwo)).toEqual(expected((e) => streamIdsOf.includes(e.streamId)));
        const paged = await store.readAll({
          tenantId,
          streamIds: streamIdsOf,
          limit: 2,
          afterPosition: ofTwo[1]!.globalPosition,
        });
        expect(ids(paged)).toEqual(ids(ofTwo.slice(2, 4)));

        const inDe = await store.readAll({ tenantId, dataEquals: { scopeId: 'scope-de' } });
        // Every event of the first stream, and none whose scope is only nested.
        expect(ids(inDe)).toEqual(expected((e) => e.streamId === streams[0]!.streamId));
        expect(
          ids(
            await store.readAll({
              tenantId,
              eventTypes: ['RiskIdentified'],
              dataEquals: { scopeId: 'scope-fr' },
            }),
          ),
        ).toEqual(
          expected((e) => e.type === 'RiskIdentified' && e.streamId !== streams[0]!.streamId),
        );
        // Every field must match; a number is not its string.
        expect(
          await store.readAll({ tenantId, dataEquals: { scopeId: 'scope-de', likelihood: '0' } }),
        ).toEqual([]);
        expect(await store.readAll({ tenantId, dataEquals: { absent: 'x' } })).toEqual([]);
        expect(await store.readAll({ tenantId, streamIds: [], limit: 100 })).toEqual([]);
        expect(await store.readAll({ tenantId, streamIds: [unique('risk')] })).toEqual([]);
      });

      it('answers as of an instant and as of a global position, for a stream and for the log', async () => {
        const stream = newStream('statement-of-applicability');
        clock.advance(60_000);
        const t1 = clock.now().toISOString();
        const first = await appendTo(stream, 'no-stream', [
          event('ControlIncluded', { control: 'A.5.1' }),
        ]);
        clock.advance(60_000);
        const t2 = clock.now().toISOString();
        const second = await appendTo(stream, 1, [event('ControlExcluded', { control: 'A.7.4' })]);
        clock.advance(60_000);
        await appendTo(stream, 2, [event('ControlIncluded', { control: 'A.7.4' })]);
        expect(first.events[0]!.recordedAt).toBe(t1);
        expect(second.events[0]!.recordedAt).toBe(t2);

        const revisions = (events: RecordedEvent[]) => events.map((e) => e.streamRevision);
        expect(
          revisions(await store.readStream(stream.streamId, { asOf: { recordedAt: t2 } })),
        ).toEqual([1, 2]);
        expect(
          revisions(
            await store.readStream(stream.streamId, {
              asOf: { recordedAt: new Date(Date.parse(t2) - 1) },
            }),
          ),
        ).toEqual([1]);
        expect(
          revisions(
            await store.readStream(stream.streamId, {
              asOf: { globalPosition: second.lastGlobalPosition },
            }),
          ),
        ).toEqual([1, 2]);
        expect(
          revisions(
            await store.readStream(stream.streamId, {
              asOf: { recordedAt: '2000-01-01T00:00:00Z' },
            }),
          ),
        ).toEqual([]);

        const log = await store.readAll({ tenantId: stream.tenantId, asOf: { recordedAt: t1 } });
        expect(revisions(log)).toEqual([1]);
        const byPosition = await store.readAll({
          tenantId: stream.tenantId,
          asOf: { globalPosition: second.lastGlobalPosition },
        });
        expect(revisions(byPosition)).toEqual([1, 2]);
      });

      it('recorded-at never decreases with the global position, even when the clock goes back', async () => {
        const stream = newStream();
        clock.advance(60_000);
        const before = await appendTo(stream, 'no-stream', [event('RiskIdentified')]);
        const recordedBefore = before.events[0]!.recordedAt;
        clock.advance(-3_600_000); // an hour back (e.g. a corrected system clock)
        const after = await appendTo(stream, 1, [event('RiskAssessed')]);
        expect(after.events[0]!.recordedAt).toBe(recordedBefore);
        clock.advance(3_600_000 + 60_000);

        const everything = await store.readAll({ limit: 5000 });
        for (let i = 1; i < everything.length; i++) {
          expect(Date.parse(everything[i]!.recordedAt)).toBeGreaterThanOrEqual(
            Date.parse(everything[i - 1]!.recordedAt),
          );
        }
      });

      it('upcasts old schema versions on read, while verification checks the stored form', async () => {
        const stream = newStream();
        const appended = await appendTo(stream, 'no-stream', [
          event(PROBE_TYPE, { name: 'legacy shape' }, { schemaVersion: 1 }),
          event(PROBE_TYPE, { title: 'current shape' }, { schemaVersion: 2 }),
        ]);
        expect(appended.events[0]).toMatchObject({
          schemaVersion: 1,
          data: { name: 'legacy shape' },
        });
        const read = await store.readStream(stream.streamId);
        expect(read.map((e) => [e.schemaVersion, e.data])).toEqual([
          [2, { title: 'legacy shape', upcastFrom: 1 }],
          [2, { title: 'current shape' }],
        ]);
        const fromLog = await store.readAll({ tenantId: stream.tenantId });
        expect(fromLog[0]!.data).toEqual({ title: 'legacy shape', upcastFrom: 1 });
        expect(await store.verifyStream(stream.streamId)).toMatchObject({
          valid: true,
          eventsChecked: 2,
        });
      });
    });

    describe('integrity', () => {
      const decisionStream = async () => {
        const stream = newStream();
        const result = await appendTo(stream, 'no-stream', [
          event('RiskIdentified', { title: 'Supplier breach' }),
          event('RiskAssessed', { likelihood: 3, impact: 4 }),
          event(
            'RiskAccepted',
            { residualScore: 12 },
            {
              metadata: metadata({ reason: 'Within appetite; compensating controls in place' }),
            },
          ),
          event('RiskReviewed', { outcome: 'unchanged' }),
        ]);
        return { stream, events: result.events };
      };

      it('chains each event to its predecessor by hash, and verifies', async () => {
        const { stream, events } = await decisionStream();
        await appendTo(stream, 4, [event('RiskClosed')]);
        const stored = await store.readStream(stream.streamId);
        expect(stored[0]!.previousHash).toBeNull();
        for (let i = 1; i < stored.length; i++)
          expect(stored[i]!.previousHash).toBe(stored[i - 1]!.hash);
        expect(stored.slice(0, 4)).toEqual(events);
        expect(await store.verifyStream(stream.streamId)).toEqual({
          streamId: stream.streamId,
          valid: true,
          eventsChecked: 5,
        });
      });

      it('names the event whose data was altered in the database', async () => {
        const { stream, events } = await decisionStream();
        await fixture.tamper.replaceData(events[2]!.eventId, { residualScore: 2 });
        expect(await store.verifyStream(stream.streamId)).toMatchObject({
          valid: false,
          firstInvalid: {
            eventId: events[2]!.eventId,
            streamRevision: 3,
            globalPosition: events[2]!.globalPosition,
            problem: 'hash-mismatch',
          },
        });
      });

      it('names the event whose decider was altered in the database', async () => {
        const { stream, events } = await decisionStream();
        await fixture.tamper.replaceMetadata(events[2]!.eventId, {
          ...events[2]!.metadata,
          actor: { userId: 'someone-else', role: 'ciso' },
        });
        const result = await store.verifyStream(stream.streamId);
        expect(result.valid).toBe(false);
        expect(result.firstInvalid).toMatchObject({
          eventId: events[2]!.eventId,
          problem: 'hash-mismatch',
        });
      });

      it('reports a deleted event, in the middle or at the end of a stream', async () => {
        const middle = await decisionStream();
        await fixture.tamper.deleteEvent(middle.events[1]!.eventId);
        const gap = await store.verifyStream(middle.stream.streamId);
        expect(gap.valid).toBe(false);
        expect(gap.firstInvalid).toMatchObject({
          eventId: middle.events[2]!.eventId,
          problem: 'revision-gap',
        });

        const end = await decisionStream();
        await fixture.tamper.deleteEvent(end.events[3]!.eventId);
        const truncated = await store.verifyStream(end.stream.streamId);
        expect(truncated.valid).toBe(false);
        expect(truncated.firstInvalid).toMatchObject({
          eventId: end.events[2]!.eventId,
          problem: 'stream-head-mismatch',
        });
      });
    });

    describe('integrity of several streams at once', () => {
      const decisionStream = async () => {
        const stream = newStream();
        const result = await appendTo(stream, 'no-stream', [
          event('RiskIdentified', { title: 'Supplier breach' }),
          event('RiskAssessed', { likelihood: 3, impact: 4 }),
          event('RiskAccepted', { residualScore: 12 }),
          event('RiskReviewed', { outcome: 'unchanged' }),
        ]);
        return { stream, events: result.events };
      };

      it('verifies each stream asked for once, in that order, and names what broke where', async () => {
        const intact = await decisionStream();
        const altered = await decisionStream();
        await fixture.tamper.replaceData(altered.events[1]!.eventId, { likelihood: 1, impact: 1 });
        const truncated = await decisionStream();
        await fixture.tamper.deleteEvent(truncated.events[3]!.eventId);
        const neverWritten = `${intact.stream.streamId}-never-written`;

        const verified = await store.verifyStreams([
          altered.stream.streamId,
          neverWritten,
          intact.stream.streamId,
          truncated.stream.streamId,
          altered.stream.streamId,
        ]);

        expect(verified).toEqual([
          expect.objectContaining({
            streamId: altered.stream.streamId,
            valid: false,
            firstInvalid: expect.objectContaining({
              eventId: altered.events[1]!.eventId,
              problem: 'hash-mismatch',
            }),
          }),
          { streamId: neverWritten, valid: true, eventsChecked: 0 },
          { streamId: intact.stream.streamId, valid: true, eventsChecked: 4 },
          expect.objectContaining({
            streamId: truncated.stream.streamId,
            valid: false,
            firstInvalid: expect.objectContaining({
              eventId: truncated.events[2]!.eventId,
              problem: 'stream-head-mismatch',
            }),
          }),
        ]);
        expect(await store.verifyStreams([])).toEqual([]);
      });

      it('verifies more streams than it reads at once, and finds the broken one among them', async () => {
        const streams = [];
        for (let i = 0; i < 230; i++) {
          const stream = newStream();
          const { events } = await appendTo(stream, 'no-stream', [event('RiskIdentified', { i })]);
          streams.push({ stream, event: events[0]! });
        }
        const broken = streams[217]!;
        await fixture.tamper.replaceData(broken.event.eventId, { i: -1 });

        const verified = await store.verifyStreams(streams.map((s) => s.stream.streamId));

        expect(verified.map((c) => c.streamId)).toEqual(streams.map((s) => s.stream.streamId));
        expect(verified.filter((c) => !c.valid)).toEqual([
          expect.objectContaining({
            streamId: broken.stream.streamId,
            firstInvalid: expect.objectContaining({ eventId: broken.event.eventId }),
          }),
        ]);
        expect(verified.every((c) => c.eventsChecked === 1)).toBe(true);
      });
    });

    describe('notifications, checkpoints, health', () => {
      it('tells listeners the last global position after each append, until they unsubscribe', async () => {
        const heard: number[] = [];
        const stop = store.onAppended((position) => heard.push(position));
        const failing = store.onAppended(() => {
          throw new Error('a broken listener');
        });
        const stream = newStream();
        const first = await appendTo(stream, 'no-stream', [
          event('RiskIdentified'),
          event('RiskAssessed'),
        ]);
        const second = await appendTo(stream, 2, [event('RiskTreated')]);
        stop();
        failing();
        await appendTo(stream, 3, [event('RiskReviewed')]);
        expect(heard).toEqual([first.lastGlobalPosition, second.lastGlobalPosition]);
      });

      it('keeps subscriber checkpoints', async () => {
        const subscriber = unique('projection');
        expect(await fixture.checkpoints.load(subscriber)).toBe(0);
        await fixture.checkpoints.save(subscriber, 42);
        expect(await fixture.checkpoints.load(subscriber)).toBe(42);
        await fixture.checkpoints.save(subscriber, 4_000_000_000);
        expect(await fixture.checkpoints.load(subscriber)).toBe(4_000_000_000);
        expect(await fixture.checkpoints.load(unique('projection'))).toBe(0);
      });

      it('never moves a saved checkpoint back (a lagging process), except by rewind', async () => {
        const subscriber = unique('projection');
        await fixture.checkpoints.save(subscriber, 50);
        await fixture.checkpoints.save(subscriber, 40);
        expect(await fixture.checkpoints.load(subscriber)).toBe(50);
        await Promise.all([60, 55, 58].map((p) => fixture.checkpoints.save(subscriber, p)));
        expect(await fixture.checkpoints.load(subscriber)).toBe(60);
        await fixture.checkpoints.rewind?.(subscriber, 0);
        expect(await fixture.checkpoints.load(subscriber)).toBe(0);
        expect(fixture.checkpoints.rewind).toBeDefined();
      });

      it('saves several checkpoints at once, none of them moved back', async () => {
        const [ahead, behind, fresh] = [
          unique('projection'),
          unique('projection'),
          unique('projection'),
        ];
        await fixture.checkpoints.save(ahead, 70);
        await fixture.checkpoints.save(behind, 10);
        await fixture.checkpoints.saveMany(
          new Map([
            [ahead, 65],
            [behind, 4_000_000_000],
            [fresh, 30],
          ]),
        );
        expect(await fixture.checkpoints.load(ahead)).toBe(70);
        expect(await fixture.checkpoints.load(behind)).toBe(4_000_000_000);
        expect(await fixture.checkpoints.load(fresh)).toBe(30);
        await fixture.checkpoints.saveMany(new Map());
        expect(await fixture.checkpoints.load(fresh)).toBe(30);
      });

      it('reports health with the adapter name and the head position', async () => {
        await appendTo(newStream(), 'no-stream', [event('RiskIdentified')]);
        const health = await store.health();
        expect(health).toMatchObject({ status: 'up', adapter: settings.adapter });
        expect(health.headPosition).toBe(await store.headPosition());
      });
    });
  });
}
