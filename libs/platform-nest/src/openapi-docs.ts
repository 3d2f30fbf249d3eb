import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema } from './zod.js';

/** The RFC 9457 body every error answer has (see ProblemDetailsFilter). */
const PROBLEM = {
  'application/problem+json': {
    schema: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        instance: { type: 'string' },
        correlationId: { type: 'string' },
        rule: { type: 'string', description: 'On 422: the rule of the ISMS the request breaks' },
        reason: { type: 'string', description: 'On 403: why access was refused' },
        errors: {
          type: 'array',
          description: 'On 400: one entry per invalid field',
          items: {
            type: 'object',
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `errors` names each field (problem+json)',
  401: 'No valid bearer token',
  403: 'Not allowed: `reason` says why (role, subtree, tenant, grant scope or window, read-only)',
  404: 'Not found, or not in your tenant',
  409: 'Conflict: a stale If-Match (the ETag header has the current revision), or stored content that no longer matches its hash',
  410: 'Gone: it could be used once and has been',
  413: 'Payload too large: the file is over the limit',
  415: 'Unsupported media type: the type is not accepted, or the bytes do not match it',
  422: 'The request breaks a rule of the ISMS: `rule` names it, `detail` says what would be right',
  503: 'Unavailable: a read model failed (`detail` names the event it could not apply)',
};

/** Documents exactly these problem+json answers of a route (e.g. a public one). */
export function ApiProblemResponses(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', content: PROBLEM }),
    ),
  );
}

/** Documents the problem+json answers of an authenticated route (bearer token, 401, 403, …). */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(ApiBearerAuth(), ApiProblemResponses(401, 403, ...statuses));
}

/** A read of an event-sourced resource: bearer token, `?asOf=` where offered, the usual errors. */
export const ApiRead = () => ApiProblems(400, 404);

/** A command on an existing resource: If-Match, Idempotency-Key, and the usual errors. */
export const ApiCommand = () =>
  applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The ETag you last read, e.g. "3"; a stale one answers 409',
    }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Retry safely: the same key replays the first answer',
    }),
    ApiProblems(400, 404, 409, 422),
  );

/** Documents each field of a zod query schema as an OpenAPI query parameter. */
export function ApiQueryFrom(schema: z.ZodObject) {
  return applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) =>
      ApiQuery({
        name,
        required: false,
        schema: openApiSchema(field as z.ZodType),
        ...((field as z.ZodType).description
          ? { description: (field as z.ZodType).description }
          : {}),
      }),
    ),
  );
}
