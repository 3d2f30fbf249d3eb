import { Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import { ApiProblemResponses, ValidBody } from '@isms/platform-nest';
import { PlatformService } from '../application/platform.service.js';
import { CreateTenantBody } from './schemas.js';

@ApiTags('platform')
@ApiBearerAuth()
@Controller('api/tenants')
export class TenantsController {
  constructor(private readonly platform: PlatformService) {}

  @Post()
  @RequirePermission('platform:tenants:manage')
  @ApiOperation({
    summary:
      'Create a tenant (an enterprise group) with its root org unit and first group administrator',
  })
  @ApiProblemResponses(400, 401, 403)
  create(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(CreateTenantBody) body: z.infer<typeof CreateTenantBody>,
  ) {
    return this.platform.establishTenant(principal, body);
  }

  @Get()
  @RequirePermission('platform:tenants:manage')
  @ApiOperation({ summary: 'List tenants (platform administrators only)' })
  @ApiProblemResponses(401, 403)
  async list() {
    return { items: await this.platform.listTenants() };
  }
}
