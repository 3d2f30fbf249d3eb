import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import {
  ApiCommand,
  ApiProblemResponses,
  ApiRead,
  ifMatchRevision,
  setETag,
  ValidBody,
  ValidParams,
  ValidQuery,
} from '@isms/platform-nest';
import { AccessGrantsService } from '../application/access-grants.service.js';
import { AccessLogQueries } from '../application/access-log.queries.js';
import { AccessLogQuery, GrantAccessBody, GrantsQuery, IdParams, ReasonBody } from './schemas.js';

@ApiTags('certification body access')
@Controller('api/access-grants')
export class AccessGrantsController {
  constructor(private readonly grants: AccessGrantsService) {}

  @Post()
  @RequirePermission('governance:grant:manage')
  @ApiOperation({
    summary:
      'Grant a certification body’s auditor read-only access to one approved scope for a window [validFrom, validUntil)',
  })
  @ApiCommand()
  async grant(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(GrantAccessBody) body: z.infer<typeof GrantAccessBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.grants.grant(principal, body);
    setETag(res, result.revision);
    return result.grant;
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: 'Grants on scopes you may see (an auditor sees their own)' })
  @ApiRead()
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(GrantsQuery) query: z.infer<typeof GrantsQuery>,
  ) {
    return this.grants.list(principal, query);
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'One grant with its status now (active, not-yet-valid, expired, revoked)',
  })
  @ApiRead()
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.grants.get(principal, params.id);
    setETag(res, result.revision);
    return result.grant;
  }

  @Post(':id/revocation')
  @HttpCode(200)
  @RequirePermission('governance:grant:manage')
  @ApiOperation({ summary: 'Revoke a grant: the auditor is refused from the next request on' })
  @ApiCommand()
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.grants.revoke(
      principal,
      params.id,
      body.reason,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.grant;
  }
}

@ApiTags('certification body access')
@Controller('api/governance')
export class AccessLogController {
  constructor(private readonly log: AccessLogQueries) {}

  @Get('auditor-access-log')
  @RequirePermission('governance:access-log:read')
  @ApiOperation({
    summary:
      'Every request external auditors made (what they read, what was refused), oldest first; filter by grantId',
  })
  @ApiRead()
  @ApiProblemResponses(400)
  auditorReads(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(AccessLogQuery) query: z.infer<typeof AccessLogQuery>,
  ) {
    return this.log.list(principal, { ...query, principalKind: 'external-auditor' });
  }

  @Get('access-log')
  @RequirePermission('governance:access-log:read')
  @ApiOperation({
    summary: 'The whole access log: auditor reads and every denied request (`?outcome=denied`)',
  })
  @ApiRead()
  all(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(AccessLogQuery) query: z.infer<typeof AccessLogQuery>,
  ) {
    return this.log.list(principal, query);
  }
}
