import { Inject, Injectable, Optional } from '@nestjs/common';
import { ProjectionFailedError } from '@isms/event-sourcing';
import type { AsOf, ChainVerification, Clock, EventStore } from '@isms/event-sourcing';
import { AccessService } from '@isms/auth';
import type { Principal } from '@isms/auth';
import type { Filter, ReadStore } from '@isms/read-store';
import {
  CLOCK,
  EVENT_HISTORY,
  EVENT_STORE,
  NotFoundProblem,
  ProblemError,
  ProjectionRegistry,
  READ_STORE,
  paginate,
  projectAsOf,
  projectionOfStatus,
} from '@isms/platform-nest';
import { bodyOf } from '../projections/guarded.js';
import { REPORTING_PROJECTION_NAMES, REPORTING_PROJECTIONS } from '../projections/index.js';
import type { DecisionDoc, ScopeDoc } from '../projections/read-models.js';
import { ReportingCollections } from '../projections/read-models.js';
import { consolidation } from './consolidation.js';
import type { ExportTable } from './exports.js';
import { changedSince, managementReviewPack } from './history-reports.js';
import { ReportData } from './report-data.js';
import { readiness, riskRegister, soaReport } from './scope-reports.js';
import type { HeatMap } from './scope-reports.js';

/** The names of reporting's read models (each `reporting-…`). */
export { REPORTING_PROJECTION_NAMES };

export interface DecisionLogQuery {
  readonly scopeId?: string;
  readonly orgUnitId?: string;
  readonly personId?: string;
  readonly type?: string;
  readonly context?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
  readonly asOf?: AsOf;
}

export type Verification =
  | { readonly status: 'verified' }
  | {
      readonly status: 'broken';
      readonly problem: string;
      readonly firstInvalidRevision: number;
      readonly firstInvalidEventId: string;
    }
  | { readonly status: 'chain-broken-later'; readonly firstInvalidRevision: number }
  | { readonly status: 'unverifiable'; readonly detail: string };

const NOT_HERE =
  'The stream is not in the event history this service can read (not recorded, or not received yet).';

/** A stream with no stored event proves nothing: it is not "verified". */
function unverifiable(chain: ChainVerification): boolean {
  return chain.valid && chain.eventsChecked === 0;
}

/**
 * Reporting's queries: who may see what (tenant, subtree, an auditor's scopes), read models live
 * or rebuilt as of a point in history, the decision log with hash-chain verification, exports,
 * and rebuilding a read model from the start.
 */
