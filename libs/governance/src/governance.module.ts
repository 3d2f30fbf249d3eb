import { Module } from '@nestjs/common';
import type { DynamicModule, OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry } from '@isms/platform-nest';
import { AccessGrantsController, AccessLogController } from './api/access-grants.controller.js';
import { AuthController } from './api/auth.controller.js';
import { DocumentsController } from './api/documents.controller.js';
import { OrgUnitsController } from './api/org-units.controller.js';
import { PeopleController } from './api/people.controller.js';
import { ScopesController } from './api/scopes.controller.js';
import { TenantsController } from './api/tenants.controller.js';
import { UploadErrorsInterceptor } from './api/upload.js';
import { AccessGrantsService } from './application/access-grants.service.js';
import { AccessLogQueries } from './application/access-log.queries.js';
import { CommandContext } from './application/command-context.js';
import {
  DEFAULT_DOCUMENT_MAX_BYTES,
  DOCUMENT_CONTENT_STORE,
  DOCUMENT_UPLOAD_POLICY,
} from './application/document-content-store.js';
import type {
  DocumentContentStore,
  DocumentUploadPolicy,
} from './application/document-content-store.js';
import { DocumentsService } from './application/documents.service.js';
import { IdentityService } from './application/identity.service.js';
import { Lookups } from './application/lookups.js';
import { OrgStructureService } from './application/org-structure.service.js';
import { PeopleService } from './application/people.service.js';
import { PlatformService } from './application/platform.service.js';
import { ScopesService } from './application/scopes.service.js';
import { accessGrantsProjection } from './projections/access-grants/access-grants.projection.js';
import { accessLogProjection } from './projections/access-log/access-log.projection.js';
import { documentsProjection } from './projections/documents/documents.projection.js';
import { orgUnitsProjection } from './projections/org-units/org-units.projection.js';
import { peopleProjection } from './projections/people/people.projection.js';
import { scopesProjection } from './projections/scopes/scopes.projection.js';
import { tenantsProjection } from './projections/tenants/tenants.projection.js';

/** The token @nestjs/platform-express's FileInterceptor reads its default multer options from. */
const MULTER_MODULE_OPTIONS = 'MULTER_MODULE_OPTIONS';

export interface GovernanceModuleOptions {
  /** Where document content goes (the app chooses: filesystem in the embedded mode). */
  readonly documentContentStore: () => DocumentContentStore;
  /** Upload size limit in bytes (default 20 MB). */
  readonly maxDocumentBytes?: number;
}

export const GOVERNANCE_PROJECTIONS = [
  tenantsProjection,
  orgUnitsProjection,
  peopleProjection,
  scopesProjection,
  documentsProjection,
  accessGrantsProjection,
  accessLogProjection,
];

/**
 * Governance (ISO/IEC 27001 clauses 4, 5, 7.2, 7.5): group structure, ISMS scopes, the document
 * register, people and roles, certification bodies' access, and platform administration.
 * Needs `AuthModule` and the platform's application services.
 */
@Module({})
export class GovernanceModule implements OnModuleInit {
  constructor(private readonly projections: ProjectionRegistry) {}

  static forRoot(options: GovernanceModuleOptions): DynamicModule {
    const uploadPolicy: DocumentUploadPolicy = {
      maxBytes: options.maxDocumentBytes ?? DEFAULT_DOCUMENT_MAX_BYTES,
    };
    return {
      module: GovernanceModule,
      controllers: [
        AuthController,
        TenantsController,
        OrgUnitsController,
        PeopleController,
        ScopesController,
        DocumentsController,
        AccessGrantsController,
        AccessLogController,
      ],
      providers: [
        { provide: DOCUMENT_CONTENT_STORE, useFactory: options.documentContentStore },
        { provide: DOCUMENT_UPLOAD_POLICY, useValue: uploadPolicy },
        {
          provide: MULTER_MODULE_OPTIONS,
          useValue: { limits: { fileSize: uploadPolicy.maxBytes } },
        },
        UploadErrorsInterceptor,
        CommandContext,
        Lookups,
        PlatformService,
        IdentityService,
        OrgStructureService,
        PeopleService,
        ScopesService,
        DocumentsService,
        AccessGrantsService,
        AccessLogQueries,
      ],
      exports: [PlatformService],
    };
  }

  onModuleInit(): void {
    for (const projection of GOVERNANCE_PROJECTIONS) this.projections.register(projection);
  }
}
