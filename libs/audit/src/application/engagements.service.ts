import { Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { AsOf } from '@isms/event-sourcing';
import type { Principal } from '@isms/auth';
import type {
  ChecklistResult,
  ControlRef,
  EngagementAuditor,
  EngagementKind,
  EngagementStatus,
  FindingGrade,
} from '@isms/contracts';
import { AuditStreamTypes, auditProgrammeStreamId } from '@isms/contracts';
import type { Filter } from '@isms/read-store';
import { NotFoundProblem, paginate } from '@isms/platform-nest';
import { FOLLOW_UP_KINDS } from '../domain/engagement/checklist.js';
import type { EngagementCommand } from '../domain/engagement/commands.js';
import { engagement } from '../domain/engagement/engagement.js';
import { dateOf } from '../domain/rules.js';
import {
  AuditCollections,
  ENGAGEMENTS_PROJECTION,
  EVIDENCE_PROJECTION,
  SOA_APPLICABILITY_PROJECTION,
} from '../projections/index.js';
import type {
  EngagementView,
  EvidenceView,
  FindingView,
  ProgrammeView,
  SoaApplicabilityView,
} from '../projections/index.js';
import { AuditContext, tenantOf, withoutMeta } from './audit-context.js';

export interface PlanEngagementInput {
  readonly scopeId: string;
  readonly kind: EngagementKind;
  readonly title: string;
  readonly auditedOrgUnitIds: readonly string[];
  readonly auditors: readonly EngagementAuditor[];
  readonly plannedStart: string;
  readonly plannedEnd: string;
  readonly plan: string;
  readonly clauses: readonly string[];
  readonly controls: readonly ControlRef[];
  /** Audit every control the SoA declares applicable (instead of, or on top of, `controls`). */
  readonly allApplicableControls: boolean;
  readonly cycleYear?: number;
  readonly supplier?: string;
}

export interface EngagementListQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly scopeId?: string;
  readonly kind?: EngagementKind;
  readonly status?: EngagementStatus;
  readonly asOf?: AsOf;
}

export interface FindingListQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly scopeId?: string;
  readonly engagementId?: string;
  readonly grade?: FindingGrade;
  readonly status?: 'open' | 'closed';
  /** Only nonconformities whose corrective action is past its due date and not implemented. */
  readonly overdue?: boolean;
  readonly asOf?: AsOf;
}

type Target = { readonly clause?: string; readonly control?: ControlRef };

/**
 * Audit engagements (9.2) with their checklists, findings, evidence requests and the corrective
 * actions of nonconformities (10.2). Who may do what:
 * - plan, start, assess, set the cut-off, report, close, verify, close findings: `audit:write`
 *   on the scope (internal auditors);
 * - raise findings, request evidence, accept or flag answers: `audit:finding:raise` on the scope
 *   (internal auditors, and external auditors whose grant in force covers the scope);
 * - answer an evidence request: the person asked, or `controls:write` on the scope (the auditee);
 * - record corrections, root causes and action plans: `controls:write` on the scope;
 * - implement: the action's owner, or `controls:write`.
 */
@Injectable()
export class EngagementsService {
  constructor(private readonly context: AuditContext) {}

  // ─── Planning and lifecycle ───────────────────────────────────────────────────────────────

