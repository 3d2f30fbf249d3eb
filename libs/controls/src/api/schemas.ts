import { z } from 'zod';
import {
  CONTROL_TYPES,
  CYBERSECURITY_CONCEPTS,
  EVIDENCE_TYPES,
  IMPLEMENTATION_STATUSES,
  INCLUSION_REASONS,
  OPERATIONAL_CAPABILITIES,
  SECURITY_DOMAINS,
  SECURITY_PROPERTIES,
  TEST_FREQUENCIES,
  TEST_METHODS,
  TEST_RESULTS,
} from '@isms/contracts';
import { AsOfParam, PageQuery, Reason } from '@isms/platform-nest';
import { CatalogueControlSchema, CatalogueFileSchema } from '../catalogues/format.js';

/** Ids are `<type>-<uuidv7>`; anything else is refused before it reaches a lookup. */
export const Id = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'Expected an id such as isms-scope-0190f5a2-…');
/** Catalogue and control identifiers: `iso27001-2022`, `5.15`, `A.9.1.1`, `SUP-1(1)`. */
export const Identifier = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._()/-]*$/, 'Expected an identifier such as 5.15 or A.9.1.1');
const Text = z.string().trim().min(1, 'Required').max(2000);
const LongText = z.string().trim().max(4000);
const Day = z.iso.date({ message: 'A date as YYYY-MM-DD' });
/** An instant or a date (taken as midnight UTC), normalised to an ISO 8601 instant. */
const InstantOrDay = z
  .union([
    z.iso.datetime({ offset: true, message: 'An ISO 8601 instant, e.g. 2026-05-04T07:00:00Z' }),
    Day,
  ])
  .transform((value) => new Date(value).toISOString());
const BooleanFlag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true');
const Control = z.object({ catalogueId: Identifier, controlId: Identifier }).strict();

export const IdParams = z.object({ id: Id }).strict();
export const ScopeParams = z.object({ scopeId: Id }).strict();
export const CatalogueParams = z.object({ catalogueId: Identifier }).strict();
export const ControlParams = z.object({ catalogueId: Identifier, controlId: Identifier }).strict();
export const SoaLineParams = z
  .object({ scopeId: Id, catalogueId: Identifier, controlId: Identifier })
  .strict();
export const SoaVersionParams = z
  .object({ scopeId: Id, version: z.coerce.number().int().min(1).max(100_000) })
  .strict();
export const GroupControlUnitParams = z.object({ id: Id, orgUnitId: Id }).strict();
export const RiskParams = z.object({ riskId: Id }).strict();
export const MappingParams = z.object({ mappingId: Identifier }).strict();

export const AsOfQuery = z.object({ asOf: AsOfParam.optional() }).strict();
export const ReasonBody = z.object({ reason: Reason }).strict();

// ─── catalogues ─────────────────────────────────────────────────────────────────────────────

export const CatalogueQuery = z
  .object({
    group: Identifier.optional(),
    controlType: z.enum(CONTROL_TYPES).optional(),
    securityProperty: z.enum(SECURITY_PROPERTIES).optional(),
    cybersecurityConcept: z.enum(CYBERSECURITY_CONCEPTS).optional(),
    operationalCapability: z.enum(OPERATIONAL_CAPABILITIES).optional(),
    securityDomain: z.enum(SECURITY_DOMAINS).optional(),
  })
  .strict();

/** Either `catalogue` (the platform's JSON format) or `oscal` (an OSCAL catalog document). */
export const ImportCatalogueBody = z
  .object({
    orgUnitId: Id,
    catalogue: CatalogueFileSchema.optional(),
    oscal: z.looseObject({ catalog: z.looseObject({}) }).optional(),
  })
  .strict()
  .refine((body) => (body.catalogue === undefined) !== (body.oscal === undefined), {
    message: 'Send exactly one of catalogue (isms-ledger-catalogue/v1) or oscal (an OSCAL catalog)',
    path: ['catalogue'],
  });

export const AddControlBody = CatalogueControlSchema;

// ─── Statement of Applicability ─────────────────────────────────────────────────────────────

