import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import {
  GovernanceEventTypes as G,
  GovernanceStreamTypes as GS,
  RiskEventTypes as R,
} from '@isms/contracts';
import type { RiskRating, TreatmentAction } from '@isms/contracts';
import type {
  Filter,
  FindOptions,
  ReadCollection,
  ReadStore,
  StreamPosition,
  StoredDocument,
  UpsertOptions,
} from '@isms/read-store';
import { consolidation } from '../application/consolidation.js';
import { ReportData } from '../application/report-data.js';
import { orgUnitsProjection } from '../projections/governance/governance.projection.js';
import { ReportingCollections as RC } from '../projections/read-models.js';
import type { RiskCountersDoc, RiskDoc } from '../projections/read-models.js';
import { entriesBefore, sumRiskCounters } from '../projections/risk/risk-counters.js';
import { risksProjection } from '../projections/risk/risk.projection.js';
import {
  acceptanceStale,
  inherentAssessed,
  rating,
  residualAssessed,
  riskAccepted,
  riskClosed,
  riskIdentified,
  treatmentDecided,
  treatmentPlanned,
} from './events.js';

/*
 * Random risk histories for the group consolidation's risk counters, and the checks both read
 * stores pass (in memory in the unit spec, FerretDB/MongoDB in the int spec): redelivery and
 * crashes between writes change nothing, and the counts equal a count over every risk.
 */

export const TENANT = 'tenant-a';
export const ORG = 'org-structure-a';
export const SCOPE = 'scope-a';

/** A small deterministic PRNG (mulberry32), so a failing history can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Recorder {
  private position = 0;
  private readonly revisions = new Map<string, number>();

  rec(streamId: string, streamType: string, event: { type: string; data: unknown }): RecordedEvent {
    this.position += 1;
    const revision = (this.revisions.get(streamId) ?? 0) + 1;
    this.revisions.set(streamId, revision);
    const at = '2026-03-02T10:00:00.000Z';
    return {
      ...event,
      eventId: `evt-${this.position}`,
      tenantId: TENANT,
      streamId,
      streamType,
      streamRevision: revision,
      globalPosition: this.position,
      schemaVersion: 1,
      metadata: {
        actor: { userId: 'person-ciso', role: 'ciso' },
        correlationId: 'c',
        occurredAt: at,
      },
      recordedAt: at,
      previousHash: null,
      hash: `hash-${this.position}`,
    };
  }
}

export const UNITS: readonly [string, string | null, string][] = [
  ['root', null, 'group'],
  ['sub-a', 'root', 'subsidiary'],
  ['site-a1', 'sub-a', 'site'],
  ['site-a2', 'sub-a', 'site'],
  ['sub-b', 'root', 'subsidiary'],
  ['site-b1', 'sub-b', 'site'],
];

export function orgHistory(r: Recorder): RecordedEvent[] {
  return UNITS.map(([orgUnitId, parentId, kind]) =>
    r.rec(ORG, GS.OrgStructure, {
      type: G.OrgUnitCreated,
      data: { orgUnitId, parentId, kind, name: orgUnitId },
    }),
  );
}

export const actionCompleted = (riskId: string, actionId: string) => ({
  type: R.TreatmentActionCompleted,
  data: { riskId, actionId, note: '', completedBy: 'o', completedAt: '2026-03-05' },
});
const riskReviewed = (riskId: string, nextReviewDue: string) => ({
  type: R.RiskReviewed,
  data: { riskId, notes: '', reviewedBy: 'o', reviewedAt: '2026-03-05', nextReviewDue },
});
const ownerReassigned = (riskId: string) => ({
  type: R.RiskOwnerReassigned,
  data: { riskId, previousOwnerPersonId: 'o', ownerPersonId: 'p', reason: 'Moved' },
});

/**
 * A random risk history: each risk goes some way through its lifecycle, its plan may be
 * replanned at another unit (a move), actions complete, reviews move, acceptances go stale, some
 * close. Streams are interleaved; each stream's order is kept.
 */
