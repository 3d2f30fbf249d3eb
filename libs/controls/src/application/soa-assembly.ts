import type {
  CatalogueControl,
  ControlRef,
  ControlTestResult,
  ImplementationStatus,
  InheritedSoaLine,
  MigrationDecision,
  SoaLine,
} from '@isms/contracts';
import { canonicalJson } from '@isms/event-sourcing';
import { IMPLEMENTATION_STATUSES, controlKey } from '@isms/contracts';
import type { Catalogue } from '../catalogues/catalogue.js';
import { soaDigest } from '../domain/statement-of-applicability/digest.js';
import type {
  EvidenceView,
  GroupControlView,
  RiskLinkView,
  SoaVersionView,
  SoaView,
  TestPlanView,
} from '../projections/read-models.js';

/*
 * The SoA as a reader sees it, joined at read time from plain finds: the scope's own lines,
 * the group controls it inherits (with the status and deviations of its org unit), the risks
 * the controls treat, the evidence and the effectiveness tests. Pure: the same code answers
 * `?asOf=` from read models rebuilt as of that instant.
 */

export interface SoaInputs {
  readonly soa: SoaView;
  /** The catalogues of the SoA, primary first. */
  readonly catalogues: readonly Catalogue[];
  /** Active group controls of the tenant. */
  readonly groupControls: readonly GroupControlView[];
  /** The org units from the tenant root down to the SoA's org unit. */
  readonly orgUnitPath: readonly string[];
  readonly evidence: readonly EvidenceView[];
  readonly testPlans: readonly TestPlanView[];
  readonly risks: readonly RiskLinkView[];
  readonly latestVersion?: SoaVersionView;
  /** The date deciding what is expired or overdue (`YYYY-MM-DD`). */
  readonly today: string;
}

export interface InheritedFrom {
  readonly groupControlId: string;
  readonly revision: number;
  readonly title: string;
  readonly implementationDescription: string;
  readonly ownerPersonId: string;
  readonly policyDocumentId?: string;
  /** The status reported by this SoA's org unit (or the nearest unit above it). */
  readonly status: ImplementationStatus | 'not-reported';
  readonly statusReportedBy?: string;
  readonly deviation?: {
    readonly deviation: string;
    readonly reason: string;
    readonly decidedBy: string;
    readonly decidedAt: string;
    readonly orgUnitId: string;
  };
}

export interface SoaLineView {
  readonly catalogueId: string;
  readonly controlId: string;
  readonly title: string;
  readonly groupId: string;
  readonly attributes?: CatalogueControl['attributes'];
  /** Whose answer this is: the scope's own line, a group control, or nobody's yet. */
  readonly answer: 'local' | 'inherited' | 'unanswered';
  readonly applicable?: boolean;
  readonly inclusionReasons: readonly string[];
  readonly justification?: string;
  readonly implementationStatus?: ImplementationStatus;
  readonly ownerPersonId?: string;
  readonly implementationDescription?: string;
  readonly provenance?: SoaLine['provenance'];
  readonly decisionNeeded?: string;
  readonly recordedBy?: string;
  readonly recordedAt?: string;
  readonly groupControl?: InheritedFrom;
  readonly changedSinceApproval: boolean;
  readonly risks: readonly {
    readonly riskId: string;
    readonly title: string;
    readonly link: 'treatment' | 'existing' | 'both';
  }[];
  readonly evidence: readonly {
    readonly evidenceId: string;
    readonly title: string;
    readonly evidenceType: string;
    readonly collectedAt: string;
    readonly validUntil?: string;
    readonly expired: boolean;
  }[];
  readonly tests: readonly {
    readonly testPlanId: string;
    readonly frequency: string;
    readonly method: string;
    readonly nextDueOn: string;
    readonly overdue: boolean;
    readonly lastResult?: { readonly result: ControlTestResult; readonly testedAt: string };
  }[];
}

export type ApprovalStatus = 'not-approved' | 'approved' | 'needs-re-approval';

export interface SoaProgress {
  readonly controls: number;
  readonly answered: number;
  readonly unanswered: number;
  readonly applicable: number;
  readonly excluded: number;
  readonly inherited: number;
  readonly pendingDecisions: number;
  readonly byStatus: Readonly<Record<ImplementationStatus, number>>;
  /** Implemented applicable controls, in percent of the applicable ones (0 when none). */
  readonly implementedPercent: number;
  readonly expiredEvidence: number;
  readonly overdueTests: number;
}

