import { MANDATORY_DOCUMENT_CLAUSES, MANDATORY_DOCUMENT_TYPES } from '@isms/contracts';
import type {
  MandatoryDocumentType,
  RiskLevelDefinition,
  RiskMethodologyDefinition,
  RiskScaleLevel,
} from '@isms/contracts';
import { correctiveActionOverdue } from '../projections/audit/audit.projection.js';
import type {
  DocumentDoc,
  EngagementDoc,
  FindingDoc,
  MethodologyDoc,
  OrgUnitDoc,
  RiskDoc,
  ScopeDoc,
  SoaDoc,
  SoaLineDoc,
} from '../projections/read-models.js';
import type { ReportData } from './report-data.js';

// ─── Certification readiness ────────────────────────────────────────────────────────────────

export type ReadinessStatus = 'present' | 'stale' | 'missing';

export interface ReadinessSource {
  readonly kind: 'document' | 'record';
  readonly id: string;
  readonly title: string;
  readonly status: ReadinessStatus;
  /** Why it counts as it does, e.g. "review was due 2026-01-31". */
  readonly detail: string;
}

export interface ReadinessItem {
  readonly type: MandatoryDocumentType;
  readonly clause: string;
  readonly status: ReadinessStatus;
  readonly reasons: readonly string[];
  readonly sources: readonly ReadinessSource[];
}

export interface ReadinessReport {
  readonly scopeId: string;
  readonly scopeName: string;
  readonly asOf: string;
  /** True when all fifteen types are present (a missing one blocks stage 2). */
  readonly ready: boolean;
  readonly summary: Record<ReadinessStatus, number>;
  readonly items: readonly ReadinessItem[];
}

function documentSource(doc: DocumentDoc, today: string): ReadinessSource {
  const base = { kind: 'document' as const, id: doc.documentId, title: doc.title };
  if (doc.approvedVersion === null) {
    return {
      ...base,
      status: 'stale',
      detail:
        doc.latestVersion === null
          ? 'registered, but no version uploaded and none approved'
          : `version ${doc.latestVersion} uploaded but never approved (approval missing)`,
    };
  }
  if (doc.nextReviewDue !== null && doc.nextReviewDue < today) {
    return {
      ...base,
      status: 'stale',
      detail: `version ${doc.approvedVersion} approved, but its review was due ${doc.nextReviewDue}`,
    };
  }
  const pending =
    doc.latestVersion !== null && doc.latestVersion > doc.approvedVersion
      ? `; version ${doc.latestVersion} awaits approval`
      : '';
  return {
    ...base,
    status: 'present',
    detail: `version ${doc.approvedVersion} approved ${doc.approvedAt?.slice(0, 10) ?? ''}, next review ${doc.nextReviewDue ?? 'not set'}${pending}`,
  };
}

function record(
  id: string,
  title: string,
  status: ReadinessStatus,
  detail: string,
): ReadinessSource {
  return { kind: 'record', id, title, status, detail };
}

