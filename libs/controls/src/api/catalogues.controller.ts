import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import {
  ApiCommand,
  ApiRead,
  ifMatchRevision,
  setETag,
  ValidBody,
  ValidParams,
  ValidQuery,
} from '@isms/platform-nest';
import { CataloguesService } from '../application/catalogues.service.js';
import { ControlsQueries } from '../application/controls-queries.service.js';
import {
  AddControlBody,
  CatalogueParams,
  CatalogueQuery,
  ControlParams,
  ImportCatalogueBody,
  MappingParams,
} from './schemas.js';

@ApiTags('control catalogues')
@Controller('api')
export class CataloguesController {
  constructor(
    private readonly catalogues: CataloguesService,
    private readonly queries: ControlsQueries,
  ) {}

  @Get('catalogues')
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'Catalogues you can use: ISO/IEC 27001:2022 Annex A (with ISO/IEC 27002:2022 attributes), 2013 Annex A, and your imports',
  })
  @ApiRead()
  list(@CurrentPrincipal() principal: Principal) {
    return this.catalogues.list(principal);
  }

  @Post('catalogues')
  @RequirePermission('controls:write')
  @ApiOperation({
    summary:
      'Import a catalogue: `catalogue` in the isms-ledger-catalogue/v1 JSON format, or `oscal` (an OSCAL catalog; ids and titles only)',
  })
  @ApiCommand()
  async import(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(ImportCatalogueBody) body: z.infer<typeof ImportCatalogueBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.catalogues.import(principal, body);
    setETag(res, result.revision);
    return result.catalogue;
  }

  @Get('catalogues/:catalogueId')
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'One catalogue with its controls; filter by theme (`group`) or by attribute (e.g. `controlType=corrective`) for the views of ISO/IEC 27002 A.2',
  })
  @ApiRead()
  get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(CatalogueParams) params: z.infer<typeof CatalogueParams>,
    @ValidQuery(CatalogueQuery) query: z.infer<typeof CatalogueQuery>,
  ) {
    return this.catalogues.get(principal, params.catalogueId, query);
  }

  @Post('catalogues/:catalogueId/controls')
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Add a custom control to an imported catalogue' })
  @ApiCommand()
  async addControl(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(CatalogueParams) params: z.infer<typeof CatalogueParams>,
    @ValidBody(AddControlBody) body: z.infer<typeof AddControlBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.catalogues.addControl(
      principal,
      params.catalogueId,
      body,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.catalogue;
  }

  @Get('catalogues/:catalogueId/controls/:controlId/risks')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Risks per control: the risks this control treats or already protects' })
  @ApiRead()
  risks(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ControlParams) params: z.infer<typeof ControlParams>,
  ) {
    return this.queries.risksForControl(principal, params);
  }

  @Get('catalogue-mappings')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Correspondences between catalogues (ISO/IEC 27001:2013 → 2022)' })
  @ApiRead()
  mappings() {
    return this.catalogues.listMappings();
  }

  @Get('catalogue-mappings/:mappingId')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'A mapping, entry by entry (many-to-many), with the target controls that are new',
  })
  @ApiRead()
  mapping(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(MappingParams) params: z.infer<typeof MappingParams>,
  ) {
    return this.catalogues.getMapping(principal, params.mappingId);
  }
}
