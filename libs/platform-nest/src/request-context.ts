import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export interface RequestContext {
  readonly correlationId: string;
  /** Filled in by authentication: who is calling. */
  principal?: unknown;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const CORRELATION_HEADER = 'x-correlation-id';
const VALID_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Runs `fn` with a correlation id, e.g. for a Kafka message that carried one in its headers. */
export function runWithCorrelationId<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

/**
 * Express middleware: takes the caller's correlation id (if well-formed) or makes one, echoes it
 * in the response, and keeps it for the whole request so logs and events carry it.
 */
export function correlationMiddleware(req: Request, res: Response, next: NextFunction): void {
  const offered = req.header(CORRELATION_HEADER);
  const correlationId = offered && VALID_CORRELATION_ID.test(offered) ? offered : randomUUID();
  res.setHeader(CORRELATION_HEADER, correlationId);
  storage.run({ correlationId }, next);
}

/** Logs one JSON line per request when it finishes, with its correlation id and duration. */
export function requestLogMiddleware(log: {
  log(message: Record<string, unknown>, context?: string): void;
}) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const correlationId = currentCorrelationId();
    res.on('finish', () => {
      log.log(
        {
          msg: 'request',
          correlationId,
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'HTTP',
      );
    });
    next();
  };
}