/** What the platform's own records say about a mandatory type (beyond uploaded documents). */
function recordSources(
  type: MandatoryDocumentType,
  ctx: {
    scope: ScopeDoc;
    rootMethodology: MethodologyDoc | undefined;
    risks: readonly RiskDoc[];
    soa: SoaDoc | undefined;
    plans: readonly { lastResult: string | null; nextDueOn: string; retired: boolean }[];
    engagements: readonly EngagementDoc[];
    findings: readonly FindingDoc[];
    today: string;
  },
): ReadinessSource[] {
  const { scope, today } = ctx;
  const open = ctx.risks.filter((r) => r.status !== 'closed');
  switch (type) {
    case 'isms-scope':
      if (scope.status === 'approved') {
        return [
          record(
            scope.scopeId,
            scope.name,
            'present',
            `version ${scope.approvedVersion} approved ${scope.approvedAt?.slice(0, 10)}`,
          ),
        ];
      }
      return [
        record(
          scope.scopeId,
          scope.name,
          'stale',
          scope.status === 'draft'
            ? `version ${scope.version} drafted, never approved (approval missing)`
            : `version ${scope.version} revised, awaits approval (version ${scope.approvedVersion} approved)`,
        ),
      ];
    case 'risk-assessment-process':
      return ctx.rootMethodology
        ? [
            record(
              `risk-methodology-${ctx.rootMethodology.orgUnitId}`,
              'Risk methodology',
              'present',
              `version ${ctx.rootMethodology.version} adopted ${ctx.rootMethodology.adoptedAt.slice(0, 10)}`,
            ),
          ]
        : [];
    case 'risk-assessment-results': {
      if (open.length === 0) return [];
      const unassessed = open.filter((r) => r.inherent === null).length;
      const overdue = open.filter(
        (r) => r.nextReviewDue !== null && r.nextReviewDue < today,
      ).length;
      const problems = [
        ...(unassessed ? [`${unassessed} open risk(s) not assessed`] : []),
        ...(overdue ? [`${overdue} risk review(s) overdue`] : []),
      ];
      return [
        record(
          'risk-register',
          'Risk register',
          problems.length ? 'stale' : 'present',
          problems.length
            ? problems.join('; ')
            : `${open.length} open risk(s), all assessed and reviewed on time`,
        ),
      ];
    }
    case 'risk-treatment-process':
    case 'risk-treatment-decisions': {
      const sources: ReadinessSource[] = [];
      if (ctx.soa) {
        const soaStatus: ReadinessStatus =
          ctx.soa.approvedVersion !== null && !ctx.soa.needsReapproval ? 'present' : 'stale';
        sources.push(
          record(
            ctx.soa.soaId,
            'Statement of Applicability',
            soaStatus,
            ctx.soa.approvedVersion === null
              ? 'never approved (approval missing)'
              : ctx.soa.needsReapproval
                ? `version ${ctx.soa.approvedVersion} approved, changed since: needs re-approval`
                : `version ${ctx.soa.approvedVersion} approved ${ctx.soa.approvedAt?.slice(0, 10)}`,
          ),
        );
      }
      if (type === 'risk-treatment-decisions' && open.length > 0) {
        const undecided = open.filter((r) => r.inherent !== null && r.treatment === null).length;
        const stale = open.filter((r) => r.acceptance?.status === 'needs-re-approval').length;
        const problems = [
          ...(undecided ? [`${undecided} assessed risk(s) without a treatment decision`] : []),
          ...(stale ? [`${stale} acceptance(s) need re-approval`] : []),
        ];
        sources.push(
          record(
            'risk-treatment',
            'Risk treatment decisions',
            problems.length ? 'stale' : 'present',
            problems.length ? problems.join('; ') : 'every assessed risk has a treatment decision',
          ),
        );
      }
      return sources;
    }
    case 'monitoring-and-measurement-evidence': {
      const plans = ctx.plans.filter((p) => !p.retired);
      if (plans.length === 0) return [];
      const tested = plans.filter((p) => p.lastResult !== null).length;
      const overdue = plans.filter((p) => p.nextDueOn < today).length;
      const status: ReadinessStatus = tested === 0 || overdue > 0 ? 'stale' : 'present';
      return [
        record(
          'control-tests',
          'Control effectiveness tests',
          status,
          `${tested} of ${plans.length} test plan(s) with a result${overdue ? `; ${overdue} test(s) overdue` : ''}`,
        ),
      ];
    }
    case 'internal-audit-programme-and-results': {
      const internal = ctx.engagements.filter((e) => e.kind === 'internal');
      if (internal.length === 0) return [];
      const reported = internal.filter((e) => e.reportedAt !== null);
      const last = reported
        .map((e) => e.reportedAt!)
        .sort()
        .at(-1);
      return [
        record(
          'internal-audits',
          'Internal audits',
          reported.length > 0 ? 'present' : 'stale',
          reported.length > 0
            ? `${reported.length} internal audit(s) reported, the last on ${last!.slice(0, 10)}; ${internal.length - reported.length} more planned or running`
            : `${internal.length} internal audit(s) planned, none reported yet`,
        ),
      ];
    }
    case 'nonconformities-and-corrective-actions': {
      const ncs = ctx.findings.filter((f) => f.nonconformity);
      const reported = ctx.engagements.some((e) => e.reportedAt !== null);
      if (ncs.length === 0) {
        return reported
          ? [
              record(
                'nonconformities',
                'Nonconformities',
                'present',
                'audits reported, no nonconformity raised',
              ),
            ]
          : [];
      }
      const open = ncs.filter((f) => f.closedAt === null);
      const noAction = open.filter((f) => f.correctiveAction === null).length;
      const overdue = open.filter((f) => correctiveActionOverdue(f, today)).length;
      const problems = [
        ...(noAction ? [`${noAction} open nonconformity(ies) without a corrective action`] : []),
        ...(overdue ? [`${overdue} corrective action(s) overdue`] : []),
      ];
      return [
        record(
          'nonconformities',
          'Nonconformities and corrective actions',
          problems.length ? 'stale' : 'present',
          problems.length
            ? problems.join('; ')
            : `${ncs.length} nonconformity(ies) recorded, ${open.length} open, each with a corrective action on time`,
        ),
      ];
    }
    default:
      return [];
  }
}

