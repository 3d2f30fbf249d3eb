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
import { GroupControlsService } from '../application/group-controls.service.js';
import {
  DefineGroupControlBody,
  DeviationBody,
  GroupControlStatusBody,
  GroupControlUnitParams,
  GroupControlsQuery,
  IdParams,
  ReasonBody,
  ReviseGroupControlBody,
} from './schemas.js';

@ApiTags('group controls')
@Controller('api/group-controls')
export class GroupControlsController {
  constructor(private readonly groupControls: GroupControlsService) {}

  @Post()
  @RequirePermission('controls:write')
  @ApiOperation({
    summary:
      'Define a control once at group level (the tenant root): every subsidiary’s SoA inherits it by reference',
  })
  @ApiCommand()
  async define(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(DefineGroupControlBody) body: z.infer<typeof DefineGroupControlBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.groupControls.define(principal, body);
    setETag(res, result.revision);
    return result.groupControl;
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Group controls, with the statuses and deviations of units you may see',
  })
  @ApiRead()
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(GroupControlsQuery) query: z.infer<typeof GroupControlsQuery>,
  ) {
    return this.groupControls.list(principal, query);
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One group control with its history' })
  @ApiRead()
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.groupControls.get(principal, params.id);
    setETag(res, result.revision);
    return result.groupControl;
  }

  @Put(':id')
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Revise the group control; every inheriting SoA sees the new revision' })
  @ApiCommand()
  async revise(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReviseGroupControlBody) body: z.infer<typeof ReviseGroupControlBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.groupControls.revise(
      principal,
      params.id,
      body,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.groupControl;
  }

  @Put(':id/statuses/:orgUnitId')
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Report an org unit’s implementation status of the inherited control' })
  @ApiCommand()
  async reportStatus(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(GroupControlUnitParams) params: z.infer<typeof GroupControlUnitParams>,
    @ValidBody(GroupControlStatusBody) body: z.infer<typeof GroupControlStatusBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.groupControls.reportStatus(
      principal,
      params.id,
      params.orgUnitId,
      body,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.groupControl;
  }

  @Post(':id/deviations')
  @HttpCode(200)
  @RequirePermission('controls:soa:approve')
  @ApiOperation({
    summary:
      'Record a local deviation as a justified exception (the unit’s approver decides, with a reason)',
  })
  @ApiCommand()
  async deviate(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(DeviationBody) body: z.infer<typeof DeviationBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.groupControls.recordDeviation(
      principal,
      params.id,
      body,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.groupControl;
  }

  @Post(':id/deviations/:orgUnitId/withdrawal')
  @HttpCode(200)
  @RequirePermission('controls:soa:approve')
  @ApiOperation({ summary: 'Withdraw a unit’s deviation, with a reason' })
  @ApiCommand()
  async withdraw(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(GroupControlUnitParams) params: z.infer<typeof GroupControlUnitParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.groupControls.withdrawDeviation(
      principal,
      params.id,
      params.orgUnitId,
      body,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.groupControl;
  }

  @Post(':id/retirement')
  @HttpCode(200)
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Retire the group control, with a reason' })
  @ApiCommand()
  async retire(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.groupControls.retire(
      principal,
      params.id,
      body,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.groupControl;
  }
}
