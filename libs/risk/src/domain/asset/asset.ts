import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever, canonicalJson } from '@isms/event-sourcing';
import type { AssetRegisteredV1, AssetUpdatedV1 } from '@isms/contracts';
import { RiskEventTypes as T } from '@isms/contracts';
import { requireText } from '../rules.js';
import type { AssetCommand, RegisterAsset, RetireAsset, UpdateAsset } from './commands.js';
import type { AssetEvent } from './events.js';

/**
 * An entry of the asset inventory: what the ISMS protects (information, software, hardware,
 * services, people, sites, processes), who owns it, where it sits in the group, how it is
 * classified and how much confidentiality, integrity and availability it needs.
 */
export type AssetState =
  { readonly status: 'none' } | ({ readonly status: 'active' | 'retired' } & AssetRegisteredV1);

type Registered = Extract<AssetState, { status: 'active' | 'retired' }>;

export const asset: Decider<AssetState, AssetCommand, AssetEvent> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'RegisterAsset':
        return register(command, state);
      case 'UpdateAsset':
        return update(command, active(state));
      case 'RetireAsset':
        return retire(command, active(state));
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.AssetRegistered:
        return { status: 'active', ...event.data };
      case T.AssetUpdated: {
        const { assetId: _assetId, ...changes } = event.data;
        return { ...registered(state), ...changes };
      }
      case T.AssetRetired:
        return { ...registered(state), status: 'retired' };
      default:
        return assertNever(event, 'event');
    }
  },
};

function register(command: RegisterAsset, state: AssetState): AssetEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation(
      'asset-already-registered',
      `Asset ${state.assetId} is registered already; update it instead.`,
    );
  }
  const { type: _type, ...data } = command;
  assertDetails(data);
  return [{ type: T.AssetRegistered, data: { ...data, name: data.name.trim() } }];
}

function update(command: UpdateAsset, state: Registered): AssetEvent[] {
  const { type: _type, ...requested } = command;
  assertDetails({ ...state, ...requested });
  const changes = Object.fromEntries(
    Object.entries(requested).filter(
      ([field, value]) =>
        value !== undefined &&
        canonicalJson(value) !== canonicalJson(state[field as keyof Registered]),
    ),
  ) as Omit<AssetUpdatedV1, 'assetId'>;
  if (Object.keys(changes).length === 0) return [];
  return [{ type: T.AssetUpdated, data: { assetId: state.assetId, ...changes } }];
}

function retire(command: RetireAsset, state: Registered): AssetEvent[] {
  requireText(
    command.reason,
    'retirement-needs-reason',
    'Say why the asset leaves the inventory (e.g. "decommissioned, data migrated to the new CRM").',
  );
  return [
    {
      type: T.AssetRetired,
      data: { assetId: state.assetId, reason: command.reason.trim(), retiredAt: command.at },
    },
  ];
}

function assertDetails(details: { name: string; ownerPersonId: string; orgUnitId: string }) {
  requireText(details.name, 'asset-needs-name', 'An asset needs a name people recognise.');
  requireText(
    details.ownerPersonId,
    'asset-needs-owner',
    'Every asset has an owner accountable for it (Annex A 5.9).',
  );
  requireText(details.orgUnitId, 'asset-needs-org-unit', 'An asset belongs to an org unit.');
}

function registered(state: AssetState): Registered {
  if (state.status === 'none') {
    throw new DomainRuleViolation('asset-unknown', 'This asset is not in the inventory.');
  }
  return state;
}

function active(state: AssetState): Registered {
  const current = registered(state);
  if (current.status === 'retired') {
    throw new DomainRuleViolation(
      'asset-retired',
      `Asset ${current.assetId} was retired; it is kept for history and cannot change.`,
    );
  }
  return current;
}
