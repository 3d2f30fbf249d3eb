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
  PageQuery,
  setETag,
  ValidBody,
  ValidParams,
  ValidQuery,
} from '@isms/platform-nest';
import { TestPlansService } from '../application/test-plans.service.js';
import {
  IdParams,
  ReasonBody,
  ReviseTestPlanBody,
  ScheduleTestBody,
  TestPlansQuery,
  TestResultBody,
} from './schemas.js';

@ApiTags('control effectiveness')
@Controller('api/control-tests')
export class ControlTestsController {
  constructor(private readonly tests: TestPlansService) {}

  @Post()
  @RequirePermission('controls:write')
  @ApiOperation({
    summary:
      'Schedule effectiveness tests of a control implementation (a control applicable in a scope): frequency, method, first due date',
  })
  @ApiCommand()
  async schedule(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(ScheduleTestBody) body: z.infer<typeof ScheduleTestBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.tests.schedule(principal, body);
    setETag(res, result.revision);
    return result.testPlan;
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Test plans you may see, by next due date; `overdue=true` for overdue ones',
  })
  @ApiRead()
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(TestPlansQuery) query: z.infer<typeof TestPlansQuery>,
  ) {
    return this.tests.list(principal, query);
  }

  @Get('overdue')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Overdue tests: due before today and not done' })
  @ApiRead()
  overdue(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(PageQuery.strict()) query: z.infer<typeof PageQuery>,
  ) {
    return this.tests.list(principal, { ...query, overdue: true });
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One test plan with its results' })
  @ApiRead()
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.tests.get(principal, params.id);
    setETag(res, result.revision);
    return result.testPlan;
  }

  @Put(':id')
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Revise frequency, method, description or tester' })
  @ApiCommand()
  async revise(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReviseTestPlanBody) body: z.infer<typeof ReviseTestPlanBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.tests.revise(principal, params.id, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.testPlan;
  }

  @Post(':id/results')
  @RequirePermission('controls:write')
  @ApiOperation({
    summary:
      'Record a test result (effective, partially-effective, not-effective; notes required unless effective); the tester is you',
  })
  @ApiCommand()
  async record(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(TestResultBody) body: z.infer<typeof TestResultBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.tests.recordResult(principal, params.id, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.testPlan;
  }

  @Post(':id/retirement')
  @HttpCode(200)
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Stop testing, with a reason' })
  @ApiCommand()
  async retire(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.tests.retire(principal, params.id, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.testPlan;
  }
}
