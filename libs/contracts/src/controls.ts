/**
 * Published events of the controls context (ISO/IEC 27001 6.1.3 d, 8.1, 9.1, Annex A): custom
 * control catalogues, the Statement of Applicability (SoA) of each ISMS scope, group-level
 * controls inherited by subsidiaries, effectiveness tests and evidence records. Other contexts
 * (risk, audit, reporting) may consume exactly these shapes.
 *
 * Stored event `type` = `controls.<EventName>`, `schemaVersion` 1; the versioned integration
 * name is `<type>.v<schemaVersion>` (`integrationEventName` in ./governance.ts). Stream ids are
 * `<streamType>-<uuidv7>`, except the SoA, whose stream reuses the uuid of its ISMS scope
 * (`soaStreamId`). Instants are ISO 8601 strings (UTC); dates are `YYYY-MM-DD`.
 *
 * Controls are always referred to by `{ catalogueId, controlId }` (`ControlRef`): the built-in
 * catalogues are `iso27001-2022` (controls `5.1` … `8.34`) and `iso27001-2013` (controls
 * `A.5.1.1` … `A.18.2.3`); an imported catalogue's id is its stream id.
 */

/** Stream types of the controls context. */
export const ControlsStreamTypes = {
  /** A custom (imported) control catalogue of one tenant; built-in catalogues have no stream. */
  ControlCatalogue: 'control-catalogue',
  /** One per ISMS scope: its Statement of Applicability. */
  StatementOfApplicability: 'statement-of-applicability',
  /** A control implemented once at group level and inherited by subsidiaries' SoAs. */
  GroupControl: 'group-control',
  /** The effectiveness test plan of one control implementation (one control in one scope). */
  ControlTestPlan: 'control-test-plan',
  /** One piece of evidence (a stored file with its SHA-256). */
  EvidenceRecord: 'evidence-record',
} as const;
export type ControlsStreamType = (typeof ControlsStreamTypes)[keyof typeof ControlsStreamTypes];

/** The catalogues shipped with the platform (identifiers and short titles only). */
export const BuiltInCatalogueIds = {
  /** ISO/IEC 27001:2022 Annex A, 93 controls, with ISO/IEC 27002:2022 attributes. */
  Iso27001_2022: 'iso27001-2022',
  /** ISO/IEC 27001:2013 Annex A, 114 controls in 14 domains. */
  Iso27001_2013: 'iso27001-2013',
} as const;
export type BuiltInCatalogueId = (typeof BuiltInCatalogueIds)[keyof typeof BuiltInCatalogueIds];

/** A control of a catalogue: how every context refers to one. */
export interface ControlRef {
  readonly catalogueId: string;
  readonly controlId: string;
}

/** `iso27001-2022` + `5.15` → `iso27001-2022:5.15` (a stable key for read models and joins). */
export function controlKey(ref: ControlRef): string {
  return `${ref.catalogueId}:${ref.controlId}`;
}

/** Scope ids are `isms-scope-<uuidv7>`; the scope's SoA stream reuses the uuid. */
export function soaStreamId(scopeId: string): string {
  const key = scopeId.startsWith('isms-scope-') ? scopeId.slice('isms-scope-'.length) : scopeId;
  return `${ControlsStreamTypes.StatementOfApplicability}-${key}`;
}

