import { Catch, HttpException, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  ConcurrencyConflictError,
  DomainRuleViolation,
  EventStoreUnavailableError,
  InvalidAppendError,
  ProjectionLedElsewhereError,
  StreamOwnershipError,
  isTransientFailure,
} from '@isms/event-sourcing';
import type { FieldError, ProblemDetails } from './problem.js';
import { PROBLEM_CONTENT_TYPE, ProblemError, problemType } from './problem.js';
import { currentCorrelationId } from './request-context.js';

interface Rendered {
  readonly problem: ProblemDetails;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Body-parser errors carry `type` and `status` (e.g. malformed JSON, payload too large). */
function isBodyParserError(
  error: unknown,
): error is { type: string; status: number; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

function render(error: unknown): Rendered {
  if (error instanceof ProblemError) {
    return {
      // Extensions first: the standard members must never be overwritten by them.
      problem: {
        ...error.extensions,
        type: problemType(error.code),
        title: error.title,
        status: error.status,
        detail: error.message,
      },
      headers: error.headers,
    };
  }
  if (error instanceof ConcurrencyConflictError) {
    return {
      problem: {
        type: problemType('concurrency-conflict'),
        title: 'Conflict: the resource has changed',
        status: 409,
        detail: `${error.message}. Reload it and retry with If-Match: "${error.currentRevision}".`,
        currentRevision: error.currentRevision,
      },
      headers: { ETag: `"${error.currentRevision}"` },
    };
  }
  if (error instanceof DomainRuleViolation) {
    return {
      problem: {
        ...error.details,
        type: problemType(error.rule),
        title: 'The request breaks a rule of the ISMS',
        status: 422,
        detail: error.message,
        rule: error.rule,
      },
    };
  }
  if (error instanceof EventStoreUnavailableError) {
    return {
      problem: {
        type: problemType(error.code),
        title: 'Service unavailable',
        status: 503,
        detail:
          'The event store cannot be reached right now; retry shortly. A command that got this answer may or may not have been recorded: retry it with the same Idempotency-Key.',
      },
      headers: { 'Retry-After': '2' },
    };
  }
  if (isTransientFailure(error)) {
    // Another store this service needs (its read models' MongoDB, say) cannot be reached.
    return {
      problem: {
        type: problemType('store-unavailable'),
        title: 'Service unavailable',
        status: 503,
        detail:
          'A store this service depends on cannot be reached right now; retry shortly (a command with the same Idempotency-Key).',
      },
      headers: { 'Retry-After': '2' },
    };
  }
  if (error instanceof ProjectionLedElsewhereError) {
    return {
      problem: {
        type: problemType(error.code),
        title: 'Conflict: another instance applies this read model',
        status: 409,
        detail: error.message,
        projection: error.projection,
      },
    };
  }
  if (error instanceof InvalidAppendError || error instanceof StreamOwnershipError) {
    return {
      problem: {
        type: problemType(error.code),
        title: 'Invalid request',
        status: 400,
        detail: error.message,
      },
    };
  }
  if (isBodyParserError(error) && error.status >= 400 && error.status < 500) {
    const errors: FieldError[] = [{ field: 'body', message: error.message, code: error.type }];
    return {
      problem: {
        type: problemType(
          error.type === 'entity.too.large' ? 'payload-too-large' : 'malformed-body',
        ),
        title: error.status === 413 ? 'Payload too large' : 'Malformed request body',
        status: error.status,
        detail: error.message,
        errors,
      },
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const detail =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : error.message;
    return {
      problem: {
        type: problemType(status === 404 ? 'not-found' : `http-${status}`),
        title: error.name.replace(/Exception$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'),
        status,
        detail,
      },
    };
  }
  return {
    problem: {
      type: problemType('internal'),
      title: 'Internal error',
      status: 500,
      detail:
        'The server could not complete the request. Quote the correlation id when reporting it.',
    },
  };
}

/** Writes `error` as problem+json; also used for errors raised before routing (body parsing). */
export function sendProblem(error: unknown, request: Request, response: Response): void {
  const { problem, headers } = render(error);
  if (problem.status >= 500) logger.error(error instanceof Error ? error : String(error));
  for (const [name, value] of Object.entries(headers ?? {})) response.setHeader(name, value);
  const correlationId = currentCorrelationId();
  response
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      JSON.stringify({
        ...problem,
        instance: request.originalUrl,
        ...(correlationId ? { correlationId } : {}),
      }),
    );
}

const logger = new Logger('ProblemDetails');

/** Every error leaves the API as RFC 9457 problem+json with the request's correlation id. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<Request>(), http.getResponse<Response>());
  }
}
