import { z } from 'zod';
import {
  CERTIFICATION_CYCLES,
  CERTIFIED_STANDARDS,
  CHECKLIST_RESULTS,
  ENGAGEMENT_KINDS,
  ENGAGEMENT_STATUSES,
  FINDING_GRADES,
} from '@isms/contracts';
import { AsOfParam, PageQuery, Reason } from '@isms/platform-nest';

/*
 * Request schemas of the audit API. Every field is validated and unknown fields are refused
 * (400 with one error per field). Business rules (sample sizes, lifecycle order, no closure with
 * an open major nonconformity) are the domain's: they answer 422 naming the rule.
 */

const Id = z.string().trim().min(1).max(200);
const Text = (max: number) => z.string().trim().max(max);
const Required = (max: number, message: string) => z.string().trim().min(1, message).max(max);
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date written YYYY-MM-DD, e.g. 2026-06-30');
const Clause = z
  .string()
  .trim()
  .regex(/^\d{1,2}(\.\d{1,2}){0,2}$/, 'A clause number such as 9.2 or 10.2');

export const ControlRefInput = z
  .object({
    catalogueId: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'A catalogue id such as iso27001-2022'),
    controlId: z.string().trim().min(1).max(64),
  })
  .strict();

export const EstablishProgrammeBody = z
  .object({
    scopeId: Id,
    cycle: z.enum(CERTIFICATION_CYCLES).default('initial'),
    firstYear: z.number().int().min(2000).max(2100),
    centralFunctionOrgUnitId: Id,
    siteOrgUnitIds: z.array(Id).max(500),
  })
  .strict();

export const SampleSitesBody = z
  .object({
    cycleYear: z.number().int().min(1).max(3),
    siteOrgUnitIds: z
      .array(Id)
      .max(500)
      .optional()
      .describe('Leave out to take the proposal (sites not yet audited in the cycle first)'),
    reason: Reason,
  })
  .strict();

const Auditor = z
  .object({
    personId: Id,
    kind: z.enum(['internal', 'external']),
    grantId: Id.optional(),
    lead: z.boolean().default(false),
  })
  .strict();

export const PlanEngagementBody = z
  .object({
    scopeId: Id,
    kind: z.enum(ENGAGEMENT_KINDS),
    title: Required(200, 'Give the engagement a title'),
    auditedOrgUnitIds: z.array(Id).max(200).default([]),
    auditors: z.array(Auditor).min(1, 'Name at least one auditor').max(50),
    plannedStart: IsoDate,
    plannedEnd: IsoDate,
    plan: Required(10_000, 'Write the audit plan: objectives, criteria, agenda'),
    clauses: z.array(Clause).max(50).default([]),
    controls: z.array(ControlRefInput).max(500).default([]),
    allApplicableControls: z.boolean().default(false),
    cycleYear: z.number().int().min(1).max(3).optional(),
    supplier: Text(200).optional(),
  })
  .strict();

export const AssessItemBody = z
  .object({
    itemId: Id,
    result: z.enum(CHECKLIST_RESULTS),
    notes: Text(5000).default(''),
  })
  .strict();

export const CutOffBody = z
  .object({
    cutOffAt: z.iso.datetime({
      offset: true,
      message: 'An ISO 8601 instant, e.g. 2026-03-01T00:00:00Z',
    }),
    reason: Reason,
  })
  .strict();

export const ReportBody = z
  .object({
    summary: Required(10_000, 'Summarise what was audited and found'),
    conclusion: Required(5000, 'State the audit conclusion'),
  })
  .strict();

export const ReasonBody = z.object({ reason: Reason }).strict();

const oneTarget = <T extends { clause?: string | undefined; control?: unknown }>(value: T) =>
  (value.clause === undefined) !== (value.control === undefined);
const TARGET_MESSAGE = {
  message: 'Give exactly one of clause (4–10) and control',
  path: ['clause'],
};

export const RaiseFindingBody = z
  .object({
    grade: z.enum(FINDING_GRADES),
    clause: Clause.optional(),
    control: ControlRefInput.optional(),
    orgUnitId: Id,
    title: Required(200, 'Give the finding a short title'),
    description: Required(10_000, 'Describe the requirement, what was observed and where'),
    evidenceIds: z.array(Id).max(100).default([]),
  })
  .strict()
  .refine(oneTarget, TARGET_MESSAGE);

export const RequestEvidenceBody = z
  .object({
    clause: Clause.optional(),
    control: ControlRefInput.optional(),
    question: Required(5000, 'Say what evidence you need'),
    ownerPersonId: Id.optional(),
  })
  .strict()
  .refine(oneTarget, TARGET_MESSAGE);

export const AnswerEvidenceBody = z
  .object({
    evidenceIds: z.array(Id).min(1, 'Answer with at least one evidence record').max(100),
    comment: Text(5000).default(''),
  })
  .strict();

export const CorrectionBody = z
  .object({ correction: Required(5000, 'Describe the correction') })
  .strict();
export const RootCauseBody = z
  .object({ rootCause: Required(5000, 'Describe the root cause') })
  .strict();
export const ActionPlanBody = z
  .object({
    actionPlan: Required(5000, 'Describe the corrective action'),
    ownerPersonId: Id,
    dueDate: IsoDate,
  })
  .strict();
export const ImplementationBody = z
  .object({ implementation: Required(5000, 'Describe what was implemented') })
  .strict();
export const VerificationBody = z
  .object({
    effective: z.boolean(),
    reason: Reason,
  })
  .strict();

export const AsOfQuery = z.object({ asOf: AsOfParam.optional() }).strict();

export const EngagementListQuery = PageQuery.extend({
  scopeId: Id.optional(),
  kind: z.enum(ENGAGEMENT_KINDS).optional(),
  status: z.enum(ENGAGEMENT_STATUSES).optional(),
  asOf: AsOfParam.optional(),
}).strict();

export const FindingListQuery = PageQuery.extend({
  scopeId: Id.optional(),
  engagementId: Id.optional(),
  grade: z.enum(FINDING_GRADES).optional(),
  status: z.enum(['open', 'closed']).optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only nonconformities whose corrective action is past its due date'),
  asOf: AsOfParam.optional(),
}).strict();

export const ScopeParams = z.object({ scopeId: Id }).strict();
export const EngagementParams = z.object({ engagementId: Id }).strict();
export const FindingParams = z.object({ engagementId: Id, findingId: Id }).strict();
export const RequestParams = z.object({ engagementId: Id, requestId: Id }).strict();

// ─── Certification decisions ────────────────────────────────────────────────────────────────

export const IssueCertificateBody = z
  .object({
    scopeId: Id,
    certificationBody: Required(200, 'Name the certification body that decided'),
    certificateNumber: Required(100, 'Give the number printed on the certificate'),
    issuedOn: IsoDate,
    validUntil: IsoDate.describe('At most three years after issuedOn'),
    basedOnEngagementId: Id.describe('The reported or closed stage 2 / recertification engagement'),
    standard: z.enum(CERTIFIED_STANDARDS),
    reason: Reason,
  })
  .strict();

export const CertificateListQuery = z
  .object({ scopeId: Id.optional(), asOf: AsOfParam.optional() })
  .strict();

export const CertificateParams = z.object({ certificateId: Id }).strict();