export interface SoaDocument {
  readonly soaId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly extensionCatalogueIds: readonly string[];
  readonly approval: {
    readonly status: ApprovalStatus;
    readonly version?: number;
    readonly digest?: string;
    readonly approvedBy?: string;
    readonly approverRole?: string;
    readonly approvedAt?: string;
    readonly reason?: string;
    readonly changedControls: readonly ControlRef[];
  };
  /** SHA-256 of what an approval now would cover (equal to the approved digest when nothing changed). */
  readonly currentDigest: string;
  readonly progress: SoaProgress;
  readonly migrations: SoaView['migrations'];
  readonly lines: readonly SoaLineView[];
}

function nearest<T extends { orgUnitId: string }>(
  entries: readonly T[],
  path: readonly string[],
): T | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const found = entries.find((e) => e.orgUnitId === path[i]);
    if (found) return found;
  }
  return undefined;
}

function inheritedFrom(groupControl: GroupControlView, path: readonly string[]): InheritedFrom {
  const status = nearest(groupControl.statuses, path);
  const deviation = nearest(groupControl.deviations, path.slice(1));
  return {
    groupControlId: groupControl.groupControlId,
    revision: groupControl.revision,
    title: groupControl.title,
    implementationDescription: groupControl.implementationDescription,
    ownerPersonId: groupControl.ownerPersonId,
    ...(groupControl.policyDocumentId ? { policyDocumentId: groupControl.policyDocumentId } : {}),
    status: status?.implementationStatus ?? 'not-reported',
    ...(status ? { statusReportedBy: status.reportedBy } : {}),
    ...(deviation
      ? {
          deviation: {
            orgUnitId: deviation.orgUnitId,
            deviation: deviation.deviation,
            reason: deviation.reason,
            decidedBy: deviation.decidedBy,
            decidedAt: deviation.decidedAt,
          },
        }
      : {}),
  };
}

/** The group control answering each control key (the earliest defined, if several). */
function groupControlsByKey(
  groupControls: readonly GroupControlView[],
): Map<string, GroupControlView> {
  const byKey = new Map<string, GroupControlView>();
  for (const gc of [...groupControls].sort((a, b) => (a.definedAt < b.definedAt ? -1 : 1))) {
    if (gc.status === 'active' && !byKey.has(gc.controlKey)) byKey.set(gc.controlKey, gc);
  }
  return byKey;
}

/** A line as approved: the recorded line without who/when. */
export function approvableLine(line: SoaView['lines'][number]): SoaLine {
  const { recordedBy: _b, recordedAt: _a, ...rest } = line;
  return rest;
}

/**
 * The controls a scope answers through group controls: those without a line of their own for
 * which an active group control of the tenant exists. This is what an approval digests.
 */
export function currentInherited(
  inputs: Pick<SoaInputs, 'soa' | 'catalogues' | 'groupControls' | 'orgUnitPath'>,
): InheritedSoaLine[] {
  const local = new Set(inputs.soa.lines.map(controlKey));
  const byKey = groupControlsByKey(inputs.groupControls);
  const inherited: InheritedSoaLine[] = [];
  for (const catalogue of inputs.catalogues) {
    for (const control of catalogue.controls) {
      const ref = { catalogueId: catalogue.catalogueId, controlId: control.controlId };
      const key = controlKey(ref);
      const gc = byKey.get(key);
      if (!gc || local.has(key)) continue;
      const from = inheritedFrom(gc, inputs.orgUnitPath);
      inherited.push({
        ...ref,
        groupControlId: gc.groupControlId,
        groupControlRevision: gc.revision,
        implementationStatus: from.status === 'not-reported' ? 'not-implemented' : from.status,
        ...(from.deviation ? { deviation: from.deviation.deviation } : {}),
      });
    }
  }
  return inherited;
}

