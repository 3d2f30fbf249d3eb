import { createHash } from 'node:crypto';
import { deciderSpec } from '@isms/event-sourcing/testing';
import { GovernanceEventTypes as T } from '@isms/contracts';
import type { PlatformAdministratorEvent } from './events.js';
import { platformAdministrator } from './platform-administrator.js';

const spec = deciderSpec(platformAdministrator);
const sha = (code: string) => createHash('sha256').update(code).digest('hex');

const enrolled: PlatformAdministratorEvent = {
  type: T.PlatformAdministratorEnrolled,
  data: {
    administratorId: 'platform-administrator-1',
    displayName: 'Bootstrap administrator',
    setupCodeSha256: sha('CODE-1234'),
  },
};
const redeemed: PlatformAdministratorEvent = {
  type: T.PlatformSetupCodeRedeemed,
  data: { administratorId: 'platform-administrator-1', redeemedAt: '2026-01-01T00:00:00.000Z' },
};
const redeem = {
  type: 'RedeemSetupCode' as const,
  presentedCodeSha256: sha('CODE-1234'),
  at: '2026-01-01T00:00:00.000Z',
};

describe('platform administrators', () => {
  it('enrols the first administrator with the hash of a one-time setup code, never the code', () => {
    spec
      .given([])
      .when({
        type: 'EnrolPlatformAdministrator',
        administratorId: 'platform-administrator-1',
        displayName: 'Bootstrap administrator',
        setupCodeSha256: sha('CODE-1234'),
      })
      .then([enrolled]);
  });

  it('administrator-already-enrolled: an administrator is enrolled once', () => {
    spec
      .given([enrolled])
      .when({
        type: 'EnrolPlatformAdministrator',
        administratorId: 'platform-administrator-1',
        displayName: 'Again',
      })
      .thenRejects('administrator-already-enrolled');
  });

  it('redeems the setup code once', () => {
    spec.given([enrolled]).when(redeem).then([redeemed]);
  });

  it('setup-code-already-redeemed: the setup code trades for a token only once', () => {
    spec.given([enrolled, redeemed]).when(redeem).thenRejects('setup-code-already-redeemed');
  });

  it('setup-code-invalid: a wrong code is refused', () => {
    spec
      .given([enrolled])
      .when({ ...redeem, presentedCodeSha256: sha('GUESS') })
      .thenRejects('setup-code-invalid');
  });
});
