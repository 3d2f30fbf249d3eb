import { Controller, Get, HttpCode, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import {
  ApiProblems,
  ApiQueryFrom,
  ifMatchRevision,
  setETag,
  ValidBody,
  ValidParams,
  ValidQuery,
} from '@isms/platform-nest';
import { AssetsService } from '../application/assets.service.js';
import {
  AssetListQuery,
  AssetParams,
  AsOfQuery,
  ReasonBody,
  RegisterAssetBody,
  UpdateAssetBody,
} from './schemas.js';

@ApiTags('risk: assets')
@Controller('api/risk/assets')
export class AssetsController {
  constructor(private readonly assets: AssetsService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('risk:write')
  @ApiOperation({
    summary: 'Register an asset in the inventory',
    description:
      'Information, software, hardware, service, people, site or process, with its owner, org unit, classification and confidentiality/integrity/availability requirements.',
  })
  @ApiCreatedResponse({ description: 'The asset; ETag = revision' })
  @ApiProblems(400, 422)
  async register(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(RegisterAssetBody) body: z.infer<typeof RegisterAssetBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.assets.register(principal, body);
    setETag(res, result.revision);
    return result.asset;
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: 'The asset inventory you may see (filters, cursor pages, asOf)' })
  @ApiQueryFrom(AssetListQuery)
  @ApiProblems(400, 422)
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(AssetListQuery) query: z.infer<typeof AssetListQuery>,
  ) {
    return this.assets.list(principal, query);
  }

  @Get(':assetId')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One asset (ETag = revision)' })
  @ApiQueryFrom(AsOfQuery)
  @ApiProblems(400, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AssetParams) params: z.infer<typeof AssetParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.assets.get(principal, params.assetId, query.asOf);
    setETag(res, result.revision);
    return result.asset;
  }

  @Patch(':assetId')
  @RequirePermission('risk:write')
  @ApiOperation({ summary: 'Change an asset’s details (If-Match: its ETag)' })
  @ApiOkResponse({ description: 'The asset; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async update(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AssetParams) params: z.infer<typeof AssetParams>,
    @ValidBody(UpdateAssetBody) body: z.infer<typeof UpdateAssetBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.assets.update(principal, params.assetId, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.asset;
  }

  @Post(':assetId/retire')
  @HttpCode(200)
  @RequirePermission('risk:write')
  @ApiOperation({ summary: 'Retire an asset (kept for history), with a reason' })
  @ApiOkResponse({ description: 'The retired asset; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async retire(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(AssetParams) params: z.infer<typeof AssetParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.assets.retire(
      principal,
      params.assetId,
      body.reason,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.asset;
  }
}
