import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { join } from 'node:path';
import { ApplicationServicesModule, PlatformHttpModule } from '@isms/platform-nest';
import { AuthModule } from '@isms/auth';
import type { TokenAuthorityConfig } from '@isms/auth';
import {
  FilesystemDocumentContentStore,
  GovernanceModule,
  InMemoryDocumentContentStore,
} from '@isms/governance';
import { RiskModule } from '@isms/risk';
import { AuditModule } from '@isms/audit';
import { ReportingModule } from '@isms/reporting';
import {
  ControlsModule,
  FilesystemEvidenceContentStore,
  InMemoryEvidenceContentStore,
} from '@isms/controls';
import type { PlatformConfig } from './config.js';
import { readModelSnapshotFile, signingSecretFile } from './data-dir.js';
import { EmbeddedAdaptersModule } from './embedded-adapters.module.js';

/**
 * The all-in-one app: every bounded context in one process, on embedded adapters
 * (file-backed PGlite event store, in-process bus, in-memory read models rebuilt at boot).
 */
@Module({})
export class PlatformModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        CqrsModule.forRoot(),
        PlatformHttpModule,
        EmbeddedAdaptersModule.forRoot({
          dataDir: config.dataDir,
          ...(config.readModelSnapshot && config.dataDir !== 'memory'
            ? {
                snapshot: {
                  file: readModelSnapshotFile(config.dataDir),
                  codeFingerprint: config.readModelSnapshot.codeFingerprint,
                },
              }
            : {}),
        }),
        ApplicationServicesModule,
        AuthModule.forRoot({ tokens: tokenAuthority(config) }),
        GovernanceModule.forRoot({
          documentContentStore: () =>
            config.dataDir === 'memory'
              ? new InMemoryDocumentContentStore()
              : new FilesystemDocumentContentStore(join(config.dataDir, 'documents')),
          maxDocumentBytes: config.maxDocumentBytes,
        }),
        RiskModule,
        ControlsModule.forRoot({
          evidenceContentStore: () =>
            config.dataDir === 'memory'
              ? new InMemoryEvidenceContentStore()
              : new FilesystemEvidenceContentStore(join(config.dataDir, 'evidence')),
        }),
        AuditModule,
        ReportingModule,
      ],
    };
  }
}

function tokenAuthority(config: PlatformConfig): TokenAuthorityConfig {
  if (config.auth.mode === 'oidc') {
    const { jwksUrl, issuer, audience, tenantClaim } = config.auth;
    return { kind: 'oidc', jwksUrl, issuer, audience, tenantClaim };
  }
  if (config.dataDir === 'memory') {
    throw new Error(
      'The embedded token secret lives in ISMS_DATA_DIR; give a directory, not memory',
    );
  }
  return { kind: 'embedded', secretFile: signingSecretFile(config.dataDir) };
}
