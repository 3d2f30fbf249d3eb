import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import { ApiProblems, ApiQueryFrom, ValidBody, ValidParams, ValidQuery } from '@isms/platform-nest';
import { CertificatesService } from '../application/certificates.service.js';
import type { CertificateDecisionKind } from '../application/certificates.service.js';
import {
  CertificateListQuery,
  CertificateParams,
  IssueCertificateBody,
  ReasonBody,
} from './schemas.js';

@ApiTags('audit: certification')
@Controller('api/audit/certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('audit:write')
  @ApiOperation({
    summary: 'Record the certificate a certification body issued for an ISMS scope',
    description:
      'After a reported (or closed) stage 2 or recertification engagement of the scope with no open major nonconformity. Valid at most three years; one certificate in force per scope — a recertification supersedes it (supersedesCertificateId).',
  })
  @ApiCreatedResponse({ description: 'The certificate with its standing today' })
  @ApiProblems(400, 403, 404, 422)
  issue(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(IssueCertificateBody) body: z.infer<typeof IssueCertificateBody>,
  ) {
    return this.certificates.issue(principal, body);
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Certificates you may see (per scope), with their standing at asOf or now',
    description:
      'standing: in-force, not-yet-valid, suspended, withdrawn, superseded or expired (the day after validUntil).',
  })
  @ApiQueryFrom(CertificateListQuery)
  @ApiProblems(400, 403, 404)
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(CertificateListQuery) query: z.infer<typeof CertificateListQuery>,
  ) {
    return this.certificates.list(principal, query);
  }

  @Post(':certificateId/suspension')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({ summary: 'Record that the certification body suspended the certificate' })
  @ApiOkResponse({ description: 'The certificate' })
  @ApiProblems(400, 403, 404, 422)
  suspend(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(CertificateParams) params: z.infer<typeof CertificateParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
  ) {
    return this.decide(principal, params.certificateId, 'suspension', body.reason);
  }

  @Post(':certificateId/reinstatement')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({ summary: 'Record that the certification body lifted the suspension' })
  @ApiOkResponse({ description: 'The certificate' })
  @ApiProblems(400, 403, 404, 422)
  reinstate(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(CertificateParams) params: z.infer<typeof CertificateParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
  ) {
    return this.decide(principal, params.certificateId, 'reinstatement', body.reason);
  }

  @Post(':certificateId/withdrawal')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({ summary: 'Record that the certification body withdrew the certificate' })
  @ApiOkResponse({ description: 'The certificate' })
  @ApiProblems(400, 403, 404, 422)
  withdraw(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(CertificateParams) params: z.infer<typeof CertificateParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
  ) {
    return this.decide(principal, params.certificateId, 'withdrawal', body.reason);
  }

  private decide(
    principal: Principal,
    certificateId: string,
    kind: CertificateDecisionKind,
    reason: string,
  ) {
    return this.certificates.decide(principal, certificateId, kind, reason);
  }
}
