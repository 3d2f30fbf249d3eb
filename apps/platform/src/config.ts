import { resolve } from 'node:path';
import { z } from 'zod';

const PlatformEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Bind address. 127.0.0.1 by default: set HOST=0.0.0.0 to serve other machines. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where the embedded event store, secrets and uploaded files live. Survives restarts. */
  ISMS_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Set to verify RS256 tokens of an OIDC provider instead of issuing HS256 tokens here. */
  ISMS_OIDC_JWKS_URL: z.url().optional(),
  ISMS_OIDC_ISSUER: z.string().min(1).optional(),
  ISMS_OIDC_AUDIENCE: z.string().min(1).default('isms-ledger-api'),
  /** The token claim that carries the tenant id. */
  ISMS_OIDC_TENANT_CLAIM: z.string().min(1).default('tid'),
  /** Largest document upload, in MB. */
  ISMS_MAX_DOCUMENT_MB: z.coerce.number().int().min(1).max(500).default(20),
  /** `off`: rebuild the read models from the event store at every start, save nothing at stop. */
  ISMS_READ_MODEL_SNAPSHOT: z.enum(['on', 'off']).default('on'),
});

export interface PlatformConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly logLevel: string;
  /** Where tokens come from: issued here (embedded) or by an OIDC provider. */
  readonly auth:
    | { readonly mode: 'embedded' }
    | {
        readonly mode: 'oidc';
        readonly jwksUrl: string;
        readonly issuer: string;
        readonly audience: string;
        readonly tenantClaim: string;
      };
  readonly maxDocumentBytes: number;
  /**
   * Save the read models to `<dataDir>/read-models.snapshot` at stop and restore them at start
   * (when this is set: a fingerprint of the running code, which the snapshot must match). Set by
   * `main.ts` only when `readModelSnapshotsAllowed`.
   */
  readonly readModelSnapshot?: { readonly codeFingerprint: string };
  /** ISMS_READ_MODEL_SNAPSHOT: whether snapshots may be used at all. */
  readonly readModelSnapshotsAllowed: boolean;
}

export function loadPlatformConfig(env: NodeJS.ProcessEnv): PlatformConfig {
  const parsed = PlatformEnv.superRefine((value, ctx) => {
    if (value.ISMS_OIDC_JWKS_URL && !value.ISMS_OIDC_ISSUER) {
      ctx.addIssue({
        code: 'custom',
        path: ['ISMS_OIDC_ISSUER'],
        message: 'required with ISMS_OIDC_JWKS_URL (the iss of the provider’s tokens)',
      });
    }
  }).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return {
    port: parsed.data.PORT,
    host: parsed.data.HOST,
    dataDir: resolve(parsed.data.ISMS_DATA_DIR),
    logLevel: parsed.data.LOG_LEVEL,
    auth: parsed.data.ISMS_OIDC_JWKS_URL
      ? {
          mode: 'oidc',
          jwksUrl: parsed.data.ISMS_OIDC_JWKS_URL,
          issuer: parsed.data.ISMS_OIDC_ISSUER ?? '',
          audience: parsed.data.ISMS_OIDC_AUDIENCE,
          tenantClaim: parsed.data.ISMS_OIDC_TENANT_CLAIM,
        }
      : { mode: 'embedded' },
    maxDocumentBytes: parsed.data.ISMS_MAX_DOCUMENT_MB * 1024 * 1024,
    readModelSnapshotsAllowed: parsed.data.ISMS_READ_MODEL_SNAPSHOT === 'on',
  };
}
