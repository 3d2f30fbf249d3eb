import { verifyChain } from '@isms/event-sourcing';
import type { ChainVerification, RecordedEvent } from '@isms/event-sourcing';
import type { SqlClient } from './sql-client.js';

/** A stream's entry in a stream register: the revision and hash its last event must have. */
export interface RegisteredStreamHead {
  readonly revision: number | string;
  readonly last_hash: string;
}

/** How a store words the ways its events can disagree with its stream register. */
export interface StreamRegisterWording {
  /** The register names a revision, but no event of the stream is there. */
  readonly noEvents: (registeredRevision: number) => string;
  /** The chain ends elsewhere than the register says. */
  readonly headMismatch: (lastRevision: number, registeredRevision: number) => string;
  /** The stream has events but the register has no entry for it. */
  readonly unregistered: string;
  /** The detail of a broken chain (default: the verifier's own). */
  readonly chainBroken?: (chain: ChainVerification) => string;
}

/**
 * Verifies a stream's hash chain, then that it ends where the store's stream register says it
 * does: a removed last event leaves an intact but shorter chain that only the register shows.
 * Shared by the event store and the event mirror (each with its own register and wording).
 */
export function verifyStreamAgainstRegister(
  streamId: string,
  events: readonly RecordedEvent[],
  head: RegisteredStreamHead | undefined,
  wording: StreamRegisterWording,
): ChainVerification {
  const chain = verifyChain(streamId, events);
  if (!chain.valid) {
    return wording.chainBroken ? { ...chain, detail: wording.chainBroken(chain) } : chain;
  }
  const last = events[events.length - 1];
  if (!head && !last) return chain; // no such stream
  if (!last) {
    return {
      streamId,
      valid: false,
      eventsChecked: 0,
      detail: wording.noEvents(Number(head!.revision)),
    };
  }
  if (!head || Number(head.revision) !== last.streamRevision || head.last_hash !== last.hash) {
    return {
      streamId,
      valid: false,
      eventsChecked: events.length,
      firstInvalid: {
        eventId: last.eventId,
        streamRevision: last.streamRevision,
        globalPosition: last.globalPosition,
        problem: 'stream-head-mismatch',
      },
      detail: head
        ? wording.headMismatch(last.streamRevision, Number(head.revision))
        : wording.unregistered,
    };
  }
  return chain;
}

/**
 * How many streams a verification of several reads together: one query for their register
 * entries, one for their events. Their hashes are then computed on the caller's thread at once,
 * so a group is also what other requests wait behind (200 risks' streams of the seeded data set:
 * about 1,800 events to hash).
 */
export const STREAMS_PER_VERIFICATION_READ = 200;

/** How a store reads a group of streams for verification (both reads as `verifyStream` does). */
export interface StreamGroupReader<Head extends RegisteredStreamHead, Row> {
  /** The register's entries of these streams (those it has). */
  heads(streamIds: readonly string[]): Promise<ReadonlyMap<string, Head>>;
  /** Each stream's rows up to the revision given for it, by stream and then revision. */
  rows(streamIds: readonly string[], upToRevisions: readonly number[]): Promise<readonly Row[]>;
  /** The stream a row belongs to. */
  streamOf(row: Row): string;
}

/** No register entry: every revision a stream has (the register's column is an INTEGER). */
const NO_REGISTERED_REVISION = 2147483647;

/**
 * Verifies several streams, `STREAMS_PER_VERIFICATION_READ` at a time: per group, the register's
 * entries first, then each stream's rows up to its registered revision (an append landing in
 * between is not seen, as by a single stream's verification), then `verify` for each stream,
 * while the next group is read. One result per distinct id, in the order of the ids given.
 */
export async function verifyStreamsInGroups<Head extends RegisteredStreamHead, Row>(
  streamIds: readonly string[],
  read: StreamGroupReader<Head, Row>,
  verify: (streamId: string, rows: readonly Row[], head: Head | undefined) => ChainVerification,
): Promise<ChainVerification[]> {
  const distinct = [...new Set(streamIds)];
  const groups: string[][] = [];
  for (let start = 0; start < distinct.length; start += STREAMS_PER_VERIFICATION_READ) {
    groups.push(distinct.slice(start, start + STREAMS_PER_VERIFICATION_READ));
  }
  const readGroup = async (group: readonly string[]) => {
    const heads = await read.heads(group);
    const upTo = group.map((id) => {
      const head = heads.get(id);
      return head ? Number(head.revision) : NO_REGISTERED_REVISION;
    });
    return { heads, rows: await read.rows(group, upTo) };
  };
  const results: ChainVerification[] = [];
  // The next group is read while this one's hashes are computed (the store answers from
  // another thread, or another process).
  let next = groups.length > 0 ? readGroup(groups[0]!) : undefined;
  try {
    for (let g = 0; g < groups.length; g++) {
      const { heads, rows } = await next!;
      next = g + 1 < groups.length ? readGroup(groups[g + 1]!) : undefined;
      const byStream = new Map<string, Row[]>();
      for (const row of rows) {
        const streamId = read.streamOf(row);
        const ofStream = byStream.get(streamId);
        if (ofStream) ofStream.push(row);
        else byStream.set(streamId, [row]);
      }
      for (const streamId of groups[g]!) {
        results.push(verify(streamId, byStream.get(streamId) ?? [], heads.get(streamId)));
      }
    }
  } finally {
    next?.catch(() => undefined); // a read no one waits for any more must not go unhandled
  }
  return results;
}

/** The outcome of verifying every stream of a store (or mirror). */
export interface StoreVerification {
  readonly streamsChecked: number;
  readonly eventsChecked: number;
  /** One entry per stream whose chain does not verify. */
  readonly failures: readonly ChainVerification[];
}

/**
 * Verifies every stream a register lists (of one tenant, or all), a page of 500 stream ids at a
 * time, with the store's own `verifyStreams`.
 */
export async function verifyRegisteredStreams(
  client: SqlClient,
  registerTable: 'isms_streams' | 'isms_mirror_streams',
  verifyStreams: (streamIds: readonly string[]) => Promise<ChainVerification[]>,
  options: { readonly tenantId?: string } = {},
): Promise<StoreVerification> {
  let streamsChecked = 0;
  let eventsChecked = 0;
  const failures: ChainVerification[] = [];
  let after = '';
  for (;;) {
    const params: unknown[] = [after];
    let sql = `SELECT stream_id FROM ${registerTable} WHERE stream_id > $1`;
    if (options.tenantId !== undefined) {
      params.push(options.tenantId);
      sql += ' AND tenant_id = $2';
    }
    const page = await client.query<{ stream_id: string }>(
      `${sql} ORDER BY stream_id LIMIT 500`,
      params,
    );
    for (const result of await verifyStreams(page.map((p) => p.stream_id))) {
      streamsChecked += 1;
      eventsChecked += result.eventsChecked;
      if (!result.valid) failures.push(result);
    }
    if (page.length < 500) break;
    after = page[page.length - 1]!.stream_id;
  }
  return { streamsChecked, eventsChecked, failures };
}
