import { Controller, Get, HttpCode, Post, Put, Req, Res } from '@nestjs/common';
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
import { RisksService } from '../application/risks.service.js';
import {
  ActionParams,
  AsOfQuery,
  ChangeScopeBody,
  CompleteActionBody,
  HeatMapQuery,
  IdentifyRiskBody,
  InherentAssessmentBody,
  ReasonBody,
  ReassignOwnerBody,
  RegisterListQuery,
  ResidualAssessmentBody,
  ReviewBody,
  ReviseScenarioBody,
  RiskParams,
  TreatmentDecisionBody,
  TreatmentPlanBody,
} from './schemas.js';

type Result = { risk: unknown; revision: number };

function answer(res: Response, result: Result) {
  setETag(res, result.revision);
  return result.risk;
}

const WRITE_ERRORS = [400, 404, 409, 422] as const;

@ApiTags('risk: register')
@Controller('api/risk')
export class RisksController {
  constructor(private readonly risks: RisksService) {}

  @Post('risks')
  @HttpCode(201)
  @RequirePermission('risk:write')
  @ApiOperation({
    summary: 'Identify a risk',
    description:
      'A scenario: assets exposed to a threat (code) through a vulnerability (code), with an owner, an org unit and an ISMS scope.',
  })
  @ApiCreatedResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(400, 422)
  async identify(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(IdentifyRiskBody) body: z.infer<typeof IdentifyRiskBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(res, await this.risks.identify(principal, body));
  }

