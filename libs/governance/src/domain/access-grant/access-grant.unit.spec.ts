import { deciderSpec } from '@isms/event-sourcing/testing';
import { GovernanceEventTypes as T } from '@isms/contracts';
import { accessGrant } from './access-grant.js';
import type { AccessGrantEvent } from './events.js';

const spec = deciderSpec(accessGrant);

const grant = {
  type: 'GrantAccess' as const,
  grantId: 'access-grant-1',
  auditorPersonId: 'person-eve',
  certificationBody: 'Certa GmbH',
  scopeId: 'isms-scope-1',
  validFrom: '2026-05-04T07:00:00Z',
  validUntil: '2026-05-09T00:00:00Z',
  grantedBy: 'person-ciso',
  reason: 'Stage 2 audit, contract CB-2026-17',
  at: '2026-04-20T10:00:00.000Z',
};
const granted: AccessGrantEvent = {
  type: T.AccessGranted,
  data: {
    grantId: 'access-grant-1',
    auditorPersonId: 'person-eve',
    certificationBody: 'Certa GmbH',
    scopeId: 'isms-scope-1',
    validFrom: '2026-05-04T07:00:00.000Z',
    validUntil: '2026-05-09T00:00:00.000Z',
    readOnly: true,
    grantedBy: 'person-ciso',
    reason: 'Stage 2 audit, contract CB-2026-17',
  },
};
const revoke = {
  type: 'RevokeAccessGrant' as const,
  revokedBy: 'person-ciso',
  reason: 'Audit postponed',
  at: '2026-05-05T12:00:00.000Z',
};

describe('access grants for certification bodies', () => {
  it('grants read-only access to one scope for a window', () => {
    spec.given([]).when(grant).then([granted]);
  });

  it('grant-already-exists: a grant is made once', () => {
    spec.given([granted]).when(grant).thenRejects('grant-already-exists');
  });

  it('grant-window-empty: the window ends after it starts', () => {
    spec
      .given([])
      .when({ ...grant, validUntil: grant.validFrom })
      .thenRejects('grant-window-empty');
  });

  it('grant-window-in-past: a window that has already ended is pointless', () => {
    spec
      .given([])
      .when({ ...grant, at: '2026-05-10T00:00:00.000Z' })
      .thenRejects('grant-window-in-past');
  });

  it('grant-window-too-long: a grant lasts at most 92 days', () => {
    spec
      .given([])
      .when({ ...grant, validUntil: '2026-09-01T00:00:00Z' })
      .thenRejects('grant-window-too-long');
  });

  it('grant-needs-certification-body: the grant names the certification body', () => {
    spec
      .given([])
      .when({ ...grant, certificationBody: ' ' })
      .thenRejects('grant-needs-certification-body');
  });

  it('grant-needs-reason: a grant says what the access is for', () => {
    spec
      .given([])
      .when({ ...grant, reason: '' })
      .thenRejects('grant-needs-reason');
  });

  it('revokes a grant with who, why and when', () => {
    spec
      .given([granted])
      .when(revoke)
      .then([
        {
          type: T.AccessGrantRevoked,
          data: {
            grantId: 'access-grant-1',
            revokedBy: 'person-ciso',
            reason: 'Audit postponed',
            revokedAt: '2026-05-05T12:00:00.000Z',
          },
        },
      ]);
  });

  it('revocation-needs-reason: a revocation says why', () => {
    spec
      .given([granted])
      .when({ ...revoke, reason: ' ' })
      .thenRejects('revocation-needs-reason');
  });

  it('grant-already-revoked: a grant is revoked once', () => {
    const revoked: AccessGrantEvent = {
      type: T.AccessGrantRevoked,
      data: { grantId: 'access-grant-1', revokedBy: 'p', reason: 'r', revokedAt: revoke.at },
    };
    spec.given([granted, revoked]).when(revoke).thenRejects('grant-already-revoked');
  });

  it('grant-unknown: a grant that was never made cannot be revoked', () => {
    spec.given([]).when(revoke).thenRejects('grant-unknown');
  });
});
