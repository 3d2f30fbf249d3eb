import { Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { AsOf, RecordedEvent } from '@isms/event-sourcing';
import type { Principal } from '@isms/auth';
import type { AcceptanceStatus, ControlRef, RiskStatus, TreatmentOption } from '@isms/contracts';
import { RiskStreamTypes } from '@isms/contracts';
import type { Filter, ReadStore, StoredDocument } from '@isms/read-store';
import { NotFoundProblem, paginate } from '@isms/platform-nest';
import type { RiskCommand } from '../domain/risk/commands.js';
import { risk } from '../domain/risk/risk.js';
import { acceptanceAuthority } from '../domain/methodology/methodology-rules.js';
import { REGISTER_PROJECTION } from '../projections/register/register.projection.js';
import type { RiskRegisterEntry } from '../projections/read-models.js';
import { RiskCollections } from '../projections/read-models.js';
import { AssetsService } from './assets.service.js';
import { CatalogueService } from './catalogue.service.js';
import { MethodologyService } from './methodology.service.js';
import { RiskContext, tenantOf, visibleUnits } from './risk-context.js';

export interface IdentifyRiskInput {
  readonly title: string;
  readonly description: string;
  readonly assetIds: readonly string[];
  readonly threatCode: string;
  readonly vulnerabilityCode: string;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly scopeId: string;
}

export interface ScenarioInput {
  readonly title: string;
  readonly description: string;
  readonly assetIds: readonly string[];
  readonly threatCode: string;
  readonly vulnerabilityCode: string;
  readonly changeSummary: string;
}

export interface RatingInput {
  readonly likelihood: number;
  readonly impact: number;
  readonly rationale: string;
}

export interface InherentInput extends RatingInput {
  readonly existingControls: string;
  readonly existingControlRefs: readonly ControlRef[];
}

export interface PlanInput {
  readonly actions: readonly {
    readonly actionId?: string;
    readonly title: string;
    readonly ownerPersonId: string;
    readonly dueDate: string;
  }[];
  readonly linkedControls: readonly ControlRef[];
}

export interface RegisterQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly orgUnitId?: string;
  readonly scopeId?: string;
  readonly level?: string;
  readonly status?: RiskStatus;
  readonly ownerPersonId?: string;
  readonly acceptanceStatus?: AcceptanceStatus | 'none';
  readonly treatment?: TreatmentOption;
  readonly aboveAppetite?: boolean;
  readonly overdueActions?: boolean;
  readonly overdueReview?: boolean;
  readonly control?: string;
  readonly includeClosed?: boolean;
  readonly asOf?: AsOf;
}

export interface HeatMapQuery {
  readonly orgUnitId?: string;
  readonly scopeId?: string;
  readonly basis: 'current' | 'inherent' | 'residual';
  readonly asOf?: AsOf;
}

/** ISO/IEC 27001:2022 Annex A control ids per theme: 5.1–5.37, 6.1–6.8, 7.1–7.14, 8.1–8.34. */
const ANNEX_A_2022: Readonly<Record<string, number>> = { '5': 37, '6': 8, '7': 14, '8': 34 };

/** The risk register: identification, assessment, treatment, acceptance, review, closure. */
@Injectable()
export class RisksService {
  constructor(
    private readonly context: RiskContext,
    private readonly methodology: MethodologyService,
    private readonly assets: AssetsService,
    private readonly catalogue: CatalogueService,
  ) {}

  // ─── Commands ─────────────────────────────────────────────────────────────────────────────

  async identify(principal: Principal, input: IdentifyRiskInput) {
    const tenantId = tenantOf(principal);
    this.context.assertOrgUnit(tenantId, input.orgUnitId, 'orgUnitId');
    await this.context.assertCan(principal, 'risk:write', input.orgUnitId);
    this.context.assertPerson(tenantId, input.ownerPersonId, 'ownerPersonId');
    this.context.assertScope(tenantId, input.scopeId, 'scopeId');
    await this.assets.assertLinkable(tenantId, input.assetIds);
    await this.catalogue.assertCodes(tenantId, input.threatCode, input.vulnerabilityCode);
    const riskId = this.context.newId(RiskStreamTypes.Risk);
    return this.execute(
      principal,
      tenantId,
      riskId,
      input.orgUnitId,
      {
        type: 'IdentifyRisk',
        riskId,
        ...input,
        by: principal.userId,
        at: this.context.now(),
      },
      0,
    );
  }