  @Get('risks')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'The risk register you may see',
    description:
      'Filters: subtree (orgUnitId), scope, current level, status, owner, acceptance status, treatment, above appetite, overdue actions or reviews, linked control; closed risks only with includeClosed or status=closed. `?asOf=` answers from history (overdue is judged on that day).',
  })
  @ApiQueryFrom(RegisterListQuery)
  @ApiProblems(400, 422)
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(RegisterListQuery) query: z.infer<typeof RegisterListQuery>,
  ) {
    const { overdue, ...rest } = query;
    return this.risks.list(principal, {
      ...rest,
      ...(overdue === 'actions' ? { overdueActions: true } : {}),
      ...(overdue === 'review' ? { overdueReview: true } : {}),
    });
  }

  @Get('heat-map')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Heat map: open risks per likelihood × impact cell and per level',
    description:
      '`basis`: current (residual once assessed, else inherent), inherent or residual. `grid` is the methodology in force for orgUnitId (or the tenant root).',
  })
  @ApiQueryFrom(HeatMapQuery)
  @ApiProblems(400, 422)
  heatMap(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(HeatMapQuery) query: z.infer<typeof HeatMapQuery>,
  ) {
    return this.risks.heatMap(principal, query);
  }

  @Get('risks/:riskId')
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'One risk with its ratings, treatment, plan, acceptance (and whether it needs re-approval)',
  })
  @ApiQueryFrom(AsOfQuery)
  @ApiProblems(400, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(res, await this.risks.get(principal, params.riskId, query.asOf));
  }

  @Get('risks/:riskId/history')
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'Every decision on the risk, with who, why and when, and whether its hash chain verifies',
  })
  @ApiQueryFrom(AsOfQuery)
  @ApiProblems(400, 404)
  history(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
  ) {
    return this.risks.history(principal, params.riskId, query.asOf);
  }

  @Post('risks/:riskId/scenario')
  @HttpCode(200)
  @RequirePermission('risk:write')
  @ApiOperation({
    summary:
      'Revise the scenario (assets, threat, vulnerability); a material change needs re-approval',
  })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async revise(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidBody(ReviseScenarioBody) body: z.infer<typeof ReviseScenarioBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.reviseScenario(principal, params.riskId, body, ifMatchRevision(req)),
    );
  }

  @Post('risks/:riskId/owner')
  @HttpCode(200)
  @RequirePermission('risk:write')
  @ApiOperation({ summary: 'Hand the risk to another owner, with a reason' })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async reassign(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidBody(ReassignOwnerBody) body: z.infer<typeof ReassignOwnerBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.reassignOwner(principal, params.riskId, body, ifMatchRevision(req)),
    );
  }

  @Post('risks/:riskId/scope')
  @HttpCode(200)
  @RequirePermission('risk:write')
  @ApiOperation({
    summary: 'Move the risk to another ISMS scope, with a reason (needs re-approval)',
  })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async changeScope(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidBody(ChangeScopeBody) body: z.infer<typeof ChangeScopeBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.changeScope(principal, params.riskId, body, ifMatchRevision(req)),
    );
  }

  @Post('risks/:riskId/inherent-assessment')
  @HttpCode(200)
  @RequirePermission('risk:write')
  @ApiOperation({
    summary:
      'Rate the inherent risk (likelihood × impact on the methodology in force, existing controls)',
    description:
      'Re-rating an accepted risk goes through and marks its acceptance "needs re-approval".',
  })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async assessInherent(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidBody(InherentAssessmentBody) body: z.infer<typeof InherentAssessmentBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.assessInherent(principal, params.riskId, body, ifMatchRevision(req)),
    );
  }

  @Post('risks/:riskId/treatment-decision')
  @HttpCode(200)
  @RequirePermission('risk:write')
  @ApiOperation({
    summary: 'Decide the treatment: modify, avoid, share or retain, with its justification',
  })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async decideTreatment(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidBody(TreatmentDecisionBody) body: z.infer<typeof TreatmentDecisionBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.decideTreatment(principal, params.riskId, body, ifMatchRevision(req)),
    );
  }

  @Put('risks/:riskId/treatment-plan')
  @RequirePermission('risk:write')
  @ApiOperation({
    summary:
      'Set the treatment plan: actions (owner, due date) and linked controls ({ catalogueId, controlId })',
    description:
      'Replaces the plan with a new version. Keep an action’s `actionId` to carry it (and its completion) over.',
  })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async plan(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidBody(TreatmentPlanBody) body: z.infer<typeof TreatmentPlanBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.planTreatment(principal, params.riskId, body, ifMatchRevision(req)),
    );
  }

  @Post('risks/:riskId/treatment-plan/actions/:actionId/complete')
  @HttpCode(200)
  @RequirePermission('risk:write')
  @ApiOperation({ summary: 'Record that a treatment action is done' })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async completeAction(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ActionParams) params: z.infer<typeof ActionParams>,
    @ValidBody(CompleteActionBody) body: z.infer<typeof CompleteActionBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.completeAction(
        principal,
        params.riskId,
        params.actionId,
        body.note,
        ifMatchRevision(req),
      ),
    );
  }

  @Post('risks/:riskId/residual-assessment')
  @HttpCode(200)
  @RequirePermission('risk:write')
  @ApiOperation({
    summary: 'Rate the residual risk once the treatment is decided (and planned, unless retained)',
  })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async assessResidual(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidBody(ResidualAssessmentBody) body: z.infer<typeof ResidualAssessmentBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.assessResidual(principal, params.riskId, body, ifMatchRevision(req)),
    );
  }

  @Post('risks/:riskId/acceptance')
  @HttpCode(200)
  @RequirePermission('risk:accept')
  @ApiOperation({
    summary: 'Accept the residual risk (6.1.3 f), with a reason',
    description:
      'Within appetite: the risk’s own owner. Above it: only a person holding the role the acceptance criteria name for that level (e.g. ciso for "high"). The acceptance records a SHA-256 digest of the exact material state it approves; a later material change, a linked control tested ineffective or a new version of the risk’s ISMS scope marks it "needs-re-approval".',
  })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async accept(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.accept(principal, params.riskId, body.reason, ifMatchRevision(req)),
    );
  }

  @Post('risks/:riskId/reviews')
  @HttpCode(200)
  @RequirePermission('risk:write')
  @ApiOperation({
    summary: 'Record a review of the risk (8.2); the next review is due by its level',
  })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async review(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidBody(ReviewBody) body: z.infer<typeof ReviewBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.review(principal, params.riskId, body.notes, ifMatchRevision(req)),
    );
  }

  @Post('risks/:riskId/close')
  @HttpCode(200)
  @RequirePermission('risk:write')
  @ApiOperation({ summary: 'Close the risk, with a reason (kept for history)' })
  @ApiOkResponse({ description: 'The register entry; ETag = revision' })
  @ApiProblems(...WRITE_ERRORS)
  async close(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(RiskParams) params: z.infer<typeof RiskParams>,
    @ValidBody(ReasonBody) body: z.infer<typeof ReasonBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.risks.close(principal, params.riskId, body.reason, ifMatchRevision(req)),
    );
  }
}
