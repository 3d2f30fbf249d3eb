import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import {
  ApiProblems,
  ApiQueryFrom,
  ifMatchRevision,
  setETag,
  ValidBody,
  ValidParams,
  ValidQuery,
} from '@isms/platform-nest';
import { ProgrammesService } from '../application/programmes.service.js';
import { AsOfQuery, EstablishProgrammeBody, SampleSitesBody, ScopeParams } from './schemas.js';

@ApiTags('audit: programme')
@Controller('api/audit/programmes')
export class ProgrammesController {
  constructor(private readonly programmes: ProgrammesService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('audit:write')
  @ApiOperation({
    summary: 'Establish the audit programme (9.2) of an ISMS scope for a three-year cycle',
    description:
      'Names the central function (audited every year) and the n similar sites sampled per IAF MD 1. One programme per scope.',
  })
  @ApiCreatedResponse({
    description: 'The programme with coverage and the next sample; ETag = revision',
  })
  @ApiProblems(400, 404, 422)
  async establish(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(EstablishProgrammeBody) body: z.infer<typeof EstablishProgrammeBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.programmes.establish(principal, body);
    setETag(res, result.revision);
    return result.programme;
  }

  @Get(':scopeId')
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'The programme of a scope: sites audited per year, next sample, coverage and gaps (asOf)',
  })
  @ApiQueryFrom(AsOfQuery)
  @ApiProblems(400, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.programmes.get(principal, params.scopeId, query.asOf);
    setETag(res, result.revision);
    return result.programme;
  }

  @Post(':scopeId/site-samples')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({
    summary:
      'Record the sites audited in a cycle year (IAF MD 1 minimum; proposal when none given)',
    description:
      'Sample size ⌈√n⌉ (initial), ⌈0.6·√n⌉ (surveillance), ⌈0.8·√n⌉ (recertification); the central function is audited on top.',
  })
  @ApiOkResponse({ description: 'The programme; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async sample(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidBody(SampleSitesBody) body: z.infer<typeof SampleSitesBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.programmes.sample(
      principal,
      params.scopeId,
      body,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.programme;
  }
}
