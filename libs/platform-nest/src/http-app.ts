import { Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MetricsService } from './metrics.js';
import { ProblemDetailsFilter, sendProblem } from './problem-details.filter.js';
import { correlationMiddleware, requestLogMiddleware } from './request-context.js';

export interface HttpAppOptions {
  readonly title: string;
  readonly description: string;
  readonly version: string;
  /** Largest accepted JSON body. Default 1 MB. */
  readonly bodyLimit?: string;
}

/**
 * The HTTP conventions every ISMS Ledger app shares (ARCHITECTURE §6): correlation ids, JSON
 * bodies with a size limit, problem+json errors, request metrics, OpenAPI at /docs.
 */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  app.use(correlationMiddleware);
  app.use(requestLogMiddleware(new Logger('HTTP')));
  // The app must be created with `bodyParser: false` so that this is the only JSON parser.
  express.useBodyParser('json', { limit: options.bodyLimit ?? '1mb' });
  // Malformed or oversized bodies fail before routing, outside Nest's exception filters.
  express.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    sendProblem(error, req, res);
  });
  app.use(app.get(MetricsService).middleware());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();

  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion(options.version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
