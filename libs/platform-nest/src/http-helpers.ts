import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Actor, AsOf, Clock, EventMetadata } from '@isms/event-sourcing';
import { RequestValidationError } from './problem.js';
import { currentCorrelationId } from './request-context.js';

const IF_MATCH = /^\s*(?:W\/)?"(\d{1,15})"\s*$/;

/**
 * The revision the caller last saw, from `If-Match: "<revision>"` (optimistic concurrency over
 * HTTP). Undefined when absent; a malformed header is a 400, never silently ignored.
 */
export function ifMatchRevision(req: Request): number | undefined {
  const header = req.header('if-match');
  if (header === undefined) return undefined;
  const match = IF_MATCH.exec(header);
  if (!match) {
    throw new RequestValidationError([
      {
        field: 'headers.if-match',
        message: 'If-Match must be the ETag of the resource, a quoted revision such as "3"',
        code: 'invalid_format',
      },
    ]);
  }
  return Number(match[1]);
}

/** ETag of an event-sourced resource: its stream revision, quoted. */
export function setETag(res: Response, revision: number): void {
  res.setHeader('ETag', `"${revision}"`);
}

/**
 * `?asOf=` on reads answered from history: an ISO 8601 instant (e.g. the stage 2 audit's
 * cut-off) or `position:<n>` for a global position.
 */
export const AsOfParam = z
  .string()
  .trim()
  .refine(
    (value) => /^position:\d{1,15}$/.test(value) || !Number.isNaN(Date.parse(value)),
    'asOf must be an ISO 8601 instant (e.g. 2026-05-04T17:00:00Z) or position:<n>',
  )
  .transform((value): AsOf =>
    value.startsWith('position:')
      ? { globalPosition: Number(value.slice('position:'.length)) }
      : { recordedAt: new Date(value).toISOString() },
  );

/** A decision's justification: required, trimmed, and short enough to read. */
export const Reason = z
  .string()
  .trim()
  .min(1, 'A justification is required for this decision')
  .max(2000, 'Keep the justification under 2000 characters');

export interface CommandMetadataInput {
  readonly actor: Actor;
  readonly clock: Clock;
  readonly reason?: string;
  readonly causationId?: string;
}

/** Event metadata for a command handled in this request: who, why, when, correlation. */
export function commandMetadata(input: CommandMetadataInput): EventMetadata {
  return {
    actor: input.actor,
    correlationId: currentCorrelationId() ?? randomUUID(),
    occurredAt: input.clock.now().toISOString(),
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.causationId !== undefined ? { causationId: input.causationId } : {}),
  };
}
