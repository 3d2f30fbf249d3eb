/**
 * Published events of the risk context (ISO/IEC 27001 clauses 6.1.2, 6.1.3, 8.2, 8.3): the risk
 * methodology (scales, matrix, acceptance criteria, review intervals) of a tenant and its
 * refinements for subsidiaries, the asset inventory, the tenant's additions to the threat and
 * vulnerability catalogues, and risks from identification through assessment, treatment,
 * residual assessment and acceptance to review and closure. Other contexts (controls, reporting)
 * may consume exactly these shapes.
 *
 * Stored event `type` = `risk.<EventName>`, `schemaVersion` 1; the versioned integration name is
 * `<type>.v<schemaVersion>` (`integrationEventName` in ./governance.ts). Stream ids are
 * `<streamType>-<uuidv7>`, except a methodology (`riskMethodologyStreamId(orgUnitId)`: one per
 * org unit that defines or refines one) and a tenant's catalogue additions
 * (`riskCatalogueStreamId(tenantId)`). Instants are ISO 8601 strings (UTC); dates `YYYY-MM-DD`.
 *
 * Controls are referred to by `ControlRef` (`{ catalogueId, controlId }`, from ./controls.ts),
 * e.g. `{ catalogueId: 'iso27001-2022', controlId: '5.15' }`.
 */
import type { ControlRef } from './controls.js';
import type { Role } from './governance.js';

/** Stream types of the risk context. */
export const RiskStreamTypes = {
  /** One per org unit with a methodology of its own: the tenant root (base) or a refinement. */
  RiskMethodology: 'risk-methodology',
  Asset: 'asset',
  /** One per tenant: threats and vulnerabilities the tenant added to the default catalogue. */
  RiskCatalogue: 'risk-catalogue',
  Risk: 'risk',
} as const;
export type RiskStreamType = (typeof RiskStreamTypes)[keyof typeof RiskStreamTypes];

/** The methodology stream of an org unit (the tenant root, or a subsidiary refining it). */
export function riskMethodologyStreamId(orgUnitId: string): string {
  return `${RiskStreamTypes.RiskMethodology}-${orgUnitId}`;
}

/** The stream of a tenant's additions to the threat and vulnerability catalogues. */
export function riskCatalogueStreamId(tenantId: string): string {
  const key = tenantId.startsWith('tenant-') ? tenantId.slice('tenant-'.length) : tenantId;
  return `${RiskStreamTypes.RiskCatalogue}-${key}`;
}

export const RiskEventTypes = {
  RiskMethodologyAdopted: 'risk.RiskMethodologyAdopted',
  RiskMethodologyRefined: 'risk.RiskMethodologyRefined',

  AssetRegistered: 'risk.AssetRegistered',
  AssetUpdated: 'risk.AssetUpdated',
  AssetRetired: 'risk.AssetRetired',

  ThreatAdded: 'risk.ThreatAdded',
  VulnerabilityAdded: 'risk.VulnerabilityAdded',

  RiskIdentified: 'risk.RiskIdentified',
  RiskScenarioRevised: 'risk.RiskScenarioRevised',
  RiskOwnerReassigned: 'risk.RiskOwnerReassigned',
  RiskScopeChanged: 'risk.RiskScopeChanged',
  InherentRiskAssessed: 'risk.InherentRiskAssessed',
  RiskTreatmentDecided: 'risk.RiskTreatmentDecided',
  RiskTreatmentPlanned: 'risk.RiskTreatmentPlanned',
  TreatmentActionCompleted: 'risk.TreatmentActionCompleted',
  ResidualRiskAssessed: 'risk.ResidualRiskAssessed',
  RiskAccepted: 'risk.RiskAccepted',
  RiskAcceptanceMarkedStale: 'risk.RiskAcceptanceMarkedStale',
  RiskReviewed: 'risk.RiskReviewed',
  RiskClosed: 'risk.RiskClosed',
} as const;
export type RiskEventType = (typeof RiskEventTypes)[keyof typeof RiskEventTypes];

// ─── Methodology (6.1.2 a, b) ───────────────────────────────────────────────────────────────

/** One step of a likelihood or impact scale; `value` is its position, 1 = lowest. */
export interface RiskScaleLevel {
  readonly value: number;
  readonly label: string;
  readonly description: string;
}

/**
 * Who may accept a residual risk at a level: `risk-owner` is the risk's own owner (the person
 * named on the risk); any other role means a person holding that role on the risk's org unit.
 */
export type RiskAcceptanceAuthority = Role;

/** A risk level of the matrix, with its acceptance criterion and review interval. */
export interface RiskLevelDefinition {
  /** A slug, e.g. `low`, `medium`, `high`, `critical`. */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** Who may accept a residual risk at this level; empty: it may not be accepted (treat it further). */
  readonly acceptableBy: readonly RiskAcceptanceAuthority[];
  /** A risk at this level is reviewed at least every so many days. */
  readonly reviewIntervalDays: number;
}

