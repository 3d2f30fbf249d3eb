import { Injectable } from '@nestjs/common';
import type { AsOf } from '@isms/event-sourcing';
import type { Principal } from '@isms/auth';
import type { CertificationCycle } from '@isms/contracts';
import { AuditStreamTypes, auditProgrammeStreamId } from '@isms/contracts';
import { programmeCoverage } from '../domain/programme/coverage.js';
import { CYCLE_YEARS, programme } from '../domain/programme/programme.js';
import type { ProgrammeCommand } from '../domain/programme/commands.js';
import {
  proposeSample,
  requiredSampleSize,
  samplingKindOf,
} from '../domain/programme/site-sampling.js';
import {
  AuditCollections,
  ENGAGEMENTS_PROJECTION,
  PROGRAMMES_PROJECTION,
  SOA_APPLICABILITY_PROJECTION,
} from '../projections/index.js';
import type { EngagementView, ProgrammeView, SoaApplicabilityView } from '../projections/index.js';
import { AuditContext, tenantOf, withoutMeta } from './audit-context.js';

export interface EstablishProgrammeInput {
  readonly scopeId: string;
  readonly cycle: CertificationCycle;
  readonly firstYear: number;
  readonly centralFunctionOrgUnitId: string;
  readonly siteOrgUnitIds: readonly string[];
}

export interface SampleSitesInput {
  readonly cycleYear: number;
  readonly siteOrgUnitIds?: readonly string[];
  readonly reason: string;
}

/** The audit programme (9.2) of a scope over its three-year certification cycle. */
@Injectable()
export class ProgrammesService {
  constructor(private readonly context: AuditContext) {}

  async establish(principal: Principal, input: EstablishProgrammeInput) {
    const tenantId = tenantOf(principal);
    const scope = this.context.assertScope(tenantId, input.scopeId);
    await this.context.assertCan(principal, 'audit:write', input.scopeId);
    this.context.assertInScope(
      input.scopeId,
      input.centralFunctionOrgUnitId,
      'centralFunctionOrgUnitId',
    );
    input.siteOrgUnitIds.forEach((site, i) =>
      this.context.assertInScope(input.scopeId, site, `siteOrgUnitIds.${i}`),
    );
    const programmeId = auditProgrammeStreamId(input.scopeId);
    return this.execute(principal, tenantId, input.scopeId, {
      type: 'EstablishProgramme',
      programmeId,
      scopeId: input.scopeId,
      orgUnitId: scope.ownerOrgUnitId,
      cycle: input.cycle,
      firstYear: input.firstYear,
      centralFunctionOrgUnitId: input.centralFunctionOrgUnitId,
      siteOrgUnitIds: input.siteOrgUnitIds,
      by: principal.userId,
    });
  }

  async sample(
    principal: Principal,
    scopeId: string,
    input: SampleSitesInput,
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    this.context.assertScope(tenantId, scopeId);
    await this.context.assertCan(principal, 'audit:write', scopeId);
    await this.find(tenantId, scopeId);
    return this.execute(
      principal,
      tenantId,
      scopeId,
      {
        type: 'SampleSites',
        cycleYear: input.cycleYear,
        ...(input.siteOrgUnitIds ? { siteOrgUnitIds: input.siteOrgUnitIds } : {}),
        reason: input.reason,
        by: principal.userId,
      },
      expectedRevision,
      input.reason,
    );
  }

  /**
   * The programme with its per-year site samples, which sites were audited when, the proposal for
   * the next year, and the coverage of clauses 4–10 and the SoA's applicable controls (gaps).
   */
  async get(principal: Principal, scopeId: string, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    this.context.assertScope(tenantId, scopeId);
    await this.context.assertCan(principal, 'read', scopeId);
    const from = await this.context.readModels(
      [PROGRAMMES_PROJECTION, ENGAGEMENTS_PROJECTION, SOA_APPLICABILITY_PROJECTION],
      asOf,
      tenantId,
    );
    const found = await this.context.one<ProgrammeView>(
      AuditCollections.Programmes,
      'Audit programme',
      tenantId,
      scopeId,
      from,
    );
    const view = withoutMeta(found);
    const soa = await from
      .collection<SoaApplicabilityView>(AuditCollections.SoaApplicability)
      .get(scopeId);
    const engagements = await from
      .collection<EngagementView>(AuditCollections.Engagements)
      .find({ tenantId, scopeId, programmeId: view.programmeId });
    const coverage = programmeCoverage(
      (soa?.lines ?? []).filter((l) => l.applicable).map((l) => l.key),
      engagements.map((e) => ({
        engagementId: e.engagementId,
        ...(e.cycleYear !== undefined ? { cycleYear: e.cycleYear } : {}),
        status: e.status,
        checklist: e.checklist,
      })),
    );
    const history = view.samples.map((s) => ({
      cycleYear: s.cycleYear,
      siteOrgUnitIds: s.sampledSiteOrgUnitIds,
    }));
    const nextYear = CYCLE_YEARS.find((y) => !view.samples.some((s) => s.cycleYear === y));
    const nextProposal =
      nextYear === undefined
        ? undefined
        : (() => {
            const auditKind = samplingKindOf(view.cycle, nextYear);
            const size = requiredSampleSize(auditKind, view.siteOrgUnitIds.length);
            return {
              cycleYear: nextYear,
              year: view.firstYear + nextYear - 1,
              auditKind,
              requiredSampleSize: size,
              centralFunctionOrgUnitId: view.centralFunctionOrgUnitId,
              proposedSiteOrgUnitIds: proposeSample(view.siteOrgUnitIds, history, size),
            };
          })();
    return {
      programme: {
        ...view,
        sites: view.siteOrgUnitIds.map((site) => ({
          orgUnitId: site,
          auditedInYears: view.samples
            .filter((s) => s.sampledSiteOrgUnitIds.includes(site))
            .map((s) => s.year),
        })),
        nextSample: nextProposal ?? null,
        engagements: engagements.map((e) => ({
          engagementId: e.engagementId,
          kind: e.kind,
          cycleYear: e.cycleYear,
          status: e.status,
          plannedStart: e.plannedStart,
          auditedOrgUnitIds: e.auditedOrgUnitIds,
        })),
        coverage,
      },
      revision: found._revision ?? 0,
    };
  }

  private async find(tenantId: string, scopeId: string) {
    return this.context.one<ProgrammeView>(
      AuditCollections.Programmes,
      'Audit programme',
      tenantId,
      scopeId,
    );
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    scopeId: string,
    command: ProgrammeCommand,
    expectedRevision?: number,
    reason?: string,
  ) {
    await this.context.execute(
      {
        tenantId,
        streamId: auditProgrammeStreamId(scopeId),
        streamType: AuditStreamTypes.AuditProgramme,
      },
      programme,
      command,
      this.context.metadata(principal, { reason }),
      expectedRevision,
    );
    return this.get(principal, scopeId);
  }
}
