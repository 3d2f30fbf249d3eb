import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp, createJsonLogger, JsonNestLogger } from '@isms/platform-nest';
import type { ServiceConfig } from './service-config.js';

export interface RunningService {
  readonly app: NestExpressApplication;
  readonly url: string;
}

/**
 * Starts one context's service: JSON logs, the platform's HTTP conventions, OpenAPI at /docs,
 * /health and /metrics; listens once every start hook finished (the access directory caught
 * up). SIGTERM/SIGINT close it gracefully (relay, consumers, connections).
 */
export async function runService(
  config: ServiceConfig,
  module: DynamicModule,
  afterInit?: (app: NestExpressApplication) => Promise<void>,
): Promise<RunningService> {
  const log = createJsonLogger({
    level: config.logLevel,
    name: `isms-ledger-${config.context}-service`,
  });
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: new JsonNestLogger(log),
    bodyParser: false,
    abortOnError: false,
  });
  configureHttpApp(app, {
    title: `ISMS Ledger — ${config.context} service`,
    description:
      `The ${config.context} bounded context of ISMS Ledger as a service (PostgreSQL event ` +
      'store, Kafka between services, MongoDB read models). Errors are RFC 9457 problem+json.',
    version: '0.1.0',
  });
  app.enableShutdownHooks();
  await app.init();
  await afterInit?.(app);
  await app.listen(config.port, config.host);
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  log.info(
    {
      url,
      context: config.context,
      deployment: config.adapters.deployment ?? null,
      instance: config.adapters.instanceId,
    },
    `${config.context} service is up: ${url}/health, API docs at ${url}/docs, metrics at ${url}/metrics`,
  );
  return { app, url };
}
