import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Authenticated, CurrentPrincipal, Public } from '@isms/auth';
import type { Principal } from '@isms/auth';
import { ApiProblemResponses, ValidBody } from '@isms/platform-nest';
import { IdentityService } from '../application/identity.service.js';
import { IssueTokenBody, SetupBody } from './schemas.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Post('setup')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Trade the one-time setup code printed at first start for the platform administrator’s token',
    description:
      'Works once. Afterwards get tokens with `npm run token` on the server or POST /api/auth/tokens.',
  })
  @ApiProblemResponses(400, 401, 404, 410)
  setup(@ValidBody(SetupBody) body: z.infer<typeof SetupBody>) {
    return this.identity.setup(body.setupCode);
  }

  @Post('tokens')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Issue a bearer token (embedded mode)',
    description:
      'Without personId: a fresh token for yourself. With personId: a group administrator (people:manage on ' +
      'the person’s home unit) issues a token for that person; the platform administrator for a tenant’s ' +
      'group administrator. Every token issued for a tenant member is recorded in the access log.',
  })
  @ApiProblemResponses(400, 401, 403, 404, 422)
  issue(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(IssueTokenBody) body: z.infer<typeof IssueTokenBody>,
  ) {
    return this.identity.issue(principal, body);
  }

  @Get('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who am I: role bindings with their permissions, or access grants' })
  @ApiProblemResponses(401)
  me(@CurrentPrincipal() principal: Principal) {
    return this.identity.me(principal);
  }
}