  async reviseScenario(
    principal: Principal,
    riskId: string,
    input: ScenarioInput,
    expectedRevision?: number,
  ) {
    const { tenantId, entry } = await this.forWrite(principal, riskId);
    await this.assets.assertLinkable(tenantId, input.assetIds);
    await this.catalogue.assertCodes(tenantId, input.threatCode, input.vulnerabilityCode);
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      { type: 'ReviseRiskScenario', ...input, ...this.acting(principal) },
      expectedRevision,
      input.changeSummary,
    );
  }

  async reassignOwner(
    principal: Principal,
    riskId: string,
    input: { ownerPersonId: string; reason: string },
    expectedRevision?: number,
  ) {
    const { tenantId, entry } = await this.forWrite(principal, riskId);
    this.context.assertPerson(tenantId, input.ownerPersonId, 'ownerPersonId');
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      { type: 'ReassignRiskOwner', ...input, ...this.acting(principal) },
      expectedRevision,
      input.reason,
    );
  }

  async changeScope(
    principal: Principal,
    riskId: string,
    input: { scopeId: string; reason: string },
    expectedRevision?: number,
  ) {
    const { tenantId, entry } = await this.forWrite(principal, riskId);
    this.context.assertScope(tenantId, input.scopeId, 'scopeId');
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      { type: 'ChangeRiskScope', ...input, ...this.acting(principal) },
      expectedRevision,
      input.reason,
    );
  }

  async assessInherent(
    principal: Principal,
    riskId: string,
    input: InherentInput,
    expectedRevision?: number,
  ) {
    const { tenantId, entry } = await this.forWrite(principal, riskId);
    input.existingControlRefs.forEach((ref, i) =>
      assertControlRef(ref, `existingControlRefs.${i}`),
    );
    const methodology = await this.methodology.required(tenantId, entry.orgUnitId);
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      { type: 'AssessInherentRisk', ...input, methodology, ...this.acting(principal) },
      expectedRevision,
      input.rationale,
    );
  }

  async decideTreatment(
    principal: Principal,
    riskId: string,
    input: { option: TreatmentOption; justification: string },
    expectedRevision?: number,
  ) {
    const { tenantId, entry } = await this.forWrite(principal, riskId);
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      { type: 'DecideTreatment', ...input, ...this.acting(principal) },
      expectedRevision,
      input.justification,
    );
  }

  async planTreatment(
    principal: Principal,
    riskId: string,
    input: PlanInput,
    expectedRevision?: number,
  ) {
    const { tenantId, entry } = await this.forWrite(principal, riskId);
    input.actions.forEach((action, i) =>
      this.context.assertPerson(tenantId, action.ownerPersonId, `actions.${i}.ownerPersonId`),
    );
    input.linkedControls.forEach((ref, i) => assertControlRef(ref, `linkedControls.${i}`));
    const actions = input.actions.map((action) => ({
      actionId: action.actionId ?? this.context.newId('action'),
      title: action.title,
      ownerPersonId: action.ownerPersonId,
      dueDate: action.dueDate,
    }));
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      {
        type: 'PlanTreatment',
        actions,
        linkedControls: input.linkedControls,
        ...this.acting(principal),
      },
      expectedRevision,
    );
  }

  async completeAction(
    principal: Principal,
    riskId: string,
    actionId: string,
    note: string,
    expectedRevision?: number,
  ) {
    const { tenantId, entry } = await this.forWrite(principal, riskId);
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      { type: 'CompleteTreatmentAction', actionId, note, ...this.acting(principal) },
      expectedRevision,
    );
  }

  async assessResidual(
    principal: Principal,
    riskId: string,
    input: RatingInput,
    expectedRevision?: number,
  ) {
    const { tenantId, entry } = await this.forWrite(principal, riskId);
    const methodology = await this.methodology.required(tenantId, entry.orgUnitId);
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      { type: 'AssessResidualRisk', ...input, methodology, ...this.acting(principal) },
      expectedRevision,
      input.rationale,
    );
  }

  /**
   * Acceptance of the residual risk: `risk:accept` on the risk's org unit, and the acceptance
   * criteria of the methodology in force: the risk's own owner within appetite, above it only a
   * person holding the role the criteria name. Whoever else tries gets a 403.
   */
  async accept(principal: Principal, riskId: string, reason: string, expectedRevision?: number) {
    const tenantId = tenantOf(principal);
    const entry = await this.find(tenantId, riskId);
    await this.context.assertCan(principal, 'risk:accept', entry.orgUnitId);
    const methodology = await this.methodology.required(tenantId, entry.orgUnitId);
    const acceptorRoles = this.context.rolesOn(principal, entry.orgUnitId);
    if (entry.residual) {
      const authority = acceptanceAuthority(
        methodology.definition,
        entry.residual.level,
        entry.ownerPersonId,
        {
          personId: principal.userId,
          roles: acceptorRoles,
        },
      );
      if (!authority.allowed && authority.rule === 'acceptance-not-authorised') {
        const isOwner = principal.userId === entry.ownerPersonId;
        await this.context.forbid(
          principal,
          'risk:accept',
          isOwner ? 'acceptance-above-authority' : 'not-the-risk-owner',
          isOwner
            ? authority.message
            : `Only the risk's owner accepts it within appetite. ${authority.message}`,
          entry.orgUnitId,
        );
      }
    }
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      {
        type: 'AcceptRisk',
        acceptorRoles,
        criteria: methodology.definition,
        reason,
        ...this.acting(principal),
      },
      expectedRevision,
      reason,
    );
  }

  async review(principal: Principal, riskId: string, notes: string, expectedRevision?: number) {
    const { tenantId, entry } = await this.forWrite(principal, riskId);
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      { type: 'ReviewRisk', notes, ...this.acting(principal) },
      expectedRevision,
    );
  }

  async close(principal: Principal, riskId: string, reason: string, expectedRevision?: number) {
    const { tenantId, entry } = await this.forWrite(principal, riskId);
    return this.execute(
      principal,
      tenantId,
      riskId,
      entry.orgUnitId,
      { type: 'CloseRisk', reason, ...this.acting(principal) },
      expectedRevision,
      reason,
    );
  }

  // ─── Queries ──────────────────────────────────────────────────────────────────────────────

  async get(principal: Principal, riskId: string, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    // As of a point in history: only this risk's stream is replayed (its entry is its own fold).
    const from = await this.context.readModels([REGISTER_PROJECTION], asOf, tenantId, [
      { projection: REGISTER_PROJECTION, streamIds: [riskId] },
    ]);
    const entry = await this.find(tenantId, riskId, from);
    await this.context.access.assertCan(principal, 'read', {
      orgUnitId: entry.orgUnitId,
      scopeIds: [entry.scopeId],
    });
    return { risk: publicEntry(entry), revision: entry._revision ?? 0 };
  }

  async list(principal: Principal, query: RegisterQuery) {
    const tenantId = tenantOf(principal);
    if (query.orgUnitId) this.context.assertOrgUnit(tenantId, query.orgUnitId, 'query.orgUnitId');
    const from = await this.context.readModels([REGISTER_PROJECTION], query.asOf, tenantId);
    const today = this.today(query.asOf);
    const filter: Filter = {
      ...this.visibility(principal, tenantId, query.orgUnitId),
      ...(query.scopeId ? { scopeId: query.scopeId } : {}),
      ...(query.level ? { currentLevel: query.level } : {}),
      ...(query.status
        ? { status: query.status }
        : query.includeClosed
          ? {}
          : { status: { $ne: 'closed' } }),
      ...(query.ownerPersonId ? { ownerPersonId: query.ownerPersonId } : {}),
      ...(query.acceptanceStatus ? { acceptanceStatus: query.acceptanceStatus } : {}),
      ...(query.treatment ? { 'treatment.option': query.treatment } : {}),
      ...(query.aboveAppetite !== undefined ? { aboveAppetite: query.aboveAppetite } : {}),
      ...(query.overdueActions ? { nextOpenActionDue: { $lt: today } } : {}),
      ...(query.overdueReview ? { nextReviewDue: { $lt: today } } : {}),
      ...(query.control ? { controlKeys: query.control } : {}),
    };
    const page = await paginate(
      from.collection<RiskRegisterEntry>(RiskCollections.Register),
      filter,
      {
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      },
    );
    return { ...page, items: page.items.map(publicEntry), asOfDate: today };
  }

  /** Counts per likelihood × impact cell and per level, for the risks the caller may see. */
  async heatMap(principal: Principal, query: HeatMapQuery) {
    const tenantId = tenantOf(principal);
    if (query.orgUnitId) this.context.assertOrgUnit(tenantId, query.orgUnitId, 'query.orgUnitId');
    const from = await this.context.readModels([REGISTER_PROJECTION], query.asOf, tenantId);
    const entries = await from.collection<RiskRegisterEntry>(RiskCollections.Register).find(
      {
        ...this.visibility(principal, tenantId, query.orgUnitId),
        ...(query.scopeId ? { scopeId: query.scopeId } : {}),
        status: { $ne: 'closed' },
      },
      { projection: { inherent: 1, residual: 1 } },
    );
    const cells = new Map<
      string,
      { likelihood: number; impact: number; level: string; count: number }
    >();
    const byLevel = new Map<string, number>();
    let unrated = 0;
    for (const entry of entries) {
      const rating =
        query.basis === 'inherent'
          ? entry.inherent
          : query.basis === 'residual'
            ? entry.residual
            : (entry.residual ?? entry.inherent);
      if (!rating) {
        unrated += 1;
        continue;
      }
      const key = `${rating.likelihood}x${rating.impact}`;
      const cell = cells.get(key) ?? {
        likelihood: rating.likelihood,
        impact: rating.impact,
        level: rating.level,
        count: 0,
      };
      cell.count += 1;
      cells.set(key, cell);
      byLevel.set(rating.level, (byLevel.get(rating.level) ?? 0) + 1);
    }
    const methodology = query.orgUnitId
      ? await this.methodology.effective(tenantId, query.orgUnitId)
      : await this.rootMethodology(tenantId);
    return {
      basis: query.basis,
      total: entries.length,
      unrated,
      cells: [...cells.values()].sort((a, b) => b.likelihood - a.likelihood || a.impact - b.impact),
      byLevel: [...byLevel.entries()].map(([level, count]) => ({ level, count })),
      grid: methodology
        ? {
            likelihood: methodology.definition.likelihoodScale.map(({ value, label }) => ({
              value,
              label,
            })),
            impact: methodology.definition.impactScale.map(({ value, label }) => ({
              value,
              label,
            })),
            levels: methodology.definition.levels.map(({ id, label }) => ({ id, label })),
            matrix: methodology.definition.matrix,
            methodology: methodology.versions,
          }
        : null,
    };
  }

  /** Every recorded event of the risk, with who, why and when, and whether the chain verifies. */
  async history(principal: Principal, riskId: string, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    const events = await this.context.store.readStream(riskId, asOf ? { asOf } : {});
    const first = events[0];
    if (!first || first.tenantId !== tenantId || first.streamType !== RiskStreamTypes.Risk) {
      throw new NotFoundProblem('Risk', riskId);
    }
    const entry = await this.find(tenantId, riskId);
    await this.context.access.assertCan(principal, 'read', {
      orgUnitId: entry.orgUnitId,
      scopeIds: [entry.scopeId],
    });
    const verification = await this.context.store.verifyStream(riskId);
    return {
      riskId,
      integrity: {
        valid: verification.valid,
        eventsChecked: verification.eventsChecked,
        ...(verification.firstInvalid ? { firstInvalid: verification.firstInvalid } : {}),
      },
      events: events.map(historyEntry),
    };
  }

  // ─── Helpers ──────────────────────────────────────────────────────────────────────────────

  private visibility(principal: Principal, tenantId: string, within?: string): Filter {
    if (principal.kind === 'external-auditor') {
      const scopes = this.context.access.grantedScopeIds(principal);
      return {
        tenantId,
        scopeId: { $in: scopes },
        ...(within ? { orgUnitId: { $in: this.context.access.directory.subtree(within) } } : {}),
      };
    }
    return { tenantId, orgUnitId: { $in: visibleUnits(this.context, principal, within) } };
  }

  private async rootMethodology(tenantId: string) {
    const root = this.context.access.directory.tenant(tenantId)?.rootOrgUnitId;
    return root ? this.methodology.effective(tenantId, root) : undefined;
  }

  private today(asOf?: AsOf): string {
    if (asOf && 'recordedAt' in asOf) return new Date(asOf.recordedAt).toISOString().slice(0, 10);
    return this.context.now().slice(0, 10);
  }

  private acting(principal: Principal) {
    return { by: principal.userId, at: this.context.now() };
  }

  private find(
    tenantId: string,
    riskId: string,
    from?: ReadStore,
  ): Promise<StoredDocument<RiskRegisterEntry>> {
    return this.context.one<RiskRegisterEntry>(
      RiskCollections.Register,
      'Risk',
      tenantId,
      riskId,
      from,
    );
  }

  private async forWrite(principal: Principal, riskId: string) {
    const tenantId = tenantOf(principal);
    const entry = await this.find(tenantId, riskId);
    await this.context.assertCan(principal, 'risk:write', entry.orgUnitId);
    return { tenantId, entry };
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    riskId: string,
    orgUnitId: string,
    command: RiskCommand,
    expectedRevision?: number,
    reason?: string,
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: riskId, streamType: RiskStreamTypes.Risk },
      risk,
      command,
      this.context.metadata(principal, {
        onBehalfOf: orgUnitId,
        ...(reason !== undefined ? { reason } : {}),
      }),
      expectedRevision,
    );
    const entry = await this.find(tenantId, riskId);
    return { risk: publicEntry(entry), revision: result.nextExpectedRevision };
  }
}

