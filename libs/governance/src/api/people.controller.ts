import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
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
import { PeopleService } from '../application/people.service.js';
import {
  BindRoleBody,
  BindingParams,
  IdParams,
  PeopleQuery,
  ReasonBody,
  RegisterPersonBody,
} from './schemas.js';

@ApiTags('people and roles')
@Controller('api/people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Post()
  @RequirePermission('governance:people:manage')
  @ApiOperation({
    summary:
      'Register a person (a member, or an external auditor of a certification body) under a home org unit',
  })
  @ApiCommand()
  async register(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(RegisterPersonBody) body: z.infer<typeof RegisterPersonBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.people.register(principal, body);
    setETag(res, result.revision);
    return result.person;
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: 'People whose home unit you may see (cursor pagination)' })
  @ApiRead()
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(PeopleQuery) query: z.infer<typeof PeopleQuery>,
  ) {
    return this.people.list(principal, query);
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One person with their role bindings' })
  @ApiRead()
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.people.get(principal, params.id);
    setETag(res, result.revision);
    return result.person;
  }

  @Post(':id/role-bindings')
  @RequirePermission('governance:people:manage')
  @ApiOperation({
    summary: 'Bind a role to the person on an org-unit subtree (takes effect at once)',
  })
  @ApiCommand()
  async bind(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(BindRoleBody) body: z.infer<typeof BindRoleBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.people.bindRole(principal, params.id, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.person;
  }

  @Post(':id/role-bindings/:bindingId/revocation')
  @HttpCode(200)
  @RequirePermission('governance:people:manage')
  @ApiOperation({ summary: 'Revoke a role binding (takes effect with the next request)' })
  @ApiCommand()
  async unbind(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(BindingParams) params: z.infer<typeof BindingParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.people.unbindRole(
      principal,
      params.id,
      params.bindingId,
      body.reason,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.person;
  }

  @Post(':id/deactivation')
  @HttpCode(200)
  @RequirePermission('governance:people:manage')
  @ApiOperation({
    summary: 'Deactivate a person: all their bindings are revoked, their tokens stop working',
  })
  @ApiCommand()
  async deactivate(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.people.deactivate(
      principal,
      params.id,
      body.reason,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.person;
  }
}
