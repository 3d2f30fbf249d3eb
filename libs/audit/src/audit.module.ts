import { Module } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@isms/platform-nest';
import { AuditContext } from './application/audit-context.js';
import { CertificatesService } from './application/certificates.service.js';
import { EngagementsService } from './application/engagements.service.js';
import { ProgrammesService } from './application/programmes.service.js';
import { CertificatesController } from './api/certificates.controller.js';
import { EngagementsController } from './api/engagements.controller.js';
import { FindingsController } from './api/findings.controller.js';
import { ProgrammesController } from './api/programmes.controller.js';
import { AUDIT_PROJECTIONS } from './projections/index.js';

/**
 * The audit context (9.2, 10.1, 10.2): audit programme with IAF MD 1 site sampling and coverage,
 * engagements with checklists, graded findings, evidence requests, corrective actions,
 * certification decisions (certificates per scope). Needs the
 * port tokens, the ProjectionRegistry (ApplicationServicesModule) and AuthModule.
 */
@Module({
  controllers: [
    ProgrammesController,
    EngagementsController,
    FindingsController,
    CertificatesController,
  ],
  providers: [AuditContext, ProgrammesService, EngagementsService, CertificatesService],
  exports: [EngagementsService, ProgrammesService, CertificatesService],
})
export class AuditModule implements OnModuleInit {
  constructor(private readonly projections: ProjectionRegistry) {}

  onModuleInit(): void {
    for (const factory of AUDIT_PROJECTIONS) this.projections.register(factory);
  }
}
