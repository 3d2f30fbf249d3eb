import { Module } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@isms/platform-nest';
import {
  AcceptancePolicyCommands,
  acceptancePolicyProjection,
} from './application/acceptance-policy.js';
import { AssetsService } from './application/assets.service.js';
import { CatalogueService } from './application/catalogue.service.js';
import { MethodologyService } from './application/methodology.service.js';
import { RiskContext } from './application/risk-context.js';
import { RisksService } from './application/risks.service.js';
import { AssetsController } from './api/assets.controller.js';
import { CatalogueController } from './api/catalogue.controller.js';
import { MethodologyController } from './api/methodology.controller.js';
import { RisksController } from './api/risks.controller.js';
import { RISK_PROJECTIONS } from './projections/index.js';

/**
 * The risk context (6.1.2, 6.1.3, 8.2, 8.3): methodology, assets, threat and vulnerability
 * catalogues, the risk register with treatment and acceptance. Needs the port tokens, the
 * ProjectionRegistry (ApplicationServicesModule) and AuthModule.
 */
@Module({
  controllers: [MethodologyController, AssetsController, CatalogueController, RisksController],
  providers: [
    RiskContext,
    MethodologyService,
    AssetsService,
    CatalogueService,
    RisksService,
    AcceptancePolicyCommands,
  ],
  exports: [RisksService, MethodologyService],
})
export class RiskModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly policy: AcceptancePolicyCommands,
  ) {}

  onModuleInit(): void {
    for (const factory of RISK_PROJECTIONS) this.projections.register(factory);
    this.projections.register(acceptancePolicyProjection(this.policy.flag));
  }
}
