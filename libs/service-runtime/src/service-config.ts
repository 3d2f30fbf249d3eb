import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { ServiceContext } from './contexts.js';
import { DEFAULT_SERVICE_PORTS } from './contexts.js';
import type { ServerAdaptersOptions } from './server-adapters.module.js';

export interface ServiceConfig {
  readonly context: ServiceContext;
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  /** Files of this service (uploaded documents or evidence) and, unless set, the token secret. */
  readonly dataDir: string;
  /** The HS256 token secret, shared by every service of the deployment. */
  readonly tokenSecretFile: string;
  readonly maxUploadBytes: number;
  readonly adapters: ServerAdaptersOptions;
}

const ServiceEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
  KAFKA_BROKERS: z.string().min(1, 'host:port[,host:port…]'),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'a mongodb:// URL'),
  /** Shared by the services of one deployment: their files, and the token secret. */
  ISMS_DATA_DIR: z.string().min(1).default('./data/services'),
  ISMS_TOKEN_SECRET_FILE: z.string().min(1).optional(),
  ISMS_DEPLOYMENT: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,30}$/)
    .optional(),
  ISMS_INSTANCE_ID: z.string().min(1).optional(),
  ISMS_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(500).default(20),
  ISMS_READ_MODEL_WRITE_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).optional(),
});

/** Reads a service's configuration from the environment (names as in `.infra/env`). */
export function loadServiceConfig(context: ServiceContext, env: NodeJS.ProcessEnv): ServiceConfig {
  const parsed = ServiceEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration of the ${context} service:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.ISMS_DATA_DIR);
  return {
    context,
    port: e.PORT ?? DEFAULT_SERVICE_PORTS[context],
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    dataDir,
    tokenSecretFile: resolve(e.ISMS_TOKEN_SECRET_FILE ?? join(dataDir, 'secrets', 'jwt-hs256.key')),
    maxUploadBytes: e.ISMS_MAX_UPLOAD_MB * 1024 * 1024,
    adapters: {
      context,
      databaseUrl: e.DATABASE_URL,
      kafkaBrokers: e.KAFKA_BROKERS.split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      mongoUrl: e.MONGO_URL,
      instanceId: e.ISMS_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
      ...(e.ISMS_DEPLOYMENT ? { deployment: e.ISMS_DEPLOYMENT } : {}),
      ...(e.ISMS_READ_MODEL_WRITE_LEASE_MS
        ? { readModelWriteLeaseMs: e.ISMS_READ_MODEL_WRITE_LEASE_MS }
        : {}),
    },
  };
}
