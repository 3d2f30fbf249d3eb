import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import { ApiProblems, ApiQueryFrom, ValidQuery } from '@isms/platform-nest';
import { EngagementsService } from '../application/engagements.service.js';
import { FindingListQuery } from './schemas.js';

@ApiTags('audit: findings and corrective actions')
@Controller('api/audit')
export class FindingsController {
  constructor(private readonly engagements: EngagementsService) {}

  @Get('findings')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Findings you may see, with their corrective actions (filters; overdue=true; asOf)',
  })
  @ApiQueryFrom(FindingListQuery)
  @ApiProblems(400)
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(FindingListQuery) query: z.infer<typeof FindingListQuery>,
  ) {
    return this.engagements.findings(principal, query);
  }

  @Post('corrective-actions/overdue-marks')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({
    summary:
      'Record every corrective action past its due date (once per plan) in the scopes you audit',
  })
  @ApiOkResponse({ description: '{ markedFindingIds }' })
  @ApiProblems()
  markOverdue(@CurrentPrincipal() principal: Principal) {
    return this.engagements.markOverdue(principal);
  }
}
