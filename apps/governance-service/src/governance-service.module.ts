import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { join } from 'node:path';
import { AuthModule } from '@isms/auth';
import { FilesystemDocumentContentStore, GovernanceModule } from '@isms/governance';
import { ApplicationServicesModule, PlatformHttpModule } from '@isms/platform-nest';
import { EventMirrorModule, ServerAdaptersModule } from '@isms/service-runtime';
import type { ServiceConfig } from '@isms/service-runtime';

/** Governance as a service: tenants, org units, people and roles, scopes, documents, grants. */
@Module({})
export class GovernanceServiceModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: GovernanceServiceModule,
      imports: [
        CqrsModule.forRoot(),
        PlatformHttpModule,
        ServerAdaptersModule.forRoot(config.adapters),
        // The other contexts' events its read models consume, for ?asOf= (merged with its own).
        EventMirrorModule.forRoot(config.adapters, { keep: 'consumed' }),
        ApplicationServicesModule,
        AuthModule.forRoot({ tokens: { kind: 'embedded', secretFile: config.tokenSecretFile } }),
        GovernanceModule.forRoot({
          // One directory per deployment; share it (or use object storage) across machines.
          documentContentStore: () =>
            new FilesystemDocumentContentStore(join(config.dataDir, 'governance', 'documents')),
          maxDocumentBytes: config.maxUploadBytes,
        }),
      ],
    };
  }
}
