import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import { GovernanceEventTypes as T } from '@isms/contracts';
import { instant, requireText } from '../rules.js';
import type { AccessGrantCommand, GrantAccess, RevokeAccessGrant } from './commands.js';
import type { AccessGrantEvent } from './events.js';

/**
 * Read-only access for a certification body's auditor to one ISMS scope during a window
 * [validFrom, validUntil), e.g. the week of the stage 2 audit. Revocable at any time.
 */
export type AccessGrantState =
  | { readonly status: 'none' }
  | {
      readonly status: 'granted' | 'revoked';
      readonly grantId: string;
      readonly validFrom: string;
      readonly validUntil: string;
    };

/** The longest window a grant may have: a certification cycle's audits are days, not years. */
export const MAX_GRANT_DAYS = 92;
const DAY_MS = 24 * 60 * 60 * 1000;

export const accessGrant: Decider<AccessGrantState, AccessGrantCommand, AccessGrantEvent> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'GrantAccess':
        return grant(command, state);
      case 'RevokeAccessGrant':
        return revoke(command, state);
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.AccessGranted:
        return {
          status: 'granted',
          grantId: event.data.grantId,
          validFrom: event.data.validFrom,
          validUntil: event.data.validUntil,
        };
      case T.AccessGrantRevoked:
        if (state.status === 'none') return state;
        return { ...state, status: 'revoked' };
      default:
        return assertNever(event, 'event');
    }
  },
};

function grant(command: GrantAccess, state: AccessGrantState): AccessGrantEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation('grant-already-exists', `Grant ${state.grantId} exists already.`);
  }
  const from = instant(command.validFrom);
  const until = instant(command.validUntil);
  if (!(until > from)) {
    throw new DomainRuleViolation(
      'grant-window-empty',
      `The window must end after it starts (from ${command.validFrom}, until ${command.validUntil}).`,
    );
  }
  if (until <= instant(command.at)) {
    throw new DomainRuleViolation(
      'grant-window-in-past',
      `The window ends ${command.validUntil}, which has passed; grant a window that is still to come.`,
    );
  }
  if (until - from > MAX_GRANT_DAYS * DAY_MS) {
    throw new DomainRuleViolation(
      'grant-window-too-long',
      `A grant lasts at most ${MAX_GRANT_DAYS} days; grant each audit its own window.`,
    );
  }
  requireText(
    command.certificationBody,
    'grant-needs-certification-body',
    'Name the certification body the auditor works for.',
  );
  requireText(
    command.reason,
    'grant-needs-reason',
    'Say what the access is for (e.g. "stage 2 audit, contract CB-2026-17").',
  );
  return [
    {
      type: T.AccessGranted,
      data: {
        grantId: command.grantId,
        auditorPersonId: command.auditorPersonId,
        certificationBody: command.certificationBody.trim(),
        scopeId: command.scopeId,
        validFrom: new Date(from).toISOString(),
        validUntil: new Date(until).toISOString(),
        readOnly: true,
        grantedBy: command.grantedBy,
        reason: command.reason.trim(),
      },
    },
  ];
}

function revoke(command: RevokeAccessGrant, state: AccessGrantState): AccessGrantEvent[] {
  if (state.status === 'none') {
    throw new DomainRuleViolation('grant-unknown', 'This access grant does not exist.');
  }
  if (state.status === 'revoked') {
    throw new DomainRuleViolation(
      'grant-already-revoked',
      `Grant ${state.grantId} is already revoked.`,
    );
  }
  requireText(command.reason, 'revocation-needs-reason', 'Say why the access is revoked.');
  return [
    {
      type: T.AccessGrantRevoked,
      data: {
        grantId: state.grantId,
        revokedBy: command.revokedBy,
        reason: command.reason.trim(),
        revokedAt: command.at,
      },
    },
  ];
}
