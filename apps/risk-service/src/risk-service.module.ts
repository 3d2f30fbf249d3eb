import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from '@isms/auth';
import { ApplicationServicesModule, PlatformHttpModule } from '@isms/platform-nest';
import { RiskModule } from '@isms/risk';
import { EventMirrorModule, ServerAdaptersModule } from '@isms/service-runtime';
import type { ServiceConfig } from '@isms/service-runtime';

/** Risk as a service: methodology, assets, the risk register, treatments and acceptances. */
@Module({})
export class RiskServiceModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: RiskServiceModule,
      imports: [
        CqrsModule.forRoot(),
        PlatformHttpModule,
        ServerAdaptersModule.forRoot(config.adapters),
        // The other contexts' events its read models consume, for ?asOf= (merged with its own).
        EventMirrorModule.forRoot(config.adapters, { keep: 'consumed' }),
        ApplicationServicesModule,
        AuthModule.forRoot({ tokens: { kind: 'embedded', secretFile: config.tokenSecretFile } }),
        RiskModule,
      ],
    };
  }
}
