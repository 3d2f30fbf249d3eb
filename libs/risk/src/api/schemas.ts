import { z } from 'zod';
import {
  ACCEPTANCE_STATUSES,
  ASSET_TYPES,
  INFORMATION_CLASSIFICATIONS,
  PROTECTION_REQUIREMENT_LEVELS,
  RISK_STATUSES,
  ROLES,
  THREAT_CATEGORIES,
  TREATMENT_OPTIONS,
  VULNERABILITY_CATEGORIES,
} from '@isms/contracts';
import { AsOfParam, PageQuery, Reason } from '@isms/platform-nest';

/*
 * Request schemas of the risk API. Every field is validated and unknown fields are refused
 * (400 with one error per field). Business rules (a scale of 3 to 7 levels, a monotonic matrix,
 * who may accept what) are the domain's: they answer 422 naming the rule.
 */

const Id = z.string().trim().min(1).max(200);
const Text = (max: number) => z.string().trim().max(max);
const Label = z.string().trim().min(1).max(120);
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date written YYYY-MM-DD, e.g. 2026-06-30');

export const ControlRefInput = z
  .object({
    catalogueId: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'A catalogue id such as iso27001-2022'),
    controlId: z.string().trim().min(1).max(64),
  })
  .strict();

const ScaleLevelInput = z.object({ label: Label, description: Text(1000).default('') }).strict();
const Scale = z
  .array(ScaleLevelInput)
  .min(1)
  .max(10)
  .transform((levels) => levels.map((level, index) => ({ value: index + 1, ...level })));

const LevelInput = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,31}$/, 'A lower-case slug such as "medium" or "very-high"'),
    label: Label,
    description: Text(1000).default(''),
    acceptableBy: z
      .array(z.enum(ROLES))
      .max(ROLES.length)
      .describe(
        'Who may accept a residual risk at this level: "risk-owner" (the risk’s own owner) and/or roles; [] for nobody',
      ),
    reviewIntervalDays: z.number().int().min(1).max(3650),
  })
  .strict();
const Levels = z.array(LevelInput).min(1).max(10);
const Matrix = z
  .array(z.array(z.string().min(1).max(32)).min(1).max(10))
  .min(1)
  .max(10)
  .describe('matrix[likelihood - 1][impact - 1] = level id');

export const MethodologyDefinitionInput = z
  .object({ likelihoodScale: Scale, impactScale: Scale, levels: Levels, matrix: Matrix })
  .strict();

export const MethodologyOverridesInput = z
  .object({
    likelihoodScale: Scale.optional(),
    impactScale: Scale.optional(),
    levels: Levels.optional(),
    matrix: Matrix.optional(),
  })
  .strict();

export const SetMethodologyBody = z
  .object({
    definition: MethodologyDefinitionInput.optional().describe(
      'At the tenant’s root org unit: the complete methodology',
    ),
    overrides: MethodologyOverridesInput.optional().describe(
      'Below the root: the parts this unit refines for its subtree',
    ),
    changeSummary: Text(2000).default(''),
    reason: Reason,
  })
  .strict();

const Requirements = z
  .object({
    confidentiality: z.enum(PROTECTION_REQUIREMENT_LEVELS),
    integrity: z.enum(PROTECTION_REQUIREMENT_LEVELS),
    availability: z.enum(PROTECTION_REQUIREMENT_LEVELS),
  })
  .strict();

export const RegisterAssetBody = z
  .object({
    name: Label,
    description: Text(5000).default(''),
    assetType: z.enum(ASSET_TYPES),
    ownerPersonId: Id,
    orgUnitId: Id,
    classification: z.enum(INFORMATION_CLASSIFICATIONS),
    requirements: Requirements,
  })
  .strict();

export const UpdateAssetBody = z
  .object({
    name: Label.optional(),
    description: Text(5000).optional(),
    ownerPersonId: Id.optional(),
    orgUnitId: Id.optional(),
    classification: z.enum(INFORMATION_CLASSIFICATIONS).optional(),
    requirements: Requirements.optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'Send at least one field to change',
  });

export const ReasonBody = z.object({ reason: Reason }).strict();

const CatalogueCode = z.string().trim().min(1).max(32);

export const AddThreatBody = z
  .object({
    code: CatalogueCode,
    name: Label,
    category: z.enum(THREAT_CATEGORIES),
    description: Text(2000).default(''),
    affects: z.array(z.enum(['confidentiality', 'integrity', 'availability'])).max(3),
    orgUnitId: Id,
  })
  .strict();

