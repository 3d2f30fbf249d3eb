import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import { RiskEventTypes as T } from '@isms/contracts';
import { requireText, unique } from '../rules.js';
import type { AddThreat, AddVulnerability, RiskCatalogueCommand } from './commands.js';
import { DEFAULT_THREATS, DEFAULT_VULNERABILITIES } from './default-catalogue.js';
import type { RiskCatalogueEvent } from './events.js';

/**
 * A tenant's additions to the threat and vulnerability catalogues. The default entries
 * (`TH-nn`, `VU-nn`) ship with the platform and are not events; a tenant adds its own codes.
 */
export interface RiskCatalogueState {
  readonly threatCodes: readonly string[];
  readonly vulnerabilityCodes: readonly string[];
}

const CODE = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/;
const RESERVED = /^(TH|VU)-/;

export const riskCatalogue: Decider<RiskCatalogueState, RiskCatalogueCommand, RiskCatalogueEvent> =
  {
    initialState: () => ({ threatCodes: [], vulnerabilityCodes: [] }),
    decide(command, state) {
      switch (command.type) {
        case 'AddThreat':
          return addThreat(command, state);
        case 'AddVulnerability':
          return addVulnerability(command, state);
        default:
          return assertNever(command, 'command');
      }
    },
    evolve(state, event) {
      switch (event.type) {
        case T.ThreatAdded:
          return { ...state, threatCodes: [...state.threatCodes, event.data.code] };
        case T.VulnerabilityAdded:
          return { ...state, vulnerabilityCodes: [...state.vulnerabilityCodes, event.data.code] };
        default:
          return assertNever(event, 'event');
      }
    },
  };

function assertEntry(
  command: AddThreat | AddVulnerability,
  taken: readonly string[],
  defaults: readonly { code: string }[],
) {
  if (command.code.length > 32 || !CODE.test(command.code) || RESERVED.test(command.code)) {
    throw new DomainRuleViolation(
      'catalogue-code-format',
      `"${command.code}" is not a usable code: use upper-case letters, digits and dashes (at most 32, e.g. "ACME-T-01"); codes starting with TH- and VU- belong to the default catalogue.`,
    );
  }
  if (taken.includes(command.code) || defaults.some((entry) => entry.code === command.code)) {
    throw new DomainRuleViolation(
      'catalogue-code-taken',
      `The code ${command.code} is in use already; choose another one.`,
      { code: command.code },
    );
  }
  requireText(command.name, 'catalogue-entry-needs-name', 'A catalogue entry needs a name.');
}

function addThreat(command: AddThreat, state: RiskCatalogueState): RiskCatalogueEvent[] {
  assertEntry(command, state.threatCodes, DEFAULT_THREATS);
  if (command.affects.length === 0) {
    throw new DomainRuleViolation(
      'threat-affects-a-property',
      'Say which properties the threat endangers: confidentiality, integrity and/or availability.',
    );
  }
  const { type: _type, by, ...entry } = command;
  return [
    {
      type: T.ThreatAdded,
      data: { ...entry, name: entry.name.trim(), affects: unique(entry.affects), addedBy: by },
    },
  ];
}

function addVulnerability(
  command: AddVulnerability,
  state: RiskCatalogueState,
): RiskCatalogueEvent[] {
  assertEntry(command, state.vulnerabilityCodes, DEFAULT_VULNERABILITIES);
  const { type: _type, by, ...entry } = command;
  return [{ type: T.VulnerabilityAdded, data: { ...entry, name: entry.name.trim(), addedBy: by } }];
}
