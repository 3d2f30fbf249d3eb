import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiResponse } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `errors` names each field (problem+json)',
  401: 'No valid bearer token',
  403: 'Not allowed: `reason` says why (role, subtree, tenant, grant scope or window, read-only)',
  404: 'Not found, or not in your tenant',
  409: 'Stale If-Match (the ETag header has the current revision), or stored evidence altered',
  413: 'Evidence file larger than the limit (10 MiB)',
  415: 'Evidence type not accepted, or the bytes do not match the declared type',
  422: 'Breaks a rule of the ISMS: `rule` names it, `detail` says what would be right',
};

const PROBLEM_SCHEMA = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    correlationId: { type: 'string' },
    reason: { type: 'string' },
    rule: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          field: { type: 'string' },
          message: { type: 'string' },
          code: { type: 'string' },
        },
      },
    },
  },
};

/** Documents the problem+json answers of an operation. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } },
      }),
    ),
  );
}

/** A read: bearer token, `?asOf=` where offered, and the usual errors. */
export const ApiRead = () => applyDecorators(ApiBearerAuth(), ApiProblems(400, 401, 403, 404));

/** A command: If-Match, Idempotency-Key, and the usual errors. */
export const ApiCommand = () =>
  applyDecorators(
    ApiBearerAuth(),
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
    ApiProblems(400, 401, 403, 404, 409, 422),
  );