/** The fifteen mandatory types of documented information (DOMAIN.md) for one scope. */
export async function readiness(data: ReportData, scope: ScopeDoc): Promise<ReadinessReport> {
  const [documents, methodologies, units, risks, soas, plans, engagements, findings] =
    await Promise.all([
      data.documents({ scopeIds: scope.scopeId }),
      data.methodologies(),
      data.orgUnits(),
      data.risks({ scopeId: scope.scopeId }),
      data.soas({ scopeId: scope.scopeId }),
      data.testPlans({ scopeId: scope.scopeId }),
      data.engagements({ scopeId: scope.scopeId }),
      data.findings({ scopeId: scope.scopeId }),
    ]);
  const root = units.find((u) => u.parentId === null);
  const rootMethodology = methodologies.find(
    (m) => m.kind === 'adopted' && (!root || m.orgUnitId === root.orgUnitId),
  );
  const live = documents.filter((d) => d.withdrawnAt === null);
  const items = MANDATORY_DOCUMENT_TYPES.map((type): ReadinessItem => {
    const sources = [
      ...live
        .filter((d) => d.mandatoryTypes.includes(type))
        .map((d) => documentSource(d, data.today)),
      ...recordSources(type, {
        scope,
        rootMethodology,
        risks,
        soa: soas[0],
        plans,
        engagements,
        findings,
        today: data.today,
      }),
    ];
    const status: ReadinessStatus = sources.some((s) => s.status === 'present')
      ? 'present'
      : sources.length > 0
        ? 'stale'
        : 'missing';
    const reasons =
      status === 'missing'
        ? [
            'no document registered for this scope answers this type, and no record of the platform does',
          ]
        : sources.filter((s) => s.status === status).map((s) => `${s.title}: ${s.detail}`);
    return { type, clause: MANDATORY_DOCUMENT_CLAUSES[type], status, reasons, sources };
  });
  const summary = { present: 0, stale: 0, missing: 0 };
  for (const item of items) summary[item.status] += 1;
  return {
    scopeId: scope.scopeId,
    scopeName: scope.name,
    asOf: data.now.toISOString(),
    ready: summary.present === items.length,
    summary,
    items,
  };
}

// ─── Statement of Applicability ─────────────────────────────────────────────────────────────

export interface SoaReportLine extends SoaLineDoc {
  readonly risks: readonly { riskId: string; title: string; level: string | null }[];
  readonly lastTestResult: string | null;
  readonly nextTestDue: string | null;
  readonly validEvidence: number;
  readonly expiredEvidence: number;
}

export interface SoaReport {
  readonly scopeId: string;
  readonly scopeName: string;
  readonly asOf: string;
  readonly soa: SoaDoc | null;
  readonly summary: {
    readonly lines: number;
    readonly applicable: number;
    readonly excluded: number;
    readonly byImplementationStatus: Record<string, number>;
    readonly implementationProgress: number | null;
    readonly decisionsNeeded: number;
  };
  readonly lines: readonly SoaReportLine[];
}

