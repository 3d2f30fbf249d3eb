import { HttpException, Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { catchError, throwError } from 'rxjs';
import type { Observable } from 'rxjs';
import { ProblemError, RequestValidationError } from '@isms/platform-nest';

/** The file part multer leaves on the request. */
export interface MultipartFile {
  readonly originalname: string;
  readonly mimetype: string;
  readonly buffer: Buffer;
  readonly size: number;
}

/** Multipart errors (too large, unexpected parts) become problem+json naming the field. */
@Injectable()
export class EvidenceUploadErrorsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof HttpException && !(error instanceof ProblemError)) {
          const status = error.getStatus();
          if (status === 413) {
            return throwError(
              () =>
                new ProblemError(413, 'payload-too-large', 'Payload too large', error.message, {
                  errors: [{ field: 'body.file', message: error.message, code: 'too_large' }],
                }),
            );
          }
          if (status === 400 || status === 415) {
            return throwError(
              () =>
                new RequestValidationError([
                  {
                    field: 'body',
                    message: `${error.message}: send multipart/form-data with a part "file" and a JSON part "metadata"`,
                    code: 'multipart',
                  },
                ]),
            );
          }
        }
        return throwError(() => error);
      }),
    );
  }
}
