import { Module } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@isms/platform-nest';
import { ReportingController } from './api/reporting.controller.js';
import { ReportingService } from './application/reporting.service.js';
import { REPORTING_PROJECTIONS } from './projections/index.js';

/**
 * Reporting (9.1, 9.3): no aggregates, only read models built from every context's published
 * events. Needs the port tokens, the ProjectionRegistry (ApplicationServicesModule) and AuthModule.
 */
@Module({
  controllers: [ReportingController],
  providers: [ReportingService],
  exports: [ReportingService],
})
export class ReportingModule implements OnModuleInit {
  constructor(private readonly projections: ProjectionRegistry) {}

  onModuleInit(): void {
    for (const factory of REPORTING_PROJECTIONS) this.projections.register(factory);
  }
}
