import type { ControlRef, EngagementStatus } from '@isms/contracts';
import type {
  CorrectiveActionStatus,
  EngagementRecord,
  FindingRecord,
} from '../domain/engagement/engagement.js';
import type {
  CertificateRecord,
  CertificationState,
} from '../domain/certification/certification.js';
import type { ProgrammeState } from '../domain/programme/programme.js';

/** The audit context's read models (precomputed documents, read with plain finds). */
export const AuditCollections = {
  Programmes: 'audit_programmes',
  Engagements: 'audit_engagements',
  Findings: 'audit_findings',
  /** Applicability of controls per scope, from the controls context's published SoA events. */
  SoaApplicability: 'audit_soa_applicability',
  /** Evidence records, from the controls context's published evidence events. */
  Evidence: 'audit_evidence',
  /** One document per ISMS scope: the state of its certification stream. */
  Certifications: 'audit_certifications',
  /** One document per certificate (found by id for decisions, by scope for lists). */
  Certificates: 'audit_certificates',
} as const;

export interface CertificationView extends CertificationState {
  readonly tenantId: string;
  readonly scopeId: string;
}

export interface CertificateView extends CertificateRecord {
  readonly tenantId: string;
}

export type ProgrammeView = Extract<ProgrammeState, { status: 'established' }> & {
  readonly tenantId: string;
};

export interface EngagementView extends EngagementRecord {
  readonly tenantId: string;
  readonly openMajorNonconformities: number;
  readonly openFindings: number;
  readonly updatedAt: string;
}

/** One finding with its engagement's context and its corrective action, flattened for filters. */
export interface FindingView extends FindingRecord {
  readonly tenantId: string;
  readonly engagementTitle: string;
  readonly engagementStatus: EngagementStatus;
  /** `none` when no corrective action is planned (or none is needed). */
  readonly correctiveActionStatus: CorrectiveActionStatus | 'none';
  /** The due date of the current corrective action, if planned. */
  readonly dueDate?: string;
  readonly actionOwnerPersonId?: string;
}

export interface SoaApplicabilityLine {
  readonly key: string;
  readonly catalogueId: string;
  readonly controlId: string;
  readonly applicable: boolean;
}

export interface SoaApplicabilityView {
  readonly tenantId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly lines: readonly SoaApplicabilityLine[];
  readonly approvedVersion?: number;
  readonly updatedAt: string;
}

export interface EvidenceView {
  readonly tenantId: string;
  readonly evidenceId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly title: string;
  readonly evidenceType: string;
  readonly collectedAt: string;
  readonly validUntil?: string;
  readonly sha256: string;
  readonly controls: readonly ControlRef[];
  readonly controlKeys: readonly string[];
  readonly withdrawn: boolean;
}