export const ControlsEventTypes = {
  CatalogueImported: 'controls.CatalogueImported',
  CustomControlAdded: 'controls.CustomControlAdded',

  SoaEstablished: 'controls.SoaEstablished',
  SoaCatalogueIncluded: 'controls.SoaCatalogueIncluded',
  SoaLineRecorded: 'controls.SoaLineRecorded',
  SoaReapprovalRequired: 'controls.SoaReapprovalRequired',
  SoaVersionApproved: 'controls.SoaVersionApproved',
  SoaCatalogueMigrated: 'controls.SoaCatalogueMigrated',

  GroupControlDefined: 'controls.GroupControlDefined',
  GroupControlRevised: 'controls.GroupControlRevised',
  GroupControlStatusReported: 'controls.GroupControlStatusReported',
  GroupControlDeviationRecorded: 'controls.GroupControlDeviationRecorded',
  GroupControlDeviationWithdrawn: 'controls.GroupControlDeviationWithdrawn',
  GroupControlRetired: 'controls.GroupControlRetired',

  ControlTestPlanScheduled: 'controls.ControlTestPlanScheduled',
  ControlTestPlanRevised: 'controls.ControlTestPlanRevised',
  ControlTestResultRecorded: 'controls.ControlTestResultRecorded',
  ControlTestPlanRetired: 'controls.ControlTestPlanRetired',

  EvidenceRecorded: 'controls.EvidenceRecorded',
  EvidenceLinked: 'controls.EvidenceLinked',
  EvidenceUnlinked: 'controls.EvidenceUnlinked',
  EvidenceWithdrawn: 'controls.EvidenceWithdrawn',
} as const;
export type ControlsEventType = (typeof ControlsEventTypes)[keyof typeof ControlsEventTypes];

// ─── Catalogues ─────────────────────────────────────────────────────────────────────────────

/** The five ISO/IEC 27002:2022 attribute families; values as the standard names them, in kebab-case. */
export const CONTROL_TYPES = ['preventive', 'detective', 'corrective'] as const;
export const SECURITY_PROPERTIES = ['confidentiality', 'integrity', 'availability'] as const;
export const CYBERSECURITY_CONCEPTS = [
  'identify',
  'protect',
  'detect',
  'respond',
  'recover',
] as const;
export const OPERATIONAL_CAPABILITIES = [
  'governance',
  'asset-management',
  'information-protection',
  'human-resource-security',
  'physical-security',
  'system-and-network-security',
  'application-security',
  'secure-configuration',
  'identity-and-access-management',
  'threat-and-vulnerability-management',
  'continuity',
  'supplier-relationships-security',
  'legal-and-compliance',
  'information-security-event-management',
  'information-security-assurance',
] as const;
export const SECURITY_DOMAINS = [
  'governance-and-ecosystem',
  'protection',
  'defence',
  'resilience',
] as const;

export interface ControlAttributes {
  readonly controlTypes: readonly (typeof CONTROL_TYPES)[number][];
  readonly securityProperties: readonly (typeof SECURITY_PROPERTIES)[number][];
  readonly cybersecurityConcepts: readonly (typeof CYBERSECURITY_CONCEPTS)[number][];
  readonly operationalCapabilities: readonly (typeof OPERATIONAL_CAPABILITIES)[number][];
  readonly securityDomains: readonly (typeof SECURITY_DOMAINS)[number][];
}

/** A theme (2022), a domain (2013) or a group of an imported catalogue. */
export interface CatalogueGroup {
  readonly groupId: string;
  readonly title: string;
}

export interface CatalogueControl {
  readonly controlId: string;
  /** A short title, never the standard's prose. */
  readonly title: string;
  readonly groupId: string;
  readonly attributes?: ControlAttributes;
}

export interface CatalogueImportedV1 {
  readonly catalogueId: string;
  readonly name: string;
  readonly version: string;
  readonly publisher?: string;
  /** The format it came in: the platform's own JSON format or an OSCAL catalog. */
  readonly format: 'isms-ledger' | 'oscal';
  /** The org unit that owns the catalogue (who may add controls to it). */
  readonly orgUnitId: string;
  readonly groups: readonly CatalogueGroup[];
  readonly controls: readonly CatalogueControl[];
  readonly importedBy: string;
}

export interface CustomControlAddedV1 {
  readonly catalogueId: string;
  readonly control: CatalogueControl;
  readonly addedBy: string;
}

// ─── Statement of Applicability (6.1.3 d) ───────────────────────────────────────────────────

/** Why an applicable control is included. */
export const INCLUSION_REASONS = ['risk-treatment', 'legal', 'contractual', 'business'] as const;
export type InclusionReason = (typeof INCLUSION_REASONS)[number];

