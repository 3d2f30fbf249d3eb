import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PlatformService } from '@isms/governance';
import { loadServiceConfig, runService } from '@isms/service-runtime';
import { GovernanceServiceModule } from './governance-service.module.js';

const config = loadServiceConfig('governance', process.env);
runService(config, GovernanceServiceModule.forRoot(config), async (app) => {
  // The platform administrator (tenant `platform`) lives in governance's events.
  const admin = await app.get(PlatformService).ensureBootstrapAdministrator();
  const secrets = dirname(config.tokenSecretFile);
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(secrets, 'bootstrap.json'),
    `${JSON.stringify({ platformAdministratorId: admin.administratorId }, null, 2)}\n`,
    { mode: 0o600 },
  );
  if (admin.setupCode) {
    process.stdout.write(
      `\nFirst start: platform administrator ${admin.administratorId} created; its one-time ` +
        `setup code: ${admin.setupCode}\n  POST /api/auth/setup {"setupCode":"…"} gives its token.\n\n`,
    );
  }
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
