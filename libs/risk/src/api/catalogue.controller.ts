import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import { ApiProblems, ApiQueryFrom, ValidBody, ValidQuery } from '@isms/platform-nest';
import { CatalogueService } from '../application/catalogue.service.js';
import { AddThreatBody, AddVulnerabilityBody, AsOfQuery } from './schemas.js';

@ApiTags('risk: threats and vulnerabilities')
@Controller('api/risk/catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get('threats')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'The threat catalogue: the default entries (TH-nn) and your tenant’s own',
  })
  @ApiQueryFrom(AsOfQuery)
  @ApiProblems(400)
  threats(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
  ) {
    return this.catalogue.list(principal, 'threat', query.asOf);
  }

  @Get('vulnerabilities')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'The vulnerability catalogue: the default entries (VU-nn) and your tenant’s own',
  })
  @ApiQueryFrom(AsOfQuery)
  @ApiProblems(400)
  vulnerabilities(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
  ) {
    return this.catalogue.list(principal, 'vulnerability', query.asOf);
  }

  @Post('threats')
  @HttpCode(201)
  @RequirePermission('risk:write')
  @ApiOperation({ summary: 'Add a threat of your own to the tenant’s catalogue' })
  @ApiCreatedResponse({ description: 'The new entry' })
  @ApiProblems(400, 422)
  async addThreat(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(AddThreatBody) body: z.infer<typeof AddThreatBody>,
  ) {
    return (await this.catalogue.addThreat(principal, body)).entry;
  }

  @Post('vulnerabilities')
  @HttpCode(201)
  @RequirePermission('risk:write')
  @ApiOperation({ summary: 'Add a vulnerability of your own to the tenant’s catalogue' })
  @ApiCreatedResponse({ description: 'The new entry' })
  @ApiProblems(400, 422)
  async addVulnerability(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(AddVulnerabilityBody) body: z.infer<typeof AddVulnerabilityBody>,
  ) {
    return (await this.catalogue.addVulnerability(principal, body)).entry;
  }
}
