import type {
  RiskMethodologyDefinition,
  RiskRating,
  SoaLine,
  TreatmentAction,
} from '@isms/contracts';
import { ControlsEventTypes as C, RiskEventTypes as R, controlKey } from '@isms/contracts';

/** Builders of published events (contract shapes), as the risk and controls contexts record them. */

export const METHODOLOGY: RiskMethodologyDefinition = {
  likelihoodScale: [1, 2, 3].map((value) => ({ value, label: `L${value}`, description: '' })),
  impactScale: [1, 2, 3].map((value) => ({ value, label: `I${value}`, description: '' })),
  levels: [
    {
      id: 'low',
      label: 'Low',
      description: '',
      acceptableBy: ['risk-owner'],
      reviewIntervalDays: 365,
    },
    {
      id: 'medium',
      label: 'Medium',
      description: '',
      acceptableBy: ['risk-owner'],
      reviewIntervalDays: 180,
    },
    { id: 'high', label: 'High', description: '', acceptableBy: ['ciso'], reviewIntervalDays: 90 },
  ],
  matrix: [
    ['low', 'low', 'medium'],
    ['low', 'medium', 'high'],
    ['medium', 'high', 'high'],
  ],
};

const RANK: Record<string, number> = { low: 0, medium: 1, high: 2 };

export function rating(likelihood: number, impact: number): RiskRating {
  const level = METHODOLOGY.matrix[likelihood - 1]![impact - 1]!;
  return {
    likelihood,
    impact,
    level,
    levelLabel: level[0]!.toUpperCase() + level.slice(1),
    levelRank: RANK[level]!,
    reviewIntervalDays: 90,
    withinAppetite: level !== 'high',
    methodology: [{ orgUnitId: 'root', version: 1 }],
  };
}

export const methodologyAdopted = (orgUnitId: string, at: string) => ({
  type: R.RiskMethodologyAdopted,
  data: {
    methodologyId: `risk-methodology-${orgUnitId}`,
    orgUnitId,
    version: 1,
    definition: METHODOLOGY,
    changeSummary: 'First methodology',
    adoptedBy: 'ciso',
    reason: 'Group methodology',
    adoptedAt: at,
  },
});

export const riskIdentified = (
  riskId: string,
  place: { orgUnitId: string; scopeId: string; owner: string },
  title: string,
  at: string,
) => ({
  type: R.RiskIdentified,
  data: {
    riskId,
    title,
    description: title,
    assetIds: [],
    threatCode: 'TH-01',
    vulnerabilityCode: 'VU-01',
    ownerPersonId: place.owner,
    orgUnitId: place.orgUnitId,
    scopeId: place.scopeId,
    identifiedAt: at,
  },
});

export const inherentAssessed = (
  riskId: string,
  l: number,
  i: number,
  at: string,
  nextReviewDue: string,
) => ({
  type: R.InherentRiskAssessed,
  data: {
    riskId,
    rating: rating(l, i),
    existingControls: '',
    existingControlRefs: [],
    rationale: 'Assessed',
    assessedBy: 'owner',
    assessedAt: at,
    nextReviewDue,
  },
});

export const treatmentDecided = (riskId: string, at: string) => ({
  type: R.RiskTreatmentDecided,
  data: { riskId, option: 'modify', justification: 'Mitigate', decidedBy: 'owner', decidedAt: at },
});

export const treatmentPlanned = (
  riskId: string,
  place: { orgUnitId: string; scopeId: string },
  actions: TreatmentAction[],
  controls: string[],
  at: string,
) => ({
  type: R.RiskTreatmentPlanned,
  data: {
    riskId,
    planVersion: 1,
    option: 'modify',
    actions,
    linkedControls: controls.map((controlId) => ({ catalogueId: 'iso27001-2022', controlId })),
    title: riskId,
    orgUnitId: place.orgUnitId,
    scopeId: place.scopeId,
    plannedBy: 'owner',
    plannedAt: at,
  },
});

export const residualAssessed = (
  riskId: string,
  l: number,
  i: number,
  at: string,
  nextReviewDue: string,
) => ({
  type: R.ResidualRiskAssessed,
  data: {
    riskId,
    rating: rating(l, i),
    rationale: 'After controls',
    assessedBy: 'owner',
    assessedAt: at,
    nextReviewDue,
  },
});

