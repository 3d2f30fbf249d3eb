import { createContextTestApp } from '@isms/testing';
import type { ContextTestApp } from '@isms/testing';
import { RiskModule } from '../risk.module.js';

export type { SeededTenant, TenantSpec } from '@isms/testing';

/** The risk context on the platform's real modules and embedded adapters (see `@isms/testing`). */
export type RiskTestApp = ContextTestApp;

export function createRiskTestApp(start?: string): Promise<RiskTestApp> {
  return createContextTestApp({
    context: 'risk',
    modules: [RiskModule],
    ...(start ? { start } : {}),
  });
}
