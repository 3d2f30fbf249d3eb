import { Global, Module } from '@nestjs/common';
import { HealthController, HealthRegistry } from './health.js';
import { MetricsController, MetricsService } from './metrics.js';

/** Health, metrics and their registries, shared by every app. */
@Global()
@Module({
  controllers: [HealthController, MetricsController],
  providers: [HealthRegistry, MetricsService],
  exports: [HealthRegistry, MetricsService],
})
export class PlatformHttpModule {}
