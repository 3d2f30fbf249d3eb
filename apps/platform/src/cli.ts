/**
 * Tokens on the server's own machine (embedded mode), without the API:
 *
 *   npm run token -- --platform-admin [--ttl-minutes 480]
 *   npm run token -- --tenant <tenantId> --person <personId> [--ttl-minutes 480]
 *
 * Reads the signing secret from `<ISMS_DATA_DIR>/secrets/jwt-hs256.key` (whoever can read the data
 * directory can sign tokens anyway). The platform checks at every request that the person exists
 * and what they may do, so a token for an unknown or deactivated person is refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HmacTokenAuthority, loadOrCreateSigningSecret } from '@isms/auth';
import { bootstrapFile, signingSecretFile } from './data-dir.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'platform-admin': { type: 'boolean', default: false },
      tenant: { type: 'string' },
      person: { type: 'string' },
      'ttl-minutes': { type: 'string', default: '480' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const dataDir = resolve(values['data-dir'] ?? process.env['ISMS_DATA_DIR'] ?? './data');
  const ttlMinutes = Number(values['ttl-minutes']);
  if (!Number.isInteger(ttlMinutes) || ttlMinutes < 5 || ttlMinutes > 43_200) {
    return fail('--ttl-minutes must be a whole number from 5 to 43200');
  }
  const secretFile = signingSecretFile(dataDir);
  if (!existsSync(secretFile)) {
    return fail(`No token secret in ${dataDir}: start the platform once (npm start) first.`);
  }
  let sub: string;
  let tid: string | undefined;
  if (values['platform-admin']) {
    const file = bootstrapFile(dataDir);
    if (!existsSync(file)) return fail(`No ${file}: start the platform once (npm start) first.`);
    sub = (JSON.parse(readFileSync(file, 'utf8')) as { platformAdministratorId: string })
      .platformAdministratorId;
  } else if (values.tenant && values.person) {
    sub = values.person;
    tid = values.tenant;
  } else {
    return fail('Say whose token: --platform-admin, or --tenant <tenantId> --person <personId>');
  }
  const authority = new HmacTokenAuthority(loadOrCreateSigningSecret(secretFile).secret);
  const issued = await authority.issue({
    sub,
    ...(tid ? { tid } : {}),
    ttlSeconds: ttlMinutes * 60,
  });
  process.stdout.write(`${issued.token}\n`);
  process.stderr.write(`expires ${issued.expiresAt}\n`);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
