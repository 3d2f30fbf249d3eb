import { Controller, Get, Put, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { MethodologyService } from '../application/methodology.service.js';
import { AsOfQuery, OrgUnitParams, SetMethodologyBody } from './schemas.js';

@ApiTags('risk: methodology')
@Controller('api/risk/methodologies')
export class MethodologyController {
  constructor(private readonly methodology: MethodologyService) {}

  @Put(':orgUnitId')
  @RequirePermission('risk:write')
  @ApiOperation({
    summary: 'Set a new version of the risk methodology of an org unit',
    description:
      'At the tenant’s root org unit: the complete methodology (`definition`: likelihood and impact ' +
      'scales of 3–7 levels, risk levels from least to most severe with who may accept them and how ' +
      'often they are reviewed, and the matrix). Below the root (e.g. a subsidiary): `overrides`, the ' +
      'parts it refines for its subtree. Each call is a versioned decision with a `reason`; ' +
      'assessments record the versions they used. Needs a ciso or isms-manager role on the unit.',
  })
  @ApiOkResponse({
    description: 'The unit’s methodology and the one now in force for it; ETag = revision',
  })
  @ApiProblems(400, 404, 409, 422)
  async set(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(OrgUnitParams) params: z.infer<typeof OrgUnitParams>,
    @ValidBody(SetMethodologyBody) body: z.infer<typeof SetMethodologyBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.methodology.set(
      principal,
      params.orgUnitId,
      {
        ...(body.definition ? { definition: body.definition } : {}),
        ...(body.overrides ? { overrides: body.overrides } : {}),
        changeSummary: body.changeSummary,
        reason: body.reason,
      },
      ifMatchRevision(req),
    );
    setETag(res, result.nextExpectedRevision);
    return this.methodology.get(principal, params.orgUnitId);
  }

  @Get(':orgUnitId')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'The methodology of an org unit and the one in force for it (with the appetite)',
    description:
      '`own` is the unit’s own methodology or refinement (null if it inherits everything); `effective` is what assessments of its risks use. `?asOf=` answers from history.',
  })
  @ApiQueryFrom(AsOfQuery)
  @ApiProblems(400, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(OrgUnitParams) params: z.infer<typeof OrgUnitParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const view = await this.methodology.get(principal, params.orgUnitId, query.asOf);
    setETag(res, view.revision);
    return view;
  }
}
