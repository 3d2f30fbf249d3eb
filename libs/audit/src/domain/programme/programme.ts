import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import type { AuditProgrammeEstablishedV1, ProgrammeSitesSampledV1 } from '@isms/contracts';
import { AuditEventTypes as T } from '@isms/contracts';
import { requireText } from '../rules.js';
import type { EstablishProgramme, ProgrammeCommand, SampleSites } from './commands.js';
import type { ProgrammeEvent } from './events.js';
import { proposeSample, requiredSampleSize, samplingKindOf } from './site-sampling.js';

/**
 * The audit programme of an ISMS scope (9.2) over a three-year certification cycle: the central
 * function, the n similar sites, and the sites audited each year (IAF MD 1 sample).
 */
export type ProgrammeState =
  | { readonly status: 'none' }
  | (AuditProgrammeEstablishedV1 & {
      readonly status: 'established';
      readonly samples: readonly ProgrammeSitesSampledV1[];
    });

type Established = Extract<ProgrammeState, { status: 'established' }>;

export const CYCLE_YEARS = [1, 2, 3] as const;

export const programme: Decider<ProgrammeState, ProgrammeCommand, ProgrammeEvent> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'EstablishProgramme':
        return establish(command, state);
      case 'SampleSites':
        return sample(command, established(state));
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.AuditProgrammeEstablished:
        return { status: 'established', ...event.data, samples: [] };
      case T.ProgrammeSitesSampled: {
        const current = established(state);
        return { ...current, samples: [...current.samples, event.data] };
      }
      default:
        return assertNever(event, 'event');
    }
  },
};

function establish(command: EstablishProgramme, state: ProgrammeState): ProgrammeEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation(
      'programme-already-established',
      `The audit programme of scope ${state.scopeId} exists already; sample its sites per year instead.`,
    );
  }
  if (
    !Number.isInteger(command.firstYear) ||
    command.firstYear < 2000 ||
    command.firstYear > 2100
  ) {
    throw new DomainRuleViolation(
      'programme-first-year-invalid',
      `The cycle's first year must be a calendar year such as 2026, not ${command.firstYear}.`,
    );
  }
  const sites = [...new Set(command.siteOrgUnitIds)];
  if (sites.length !== command.siteOrgUnitIds.length) {
    throw new DomainRuleViolation(
      'programme-sites-distinct',
      'Each site is listed once; remove the duplicates.',
    );
  }
  if (sites.includes(command.centralFunctionOrgUnitId)) {
    throw new DomainRuleViolation(
      'central-function-is-not-a-sampled-site',
      'The central function is audited every year and is not one of the sampled sites; list it only as centralFunctionOrgUnitId.',
    );
  }
  const { type: _type, by, ...data } = command;
  return [
    {
      type: T.AuditProgrammeEstablished,
      data: { ...data, siteOrgUnitIds: sites, establishedBy: by },
    },
  ];
}

function sample(command: SampleSites, state: Established): ProgrammeEvent[] {
  if (!CYCLE_YEARS.includes(command.cycleYear as 1 | 2 | 3)) {
    throw new DomainRuleViolation(
      'cycle-year-out-of-range',
      `A certification cycle has years 1, 2 and 3 (then recertification starts a new cycle); got ${command.cycleYear}.`,
    );
  }
  if (state.samples.some((s) => s.cycleYear === command.cycleYear)) {
    throw new DomainRuleViolation(
      'cycle-year-already-sampled',
      `The sites of cycle year ${command.cycleYear} were sampled already.`,
    );
  }
  requireText(command.reason, 'sample-needs-reason', 'Say why these sites were chosen.');
  const auditKind = samplingKindOf(state.cycle, command.cycleYear);
  const siteCount = state.siteOrgUnitIds.length;
  const required = requiredSampleSize(auditKind, siteCount);
  const chosen =
    command.siteOrgUnitIds !== undefined
      ? [...new Set(command.siteOrgUnitIds)]
      : proposeSample(
          state.siteOrgUnitIds,
          state.samples.map((s) => ({
            cycleYear: s.cycleYear,
            siteOrgUnitIds: s.sampledSiteOrgUnitIds,
          })),
          required,
        );
  const unknown = chosen.find((site) => !state.siteOrgUnitIds.includes(site));
  if (unknown !== undefined) {
    throw new DomainRuleViolation(
      'site-not-in-programme',
      `Org unit ${unknown} is not one of the programme's sites; choose among ${state.siteOrgUnitIds.join(', ')}.`,
      { siteOrgUnitId: unknown },
    );
  }
  if (chosen.length < required) {
    throw new DomainRuleViolation(
      'sample-too-small',
      `IAF MD 1 asks for at least ${required} of ${siteCount} sites at a ${auditKind} audit (⌈${auditKind === 'initial' ? '' : auditKind === 'surveillance' ? '0.6·' : '0.8·'}√${siteCount}⌉); ${chosen.length} chosen.`,
      { required, chosen: chosen.length },
    );
  }
  return [
    {
      type: T.ProgrammeSitesSampled,
      data: {
        programmeId: state.programmeId,
        scopeId: state.scopeId,
        orgUnitId: state.orgUnitId,
        cycleYear: command.cycleYear,
        year: state.firstYear + command.cycleYear - 1,
        auditKind,
        siteCount,
        requiredSampleSize: required,
        centralFunctionOrgUnitId: state.centralFunctionOrgUnitId,
        sampledSiteOrgUnitIds: chosen,
        sampledBy: command.by,
        reason: command.reason.trim(),
      },
    },
  ];
}

function established(state: ProgrammeState): Established {
  if (state.status === 'none') {
    throw new DomainRuleViolation(
      'programme-unknown',
      'This scope has no audit programme yet; establish it first.',
    );
  }
  return state;
}