  async plan(principal: Principal, input: PlanEngagementInput) {
    const tenantId = tenantOf(principal);
    const scope = this.context.assertScope(tenantId, input.scopeId);
    await this.context.assertCan(principal, 'audit:write', input.scopeId);
    input.auditedOrgUnitIds.forEach((unit, i) =>
      this.context.assertInScope(input.scopeId, unit, `auditedOrgUnitIds.${i}`),
    );
    input.auditors.forEach((auditor, i) =>
      this.assertAuditor(tenantId, input.scopeId, auditor, `auditors.${i}`),
    );
    let programmeId: string | undefined;
    if (input.cycleYear !== undefined) {
      const found = await this.context.readStore
        .collection<ProgrammeView>(AuditCollections.Programmes)
        .get(input.scopeId);
      if (!found || found.tenantId !== tenantId) {
        throw new DomainRuleViolation(
          'programme-unknown',
          'An engagement of a cycle year belongs to the scope’s audit programme; establish it first (or leave cycleYear out).',
          { field: 'cycleYear' },
        );
      }
      programmeId = auditProgrammeStreamId(input.scopeId);
    }
    const controls = [...input.controls];
    if (input.allApplicableControls) {
      const soa = await this.context.readStore
        .collection<SoaApplicabilityView>(AuditCollections.SoaApplicability)
        .get(input.scopeId);
      for (const line of soa?.lines ?? []) {
        if (line.applicable)
          controls.push({ catalogueId: line.catalogueId, controlId: line.controlId });
      }
    }
    const earlierNonconformityIds = FOLLOW_UP_KINDS.includes(input.kind)
      ? (
          await this.context.readStore.collection<FindingView>(AuditCollections.Findings).find(
            {
              tenantId,
              scopeId: input.scopeId,
              grade: { $in: ['major-nonconformity', 'minor-nonconformity'] },
            },
            { sort: { raisedAt: 1 } },
          )
        ).map((f) => f.findingId)
      : [];
    const engagementId = this.context.newId(AuditStreamTypes.AuditEngagement);
    return this.execute(principal, tenantId, engagementId, {
      type: 'PlanEngagement',
      engagementId,
      tenantId,
      scopeId: input.scopeId,
      orgUnitId: scope.ownerOrgUnitId,
      ...(programmeId !== undefined ? { programmeId } : {}),
      ...(input.cycleYear !== undefined ? { cycleYear: input.cycleYear } : {}),
      kind: input.kind,
      title: input.title,
      auditedOrgUnitIds: input.auditedOrgUnitIds,
      auditors: input.auditors,
      plannedStart: input.plannedStart,
      plannedEnd: input.plannedEnd,
      plan: input.plan,
      clauses: input.clauses,
      controls,
      earlierNonconformityIds,
      ...(input.supplier !== undefined ? { supplier: input.supplier } : {}),
      by: principal.userId,
      at: this.context.now(),
    });
  }

  start(principal: Principal, id: string, expectedRevision?: number) {
    return this.act(principal, id, 'audit:write', expectedRevision, (by, at) => ({
      type: 'StartEngagement',
      by,
      at,
    }));
  }

  assess(
    principal: Principal,
    id: string,
    input: { itemId: string; result: ChecklistResult; notes: string },
    expectedRevision?: number,
  ) {
    return this.act(principal, id, 'audit:write', expectedRevision, (by, at) => ({
      type: 'AssessChecklistItem',
      ...input,
      by,
      at,
    }));
  }

  setCutOff(
    principal: Principal,
    id: string,
    input: { cutOffAt: string; reason: string },
    expectedRevision?: number,
  ) {
    return this.act(
      principal,
      id,
      'audit:write',
      expectedRevision,
      (by, at) => ({ type: 'SetCutOff', ...input, by, at }),
      input.reason,
    );
  }

  report(
    principal: Principal,
    id: string,
    input: { summary: string; conclusion: string },
    expectedRevision?: number,
  ) {
    return this.act(principal, id, 'audit:write', expectedRevision, (by, at) => ({
      type: 'ReportEngagement',
      ...input,
      by,
      at,
    }));
  }

  close(principal: Principal, id: string, reason: string, expectedRevision?: number) {
    return this.act(
      principal,
      id,
      'audit:write',
      expectedRevision,
      (by, at) => ({ type: 'CloseEngagement', reason, by, at }),
      reason,
    );
  }

  // ─── Findings and evidence requests ───────────────────────────────────────────────────────

