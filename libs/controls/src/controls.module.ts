import { Module } from '@nestjs/common';
import type { DynamicModule, OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@isms/platform-nest';
import { CataloguesController } from './api/catalogues.controller.js';
import { ControlTestsController } from './api/control-tests.controller.js';
import { ControlsQueriesController } from './api/controls-queries.controller.js';
import { EvidenceController } from './api/evidence.controller.js';
import { GroupControlsController } from './api/group-controls.controller.js';
import { SoaController } from './api/soa.controller.js';
import { EvidenceUploadErrorsInterceptor } from './api/upload.js';
import { CatalogueDirectory } from './application/catalogue-directory.js';
import { CataloguesService } from './application/catalogues.service.js';
import { ControlsCommandContext } from './application/command-context.js';
import { ControlsQueries } from './application/controls-queries.service.js';
import { EVIDENCE_CONTENT_STORE } from './application/evidence-content-store.js';
import type { EvidenceContentStore } from './application/evidence-content-store.js';
import { EvidenceService } from './application/evidence.service.js';
import { GroupControlsService } from './application/group-controls.service.js';
import { SoaService } from './application/soa.service.js';
import { TestPlansService } from './application/test-plans.service.js';
import { CONTROLS_PROJECTIONS } from './projections/index.js';

export interface ControlsModuleOptions {
  /** Where evidence files go (the app chooses: `<ISMS_DATA_DIR>/evidence` in the embedded mode). */
  readonly evidenceContentStore: () => EvidenceContentStore;
}

/**
 * Controls (ISO/IEC 27001 6.1.3 d, 8.1, 9.1, Annex A): catalogues, the Statement of
 * Applicability of each scope, group controls, effectiveness tests and evidence.
 * Needs `AuthModule` and the platform's application services.
 */
@Module({})
export class ControlsModule implements OnModuleInit {
  constructor(private readonly projections: ProjectionRegistry) {}

  static forRoot(options: ControlsModuleOptions): DynamicModule {
    return {
      module: ControlsModule,
      controllers: [
        CataloguesController,
        SoaController,
        GroupControlsController,
        ControlTestsController,
        EvidenceController,
        ControlsQueriesController,
      ],
      providers: [
        { provide: EVIDENCE_CONTENT_STORE, useFactory: options.evidenceContentStore },
        EvidenceUploadErrorsInterceptor,
        ControlsCommandContext,
        CatalogueDirectory,
        CataloguesService,
        SoaService,
        GroupControlsService,
        TestPlansService,
        EvidenceService,
        ControlsQueries,
      ],
    };
  }

  onModuleInit(): void {
    for (const factory of Object.values(CONTROLS_PROJECTIONS)) this.projections.register(factory);
  }
}
