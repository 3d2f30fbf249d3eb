import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '@isms/auth';
import type { Principal } from '@isms/auth';
import { ApiProblems, ApiQueryFrom, ValidParams, ValidQuery } from '@isms/platform-nest';
import { render } from '../application/exports.js';
import type { ExportTable } from '../application/exports.js';
import { ReportingService } from '../application/reporting.service.js';
import {
  AsOfQuery,
  ChangedSinceQuery,
  ConsolidationQuery,
  DecisionLogQuery,
  DecisionVerificationQuery,
  ManagementReviewQuery,
  ProjectionParams,
  RebuildQuery,
  RiskRegisterQuery,
  ScopeParams,
  SoaQuery,
} from './schemas.js';

const SPREADSHEETS = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

async function download(res: Response, table: ExportTable, format: 'csv' | 'xlsx') {
  const file = await render(table, format);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
  res.send(file.body);
}

@ApiTags('reporting')
@Controller('api/reporting')
export class ReportingController {
  constructor(private readonly reporting: ReportingService) {}

  @Get('consolidation')
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'Group consolidation: every count rolled up over an org unit’s subtree, per child unit',
    description:
      'Risks by level and status, above appetite, overdue treatment actions and reviews, stale acceptances, SoA implementation progress and SoAs awaiting approval, ineffective controls and overdue tests, expired evidence, and which units are inside an approved ISMS scope. `children` drill down (pass a child’s orgUnitId). `?asOf=` rebuilds it from history and judges "overdue" on that day.',
  })
  @ApiOkResponse({ description: 'The roll-up of the unit, its own entities and each child' })
  @ApiQueryFrom(ConsolidationQuery)
  @ApiProblems(400, 404)
  consolidation(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(ConsolidationQuery) query: z.infer<typeof ConsolidationQuery>,
  ) {
    return this.reporting.consolidation(principal, query);
  }

  @Get('scopes/:scopeId/readiness')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Certification readiness: the fifteen mandatory types of documented information',
    description:
      'Each type present, stale (approval missing, review date passed, records overdue) or missing, with the documents and platform records that make it so.',
  })
  @ApiQueryFrom(AsOfQuery)
  @ApiProblems(400, 404)
  async readiness(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidQuery(AsOfQuery) query: z.infer<typeof AsOfQuery>,
  ) {
    return this.reporting.readiness(principal, params.scopeId, query.asOf);
  }

  @Get('scopes/:scopeId/soa')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'The SoA report of a scope (json, csv or xlsx)',
    description:
      'Every control line with applicability, justification, implementation status, linked risks, last test result and evidence; the approval state.',
  })
  @ApiProduces('application/json', ...SPREADSHEETS)
  @ApiQueryFrom(SoaQuery)
  @ApiProblems(400, 404)
  async soa(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidQuery(SoaQuery) query: z.infer<typeof SoaQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (query.format === 'json') return this.reporting.soa(principal, params.scopeId, query.asOf);
    await download(
      res,
      await this.reporting.soaTable(principal, params.scopeId, query.asOf),
      query.format,
    );
    return undefined;
  }

  @Get('scopes/:scopeId/risk-register')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'The risk register of a scope with its heat map (json, csv or xlsx)',
  })
  @ApiProduces('application/json', ...SPREADSHEETS)
  @ApiQueryFrom(RiskRegisterQuery)
  @ApiProblems(400, 404)
  async riskRegister(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidQuery(RiskRegisterQuery) query: z.infer<typeof RiskRegisterQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { format, ...options } = query;
    if (format === 'json') return this.reporting.riskRegister(principal, params.scopeId, options);
    await download(res, await this.reporting.riskTable(principal, params.scopeId, options), format);
    return undefined;
  }

  @Get('scopes/:scopeId/changed-since')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'What changed in a scope between two instants (e.g. the last audit and now)',
    description:
      'Risks added, removed or re-rated; SoA lines changed; controls whose effectiveness degraded; acceptances that need re-approval or whose review lapsed; documents whose review lapsed; evidence that expired.',
  })
  @ApiQueryFrom(ChangedSinceQuery)
  @ApiProblems(400, 404)
  changedSince(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidQuery(ChangedSinceQuery) query: z.infer<typeof ChangedSinceQuery>,
  ) {
    return this.reporting.changedSince(principal, params.scopeId, query.since, query.until);
  }

  @Get('scopes/:scopeId/management-review')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Management review pack (9.3.2 inputs) for a scope and a period' })
  @ApiQueryFrom(ManagementReviewQuery)
  @ApiProblems(400, 404)
  managementReview(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ScopeParams) params: z.infer<typeof ScopeParams>,
    @ValidQuery(ManagementReviewQuery) query: z.infer<typeof ManagementReviewQuery>,
  ) {
    return this.reporting.managementReview(
      principal,
      params.scopeId,
      { from: query.from, to: query.to },
      query.asOf,
    );
  }

  @Get('decisions')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'The decision log: who decided what, when and why, with hash-chain verification',
    description:
      'Newest first, cursor-paginated. Filters: scope, org unit (subtree), person, event type, context, period. Each entry says whether its stream’s hash chain verifies up to it. format=csv|xlsx exports every page.',
  })
  @ApiProduces('application/json', ...SPREADSHEETS)
  @ApiQueryFrom(DecisionLogQuery)
  @ApiProblems(400, 404)
  async decisions(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(DecisionLogQuery) query: z.infer<typeof DecisionLogQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { format, ...filters } = query;
    if (format === 'json') return this.reporting.decisionLog(principal, filters);
    const { limit: _limit, cursor: _cursor, ...all } = filters;
    await download(res, await this.reporting.decisionTable(principal, all), format);
    return undefined;
  }

  @Get('decisions/verification')
  @RequirePermission('read')
  @ApiOperation({
    summary: 'Verify the hash chain behind every decision you may see (same filters as the log)',
    description:
      'Recomputes the SHA-256 chain of each stream holding a matching decision, from what is stored, and names the first event that does not verify.',
  })
  @ApiQueryFrom(DecisionVerificationQuery)
  @ApiProblems(400, 404)
  verifyDecisions(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(DecisionVerificationQuery) query: z.infer<typeof DecisionVerificationQuery>,
  ) {
    return this.reporting.verifyDecisionLog(principal, query);
  }

  @Get('projections')
  @RequirePermission('governance:structure:manage')
  @ApiOperation({
    summary: 'Reporting read models: state, checkpoint and lag (group administrators)',
  })
  @ApiProblems()
  projections(@CurrentPrincipal() principal: Principal) {
    return this.reporting.projectionStatus(principal);
  }

  @Post('projections/:name/rebuild')
  @HttpCode(200)
  @RequirePermission('governance:structure:manage')
  @ApiOperation({
    summary: 'Rebuild a reporting read model from the first event (group administrators)',
    description:
      '200 once the replay has reached the head, 202 if it is still replaying after `waitSeconds` (follow it in `GET /api/reporting/projections`: state `rebuilding`, lag). Commands do not wait for a read model being rebuilt.',
  })
  @ApiOkResponse({ description: 'Rebuilt: the replay reached the head (`rebuiltInMs`)' })
  @ApiAcceptedResponse({ description: 'Still replaying; the read model shows its progress' })
  @ApiQueryFrom(RebuildQuery)
  @ApiProblems(400, 404, 503)
  async rebuild(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ProjectionParams) params: z.infer<typeof ProjectionParams>,
    @ValidQuery(RebuildQuery) query: z.infer<typeof RebuildQuery>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const outcome = await this.reporting.rebuild(principal, params.name, query.waitSeconds * 1000);
    if (!outcome.rebuilt) res.status(202);
    return outcome;
  }
}
