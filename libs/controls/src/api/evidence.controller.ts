import {
  Controller,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import {
  ApiCommand,
  ApiProblemResponses,
  ApiRead,
  ifMatchRevision,
  openApiSchema,
  parseOrThrow,
  RequestValidationError,
  setETag,
  ValidBody,
  ValidParams,
  ValidQuery,
} from '@isms/platform-nest';
import { EvidenceService } from '../application/evidence.service.js';
import {
  EVIDENCE_CONTENT_TYPES,
  EVIDENCE_MAX_BYTES,
} from '../domain/evidence-record/evidence-record.js';
import {
  EvidenceMetadata,
  EvidenceQuery,
  ExpiredEvidenceQuery,
  IdParams,
  LinkBody,
  ReasonBody,
  UnlinkBody,
} from './schemas.js';
import { EvidenceUploadErrorsInterceptor } from './upload.js';
import type { MultipartFile } from './upload.js';

@ApiTags('evidence')
@Controller('api/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Post()
  @RequirePermission('controls:write')
  @UseInterceptors(
    EvidenceUploadErrorsInterceptor,
    FileInterceptor('file', {
      limits: { fileSize: EVIDENCE_MAX_BYTES, files: 1, fields: 1, parts: 2 },
    }),
  )
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'metadata'],
      properties: {
        file: {
          type: 'string',
          format: 'binary',
          description: `At most ${EVIDENCE_MAX_BYTES} bytes, one of: ${EVIDENCE_CONTENT_TYPES.join(', ')}`,
        },
        metadata: { ...openApiSchema(EvidenceMetadata), description: 'JSON' },
      },
    },
  })
  @ApiOperation({
    summary:
      'Upload evidence (multipart `file` + JSON `metadata`): title, type, source, collected-at, valid-until, controls; its SHA-256 is recorded',
  })
  @ApiCommand()
  @ApiProblemResponses(413, 415)
  async upload(
    @CurrentPrincipal() principal: Principal,
    @UploadedFile() file: MultipartFile | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const raw = (req.body as { metadata?: unknown } | undefined)?.metadata;
    let json: unknown;
    try {
      json = typeof raw === 'string' ? JSON.parse(raw) : undefined;
    } catch {
      throw new RequestValidationError([
        { field: 'body.metadata', message: 'metadata must be a JSON object', code: 'invalid_json' },
      ]);
    }
    const metadata = parseOrThrow(EvidenceMetadata, json, 'body.metadata');
    const result = await this.evidence.record(
      principal,
      metadata,
      file
        ? { originalName: file.originalname, mimeType: file.mimetype, content: file.buffer }
        : undefined,
    );
    res.status(201);
    setETag(res, result.revision);
    return result.evidence;
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'Evidence you may see; by scope, by control (`catalogueId` + `controlId`), `expired=true`, or `expiringWithinDays=30`',
  })
  @ApiRead()
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(EvidenceQuery) query: z.infer<typeof EvidenceQuery>,
  ) {
    return this.evidence.list(principal, query);
  }

  @Get('expired')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Expired evidence (valid-until before today), or expiring within `withinDays`',
  })
  @ApiRead()
  expired(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(ExpiredEvidenceQuery) query: z.infer<typeof ExpiredEvidenceQuery>,
  ) {
    const { withinDays, ...rest } = query;
    return this.evidence.list(principal, {
      ...rest,
      ...(withinDays !== undefined ? { expiringWithinDays: withinDays } : { expired: true }),
    });
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One evidence record' })
  @ApiRead()
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.evidence.get(principal, params.id);
    setETag(res, result.revision);
    return result.evidence;
  }

  @Get(':id/content')
  @RequirePermission('read')
  @ApiProduces(...EVIDENCE_CONTENT_TYPES)
  @ApiOperation({ summary: 'Download the file, checked against the SHA-256 recorded at upload' })
  @ApiRead()
  async content(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const file = await this.evidence.content(principal, params.id);
    res.setHeader('X-Content-SHA256', file.sha256);
    return new StreamableFile(file.content, {
      type: file.contentType,
      disposition: `attachment; filename="${file.fileName.replace(/["\\]/g, '_')}"`,
      length: file.content.length,
    });
  }

  @Post(':id/links')
  @HttpCode(200)
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Link the evidence to another control' })
  @ApiCommand()
  async link(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(LinkBody) body: z.infer<typeof LinkBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.evidence.link(principal, params.id, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.evidence;
  }

  @Post(':id/unlinks')
  @HttpCode(200)
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Unlink the evidence from a control, with a reason' })
  @ApiCommand()
  async unlink(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(UnlinkBody) body: z.infer<typeof UnlinkBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.evidence.unlink(principal, params.id, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.evidence;
  }

  @Post(':id/withdrawal')
  @HttpCode(200)
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Withdraw the evidence, with a reason' })
  @ApiCommand()
  async withdraw(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.evidence.withdraw(principal, params.id, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.evidence;
  }
}
