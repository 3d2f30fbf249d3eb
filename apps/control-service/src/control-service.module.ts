import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { join } from 'node:path';
import { AuthModule } from '@isms/auth';
import { ControlsModule, FilesystemEvidenceContentStore } from '@isms/controls';
import { ApplicationServicesModule, PlatformHttpModule } from '@isms/platform-nest';
import { EventMirrorModule, ServerAdaptersModule } from '@isms/service-runtime';
import type { ServiceConfig } from '@isms/service-runtime';

/** Controls as a service: catalogues, the Statement of Applicability, tests and evidence. */
@Module({})
export class ControlServiceModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ControlServiceModule,
      imports: [
        CqrsModule.forRoot(),
        PlatformHttpModule,
        ServerAdaptersModule.forRoot(config.adapters),
        // The other contexts' events its read models consume, for ?asOf= (merged with its own).
        EventMirrorModule.forRoot(config.adapters, { keep: 'consumed' }),
        ApplicationServicesModule,
        AuthModule.forRoot({ tokens: { kind: 'embedded', secretFile: config.tokenSecretFile } }),
        ControlsModule.forRoot({
          evidenceContentStore: () =>
            new FilesystemEvidenceContentStore(join(config.dataDir, 'controls', 'evidence')),
        }),
      ],
    };
  }
}