export async function soaReport(data: ReportData, scope: ScopeDoc): Promise<SoaReport> {
  const [soas, allLines, risks, plans, evidence] = await Promise.all([
    data.soas({ scopeId: scope.scopeId }),
    data.soaLines({ scopeId: scope.scopeId }),
    data.risks({ scopeId: scope.scopeId }),
    data.testPlans({ scopeId: scope.scopeId }),
    data.evidence({ scopeId: scope.scopeId }),
  ]);
  const soa = soas[0] ?? null;
  const catalogues = soa ? new Set([soa.catalogueId, ...soa.extensionCatalogueIds]) : new Set();
  const lines = allLines
    .filter((l) => catalogues.has(l.catalogueId))
    .sort((a, b) =>
      a.catalogueId === b.catalogueId
        ? a.controlId.localeCompare(b.controlId, 'en', { numeric: true })
        : a.catalogueId.localeCompare(b.catalogueId),
    );
  const openRisks = risks.filter((r) => r.status !== 'closed');
  const reportLines = lines.map((line): SoaReportLine => {
    const plan = plans.filter((p) => p.controlKey === line.controlKey && !p.retired)[0];
    const proofs = evidence.filter((e) => !e.withdrawn && e.controlKeys.includes(line.controlKey));
    const expired = proofs.filter((e) => e.validUntil !== null && e.validUntil < data.today).length;
    return {
      ...line,
      risks: openRisks
        .filter((r) => r.linkedControls.includes(line.controlKey))
        .map((r) => ({ riskId: r.riskId, title: r.title, level: r.current?.level ?? null })),
      lastTestResult: plan?.lastResult ?? null,
      nextTestDue: plan?.nextDueOn ?? null,
      validEvidence: proofs.length - expired,
      expiredEvidence: expired,
    };
  });
  const applicable = lines.filter((l) => l.applicable);
  const byImplementationStatus: Record<string, number> = {};
  for (const l of lines) {
    byImplementationStatus[l.implementationStatus] =
      (byImplementationStatus[l.implementationStatus] ?? 0) + 1;
  }
  const implemented = applicable.filter((l) => l.implementationStatus === 'implemented').length;
  return {
    scopeId: scope.scopeId,
    scopeName: scope.name,
    asOf: data.now.toISOString(),
    soa,
    summary: {
      lines: lines.length,
      applicable: applicable.length,
      excluded: lines.length - applicable.length,
      byImplementationStatus,
      implementationProgress:
        applicable.length === 0 ? null : Math.round((implemented / applicable.length) * 1000) / 10,
      decisionsNeeded: lines.filter((l) => l.decisionNeeded !== null).length,
    },
    lines: reportLines,
  };
}

// ─── Risk register and heat map ─────────────────────────────────────────────────────────────

export interface HeatMapCell {
  readonly likelihood: number;
  readonly impact: number;
  readonly level: string | null;
  readonly count: number;
  readonly riskIds: readonly string[];
}

export interface HeatMap {
  readonly basis: 'current' | 'inherent' | 'residual';
  readonly likelihoodScale: readonly RiskScaleLevel[];
  readonly impactScale: readonly RiskScaleLevel[];
  readonly levels: readonly Pick<RiskLevelDefinition, 'id' | 'label'>[];
  readonly cells: readonly HeatMapCell[];
  /** Open risks not rated on this basis yet. */
  readonly unrated: number;
}

export interface RiskRegisterReport {
  readonly scopeId: string;
  readonly scopeName: string;
  readonly asOf: string;
  readonly summary: {
    readonly open: number;
    readonly closed: number;
    readonly aboveAppetite: number;
    readonly byLevel: Record<string, number>;
    readonly overdueTreatmentActions: number;
    readonly overdueReviews: number;
    readonly acceptancesNeedingReapproval: number;
  };
  readonly risks: readonly (RiskDoc & { overdueActions: number; reviewOverdue: boolean })[];
  readonly heatMap: HeatMap;
}

/** The methodology in force for an org unit: the root's, with refinements along the path applied. */
export function methodologyFor(
  unit: OrgUnitDoc | undefined,
  methodologies: readonly MethodologyDoc[],
): Partial<RiskMethodologyDefinition> {
  const byUnit = new Map(methodologies.map((m) => [m.orgUnitId, m]));
  let definition: Partial<RiskMethodologyDefinition> = {};
  for (const id of unit?.path ?? []) {
    const m = byUnit.get(id);
    if (m) definition = { ...definition, ...withMatrix(m) };
  }
  if (!unit || Object.keys(definition).length === 0) {
    const adopted = methodologies.find((m) => m.kind === 'adopted');
    if (adopted) definition = withMatrix(adopted);
  }
  return definition;
}

