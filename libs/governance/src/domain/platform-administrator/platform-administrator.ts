import { timingSafeEqual } from 'node:crypto';
import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import { GovernanceEventTypes as T } from '@isms/contracts';
import { requireText } from '../rules.js';
import type {
  EnrolPlatformAdministrator,
  PlatformAdministratorCommand,
  RedeemSetupCode,
} from './commands.js';
import type { PlatformAdministratorEvent } from './events.js';

/**
 * An administrator of the platform itself (not of any tenant): creates tenants and names their
 * first group administrator. The first one is enrolled at first start with a one-time setup
 * code that trades for a token exactly once.
 */
export type PlatformAdministratorState =
  | { readonly status: 'none' }
  | {
      readonly status: 'enrolled';
      readonly administratorId: string;
      readonly setupCodeSha256?: string;
      readonly setupCodeRedeemed: boolean;
    };

export const platformAdministrator: Decider<
  PlatformAdministratorState,
  PlatformAdministratorCommand,
  PlatformAdministratorEvent
> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'EnrolPlatformAdministrator':
        return enrol(command, state);
      case 'RedeemSetupCode':
        return redeem(command, state);
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.PlatformAdministratorEnrolled:
        return {
          status: 'enrolled',
          administratorId: event.data.administratorId,
          setupCodeRedeemed: false,
          ...(event.data.setupCodeSha256 ? { setupCodeSha256: event.data.setupCodeSha256 } : {}),
        };
      case T.PlatformSetupCodeRedeemed:
        return state.status === 'enrolled' ? { ...state, setupCodeRedeemed: true } : state;
      default:
        return assertNever(event, 'event');
    }
  },
};

function enrol(
  command: EnrolPlatformAdministrator,
  state: PlatformAdministratorState,
): PlatformAdministratorEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation(
      'administrator-already-enrolled',
      `Platform administrator ${state.administratorId} is already enrolled.`,
    );
  }
  requireText(command.displayName, 'administrator-name-required', 'An administrator needs a name.');
  return [
    {
      type: T.PlatformAdministratorEnrolled,
      data: {
        administratorId: command.administratorId,
        displayName: command.displayName.trim(),
        ...(command.setupCodeSha256 ? { setupCodeSha256: command.setupCodeSha256 } : {}),
      },
    },
  ];
}

function redeem(
  command: RedeemSetupCode,
  state: PlatformAdministratorState,
): PlatformAdministratorEvent[] {
  if (state.status === 'none' || state.setupCodeSha256 === undefined) {
    throw new DomainRuleViolation('setup-code-invalid', 'This setup code is not valid.');
  }
  if (state.setupCodeRedeemed) {
    throw new DomainRuleViolation(
      'setup-code-already-redeemed',
      'The setup code was used already; get a new token with `npm run token` on the server.',
    );
  }
  const expected = Buffer.from(state.setupCodeSha256, 'hex');
  const presented = Buffer.from(command.presentedCodeSha256, 'hex');
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
    throw new DomainRuleViolation('setup-code-invalid', 'This setup code is not valid.');
  }
  return [
    {
      type: T.PlatformSetupCodeRedeemed,
      data: { administratorId: state.administratorId, redeemedAt: command.at },
    },
  ];
}