export function randomRiskHistory(
  r: Recorder,
  random: () => number,
  risks: number,
): RecordedEvent[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const units = UNITS.map(([id]) => id);
  const day = () => `2026-03-${String(1 + Math.floor(random() * 20)).padStart(2, '0')}`;
  const ratingOf = (): RiskRating => {
    const base = rating(1 + Math.floor(random() * 3), 1 + Math.floor(random() * 3));
    // Some medium risks above a stricter unit's appetite: more than one rank above appetite.
    return base.level === 'medium' && random() < 0.5 ? { ...base, withinAppetite: false } : base;
  };
  const perStream: RecordedEvent[][] = [];
  for (let i = 0; i < risks; i += 1) {
    const riskId = `risk-${String(i).padStart(4, '0')}`;
    const events: { type: string; data: unknown }[] = [];
    const place = () => ({ orgUnitId: pick(units), scopeId: SCOPE, owner: 'o' });
    events.push(riskIdentified(riskId, place(), riskId, '2026-03-01T10:00:00.000Z'));
    const steps = Math.floor(random() * 9);
    let actions: TreatmentAction[] = [];
    for (let step = 0; step < steps; step += 1) {
      switch (step) {
        case 0:
          events.push({
            ...inherentAssessed(riskId, 1, 1, '2026-03-01', day()),
            data: {
              ...inherentAssessed(riskId, 1, 1, '2026-03-01', day()).data,
              rating: ratingOf(),
            },
          });
          break;
        case 1:
          events.push(treatmentDecided(riskId, '2026-03-01'));
          break;
        case 2:
        case 5: {
          const n = Math.floor(random() * 4);
          actions = Array.from({ length: n }, (_, k) => ({
            actionId: `a${k}`,
            title: `Action ${k}`,
            ownerPersonId: 'o',
            dueDate: day(),
          }));
          events.push(treatmentPlanned(riskId, place(), actions, ['5.1'], '2026-03-01'));
          break;
        }
        case 3:
          for (const a of actions)
            if (random() < 0.4) events.push(actionCompleted(riskId, a.actionId));
          events.push(ownerReassigned(riskId));
          break;
        case 4: {
          const residual = residualAssessed(riskId, 1, 1, '2026-03-02', day());
          events.push({ ...residual, data: { ...residual.data, rating: ratingOf() } });
          if (random() < 0.6) events.push(riskAccepted(riskId, 'low', '2026-03-02', day()));
          break;
        }
        case 6:
          if (random() < 0.5) events.push(acceptanceStale(riskId, '2026-03-03'));
          events.push(riskReviewed(riskId, day()));
          break;
        case 7:
          if (random() < 0.5) events.push(riskClosed(riskId, '2026-03-04'));
          break;
      }
    }
    perStream.push(events.map((e) => r.rec(riskId, 'risk', e)));
  }
  const merged: RecordedEvent[] = [];
  const cursors = perStream.map(() => 0);
  let left = perStream.reduce((n, s) => n + s.length, 0);
  while (left > 0) {
    const s = Math.floor(random() * perStream.length);
    if (cursors[s]! >= perStream[s]!.length) continue;
    merged.push(perStream[s]![cursors[s]!]!);
    cursors[s]! += 1;
    left -= 1;
  }
  return merged;
}

export class Crash extends Error {}

/**
 * A read store whose process "dies" right after a write now and then: the write is done, the
 * projection's apply fails before its next write, and the event comes again.
 */
export class CrashingReadStore implements ReadStore {
  crashes = 0;
  constructor(
    private readonly inner: ReadStore,
    private readonly random: () => number,
    private readonly rate: number,
  ) {}

  private after<T>(result: T): T {
    if (this.random() < this.rate) {
      this.crashes += 1;
      throw new Crash('crashed after a write');
    }
    return result;
  }

