import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from '@isms/auth';
import { ApplicationServicesModule, PlatformHttpModule } from '@isms/platform-nest';
import { ReportingModule } from '@isms/reporting';
import { EventMirrorModule, ServerAdaptersModule } from '@isms/service-runtime';
import type { ServiceConfig } from '@isms/service-runtime';

/**
 * Reporting as a service: every read model is fed from the other contexts' topics, and every
 * event consumed is kept in an event mirror (its own schema) that answers `?asOf=` reports and
 * hash-chain verification.
 */
@Module({})
export class ReportingServiceModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ReportingServiceModule,
      imports: [
        CqrsModule.forRoot(),
        PlatformHttpModule,
        ServerAdaptersModule.forRoot(config.adapters),
        EventMirrorModule.forRoot(config.adapters),
        ApplicationServicesModule,
        AuthModule.forRoot({ tokens: { kind: 'embedded', secretFile: config.tokenSecretFile } }),
        ReportingModule,
      ],
    };
  }
}