export const riskAccepted = (riskId: string, level: string, at: string, nextReviewDue: string) => ({
  type: R.RiskAccepted,
  data: {
    riskId,
    acceptedBy: 'owner',
    authority: 'risk-owner',
    residualLevel: level,
    residualLevelLabel: level,
    withinAppetite: true,
    materialState: {},
    digest: 'a'.repeat(64),
    reason: 'Residual risk is tolerable',
    acceptedAt: at,
    nextReviewDue,
  },
});

export const acceptanceStale = (riskId: string, at: string) => ({
  type: R.RiskAcceptanceMarkedStale,
  data: {
    riskId,
    acceptedDigest: 'a'.repeat(64),
    currentDigest: 'a'.repeat(64),
    cause: {
      kind: 'control-found-ineffective',
      control: { catalogueId: 'iso27001-2022', controlId: '5.1' },
      result: 'not-effective',
      sourceEventId: 'x',
      summary: '5.1 found not effective',
    },
    markedAt: at,
  },
});

export const riskClosed = (riskId: string, at: string) => ({
  type: R.RiskClosed,
  data: { riskId, reason: 'Asset retired', closedBy: 'owner', closedAt: at },
});

export const soaEstablished = (soaId: string, scopeId: string, orgUnitId: string) => ({
  type: C.SoaEstablished,
  data: { soaId, scopeId, orgUnitId, catalogueId: 'iso27001-2022', establishedBy: 'manager' },
});

export function soaLine(
  controlId: string,
  status: SoaLine['implementationStatus'],
  justification = `Why ${controlId}`,
): SoaLine {
  const applicable = status !== 'not-applicable';
  return {
    catalogueId: 'iso27001-2022',
    controlId,
    applicable,
    inclusionReasons: applicable ? ['risk-treatment'] : [],
    justification,
    implementationStatus: status,
  };
}

export const soaLineRecorded = (
  soaId: string,
  scope: { scopeId: string; orgUnitId: string },
  line: SoaLine,
) => ({
  type: C.SoaLineRecorded,
  data: { soaId, ...scope, catalogueId: line.catalogueId, line, recordedBy: 'manager' },
});

export const soaApproved = (
  soaId: string,
  scope: { scopeId: string; orgUnitId: string },
  version: number,
  lines: SoaLine[],
  at: string,
) => ({
  type: C.SoaVersionApproved,
  data: {
    soaId,
    ...scope,
    catalogueId: 'iso27001-2022',
    extensionCatalogueIds: [],
    version,
    digest: 'b'.repeat(64),
    lines,
    inherited: [],
    approvedBy: 'ciso',
    approverRole: 'ciso',
    reason: 'SoA reviewed',
    approvedAt: at,
  },
});

export const soaReapprovalRequired = (
  soaId: string,
  scope: { scopeId: string; orgUnitId: string },
  controlIds: string[],
) => ({
  type: C.SoaReapprovalRequired,
  data: {
    soaId,
    ...scope,
    approvedVersion: 1,
    changedControls: controlIds.map((controlId) => ({ catalogueId: 'iso27001-2022', controlId })),
  },
});

export const testPlanScheduled = (
  testPlanId: string,
  scope: { scopeId: string; orgUnitId: string },
  controlId: string,
  firstDueOn: string,
) => ({
  type: C.ControlTestPlanScheduled,
  data: {
    testPlanId,
    ...scope,
    catalogueId: 'iso27001-2022',
    controlId,
    frequency: 'quarterly',
    method: 'inspection',
    description: 'Inspect',
    firstDueOn,
  },
});

export const testResult = (
  testPlanId: string,
  scope: { scopeId: string; orgUnitId: string },
  controlId: string,
  result: string,
  at: string,
  nextDueOn: string,
) => ({
  type: C.ControlTestResultRecorded,
  data: {
    testPlanId,
    ...scope,
    catalogueId: 'iso27001-2022',
    controlId,
    result,
    testedBy: 'tester',
    testedAt: at,
    notes: result,
    nextDueOn,
  },
});

export const evidenceRecorded = (
  evidenceId: string,
  scope: { scopeId: string; orgUnitId: string },
  controlId: string,
  validUntil: string,
) => ({
  type: C.EvidenceRecorded,
  data: {
    evidenceId,
    ...scope,
    title: `Evidence ${evidenceId}`,
    evidenceType: 'report',
    source: 'SIEM',
    collectedAt: '2026-01-10T00:00:00.000Z',
    validUntil,
    fileName: 'e.pdf',
    contentType: 'application/pdf',
    size: 10,
    sha256: 'c'.repeat(64),
    controls: [{ catalogueId: 'iso27001-2022', controlId }],
    recordedBy: 'manager',
  },
});

export { controlKey };

