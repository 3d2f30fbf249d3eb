import type {
  AcceptanceStatus,
  AssetType,
  ControlRef,
  InformationClassification,
  MethodologyVersionRef,
  ProtectionRequirements,
  RiskLevelDefinition,
  RiskMethodologyDefinition,
  RiskMethodologyOverrides,
  RiskScaleLevel,
  RiskStatus,
  SecurityProperty,
  StaleCause,
  ThreatCategory,
  TreatmentOption,
  VulnerabilityCategory,
} from '@isms/contracts';
import type { PlannedAction, RiskRecord } from '../domain/risk/risk-state.js';

/** The risk context's read models (precomputed documents, read with plain finds). */
export const RiskCollections = {
  Methodologies: 'risk_methodologies',
  Assets: 'risk_assets',
  Catalogue: 'risk_catalogue',
  Register: 'risk_register',
  PolicyLinks: 'risk_policy_links',
  PolicyScopes: 'risk_policy_scopes',
} as const;

/** A matrix as stored: one row object per likelihood level (read stores refuse nested arrays). */
export interface StoredMatrixRow {
  readonly likelihood: number;
  readonly levels: readonly string[];
}

export interface StoredMethodologyDefinition {
  readonly likelihoodScale: readonly RiskScaleLevel[];
  readonly impactScale: readonly RiskScaleLevel[];
  readonly levels: readonly RiskLevelDefinition[];
  readonly matrixRows: readonly StoredMatrixRow[];
}

export type StoredMethodologyOverrides = Partial<StoredMethodologyDefinition>;

export function storeMatrix(matrix: readonly (readonly string[])[]): StoredMatrixRow[] {
  return matrix.map((levels, index) => ({ likelihood: index + 1, levels }));
}

export function storeDefinition(
  definition: RiskMethodologyDefinition,
): StoredMethodologyDefinition {
  const { matrix, ...rest } = definition;
  return { ...rest, matrixRows: storeMatrix(matrix) };
}

export function storeOverrides(overrides: RiskMethodologyOverrides): StoredMethodologyOverrides {
  const { matrix, ...rest } = overrides;
  return { ...rest, ...(matrix ? { matrixRows: storeMatrix(matrix) } : {}) };
}

export function loadDefinition(stored: StoredMethodologyDefinition): RiskMethodologyDefinition {
  const { matrixRows, ...rest } = stored;
  return { ...rest, matrix: matrixRows.map((row) => row.levels) };
}

export function loadOverrides(stored: StoredMethodologyOverrides): RiskMethodologyOverrides {
  const { matrixRows, ...rest } = stored;
  return { ...rest, ...(matrixRows ? { matrix: matrixRows.map((row) => row.levels) } : {}) };
}

export interface MethodologyVersionSummary {
  readonly version: number;
  readonly changeSummary: string;
  readonly adoptedBy: string;
  readonly reason: string;
  readonly adoptedAt: string;
}

/** One per org unit with a methodology of its own (the root's is `base`). */
export interface MethodologyView {
  readonly tenantId: string;
  readonly methodologyId: string;
  readonly orgUnitId: string;
  readonly kind: 'base' | 'refinement';
  readonly version: number;
  readonly definition?: StoredMethodologyDefinition;
  readonly overrides?: StoredMethodologyOverrides;
  readonly basedOn?: readonly MethodologyVersionRef[];
  readonly versions: readonly MethodologyVersionSummary[];
}

export interface AssetView {
  readonly tenantId: string;
  readonly assetId: string;
  readonly name: string;
  readonly description: string;
  readonly assetType: AssetType;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly classification: InformationClassification;
  readonly requirements: ProtectionRequirements;
  readonly status: 'active' | 'retired';
  readonly retiredAt?: string;
  readonly retirementReason?: string;
  readonly registeredAt: string;
  readonly updatedAt: string;
}

export type CatalogueEntryView =
  | {
      readonly tenantId: string;
      readonly kind: 'threat';
      readonly code: string;
      readonly name: string;
      readonly category: ThreatCategory;
      readonly description: string;
      readonly affects: readonly SecurityProperty[];
      readonly orgUnitId: string;
      readonly addedBy: string;
      readonly addedAt: string;
    }
  | {
      readonly tenantId: string;
      readonly kind: 'vulnerability';
      readonly code: string;
      readonly name: string;
      readonly category: VulnerabilityCategory;
      readonly description: string;
      readonly orgUnitId: string;
      readonly addedBy: string;
      readonly addedAt: string;
    };

export interface RatingView {
  readonly likelihood: number;
  readonly impact: number;
  readonly level: string;
  readonly levelLabel: string;
  readonly levelRank: number;
  readonly withinAppetite: boolean;
  readonly methodology: readonly MethodologyVersionRef[];
  readonly rationale: string;
  readonly assessedBy: string;
  readonly assessedAt: string;
}

/** One risk of the register, with everything the filters need precomputed. */
export interface RiskRegisterEntry {
  readonly tenantId: string;
  readonly riskId: string;
  readonly title: string;
  readonly description: string;
  readonly assetIds: readonly string[];
  readonly threatCode: string;
  readonly vulnerabilityCode: string;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly scopeId: string;
  readonly status: RiskStatus;
  readonly inherent:
    | (RatingView & {
        readonly existingControls: string;
        readonly existingControlRefs: readonly ControlRef[];
      })
    | null;
  readonly treatment: {
    readonly option: TreatmentOption;
    readonly justification: string;
    readonly decidedBy: string;
    readonly decidedAt: string;
  } | null;
  readonly plan: {
    readonly version: number;
    readonly actions: readonly PlannedAction[];
    readonly linkedControls: readonly ControlRef[];
    readonly plannedBy: string;
    readonly plannedAt: string;
  } | null;
  readonly residual: RatingView | null;
  /** The residual level once assessed, else the inherent one; null before any rating. */
  readonly currentLevel: string | null;
  readonly currentLevelRank: number | null;
  readonly aboveAppetite: boolean | null;
  /** `catalogueId:controlId` of every control the risk relies on. */
  readonly controlKeys: readonly string[];
  readonly openActions: number;
  /** The earliest due date of an open action (YYYY-MM-DD), or null. */
  readonly nextOpenActionDue: string | null;
  readonly acceptance: {
    readonly acceptedBy: string;
    readonly authority: string;
    readonly residualLevel: string;
    readonly withinAppetite: boolean;
    readonly digest: string;
    readonly reason: string;
    readonly acceptedAt: string;
    readonly staleCause?: StaleCause;
    readonly staleAt?: string;
  } | null;
  readonly acceptanceStatus: AcceptanceStatus | 'none';
  readonly nextReviewDue: string | null;
  readonly lastReviewedAt: string | null;
  readonly closedAt: string | null;
  readonly closureReason: string | null;
  readonly identifiedAt: string;
  readonly updatedAt: string;
  /** The folded decider state, so the next event can be applied to it. */
  readonly record: RiskRecord;
}