/** `not-applicable` is the status of an excluded control, and only of one. */
export const IMPLEMENTATION_STATUSES = [
  'not-implemented',
  'planned',
  'partially-implemented',
  'implemented',
  'not-applicable',
] as const;
export type ImplementationStatus = (typeof IMPLEMENTATION_STATUSES)[number];

/** Where a line's answer came from when it was carried over by a catalogue migration. */
export interface SoaLineProvenance {
  readonly migratedFrom: string;
  /** The source catalogue's controls mapped to this one (their answers, where given, were used). */
  readonly sourceControlIds: readonly string[];
  /** Set while a person still has to decide this line (see `MIGRATION_DECISIONS`). */
  readonly decisionNeeded?: MigrationDecision;
}

/**
 * Why a migrated line needs a person: a control new in the target catalogue, no answer in any
 * source, sources that disagree on applicability, or only some sources answered. The last two
 * come with a proposed line that a person confirms or changes.
 */
export const MIGRATION_DECISIONS = [
  'new-control',
  'no-source-answer',
  'conflicting-applicability',
  'incomplete-source-answers',
] as const;
export type MigrationDecision = (typeof MIGRATION_DECISIONS)[number];

/** What the SoA says about one control. */
export interface SoaLine {
  readonly catalogueId: string;
  readonly controlId: string;
  readonly applicable: boolean;
  /** At least one when applicable; empty when excluded. */
  readonly inclusionReasons: readonly InclusionReason[];
  /** Why it is included (how it treats risk, which law or contract) or why it is excluded. */
  readonly justification: string;
  readonly implementationStatus: ImplementationStatus;
  readonly ownerPersonId?: string;
  /** How the control is implemented (procedures, tools, the group control it relies on). */
  readonly implementationDescription?: string;
  readonly provenance?: SoaLineProvenance;
}

export interface SoaEstablishedV1 {
  readonly soaId: string;
  readonly scopeId: string;
  /** The scope's owner org unit (who may edit and approve follows from it). */
  readonly orgUnitId: string;
  /** The reference catalogue (Annex A); a migration replaces it. */
  readonly catalogueId: string;
  readonly establishedBy: string;
}

/** An extended control set (an imported catalogue) becomes part of the SoA. */
export interface SoaCatalogueIncludedV1 {
  readonly soaId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
}

export interface SoaLineRecordedV1 {
  readonly soaId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly line: SoaLine;
  readonly recordedBy: string;
}

/** A line of an approved SoA version changed: the SoA needs a new approval. */
export interface SoaReapprovalRequiredV1 {
  readonly soaId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly approvedVersion: number;
  /** Every control changed since that approval, this one included. */
  readonly changedControls: readonly ControlRef[];
}

/** A control the SoA inherits from a group control (no line of its own), as approved. */
export interface InheritedSoaLine {
  readonly catalogueId: string;
  readonly controlId: string;
  readonly groupControlId: string;
  readonly groupControlRevision: number;
  readonly implementationStatus: ImplementationStatus;
  /** The subsidiary's justified exception, if it deviates from the group control. */
  readonly deviation?: string;
}

/** Top management's decision on a version of the SoA, with a digest of exactly what was approved. */
export interface SoaVersionApprovedV1 {
  readonly soaId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly extensionCatalogueIds: readonly string[];
  readonly version: number;
  /**
   * SHA-256 (hex) of the canonical JSON of
   * `{ catalogueId, extensionCatalogueIds, lines, inherited }`, lines sorted by catalogue and control.
   */
  readonly digest: string;
  readonly lines: readonly SoaLine[];
  readonly inherited: readonly InheritedSoaLine[];
  readonly approvedBy: string;
  readonly approverRole: string;
  readonly reason: string;
  readonly approvedAt: string;
}

export interface MigratedSoaLine {
  readonly controlId: string;
  /** The carried-over (or, with `decisionNeeded`, proposed) answer; absent when there is none. */
  readonly line?: SoaLine;
  readonly provenance: SoaLineProvenance;
}