  collection<T extends object = Record<string, unknown>>(name: string): ReadCollection<T> {
    const c = this.inner.collection<T>(name);
    return {
      name: c.name,
      get: (id: string) => c.get(id),
      find: (filter?: Filter, options?: FindOptions) => c.find(filter, options),
      count: (filter?: Filter) => c.count(filter),
      upsert: async (id: string, document: T, options?: UpsertOptions) =>
        this.after(await c.upsert(id, document, options)),
      applyEvent: async (
        id: string,
        position: StreamPosition,
        mutate: (current: StoredDocument<T> | undefined) => T | undefined,
      ) => this.after(await c.applyEvent(id, position, mutate)),
      delete: (id: string) => c.delete(id),
      deleteMany: (filter: Filter) => c.deleteMany(filter),
      drop: () => c.drop(),
    };
  }
  health() {
    return this.inner.health();
  }
  close() {
    return this.inner.close();
  }
}

export async function feed(projections: readonly Projection[], events: readonly RecordedEvent[]) {
  for (const event of events) {
    for (const p of projections) {
      if (p.handles?.streamTypes && !p.handles.streamTypes.includes(event.streamType)) continue;
      for (let attempt = 1; ; attempt += 1) {
        try {
          await p.apply(event);
          break;
        } catch (error) {
          if (!(error instanceof Crash) || attempt >= 50) throw error;
        }
      }
    }
  }
}

export async function bodies(store: ReadStore, name: string) {
  return (await store.collection(name).find()).map((d) => {
    const { _version, _revision, _streams, ...body } = d as Record<string, unknown>;
    void _version;
    void _revision;
    void _streams;
    return body;
  });
}

/** The group report's risk counts as they were computed before: over every risk of the units. */
export function countedOverEveryRisk(risks: readonly RiskDoc[], today: string) {
  const open = risks.filter((r) => r.status !== 'closed');
  const byLevel: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  let overdueActions = 0;
  let risksWithOverdue = 0;
  for (const r of open) {
    const level = r.current?.level ?? 'unrated';
    byLevel[level] = (byLevel[level] ?? 0) + 1;
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const overdue = r.actions.filter((a) => !a.completedAt && a.dueDate < today).length;
    overdueActions += overdue;
    if (overdue > 0) risksWithOverdue += 1;
  }
  return {
    open: open.length,
    byLevel,
    byStatus,
    aboveAppetite: open.filter((r) => r.aboveAppetite).length,
    overdueTreatmentActions: overdueActions,
    risksWithOverdueActions: risksWithOverdue,
    overdueReviews: open.filter((r) => r.nextReviewDue !== null && r.nextReviewDue < today).length,
    acceptancesNeedingReapproval: open.filter((r) => r.acceptance?.status === 'needs-re-approval')
      .length,
  };
}

/** The attention lists as they were computed before (risks in id order, stable sorts). */
export function attentionOverEveryRisk(risks: readonly RiskDoc[], today: string) {
  return {
    risksAboveAppetite: risks
      .filter((r) => r.status !== 'closed' && r.aboveAppetite)
      .sort((a, b) => (b.current?.levelRank ?? 0) - (a.current?.levelRank ?? 0))
      .slice(0, 100)
      .map((r) => ({
        riskId: r.riskId,
        title: r.title,
        level: r.current?.level ?? null,
        orgUnitId: r.orgUnitId,
        orgUnitName: r.orgUnitId,
        scopeId: r.scopeId,
      })),
    overdueTreatmentActions: risks
      .filter((r) => r.status !== 'closed')
      .flatMap((r) =>
        r.actions
          .filter((a) => !a.completedAt && a.dueDate < today)
          .map((a) => ({
            riskId: r.riskId,
            title: r.title,
            actionTitle: a.title,
            dueDate: a.dueDate,
            orgUnitName: r.orgUnitId,
          })),
      )
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
      .slice(0, 100),
  };
}

/** A unit's counters summed over its shard documents, date histograms as objects. */
export async function counters(store: ReadStore, orgUnitId: string) {
  const docs = await store.collection<RiskCountersDoc>(RC.RiskCounters).find({ orgUnitId });
  if (docs.length === 0) return undefined;
  const sum = sumRiskCounters(docs);
  const dates = (histograms: string[]) => Object.fromEntries(entriesBefore(histograms, '~'));
  return {
    ...sum,
    openActionsByDueDate: dates(sum.openActionsByDueDate),
    risksByFirstOpenActionDue: dates(sum.risksByFirstOpenActionDue),
    reviewsByDueDate: dates(sum.reviewsByDueDate),
  };
}

