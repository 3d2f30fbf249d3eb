import { verificationOf } from './reporting.service.js';

describe('a decision’s verification status', () => {
  const broken = {
    streamId: 'risk-1',
    valid: false,
    eventsChecked: 4,
    firstInvalid: {
      eventId: 'e4',
      streamRevision: 4,
      globalPosition: 40,
      problem: 'hash-mismatch' as const,
    },
  };

  it('is verified when its stream’s chain recomputes', () => {
    expect(verificationOf({ streamId: 'risk-1', valid: true, eventsChecked: 6 }, 3)).toEqual({
      status: 'verified',
    });
  });

  it('is broken from the first event that does not verify, and flags earlier ones', () => {
    expect(verificationOf(broken, 5)).toEqual({
      status: 'broken',
      problem: 'hash-mismatch',
      firstInvalidRevision: 4,
      firstInvalidEventId: 'e4',
    });
    expect(verificationOf(broken, 3)).toEqual({
      status: 'chain-broken-later',
      firstInvalidRevision: 4,
    });
  });

  it('is unverifiable, not verified, when the store holds no event of the stream', () => {
    expect(verificationOf({ streamId: 'risk-x', valid: true, eventsChecked: 0 }, 1)).toMatchObject({
      status: 'unverifiable',
    });
  });
});