/**
 * A complete methodology. `levels` run from the least to the most severe; within appetite are
 * the levels the risk owner may accept. `matrix[l - 1][i - 1]` is the level id of likelihood `l`
 * and impact `i`.
 */
export interface RiskMethodologyDefinition {
  readonly likelihoodScale: readonly RiskScaleLevel[];
  readonly impactScale: readonly RiskScaleLevel[];
  readonly levels: readonly RiskLevelDefinition[];
  readonly matrix: readonly (readonly string[])[];
}

/** The parts a refinement overrides for its subtree; absent parts are inherited. */
export type RiskMethodologyOverrides = Partial<RiskMethodologyDefinition>;

/** One methodology version on the path root → org unit that an assessment used. */
export interface MethodologyVersionRef {
  readonly orgUnitId: string;
  readonly version: number;
}

/** The tenant's methodology (at the root of its org tree), version 1, 2, … */
export interface RiskMethodologyAdoptedV1 {
  readonly methodologyId: string;
  readonly orgUnitId: string;
  readonly version: number;
  readonly definition: RiskMethodologyDefinition;
  readonly changeSummary: string;
  readonly adoptedBy: string;
  readonly reason: string;
  readonly adoptedAt: string;
}

/** A subsidiary (or any unit below the root) overrides parts of what it inherits, for its subtree. */
export interface RiskMethodologyRefinedV1 {
  readonly methodologyId: string;
  readonly orgUnitId: string;
  readonly version: number;
  readonly overrides: RiskMethodologyOverrides;
  /** The inherited methodology versions this refinement was checked against. */
  readonly basedOn: readonly MethodologyVersionRef[];
  readonly changeSummary: string;
  readonly adoptedBy: string;
  readonly reason: string;
  readonly adoptedAt: string;
}

// ─── Assets (8.2 inputs; Annex A 5.9) ───────────────────────────────────────────────────────

export const ASSET_TYPES = [
  'information',
  'software',
  'hardware',
  'service',
  'people',
  'site',
  'process',
] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export const INFORMATION_CLASSIFICATIONS = [
  'public',
  'internal',
  'confidential',
  'restricted',
] as const;
export type InformationClassification = (typeof INFORMATION_CLASSIFICATIONS)[number];

/** How much confidentiality, integrity and availability an asset needs. */
export const PROTECTION_REQUIREMENT_LEVELS = ['low', 'medium', 'high', 'very-high'] as const;
export type ProtectionRequirementLevel = (typeof PROTECTION_REQUIREMENT_LEVELS)[number];

export interface ProtectionRequirements {
  readonly confidentiality: ProtectionRequirementLevel;
  readonly integrity: ProtectionRequirementLevel;
  readonly availability: ProtectionRequirementLevel;
}

export interface AssetRegisteredV1 {
  readonly assetId: string;
  readonly name: string;
  readonly description: string;
  readonly assetType: AssetType;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly classification: InformationClassification;
  readonly requirements: ProtectionRequirements;
}

/** Only the changed fields are present. */
export interface AssetUpdatedV1 {
  readonly assetId: string;
  readonly name?: string;
  readonly description?: string;
  readonly ownerPersonId?: string;
  readonly orgUnitId?: string;
  readonly classification?: InformationClassification;
  readonly requirements?: ProtectionRequirements;
}

export interface AssetRetiredV1 {
  readonly assetId: string;
  readonly reason: string;
  readonly retiredAt: string;
}

// ─── Threat and vulnerability catalogues ────────────────────────────────────────────────────

export const THREAT_CATEGORIES = [
  'physical',
  'environmental',
  'deliberate',
  'accidental',
  'technical-failure',
  'organisational',
] as const;
export type ThreatCategory = (typeof THREAT_CATEGORIES)[number];

export const VULNERABILITY_CATEGORIES = [
  'hardware',
  'software',
  'network',
  'people',
  'site',
  'organisation',
] as const;
export type VulnerabilityCategory = (typeof VULNERABILITY_CATEGORIES)[number];

export type SecurityProperty = 'confidentiality' | 'integrity' | 'availability';

/** A tenant's own threat; the default catalogue's codes start with `TH-`, a tenant's may not. */
export interface ThreatAddedV1 {
  readonly code: string;
  readonly name: string;
  readonly category: ThreatCategory;
  readonly description: string;
  /** The properties the threat endangers. */
  readonly affects: readonly SecurityProperty[];
  /** The org unit that added it; the entry is usable across the tenant. */
  readonly orgUnitId: string;
  readonly addedBy: string;
}

