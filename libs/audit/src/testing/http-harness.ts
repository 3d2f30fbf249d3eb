import { createContextTestApp } from '@isms/testing';
import type { ContextTestApp } from '@isms/testing';
import { AuditModule } from '../audit.module.js';

export type { SeededTenant, TenantSpec } from '@isms/testing';

/** The audit context on the platform's real modules and embedded adapters (see `@isms/testing`). */
export type AuditTestApp = ContextTestApp;

export function createAuditTestApp(start?: string): Promise<AuditTestApp> {
  return createContextTestApp({
    context: 'audit',
    modules: [AuditModule],
    ...(start ? { start } : {}),
  });
}
