import type {
  ImplementationStatus,
  InclusionReason,
  InheritedSoaLine,
  InterestedParty,
  MandatoryDocumentType,
  OrgUnitKind,
  RiskLevelDefinition,
  RiskMethodologyOverrides,
  ControlTestResult,
  ContextIssue,
  ScopeExclusion,
  TreatmentOption,
} from '@isms/contracts';

/**
 * Reporting's read models: one precomputed document per entity of another context, fed only by
 * that context's published events (RecordedEvent envelope + contract data) and guarded by the
 * entity stream's revision. Roll-ups over a subtree are computed at read time from these plain
 * finds (FerretDB 1.24: no $lookup, no aggregation). The one exception to "one document per
 * entity": risk counters per org unit (`RiskCountersDoc`), which the group consolidation sums
 * instead of reading every risk; their revision guards hold one entry per risk stream that
 * touched the unit.
 */
export const ReportingCollections = {
  OrgUnits: 'reporting_org_units',
  Scopes: 'reporting_scopes',
  Documents: 'reporting_documents',
  Methodologies: 'reporting_methodologies',
  Risks: 'reporting_risks',
  /** Per org unit: counts over the open risks attached to it (the group consolidation sums them). */
  RiskCounters: 'reporting_risk_counters',
  Soas: 'reporting_soas',
  SoaLines: 'reporting_soa_lines',
  TestPlans: 'reporting_test_plans',
  Evidence: 'reporting_evidence',
  Decisions: 'reporting_decisions',
  /** The org unit / scopes a stream's decisions are filed under (learned from its events). */
  DecisionStreams: 'reporting_decision_streams',
  Engagements: 'reporting_audit_engagements',
  Findings: 'reporting_audit_findings',
  GroupControls: 'reporting_group_controls',
  Deviations: 'reporting_group_control_deviations',
  /** Certificates per ISMS scope, from the audit context's certification decisions. */
  Certificates: 'reporting_certificates',
} as const;

export interface OrgUnitDoc {
  readonly tenantId: string;
  readonly orgUnitId: string;
  readonly parentId: string | null;
  readonly kind: OrgUnitKind;
  readonly name: string;
  /** Ancestors root → this unit (itself included): `find({ path: id })` is its subtree. */
  readonly path: readonly string[];
  readonly closed: boolean;
}

export interface ScopeDoc {
  readonly tenantId: string;
  readonly scopeId: string;
  readonly name: string;
  readonly ownerOrgUnitId: string;
  readonly includedOrgUnitIds: readonly string[];
  readonly exclusions: readonly ScopeExclusion[];
  readonly internalIssues: readonly ContextIssue[];
  readonly externalIssues: readonly ContextIssue[];
  readonly interestedParties: readonly InterestedParty[];
  /** The version being edited or last approved. */
  readonly version: number;
  readonly approvedVersion: number | null;
  readonly approvedAt: string | null;
  readonly approvedBy: string | null;
  /** `approved`: the latest version is approved; `draft`: never approved; `revised`: a newer draft awaits approval. */
  readonly status: 'draft' | 'approved' | 'revised';
  readonly revisedAt: string | null;
  readonly changeSummary: string | null;
}

export interface DocumentDoc {
  readonly tenantId: string;
  readonly documentId: string;
  readonly title: string;
  readonly documentType: string;
  readonly orgUnitId: string;
  readonly mandatoryTypes: readonly MandatoryDocumentType[];
  readonly scopeIds: readonly string[];
  readonly reviewIntervalMonths: number;
  readonly latestVersion: number | null;
  readonly approvedVersion: number | null;
  readonly approvedAt: string | null;
  readonly approvedBy: string | null;
  readonly nextReviewDue: string | null;
  readonly lastReviewedAt: string | null;
  readonly withdrawnAt: string | null;
}

export interface MethodologyDoc {
  readonly tenantId: string;
  readonly orgUnitId: string;
  readonly kind: 'adopted' | 'refined';
  readonly version: number;
  readonly adoptedAt: string;
  readonly adoptedBy: string;
  /** The full definition (adopted) or the overridden parts (refined), without the matrix … */
  readonly definition: Omit<RiskMethodologyOverrides, 'matrix'>;
  /** … which is stored row by row (documents may not hold arrays directly inside arrays). */
  readonly matrixRows: readonly { readonly levels: readonly string[] }[] | null;
}

