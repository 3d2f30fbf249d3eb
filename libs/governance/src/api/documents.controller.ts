import {
  Controller,
  Get,
  HttpCode,
  Patch,
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
  parseOrThrow,
  ProblemError,
  setETag,
  ValidBody,
  ValidParams,
  ValidQuery,
} from '@isms/platform-nest';
import { ALLOWED_DOCUMENT_TYPES } from '../application/document-content-store.js';
import { DocumentsService } from '../application/documents.service.js';
import {
  AddVersionFields,
  ApproveVersionBody,
  AsOfQuery,
  ChangeDocumentBody,
  DocumentsQuery,
  IdParams,
  ReasonBody,
  RegisterDocumentBody,
  ReviewDocumentBody,
  VersionParams,
} from './schemas.js';
import { UploadErrorsInterceptor } from './upload.js';
import type { MultipartFile } from './upload.js';

@ApiTags('document register')
@Controller('api/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post()
  @RequirePermission('governance:document:manage')
  @ApiOperation({
    summary:
      'Register a controlled document: owner, org unit, the mandatory documented-information types it serves, review interval',
  })
  @ApiCommand()
  async register(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(RegisterDocumentBody) body: z.infer<typeof RegisterDocumentBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.documents.register(principal, body);
    setETag(res, result.revision);
    return result.document;
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'The register: filter by mandatory type, scope, status, or `reviewDueBefore=YYYY-MM-DD` (what expires soon)',
  })
  @ApiRead()
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(DocumentsQuery) query: z.infer<typeof DocumentsQuery>,
  ) {
    return this.documents.list(principal, query);
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'One document: versions with SHA-256, approvals, review dates; `?asOf=` for the past',
  })
  @ApiRead()
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.documents.get(principal, params.id, query.asOf);
    setETag(res, result.revision);
    return result.document;
  }

  @Patch(':id')
  @RequirePermission('governance:document:manage')
  @ApiOperation({ summary: 'Change title, owner, mandatory types, scopes or review interval' })
  @ApiCommand()
  async change(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ChangeDocumentBody) body: z.infer<typeof ChangeDocumentBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.documents.changeDetails(
      principal,
      params.id,
      body,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.document;
  }

  @Post(':id/versions')
  @RequirePermission('governance:document:manage')
  @UseInterceptors(
    UploadErrorsInterceptor,
    FileInterceptor('file', { limits: { files: 1, fields: 4, parts: 5 } }),
  )
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'changeSummary'],
      properties: {
        file: {
          type: 'string',
          format: 'binary',
          description: `One of: ${Object.values(ALLOWED_DOCUMENT_TYPES).join(', ')}`,
        },
        changeSummary: { type: 'string', maxLength: 2000 },
      },
    },
  })
  @ApiOperation({
    summary:
      'Upload a new version (multipart `file` + `changeSummary`); its SHA-256 is recorded in the event',
  })
  @ApiCommand()
  @ApiProblemResponses(413, 415)
  async addVersion(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @UploadedFile() file: MultipartFile | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const fields = parseOrThrow(AddVersionFields, req.body ?? {}, 'body');
    if (file && file.size > this.documents.uploadPolicy.maxBytes) {
      throw new ProblemError(
        413,
        'payload-too-large',
        'Payload too large',
        `Documents may be at most ${this.documents.uploadPolicy.maxBytes} bytes.`,
        { errors: [{ field: 'body.file', message: 'too large', code: 'too_large' }] },
      );
    }
    const result = await this.documents.addVersion(
      principal,
      params.id,
      file
        ? { originalName: file.originalname, mimeType: file.mimetype, content: file.buffer }
        : undefined,
      fields.changeSummary,
      ifMatchRevision(req),
    );
    res.status(201);
    setETag(res, result.revision);
    return result.document;
  }

  @Get(':id/versions/:version/content')
  @RequirePermission('read')
  @ApiProduces(...Object.keys(ALLOWED_DOCUMENT_TYPES))
  @ApiOperation({ summary: 'Download a version’s content, checked against its recorded SHA-256' })
  @ApiRead()
  async content(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(VersionParams) params: z.infer<typeof VersionParams>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const file = await this.documents.content(principal, params.id, params.version);
    res.setHeader('X-Content-SHA256', file.sha256);
    return new StreamableFile(file.content, {
      type: file.contentType,
      disposition: `attachment; filename="${file.fileName.replace(/["\\]/g, '_')}"`,
      length: file.content.length,
    });
  }

  @Post(':id/versions/:version/approval')
  @HttpCode(200)
  @RequirePermission('governance:document:approve')
  @ApiOperation({
    summary:
      'Approve a version (puts it in force, sets the next review); the information security policy needs CISO or group admin',
  })
  @ApiCommand()
  async approve(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(VersionParams) params: z.infer<typeof VersionParams>,
    @ValidBody(ApproveVersionBody) body: z.infer<typeof ApproveVersionBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.documents.approveVersion(
      principal,
      params.id,
      params.version,
      body,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.document;
  }

  @Post(':id/reviews')
  @HttpCode(200)
  @RequirePermission('governance:document:approve')
  @ApiOperation({ summary: 'Record a review of the version in force and the next review date' })
  @ApiCommand()
  async review(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReviewDocumentBody) body: z.infer<typeof ReviewDocumentBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.documents.review(principal, params.id, body, ifMatchRevision(req));
    setETag(res, result.revision);
    return result.document;
  }

  @Post(':id/withdrawal')
  @HttpCode(200)
  @RequirePermission('governance:document:manage')
  @ApiOperation({ summary: 'Withdraw a document (kept for history)' })
  @ApiCommand()
  async withdraw(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(IdParams) params: z.infer<typeof IdParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.documents.withdraw(
      principal,
      params.id,
      body.reason,
      ifMatchRevision(req),
    );
    setETag(res, result.revision);
    return result.document;
  }
}
