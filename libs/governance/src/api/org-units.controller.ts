import { Controller, Get, HttpCode, Patch, Post, Req, Res } from '@nestjs/common';
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
import { OrgStructureService } from '../application/org-structure.service.js';
import {
  AsOfQuery,
  CreateOrgUnitBody,
  IdParams,
  MoveOrgUnitBody,
  OrgUnitListQuery,
  ReasonBody,
  RenameOrgUnitBody,
} from './schemas.js';

/**
 * The group structure. The ETag is the revision of the tenant's whole tree (one stream): send
 * it back as If-Match to be sure nothing in the tree changed since you read it.
 */
@ApiTags('group structure')
@Controller('api/org-units')
export class OrgUnitsController {
  constructor(private readonly structure: OrgStructureService) {}

  @Post()
  @RequirePermission('governance:structure:manage')
  @ApiOperation({ summary: 'Create a subsidiary, site or department under a parent unit' })
  @ApiCommand()
  async create(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(CreateOrgUnitBody) body: z.infer<typeof CreateOrgUnitBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.structure.create(principal, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.unit;
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'The org units you may see, flat, with parent and path; `?asOf=` shows them as they were',
  })
  @ApiRead()
  async list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(OrgUnitListQuery) query: z.infer<typeof OrgUnitListQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.structure.list(principal, {
      asOf: query.asOf,
      includeClosed: query.includeClosed,
    });
    setETag(res, result.revision);
    return { items: result.items };
  }

  @Get('tree')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'The org tree you may see, nested; `?asOf=2025-12-31T23:59:59Z` for a past date',
  })
  @ApiRead()
  async tree(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(OrgUnitListQuery) query: z.infer<typeof OrgUnitListQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.structure.tree(principal, {
      asOf: query.asOf,
      includeClosed: query.includeClosed,
    });
    setETag(res, result.revision);
    return { roots: result.roots };
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One org unit with its history (created, renamed, moved, closed)' })
  @ApiRead()
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.structure.get(principal, params.id, query.asOf);
    setETag(res, result.revision);
    return result.unit;
  }

  @Patch(':id')
  @RequirePermission('governance:structure:manage')
  @ApiOperation({ summary: 'Rename an org unit' })
  @ApiCommand()
  async rename(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(RenameOrgUnitBody) body: z.infer<typeof RenameOrgUnitBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.structure.rename(
      principal,
      params.id,
      body.name,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.unit;
  }

  @Post(':id/move')
  @HttpCode(200)
  @RequirePermission('governance:structure:manage')
  @ApiOperation({ summary: 'Move an org unit (with its subtree) under another parent' })
  @ApiCommand()
  async move(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(MoveOrgUnitBody) body: z.infer<typeof MoveOrgUnitBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.structure.move(
      principal,
      params.id,
      body.newParentId,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.unit;
  }

  @Post(':id/closure')
  @HttpCode(200)
  @RequirePermission('governance:structure:manage')
  @ApiOperation({
    summary: 'Close an org unit (kept for history); units below it must be closed first',
  })
  @ApiCommand()
  async close(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.structure.close(
      principal,
      params.id,
      body.reason,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.unit;
  }
}
