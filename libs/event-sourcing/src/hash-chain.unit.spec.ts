import type { RecordedEvent } from './envelope.js';
import { canonicalJson, computeEventHash, verifyChain } from './hash-chain.js';

function chain(count: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let previousHash: string | null = null;
  for (let revision = 1; revision <= count; revision++) {
    const base = {
      eventId: `e-${revision}`,
      tenantId: 't1',
      streamId: 'risk-1',
      streamType: 'risk',
      streamRevision: revision,
      globalPosition: revision * 10,
      type: 'RiskAssessed',
      schemaVersion: 1,
      data: { likelihood: revision, impact: 3, note: { b: 1, a: [1, 2] } },
      metadata: {
        actor: { userId: 'u1', role: 'risk-owner' },
        correlationId: 'c1',
        occurredAt: '2026-01-01T00:00:00.000Z',
      },
      recordedAt: `2026-01-0${revision}T00:00:00.000Z`,
      previousHash,
    };
    const event: RecordedEvent = { ...base, hash: computeEventHash(base) };
    events.push(event);
    previousHash = event.hash;
  }
  return events;
}

describe('canonical serialisation', () => {
  it('is independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe(
      canonicalJson({ a: { c: [3, { e: 2, f: 1 }], d: 2 }, b: 1 }),
    );
  });
});

describe('hash chain verification', () => {
  it('accepts an untouched chain', () => {
    expect(verifyChain('risk-1', chain(4))).toEqual({
      streamId: 'risk-1',
      valid: true,
      eventsChecked: 4,
    });
  });

  it('names the first event whose content was altered', () => {
    const events = chain(4);
    events[2] = { ...events[2]!, data: { likelihood: 1, impact: 1 } };
    const result = verifyChain('risk-1', events);
    expect(result.valid).toBe(false);
    expect(result.firstInvalid).toEqual({
      eventId: 'e-3',
      streamRevision: 3,
      globalPosition: 30,
      problem: 'hash-mismatch',
    });
  });

  it('detects a re-hashed event through the broken link to its successor', () => {
    const events = chain(3);
    const forged = { ...events[1]!, data: { likelihood: 1, impact: 1 } };
    events[1] = { ...forged, hash: computeEventHash(forged) };
    const result = verifyChain('risk-1', events);
    expect(result.firstInvalid?.eventId).toBe('e-3');
    expect(result.firstInvalid?.problem).toBe('previous-hash-mismatch');
  });

  it('detects a removed event as a revision gap', () => {
    const events = chain(3);
    events.splice(1, 1);
    expect(verifyChain('risk-1', events).firstInvalid?.problem).toBe('revision-gap');
  });

  it('covers the actor and the reason: changing who decided breaks the hash', () => {
    const events = chain(1);
    const altered = {
      ...events[0]!,
      metadata: { ...events[0]!.metadata, actor: { userId: 'someone-else' } },
    };
    expect(verifyChain('risk-1', [altered]).valid).toBe(false);
  });
});
