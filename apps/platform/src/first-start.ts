import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { PlatformService } from '@isms/governance';
import type { PlatformConfig } from './config.js';
import { bootstrapFile, setupCodeFile } from './data-dir.js';

export interface FirstStartInfo {
  readonly administratorId: string;
  /** The one-time setup code while it has not been used. */
  readonly setupCode?: string;
  readonly createdNow: boolean;
}

/**
 * Embedded mode: makes sure a platform administrator exists. On first start it is created with
 * a one-time setup code, kept (owner-readable only) in the data directory until it is used, so a
 * restart before then can show it again.
 */
export async function prepareFirstStart(
  app: INestApplication,
  config: PlatformConfig,
): Promise<FirstStartInfo> {
  const admin = await app.get(PlatformService).ensureBootstrapAdministrator();
  const secrets = join(config.dataDir, 'secrets');
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  writeFileSync(
    bootstrapFile(config.dataDir),
    `${JSON.stringify({ platformAdministratorId: admin.administratorId }, null, 2)}\n`,
    { mode: 0o600 },
  );
  const codeFile = setupCodeFile(config.dataDir);
  if (admin.setupCode) writeFileSync(codeFile, `${admin.setupCode}\n`, { mode: 0o600 });
  if (admin.setupCodeRedeemed) {
    rmSync(codeFile, { force: true });
    return { administratorId: admin.administratorId, createdNow: false };
  }
  const setupCode =
    admin.setupCode ?? (existsSync(codeFile) ? readFileSync(codeFile, 'utf8').trim() : undefined);
  return {
    administratorId: admin.administratorId,
    createdNow: admin.setupCode !== undefined,
    ...(setupCode ? { setupCode } : {}),
  };
}

/** What to tell a new user, printed by main.ts. */
export function firstStartInstructions(info: FirstStartInfo, baseUrl: string): string | undefined {
  if (!info.setupCode) return undefined;
  return [
    '',
    info.createdNow
      ? 'First start: a platform administrator was created.'
      : 'The platform administrator has not used its setup code yet.',
    'Get its bearer token once with the one-time setup code:',
    '',
    `  curl -s -X POST ${baseUrl}/api/auth/setup -H 'content-type: application/json' \\`,
    `       -d '{"setupCode":"${info.setupCode}"}'`,
    '',
    'or, on this machine, any time:  npm run token -- --platform-admin',
    'Then create a tenant:  POST /api/tenants  (see the API docs at /docs)',
    '',
  ].join('\n');
}
