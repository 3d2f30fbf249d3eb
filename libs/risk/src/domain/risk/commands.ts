import type {
  ControlRef,
  RiskAcceptanceAuthority,
  RiskMethodologyDefinition,
  StaleCause,
  TreatmentAction,
  TreatmentOption,
} from '@isms/contracts';
import type { EffectiveMethodology } from '../methodology/methodology-rules.js';

/** Every risk command says who acts (`by`, a person id) and when (`at`, from the clock). */
interface Acting {
  readonly by: string;
  readonly at: string;
}

export interface IdentifyRisk extends Acting {
  readonly type: 'IdentifyRisk';
  readonly riskId: string;
  readonly title: string;
  readonly description: string;
  readonly assetIds: readonly string[];
  readonly threatCode: string;
  readonly vulnerabilityCode: string;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly scopeId: string;
}

/** Another asset, threat or vulnerability: a material change. */
export interface ReviseRiskScenario extends Acting {
  readonly type: 'ReviseRiskScenario';
  readonly title: string;
  readonly description: string;
  readonly assetIds: readonly string[];
  readonly threatCode: string;
  readonly vulnerabilityCode: string;
  readonly changeSummary: string;
}

export interface ReassignRiskOwner extends Acting {
  readonly type: 'ReassignRiskOwner';
  readonly ownerPersonId: string;
  readonly reason: string;
}

export interface ChangeRiskScope extends Acting {
  readonly type: 'ChangeRiskScope';
  readonly scopeId: string;
  readonly reason: string;
}

/** `methodology` is the one in force for the risk's org unit now (the handler resolves it). */
export interface AssessInherentRisk extends Acting {
  readonly type: 'AssessInherentRisk';
  readonly likelihood: number;
  readonly impact: number;
  readonly methodology: EffectiveMethodology;
  readonly existingControls: string;
  readonly existingControlRefs: readonly ControlRef[];
  readonly rationale: string;
}

export interface DecideTreatment extends Acting {
  readonly type: 'DecideTreatment';
  readonly option: TreatmentOption;
  readonly justification: string;
}

/** A new version of the whole plan: actions and the controls that treat the risk. */
export interface PlanTreatment extends Acting {
  readonly type: 'PlanTreatment';
  readonly actions: readonly TreatmentAction[];
  readonly linkedControls: readonly ControlRef[];
}

export interface CompleteTreatmentAction extends Acting {
  readonly type: 'CompleteTreatmentAction';
  readonly actionId: string;
  readonly note: string;
}

export interface AssessResidualRisk extends Acting {
  readonly type: 'AssessResidualRisk';
  readonly likelihood: number;
  readonly impact: number;
  readonly methodology: EffectiveMethodology;
  readonly rationale: string;
}

/**
 * Acceptance of the residual risk (6.1.3 f). `acceptorRoles` are the roles the acceptor holds on
 * the risk's org unit; `criteria` is the methodology in force now, whose acceptance criteria apply.
 */
export interface AcceptRisk extends Acting {
  readonly type: 'AcceptRisk';
  readonly acceptorRoles: readonly RiskAcceptanceAuthority[];
  readonly criteria: RiskMethodologyDefinition;
  readonly reason: string;
}

/**
 * Something outside the risk changed what its acceptance relied on: a linked control was found
 * ineffective, or its ISMS scope was revised. Issued by the acceptance policy; idempotent.
 * `causeRecordedAt` is when that fact was recorded: an acceptance given later already knew it.
 */
export interface FlagAcceptanceStale extends Acting {
  readonly type: 'FlagAcceptanceStale';
  readonly cause: Exclude<StaleCause, { kind: 'material-change' }>;
  readonly causeRecordedAt: string;
}

export interface ReviewRisk extends Acting {
  readonly type: 'ReviewRisk';
  readonly notes: string;
}

export interface CloseRisk extends Acting {
  readonly type: 'CloseRisk';
  readonly reason: string;
}

export type RiskCommand =
  | IdentifyRisk
  | ReviseRiskScenario
  | ReassignRiskOwner
  | ChangeRiskScope
  | AssessInherentRisk
  | DecideTreatment
  | PlanTreatment
  | CompleteTreatmentAction
  | AssessResidualRisk
  | AcceptRisk
  | FlagAcceptanceStale
  | ReviewRisk
  | CloseRisk;
