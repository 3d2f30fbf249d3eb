import { MAX_TOKEN_TTL_SECONDS } from '@isms/auth';
import { createContextTestApp } from '@isms/testing';
import type { ContextTestApp } from '@isms/testing';
import { ControlsModule } from '../controls.module.js';
import { InMemoryEvidenceContentStore } from '../infrastructure/evidence-content-stores.js';

export type { SeededTenant, TenantSpec } from '@isms/testing';

/** The controls context on the platform's real modules and embedded adapters (see `@isms/testing`). */
export interface ControlsTestApp extends ContextTestApp {
  /** Where uploaded evidence lands (in memory; tests may tamper with it). */
  readonly evidenceStore: InMemoryEvidenceContentStore;
}

export async function createControlsTestApp(start?: string): Promise<ControlsTestApp> {
  const evidenceStore = new InMemoryEvidenceContentStore();
  const app = await createContextTestApp({
    context: 'controls',
    modules: [ControlsModule.forRoot({ evidenceContentStore: () => evidenceStore })],
    // Tests move the clock by weeks: tokens valid for the longest time the issuer allows.
    tokenTtlSeconds: MAX_TOKEN_TTL_SECONDS,
    ...(start ? { start } : {}),
  });
  return { ...app, evidenceStore };
}