export interface RatingView {
  readonly likelihood: number;
  readonly impact: number;
  readonly level: string;
  readonly levelLabel: string;
  readonly levelRank: number;
  readonly withinAppetite: boolean;
}

export interface ActionView {
  readonly actionId: string;
  readonly title: string;
  readonly ownerPersonId: string;
  readonly dueDate: string;
  readonly completedAt: string | null;
}

export type ReportRiskStatus =
  | 'identified'
  | 'assessed'
  | 'treatment-decided'
  | 'treatment-planned'
  | 'residual-assessed'
  | 'accepted'
  | 'closed';

export interface RiskDoc {
  readonly tenantId: string;
  readonly riskId: string;
  readonly title: string;
  readonly orgUnitId: string;
  readonly scopeId: string;
  readonly ownerPersonId: string;
  readonly threatCode: string;
  readonly vulnerabilityCode: string;
  readonly status: ReportRiskStatus;
  readonly inherent: RatingView | null;
  readonly residual: RatingView | null;
  /** Residual once assessed, else inherent. */
  readonly current: RatingView | null;
  readonly aboveAppetite: boolean;
  readonly treatment: TreatmentOption | null;
  readonly actions: readonly ActionView[];
  readonly linkedControls: readonly string[];
  readonly nextReviewDue: string | null;
  readonly acceptance: {
    readonly acceptedBy: string;
    readonly acceptedAt: string;
    readonly reason: string;
    readonly digest: string;
    readonly residualLevel: string;
    readonly status: 'current' | 'needs-re-approval';
    readonly staleSince: string | null;
    readonly staleCause: string | null;
  } | null;
  readonly identifiedAt: string;
  readonly closedAt: string | null;
  readonly updatedAt: string;
}

/**
 * A risk document as stored: also the fields the consolidation's attention lists query by
 * (equality, answered by indexes; not part of what reports show).
 */
export interface StoredRiskDoc extends RiskDoc {
  /** The current level's rank while the risk is open and above appetite, else null. */
  readonly attentionRank: number | null;
  /** Distinct due dates of its treatment actions not completed, while open. */
  readonly openActionDueDates: readonly string[];
}

/**
 * Counts over the open risks attached to one org unit (not its subtree), kept by the risks
 * projection. Map keys are percent-encoded ('%', '.', '$'); the time-dependent counts are
 * histograms by date, summed over the dates before the report's day.
 */
export interface RiskCountersDoc {
  readonly tenantId: string;
  readonly orgUnitId: string;
  /** A unit's counters are split over a few documents by risk stream (see risk-counters.ts). */
  readonly shard: number;
  readonly open: number;
  /** Current level (residual once assessed, else inherent; 'unrated') → open risks. */
  readonly byLevel: Readonly<Record<string, number>>;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly aboveAppetite: number;
  /** Level rank → open risks above appetite (for the attention list, highest first). */
  readonly aboveAppetiteByRank: Readonly<Record<string, number>>;
  /** Due date → treatment actions not completed (a date histogram string: `date:n,…`, sorted). */
  readonly openActionsByDueDate: string;
  /** Due date of a risk's earliest open action → risks (date histogram string). */
  readonly risksByFirstOpenActionDue: string;
  /** Next review due → risks (date histogram string). */
  readonly reviewsByDueDate: string;
  readonly acceptancesNeedingReapproval: number;
}

export interface SoaDoc {
  readonly tenantId: string;
  readonly soaId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly extensionCatalogueIds: readonly string[];
  readonly approvedVersion: number | null;
  readonly approvedAt: string | null;
  readonly approvedBy: string | null;
  readonly approvedDigest: string | null;
  readonly inherited: readonly InheritedSoaLine[];
  readonly needsReapproval: boolean;
  readonly changedSinceApproval: readonly string[];
}

