import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever, canonicalJson } from '@isms/event-sourcing';
import type { ControlRef, SoaLine } from '@isms/contracts';
import { ControlsEventTypes as T, INCLUSION_REASONS, controlKey } from '@isms/contracts';
import { compareControlIds } from '../../catalogues/catalogue.js';
import type { CatalogueIndex } from '../rules.js';
import { requireControlIn, requireText } from '../rules.js';
import type {
  ApproveSoa,
  EstablishSoa,
  IncludeCatalogue,
  MigrateSoaCatalogue,
  RecordSoaLine,
  SoaCommand,
  SoaLineInput,
} from './commands.js';
import { soaDigest } from './digest.js';
import type { SoaEvent } from './events.js';
import { migrateLines } from './migration.js';

export interface ApprovedSoaVersion {
  readonly version: number;
  readonly digest: string;
  readonly catalogueId: string;
  readonly lines: ReadonlyMap<string, SoaLine>;
}

/**
 * The Statement of Applicability of one ISMS scope (6.1.3 d): for every control of its
 * catalogue (and of the extended control sets it includes), applicable or not and why, its
 * implementation status, owner and how it is implemented. A version is approved as a decision
 * with a digest of what was approved; a later change to a line makes it need re-approval.
 */
export type SoaState =
  | { readonly status: 'none' }
  | {
      readonly status: 'established';
      readonly soaId: string;
      readonly scopeId: string;
      readonly orgUnitId: string;
      readonly catalogueId: string;
      readonly extensionCatalogueIds: readonly string[];
      /** By control key (`catalogueId:controlId`). */
      readonly lines: ReadonlyMap<string, SoaLine>;
      readonly approved?: ApprovedSoaVersion;
      /** Control keys changed since the approved version. */
      readonly changedSinceApproval: readonly string[];
    };

type Established = Extract<SoaState, { status: 'established' }>;

export const statementOfApplicability: Decider<SoaState, SoaCommand, SoaEvent> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'EstablishSoa':
        return establish(command, state);
      case 'IncludeCatalogue':
        return include(command, established(state));
      case 'RecordSoaLine':
        return recordLine(command, established(state));
      case 'ApproveSoa':
        return approve(command, established(state));
      case 'MigrateSoaCatalogue':
        return migrate(command, established(state));
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.SoaEstablished:
        return {
          status: 'established',
          soaId: event.data.soaId,
          scopeId: event.data.scopeId,
          orgUnitId: event.data.orgUnitId,
          catalogueId: event.data.catalogueId,
          extensionCatalogueIds: [],
          lines: new Map(),
          changedSinceApproval: [],
        };
      case T.SoaCatalogueIncluded: {
        const s = established(state);
        return {
          ...s,
          extensionCatalogueIds: [...s.extensionCatalogueIds, event.data.catalogueId],
        };
      }
      case T.SoaLineRecorded: {
        const s = established(state);
        const lines = new Map(s.lines);
        lines.set(controlKey(event.data.line), event.data.line);
        return { ...s, lines };
      }
      case T.SoaReapprovalRequired: {
        const s = established(state);
        return { ...s, changedSinceApproval: event.data.changedControls.map(controlKey) };
      }
      case T.SoaVersionApproved: {
        const s = established(state);
        return {
          ...s,
          approved: {
            version: event.data.version,
            digest: event.data.digest,
            catalogueId: event.data.catalogueId,
            lines: new Map(event.data.lines.map((l) => [controlKey(l), l])),
          },
          changedSinceApproval: [],
        };
      }
      case T.SoaCatalogueMigrated: {
        const s = established(state);
        const lines = new Map(
          [...s.lines].filter(([, line]) => line.catalogueId !== event.data.fromCatalogueId),
        );
        for (const migrated of event.data.lines) {
          if (migrated.line) lines.set(controlKey(migrated.line), migrated.line);
        }
        return { ...s, catalogueId: event.data.toCatalogueId, lines };
      }
      default:
        return assertNever(event, 'event');
    }
  },
};

function established(state: SoaState): Established {
  if (state.status === 'none') {
    throw new DomainRuleViolation(
      'soa-not-established',
      'This scope has no Statement of Applicability yet; establish it first with a catalogue.',
    );
  }
  return state;
}

function head(s: Established) {
  return { soaId: s.soaId, scopeId: s.scopeId, orgUnitId: s.orgUnitId };
}

function establish(command: EstablishSoa, state: SoaState): SoaEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation(
      'soa-already-established',
      `Scope ${state.scopeId} has its Statement of Applicability already; record its lines instead.`,
    );
  }
  requireCatalogue(command.catalogues, command.catalogueId);
  return [
    {
      type: T.SoaEstablished,
      data: {
        soaId: command.soaId,
        scopeId: command.scopeId,
        orgUnitId: command.orgUnitId,
        catalogueId: command.catalogueId,
        establishedBy: command.by,
      },
    },
  ];
}

