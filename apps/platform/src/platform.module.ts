import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ApplicationServicesModule, PlatformHttpModule } from '@isms/platform-nest';
import type { PlatformConfig } from './config.js';
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
        EmbeddedAdaptersModule.forRoot({ dataDir: config.dataDir }),
        ApplicationServicesModule,
      ],
    };
  }
}