export const EstablishSoaBody = z.object({ catalogueId: Identifier }).strict();
export const IncludeCatalogueBody = z.object({ catalogueId: Identifier }).strict();
export const SoaLineBody = z
  .object({
    applicable: z.boolean(),
    inclusionReasons: z.array(z.enum(INCLUSION_REASONS)).max(INCLUSION_REASONS.length).default([]),
    justification: z
      .string()
      .trim()
      .min(1, 'A justification is required, for an inclusion as for an exclusion')
      .max(2000, 'Keep the justification under 2000 characters'),
    implementationStatus: z.enum(IMPLEMENTATION_STATUSES),
    ownerPersonId: Id.optional(),
    implementationDescription: LongText.optional(),
  })
  .strict();
export const ApproveSoaBody = ReasonBody;
export const MigrateSoaBody = z.object({ toCatalogueId: Identifier }).strict();
const VersionRef = z.union([z.literal('current'), z.coerce.number().int().min(1).max(100_000)]);
export const CompareQuery = z
  .object({ from: VersionRef, to: VersionRef.default('current') })
  .strict();

// ─── group controls ─────────────────────────────────────────────────────────────────────────

const GroupControlContent = {
  title: z.string().trim().min(1, 'Required').max(300),
  implementationDescription: Text,
  inclusionReasons: z
    .array(z.enum(INCLUSION_REASONS))
    .min(1, 'Give at least one inclusion reason')
    .max(INCLUSION_REASONS.length),
  justification: Text,
  ownerPersonId: Id,
  policyDocumentId: Id.optional(),
};
export const DefineGroupControlBody = z
  .object({ orgUnitId: Id, catalogueId: Identifier, controlId: Identifier, ...GroupControlContent })
  .strict();
export const ReviseGroupControlBody = z
  .object({ ...GroupControlContent, changeSummary: Text })
  .strict();
export const GroupControlStatusBody = z
  .object({
    implementationStatus: z.enum([
      'not-implemented',
      'planned',
      'partially-implemented',
      'implemented',
    ]),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();
export const DeviationBody = z.object({ orgUnitId: Id, deviation: Text, reason: Reason }).strict();
export const GroupControlsQuery = z
  .object({ status: z.enum(['active', 'retired']).optional() })
  .strict();

// ─── effectiveness tests ────────────────────────────────────────────────────────────────────

const TestPlanContent = {
  frequency: z.enum(TEST_FREQUENCIES),
  method: z.enum(TEST_METHODS),
  description: Text,
  testerPersonId: Id.optional(),
};
export const ScheduleTestBody = z
  .object({
    scopeId: Id,
    catalogueId: Identifier,
    controlId: Identifier,
    firstDueOn: Day,
    ...TestPlanContent,
  })
  .strict();
export const ReviseTestPlanBody = z.object(TestPlanContent).strict();
export const TestResultBody = z
  .object({ result: z.enum(TEST_RESULTS), testedAt: InstantOrDay, notes: LongText.optional() })
  .strict();
export const TestPlansQuery = PageQuery.extend({
  scopeId: Id.optional(),
  overdue: BooleanFlag,
}).strict();

// ─── evidence ───────────────────────────────────────────────────────────────────────────────

/** The `metadata` part of an evidence upload (JSON). */
export const EvidenceMetadata = z
  .object({
    scopeId: Id,
    title: z.string().trim().min(1, 'Required').max(300),
    evidenceType: z.enum(EVIDENCE_TYPES),
    source: z.string().trim().min(1, 'Required').max(300),
    collectedAt: InstantOrDay,
    validUntil: Day.optional(),
    controls: z.array(Control).min(1, 'Name at least one control the evidence supports').max(50),
  })
  .strict();
export const EvidenceQuery = PageQuery.extend({
  scopeId: Id.optional(),
  catalogueId: Identifier.optional(),
  controlId: Identifier.optional(),
  expired: BooleanFlag,
  expiringWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
}).strict();
export const ExpiredEvidenceQuery = PageQuery.extend({
  scopeId: Id.optional(),
  withinDays: z.coerce.number().int().min(0).max(3650).optional(),
}).strict();
export const LinkBody = Control;
export const UnlinkBody = z
  .object({ catalogueId: Identifier, controlId: Identifier, reason: Reason })
  .strict();

// ─── queries ────────────────────────────────────────────────────────────────────────────────

export const ProgressQuery = z.object({ scopeId: Id.optional() }).strict();