  async raiseFinding(
    principal: Principal,
    id: string,
    input: Target & {
      grade: FindingGrade;
      orgUnitId: string;
      title: string;
      description: string;
      evidenceIds: readonly string[];
    },
    expectedRevision?: number,
  ) {
    const current = await this.authorise(principal, id, 'audit:finding:raise');
    this.context.assertInScope(current.scopeId, input.orgUnitId, 'orgUnitId');
    await this.assertEvidence(current, input.evidenceIds, 'evidenceIds');
    const findingId = this.context.newId('finding');
    return this.run(principal, current, expectedRevision, (by, at) => ({
      type: 'RaiseFinding',
      findingId,
      grade: input.grade,
      ...target(input),
      orgUnitId: input.orgUnitId,
      title: input.title,
      description: input.description,
      evidenceIds: input.evidenceIds,
      raisedByKind: principal.kind === 'external-auditor' ? 'external' : 'internal',
      by,
      at,
    }));
  }

  closeFinding(
    principal: Principal,
    id: string,
    findingId: string,
    reason: string,
    expectedRevision?: number,
  ) {
    return this.act(
      principal,
      id,
      'audit:write',
      expectedRevision,
      (by, at) => ({ type: 'CloseFinding', findingId, reason, by, at }),
      reason,
    );
  }

  async requestEvidence(
    principal: Principal,
    id: string,
    input: Target & { question: string; ownerPersonId?: string },
    expectedRevision?: number,
  ) {
    const current = await this.authorise(principal, id, 'audit:finding:raise');
    if (input.ownerPersonId !== undefined) {
      this.context.assertMember(current.tenantId, input.ownerPersonId, 'ownerPersonId');
    }
    const requestId = this.context.newId('evidence-request');
    return this.run(principal, current, expectedRevision, (by, at) => ({
      type: 'RequestEvidence',
      requestId,
      ...target(input),
      question: input.question,
      ...(input.ownerPersonId !== undefined ? { ownerPersonId: input.ownerPersonId } : {}),
      by,
      at,
    }));
  }

  async answerEvidenceRequest(
    principal: Principal,
    id: string,
    requestId: string,
    input: { evidenceIds: readonly string[]; comment: string },
    expectedRevision?: number,
  ) {
    const current = await this.find(tenantOf(principal), id);
    const owner = current.evidenceRequests.find((r) => r.requestId === requestId)?.ownerPersonId;
    // The person the auditor asked answers; otherwise whoever may act for the auditee.
    await this.context.assertCan(
      principal,
      owner === principal.userId ? 'read' : 'controls:write',
      current.scopeId,
    );
    await this.assertEvidence(current, input.evidenceIds, 'evidenceIds');
    return this.run(principal, current, expectedRevision, (by, at) => ({
      type: 'AnswerEvidenceRequest',
      requestId,
      ...input,
      by,
      at,
    }));
  }

  decideEvidence(
    principal: Principal,
    id: string,
    requestId: string,
    accepted: boolean,
    reason: string,
    expectedRevision?: number,
  ) {
    return this.act(
      principal,
      id,
      'audit:finding:raise',
      expectedRevision,
      (by, at) => ({
        type: accepted ? 'AcceptEvidence' : 'FlagEvidence',
        requestId,
        reason,
        by,
        at,
      }),
      reason,
    );
  }

  // ─── Corrective actions (10.2) ────────────────────────────────────────────────────────────

  recordCorrection(
    principal: Principal,
    id: string,
    findingId: string,
    correction: string,
    expectedRevision?: number,
  ) {
    return this.act(principal, id, 'controls:write', expectedRevision, (by, at) => ({
      type: 'RecordCorrection',
      findingId,
      correction,
      by,
      at,
    }));
  }

  recordRootCause(
    principal: Principal,
    id: string,
    findingId: string,
    rootCause: string,
    expectedRevision?: number,
  ) {
    return this.act(principal, id, 'controls:write', expectedRevision, (by, at) => ({
      type: 'RecordRootCause',
      findingId,
      rootCause,
      by,
      at,
    }));
  }