/** Redelivery and crashes after any write leave the same read models as a clean run. */
export async function checkRedeliveryAndCrashes(
  create: () => ReadStore | Promise<ReadStore>,
  options: { seed: number; risks: number },
): Promise<void> {
  const random = prng(options.seed);
  const r = new Recorder();
  const events = [...orgHistory(r), ...randomRiskHistory(r, random, options.risks)];
  const clean = await create();
  await feed([orgUnitsProjection(clean), risksProjection(clean)], events);

  const crashing = new CrashingReadStore(await create(), random, 0.2);
  const projections = [orgUnitsProjection(crashing), risksProjection(crashing)];
  for (let i = 0; i < events.length; i += 1) {
    await feed(projections, [events[i]!]);
    // A restart from an older checkpoint: the last few events come again.
    if (random() < 0.1) await feed(projections, events.slice(Math.max(0, i - 8), i + 1));
  }
  expect(crashing.crashes).toBeGreaterThan(options.risks / 2);
  expect(await bodies(crashing, RC.RiskCounters)).toEqual(await bodies(clean, RC.RiskCounters));
  expect(await bodies(crashing, RC.Risks)).toEqual(await bodies(clean, RC.Risks));
  // And the counters are right: the open risks, unit by unit.
  const risks = (await clean.collection<RiskDoc>(RC.Risks).find()).filter(
    (x) => x.status !== 'closed',
  );
  for (const [unit] of UNITS) {
    expect((await counters(clean, unit))?.open ?? 0).toBe(
      risks.filter((x) => x.orgUnitId === unit).length,
    );
  }
}

/** The report's risk counts and attention lists equal those counted over every risk. */
export async function checkAgainstEveryRisk(
  store: ReadStore,
  options: { seed: number; risks: number; truncated: boolean },
): Promise<void> {
  const random = prng(options.seed);
  const r = new Recorder();
  const events = [
    ...orgHistory(r),
    ...randomRiskHistory(r, random, options.risks),
    r.rec(ORG, GS.OrgStructure, {
      type: G.OrgUnitClosed,
      data: { orgUnitId: 'site-b1', reason: 'Sold', closedAt: '2026-03-05' },
    }),
  ];
  await feed([orgUnitsProjection(store), risksProjection(store)], events);
  const everyone = new Set(UNITS.map(([id]) => id));
  const views: [string, Set<string>][] = [
    ['root', everyone],
    ['sub-a', everyone],
    ['root', new Set([...everyone].filter((id) => id !== 'site-a2'))],
  ];
  let truncated = 0;
  for (const today of ['2026-02-28', '2026-03-05', '2026-03-11', '2026-03-20', '2026-03-25']) {
    const data = new ReportData(store, TENANT, new Date(`${today}T09:00:00Z`));
    const units = await data.orgUnits();
    for (const [root, visible] of views) {
      const report = (await consolidation(data, root, visible))!;
      const subtree = units.filter(
        (u) => !u.closed && u.path.includes(root) && visible.has(u.orgUnitId),
      );
      const riskIn = async (ids: string[]) => data.risks({ orgUnitId: { $in: ids } });
      const all = await riskIn(subtree.map((u) => u.orgUnitId));
      expect(report.totals.risks).toEqual(countedOverEveryRisk(all, today));
      const expected = attentionOverEveryRisk(all, today);
      expect(report.attention.risksAboveAppetite).toEqual(expected.risksAboveAppetite);
      expect(report.attention.overdueTreatmentActions).toEqual(expected.overdueTreatmentActions);
      if (expected.overdueTreatmentActions.length === 100) truncated += 1;
      expect(report.own.risks).toEqual(countedOverEveryRisk(await riskIn([root]), today));
      for (const child of report.children) {
        const ids = subtree.filter((u) => u.path.includes(child.orgUnitId)).map((u) => u.orgUnitId);
        expect(child.counters.risks).toEqual(countedOverEveryRisk(await riskIn(ids), today));
      }
    }
  }
  // The lists were cut at 100 somewhere (ties on the last due date included).
  if (options.truncated) expect(truncated).toBeGreaterThan(0);
}