export interface SoaLineDoc {
  readonly tenantId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly controlId: string;
  readonly controlKey: string;
  readonly applicable: boolean;
  readonly inclusionReasons: readonly InclusionReason[];
  readonly justification: string;
  readonly implementationStatus: ImplementationStatus;
  readonly ownerPersonId: string | null;
  readonly implementationDescription: string | null;
  readonly decisionNeeded: string | null;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface TestPlanDoc {
  readonly tenantId: string;
  readonly testPlanId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly controlKey: string;
  readonly frequency: string;
  readonly nextDueOn: string;
  readonly lastResult: ControlTestResult | null;
  readonly lastTestedAt: string | null;
  readonly lastNotes: string | null;
  readonly resultsRecorded: number;
  readonly retired: boolean;
}

export interface EvidenceDoc {
  readonly tenantId: string;
  readonly evidenceId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly title: string;
  readonly evidenceType: string;
  readonly collectedAt: string;
  readonly validUntil: string | null;
  readonly controlKeys: readonly string[];
  readonly withdrawn: boolean;
}

export interface DecisionDoc {
  readonly tenantId: string;
  readonly eventId: string;
  readonly type: string;
  /** A short label for people, e.g. "Risk accepted". */
  readonly decision: string;
  readonly context: string;
  readonly streamId: string;
  readonly streamType: string;
  readonly streamRevision: number;
  readonly globalPosition: number;
  readonly recordedAt: string;
  readonly occurredAt: string;
  readonly actorId: string;
  readonly actorName: string | null;
  readonly actorRole: string | null;
  readonly reason: string | null;
  readonly orgUnitId: string | null;
  readonly scopeIds: readonly string[];
  /** What the decision changed, in words. */
  readonly summary: string;
  readonly subjectId: string;
  readonly hash: string;
}

export interface DecisionStreamDoc {
  readonly tenantId: string;
  readonly orgUnitId: string | null;
  readonly scopeIds: readonly string[];
}

export type LevelDefinitions = readonly RiskLevelDefinition[];

export interface EngagementDoc {
  readonly tenantId: string;
  readonly engagementId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly kind: string;
  readonly title: string;
  readonly status: 'planned' | 'in-progress' | 'reported' | 'closed';
  readonly auditedOrgUnitIds: readonly string[];
  readonly plannedStart: string;
  readonly plannedEnd: string;
  readonly reportedAt: string | null;
  readonly conclusion: string | null;
  readonly closedAt: string | null;
}

export interface FindingDoc {
  readonly tenantId: string;
  readonly findingId: string;
  readonly engagementId: string;
  readonly engagementKind: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly grade: string;
  readonly nonconformity: boolean;
  readonly title: string;
  readonly reference: string;
  readonly raisedAt: string;
  readonly closedAt: string | null;
  readonly correctiveAction: {
    readonly dueDate: string;
    readonly ownerPersonId: string;
    readonly attempt: number;
    readonly implementedAt: string | null;
    /** null until verified; false sends it back for another attempt. */
    readonly effective: boolean | null;
  } | null;
}

/** A subsidiary's (or site's) justified exception from a group control. */
export interface DeviationDoc {
  readonly tenantId: string;
  readonly groupControlId: string;
  readonly controlKey: string;
  readonly title: string;
  readonly orgUnitId: string;
  readonly deviation: string;
  readonly reason: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
  /** The group control's revision the exception was decided against … */
  readonly decidedAtRevision: number;
  /** … and its revision now: a later revision makes the exception stale (to be decided again). */
  readonly currentRevision: number;
  readonly stale: boolean;
  readonly withdrawn: boolean;
}

/** A group control as reporting needs it for its exceptions. */
export interface GroupControlDoc {
  readonly tenantId: string;
  readonly groupControlId: string;
  readonly controlKey: string;
  readonly title: string;
  readonly revision: number;
  readonly retired: boolean;
}

/**
 * A certificate the certification body issued for an ISMS scope, as last decided (reporting's
 * read model as of an instant holds the decisions up to it). Expiry is derived from `validUntil`.
 */
export interface CertificateDoc {
  readonly tenantId: string;
  readonly certificateId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly certificationBody: string;
  readonly certificateNumber: string;
  readonly standard: string;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly basedOnEngagementId: string;
  readonly status: 'issued' | 'suspended' | 'withdrawn' | 'superseded';
  readonly supersededByCertificateId: string | null;
  readonly recordedAt: string;
}