  async planCorrectiveAction(
    principal: Principal,
    id: string,
    findingId: string,
    input: { actionPlan: string; ownerPersonId: string; dueDate: string },
    expectedRevision?: number,
  ) {
    const current = await this.authorise(principal, id, 'controls:write');
    this.context.assertMember(current.tenantId, input.ownerPersonId, 'ownerPersonId');
    return this.run(principal, current, expectedRevision, (by, at) => ({
      type: 'PlanCorrectiveAction',
      findingId,
      ...input,
      by,
      at,
    }));
  }

  async implementCorrectiveAction(
    principal: Principal,
    id: string,
    findingId: string,
    implementation: string,
    expectedRevision?: number,
  ) {
    const current = await this.find(tenantOf(principal), id);
    const owner = current.findings.find((f) => f.findingId === findingId)?.correctiveAction
      ?.ownerPersonId;
    // The action's owner implements it; otherwise whoever may act for the auditee.
    if (owner !== principal.userId) {
      await this.context.assertCan(principal, 'controls:write', current.scopeId);
    } else {
      await this.context.assertCan(principal, 'read', current.scopeId);
    }
    return this.run(principal, current, expectedRevision, (by, at) => ({
      type: 'ImplementCorrectiveAction',
      findingId,
      implementation,
      by,
      at,
    }));
  }

  verifyCorrectiveAction(
    principal: Principal,
    id: string,
    findingId: string,
    input: { effective: boolean; reason: string },
    expectedRevision?: number,
  ) {
    return this.act(
      principal,
      id,
      'audit:write',
      expectedRevision,
      (by, at) => ({ type: 'VerifyCorrectiveAction', findingId, ...input, by, at }),
      input.reason,
    );
  }

  /**
   * Records `CorrectiveActionMarkedOverdue` for every corrective action, in the scopes the caller
   * audits, whose due date has passed without implementation (once per plan).
   */
  async markOverdue(principal: Principal) {
    const tenantId = tenantOf(principal);
    const today = dateOf(this.context.now());
    const due = await this.context.readStore
      .collection<FindingView>(AuditCollections.Findings)
      .find({
        tenantId,
        status: 'open',
        correctiveActionStatus: 'planned',
        dueDate: { $lt: today },
        'correctiveAction.overdueMarkedAt': { $exists: false },
      });
    const marked: string[] = [];
    for (const engagementId of [...new Set(due.map((f) => f.engagementId))]) {
      const current = await this.find(tenantId, engagementId);
      if (!this.context.access.can(principal, 'audit:write', { scopeId: current.scopeId }))
        continue;
      const result = await this.context.execute(
        { tenantId, streamId: engagementId, streamType: AuditStreamTypes.AuditEngagement },
        engagement,
        { type: 'MarkOverdueCorrectiveActions', by: principal.userId, at: this.context.now() },
        this.context.metadata(principal),
      );
      marked.push(...result.events.map((e) => (e.data as { findingId: string }).findingId));
    }
    return { markedFindingIds: marked };
  }

  // ─── Reads ────────────────────────────────────────────────────────────────────────────────

  async get(principal: Principal, id: string, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    const from = await this.context.readModels([ENGAGEMENTS_PROJECTION], asOf, tenantId);
    const found = await this.context.one<EngagementView>(
      AuditCollections.Engagements,
      'Engagement',
      tenantId,
      id,
      from,
    );
    await this.context.assertCan(principal, 'read', found.scopeId);
    return { engagement: withoutMeta(found), revision: found._revision ?? 0 };
  }

