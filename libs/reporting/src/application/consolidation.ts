import { correctiveActionOverdue } from '../projections/audit/audit.projection.js';
import { certificateInForce } from '../projections/certificates/certificates.projection.js';
import type {
  CertificateDoc,
  DeviationDoc,
  EngagementDoc,
  EvidenceDoc,
  FindingDoc,
  OrgUnitDoc,
  RiskCountersDoc,
  RiskDoc,
  ScopeDoc,
  SoaDoc,
  SoaLineDoc,
  TestPlanDoc,
} from '../projections/read-models.js';
import { ReportingCollections as RC } from '../projections/read-models.js';
import {
  countAllBefore,
  decodeKey,
  decodedCounts,
  entriesBefore,
  sumRiskCounters,
} from '../projections/risk/risk-counters.js';
import type { RiskCounterSums } from '../projections/risk/risk-counters.js';
import type { ReportData } from './report-data.js';

/** What the group consolidation counts for one org unit's subtree. */
export interface UnitCounters {
  readonly risks: {
    readonly open: number;
    readonly byLevel: Record<string, number>;
    readonly byStatus: Record<string, number>;
    readonly aboveAppetite: number;
    readonly overdueTreatmentActions: number;
    readonly risksWithOverdueActions: number;
    readonly overdueReviews: number;
    readonly acceptancesNeedingReapproval: number;
  };
  readonly soa: {
    readonly statements: number;
    readonly awaitingApproval: number;
    readonly applicable: number;
    readonly excluded: number;
    readonly implemented: number;
    readonly partiallyImplemented: number;
    readonly planned: number;
    readonly notImplemented: number;
    /** Implemented applicable controls, in % of applicable ones (null without any). */
    readonly implementationProgress: number | null;
  };
  readonly controls: { readonly ineffective: number; readonly overdueTests: number };
  readonly evidence: { readonly expired: number; readonly expiringWithin30Days: number };
  /** Justified exceptions from group controls; stale once the group control was revised since. */
  readonly exceptions: { readonly open: number; readonly stale: number };
  readonly scopeCoverage: {
    readonly unitsInApprovedScope: number;
    readonly unitsOutside: number;
    /** Inside an approved scope whose certificate is in force on the report's day. */
    readonly unitsCertified: number;
    readonly unitsNotCertified: number;
  };
  readonly audit: {
    /** Open findings by grade (major/minor nonconformity, observation, opportunity for improvement). */
    readonly openFindingsByGrade: Record<string, number>;
    readonly openNonconformities: number;
    /** Not implemented by their due date. */
    readonly overdueCorrectiveActions: number;
    /** Planned engagements starting within 30 days (or already due to start). */
    readonly auditsDue: number;
    /** Planned engagements whose planned end has passed without them starting. */
    readonly auditsOverdue: number;
  };
}

export interface UnitCoverage {
  readonly orgUnitId: string;
  readonly name: string;
  readonly kind: string;
  readonly inApprovedScope: boolean;
  /**
   * True when an approved scope that includes the unit has a certificate in force on the report's
   * day (suspended, withdrawn, superseded or expired certificates do not count).
   */
  readonly inCertifiedScope: boolean;
  /** The certificate in force that covers the unit (the latest valid one if several scopes do). */
  readonly certificate: UnitCertificate | null;
  readonly scopes: readonly { scopeId: string; name: string; status: string; certified: boolean }[];
}

export interface UnitCertificate {
  readonly certificateId: string;
  readonly scopeId: string;
  readonly certificationBody: string;
  readonly certificateNumber: string;
  readonly standard: string;
  readonly issuedOn: string;
  readonly validUntil: string;
}

/** What the counts read of an SoA line, a test plan and an evidence record. */
export type SoaLineCount = Pick<SoaLineDoc, 'orgUnitId' | 'applicable' | 'implementationStatus'>;
export type TestPlanCount = Pick<TestPlanDoc, 'orgUnitId' | 'retired' | 'lastResult' | 'nextDueOn'>;
export type EvidenceCount = Pick<EvidenceDoc, 'orgUnitId' | 'withdrawn' | 'validUntil'>;
const SOA_LINE_COUNT = ['orgUnitId', 'applicable', 'implementationStatus'] as const;
const TEST_PLAN_COUNT = ['orgUnitId', 'retired', 'lastResult', 'nextDueOn'] as const;
const EVIDENCE_COUNT = ['orgUnitId', 'withdrawn', 'validUntil'] as const;