export interface SoaCatalogueMigratedV1 {
  readonly soaId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly fromCatalogueId: string;
  readonly toCatalogueId: string;
  /** One entry per control of the target catalogue. */
  readonly lines: readonly MigratedSoaLine[];
  readonly migratedBy: string;
}

// ─── Group controls ─────────────────────────────────────────────────────────────────────────

export interface GroupControlDefinedV1 {
  readonly groupControlId: string;
  /** The group-level org unit (the tenant's root) whose subtree inherits the control. */
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly controlId: string;
  readonly title: string;
  readonly implementationDescription: string;
  readonly inclusionReasons: readonly InclusionReason[];
  readonly justification: string;
  readonly ownerPersonId: string;
  /** The group policy implementing it, if any (a governance document id). */
  readonly policyDocumentId?: string;
}

export interface GroupControlRevisedV1 {
  readonly groupControlId: string;
  /** 1 at definition, +1 per revision. */
  readonly revision: number;
  readonly title: string;
  readonly implementationDescription: string;
  readonly inclusionReasons: readonly InclusionReason[];
  readonly justification: string;
  readonly ownerPersonId: string;
  readonly policyDocumentId?: string;
  readonly changeSummary: string;
}

/** A subsidiary's (or site's) implementation status of an inherited group control. */
export interface GroupControlStatusReportedV1 {
  readonly groupControlId: string;
  readonly orgUnitId: string;
  readonly implementationStatus: Exclude<ImplementationStatus, 'not-applicable'>;
  readonly note?: string;
  readonly reportedBy: string;
}

/** A local deviation from a group control: a justified exception, decided with a reason. */
export interface GroupControlDeviationRecordedV1 {
  readonly groupControlId: string;
  readonly orgUnitId: string;
  /** What is done locally instead. */
  readonly deviation: string;
  readonly reason: string;
  readonly decidedBy: string;
}

export interface GroupControlDeviationWithdrawnV1 {
  readonly groupControlId: string;
  readonly orgUnitId: string;
  readonly reason: string;
  readonly withdrawnBy: string;
}

export interface GroupControlRetiredV1 {
  readonly groupControlId: string;
  readonly reason: string;
  readonly retiredBy: string;
}

// ─── Effectiveness (9.1) ────────────────────────────────────────────────────────────────────

export const TEST_FREQUENCIES = ['monthly', 'quarterly', 'semi-annually', 'annually'] as const;
export type TestFrequency = (typeof TEST_FREQUENCIES)[number];
/** Months between two tests at each frequency. */
export const TEST_FREQUENCY_MONTHS: Readonly<Record<TestFrequency, number>> = {
  monthly: 1,
  quarterly: 3,
  'semi-annually': 6,
  annually: 12,
};

export const TEST_METHODS = [
  'inquiry',
  'inspection',
  'observation',
  're-performance',
  'automated',
] as const;
export type TestMethod = (typeof TEST_METHODS)[number];

export const TEST_RESULTS = ['effective', 'partially-effective', 'not-effective'] as const;
export type ControlTestResult = (typeof TEST_RESULTS)[number];

export interface ControlTestPlanScheduledV1 {
  readonly testPlanId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly controlId: string;
  readonly frequency: TestFrequency;
  readonly method: TestMethod;
  readonly description: string;
  readonly testerPersonId?: string;
  /** The first test is due on this date. */
  readonly firstDueOn: string;
}

export interface ControlTestPlanRevisedV1 {
  readonly testPlanId: string;
  readonly frequency: TestFrequency;
  readonly method: TestMethod;
  readonly description: string;
  readonly testerPersonId?: string;
  readonly nextDueOn: string;
}

/**
 * A test of a control's effectiveness. The risk context marks acceptances of risks linked to
 * this control stale when the result is `not-effective` (or `partially-effective`).
 */
