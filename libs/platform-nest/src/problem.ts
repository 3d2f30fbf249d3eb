/** RFC 9457 problem details, the one error shape of the API. */
export interface FieldError {
  /** Dotted path of the offending field in the request, e.g. `body.scales.likelihood.0.label`. */
  readonly field: string;
  readonly message: string;
  readonly code?: string;
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly correlationId?: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `urn:isms-ledger:problem:${code}`;
}

/**
 * An error that already knows its problem+json answer; thrown by validation, access
 * control and application code, rendered by ProblemDetailsFilter.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }
}

export class RequestValidationError extends ProblemError {
  constructor(
    readonly errors: readonly FieldError[],
    detail = 'The request is not valid: see `errors` for each field.',
  ) {
    super(400, 'validation', 'Invalid request', detail, { errors });
    this.name = 'RequestValidationError';
  }
}

export class NotFoundProblem extends ProblemError {
  constructor(what: string, id: string) {
    super(404, 'not-found', 'Not found', `${what} ${id} does not exist or is not visible to you.`);
    this.name = 'NotFoundProblem';
  }
}
