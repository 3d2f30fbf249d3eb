import { HttpException, Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { catchError, concatMap, from, map, throwError } from 'rxjs';
import type { Observable } from 'rxjs';
import { ProblemError } from '@isms/platform-nest';
import { AccessLogService } from './access-log.service.js';
import { principalOf } from './decorators.js';

/**
 * Every request an external auditor makes is recorded in the tenant's access log before the
 * answer leaves: what they read (allowed) and what they were refused (denied).
 */
@Injectable()
export class AuditorReadInterceptor implements NestInterceptor {
  constructor(private readonly accessLog: AccessLogService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(req);
    if (principal?.kind !== 'external-auditor') return next.handle();
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      concatMap((body) =>
        from(this.accessLog.auditorRead(principal, res.statusCode, 'allowed')).pipe(
          map(() => body),
        ),
      ),
      catchError((error: unknown) =>
        from(this.accessLog.auditorRead(principal, statusOf(error), 'denied')).pipe(
          concatMap(() => throwError(() => error)),
        ),
      ),
    );
  }
}

function statusOf(error: unknown): number {
  if (error instanceof ProblemError) return error.status;
  if (error instanceof HttpException) return error.getStatus();
  return 500;
}