function include(command: IncludeCatalogue, s: Established): SoaEvent[] {
  if (catalogueIdsOf(s).includes(command.catalogueId)) {
    throw new DomainRuleViolation(
      'catalogue-already-included',
      `Catalogue ${command.catalogueId} is part of this SoA already.`,
    );
  }
  requireCatalogue(command.catalogues, command.catalogueId);
  return [{ type: T.SoaCatalogueIncluded, data: { ...head(s), catalogueId: command.catalogueId } }];
}

function recordLine(command: RecordSoaLine, s: Established): SoaEvent[] {
  const input = command.line;
  if (!catalogueIdsOf(s).includes(input.catalogueId)) {
    throw new DomainRuleViolation(
      'catalogue-not-in-soa',
      `Catalogue ${input.catalogueId} is not part of this SoA (it covers ${catalogueIdsOf(s).join(', ')}); include it first.`,
    );
  }
  requireControlIn(command.catalogues, input.catalogueId, input.controlId);
  const key = controlKey(input);
  const line = normalise(input, s.lines.get(key));
  const current = s.lines.get(key);
  if (current && canonicalJson(current) === canonicalJson(line)) return [];
  const events: SoaEvent[] = [
    {
      type: T.SoaLineRecorded,
      data: { ...head(s), catalogueId: input.catalogueId, line, recordedBy: command.by },
    },
  ];
  if (s.approved) {
    const changed = [...new Set([...s.changedSinceApproval, key])];
    events.push({
      type: T.SoaReapprovalRequired,
      data: {
        ...head(s),
        approvedVersion: s.approved.version,
        changedControls: sortRefs(changed.map(refOf)),
      },
    });
  }
  return events;
}

/** The rules of a line: justified both ways, status consistent with applicability. */
function normalise(input: SoaLineInput, current: SoaLine | undefined): SoaLine {
  const id = `${input.catalogueId} ${input.controlId}`;
  requireText(
    input.justification,
    'soa-line-needs-justification',
    input.applicable
      ? `Say why ${id} is included (the risk it treats, the law or contract that requires it, the business need).`
      : `Say why ${id} is excluded: an exclusion needs a justification as much as an inclusion.`,
  );
  if (input.applicable) {
    if (input.inclusionReasons.length === 0) {
      throw new DomainRuleViolation(
        'applicable-control-needs-inclusion-reason',
        `Give at least one reason for including ${id}: ${INCLUSION_REASONS.join(', ')}.`,
      );
    }
    if (input.implementationStatus === 'not-applicable') {
      throw new DomainRuleViolation(
        'status-matches-applicability',
        `${id} is applicable, so its status is not-implemented, planned, partially-implemented or implemented — not not-applicable.`,
      );
    }
    if (
      (input.implementationStatus === 'implemented' ||
        input.implementationStatus === 'partially-implemented') &&
      !input.implementationDescription?.trim()
    ) {
      throw new DomainRuleViolation(
        'implemented-control-needs-description',
        `Describe how ${id} is implemented (procedure, tool, group control) before marking it ${input.implementationStatus}.`,
      );
    }
  } else {
    if (input.inclusionReasons.length > 0) {
      throw new DomainRuleViolation(
        'excluded-control-has-no-inclusion-reason',
        `${id} is excluded, so it takes no inclusion reasons; put why it is excluded in the justification.`,
      );
    }
    if (input.implementationStatus !== 'not-applicable') {
      throw new DomainRuleViolation(
        'status-matches-applicability',
        `${id} is excluded, so its status is not-applicable.`,
      );
    }
  }
  const reasons = new Set(input.inclusionReasons);
  const provenance = current?.provenance;
  return {
    catalogueId: input.catalogueId,
    controlId: input.controlId,
    applicable: input.applicable,
    inclusionReasons: INCLUSION_REASONS.filter((r) => reasons.has(r)),
    justification: input.justification.trim(),
    implementationStatus: input.implementationStatus,
    ...(input.ownerPersonId ? { ownerPersonId: input.ownerPersonId } : {}),
    ...(input.implementationDescription?.trim()
      ? { implementationDescription: input.implementationDescription.trim() }
      : {}),
    // A person answered: where the answer came from stays, the open decision goes.
    ...(provenance
      ? {
          provenance: {
            migratedFrom: provenance.migratedFrom,
            sourceControlIds: provenance.sourceControlIds,
          },
        }
      : {}),
  };
}