export const AddVulnerabilityBody = z
  .object({
    code: CatalogueCode,
    name: Label,
    category: z.enum(VULNERABILITY_CATEGORIES),
    description: Text(2000).default(''),
    orgUnitId: Id,
  })
  .strict();

const Scenario = {
  title: z.string().trim().min(1).max(300),
  description: Text(5000).default(''),
  assetIds: z.array(Id).max(100),
  threatCode: CatalogueCode,
  vulnerabilityCode: CatalogueCode,
};

export const IdentifyRiskBody = z
  .object({ ...Scenario, ownerPersonId: Id, orgUnitId: Id, scopeId: Id })
  .strict();

export const ReviseScenarioBody = z.object({ ...Scenario, changeSummary: Reason }).strict();

export const ReassignOwnerBody = z.object({ ownerPersonId: Id, reason: Reason }).strict();

export const ChangeScopeBody = z.object({ scopeId: Id, reason: Reason }).strict();

const Rating = {
  likelihood: z.number().int().min(1).max(10),
  impact: z.number().int().min(1).max(10),
  rationale: Reason,
};

export const InherentAssessmentBody = z
  .object({
    ...Rating,
    existingControls: Text(5000).default(''),
    existingControlRefs: z.array(ControlRefInput).max(100).default([]),
  })
  .strict();

export const ResidualAssessmentBody = z.object(Rating).strict();

export const TreatmentDecisionBody = z
  .object({ option: z.enum(TREATMENT_OPTIONS), justification: Reason })
  .strict();

export const TreatmentPlanBody = z
  .object({
    actions: z
      .array(
        z
          .object({
            actionId: z
              .string()
              .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/)
              .optional()
              .describe(
                'Keep the id of an action carried over from the previous plan; new actions get one',
              ),
            title: z.string().trim().min(1).max(300),
            ownerPersonId: Id,
            dueDate: IsoDate,
          })
          .strict(),
      )
      .max(100)
      .default([]),
    linkedControls: z.array(ControlRefInput).max(100).default([]),
  })
  .strict();

export const CompleteActionBody = z.object({ note: Text(2000).default('') }).strict();

export const ReviewBody = z.object({ notes: Reason }).strict();

const Flag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const AsOfQuery = z.object({ asOf: AsOfParam.optional() }).strict();

export const AssetListQuery = PageQuery.extend({
  orgUnitId: Id.optional(),
  assetType: z.enum(ASSET_TYPES).optional(),
  ownerPersonId: Id.optional(),
  classification: z.enum(INFORMATION_CLASSIFICATIONS).optional(),
  includeRetired: Flag.optional(),
  asOf: AsOfParam.optional(),
}).strict();

export const RegisterListQuery = PageQuery.extend({
  orgUnitId: Id.optional().describe('Only this org unit and its subtree'),
  scopeId: Id.optional(),
  level: z
    .string()
    .max(32)
    .optional()
    .describe('Current level: residual once assessed, else inherent'),
  status: z.enum(RISK_STATUSES).optional(),
  ownerPersonId: Id.optional(),
  acceptanceStatus: z.enum([...ACCEPTANCE_STATUSES, 'none']).optional(),
  treatment: z.enum(TREATMENT_OPTIONS).optional(),
  aboveAppetite: Flag.optional(),
  overdue: z
    .enum(['actions', 'review'])
    .optional()
    .describe(
      'actions: an open treatment action is past its due date; review: the review is past due',
    ),
  control: z
    .string()
    .max(200)
    .optional()
    .describe('catalogueId:controlId, e.g. iso27001-2022:5.15'),
  includeClosed: Flag.optional(),
  asOf: AsOfParam.optional(),
}).strict();

export const HeatMapQuery = z
  .object({
    orgUnitId: Id.optional(),
    scopeId: Id.optional(),
    basis: z.enum(['current', 'inherent', 'residual']).default('current'),
    asOf: AsOfParam.optional(),
  })
  .strict();

export const OrgUnitParams = z.object({ orgUnitId: Id }).strict();
export const AssetParams = z.object({ assetId: Id }).strict();
export const RiskParams = z.object({ riskId: Id }).strict();
export const ActionParams = z.object({ riskId: Id, actionId: Id }).strict();
