import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { CurrentPrincipal, ExternalAuditorMayWrite, RequirePermission } from '@isms/auth';
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
import { EngagementsService } from '../application/engagements.service.js';
import {
  ActionPlanBody,
  AnswerEvidenceBody,
  AsOfQuery,
  AssessItemBody,
  CorrectionBody,
  CutOffBody,
  EngagementListQuery,
  EngagementParams,
  FindingParams,
  ImplementationBody,
  PlanEngagementBody,
  RaiseFindingBody,
  ReasonBody,
  ReportBody,
  RequestEvidenceBody,
  RequestParams,
  RootCauseBody,
  VerificationBody,
} from './schemas.js';

/**
 * Audit engagements (9.2): plan, run with a checklist, report, close; findings, evidence
 * requests and corrective actions (10.2) live in their engagement. Every write answers the
 * engagement with its ETag (= stream revision) and honours If-Match.
 */
@ApiTags('audit: engagements')
@Controller('api/audit/engagements')
export class EngagementsController {
  constructor(private readonly engagements: EngagementsService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('audit:write')
  @ApiOperation({
    summary: 'Plan an engagement: kind, scope, org units, auditors, dates, plan and checklist',
    description:
      'The checklist covers the selected clauses of 4–10 (all of them for stage 1, stage 2 and recertification) and controls (`allApplicableControls`: every control the SoA declares applicable); surveillance and recertification add the follow-up of earlier nonconformities, the internal audit and the management review.',
  })
  @ApiCreatedResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 422)
  async plan(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(PlanEngagementBody) body: z.infer<typeof PlanEngagementBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(res, await this.engagements.plan(principal, body));
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: 'Engagements you may see (filters, cursor pages, asOf)' })
  @ApiQueryFrom(EngagementListQuery)
  @ApiProblems(400)
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(EngagementListQuery) query: z.infer<typeof EngagementListQuery>,
  ) {
    return this.engagements.list(principal, query);
  }

  @Get(':engagementId')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One engagement with checklist, findings, evidence requests (asOf)' })
  @ApiQueryFrom(AsOfQuery)
  @ApiProblems(400, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EngagementParams) params: z.infer<typeof EngagementParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(res, await this.engagements.get(principal, params.engagementId, query.asOf));
  }

  @Get(':engagementId/frozen-view')
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'The view frozen at the engagement’s cut-off: SoA applicability and evidence as of cutOffAt',
  })
  @ApiProblems(404, 422)
  frozenView(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EngagementParams) params: z.infer<typeof EngagementParams>,
  ) {
    return this.engagements.frozenView(principal, params.engagementId);
  }

  @Post(':engagementId/start')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({ summary: 'Start a planned engagement' })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(404, 409, 422)
  async start(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EngagementParams) params: z.infer<typeof EngagementParams>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.start(principal, params.engagementId, ifMatchRevision(req)),
    );
  }

  @Post(':engagementId/checklist-results')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({ summary: 'Record the result of a checklist item (in progress)' })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async assess(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EngagementParams) params: z.infer<typeof EngagementParams>,
    @ValidBody(AssessItemBody) body: z.infer<typeof AssessItemBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.assess(principal, params.engagementId, body, ifMatchRevision(req)),
    );
  }

  @Post(':engagementId/cut-off')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({
    summary: 'Freeze the certification body’s view at a cut-off instant (with a reason)',
  })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async cutOff(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EngagementParams) params: z.infer<typeof EngagementParams>,
    @ValidBody(CutOffBody) body: z.infer<typeof CutOffBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.setCutOff(principal, params.engagementId, body, ifMatchRevision(req)),
    );
  }

  @Post(':engagementId/report')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({ summary: 'Report the engagement (summary and conclusion)' })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async report(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EngagementParams) params: z.infer<typeof EngagementParams>,
    @ValidBody(ReportBody) body: z.infer<typeof ReportBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.report(principal, params.engagementId, body, ifMatchRevision(req)),
    );
  }

  @Post(':engagementId/close')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({
    summary:
      'Close a reported engagement (422 open-major-nonconformity-blocks-closure while a major NC is open)',
  })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async close(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EngagementParams) params: z.infer<typeof EngagementParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.close(
        principal,
        params.engagementId,
        body.reason,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/findings')
  @HttpCode(200)
  @RequirePermission('audit:finding:raise')
  @ExternalAuditorMayWrite('audit:finding:raise')
  @ApiOperation({
    summary:
      'Raise a graded finding (internal auditors; external auditors in an engagement their grant covers)',
  })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async raiseFinding(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EngagementParams) params: z.infer<typeof EngagementParams>,
    @ValidBody(RaiseFindingBody) body: z.infer<typeof RaiseFindingBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.raiseFinding(
        principal,
        params.engagementId,
        body,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/findings/:findingId/close')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({
    summary:
      'Close a finding (a nonconformity after an effective corrective action), with a reason',
  })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async closeFinding(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(FindingParams) params: z.infer<typeof FindingParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.closeFinding(
        principal,
        params.engagementId,
        params.findingId,
        body.reason,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/findings/:findingId/correction')
  @HttpCode(200)
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Record the correction of a nonconformity (10.2 a)' })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async correction(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(FindingParams) params: z.infer<typeof FindingParams>,
    @ValidBody(CorrectionBody) body: z.infer<typeof CorrectionBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.recordCorrection(
        principal,
        params.engagementId,
        params.findingId,
        body.correction,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/findings/:findingId/root-cause')
  @HttpCode(200)
  @RequirePermission('controls:write')
  @ApiOperation({ summary: 'Record the root cause of a nonconformity (10.2 b)' })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async rootCause(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(FindingParams) params: z.infer<typeof FindingParams>,
    @ValidBody(RootCauseBody) body: z.infer<typeof RootCauseBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.recordRootCause(
        principal,
        params.engagementId,
        params.findingId,
        body.rootCause,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/findings/:findingId/corrective-action')
  @HttpCode(200)
  @RequirePermission('controls:write')
  @ApiOperation({
    summary: 'Plan the corrective action (owner, due date) after correction and root cause',
  })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async planAction(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(FindingParams) params: z.infer<typeof FindingParams>,
    @ValidBody(ActionPlanBody) body: z.infer<typeof ActionPlanBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.planCorrectiveAction(
        principal,
        params.engagementId,
        params.findingId,
        body,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/findings/:findingId/corrective-action/implementation')
  @HttpCode(200)
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Record the implementation of the corrective action (its owner, or the auditee)',
  })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async implement(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(FindingParams) params: z.infer<typeof FindingParams>,
    @ValidBody(ImplementationBody) body: z.infer<typeof ImplementationBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.implementCorrectiveAction(
        principal,
        params.engagementId,
        params.findingId,
        body.implementation,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/findings/:findingId/corrective-action/verification')
  @HttpCode(200)
  @RequirePermission('audit:write')
  @ApiOperation({
    summary:
      'Verify the effectiveness of the corrective action: an auditor’s decision with its reason',
  })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async verify(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(FindingParams) params: z.infer<typeof FindingParams>,
    @ValidBody(VerificationBody) body: z.infer<typeof VerificationBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.verifyCorrectiveAction(
        principal,
        params.engagementId,
        params.findingId,
        body,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/evidence-requests')
  @HttpCode(200)
  @RequirePermission('audit:finding:raise')
  @ExternalAuditorMayWrite('audit:finding:raise')
  @ApiOperation({ summary: 'Ask the auditee for evidence on a clause or control' })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async requestEvidence(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(EngagementParams) params: z.infer<typeof EngagementParams>,
    @ValidBody(RequestEvidenceBody) body: z.infer<typeof RequestEvidenceBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.requestEvidence(
        principal,
        params.engagementId,
        body,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/evidence-requests/:requestId/answer')
  @HttpCode(200)
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Answer an evidence request with evidence records (the person asked, or the auditee)',
  })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async answer(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RequestParams) params: z.infer<typeof RequestParams>,
    @ValidBody(AnswerEvidenceBody) body: z.infer<typeof AnswerEvidenceBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.answerEvidenceRequest(
        principal,
        params.engagementId,
        params.requestId,
        body,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/evidence-requests/:requestId/accept')
  @HttpCode(200)
  @RequirePermission('audit:finding:raise')
  @ExternalAuditorMayWrite('audit:finding:raise')
  @ApiOperation({ summary: 'Accept the evidence given (with a reason)' })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async accept(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RequestParams) params: z.infer<typeof RequestParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.decideEvidence(
        principal,
        params.engagementId,
        params.requestId,
        true,
        body.reason,
        ifMatchRevision(req),
      ),
    );
  }

  @Post(':engagementId/evidence-requests/:requestId/flag')
  @HttpCode(200)
  @RequirePermission('audit:finding:raise')
  @ExternalAuditorMayWrite('audit:finding:raise')
  @ApiOperation({
    summary: 'Flag the evidence given as insufficient (with a reason): the owner answers again',
  })
  @ApiOkResponse({ description: 'The engagement; ETag = revision' })
  @ApiProblems(400, 404, 409, 422)
  async flag(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RequestParams) params: z.infer<typeof RequestParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.send(
      res,
      await this.engagements.decideEvidence(
        principal,
        params.engagementId,
        params.requestId,
        false,
        body.reason,
        ifMatchRevision(req),
      ),
    );
  }

  private send(res: Response, result: { engagement: unknown; revision: number }) {
    setETag(res, result.revision);
    return result.engagement;
  }
}