/** A tenant's own vulnerability; the default catalogue's codes start with `VU-`. */
export interface VulnerabilityAddedV1 {
  readonly code: string;
  readonly name: string;
  readonly category: VulnerabilityCategory;
  readonly description: string;
  readonly orgUnitId: string;
  readonly addedBy: string;
}

// ─── Risks (6.1.2, 6.1.3, 8.2, 8.3) ─────────────────────────────────────────────────────────

export const TREATMENT_OPTIONS = ['modify', 'avoid', 'share', 'retain'] as const;
export type TreatmentOption = (typeof TREATMENT_OPTIONS)[number];

/** Where a risk is in its lifecycle (acceptance validity is separate: `AcceptanceStatus`). */
export const RISK_STATUSES = [
  'identified',
  'assessed',
  'treatment-decided',
  'treatment-planned',
  'residual-assessed',
  'accepted',
  'closed',
] as const;
export type RiskStatus = (typeof RISK_STATUSES)[number];

export const ACCEPTANCE_STATUSES = ['current', 'needs-re-approval'] as const;
export type AcceptanceStatus = (typeof ACCEPTANCE_STATUSES)[number];

/** A rating on the methodology in force for the risk's org unit when it was made. */
export interface RiskRating {
  readonly likelihood: number;
  readonly impact: number;
  /** The level id from the matrix, e.g. `high`. */
  readonly level: string;
  readonly levelLabel: string;
  /** 0 = the least severe level of the methodology used. */
  readonly levelRank: number;
  /** The level's review interval when it was rated. */
  readonly reviewIntervalDays: number;
  /** Whether the level is within appetite (the risk owner may accept it) on that methodology. */
  readonly withinAppetite: boolean;
  readonly methodology: readonly MethodologyVersionRef[];
}

export interface RiskIdentifiedV1 {
  readonly riskId: string;
  readonly title: string;
  readonly description: string;
  readonly assetIds: readonly string[];
  readonly threatCode: string;
  readonly vulnerabilityCode: string;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly scopeId: string;
  readonly identifiedAt: string;
}

export interface RiskScenarioRevisedV1 {
  readonly riskId: string;
  readonly title: string;
  readonly description: string;
  readonly assetIds: readonly string[];
  readonly threatCode: string;
  readonly vulnerabilityCode: string;
  readonly changeSummary: string;
}

export interface RiskOwnerReassignedV1 {
  readonly riskId: string;
  readonly previousOwnerPersonId: string;
  readonly ownerPersonId: string;
  readonly reason: string;
}

export interface RiskScopeChangedV1 {
  readonly riskId: string;
  readonly previousScopeId: string;
  readonly scopeId: string;
  readonly reason: string;
}

export interface InherentRiskAssessedV1 {
  readonly riskId: string;
  readonly rating: RiskRating;
  /** What already protects the asset, in words, and the controls it relies on. */
  readonly existingControls: string;
  readonly existingControlRefs: readonly ControlRef[];
  readonly rationale: string;
  readonly assessedBy: string;
  readonly assessedAt: string;
  readonly nextReviewDue: string;
}