  async list(principal: Principal, query: EngagementListQuery) {
    const tenantId = tenantOf(principal);
    const from = await this.context.readModels([ENGAGEMENTS_PROJECTION], query.asOf, tenantId);
    const filter: Filter = {
      tenantId,
      ...this.visibility(principal, 'orgUnitId'),
      ...(query.scopeId ? { scopeId: query.scopeId } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.status ? { status: query.status } : {}),
    };
    const page = await paginate(
      from.collection<EngagementView>(AuditCollections.Engagements),
      filter,
      {
        limit: query.limit,
        sortBy: 'plannedStart',
        ...(query.cursor ? { cursor: query.cursor } : {}),
      },
    );
    return { ...page, items: page.items.map(withoutMeta) };
  }

  /** Findings with their corrective actions (e.g. `?overdue=true`: the overdue actions). */
  async findings(principal: Principal, query: FindingListQuery) {
    const tenantId = tenantOf(principal);
    const from = await this.context.readModels([ENGAGEMENTS_PROJECTION], query.asOf, tenantId);
    const asOfInstant =
      query.asOf && 'recordedAt' in query.asOf
        ? new Date(query.asOf.recordedAt).toISOString()
        : this.context.now();
    const filter: Filter = {
      tenantId,
      ...this.visibility(principal, 'orgUnitId'),
      ...(query.scopeId ? { scopeId: query.scopeId } : {}),
      ...(query.engagementId ? { engagementId: query.engagementId } : {}),
      ...(query.grade ? { grade: query.grade } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.overdue
        ? {
            status: 'open',
            correctiveActionStatus: 'planned',
            dueDate: { $lt: dateOf(asOfInstant) },
          }
        : {}),
    };
    const page = await paginate(from.collection<FindingView>(AuditCollections.Findings), filter, {
      limit: query.limit,
      sortBy: 'raisedAt',
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return {
      ...page,
      items: page.items.map((f) => ({
        ...withoutMeta(f),
        overdue:
          f.status === 'open' &&
          f.correctiveActionStatus === 'planned' &&
          (f.dueDate ?? '9999') < dateOf(asOfInstant),
      })),
    };
  }

  /**
   * The certification body's frozen view: the engagement, and the scope's SoA applicability and
   * evidence rebuilt as of the engagement's cut-off instant, so everyone discusses the same state.
   */
  async frozenView(principal: Principal, id: string) {
    const { engagement: current } = await this.get(principal, id);
    if (!current.cutOff) {
      throw new DomainRuleViolation(
        'no-cut-off',
        'This engagement has no cut-off yet; set one (POST …/cut-off) to freeze the view.',
      );
    }
    const cutOffAt = current.cutOff.cutOffAt;
    const asOf = await this.context.readModels(
      [SOA_APPLICABILITY_PROJECTION, EVIDENCE_PROJECTION],
      { recordedAt: cutOffAt },
      current.tenantId,
    );
    const soa = await asOf
      .collection<SoaApplicabilityView>(AuditCollections.SoaApplicability)
      .get(current.scopeId);
    const evidence = await asOf
      .collection<EvidenceView>(AuditCollections.Evidence)
      .find({ tenantId: current.tenantId, scopeId: current.scopeId }, { sort: { collectedAt: 1 } });
    return {
      cutOffAt,
      engagement: current,
      statementOfApplicability: soa
        ? {
            scopeId: soa.scopeId,
            approvedVersion: soa.approvedVersion ?? null,
            lines: soa.lines,
          }
        : null,
      evidence: evidence.map(withoutMeta),
    };
  }

  // ─── Helpers ──────────────────────────────────────────────────────────────────────────────

  private visibility(principal: Principal, field: string): Filter {
    if (principal.kind === 'external-auditor') {
      return { scopeId: { $in: this.context.access.grantedScopeIds(principal) } };
    }
    return { [field]: { $in: this.context.access.visibleOrgUnitIds(principal) } };
  }

  private assertAuditor(
    tenantId: string,
    scopeId: string,
    auditor: EngagementAuditor,
    field: string,
  ): void {
    const person = this.context.access.directory.person(auditor.personId);
    if (!person || person.tenantId !== tenantId) {
      throw new DomainRuleViolation(
        'person-unknown',
        `Person ${auditor.personId} (${field}) is not known in your tenant.`,
        { field },
      );
    }
    if (auditor.kind === 'internal') {
      if (person.kind !== 'member' || !person.active) {
        throw new DomainRuleViolation(
          'auditor-kind-mismatch',
          `Person ${auditor.personId} (${field}) is not an active member: name them as an external auditor with their grant.`,
          { field },
        );
      }
      return;
    }
    const grant = auditor.grantId
      ? this.context.access.directory.grant(auditor.grantId)
      : undefined;
    if (
      person.kind !== 'external-auditor' ||
      !grant ||
      grant.tenantId !== tenantId ||
      grant.auditorPersonId !== auditor.personId ||
      grant.scopeId !== scopeId
    ) {
      throw new DomainRuleViolation(
        'auditor-grant-mismatch',
        `External auditor ${auditor.personId} (${field}) needs an access grant of theirs on this ISMS scope.`,
        { field },
      );
    }
  }

  private async assertEvidence(
    current: EngagementView,
    evidenceIds: readonly string[],
    field: string,
  ): Promise<void> {
    const evidence = this.context.readStore.collection<EvidenceView>(AuditCollections.Evidence);
    for (const [index, evidenceId] of evidenceIds.entries()) {
      const found = await evidence.get(evidenceId);
      if (!found || found.tenantId !== current.tenantId || found.scopeId !== current.scopeId) {
        throw new DomainRuleViolation(
          'evidence-unknown',
          `Evidence ${evidenceId} (${field}.${index}) is not an evidence record of this scope.`,
          { field: `${field}.${index}` },
        );
      }
      if (found.withdrawn) {
        throw new DomainRuleViolation(
          'evidence-withdrawn',
          `Evidence "${found.title}" (${field}.${index}) was withdrawn; reference current evidence.`,
          { field: `${field}.${index}` },
        );
      }
    }
  }

  private async find(tenantId: string, id: string) {
    return this.context.one<EngagementView>(
      AuditCollections.Engagements,
      'Engagement',
      tenantId,
      id,
    );
  }

  private async authorise(
    principal: Principal,
    id: string,
    permission: 'audit:write' | 'audit:finding:raise' | 'controls:write',
  ) {
    const current = await this.find(tenantOf(principal), id);
    await this.context.assertCan(principal, permission, current.scopeId);
    return current;
  }

  private async act(
    principal: Principal,
    id: string,
    permission: 'audit:write' | 'audit:finding:raise' | 'controls:write',
    expectedRevision: number | undefined,
    command: (by: string, at: string) => EngagementCommand,
    reason?: string,
  ) {
    const current = await this.authorise(principal, id, permission);
    return this.run(principal, current, expectedRevision, command, reason);
  }

  private async run(
    principal: Principal,
    current: EngagementView,
    expectedRevision: number | undefined,
    command: (by: string, at: string) => EngagementCommand,
    reason?: string,
  ) {
    return this.execute(
      principal,
      current.tenantId,
      current.engagementId,
      command(principal.userId, this.context.now()),
      expectedRevision,
      reason,
    );
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    engagementId: string,
    command: EngagementCommand,
    expectedRevision?: number,
    reason?: string,
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: engagementId, streamType: AuditStreamTypes.AuditEngagement },
      engagement,
      command,
      this.context.metadata(principal, { reason }),
      expectedRevision,
    );
    const view = await this.find(tenantId, engagementId);
    if (!view) throw new NotFoundProblem('Engagement', engagementId);
    return { engagement: withoutMeta(view), revision: result.nextExpectedRevision };
  }
}

function target(input: Target): Target {
  return {
    ...(input.clause !== undefined ? { clause: input.clause } : {}),
    ...(input.control !== undefined
      ? { control: { catalogueId: input.control.catalogueId, controlId: input.control.controlId } }
      : {}),
  };
}