export const engagementPlanned = (
  engagementId: string,
  tenantId: string,
  scope: { scopeId: string; orgUnitId: string },
  kind: string,
  plannedStart: string,
  plannedEnd: string,
) => ({
  type: 'audit.EngagementPlanned',
  data: {
    engagementId,
    tenantId,
    ...scope,
    kind,
    title: `${kind} audit`,
    auditedOrgUnitIds: [scope.orgUnitId],
    auditors: [{ personId: 'auditor', kind: 'internal', lead: true }],
    plannedStart,
    plannedEnd,
    plan: 'Plan',
    checklist: [],
    plannedBy: 'auditor',
  },
});

export const engagementReported = (engagementId: string, scopeId: string, at: string) => ({
  type: 'audit.EngagementReported',
  data: {
    engagementId,
    scopeId,
    summary: 'Summary',
    conclusion: 'Conforming with one minor nonconformity',
    reportedBy: 'auditor',
    reportedAt: at,
  },
});

export const findingRaised = (
  engagementId: string,
  findingId: string,
  scope: { scopeId: string; orgUnitId: string },
  grade: string,
  at: string,
) => ({
  type: 'audit.FindingRaised',
  data: {
    engagementId,
    findingId,
    ...scope,
    engagementKind: 'internal',
    grade,
    clause: '7.2',
    title: `Finding ${findingId}`,
    description: '',
    evidenceIds: [],
    raisedBy: 'auditor',
    raisedByKind: 'internal',
    raisedAt: at,
  },
});

export const correctiveActionPlanned = (
  engagementId: string,
  findingId: string,
  scopeId: string,
  dueDate: string,
  at: string,
) => ({
  type: 'audit.CorrectiveActionPlanned',
  data: {
    engagementId,
    findingId,
    scopeId,
    grade: 'minor-nonconformity',
    actionPlan: 'Train the team',
    ownerPersonId: 'owner',
    dueDate,
    attempt: 1,
    plannedBy: 'manager',
    plannedAt: at,
  },
});

export const groupControlDefined = (
  groupControlId: string,
  orgUnitId: string,
  controlId: string,
) => ({
  type: C.GroupControlDefined,
  data: {
    groupControlId,
    orgUnitId,
    catalogueId: 'iso27001-2022',
    controlId,
    title: `Group control ${controlId}`,
    implementationDescription: 'Group-wide',
    inclusionReasons: ['risk-treatment'],
    justification: 'Group policy',
    ownerPersonId: 'ciso',
  },
});

export const groupControlRevised = (groupControlId: string, revision: number) => ({
  type: C.GroupControlRevised,
  data: {
    groupControlId,
    revision,
    title: 'Group control, revised',
    implementationDescription: 'Stricter',
    inclusionReasons: ['risk-treatment'],
    justification: 'Group policy',
    ownerPersonId: 'ciso',
    changeSummary: 'MFA everywhere',
  },
});

export const deviationRecorded = (groupControlId: string, orgUnitId: string) => ({
  type: C.GroupControlDeviationRecorded,
  data: {
    groupControlId,
    orgUnitId,
    deviation: 'Local tokens instead of the group IdP',
    reason: 'Plant network is isolated',
    decidedBy: 'ciso',
  },
});

export const certificateIssued = (
  certificateId: string,
  scope: { scopeId: string; orgUnitId: string },
  issuedOn: string,
  validUntil: string,
  extra: { certificateNumber?: string; supersedesCertificateId?: string } = {},
) => ({
  type: 'audit.CertificateIssued',
  data: {
    certificateId,
    ...scope,
    certificationBody: 'Certif SA',
    certificateNumber: extra.certificateNumber ?? `IS-${certificateId}`,
    issuedOn,
    validUntil,
    basedOnEngagementId: 'audit-engagement-stage2',
    standard: 'ISO/IEC 27001:2022',
    ...(extra.supersedesCertificateId
      ? { supersedesCertificateId: extra.supersedesCertificateId }
      : {}),
    reason: 'Certification body decision',
    recordedBy: 'auditor',
    recordedAt: `${issuedOn}T12:00:00.000Z`,
  },
});

export const certificateDecided = (
  decision: 'Suspended' | 'Reinstated' | 'Withdrawn',
  certificateId: string,
  scope: { scopeId: string; orgUnitId: string },
  at: string,
) => ({
  type: `audit.Certificate${decision}`,
  data: {
    certificateId,
    ...scope,
    reason: `Certificate ${decision.toLowerCase()} by the certification body`,
    decidedBy: 'auditor',
    decidedAt: at,
  },
});