export function assembleSoa(inputs: SoaInputs): SoaDocument {
  const { soa, today } = inputs;
  const byKey = groupControlsByKey(inputs.groupControls);
  const local = new Map(soa.lines.map((l) => [controlKey(l), l]));
  const gaps = new Map((soa.migrationGaps ?? []).map((g) => [controlKey(g), g]));
  const inherited = currentInherited(inputs);
  const inheritedByKey = new Map(inherited.map((i) => [controlKey(i), i]));

  const changed = new Set(soa.changedControls.map(controlKey));
  if (soa.approved && inputs.latestVersion) {
    const approvedInherited = new Map(
      inputs.latestVersion.inherited.map((i) => [controlKey(i), i]),
    );
    for (const key of new Set([...approvedInherited.keys(), ...inheritedByKey.keys()])) {
      if (local.has(key)) continue;
      const before = approvedInherited.get(key);
      const now = inheritedByKey.get(key);
      if (canonicalJson(before ?? null) !== canonicalJson(now ?? null)) changed.add(key);
    }
  }

  const lines: SoaLineView[] = [];
  for (const catalogue of inputs.catalogues) {
    for (const control of catalogue.controls) {
      const ref = { catalogueId: catalogue.catalogueId, controlId: control.controlId };
      const key = controlKey(ref);
      const own = local.get(key);
      const gc = byKey.get(key);
      const group = gc ? inheritedFrom(gc, inputs.orgUnitPath) : undefined;
      const risks = inputs.risks
        .filter((r) => r.status === 'open' && r.controlKeys.includes(key))
        .map((r) => {
          const treatment = r.treatmentControls.some((c) => controlKey(c) === key);
          const existing = r.existingControls.some((c) => controlKey(c) === key);
          return {
            riskId: r.riskId,
            title: r.title,
            link:
              treatment && existing
                ? ('both' as const)
                : treatment
                  ? ('treatment' as const)
                  : ('existing' as const),
          };
        });
      const evidence = inputs.evidence
        .filter((e) => e.status === 'active' && e.controlKeys.includes(key))
        .map((e) => ({
          evidenceId: e.evidenceId,
          title: e.title,
          evidenceType: e.evidenceType,
          collectedAt: e.collectedAt,
          ...(e.validUntil ? { validUntil: e.validUntil } : {}),
          expired: e.validUntil !== undefined && e.validUntil < today,
        }));
      const tests = inputs.testPlans
        .filter((t) => t.status === 'active' && t.controlKey === key)
        .map((t) => ({
          testPlanId: t.testPlanId,
          frequency: t.frequency,
          method: t.method,
          nextDueOn: t.nextDueOn,
          overdue: t.nextDueOn < today,
          ...(t.lastResult
            ? { lastResult: { result: t.lastResult.result, testedAt: t.lastResult.testedAt } }
            : {}),
        }));
      const base = {
        ...ref,
        title: control.title,
        groupId: control.groupId,
        ...(control.attributes ? { attributes: control.attributes } : {}),
        ...(group ? { groupControl: group } : {}),
        changedSinceApproval: changed.has(key),
        risks,
        evidence,
        tests,
      };
      if (own) {
        lines.push({
          ...base,
          answer: 'local',
          applicable: own.applicable,
          inclusionReasons: own.inclusionReasons,
          justification: own.justification,
          implementationStatus: own.implementationStatus,
          ...(own.ownerPersonId ? { ownerPersonId: own.ownerPersonId } : {}),
          ...(own.implementationDescription
            ? { implementationDescription: own.implementationDescription }
            : {}),
          ...(own.provenance ? { provenance: own.provenance } : {}),
          ...(own.provenance?.decisionNeeded
            ? { decisionNeeded: own.provenance.decisionNeeded }
            : {}),
          recordedBy: own.recordedBy,
          recordedAt: own.recordedAt,
        });
      } else if (gc && group) {
        const i = inheritedByKey.get(key)!;
        lines.push({
          ...base,
          answer: 'inherited',
          applicable: true,
          inclusionReasons: gc.inclusionReasons,
          justification: gc.justification,
          implementationStatus: i.implementationStatus,
          ownerPersonId: gc.ownerPersonId,
          implementationDescription: gc.implementationDescription,
        });
      } else {
        const gap = gaps.get(key);
        lines.push({
          ...base,
          answer: 'unanswered',
          inclusionReasons: [],
          ...(gap
            ? {
                provenance: {
                  migratedFrom: gap.migratedFrom,
                  sourceControlIds: gap.sourceControlIds,
                  decisionNeeded: gap.decisionNeeded as MigrationDecision,
                },
                decisionNeeded: gap.decisionNeeded,
              }
            : {}),
        });
      }
    }
  }

  const byStatus = Object.fromEntries(IMPLEMENTATION_STATUSES.map((s) => [s, 0])) as Record<
    ImplementationStatus,
    number
  >;
  for (const line of lines) if (line.implementationStatus) byStatus[line.implementationStatus] += 1;
  const applicable = lines.filter((l) => l.applicable === true).length;
  const progress: SoaProgress = {
    controls: lines.length,
    answered: lines.filter((l) => l.answer !== 'unanswered').length,
    unanswered: lines.filter((l) => l.answer === 'unanswered').length,
    applicable,
    excluded: lines.filter((l) => l.applicable === false).length,
    inherited: lines.filter((l) => l.answer === 'inherited').length,
    pendingDecisions: lines.filter((l) => l.decisionNeeded).length,
    byStatus,
    implementedPercent:
      applicable === 0 ? 0 : Math.round((byStatus.implemented / applicable) * 1000) / 10,
    expiredEvidence: lines.reduce((n, l) => n + l.evidence.filter((e) => e.expired).length, 0),
    overdueTests: lines.reduce((n, l) => n + l.tests.filter((t) => t.overdue).length, 0),
  };

  const changedControls = lines
    .filter((l) => l.changedSinceApproval)
    .map((l) => ({ catalogueId: l.catalogueId, controlId: l.controlId }));
  const currentDigest = soaDigest({
    catalogueId: soa.catalogueId,
    extensionCatalogueIds: soa.extensionCatalogueIds,
    lines: soa.lines.map(approvableLine),
    inherited,
  });
  const status: ApprovalStatus = !soa.approved
    ? 'not-approved'
    : changedControls.length > 0 || soa.changedControls.length > 0
      ? 'needs-re-approval'
      : 'approved';
  return {
    soaId: soa.soaId,
    scopeId: soa.scopeId,
    orgUnitId: soa.orgUnitId,
    catalogueId: soa.catalogueId,
    extensionCatalogueIds: soa.extensionCatalogueIds,
    approval: {
      status,
      ...(soa.approved ?? {}),
      changedControls: changedControls.length > 0 ? changedControls : [...soa.changedControls],
    },
    currentDigest,
    progress,
    migrations: soa.migrations,
    lines,
  };
}