/** A register entry as the API shows it (without the folded state and store fields). */
export function publicEntry(entry: StoredDocument<RiskRegisterEntry>) {
  const { _id, _version, _revision, _streams, record, ...view } = entry;
  void _id;
  void _version;
  void _revision;
  void _streams;
  void record;
  return view;
}

function historyEntry(event: RecordedEvent) {
  return {
    revision: event.streamRevision,
    type: event.type,
    data: event.data,
    actor: event.metadata.actor,
    ...(event.metadata.reason !== undefined ? { reason: event.metadata.reason } : {}),
    occurredAt: event.metadata.occurredAt,
    recordedAt: event.recordedAt,
    eventId: event.eventId,
    globalPosition: event.globalPosition,
    hash: event.hash,
  };
}

/** Annex A 2022 references must name a real control; other catalogues are the controls context's. */
function assertControlRef(ref: ControlRef, field: string): void {
  if (ref.catalogueId !== 'iso27001-2022') return;
  const match = /^([5-8])\.(\d{1,2})$/.exec(ref.controlId);
  const max = match ? ANNEX_A_2022[match[1]!] : undefined;
  if (!match || max === undefined || Number(match[2]) < 1 || Number(match[2]) > max) {
    throw new DomainRuleViolation(
      'control-unknown',
      `${ref.controlId} (${field}) is not a control of ISO/IEC 27001:2022 Annex A (5.1–5.37, 6.1–6.8, 7.1–7.14, 8.1–8.34).`,
      { field },
    );
  }
}
