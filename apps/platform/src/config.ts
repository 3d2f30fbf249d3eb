import { resolve } from 'node:path';
import { z } from 'zod';

const PlatformEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Bind address. 127.0.0.1 by default: set HOST=0.0.0.0 to serve other machines. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where the embedded event store, secrets and uploaded files live. Survives restarts. */
  ISMS_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface PlatformConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly logLevel: string;
}

export function loadPlatformConfig(env: NodeJS.ProcessEnv): PlatformConfig {
  const parsed = PlatformEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return {
    port: parsed.data.PORT,
    host: parsed.data.HOST,
    dataDir: resolve(parsed.data.ISMS_DATA_DIR),
    logLevel: parsed.data.LOG_LEVEL,
  };
}
