import { correctiveActionOverdue } from '../projections/audit/audit.projection.js';
import type { RiskDoc, ScopeDoc, SoaLineDoc } from '../projections/read-models.js';
import { scopeCoverage } from './consolidation.js';
import type { ReportData } from './report-data.js';
import { readiness, riskRegister } from './scope-reports.js';

const RESULT_RANK: Readonly<Record<string, number>> = {
  effective: 2,
  'partially-effective': 1,
  'not-effective': 0,
};

export interface ChangedSinceReport {
  readonly scopeId: string;
  readonly scopeName: string;
  readonly since: string;
  readonly until: string;
  readonly risks: {
    readonly added: readonly { riskId: string; title: string; level: string | null }[];
    readonly removed: readonly { riskId: string; title: string; how: 'closed' | 'left-scope' }[];
    readonly reRated: readonly {
      riskId: string;
      title: string;
      from: string | null;
      to: string | null;
      direction: 'up' | 'down' | 'same-level';
    }[];
  };
  readonly soa: {
    readonly approvedVersionThen: number | null;
    readonly approvedVersionNow: number | null;
    readonly linesChanged: readonly {
      controlKey: string;
      fields: readonly string[];
      then: Partial<SoaLineDoc> | null;
      now: Partial<SoaLineDoc>;
    }[];
  };
  readonly controlsDegraded: readonly {
    testPlanId: string;
    controlKey: string;
    from: string | null;
    to: string | null;
  }[];
  /** Audit findings raised and closed between the two instants. */
  readonly findings: {
    readonly raised: readonly {
      findingId: string;
      grade: string;
      title: string;
      raisedAt: string;
    }[];
    readonly closed: readonly {
      findingId: string;
      grade: string;
      title: string;
      closedAt: string;
    }[];
  };
  readonly stale: {
    /** Risk acceptances that needed re-approval by `until` but did not at `since`. */
    readonly acceptances: readonly { riskId: string; title: string; cause: string | null }[];
    /** Acceptances whose review date fell between the two instants. */
    readonly acceptanceReviewsLapsed: readonly { riskId: string; title: string; due: string }[];
    readonly documentsReviewLapsed: readonly { documentId: string; title: string; due: string }[];
    readonly evidenceExpired: readonly { evidenceId: string; title: string; validUntil: string }[];
    /** Exceptions from group controls in the scope that went stale (the group control was revised). */
    readonly exceptions: readonly {
      groupControlId: string;
      controlKey: string;
      orgUnitId: string;
      deviation: string;
      decidedAtRevision: number;
      currentRevision: number;
    }[];
  };
}

const SOA_FIELDS = [
  'applicable',
  'implementationStatus',
  'justification',
  'inclusionReasons',
  'ownerPersonId',
] as const;

function lineView(line: SoaLineDoc): Partial<SoaLineDoc> {
  return Object.fromEntries(SOA_FIELDS.map((f) => [f, line[f]])) as Partial<SoaLineDoc>;
}

/**
 * What changed in a scope between two instants (typically the last audit and now): where a
 * surveillance auditor starts. Both sides are read models as they were (rebuilt from history).
 */