export interface ConsolidationEntities {
  /** The summed risk counters of the units. */
  readonly risks: RiskCounterSums;
  readonly soas: readonly SoaDoc[];
  readonly soaLines: readonly SoaLineCount[];
  readonly testPlans: readonly TestPlanCount[];
  readonly evidence: readonly EvidenceCount[];
  readonly findings: readonly FindingDoc[];
  readonly engagements: readonly EngagementDoc[];
  readonly deviations: readonly DeviationDoc[];
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The org units each scope covers: its included units' subtrees minus excluded subtrees. */
export function scopeCoverage(scope: ScopeDoc, units: readonly OrgUnitDoc[]): Set<string> {
  const included = new Set(scope.includedOrgUnitIds);
  const excluded = new Set(
    scope.exclusions.map((e) => e.orgUnitId).filter((id): id is string => !!id),
  );
  const covered = new Set<string>();
  for (const unit of units) {
    const inIncluded = unit.path.some((id) => included.has(id));
    const inExcluded = unit.path.some((id) => excluded.has(id));
    if (inIncluded && !inExcluded) covered.add(unit.orgUnitId);
  }
  return covered;
}

/**
 * Per unit: the scopes covering it, whether one of them is approved, and whether an approved one
 * has a certificate in force on `today` (the report's day).
 */
export function coverageOf(
  units: readonly OrgUnitDoc[],
  scopes: readonly ScopeDoc[],
  certificates: readonly CertificateDoc[],
  today: string,
): Map<string, UnitCoverage> {
  const inForce = new Map<string, CertificateDoc>();
  for (const c of certificates) {
    if (!certificateInForce(c, today)) continue;
    const known = inForce.get(c.scopeId);
    if (!known || known.validUntil < c.validUntil) inForce.set(c.scopeId, c);
  }
  const coverageByScope = scopes.map((scope) => ({
    scope,
    covered: scopeCoverage(scope, units),
    certificate: scope.approvedVersion !== null ? inForce.get(scope.scopeId) : undefined,
  }));
  const result = new Map<string, UnitCoverage>();
  for (const unit of units) {
    const covering = coverageByScope.filter((c) => c.covered.has(unit.orgUnitId));
    const certified = covering
      .flatMap((c) => (c.certificate ? [c.certificate] : []))
      .sort((a, b) => b.validUntil.localeCompare(a.validUntil))[0];
    result.set(unit.orgUnitId, {
      orgUnitId: unit.orgUnitId,
      name: unit.name,
      kind: unit.kind,
      inApprovedScope: covering.some((c) => c.scope.approvedVersion !== null),
      inCertifiedScope: certified !== undefined,
      certificate: certified
        ? {
            certificateId: certified.certificateId,
            scopeId: certified.scopeId,
            certificationBody: certified.certificationBody,
            certificateNumber: certified.certificateNumber,
            standard: certified.standard,
            issuedOn: certified.issuedOn,
            validUntil: certified.validUntil,
          }
        : null,
      scopes: covering.map((c) => ({
        scopeId: c.scope.scopeId,
        name: c.scope.name,
        status: c.scope.status,
        certified: c.certificate !== undefined,
      })),
    });
  }
  return result;
}

/** Counts over the entities of a set of org units, judged on `today`. */
export function countersFor(
  entities: ConsolidationEntities,
  coverage: readonly UnitCoverage[],
  today: string,
): UnitCounters {
  const applicable = entities.soaLines.filter((l) => l.applicable);
  const status = (s: string) => applicable.filter((l) => l.implementationStatus === s).length;
  const implemented = status('implemented');
  const in30 = addDays(today, 30);
  const plans = entities.testPlans.filter((p) => !p.retired);
  const liveEvidence = entities.evidence.filter((e) => !e.withdrawn && e.validUntil);
  const inScope = coverage.filter((c) => c.inApprovedScope).length;
  const certified = coverage.filter((c) => c.inCertifiedScope).length;
  return {
    risks: riskCountersOn(entities.risks, today),
    soa: {
      statements: entities.soas.length,
      awaitingApproval: entities.soas.filter((s) => s.approvedVersion === null || s.needsReapproval)
        .length,
      applicable: applicable.length,
      excluded: entities.soaLines.length - applicable.length,
      implemented,
      partiallyImplemented: status('partially-implemented'),
      planned: status('planned'),
      notImplemented: status('not-implemented'),
      implementationProgress:
        applicable.length === 0 ? null : Math.round((implemented / applicable.length) * 1000) / 10,
    },
    controls: {
      ineffective: plans.filter(
        (p) => p.lastResult === 'not-effective' || p.lastResult === 'partially-effective',
      ).length,
      overdueTests: plans.filter((p) => p.nextDueOn < today).length,
    },
    evidence: {
      expired: liveEvidence.filter((e) => e.validUntil! < today).length,
      expiringWithin30Days: liveEvidence.filter(
        (e) => e.validUntil! >= today && e.validUntil! <= in30,
      ).length,
    },
    exceptions: {
      open: entities.deviations.filter((d) => !d.withdrawn).length,
      stale: entities.deviations.filter((d) => d.stale).length,
    },
    scopeCoverage: {
      unitsInApprovedScope: inScope,
      unitsOutside: coverage.length - inScope,
      unitsCertified: certified,
      unitsNotCertified: coverage.length - certified,
    },
    audit: auditCounters(entities, today, in30),
  };
}

/** The risk counts of summed unit counters, the time-dependent ones judged on `today`. */
export function riskCountersOn(sums: RiskCounterSums, today: string): UnitCounters['risks'] {
  return {
    open: sums.open,
    byLevel: decodedCounts(sums.byLevel),
    byStatus: decodedCounts(sums.byStatus),
    aboveAppetite: sums.aboveAppetite,
    overdueTreatmentActions: countAllBefore(sums.openActionsByDueDate, today),
    risksWithOverdueActions: countAllBefore(sums.risksByFirstOpenActionDue, today),
    overdueReviews: countAllBefore(sums.reviewsByDueDate, today),
    acceptancesNeedingReapproval: sums.acceptancesNeedingReapproval,
  };
}

function auditCounters(entities: ConsolidationEntities, today: string, in30: string) {
  const open = entities.findings.filter((f) => f.closedAt === null);
  const byGrade: Record<string, number> = {};
  for (const f of open) byGrade[f.grade] = (byGrade[f.grade] ?? 0) + 1;
  const planned = entities.engagements.filter((e) => e.status === 'planned');
  return {
    openFindingsByGrade: byGrade,
    openNonconformities: open.filter((f) => f.nonconformity).length,
    overdueCorrectiveActions: open.filter((f) => correctiveActionOverdue(f, today)).length,
    auditsDue: planned.filter((e) => e.plannedStart.slice(0, 10) <= in30).length,
    auditsOverdue: planned.filter((e) => e.plannedEnd.slice(0, 10) < today).length,
  };
}

export interface ConsolidationReport {
  readonly asOf: string;
  readonly orgUnit: { orgUnitId: string; name: string; kind: string };
  /** Root → this unit, for a breadcrumb. */
  readonly path: readonly { orgUnitId: string; name: string }[];
  /** The whole subtree you may see. */
  readonly totals: UnitCounters;
  /** This unit's own entities (not its children's). */
  readonly own: UnitCounters;
  /** One roll-up per child unit: drill down with `orgUnitId=<child>`. */
  readonly children: readonly {
    orgUnitId: string;
    name: string;
    kind: string;
    inApprovedScope: boolean;
    inCertifiedScope: boolean;
    counters: UnitCounters;
  }[];
  /** Every unit of the subtree: inside an approved (and a certified) ISMS scope or not, and which. */
  readonly coverage: readonly UnitCoverage[];
  /** What needs someone's attention, where (at most 100 of each, most urgent first). */
  readonly attention: {
    readonly risksAboveAppetite: readonly {
      riskId: string;
      title: string;
      level: string | null;
      orgUnitId: string;
      orgUnitName: string;
      scopeId: string;
    }[];
    readonly soasAwaitingApproval: readonly {
      scopeId: string;
      scopeName: string;
      orgUnitId: string;
      orgUnitName: string;
      reason: string;
    }[];
    readonly overdueTreatmentActions: readonly {
      riskId: string;
      title: string;
      actionTitle: string;
      dueDate: string;
      orgUnitName: string;
    }[];
    readonly overdueCorrectiveActions: readonly {
      findingId: string;
      title: string;
      grade: string;
      dueDate: string;
      orgUnitName: string;
    }[];
  };
}

const ATTENTION_LIMIT = 100;

/**
 * The risks the attention lists need, read by their attention fields instead of reading the
 * subtree's risks: open risks above appetite, highest rank first, as many per rank (in id order)
 * as the first 100 need; and the risks holding the earliest overdue actions, up to the due date
 * where the counters say 100 overdue actions are reached (ties on that date included), in id
 * order. Sorted as the lists sort them, the first 100 are the same as over every risk.
 */
async function riskAttention(
  data: ReportData,
  totals: RiskCounterSums,
  allCounters: readonly RiskCountersDoc[],
  inSubtree: ReadonlySet<string>,
  ids: readonly string[],
) {
  // Filter by unit only when risks outside the subtree could match (the whole group needs none).
  const outside = allCounters.filter((c) => !inSubtree.has(c.orgUnitId));
  const unitFilter = (relevant: (c: RiskCountersDoc) => boolean) =>
    outside.some(relevant) ? { orgUnitId: { $in: ids } } : {};

  const aboveAppetite: RiskDoc[] = [];
  const ranks = Object.keys(totals.aboveAppetiteByRank)
    .filter((k) => totals.aboveAppetiteByRank[k]! > 0)
    .map((k) => Number(decodeKey(k)))
    .sort((a, b) => b - a);
  const rankFilter = unitFilter((c) => c.aboveAppetite > 0);
  for (const rank of ranks) {
    const need = ATTENTION_LIMIT - aboveAppetite.length;
    if (need <= 0) break;
    aboveAppetite.push(
      ...(await data.risks({ attentionRank: rank, ...rankFilter }, { limit: need })),
    );
  }

  const dueDates: string[] = [];
  let actions = 0;
  for (const [day, n] of entriesBefore(totals.openActionsByDueDate, data.today)) {
    if (actions >= ATTENTION_LIMIT) break;
    dueDates.push(day);
    actions += n;
  }
  const withOverdueActions =
    dueDates.length === 0
      ? []
      : await data.risks({
          openActionDueDates: { $in: dueDates },
          ...unitFilter((c) => c.openActionsByDueDate !== ''),
        });
  return { aboveAppetite, withOverdueActions };
}

/**
 * The group consolidation for one org unit: every count rolled up over its subtree (restricted
 * to `visible` units), with one roll-up per child to drill down from group to subsidiary to site.
 */
export async function consolidation(
  data: ReportData,
  orgUnitId: string,
  visible: ReadonlySet<string>,
): Promise<ConsolidationReport | undefined> {
  const units = await data.orgUnits();
  const byId = new Map(units.map((u) => [u.orgUnitId, u]));
  const unit = byId.get(orgUnitId);
  if (!unit) return undefined;
  const subtree = units.filter(
    (u) => !u.closed && u.path.includes(orgUnitId) && visible.has(u.orgUnitId),
  );
  const ids = subtree.map((u) => u.orgUnitId);
  const inSubtree = new Set(ids);
  const inUnits = { orgUnitId: { $in: ids } };
  const [
    riskCounters,
    soas,
    soaLines,
    testPlans,
    evidence,
    scopes,
    findings,
    engagements,
    deviations,
    certificates,
  ] = await Promise.all([
    // Every unit's counters of the tenant (a few hundred documents): those outside the subtree
    // tell whether the attention lists must filter risks by unit.
    data.riskCounters(),
    data.soas(inUnits),
    data.fieldsOf<SoaLineDoc, (typeof SOA_LINE_COUNT)[number]>(
      RC.SoaLines,
      SOA_LINE_COUNT,
      inUnits,
    ),
    data.fieldsOf<TestPlanDoc, (typeof TEST_PLAN_COUNT)[number]>(
      RC.TestPlans,
      TEST_PLAN_COUNT,
      inUnits,
    ),
    data.fieldsOf<EvidenceDoc, (typeof EVIDENCE_COUNT)[number]>(
      RC.Evidence,
      EVIDENCE_COUNT,
      inUnits,
    ),
    data.scopes(),
    data.findings(inUnits),
    data.engagements(inUnits),
    data.deviations(inUnits),
    data.certificates(),
  ]);
  const coverage = coverageOf(subtree, scopes, certificates, data.today);
  const depth = unit.path.length;
  const nameOf = (id: string) => byId.get(id)?.name ?? id;
  // Which child's subtree an entity's org unit lies in ('' = the unit itself).
  const bucketOf = (id: string): string => byId.get(id)?.path[depth] ?? '';
  // Every entity sorted into its bucket once (not once per child).
  const group = <T extends { orgUnitId: string }>(xs: readonly T[]): Map<string, T[]> => {
    const buckets = new Map<string, T[]>();
    for (const x of xs) {
      const bucket = bucketOf(x.orgUnitId);
      const list = buckets.get(bucket);
      if (list) list.push(x);
      else buckets.set(bucket, [x]);
    }
    return buckets;
  };
  const subtreeCounters = riskCounters.filter((c) => inSubtree.has(c.orgUnitId));
  const grouped = {
    risks: group(subtreeCounters),
    soas: group(soas),
    soaLines: group(soaLines),
    testPlans: group(testPlans),
    evidence: group(evidence),
    findings: group(findings),
    engagements: group(engagements),
    deviations: group(deviations),
  };
  const unitsByBucket = group(subtree);
  const pick = (bucket: string): ConsolidationEntities => ({
    risks: sumRiskCounters(grouped.risks.get(bucket) ?? []),
    soas: grouped.soas.get(bucket) ?? [],
    soaLines: grouped.soaLines.get(bucket) ?? [],
    testPlans: grouped.testPlans.get(bucket) ?? [],
    evidence: grouped.evidence.get(bucket) ?? [],
    findings: grouped.findings.get(bucket) ?? [],
    engagements: grouped.engagements.get(bucket) ?? [],
    deviations: grouped.deviations.get(bucket) ?? [],
  });
  const coverageIn = (bucket: string) =>
    (unitsByBucket.get(bucket) ?? []).map((u) => coverage.get(u.orgUnitId)!);
  const totalRisks = sumRiskCounters(subtreeCounters);
  const attention = await riskAttention(data, totalRisks, riskCounters, inSubtree, ids);
  const children = subtree
    .filter((u) => u.parentId === orgUnitId)
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    asOf: data.now.toISOString(),
    orgUnit: { orgUnitId, name: unit.name, kind: unit.kind },
    path: unit.path.map((id) => ({ orgUnitId: id, name: byId.get(id)?.name ?? id })),
    totals: countersFor(
      {
        risks: totalRisks,
        soas,
        soaLines,
        testPlans,
        evidence,
        findings,
        engagements,
        deviations,
      },
      [...coverage.values()],
      data.today,
    ),
    own: countersFor(pick(''), coverageIn(''), data.today),
    children: children.map((child) => ({
      orgUnitId: child.orgUnitId,
      name: child.name,
      kind: child.kind,
      inApprovedScope: coverage.get(child.orgUnitId)?.inApprovedScope ?? false,
      inCertifiedScope: coverage.get(child.orgUnitId)?.inCertifiedScope ?? false,
      counters: countersFor(pick(child.orgUnitId), coverageIn(child.orgUnitId), data.today),
    })),
    coverage: [...coverage.values()],
    attention: {
      risksAboveAppetite: attention.aboveAppetite.map((r) => ({
        riskId: r.riskId,
        title: r.title,
        level: r.current?.level ?? null,
        orgUnitId: r.orgUnitId,
        orgUnitName: nameOf(r.orgUnitId),
        scopeId: r.scopeId,
      })),
      soasAwaitingApproval: soas
        .filter((s) => s.approvedVersion === null || s.needsReapproval)
        .slice(0, ATTENTION_LIMIT)
        .map((s) => ({
          scopeId: s.scopeId,
          scopeName: scopes.find((x) => x.scopeId === s.scopeId)?.name ?? s.scopeId,
          orgUnitId: s.orgUnitId,
          orgUnitName: nameOf(s.orgUnitId),
          reason:
            s.approvedVersion === null
              ? 'never approved'
              : `version ${s.approvedVersion} approved; changed since: ${s.changedSinceApproval.join(', ')}`,
        })),
      overdueTreatmentActions: attention.withOverdueActions
        .flatMap((r) =>
          r.actions
            .filter((a) => !a.completedAt && a.dueDate < data.today)
            .map((a) => ({
              riskId: r.riskId,
              title: r.title,
              actionTitle: a.title,
              dueDate: a.dueDate,
              orgUnitName: nameOf(r.orgUnitId),
            })),
        )
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
        .slice(0, ATTENTION_LIMIT),
      overdueCorrectiveActions: findings
        .filter((f) => correctiveActionOverdue(f, data.today))
        .map((f) => ({
          findingId: f.findingId,
          title: f.title,
          grade: f.grade,
          dueDate: f.correctiveAction!.dueDate,
          orgUnitName: nameOf(f.orgUnitId),
        }))
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
        .slice(0, ATTENTION_LIMIT),
    },
  };
}
