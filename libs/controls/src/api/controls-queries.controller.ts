import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import { ApiRead, ValidParams, ValidQuery } from '@isms/platform-nest';
import { ControlsQueries } from '../application/controls-queries.service.js';
import { ProgressQuery, RiskParams } from './schemas.js';

@ApiTags('control reports')
@Controller('api/controls')
export class ControlsQueriesController {
  constructor(private readonly queries: ControlsQueries) {}

  @Get('progress')
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'Implementation progress per SoA you may see: answered, applicable, by status, % implemented, expired evidence, overdue tests, approval state',
  })
  @ApiRead()
  progress(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(ProgressQuery) query: z.infer<typeof ProgressQuery>,
  ) {
    return this.queries.progress(principal, query);
  }

  @Get('by-risk/:riskId')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Controls per risk: the controls treating or protecting it, with their SoA status',
  })
  @ApiRead()
  byRisk(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
  ) {
    return this.queries.controlsForRisk(principal, params.riskId);
  }
}