@Injectable()
export class ReportingService {
  /** Where history is read for `?asOf=` and verification (the reporting service's event mirror). */
  private readonly history: EventStore;
  private readonly separateHistory: boolean;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionRegistry,
    private readonly access: AccessService,
    @Optional() @Inject(EVENT_HISTORY) history?: EventStore | null,
  ) {
    this.history = history ?? store;
    this.separateHistory = history != null;
  }

  private tenantOf(principal: Principal): string {
    if (principal.tenantId === undefined) {
      throw new ProblemError(
        403,
        'forbidden',
        'Forbidden',
        'Platform administrators manage tenants; they do not see a tenant’s reports.',
        { reason: 'not-for-platform-administrators' },
      );
    }
    return principal.tenantId;
  }

  /** The read models now, or rebuilt from history as of `asOf` (and judged on that day). */
  async data(principal: Principal, asOf?: AsOf): Promise<ReportData> {
    const tenantId = this.tenantOf(principal);
    if (!asOf) return new ReportData(this.readStore, tenantId, this.clock.now());
    const past = this.separateHistory
      ? await projectAsOf(REPORTING_PROJECTIONS, this.history, asOf, { tenantId })
      : await this.projections.asOf(REPORTING_PROJECTION_NAMES, asOf, { tenantId });
    const now =
      'recordedAt' in asOf
        ? new Date(asOf.recordedAt)
        : new Date((await this.recordedAtOf(asOf.globalPosition)) ?? this.clock.now());
    return new ReportData(past, tenantId, now);
  }

  private async recordedAtOf(position: number): Promise<string | undefined> {
    if (position <= 0) return undefined;
    const [event] = await this.history.readAll({ afterPosition: position - 1, limit: 1 });
    return event?.recordedAt;
  }

  /** A scope of the caller's tenant they may read (404 if unknown there, 403 if not theirs to see). */
  async readableScope(principal: Principal, scopeId: string, data: ReportData): Promise<ScopeDoc> {
    const scope =
      (await data.scope(scopeId)) ??
      // A scope created after `asOf` is still known today: answer 403/200 consistently.
      (await new ReportData(this.readStore, data.tenantId, data.now).scope(scopeId));
    if (!scope) throw new NotFoundProblem('ISMS scope', scopeId);
    await this.access.assertCan(principal, 'read', { scopeId });
    const then = await data.scope(scopeId);
    if (!then) throw new NotFoundProblem(`ISMS scope (as of ${data.now.toISOString()})`, scopeId);
    return then;
  }

  private visibleUnits(principal: Principal): Set<string> {
    return new Set(this.access.visibleOrgUnitIds(principal, 'read'));
  }

  async consolidation(principal: Principal, query: { orgUnitId?: string; asOf?: AsOf }) {
    const data = await this.data(principal, query.asOf);
    const visible = this.visibleUnits(principal);
    let orgUnitId = query.orgUnitId;
    if (!orgUnitId) {
      // The highest unit the caller may see: the group for group roles, a subsidiary otherwise.
      const units = await new ReportData(this.readStore, data.tenantId, data.now).orgUnits();
      orgUnitId = units
        .filter((u) => visible.has(u.orgUnitId))
        .sort((a, b) => a.path.length - b.path.length)[0]?.orgUnitId;
      if (!orgUnitId) {
        throw new ProblemError(403, 'forbidden', 'Forbidden', 'You may not see any org unit.', {
          reason: 'outside-subtree',
        });
      }
    }
    await this.access.assertCan(principal, 'read', { orgUnitId });
    const report = await consolidation(data, orgUnitId, visible);
    if (!report) throw new NotFoundProblem('Org unit', orgUnitId);
    return report;
  }

  async readiness(principal: Principal, scopeId: string, asOf?: AsOf) {
    const data = await this.data(principal, asOf);
    return readiness(data, await this.readableScope(principal, scopeId, data));
  }

  async soa(principal: Principal, scopeId: string, asOf?: AsOf) {
    const data = await this.data(principal, asOf);
    return soaReport(data, await this.readableScope(principal, scopeId, data));
  }

  async riskRegister(
    principal: Principal,
    scopeId: string,
    options: { asOf?: AsOf; includeClosed?: boolean; basis?: HeatMap['basis'] },
  ) {
    const data = await this.data(principal, options.asOf);
    return riskRegister(data, await this.readableScope(principal, scopeId, data), options);
  }

  async changedSince(principal: Principal, scopeId: string, since: AsOf, until?: AsOf) {
    const after = await this.data(principal, until);
    const scope = await this.readableScope(principal, scopeId, after);
    const before = await this.data(principal, since);
    if (before.now.getTime() > after.now.getTime()) {
      throw new ProblemError(
        400,
        'invalid-request',
        'Invalid request',
        'since must not be after until',
        {
          errors: [{ field: 'query.since', message: 'since must not be after until' }],
        },
      );
    }
    return changedSince(before, after, scope);
  }

  async managementReview(
    principal: Principal,
    scopeId: string,
    period: { from: string; to: string },
    asOf?: AsOf,
  ) {
    const data = await this.data(principal, asOf);
    return managementReviewPack(data, await this.readableScope(principal, scopeId, data), period);
  }

  // ─── Decision log ────────────────────────────────────────────────────────────────────────

  /** The decision-log filter for a caller: tenant, what they may see, and their filters. */
  private async decisionFilter(
    principal: Principal,
    query: Omit<DecisionLogQuery, 'limit' | 'cursor'>,
    data: ReportData,
  ): Promise<Filter> {
    const conditions: Filter[] = [{ tenantId: data.tenantId }];
    if (principal.kind === 'external-auditor') {
      const granted = this.access.grantedScopeIds(principal);
      if (query.scopeId) await this.access.assertCan(principal, 'read', { scopeId: query.scopeId });
      conditions.push({ scopeIds: { $in: query.scopeId ? [query.scopeId] : granted } });
    } else {
      const visible = [...this.visibleUnits(principal)];
      conditions.push({ orgUnitId: { $in: visible } });
      if (query.scopeId) {
        await this.readableScope(principal, query.scopeId, data);
        conditions.push({ scopeIds: query.scopeId });
      }
    }
    if (query.orgUnitId) {
      await this.access.assertCan(principal, 'read', { orgUnitId: query.orgUnitId });
      const units = await data.orgUnits();
      const subtree = units
        .filter((u) => u.path.includes(query.orgUnitId!))
        .map((u) => u.orgUnitId);
      conditions.push({ orgUnitId: { $in: subtree.length ? subtree : [query.orgUnitId] } });
    }
    if (query.personId) conditions.push({ actorId: query.personId });
    if (query.type) conditions.push({ type: query.type });
    if (query.context) conditions.push({ context: query.context });
    if (query.from) conditions.push({ recordedAt: { $gte: query.from } });
    if (query.to) conditions.push({ recordedAt: { $lte: query.to } });
    return { $and: conditions };
  }

  async decisionLog(principal: Principal, query: DecisionLogQuery) {
    const data = await this.data(principal, query.asOf);
    const page = await paginate(
      data.store.collection<DecisionDoc>(ReportingCollections.Decisions),
      await this.decisionFilter(principal, query, data),
      {
        sortBy: 'globalPosition',
        direction: -1,
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      },
    );
    const chains = await this.verifyStreams(page.items.map((d) => d.streamId));
    const items = page.items.map((doc) => ({
      ...bodyOf(doc),
      verification: verificationOf(chains.get(doc.streamId)!, doc.streamRevision),
    }));
    const broken = [...chains.values()].filter((c) => !c.valid);
    const unknown = [...chains.values()].filter(unverifiable);
    return {
      asOf: data.now.toISOString(),
      verification: {
        streamsChecked: chains.size,
        allVerified: broken.length === 0 && unknown.length === 0,
        unverifiableStreams: unknown.length,
        brokenStreams: broken.map((c) => ({
          streamId: c.streamId,
          firstInvalid: c.firstInvalid ?? null,
          detail: c.detail ?? null,
        })),
      },
      items,
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }

  /**
   * Verifies the hash chain of every stream holding a decision the caller may see (with the
   * log's filters): the whole history behind the log, not one page of it.
   */
  async verifyDecisionLog(principal: Principal, query: Omit<DecisionLogQuery, 'limit' | 'cursor'>) {
    const data = await this.data(principal, query.asOf);
    const decisions = await data.store
      .collection<DecisionDoc>(ReportingCollections.Decisions)
      .find(await this.decisionFilter(principal, query, data), {
        projection: { streamId: 1, streamRevision: 1 },
      });
    const chains = await this.verifyStreams(decisions.map((d) => d.streamId));
    const broken = [...chains.values()].filter((c) => !c.valid);
    const unknown = [...chains.values()].filter(unverifiable);
    return {
      verifiedAt: this.clock.now().toISOString(),
      decisions: decisions.length,
      streamsChecked: chains.size,
      eventsChecked: [...chains.values()].reduce((n, c) => n + c.eventsChecked, 0),
      allVerified: broken.length === 0 && unknown.length === 0,
      unverifiableStreams: unknown.length,
      brokenStreams: broken.map((c) => ({
        streamId: c.streamId,
        firstInvalid: c.firstInvalid ?? null,
        detail: c.detail ?? null,
        decisionsAffected: decisions.filter(
          (d) =>
            d.streamId === c.streamId && d.streamRevision >= (c.firstInvalid?.streamRevision ?? 0),
        ).length,
      })),
    };
  }

  /** Every decision of the filter, all pages (for exports). */
  async allDecisions(principal: Principal, query: Omit<DecisionLogQuery, 'limit' | 'cursor'>) {
    const items: Awaited<ReturnType<ReportingService['decisionLog']>>['items'] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 500; page += 1) {
      const result = await this.decisionLog(principal, {
        ...query,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      items.push(...result.items);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return items;
  }

  private async verifyStreams(
    streamIds: readonly string[],
  ): Promise<Map<string, ChainVerification>> {
    const verified = await this.history.verifyStreams(streamIds);
    return new Map(verified.map((chain) => [chain.streamId, chain]));
  }

  // ─── Exports ─────────────────────────────────────────────────────────────────────────────

  async soaTable(principal: Principal, scopeId: string, asOf?: AsOf): Promise<ExportTable> {
    const report = await this.soa(principal, scopeId, asOf);
    return {
      name: `SoA ${report.scopeName}`,
      columns: [
        'Catalogue',
        'Control',
        'Applicable',
        'Inclusion reasons',
        'Justification',
        'Implementation status',
        'Owner',
        'Implementation',
        'Linked risks',
        'Last test result',
        'Next test due',
        'Valid evidence',
        'Expired evidence',
        'Decision needed',
      ],
      rows: report.lines.map((l) => [
        l.catalogueId,
        l.controlId,
        l.applicable ? 'yes' : 'no',
        l.inclusionReasons.join('; '),
        l.justification,
        l.implementationStatus,
        l.ownerPersonId,
        l.implementationDescription,
        l.risks.map((r) => r.title).join('; '),
        l.lastTestResult,
        l.nextTestDue,
        l.validEvidence,
        l.expiredEvidence,
        l.decisionNeeded,
      ]),
    };
  }

  async riskTable(
    principal: Principal,
    scopeId: string,
    options: { asOf?: AsOf; includeClosed?: boolean },
  ): Promise<ExportTable> {
    const report = await this.riskRegister(principal, scopeId, options);
    return {
      name: `Risk register ${report.scopeName}`,
      columns: [
        'Risk id',
        'Title',
        'Org unit',
        'Owner',
        'Status',
        'Inherent level',
        'Inherent likelihood',
        'Inherent impact',
        'Treatment',
        'Residual level',
        'Residual likelihood',
        'Residual impact',
        'Above appetite',
        'Open actions',
        'Overdue actions',
        'Next review due',
        'Acceptance',
        'Accepted by',
        'Accepted at',
      ],
      rows: report.risks.map((r) => [
        r.riskId,
        r.title,
        r.orgUnitId,
        r.ownerPersonId,
        r.status,
        r.inherent?.levelLabel ?? null,
        r.inherent?.likelihood ?? null,
        r.inherent?.impact ?? null,
        r.treatment,
        r.residual?.levelLabel ?? null,
        r.residual?.likelihood ?? null,
        r.residual?.impact ?? null,
        r.aboveAppetite ? 'yes' : 'no',
        r.actions.filter((a) => !a.completedAt).length,
        r.overdueActions,
        r.nextReviewDue,
        r.acceptance?.status ?? null,
        r.acceptance?.acceptedBy ?? null,
        r.acceptance?.acceptedAt ?? null,
      ]),
    };
  }

  async decisionTable(
    principal: Principal,
    query: Omit<DecisionLogQuery, 'limit' | 'cursor'>,
  ): Promise<ExportTable> {
    const items = await this.allDecisions(principal, query);
    return {
      name: 'Decision log',
      columns: [
        'Recorded at',
        'Decision',
        'Event type',
        'Summary',
        'Actor',
        'Actor name',
        'Role',
        'Reason',
        'Org unit',
        'Scopes',
        'Subject',
        'Stream',
        'Revision',
        'Position',
        'Hash',
        'Verification',
      ],
      rows: items.map((d) => [
        d.recordedAt,
        d.decision,
        d.type,
        d.summary,
        d.actorId,
        d.actorName,
        d.actorRole,
        d.reason,
        d.orgUnitId,
        d.scopeIds.join('; '),
        d.subjectId,
        d.streamId,
        d.streamRevision,
        d.globalPosition,
        d.hash,
        d.verification.status,
      ]),
    };
  }

  // ─── Operations ──────────────────────────────────────────────────────────────────────────

  /** Rebuilding is an operator's act on the tenant's group: group administrators only. */
  private async assertOperator(principal: Principal): Promise<void> {
    const tenantId = this.tenantOf(principal);
    const root = this.access.directory.tenant(tenantId)?.rootOrgUnitId;
    await this.access.assertCan(principal, 'governance:structure:manage', {
      ...(root ? { orgUnitId: root } : {}),
    });
  }

  async projectionStatus(principal: Principal) {
    await this.assertOperator(principal);
    const statuses = await this.projections.status();
    return (
      statuses
        // In a service fed from other contexts' topics, a read model reports as `<name>@<feed>`.
        .filter((s) => REPORTING_PROJECTION_NAMES.includes(projectionOfStatus(s.name)))
        .map(({ name, state, checkpoint, headPosition, lag, eventsApplied }) => ({
          name,
          state,
          checkpoint,
          headPosition,
          lag,
          eventsApplied,
        }))
    );
  }

  /**
   * Clears a reporting read model and replays it from the first event; waits up to `waitMs` for
   * the replay to reach the head. `rebuilt` false: still replaying (its progress is in
   * `projectionStatus`). Commands do not wait for a read model being rebuilt meanwhile.
   */
  async rebuild(principal: Principal, name: string, waitMs: number) {
    await this.assertOperator(principal);
    if (!REPORTING_PROJECTION_NAMES.includes(name)) {
      throw new NotFoundProblem('Reporting read model', name);
    }
    const started = Date.now();
    await this.projections.rebuild(name);
    let rebuilt: boolean;
    try {
      rebuilt = await this.projections.waitForRebuild(name, waitMs);
    } catch (error) {
      if (!(error instanceof ProjectionFailedError)) throw error;
      throw new ProblemError(503, 'read-model-failed', 'Read model failed', error.message, {
        name,
      });
    }
    // In the reporting service a read model fed from Kafka only reports as `<name>@kafka`.
    const statuses = await this.projections.status();
    const status =
      statuses.find((s) => s.name === name) ??
      statuses.find((s) => projectionOfStatus(s.name) === name);
    return {
      name,
      rebuilt,
      ...(rebuilt ? { rebuiltInMs: Date.now() - started } : {}),
      state: status?.state,
      checkpoint: status?.checkpoint,
      headPosition: status?.headPosition,
      lag: status?.lag,
    };
  }
}

/** How one decision stands, given its stream’s chain verification. */
export function verificationOf(chain: ChainVerification, revision: number): Verification {
  if (unverifiable(chain)) return { status: 'unverifiable', detail: NOT_HERE };
  if (chain.valid) return { status: 'verified' };
  const first = chain.firstInvalid;
  if (!first)
    return {
      status: 'broken',
      problem: chain.detail ?? 'unverifiable',
      firstInvalidRevision: 0,
      firstInvalidEventId: '',
    };
  if (first.streamRevision <= revision) {
    return {
      status: 'broken',
      problem: first.problem,
      firstInvalidRevision: first.streamRevision,
      firstInvalidEventId: first.eventId,
    };
  }
  return { status: 'chain-broken-later', firstInvalidRevision: first.streamRevision };
}
