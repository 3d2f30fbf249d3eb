import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp } from '@isms/platform-nest';
import type { PlatformConfig } from './config.js';
import { PlatformModule } from './platform.module.js';

/** Creates the all-in-one app, configured but not yet listening (tests use it as it is). */
export async function createPlatformApp(
  config: PlatformConfig,
  logger: LoggerService | false = false,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(PlatformModule.forRoot(config), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  configurePlatformHttp(app);
  return app;
}

/** The platform's HTTP conventions and OpenAPI description (also used by tests' app builders). */
export function configurePlatformHttp(app: NestExpressApplication): void {
  configureHttpApp(app, {
    title: 'ISMS Ledger',
    description:
      'Event-sourced ISO/IEC 27001 ISMS: governance, risk, controls and the Statement of ' +
      'Applicability, audit, and reporting. Errors are RFC 9457 problem+json.',
    version: '0.1.0',
  });
}