function approve(command: ApproveSoa, s: Established): SoaEvent[] {
  requireText(
    command.reason,
    'approval-needs-reason',
    'Approving the SoA is a decision: give its justification (e.g. the management review that approved it).',
  );
  const inherited = command.inherited.filter((i) => !s.lines.has(controlKey(i)));
  const answered = new Set([...s.lines.keys(), ...inherited.map(controlKey)]);
  const missing: string[] = [];
  for (const catalogueId of catalogueIdsOf(s)) {
    for (const controlId of requireCatalogue(command.catalogues, catalogueId)) {
      if (!answered.has(controlKey({ catalogueId, controlId })))
        missing.push(`${catalogueId} ${controlId}`);
    }
  }
  if (missing.length > 0) {
    throw new DomainRuleViolation(
      'soa-incomplete',
      `Every control needs a line before approval (6.1.3 d); ${missing.length} have none, e.g. ${missing.slice(0, 5).join(', ')}.`,
      { missing },
    );
  }
  const undecided = [...s.lines.values()].filter((l) => l.provenance?.decisionNeeded);
  if (undecided.length > 0) {
    throw new DomainRuleViolation(
      'migration-decisions-pending',
      `${undecided.length} migrated lines still need a person's decision (e.g. ${undecided
        .slice(0, 5)
        .map((l) => `${l.controlId}: ${l.provenance?.decisionNeeded}`)
        .join(', ')}); confirm or change them first.`,
      { controls: undecided.map((l) => l.controlId) },
    );
  }
  const lines = [...s.lines.values()];
  const content = {
    catalogueId: s.catalogueId,
    extensionCatalogueIds: s.extensionCatalogueIds,
    lines,
    inherited,
  };
  const digest = soaDigest(content);
  if (s.approved && s.approved.digest === digest) {
    throw new DomainRuleViolation(
      'nothing-to-approve',
      `Version ${s.approved.version} with exactly this content is approved already; change a line first.`,
    );
  }
  return [
    {
      type: T.SoaVersionApproved,
      data: {
        ...head(s),
        catalogueId: s.catalogueId,
        extensionCatalogueIds: [...s.extensionCatalogueIds].sort(),
        version: (s.approved?.version ?? 0) + 1,
        digest,
        lines: sortRefs(lines),
        inherited: sortRefs(inherited),
        approvedBy: command.by,
        approverRole: command.role,
        reason: command.reason.trim(),
        approvedAt: command.at,
      },
    },
  ];
}

function migrate(command: MigrateSoaCatalogue, s: Established): SoaEvent[] {
  const { mapping } = command;
  if (s.catalogueId === mapping.toCatalogueId) {
    throw new DomainRuleViolation(
      'soa-already-on-catalogue',
      `This SoA uses ${mapping.toCatalogueId} already; there is nothing to migrate.`,
    );
  }
  if (s.catalogueId !== mapping.fromCatalogueId) {
    throw new DomainRuleViolation(
      'mapping-does-not-fit',
      `The mapping ${mapping.mappingId} starts from ${mapping.fromCatalogueId}, but this SoA uses ${s.catalogueId}.`,
    );
  }
  const targetControlIds = requireCatalogue(command.catalogues, mapping.toCatalogueId);
  const sourceLines = new Map(
    [...s.lines.values()]
      .filter((line) => line.catalogueId === s.catalogueId)
      .map((line) => [line.controlId, line]),
  );
  const lines = migrateLines(mapping, sourceLines, targetControlIds);
  const events: SoaEvent[] = [
    {
      type: T.SoaCatalogueMigrated,
      data: {
        ...head(s),
        fromCatalogueId: mapping.fromCatalogueId,
        toCatalogueId: mapping.toCatalogueId,
        lines,
        migratedBy: command.by,
      },
    },
  ];
  if (s.approved) {
    events.push({
      type: T.SoaReapprovalRequired,
      data: {
        ...head(s),
        approvedVersion: s.approved.version,
        changedControls: targetControlIds.map((controlId) => ({
          catalogueId: mapping.toCatalogueId,
          controlId,
        })),
      },
    });
  }
  return events;
}

function catalogueIdsOf(s: Established): string[] {
  return [s.catalogueId, ...s.extensionCatalogueIds];
}

function requireCatalogue(catalogues: CatalogueIndex, catalogueId: string): readonly string[] {
  const controls = catalogues[catalogueId];
  if (!controls) {
    throw new DomainRuleViolation(
      'unknown-catalogue',
      `Catalogue ${catalogueId} is not known; use iso27001-2022, iso27001-2013 or an imported catalogue.`,
      { catalogueId },
    );
  }
  return controls;
}

function refOf(key: string): ControlRef {
  const at = key.indexOf(':');
  return { catalogueId: key.slice(0, at), controlId: key.slice(at + 1) };
}

function sortRefs<R extends ControlRef>(refs: readonly R[]): R[] {
  return [...refs].sort((a, b) =>
    a.catalogueId !== b.catalogueId
      ? a.catalogueId < b.catalogueId
        ? -1
        : 1
      : compareControlIds(a.controlId, b.controlId),
  );
}