export async function changedSince(
  before: ReportData,
  after: ReportData,
  scope: ScopeDoc,
): Promise<ChangedSinceReport> {
  const scopeId = scope.scopeId;
  const [risksThen, risksNow, linesThen, linesNow, soaThen, soaNow, plansThen, plansNow] =
    await Promise.all([
      before.risks(),
      after.risks(),
      before.soaLines({ scopeId }),
      after.soaLines({ scopeId }),
      before.soas({ scopeId }),
      after.soas({ scopeId }),
      before.testPlans({ scopeId }),
      after.testPlans({ scopeId }),
    ]);
  const [docsNow, evidenceNow, findingsThen, findingsNow, units, deviationsThen, deviationsNow] =
    await Promise.all([
      after.documents({ scopeIds: scopeId }),
      after.evidence({ scopeId }),
      before.findings({ scopeId }),
      after.findings({ scopeId }),
      after.orgUnits(),
      before.deviations(),
      after.deviations(),
    ]);
  const covered = scopeCoverage(scope, units);
  const staleThen = new Set(
    deviationsThen.filter((d) => d.stale).map((d) => `${d.groupControlId}|${d.orgUnitId}`),
  );
  const findingsThenById = new Map(findingsThen.map((f) => [f.findingId, f]));
  const inScope = (r: RiskDoc) => r.scopeId === scopeId && r.status !== 'closed';
  const thenById = new Map(risksThen.filter(inScope).map((r) => [r.riskId, r]));
  const nowAll = new Map(risksNow.map((r) => [r.riskId, r]));
  const nowOpen = risksNow.filter(inScope);
  const added = nowOpen
    .filter((r) => !thenById.has(r.riskId))
    .map((r) => ({ riskId: r.riskId, title: r.title, level: r.current?.level ?? null }));
  const removed = [...thenById.values()]
    .filter((r) => !nowOpen.some((n) => n.riskId === r.riskId))
    .map((r) => ({
      riskId: r.riskId,
      title: r.title,
      how:
        nowAll.get(r.riskId)?.status === 'closed' ? ('closed' as const) : ('left-scope' as const),
    }));
  const reRated = nowOpen
    .filter((r) => thenById.has(r.riskId))
    .map((r) => ({ now: r, then: thenById.get(r.riskId)! }))
    .filter(
      ({ now, then }) =>
        now.current?.level !== then.current?.level ||
        now.current?.likelihood !== then.current?.likelihood ||
        now.current?.impact !== then.current?.impact,
    )
    .map(({ now, then }) => {
      const a = then.current?.levelRank ?? -1;
      const b = now.current?.levelRank ?? -1;
      return {
        riskId: now.riskId,
        title: now.title,
        from: then.current?.level ?? null,
        to: now.current?.level ?? null,
        direction: b > a ? ('up' as const) : b < a ? ('down' as const) : ('same-level' as const),
      };
    });
  const linesThenByKey = new Map(linesThen.map((l) => [l.controlKey, l]));
  const linesChanged = linesNow
    .map((now) => {
      const then = linesThenByKey.get(now.controlKey);
      const fields = SOA_FIELDS.filter(
        (f) => !then || JSON.stringify(then[f]) !== JSON.stringify(now[f]),
      );
      return {
        controlKey: now.controlKey,
        fields,
        then: then ? lineView(then) : null,
        now: lineView(now),
      };
    })
    .filter((c) => c.fields.length > 0);
  const plansThenById = new Map(plansThen.map((p) => [p.testPlanId, p]));
  const controlsDegraded = plansNow
    .map((now) => ({ now, then: plansThenById.get(now.testPlanId) }))
    .filter(
      ({ now, then }) =>
        now.lastResult !== null &&
        (RESULT_RANK[now.lastResult] ?? 2) <
          (then?.lastResult ? (RESULT_RANK[then.lastResult] ?? 2) : 2),
    )
    .map(({ now, then }) => ({
      testPlanId: now.testPlanId,
      controlKey: now.controlKey,
      from: then?.lastResult ?? null,
      to: now.lastResult,
    }));
  const within = (day: string | null) => day !== null && day >= before.today && day < after.today;
  return {
    scopeId,
    scopeName: scope.name,
    since: before.now.toISOString(),
    until: after.now.toISOString(),
    risks: { added, removed, reRated },
    soa: {
      approvedVersionThen: soaThen[0]?.approvedVersion ?? null,
      approvedVersionNow: soaNow[0]?.approvedVersion ?? null,
      linesChanged,
    },
    controlsDegraded,
    findings: {
      raised: findingsNow
        .filter((f) => !findingsThenById.has(f.findingId))
        .map((f) => ({
          findingId: f.findingId,
          grade: f.grade,
          title: f.title,
          raisedAt: f.raisedAt,
        })),
      closed: findingsNow
        .filter((f) => f.closedAt !== null && findingsThenById.get(f.findingId)?.closedAt == null)
        .map((f) => ({
          findingId: f.findingId,
          grade: f.grade,
          title: f.title,
          closedAt: f.closedAt!,
        })),
    },
    stale: {
      acceptances: nowOpen
        .filter(
          (r) =>
            r.acceptance?.status === 'needs-re-approval' &&
            thenById.get(r.riskId)?.acceptance?.status !== 'needs-re-approval',
        )
        .map((r) => ({
          riskId: r.riskId,
          title: r.title,
          cause: r.acceptance?.staleCause ?? null,
        })),
      acceptanceReviewsLapsed: nowOpen
        .filter((r) => r.status === 'accepted' && within(r.nextReviewDue))
        .map((r) => ({ riskId: r.riskId, title: r.title, due: r.nextReviewDue! })),
      documentsReviewLapsed: docsNow
        .filter((d) => d.withdrawnAt === null && within(d.nextReviewDue))
        .map((d) => ({ documentId: d.documentId, title: d.title, due: d.nextReviewDue! })),
      exceptions: deviationsNow
        .filter(
          (d) =>
            d.stale &&
            covered.has(d.orgUnitId) &&
            !staleThen.has(`${d.groupControlId}|${d.orgUnitId}`),
        )
        .map((d) => ({
          groupControlId: d.groupControlId,
          controlKey: d.controlKey,
          orgUnitId: d.orgUnitId,
          deviation: d.deviation,
          decidedAtRevision: d.decidedAtRevision,
          currentRevision: d.currentRevision,
        })),
      evidenceExpired: evidenceNow
        .filter((e) => !e.withdrawn && within(e.validUntil))
        .map((e) => ({ evidenceId: e.evidenceId, title: e.title, validUntil: e.validUntil! })),
    },
  };
}

