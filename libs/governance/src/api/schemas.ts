import { z } from 'zod';
import {
  DOCUMENT_TYPES,
  MANDATORY_DOCUMENT_TYPES,
  PERSON_KINDS,
  PRINCIPAL_KINDS,
  ROLES,
} from '@isms/contracts';
import { AsOfParam, PageQuery, Reason } from '@isms/platform-nest';

/** Ids are `<type>-<uuidv7>`; anything else is refused before it reaches a lookup. */
export const Id = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'Expected an id such as org-unit-0190f5a2-…');
const Name = z.string().trim().min(1, 'Required').max(200);
const Text = z.string().trim().min(1, 'Required').max(2000);
const Country = z
  .string()
  .trim()
  .regex(/^[A-Z]{2}$/, 'An ISO 3166-1 alpha-2 country code, e.g. FR');
const Instant = z.iso.datetime({
  offset: true,
  message: 'An ISO 8601 instant, e.g. 2026-05-04T07:00:00Z',
});
const Day = z.iso.date({ message: 'A date as YYYY-MM-DD' });
const Email = z.email({ message: 'A valid email address' }).max(320);
const BooleanFlag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true');

export const IdParams = z.object({ id: Id }).strict();
export const BindingParams = z.object({ id: Id, bindingId: Id }).strict();
export const VersionParams = z
  .object({ id: Id, version: z.coerce.number().int().min(1).max(100_000) })
  .strict();

export const ReasonBody = z.object({ reason: Reason }).strict();
export const AsOfQuery = z.object({ asOf: AsOfParam.optional() }).strict();

// ─── platform and tokens ────────────────────────────────────────────────────────────────────

export const SetupBody = z.object({ setupCode: z.string().trim().min(10).max(64) }).strict();
export const IssueTokenBody = z
  .object({
    personId: Id.optional(),
    ttlMinutes: z.number().int().min(5).max(43_200).optional(),
  })
  .strict();
export const CreateTenantBody = z
  .object({
    name: Name,
    groupAdmin: z.object({ displayName: Name, email: Email }).strict(),
  })
  .strict();

// ─── org units ──────────────────────────────────────────────────────────────────────────────