// ─── Comparing two versions ─────────────────────────────────────────────────────────────────

export interface SoaContentForComparison {
  readonly label: string;
  readonly catalogueId: string;
  readonly lines: readonly SoaLine[];
  readonly inherited: readonly InheritedSoaLine[];
}

export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface SoaComparison {
  readonly from: string;
  readonly to: string;
  readonly catalogueChanged?: { readonly from: string; readonly to: string };
  readonly added: readonly ControlRef[];
  readonly removed: readonly ControlRef[];
  readonly changed: readonly (ControlRef & { readonly changes: readonly FieldChange[] })[];
  readonly unchanged: number;
}

function flatten(content: SoaContentForComparison): Map<string, Record<string, unknown>> {
  const entries = new Map<string, Record<string, unknown>>();
  for (const line of content.lines) {
    const { catalogueId: _c, controlId: _i, ...rest } = line;
    entries.set(controlKey(line), { answer: 'local', ...rest });
  }
  for (const i of content.inherited) {
    const { catalogueId: _c, controlId: _i, ...rest } = i;
    entries.set(controlKey(i), { answer: 'inherited', applicable: true, ...rest });
  }
  return entries;
}

function refOf(key: string): ControlRef {
  const at = key.indexOf(':');
  return { catalogueId: key.slice(0, at), controlId: key.slice(at + 1) };
}

/** Lines added, removed and changed (field by field) from one SoA version to another. */
export function compareSoaContents(
  from: SoaContentForComparison,
  to: SoaContentForComparison,
): SoaComparison {
  const before = flatten(from);
  const after = flatten(to);
  const added: ControlRef[] = [];
  const removed: ControlRef[] = [];
  const changed: (ControlRef & { changes: FieldChange[] })[] = [];
  let unchanged = 0;
  for (const [key, line] of after) {
    const previous = before.get(key);
    if (!previous) {
      added.push(refOf(key));
      continue;
    }
    const changes: FieldChange[] = [];
    for (const field of [...new Set([...Object.keys(previous), ...Object.keys(line)])].sort()) {
      if (canonicalJson(previous[field] ?? null) !== canonicalJson(line[field] ?? null)) {
        changes.push({ field, from: previous[field] ?? null, to: line[field] ?? null });
      }
    }
    if (changes.length > 0) changed.push({ ...refOf(key), changes });
    else unchanged += 1;
  }
  for (const key of before.keys()) if (!after.has(key)) removed.push(refOf(key));
  return {
    from: from.label,
    to: to.label,
    ...(from.catalogueId !== to.catalogueId
      ? { catalogueChanged: { from: from.catalogueId, to: to.catalogueId } }
      : {}),
    added,
    removed,
    changed,
    unchanged,
  };
}
