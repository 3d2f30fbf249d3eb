import { Controller, Get, HttpCode, Post, Put, Req, Res } from '@nestjs/common';
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
import { SoaService } from '../application/soa.service.js';
import {
  ApproveSoaBody,
  AsOfQuery,
  CompareQuery,
  EstablishSoaBody,
  IncludeCatalogueBody,
  MigrateSoaBody,
  ScopeParams,
  SoaLineBody,
  SoaLineParams,
  SoaVersionParams,
} from './schemas.js';

@ApiTags('Statement of Applicability')
@Controller('api/scopes/:scopeId/soa')
export class SoaController {
  constructor(private readonly soas: SoaService) {}

  @Post()
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Establish the SoA of an ISMS scope on a catalogue (6.1.3 d)' })
  @ApiCommand()
  async establish(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidBody(EstablishSoaBody) body: z.infer<typeof EstablishSoaBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.soas.establish(principal, params.scopeId, body);
    setETag(res, result.revision);
    return result.soa;
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'The SoA: every control with applicability, justification, status, owner, how, inherited group controls, linked risks, evidence, tests; approval state; `?asOf=` for any past instant',
  })
  @ApiRead()
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.soas.get(principal, params.scopeId, query.asOf);
    setETag(res, result.revision);
    return result.soa;
  }

  @Post('catalogues')
  @HttpCode(200)
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Include an extended control set (an imported catalogue) in the SoA' })
  @ApiCommand()
  async include(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidBody(IncludeCatalogueBody) body: z.infer<typeof IncludeCatalogueBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.soas.include(principal, params.scopeId, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.soa;
  }

  @Put('lines/:catalogueId/:controlId')
  @RequirePermission('controls:write')
  @ApiOperation({
    summary:
      'Record what the SoA says about a control: applicable or not, why (required both ways), status, owner, how it is implemented',
  })
  @ApiCommand()
  async recordLine(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(SoaLineParams) params: z.infer<typeof SoaLineParams>,
    @ValidBody(SoaLineBody) body: z.infer<typeof SoaLineBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.soas.recordLine(
      principal,
      params.scopeId,
      { catalogueId: params.catalogueId, controlId: params.controlId },
      body,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.soa;
  }

  @Post('approval')
  @HttpCode(200)
  @RequirePermission('controls:soa:approve')
  @ApiOperation({
    summary:
      'Approve this version of the SoA (CISO): a decision with its reason, recording a SHA-256 digest of exactly what was approved',
  })
  @ApiCommand()
  async approve(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidBody(ApproveSoaBody) body: z.infer<typeof ApproveSoaBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.soas.approve(principal, params.scopeId, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.soa;
  }

  @Post('migration')
  @HttpCode(200)
  @RequirePermission('controls:write')
  @ApiOperation({
    summary:
      'Migrate the SoA to another edition through the mapping (2013 → 2022), keeping where each answer came from and flagging what needs a decision',
  })
  @ApiCommand()
  async migrate(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidBody(MigrateSoaBody) body: z.infer<typeof MigrateSoaBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.soas.migrate(principal, params.scopeId, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.soa;
  }

  @Get('versions')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Approved versions, each with its digest and whether it still verifies',
  })
  @ApiRead()
  versions(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
  ) {
    return this.soas.versions(principal, params.scopeId);
  }

  @Get('versions/:version')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One approved version, exactly as approved' })
  @ApiRead()
  version(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(SoaVersionParams) params: z.infer<typeof SoaVersionParams>,
  ) {
    return this.soas.version(principal, params.scopeId, params.version);
  }

  @Get('comparison')
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'Compare two versions (`from`, `to`: a version number or `current`): lines added, removed and changed, field by field',
  })
  @ApiRead()
  compare(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidQuery(CompareQuery) query: z.infer<typeof CompareQuery>,
  ) {
    return this.soas.compare(principal, params.scopeId, query.from, query.to);
  }
}
