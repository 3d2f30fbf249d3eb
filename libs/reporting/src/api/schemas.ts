import { z } from 'zod';
import { AsOfParam, PageQuery } from '@isms/platform-nest';

const Id = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'An id has letters, digits, and . _ : - only');

const Instant = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'An ISO 8601 instant, e.g. 2026-05-04T17:00:00Z')
  .transform((v) => new Date(v).toISOString());

const Flag = z.enum(['true', 'false']).transform((value) => value === 'true');

const Format = z
  .enum(['json', 'csv', 'xlsx'])
  .default('json')
  .describe('json (default), csv or xlsx (a download)');

export const ScopeParams = z.object({ scopeId: Id }).strict();
export const ProjectionParams = z
  .object({ name: z.string().regex(/^reporting-[a-z-]{1,60}$/, 'A reporting read model name') })
  .strict();

export const RebuildQuery = z
  .object({
    waitSeconds: z.coerce
      .number()
      .int('Whole seconds')
      .min(0)
      .max(600)
      .default(10)
      .describe(
        'How long to wait for the replay to reach the head (default 10, at most 600); 202 if it has not',
      ),
  })
  .strict();

export const AsOfQuery = z
  .object({ asOf: AsOfParam.optional().describe('ISO 8601 instant or position:<n>') })
  .strict();

export const ConsolidationQuery = z
  .object({
    orgUnitId: Id.optional().describe(
      'Drill down: this unit and its subtree (default: the highest unit you may see)',
    ),
    asOf: AsOfParam.optional(),
  })
  .strict();

export const SoaQuery = z.object({ asOf: AsOfParam.optional(), format: Format }).strict();

export const RiskRegisterQuery = z
  .object({
    asOf: AsOfParam.optional(),
    includeClosed: Flag.optional(),
    basis: z.enum(['current', 'inherent', 'residual']).optional().describe('Heat map basis'),
    format: Format,
  })
  .strict();

export const ChangedSinceQuery = z
  .object({
    since: AsOfParam.describe('Typically the last audit: ISO 8601 instant or position:<n>'),
    until: AsOfParam.optional().describe('Default: now'),
  })
  .strict();

export const ManagementReviewQuery = z
  .object({ from: Instant, to: Instant, asOf: AsOfParam.optional() })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

const DecisionFilters = {
  scopeId: Id.optional(),
  orgUnitId: Id.optional().describe('This org unit and its subtree'),
  personId: Id.optional().describe('Who decided (the actor)'),
  type: z
    .string()
    .regex(/^[a-z]+\.[A-Za-z]+$/, 'An event type, e.g. risk.RiskAccepted')
    .optional(),
  context: z.enum(['governance', 'risk', 'controls', 'audit']).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  asOf: AsOfParam.optional(),
};

export const DecisionLogQuery = PageQuery.extend({ ...DecisionFilters, format: Format }).strict();

export const DecisionVerificationQuery = z.object(DecisionFilters).strict();
