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
import { ScopesService } from '../application/scopes.service.js';
import {
  ApproveScopeBody,
  AsOfQuery,
  IdParams,
  ReviseScopeBody,
  ScopeDefinitionBody,
  ScopesQuery,
} from './schemas.js';

@ApiTags('ISMS scopes')
@Controller('api/scopes')
export class ScopesController {
  constructor(private readonly scopes: ScopesService) {}

  @Post()
  @RequirePermission('governance:scope:manage')
  @ApiOperation({
    summary:
      'Draft an ISMS scope (4.3): org units in, exclusions with justification, interfaces, issues (4.1), interested parties (4.2)',
  })
  @ApiCommand()
  async draft(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(ScopeDefinitionBody) body: z.infer<typeof ScopeDefinitionBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.scopes.draft(principal, body);
    setETag(res, result.revision);
    return result.scope;
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Scopes you may see (owned by units in your subtree, or granted to you)',
  })
  @ApiRead()
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(ScopesQuery) query: z.infer<typeof ScopesQuery>,
  ) {
    return this.scopes.list(principal, query);
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'One scope: draft, version in force, approvals and revisions; `?asOf=` for the past',
  })
  @ApiRead()
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.scopes.get(principal, params.id, query.asOf);
    setETag(res, result.revision);
    return result.scope;
  }

  @Put(':id')
  @RequirePermission('governance:scope:manage')
  @ApiOperation({
    summary: 'Revise a scope: the new definition goes into draft until approved again',
  })
  @ApiCommand()
  async revise(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReviseScopeBody) body: z.infer<typeof ReviseScopeBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.scopes.revise(principal, params.id, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.scope;
  }

  @Post(':id/approval')
  @HttpCode(200)
  @RequirePermission('governance:scope:approve')
  @ApiOperation({
    summary:
      'Approve the draft (top management: CISO or group admin); the reason is required and recorded',
  })
  @ApiCommand()
  async approve(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ApproveScopeBody) body: z.infer<typeof ApproveScopeBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.scopes.approve(principal, params.id, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.scope;
  }
}