export interface RiskTreatmentDecidedV1 {
  readonly riskId: string;
  readonly option: TreatmentOption;
  readonly justification: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

export interface TreatmentAction {
  readonly actionId: string;
  readonly title: string;
  readonly ownerPersonId: string;
  /** `YYYY-MM-DD` */
  readonly dueDate: string;
}

/**
 * The treatment plan (6.1.3 e), replaced as a whole by each new version. The controls context
 * shows these `linkedControls` as the risks an SoA line treats.
 */
export interface RiskTreatmentPlannedV1 {
  readonly riskId: string;
  readonly planVersion: number;
  readonly option: TreatmentOption;
  readonly actions: readonly TreatmentAction[];
  readonly linkedControls: readonly ControlRef[];
  /** Snapshot of the risk, so consumers need not fold RiskIdentified. */
  readonly title: string;
  readonly orgUnitId: string;
  readonly scopeId: string;
  readonly plannedBy: string;
  readonly plannedAt: string;
}

export interface TreatmentActionCompletedV1 {
  readonly riskId: string;
  readonly actionId: string;
  readonly note: string;
  readonly completedBy: string;
  readonly completedAt: string;
}

export interface ResidualRiskAssessedV1 {
  readonly riskId: string;
  readonly rating: RiskRating;
  readonly rationale: string;
  readonly assessedBy: string;
  readonly assessedAt: string;
  readonly nextReviewDue: string;
}

/**
 * What an acceptance approves: the material state of the risk. Its SHA-256 over the canonical
 * JSON (RFC 8785) is the acceptance's `digest` (6.1.3 f): anyone can recompute it.
 */
export interface RiskMaterialState {
  readonly riskId: string;
  readonly assetIds: readonly string[];
  readonly threatCode: string;
  readonly vulnerabilityCode: string;
  readonly orgUnitId: string;
  readonly scopeId: string;
  readonly inherent: {
    readonly likelihood: number;
    readonly impact: number;
    readonly level: string;
  };
  readonly existingControls: readonly ControlRef[];
  readonly treatment: TreatmentOption;
  readonly linkedControls: readonly ControlRef[];
  readonly residual: {
    readonly likelihood: number;
    readonly impact: number;
    readonly level: string;
  };
}

/** The risk owner's (or the named role's) acceptance of the residual risk, with its why. */
export interface RiskAcceptedV1 {
  readonly riskId: string;
  readonly acceptedBy: string;
  /** In which capacity: `risk-owner` (the risk's owner) or the role the criteria name. */
  readonly authority: RiskAcceptanceAuthority;
  readonly residualLevel: string;
  readonly residualLevelLabel: string;
  /** Whether the residual level was within appetite (acceptable by the risk owner). */
  readonly withinAppetite: boolean;
  readonly materialState: RiskMaterialState;
  /** SHA-256 (hex) of the canonical JSON of `materialState`. */
  readonly digest: string;
  readonly reason: string;
  readonly acceptedAt: string;
  readonly nextReviewDue: string;
}

export const STALE_CAUSE_KINDS = [
  'material-change',
  'control-found-ineffective',
  'scope-changed',
] as const;
export type StaleCauseKind = (typeof STALE_CAUSE_KINDS)[number];

export type StaleCause =
  | {
      readonly kind: 'material-change';
      /** The risk event that changed it, e.g. `risk.InherentRiskAssessed`. */
      readonly change: string;
      readonly summary: string;
    }
  | {
      readonly kind: 'control-found-ineffective';
      readonly control: ControlRef;
      readonly result: string;
      readonly sourceEventId: string;
      readonly summary: string;
    }
  | {
      readonly kind: 'scope-changed';
      readonly scopeId: string;
      readonly scopeVersion: number;
      readonly sourceEventId: string;
      readonly summary: string;
    };

/** The acceptance no longer covers the risk as it is: it needs re-approval. */
export interface RiskAcceptanceMarkedStaleV1 {
  readonly riskId: string;
  readonly acceptedDigest: string;
  /** The digest of the material state now (equal to the accepted one for external causes). */
  readonly currentDigest: string;
  readonly cause: StaleCause;
  readonly markedAt: string;
}

export interface RiskReviewedV1 {
  readonly riskId: string;
  readonly notes: string;
  readonly reviewedBy: string;
  readonly reviewedAt: string;
  readonly nextReviewDue: string;
}

export interface RiskClosedV1 {
  readonly riskId: string;
  readonly reason: string;
  readonly closedBy: string;
  readonly closedAt: string;
}

type E<TType extends RiskEventType, TData> = { readonly type: TType; readonly data: TData };
type R = typeof RiskEventTypes;

/** Every published risk event: its type and data. */
export type RiskEvent =
  | E<R['RiskMethodologyAdopted'], RiskMethodologyAdoptedV1>
  | E<R['RiskMethodologyRefined'], RiskMethodologyRefinedV1>
  | E<R['AssetRegistered'], AssetRegisteredV1>
  | E<R['AssetUpdated'], AssetUpdatedV1>
  | E<R['AssetRetired'], AssetRetiredV1>
  | E<R['ThreatAdded'], ThreatAddedV1>
  | E<R['VulnerabilityAdded'], VulnerabilityAddedV1>
  | E<R['RiskIdentified'], RiskIdentifiedV1>
  | E<R['RiskScenarioRevised'], RiskScenarioRevisedV1>
  | E<R['RiskOwnerReassigned'], RiskOwnerReassignedV1>
  | E<R['RiskScopeChanged'], RiskScopeChangedV1>
  | E<R['InherentRiskAssessed'], InherentRiskAssessedV1>
  | E<R['RiskTreatmentDecided'], RiskTreatmentDecidedV1>
  | E<R['RiskTreatmentPlanned'], RiskTreatmentPlannedV1>
  | E<R['TreatmentActionCompleted'], TreatmentActionCompletedV1>
  | E<R['ResidualRiskAssessed'], ResidualRiskAssessedV1>
  | E<R['RiskAccepted'], RiskAcceptedV1>
  | E<R['RiskAcceptanceMarkedStale'], RiskAcceptanceMarkedStaleV1>
  | E<R['RiskReviewed'], RiskReviewedV1>
  | E<R['RiskClosed'], RiskClosedV1>;

const RISK_EVENT_TYPE_SET: ReadonlySet<string> = new Set(Object.values(RiskEventTypes));

/** Narrows an event (e.g. a RecordedEvent from the store or the bus) to a risk event. */
export function isRiskEvent<Ev extends { readonly type: string; readonly data: unknown }>(
  event: Ev,
): event is Ev & RiskEvent {
  return RISK_EVENT_TYPE_SET.has(event.type);
}
