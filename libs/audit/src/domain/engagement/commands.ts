import type {
  ChecklistResult,
  ControlRef,
  EngagementAuditor,
  EngagementKind,
  FindingGrade,
} from '@isms/contracts';

/** Time (`at`) and actor (`by`) come in the command, never from a clock. */
interface Acting {
  readonly by: string;
  readonly at: string;
}

export interface PlanEngagement extends Acting {
  readonly type: 'PlanEngagement';
  readonly engagementId: string;
  readonly tenantId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly programmeId?: string;
  readonly cycleYear?: number;
  readonly kind: EngagementKind;
  readonly title: string;
  readonly auditedOrgUnitIds: readonly string[];
  readonly auditors: readonly EngagementAuditor[];
  readonly plannedStart: string;
  readonly plannedEnd: string;
  readonly plan: string;
  readonly clauses: readonly string[];
  readonly controls: readonly ControlRef[];
  readonly earlierNonconformityIds: readonly string[];
  readonly supplier?: string;
}

export interface StartEngagement extends Acting {
  readonly type: 'StartEngagement';
}

export interface AssessChecklistItem extends Acting {
  readonly type: 'AssessChecklistItem';
  readonly itemId: string;
  readonly result: ChecklistResult;
  readonly notes: string;
}

export interface SetCutOff extends Acting {
  readonly type: 'SetCutOff';
  readonly cutOffAt: string;
  readonly reason: string;
}

export interface ReportEngagement extends Acting {
  readonly type: 'ReportEngagement';
  readonly summary: string;
  readonly conclusion: string;
}

export interface CloseEngagement extends Acting {
  readonly type: 'CloseEngagement';
  readonly reason: string;
}

export interface RaiseFinding extends Acting {
  readonly type: 'RaiseFinding';
  readonly findingId: string;
  readonly grade: FindingGrade;
  readonly clause?: string;
  readonly control?: ControlRef;
  readonly orgUnitId: string;
  readonly title: string;
  readonly description: string;
  readonly evidenceIds: readonly string[];
  readonly raisedByKind: 'internal' | 'external';
}

export interface CloseFinding extends Acting {
  readonly type: 'CloseFinding';
  readonly findingId: string;
  readonly reason: string;
}

export interface RequestEvidence extends Acting {
  readonly type: 'RequestEvidence';
  readonly requestId: string;
  readonly clause?: string;
  readonly control?: ControlRef;
  readonly question: string;
  readonly ownerPersonId?: string;
}

export interface AnswerEvidenceRequest extends Acting {
  readonly type: 'AnswerEvidenceRequest';
  readonly requestId: string;
  readonly evidenceIds: readonly string[];
  readonly comment: string;
}

export interface DecideEvidenceAnswer extends Acting {
  readonly type: 'AcceptEvidence' | 'FlagEvidence';
  readonly requestId: string;
  readonly reason: string;
}

export interface RecordCorrection extends Acting {
  readonly type: 'RecordCorrection';
  readonly findingId: string;
  readonly correction: string;
}

export interface RecordRootCause extends Acting {
  readonly type: 'RecordRootCause';
  readonly findingId: string;
  readonly rootCause: string;
}

export interface PlanCorrectiveAction extends Acting {
  readonly type: 'PlanCorrectiveAction';
  readonly findingId: string;
  readonly actionPlan: string;
  readonly ownerPersonId: string;
  readonly dueDate: string;
}

/** Records, once per plan, that its due date has passed (`at` is today's instant). */
export interface MarkOverdueCorrectiveActions extends Acting {
  readonly type: 'MarkOverdueCorrectiveActions';
}

export interface ImplementCorrectiveAction extends Acting {
  readonly type: 'ImplementCorrectiveAction';
  readonly findingId: string;
  readonly implementation: string;
}

export interface VerifyCorrectiveAction extends Acting {
  readonly type: 'VerifyCorrectiveAction';
  readonly findingId: string;
  readonly effective: boolean;
  readonly reason: string;
}

export type EngagementCommand =
  | PlanEngagement
  | StartEngagement
  | AssessChecklistItem
  | SetCutOff
  | ReportEngagement
  | CloseEngagement
  | RaiseFinding
  | CloseFinding
  | RequestEvidence
  | AnswerEvidenceRequest
  | DecideEvidenceAnswer
  | RecordCorrection
  | RecordRootCause
  | PlanCorrectiveAction
  | MarkOverdueCorrectiveActions
  | ImplementCorrectiveAction
  | VerifyCorrectiveAction;
