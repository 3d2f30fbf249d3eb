import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { RecordedEvent } from './envelope.js';

/** The fields covered by an event's hash: everything but the hash itself and the global position. */
export type HashedFields = Omit<RecordedEvent, 'hash' | 'globalPosition'>;

/**
 * Canonical serialisation: RFC 8785 (JSON Canonicalization Scheme), so the same event gives
 * the same bytes whatever the key order or the database's JSON normalisation.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('Value cannot be canonicalised');
  return text;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

export function computeEventHash(event: HashedFields): string {
  const covered: HashedFields = {
    eventId: event.eventId,
    tenantId: event.tenantId,
    streamId: event.streamId,
    streamType: event.streamType,
    streamRevision: event.streamRevision,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
    previousHash: event.previousHash,
  };
  return sha256Hex(canonicalJson(covered));
}

export type ChainBreak =
  | 'hash-mismatch' // the stored content no longer matches the stored hash
  | 'previous-hash-mismatch' // the link to the predecessor is broken (an event removed or replaced)
  | 'revision-gap' // revisions are not 1, 2, 3, …
  // the chain is intact but does not end where the store's stream register says it does
  // (trailing events removed, or the register altered); names the last event found
  | 'stream-head-mismatch';

export interface ChainVerification {
  readonly streamId: string;
  readonly valid: boolean;
  readonly eventsChecked: number;
  /** The first event that does not verify, and why. */
  readonly firstInvalid?: {
    readonly eventId: string;
    readonly streamRevision: number;
    readonly globalPosition: number;
    readonly problem: ChainBreak;
  };
  /** A sentence for people, when there is more to say than `firstInvalid` (e.g. no event left to name). */
  readonly detail?: string;
}

/** Verifies a stream's events, as stored, in revision order. */
export function verifyChain(streamId: string, events: readonly RecordedEvent[]): ChainVerification {
  let previousHash: string | null = null;
  let expectedRevision = 1;
  for (const [index, event] of events.entries()) {
    const fail = (problem: ChainBreak): ChainVerification => ({
      streamId,
      valid: false,
      eventsChecked: index + 1,
      firstInvalid: {
        eventId: event.eventId,
        streamRevision: event.streamRevision,
        globalPosition: event.globalPosition,
        problem,
      },
    });
    if (event.streamRevision !== expectedRevision) return fail('revision-gap');
    if (event.previousHash !== previousHash) return fail('previous-hash-mismatch');
    if (computeEventHash(event) !== event.hash) return fail('hash-mismatch');
    previousHash = event.hash;
    expectedRevision += 1;
  }
  return { streamId, valid: true, eventsChecked: events.length };
}