export const CreateOrgUnitBody = z
  .object({
    parentId: Id,
    kind: z.enum(['subsidiary', 'site', 'department']),
    name: Name,
    country: Country.optional(),
    location: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export const RenameOrgUnitBody = z.object({ name: Name }).strict();
export const MoveOrgUnitBody = z.object({ newParentId: Id }).strict();
export const OrgUnitListQuery = z
  .object({ asOf: AsOfParam.optional(), includeClosed: BooleanFlag })
  .strict();

// ─── people ─────────────────────────────────────────────────────────────────────────────────

export const RegisterPersonBody = z
  .object({
    displayName: Name,
    email: Email,
    kind: z.enum(PERSON_KINDS).default('member'),
    homeOrgUnitId: Id,
    certificationBody: Name.optional(),
    identitySubject: z.string().trim().min(1).max(255).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.kind === 'external-auditor' && !body.certificationBody) {
      ctx.addIssue({
        code: 'custom',
        path: ['certificationBody'],
        message: 'An external auditor names their certification body',
      });
    }
  });
export const BindRoleBody = z.object({ role: z.enum(ROLES), orgUnitId: Id }).strict();
export const PeopleQuery = PageQuery.extend({
  kind: z.enum(PERSON_KINDS).optional(),
  status: z.enum(['active', 'deactivated']).optional(),
  role: z.enum(ROLES).optional(),
}).strict();

// ─── ISMS scopes ────────────────────────────────────────────────────────────────────────────

export const ScopeDefinitionBody = z
  .object({
    name: Name,
    description: z.string().trim().max(5000).default(''),
    ownerOrgUnitId: Id,
    includedOrgUnitIds: z.array(Id).min(1, 'Include at least one org unit').max(500),
    locations: z.array(Text).max(200).default([]),
    exclusions: z
      .array(
        z
          .object({
            description: Text,
            orgUnitId: Id.optional(),
            justification: z
              .string()
              .trim()
              .min(1, 'Every exclusion needs its justification (clause 4.3)')
              .max(2000),
          })
          .strict(),
      )
      .max(200)
      .default([]),
    interfacesAndDependencies: z
      .array(
        z
          .object({
            description: Text,
            kind: z.enum(['interface', 'dependency']),
            party: Name.optional(),
          })
          .strict(),
      )
      .max(200)
      .default([]),
    internalIssues: z
      .array(z.object({ description: Text }).strict())
      .max(200)
      .default([]),
    externalIssues: z
      .array(z.object({ description: Text }).strict())
      .max(200)
      .default([]),
    interestedParties: z
      .array(z.object({ name: Name, requirements: z.array(Text).max(100).default([]) }).strict())
      .max(200)
      .default([]),
  })
  .strict();
export const ReviseScopeBody = z
  .object({ definition: ScopeDefinitionBody, changeSummary: Text })
  .strict();
export const ApproveScopeBody = z
  .object({ reason: Reason, version: z.number().int().min(1).optional() })
  .strict();
export const ScopesQuery = PageQuery.extend({
  status: z.enum(['draft', 'approved']).optional(),
  asOf: AsOfParam.optional(),
}).strict();

// ─── documents ──────────────────────────────────────────────────────────────────────────────

export const RegisterDocumentBody = z
  .object({
    title: Name,
    documentType: z.enum(DOCUMENT_TYPES),
    ownerPersonId: Id,
    orgUnitId: Id,
    mandatoryTypes: z.array(z.enum(MANDATORY_DOCUMENT_TYPES)).max(15).default([]),
    scopeIds: z.array(Id).max(100).default([]),
    reviewIntervalMonths: z.number().int().min(1).max(60).default(12),
  })
  .strict();
export const ChangeDocumentBody = z
  .object({
    title: Name.optional(),
    ownerPersonId: Id.optional(),
    mandatoryTypes: z.array(z.enum(MANDATORY_DOCUMENT_TYPES)).max(15).optional(),
    scopeIds: z.array(Id).max(100).optional(),
    reviewIntervalMonths: z.number().int().min(1).max(60).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'Change at least one field' });
export const AddVersionFields = z.object({ changeSummary: Text }).strict();
export const ApproveVersionBody = z
  .object({ reason: Reason, nextReviewDue: Day.optional() })
  .strict();
export const ReviewDocumentBody = z.object({ notes: Text, nextReviewDue: Day.optional() }).strict();
export const DocumentsQuery = PageQuery.extend({
  mandatoryType: z.enum(MANDATORY_DOCUMENT_TYPES).optional(),
  scopeId: Id.optional(),
  status: z.enum(['active', 'withdrawn']).optional(),
  reviewDueBefore: Day.optional(),
  asOf: AsOfParam.optional(),
}).strict();

// ─── access grants and the access log ───────────────────────────────────────────────────────

export const GrantAccessBody = z
  .object({
    auditorPersonId: Id,
    certificationBody: Name.optional(),
    scopeId: Id,
    validFrom: Instant,
    validUntil: Instant,
    reason: Reason,
  })
  .strict()
  .superRefine((body, ctx) => {
    if (Date.parse(body.validUntil) <= Date.parse(body.validFrom)) {
      ctx.addIssue({
        code: 'custom',
        path: ['validUntil'],
        message: 'validUntil must be after validFrom (the window is [validFrom, validUntil))',
      });
    }
  });
export const GrantsQuery = PageQuery.extend({
  scopeId: Id.optional(),
  auditorPersonId: Id.optional(),
}).strict();
export const AccessLogQuery = PageQuery.extend({
  grantId: Id.optional(),
  personId: Id.optional(),
  outcome: z.enum(['allowed', 'denied']).optional(),
  principalKind: z.enum(PRINCIPAL_KINDS).optional(),
}).strict();