function withMatrix(m: MethodologyDoc): Partial<RiskMethodologyDefinition> {
  return {
    ...m.definition,
    ...(m.matrixRows ? { matrix: m.matrixRows.map((row) => row.levels) } : {}),
  };
}

export function heatMap(
  risks: readonly RiskDoc[],
  methodology: Partial<RiskMethodologyDefinition>,
  basis: HeatMap['basis'],
): HeatMap {
  const rated = risks
    .filter((r) => r.status !== 'closed')
    .map((r) => ({ r, rating: basis === 'current' ? r.current : r[basis] }));
  const likelihoodScale = methodology.likelihoodScale ?? [];
  const impactScale = methodology.impactScale ?? [];
  const maxL = Math.max(likelihoodScale.length, ...rated.map((x) => x.rating?.likelihood ?? 0));
  const maxI = Math.max(impactScale.length, ...rated.map((x) => x.rating?.impact ?? 0));
  const cells: HeatMapCell[] = [];
  for (let l = maxL; l >= 1; l -= 1) {
    for (let i = 1; i <= maxI; i += 1) {
      const inCell = rated.filter((x) => x.rating?.likelihood === l && x.rating.impact === i);
      cells.push({
        likelihood: l,
        impact: i,
        level: methodology.matrix?.[l - 1]?.[i - 1] ?? inCell[0]?.rating?.level ?? null,
        count: inCell.length,
        riskIds: inCell.map((x) => x.r.riskId),
      });
    }
  }
  return {
    basis,
    likelihoodScale,
    impactScale,
    levels: (methodology.levels ?? []).map(({ id, label }) => ({ id, label })),
    cells,
    unrated: rated.filter((x) => !x.rating).length,
  };
}

export async function riskRegister(
  data: ReportData,
  scope: ScopeDoc,
  options: { includeClosed?: boolean; basis?: HeatMap['basis'] } = {},
): Promise<RiskRegisterReport> {
  const [risks, units, methodologies] = await Promise.all([
    data.risks({ scopeId: scope.scopeId }),
    data.orgUnits(),
    data.methodologies(),
  ]);
  const open = risks.filter((r) => r.status !== 'closed');
  const listed = (options.includeClosed ? risks : open)
    .map((r) => {
      const overdueActions = r.actions.filter(
        (a) => !a.completedAt && a.dueDate < data.today,
      ).length;
      return {
        ...r,
        overdueActions,
        reviewOverdue: r.nextReviewDue !== null && r.nextReviewDue < data.today,
      };
    })
    .sort(
      (a, b) =>
        (b.current?.levelRank ?? -1) - (a.current?.levelRank ?? -1) ||
        a.title.localeCompare(b.title),
    );
  const byLevel: Record<string, number> = {};
  for (const r of open) {
    const level = r.current?.level ?? 'unrated';
    byLevel[level] = (byLevel[level] ?? 0) + 1;
  }
  const owner = units.find((u) => u.orgUnitId === scope.ownerOrgUnitId);
  return {
    scopeId: scope.scopeId,
    scopeName: scope.name,
    asOf: data.now.toISOString(),
    summary: {
      open: open.length,
      closed: risks.length - open.length,
      aboveAppetite: open.filter((r) => r.aboveAppetite).length,
      byLevel,
      overdueTreatmentActions: listed.reduce(
        (n, r) => n + (r.status === 'closed' ? 0 : r.overdueActions),
        0,
      ),
      overdueReviews: open.filter((r) => r.nextReviewDue !== null && r.nextReviewDue < data.today)
        .length,
      acceptancesNeedingReapproval: open.filter((r) => r.acceptance?.status === 'needs-re-approval')
        .length,
    },
    risks: listed,
    heatMap: heatMap(risks, methodologyFor(owner, methodologies), options.basis ?? 'current'),
  };
}