export interface ControlTestResultRecordedV1 {
  readonly testPlanId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly controlId: string;
  readonly result: ControlTestResult;
  readonly testedBy: string;
  readonly testedAt: string;
  readonly notes: string;
  /** The next test is due on this date (tested-at + the plan's frequency). */
  readonly nextDueOn: string;
}

export interface ControlTestPlanRetiredV1 {
  readonly testPlanId: string;
  readonly reason: string;
  readonly retiredBy: string;
}

// ─── Evidence ───────────────────────────────────────────────────────────────────────────────

export const EVIDENCE_TYPES = [
  'document',
  'record',
  'report',
  'screenshot',
  'log-extract',
  'configuration',
  'certificate',
  'other',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export interface EvidenceRecordedV1 {
  readonly evidenceId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly title: string;
  readonly evidenceType: EvidenceType;
  /** Where it comes from (a system, a person, a supplier). */
  readonly source: string;
  readonly collectedAt: string;
  /** Date after which the evidence no longer proves anything (absent: does not expire). */
  readonly validUntil?: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  /** SHA-256 (hex) of the content, as stored by the evidence content store. */
  readonly sha256: string;
  readonly controls: readonly ControlRef[];
  readonly recordedBy: string;
}

export interface EvidenceLinkedV1 {
  readonly evidenceId: string;
  readonly control: ControlRef;
}

export interface EvidenceUnlinkedV1 {
  readonly evidenceId: string;
  readonly control: ControlRef;
  readonly reason: string;
}

export interface EvidenceWithdrawnV1 {
  readonly evidenceId: string;
  readonly reason: string;
  readonly withdrawnBy: string;
}

type E<TType extends ControlsEventType, TData> = { readonly type: TType; readonly data: TData };
type C = typeof ControlsEventTypes;

/** Every published controls event: its type and data. */
export type ControlsEvent =
  | E<C['CatalogueImported'], CatalogueImportedV1>
  | E<C['CustomControlAdded'], CustomControlAddedV1>
  | E<C['SoaEstablished'], SoaEstablishedV1>
  | E<C['SoaCatalogueIncluded'], SoaCatalogueIncludedV1>
  | E<C['SoaLineRecorded'], SoaLineRecordedV1>
  | E<C['SoaReapprovalRequired'], SoaReapprovalRequiredV1>
  | E<C['SoaVersionApproved'], SoaVersionApprovedV1>
  | E<C['SoaCatalogueMigrated'], SoaCatalogueMigratedV1>
  | E<C['GroupControlDefined'], GroupControlDefinedV1>
  | E<C['GroupControlRevised'], GroupControlRevisedV1>
  | E<C['GroupControlStatusReported'], GroupControlStatusReportedV1>
  | E<C['GroupControlDeviationRecorded'], GroupControlDeviationRecordedV1>
  | E<C['GroupControlDeviationWithdrawn'], GroupControlDeviationWithdrawnV1>
  | E<C['GroupControlRetired'], GroupControlRetiredV1>
  | E<C['ControlTestPlanScheduled'], ControlTestPlanScheduledV1>
  | E<C['ControlTestPlanRevised'], ControlTestPlanRevisedV1>
  | E<C['ControlTestResultRecorded'], ControlTestResultRecordedV1>
  | E<C['ControlTestPlanRetired'], ControlTestPlanRetiredV1>
  | E<C['EvidenceRecorded'], EvidenceRecordedV1>
  | E<C['EvidenceLinked'], EvidenceLinkedV1>
  | E<C['EvidenceUnlinked'], EvidenceUnlinkedV1>
  | E<C['EvidenceWithdrawn'], EvidenceWithdrawnV1>;

const CONTROLS_EVENT_TYPE_SET: ReadonlySet<string> = new Set(Object.values(ControlsEventTypes));

/** Narrows an event (e.g. a RecordedEvent from the store or the bus) to a controls event. */
export function isControlsEvent<Ev extends { readonly type: string; readonly data: unknown }>(
  event: Ev,
): event is Ev & ControlsEvent {
  return CONTROLS_EVENT_TYPE_SET.has(event.type);
}
