import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { RiskStreamTypes, controlKey, isRiskEvent } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import type { RiskEvent } from '../../domain/risk/events.js';
import { risk } from '../../domain/risk/risk.js';
import type { RiskRecord } from '../../domain/risk/risk-state.js';
import {
  acceptanceStatus,
  currentRating,
  reliedOnControls,
  riskStatus,
} from '../../domain/risk/risk-state.js';
import type { RiskRegisterEntry } from '../read-models.js';
import { RiskCollections } from '../read-models.js';

export const REGISTER_PROJECTION = 'risk-register';

/**
 * The risk register: one document per risk, folded with the risk decider's own `evolve` (so the
 * register and the rules agree on status and acceptance validity), with the fields the filters
 * need computed in advance.
 */
export function registerProjection(readStore: ReadStore): Projection {
  const register = readStore.collection<RiskRegisterEntry>(RiskCollections.Register);
  return {
    name: REGISTER_PROJECTION,
    handles: { streamTypes: [RiskStreamTypes.Risk] },
    async apply(event: RecordedEvent) {
      if (!isRiskEvent(event)) return;
      const current = await register.get(event.streamId);
      if (current && (current._revision ?? 0) >= event.streamRevision) return;
      const before = current?.record ?? risk.initialState();
      if (before.kind === 'none' && event.streamRevision !== 1) return;
      const record = risk.evolve(before, event as RiskEvent);
      if (record.kind === 'none') return;
      await register.upsert(
        event.streamId,
        registerEntry(
          event.tenantId,
          record,
          current?.identifiedAt ?? event.metadata.occurredAt,
          event.metadata.occurredAt,
          current,
        ),
        { revision: event.streamRevision },
      );
    },
    reset: () => register.drop(),
  };
}

/**
 * The register's entry for a risk record. The views of the parts `previous` (the entry before the
 * event) was made from, and which the event left as they were, are taken from it: the store then
 * keeps them shared between the versions instead of copying them (see the read store's `share`).
 */
export function registerEntry(
  tenantId: string,
  r: RiskRecord,
  identifiedAt: string,
  updatedAt: string,
  previous?: RiskRegisterEntry,
): RiskRegisterEntry {
  const kept = (part: keyof RiskRecord) =>
    previous !== undefined && previous.record[part] === r[part];
  const open = (r.plan?.actions ?? []).filter((a) => !a.completedAt);
  const dues = open.map((a) => a.dueDate).sort();
  const rating = currentRating(r);
  const ratingView = (value: NonNullable<RiskRecord['inherent'] | RiskRecord['residual']>) => ({
    likelihood: value.rating.likelihood,
    impact: value.rating.impact,
    level: value.rating.level,
    levelLabel: value.rating.levelLabel,
    levelRank: value.rating.levelRank,
    withinAppetite: value.rating.withinAppetite,
    methodology: value.rating.methodology,
    rationale: value.rationale,
    assessedBy: value.assessedBy,
    assessedAt: value.assessedAt,
  });
  return {
    tenantId,
    riskId: r.riskId,
    title: r.title,
    description: r.description,
    assetIds: r.assetIds,
    threatCode: r.threatCode,
    vulnerabilityCode: r.vulnerabilityCode,
    ownerPersonId: r.ownerPersonId,
    orgUnitId: r.orgUnitId,
    scopeId: r.scopeId,
    status: riskStatus(r),
    inherent: kept('inherent')
      ? previous!.inherent
      : r.inherent
        ? {
            ...ratingView(r.inherent),
            existingControls: r.inherent.existingControls,
            existingControlRefs: r.inherent.existingControlRefs,
          }
        : null,
    treatment: r.treatment ?? null,
    plan: r.plan ?? null,
    residual: kept('residual') ? previous!.residual : r.residual ? ratingView(r.residual) : null,
    currentLevel: rating?.level ?? null,
    currentLevelRank: rating?.levelRank ?? null,
    aboveAppetite: rating ? !rating.withinAppetite : null,
    controlKeys:
      kept('inherent') && kept('plan')
        ? previous!.controlKeys
        : reliedOnControls(r).map(controlKey),
    openActions: open.length,
    nextOpenActionDue: dues[0] ?? null,
    acceptance: r.acceptance ?? null,
    acceptanceStatus: acceptanceStatus(r) ?? 'none',
    nextReviewDue: r.closed ? null : (r.nextReviewDue ?? null),
    lastReviewedAt: r.lastReviewedAt ?? null,
    closedAt: r.closed?.closedAt ?? null,
    closureReason: r.closed?.reason ?? null,
    identifiedAt,
    updatedAt,
    record: r,
  };
}
