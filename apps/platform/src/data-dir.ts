import { join } from 'node:path';

/** `<ISMS_DATA_DIR>/secrets/jwt-hs256.key`: the embedded mode's token secret. */
export function signingSecretFile(dataDir: string): string {
  return join(dataDir, 'secrets', 'jwt-hs256.key');
}

/** `<ISMS_DATA_DIR>/secrets/bootstrap.json`: who the bootstrap administrator is (for the CLI). */
export function bootstrapFile(dataDir: string): string {
  return join(dataDir, 'secrets', 'bootstrap.json');
}

/** `<ISMS_DATA_DIR>/secrets/setup-code`: the one-time setup code, until it is used. */
export function setupCodeFile(dataDir: string): string {
  return join(dataDir, 'secrets', 'setup-code');
}

/** `<ISMS_DATA_DIR>/read-models.snapshot`: the read models as the platform left them when it stopped. */
export function readModelSnapshotFile(dataDir: string): string {
  return join(dataDir, 'read-models.snapshot');
}