/** The management review pack (9.3.2 inputs) for a scope and a period. */
export async function managementReviewPack(
  data: ReportData,
  scope: ScopeDoc,
  period: { from: string; to: string },
) {
  const inPeriod = (instant: string | null) =>
    instant !== null && instant >= period.from && instant <= period.to;
  const [register, ready, decisions, plans, documents, findings, engagements] = await Promise.all([
    riskRegister(data, scope),
    readiness(data, scope),
    data.decisions({ scopeIds: scope.scopeId }),
    data.testPlans({ scopeId: scope.scopeId }),
    data.documents({ scopeIds: scope.scopeId }),
    data.findings({ scopeId: scope.scopeId }),
    data.engagements({ scopeId: scope.scopeId }),
  ]);
  const openFindings = findings.filter((f) => f.closedAt === null);
  const findingView = (f: (typeof findings)[number]) => ({
    findingId: f.findingId,
    grade: f.grade,
    title: f.title,
    reference: f.reference,
    orgUnitId: f.orgUnitId,
    raisedAt: f.raisedAt,
    closedAt: f.closedAt,
    correctiveAction: f.correctiveAction,
    correctiveActionOverdue: correctiveActionOverdue(f, data.today),
  });
  const decided = decisions
    .filter((d) => inPeriod(d.recordedAt))
    .sort((a, b) => a.globalPosition - b.globalPosition);
  const ofType = (...types: string[]) => decided.filter((d) => types.includes(d.type));
  const slim = (d: (typeof decided)[number]) => ({
    at: d.recordedAt,
    decision: d.decision,
    summary: d.summary,
    by: d.actorName ?? d.actorId,
    reason: d.reason,
  });
  const objectives = documents.filter(
    (d) => d.withdrawnAt === null && d.mandatoryTypes.includes('information-security-objectives'),
  );
  return {
    scopeId: scope.scopeId,
    scopeName: scope.name,
    period,
    asOf: data.now.toISOString(),
    inputs: {
      'a-previous-review-actions': {
        available: false,
        note: 'Management review actions are not recorded as events yet.',
      },
      'b-changes-in-issues': {
        scopeDecisions: ofType('governance.IsmsScopeApproved').map(slim),
        internalIssues: scope.internalIssues,
        externalIssues: scope.externalIssues,
      },
      'c-performance': {
        nonconformitiesAndCorrectiveActions: {
          raisedInPeriod: findings
            .filter((f) => f.nonconformity && inPeriod(f.raisedAt))
            .map(findingView),
          open: openFindings.filter((f) => f.nonconformity).map(findingView),
          overdueCorrectiveActions: openFindings.filter((f) =>
            correctiveActionOverdue(f, data.today),
          ).length,
          correctiveActionsVerifiedInPeriod: ofType('audit.CorrectiveActionVerified').map(slim),
        },
        monitoringAndMeasurement: {
          testResultsInPeriod: ofType('controls.ControlTestResultRecorded').map(slim),
          ineffectiveControls: plans
            .filter(
              (p) =>
                !p.retired &&
                (p.lastResult === 'not-effective' || p.lastResult === 'partially-effective'),
            )
            .map((p) => ({
              controlKey: p.controlKey,
              result: p.lastResult,
              testedAt: p.lastTestedAt,
            })),
          overdueTests: plans.filter((p) => !p.retired && p.nextDueOn < data.today).length,
        },
        auditResults: engagements
          .filter((e) => inPeriod(e.reportedAt))
          .map((e) => ({
            engagementId: e.engagementId,
            kind: e.kind,
            title: e.title,
            reportedAt: e.reportedAt,
            conclusion: e.conclusion,
            findings: findings.filter((f) => f.engagementId === e.engagementId).length,
          })),
        objectives: objectives.map((d) => ({
          documentId: d.documentId,
          title: d.title,
          approvedVersion: d.approvedVersion,
          nextReviewDue: d.nextReviewDue,
        })),
      },
      'd-interested-parties': scope.interestedParties,
      'e-risk-assessment-and-treatment': {
        summary: register.summary,
        acceptedInPeriod: ofType('risk.RiskAccepted').map(slim),
        treatmentDecisionsInPeriod: ofType(
          'risk.RiskTreatmentDecided',
          'risk.RiskTreatmentPlanned',
        ).map(slim),
        staleAcceptances: register.risks
          .filter((r) => r.acceptance?.status === 'needs-re-approval')
          .map((r) => ({
            riskId: r.riskId,
            title: r.title,
            cause: r.acceptance?.staleCause ?? null,
          })),
      },
      'f-opportunities-for-improvement': openFindings
        .filter((f) => f.grade === 'opportunity-for-improvement')
        .map(findingView),
    },
    certificationReadiness: { ready: ready.ready, summary: ready.summary },
    decisionsInPeriod: decided.length,
  };
}
