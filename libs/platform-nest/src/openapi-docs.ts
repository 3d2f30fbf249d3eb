import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema } from './zod.js';

const PROBLEM = {
  'application/problem+json': {
    schema: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
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
  403: 'Not allowed for your roles, org units or tenant (problem+json with `reason`)',
  404: 'Not found, or not in your tenant',
  409: 'If-Match names an old revision: reload and retry (ETag has the current one)',
  422: 'The request breaks a rule of the ISMS (problem+json with `rule`)',
};

/** Documents the problem+json answers of a route (and that it needs a bearer token). */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ApiBearerAuth(),
    ...[401, 403, ...statuses].map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', content: PROBLEM }),
    ),
  );
}

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
