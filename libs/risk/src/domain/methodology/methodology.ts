import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever, canonicalJson } from '@isms/event-sourcing';
import type { RiskMethodologyDefinition, RiskMethodologyOverrides } from '@isms/contracts';
import { RiskEventTypes as T } from '@isms/contracts';
import { requireText } from '../rules.js';
import type { AdoptMethodology, RefineMethodology, RiskMethodologyCommand } from './commands.js';
import type { RiskMethodologyEvent } from './events.js';
import { mergeMethodology, validateMethodology } from './methodology-rules.js';

/**
 * The risk assessment and acceptance criteria of 6.1.2 a–b: likelihood and impact scales, the
 * matrix, which levels may be accepted by whom, how often each level is reviewed. One stream per
 * org unit that has its own: the tenant root (`base`, a complete methodology) or a unit below it
 * (`refinement`, overriding parts for its subtree). Every change is a new version: a decision
 * with a reason; assessments record the versions they used.
 */
export type RiskMethodologyState =
  | { readonly status: 'none' }
  | {
      readonly status: 'base';
      readonly methodologyId: string;
      readonly orgUnitId: string;
      readonly version: number;
      readonly definition: RiskMethodologyDefinition;
    }
  | {
      readonly status: 'refinement';
      readonly methodologyId: string;
      readonly orgUnitId: string;
      readonly version: number;
      readonly overrides: RiskMethodologyOverrides;
    };

export const riskMethodology: Decider<
  RiskMethodologyState,
  RiskMethodologyCommand,
  RiskMethodologyEvent
> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'AdoptMethodology':
        return adopt(command, state);
      case 'RefineMethodology':
        return refine(command, state);
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.RiskMethodologyAdopted:
        return {
          status: 'base',
          methodologyId: event.data.methodologyId,
          orgUnitId: event.data.orgUnitId,
          version: event.data.version,
          definition: event.data.definition,
        };
      case T.RiskMethodologyRefined:
        return {
          status: 'refinement',
          methodologyId: event.data.methodologyId,
          orgUnitId: event.data.orgUnitId,
          version: event.data.version,
          overrides: event.data.overrides,
        };
      default:
        return assertNever(event, 'event');
    }
  },
};

function decision(
  command: RiskMethodologyCommand,
  state: RiskMethodologyState,
): { version: number; changeSummary: string } {
  requireText(
    command.reason,
    'methodology-decision-needs-reason',
    'Changing the risk methodology is a decision: say why (e.g. "approved by the ISMS committee on 2026-03-02").',
  );
  const version = state.status === 'none' ? 1 : state.version + 1;
  if (version > 1) {
    requireText(
      command.changeSummary,
      'methodology-change-needs-summary',
      `Summarise what version ${version} changes, so assessors and auditors can see it.`,
    );
  }
  const changeSummary = command.changeSummary.trim() || 'Initial version';
  return { version, changeSummary };
}

function adopt(command: AdoptMethodology, state: RiskMethodologyState): RiskMethodologyEvent[] {
  if (state.status === 'refinement') {
    throw new DomainRuleViolation(
      'methodology-kind-fixed',
      'This org unit refines the methodology it inherits; change its overrides instead of adopting a complete methodology.',
    );
  }
  validateMethodology(command.definition);
  if (state.status === 'base' && same(state.definition, command.definition)) {
    throw new DomainRuleViolation(
      'methodology-unchanged',
      `The methodology is identical to version ${state.version}, which is in force; change something or keep version ${state.version}.`,
      { version: state.version },
    );
  }
  const { version, changeSummary } = decision(command, state);
  return [
    {
      type: T.RiskMethodologyAdopted,
      data: {
        methodologyId: command.methodologyId,
        orgUnitId: command.orgUnitId,
        version,
        definition: command.definition,
        changeSummary,
        adoptedBy: command.by,
        reason: command.reason.trim(),
        adoptedAt: command.at,
      },
    },
  ];
}

function refine(command: RefineMethodology, state: RiskMethodologyState): RiskMethodologyEvent[] {
  if (state.status === 'base') {
    throw new DomainRuleViolation(
      'methodology-kind-fixed',
      'This org unit holds the tenant’s complete methodology; adopt a new version instead of refining it.',
    );
  }
  const overrides = Object.fromEntries(
    Object.entries(command.overrides).filter(([, part]) => part !== undefined),
  ) as RiskMethodologyOverrides;
  if (Object.keys(overrides).length === 0) {
    throw new DomainRuleViolation(
      'refinement-overrides-nothing',
      'A refinement overrides at least one part of the inherited methodology (likelihoodScale, impactScale, levels or matrix).',
    );
  }
  validateMethodology(mergeMethodology(command.inherited.definition, overrides));
  if (state.status === 'refinement' && same(state.overrides, overrides)) {
    throw new DomainRuleViolation(
      'methodology-unchanged',
      `The overrides are identical to version ${state.version}, which is in force.`,
      { version: state.version },
    );
  }
  const { version, changeSummary } = decision(command, state);
  return [
    {
      type: T.RiskMethodologyRefined,
      data: {
        methodologyId: command.methodologyId,
        orgUnitId: command.orgUnitId,
        version,
        overrides,
        basedOn: command.inherited.versions,
        changeSummary,
        adoptedBy: command.by,
        reason: command.reason.trim(),
        adoptedAt: command.at,
      },
    },
  ];
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
