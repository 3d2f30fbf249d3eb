import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from '@isms/audit';
import { AuthModule } from '@isms/auth';
import { ApplicationServicesModule, PlatformHttpModule } from '@isms/platform-nest';
import { EventMirrorModule, ServerAdaptersModule } from '@isms/service-runtime';
import type { ServiceConfig } from '@isms/service-runtime';

/** Audit as a service: programmes, engagements, findings and corrective actions. */
@Module({})
export class AuditServiceModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AuditServiceModule,
      imports: [
        CqrsModule.forRoot(),
        PlatformHttpModule,
        ServerAdaptersModule.forRoot(config.adapters),
        // The other contexts' events its read models consume, for ?asOf= (merged with its own).
        EventMirrorModule.forRoot(config.adapters, { keep: 'consumed' }),
        ApplicationServicesModule,
        AuthModule.forRoot({ tokens: { kind: 'embedded', secretFile: config.tokenSecretFile } }),
        AuditModule,
      ],
    };
  }
}
