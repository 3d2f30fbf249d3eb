import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, of, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { canonicalJson, sha256Hex } from '@isms/event-sourcing';
import { ProblemError, RequestValidationError } from './problem.js';
import { currentRequestContext } from './request-context.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_FORMAT = /^[\x21-\x7e]{1,200}$/;
/** Response headers worth replaying with the stored body. */
const REPLAYED_HEADERS = ['etag', 'location', 'content-type'];

interface StoredResponse {
  readonly fingerprint: string;
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: number;
}

interface Pending {
  readonly fingerprint: string;
}

export interface IdempotencyOptions {
  /** How long a key is remembered. Default 24 h. */
  readonly ttlMs?: number;
  /** Keys remembered at most (oldest forgotten first). Default 10,000. */
  readonly maxEntries?: number;
}

function callerScope(): string {
  const principal = currentRequestContext()?.principal as
    { tenantId?: string; userId?: string } | undefined;
  return `${principal?.tenantId ?? '-'}:${principal?.userId ?? 'anonymous'}`;
}

/**
 * `Idempotency-Key` on unsafe methods: the first successful response is remembered per caller,
 * method, path and key, and replayed (with `Idempotent-Replayed: true`) when the same request is
 * retried — a client that lost the answer to "accept this risk" can safely send it again.
 * The same key with a different body is a 422; a retry while the first is still running, a 409.
 * Failed requests are not remembered, so they can be retried after a fix.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly completed = new Map<string, StoredResponse>();
  private readonly pending = new Map<string, Pending>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(options: IdempotencyOptions = {}) {
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.header('idempotency-key');
    if (key === undefined || !UNSAFE_METHODS.has(req.method)) return next.handle();
    if (!KEY_FORMAT.test(key)) {
      throw new RequestValidationError([
        {
          field: 'headers.idempotency-key',
          message: 'Idempotency-Key must be 1 to 200 visible ASCII characters (a UUID is ideal)',
        },
      ]);
    }
    const slot = `${callerScope()} ${req.method} ${req.originalUrl} ${key}`;
    const fingerprint = sha256Hex(canonicalJson(req.body ?? null));
    this.evictExpired();

    const done = this.completed.get(slot);
    if (done) {
      if (done.fingerprint !== fingerprint) throw this.mismatch();
      res.status(done.status);
      for (const [name, value] of Object.entries(done.headers)) res.setHeader(name, value);
      res.setHeader('Idempotent-Replayed', 'true');
      return of(done.body);
    }
    const running = this.pending.get(slot);
    if (running) {
      if (running.fingerprint !== fingerprint) throw this.mismatch();
      throw new ProblemError(
        409,
        'idempotency-in-progress',
        'A request with this Idempotency-Key is still being processed',
        'Wait for the first request to finish, then retry to get its response.',
      );
    }
    this.pending.set(slot, { fingerprint });
    const release = () => this.pending.delete(slot);
    return from(next.handle()).pipe(
      tap({
        next: (body) => {
          release();
          if (res.statusCode >= 200 && res.statusCode < 300)
            this.remember(slot, fingerprint, res, body);
        },
        error: release,
        complete: release,
      }),
    );
  }

  private remember(slot: string, fingerprint: string, res: Response, body: unknown): void {
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = res.getHeader(name);
      if (typeof value === 'string') headers[name] = value;
    }
    if (this.completed.size >= this.maxEntries) {
      const oldest = this.completed.keys().next().value;
      if (oldest !== undefined) this.completed.delete(oldest);
    }
    this.completed.set(slot, {
      fingerprint,
      status: res.statusCode,
      body,
      headers,
      expiresAt: Date.now() + this.ttlMs,
    });
  }

  private evictExpired(): void {
    const now = Date.now();
    for (const [slot, stored] of this.completed) {
      if (stored.expiresAt > now) break; // insertion order = expiry order
      this.completed.delete(slot);
    }
  }

  private mismatch(): ProblemError {
    return new ProblemError(
      422,
      'idempotency-key-reused',
      'Idempotency-Key reused with a different request',
      'This key was already used for a different request body: use a new key for a new request.',
    );
  }
}
