import type { RecordedEvent } from '@isms/event-sourcing';
import { RecentStreams, unkeep } from './recent-streams.js';
import type { KeptEvent } from './recent-streams.js';

function kept(streamId: string, streamRevision: number, data: unknown = { n: streamRevision }) {
  const event = {
    eventId: `${streamId}-${streamRevision}`,
    tenantId: 't1',
    streamId,
    streamType: 'risk',
    streamRevision,
    globalPosition: streamRevision,
    type: 'risk.Test',
    schemaVersion: 1,
    data,
    metadata: { actor: { userId: 'u1' }, correlationId: 'c1', occurredAt: '2026-01-01T00:00:00Z' },
    recordedAt: '2026-01-01T00:00:00.000Z',
    previousHash: null,
    hash: `h${streamRevision}`,
  } satisfies RecordedEvent;
  return {
    event,
    dataJson: JSON.stringify(data),
    metadataJson: JSON.stringify(event.metadata),
  } satisfies KeptEvent;
}

const revisions = (events: readonly KeptEvent[] | undefined) =>
  events?.map((entry) => entry.event.streamRevision);

describe('RecentStreams (a sole writer’s whole streams)', () => {
  it('keeps a stream it read in full, and one it created, and extends both with its appends', () => {
    const streams = new RecentStreams();
    streams.readStarted('risk-1');
    streams.readDone('risk-1', [kept('risk-1', 1), kept('risk-1', 2)]);
    streams.appended('risk-1', [kept('risk-1', 3)]);
    expect(revisions(streams.get('risk-1'))).toEqual([1, 2, 3]);

    streams.appended('risk-2', [kept('risk-2', 1), kept('risk-2', 2)]);
    expect(revisions(streams.get('risk-2'))).toEqual([1, 2]);

    // A stream read as empty (a new one, about to be created) is known too.
    streams.readStarted('risk-3');
    streams.readDone('risk-3', []);
    expect(streams.get('risk-3')).toEqual([]);
    streams.appended('risk-3', [kept('risk-3', 1)]);
    expect(revisions(streams.get('risk-3'))).toEqual([1]);
  });

  it('does not learn a stream from an append that does not start it', () => {
    const streams = new RecentStreams();
    streams.appended('risk-1', [kept('risk-1', 4)]);
    expect(streams.get('risk-1')).toBeUndefined();
  });

  it('forgets a stream whose append does not continue what it kept', () => {
    const streams = new RecentStreams();
    streams.appended('risk-1', [kept('risk-1', 1)]);
    streams.appended('risk-1', [kept('risk-1', 3)]);
    expect(streams.get('risk-1')).toBeUndefined();
  });

  it('does not keep a read that an append to the same stream overtook (it may miss it)', () => {
    const streams = new RecentStreams();
    streams.readStarted('risk-1');
    streams.appended('risk-1', [kept('risk-1', 3)]); // committed while the read was in flight
    streams.readDone('risk-1', [kept('risk-1', 1), kept('risk-1', 2)]);
    expect(streams.get('risk-1')).toBeUndefined();

    // An append to another stream does not matter.
    streams.readStarted('risk-2');
    streams.appended('risk-9', [kept('risk-9', 1)]);
    streams.readDone('risk-2', [kept('risk-2', 1)]);
    expect(revisions(streams.get('risk-2'))).toEqual([1]);
  });

  it('keeps nothing from a failed read, and forgets a stream when told', () => {
    const streams = new RecentStreams();
    streams.readStarted('risk-1');
    streams.readDone('risk-1', undefined);
    expect(streams.get('risk-1')).toBeUndefined();
    streams.appended('risk-2', [kept('risk-2', 1)]);
    streams.forget('risk-2');
    expect(streams.get('risk-2')).toBeUndefined();
  });

  it('holds at most its capacity (events plus one per stream), the least recently used going first', () => {
    const streams = new RecentStreams(6);
    streams.appended('a', [kept('a', 1), kept('a', 2)]); // weighs 3
    streams.appended('b', [kept('b', 1)]); // 2
    expect(streams.get('a')).toBeDefined(); // a is now the most recently used
    streams.appended('c', [kept('c', 1)]); // 2: 7 > 6, b goes
    expect(streams.get('b')).toBeUndefined();
    expect(revisions(streams.get('a'))).toEqual([1, 2]);
    expect(revisions(streams.get('c'))).toEqual([1]);

    streams.appended(
      'big',
      [1, 2, 3, 4, 5, 6].map((r) => kept('big', r)),
    ); // larger than all
    expect(streams.get('big')).toBeUndefined();
  });

  it('gives a fresh copy of data and metadata on every read', () => {
    const entry = kept('risk-1', 1, { tags: ['a'] });
    const first = unkeep(entry);
    (first.data as { tags: string[] }).tags.push('changed');
    expect(unkeep(entry).data).toEqual({ tags: ['a'] });
    expect(unkeep(entry)).toMatchObject({ streamId: 'risk-1', streamRevision: 1, hash: 'h1' });
  });
});
