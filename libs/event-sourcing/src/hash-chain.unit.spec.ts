import canonicalize from 'canonicalize';
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

  it('writes RFC 8785’s own examples of numbers, strings and key order', () => {
    expect(
      canonicalJson({
        numbers: [333333333.33333329, 1e30, 4.5, 0.002, 0.000000000000000000000000001, -0],
        string: '€$\u000f\nA\'B\"\\\\"/',
        literals: [null, true, false],
      }),
    ).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27,0],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    // Sorted by UTF-16 code units (RFC 8785, 3.2.3): CR, "1", U+0080, ö, €, 😀 (a surrogate
    // pair, D83D DE00), U+FB33.
    expect(
      canonicalJson({
        '\u20ac': 'Euro',
        '\r': 'CR',
        '\ufb33': 'Hebrew',
        '1': 'One',
        '\ud83d\ude00': 'Smiley',
        '\u0080': 'Control',
        '\u00f6': 'Latin',
      }),
    ).toBe(
      '{"\\r":"CR","1":"One","\u0080":"Control","\u00f6":"Latin","\u20ac":"Euro",' +
        '"\ud83d\ude00":"Smiley","\ufb33":"Hebrew"}',
    );
  });

  it('gives the canonicalize package’s text for every value, so stored hashes still verify', () => {
    const random = seeded(20261208);
    for (let i = 0; i < 3000; i++) {
      const value = jsonValue(random, 0);
      expect({ i, text: canonicalJson(value) }).toEqual({ i, text: canonicalize(value) });
    }
    // What events and digests hold: Dates (toJSON), undefined members, integer-like keys.
    const at = new Date('2026-12-08T03:00:00.000Z');
    const shapes: unknown[] = [
      { at, nested: { when: at }, gone: undefined, list: [undefined, at, 1] },
      { '10': 'ten', '9': 'nine', '': 'empty', a: { '2': [], '11': {} } },
      [[[]], {}, '', 0, -1.5e-7, 1e21, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE],
    ];
    for (const value of shapes) expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('refuses what JSON cannot carry, as the package does', () => {
    for (const value of [NaN, Infinity, -Infinity, { a: [1, NaN] }, 'x\ud800', { '\udc00': 1 }]) {
      expect(() => canonicalJson(value)).toThrow(
        (() => {
          try {
            canonicalize(value);
          } catch (error) {
            return (error as Error).message;
          }
          throw new Error(`the package accepted ${String(value)}`);
        })(),
      );
    }
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    const cycle: Record<string, unknown> = { a: 1 };
    cycle['self'] = { back: cycle };
    expect(() => canonicalJson(cycle)).toThrow(/Circular reference/);
  });
});

/** A small seeded generator (mulberry32), so a failure names a value that can be rebuilt. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'a',
  'Z',
  'é',
  '€',
  '😀',
  '\u0000',
  '\n',
  '\t',
  '"',
  '\\',
  '/',
  '\u2028',
  '\u007f',
  '1',
  '10',
  ' ',
  'ﬓ',
];

function text(random: () => number): string {
  let out = '';
  const length = Math.floor(random() * 6);
  for (let i = 0; i < length; i++) out += PIECES[Math.floor(random() * PIECES.length)];
  return out;
}

function number(random: () => number): number {
  const kinds = [
    () => Math.floor(random() * 2000) - 1000,
    () => (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20),
    () => random() * 1e25,
    () => -0,
    () => Number.MAX_VALUE * random(),
    () => 5e-324 * Math.floor(random() * 10),
  ];
  return kinds[Math.floor(random() * kinds.length)]!();
}

function jsonValue(random: () => number, depth: number): unknown {
  const pick = random();
  if (depth > 4 || pick < 0.35) {
    const scalars = [() => null, () => random() < 0.5, () => number(random), () => text(random)];
    return scalars[Math.floor(random() * scalars.length)]!();
  }
  const size = Math.floor(random() * 5);
  if (pick < 0.6) return Array.from({ length: size }, () => jsonValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = 0; i < size; i++) object[text(random)] = jsonValue(random, depth + 1);
  return object;
}

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
