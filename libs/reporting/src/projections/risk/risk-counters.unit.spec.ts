import { InMemoryReadStore } from '@isms/read-store';
import { consolidation } from '../../application/consolidation.js';
import { ReportData } from '../../application/report-data.js';
import {
  Recorder,
  SCOPE,
  TENANT,
  UNITS,
  actionCompleted,
  checkAgainstEveryRisk,
  checkRedeliveryAndCrashes,
  counters,
  feed,
  orgHistory,
} from '../../testing/risk-history.js';
import {
  inherentAssessed,
  riskClosed,
  riskIdentified,
  treatmentDecided,
  treatmentPlanned,
} from '../../testing/events.js';
import { orgUnitsProjection } from '../governance/governance.projection.js';
import { bodyOf } from '../guarded.js';
import { ReportingCollections as RC } from '../read-models.js';
import {
  countBefore,
  decodeKey,
  emptyRiskCounters,
  movedContribution,
  encodeKey,
  histogramEntries,
} from './risk-counters.js';
import { risksProjection } from './risk.projection.js';

describe('risk counters per org unit (group consolidation)', () => {
  it('counts a risk at its unit, moves it with a replanned treatment, and drops it when closed', async () => {
    const r = new Recorder();
    const store = new InMemoryReadStore();
    const projections = [orgUnitsProjection(store), risksProjection(store)];
    const place = { orgUnitId: 'site-a1', scopeId: SCOPE, owner: 'o' };
    const action = (dueDate: string) => ({
      actionId: 'a1',
      title: 'Act',
      ownerPersonId: 'o',
      dueDate,
    });
    await feed(projections, [
      ...orgHistory(r),
      r.rec('risk-1', 'risk', riskIdentified('risk-1', place, 'Ransomware', '2026-03-01')),
      r.rec('risk-1', 'risk', inherentAssessed('risk-1', 3, 3, '2026-03-01', '2026-06-01')),
      r.rec('risk-1', 'risk', treatmentDecided('risk-1', '2026-03-01')),
    ]);
    expect(await counters(store, 'site-a1')).toMatchObject({
      open: 1,
      byLevel: { high: 1 },
      byStatus: { 'treatment-decided': 1 },
      aboveAppetite: 1,
      aboveAppetiteByRank: { '2': 1 },
      reviewsByDueDate: { '2026-06-01': 1 },
    });
    await feed(projections, [
      r.rec(
        'risk-1',
        'risk',
        treatmentPlanned(
          'risk-1',
          { orgUnitId: 'site-b1', scopeId: SCOPE },
          [action('2026-03-10')],
          [],
          '2026-03-02',
        ),
      ),
    ]);
    expect(await counters(store, 'site-a1')).toMatchObject({
      open: 0,
      byLevel: {},
      byStatus: {},
      aboveAppetite: 0,
      aboveAppetiteByRank: {},
      reviewsByDueDate: {},
    });
    expect(await counters(store, 'site-b1')).toMatchObject({
      open: 1,
      byStatus: { 'treatment-planned': 1 },
      openActionsByDueDate: { '2026-03-10': 1 },
      risksByFirstOpenActionDue: { '2026-03-10': 1 },
    });
    await feed(projections, [r.rec('risk-1', 'risk', riskClosed('risk-1', '2026-03-03'))]);
    expect(await counters(store, 'site-b1')).toMatchObject({
      open: 0,
      byStatus: {},
      openActionsByDueDate: {},
      risksByFirstOpenActionDue: {},
    });
  });

  it('counts a risk whose document predates the counters once, without taking anything back', async () => {
    const r = new Recorder();
    const store = new InMemoryReadStore();
    const projections = [orgUnitsProjection(store), risksProjection(store)];
    const place = { orgUnitId: 'sub-b', scopeId: SCOPE, owner: 'o' };
    const identified = r.rec(
      'risk-1',
      'risk',
      riskIdentified('risk-1', place, 'Old', '2026-03-01'),
    );
    await feed(projections, [...orgHistory(r), identified]);
    // As an earlier version stored it: no attention fields, no unit counters.
    const risks = store.collection<Record<string, unknown>>(RC.Risks);
    const { attentionRank, openActionDueDates, ...legacy } = bodyOf((await risks.get('risk-1'))!);
    void attentionRank;
    void openActionDueDates;
    await risks.delete('risk-1');
    await risks.upsert('risk-1', legacy, { revision: 1 });
    await store.collection(RC.RiskCounters).drop();
    await feed(projections, [
      r.rec('risk-1', 'risk', inherentAssessed('risk-1', 1, 1, '2026-03-01', '2026-06-01')),
      r.rec('risk-1', 'risk', treatmentDecided('risk-1', '2026-03-01')),
    ]);
    expect(await counters(store, 'sub-b')).toMatchObject({
      open: 1,
      byLevel: { low: 1 },
      byStatus: { 'treatment-decided': 1 },
    });
    expect((await counters(store, 'sub-b'))?.byStatus).toEqual({ 'treatment-decided': 1 });
  });

  it('judges the time-dependent counts on the report’s day, not when events arrive', async () => {
    const r = new Recorder();
    const store = new InMemoryReadStore();
    const projections = [orgUnitsProjection(store), risksProjection(store)];
    const place = { orgUnitId: 'sub-a', scopeId: SCOPE };
    const actions = [
      { actionId: 'a1', title: 'First', ownerPersonId: 'o', dueDate: '2026-03-10' },
      { actionId: 'a2', title: 'Second', ownerPersonId: 'o', dueDate: '2026-03-12' },
    ];
    await feed(projections, [
      ...orgHistory(r),
      r.rec(
        'risk-1',
        'risk',
        riskIdentified('risk-1', { ...place, owner: 'o' }, 'R1', '2026-03-01'),
      ),
      r.rec('risk-1', 'risk', inherentAssessed('risk-1', 2, 2, '2026-03-01', '2026-03-11')),
      r.rec('risk-1', 'risk', treatmentDecided('risk-1', '2026-03-01')),
      r.rec('risk-1', 'risk', treatmentPlanned('risk-1', place, actions, [], '2026-03-01')),
    ]);
    const all = new Set(UNITS.map(([id]) => id));
    const on = async (day: string) =>
      (await consolidation(
        new ReportData(store, TENANT, new Date(`${day}T09:00:00Z`)),
        'root',
        all,
      ))!.totals.risks;
    expect(await on('2026-03-10')).toMatchObject({
      overdueTreatmentActions: 0,
      risksWithOverdueActions: 0,
      overdueReviews: 0,
    });
    expect(await on('2026-03-11')).toMatchObject({
      overdueTreatmentActions: 1,
      risksWithOverdueActions: 1,
      overdueReviews: 0,
    });
    expect(await on('2026-03-13')).toMatchObject({
      overdueTreatmentActions: 2,
      risksWithOverdueActions: 1,
      overdueReviews: 1,
    });
    // Completing the earlier action moves the risk's first open due date to the later one.
    await feed(projections, [r.rec('risk-1', 'risk', actionCompleted('risk-1', 'a1'))]);
    expect(await on('2026-03-11')).toMatchObject({
      overdueTreatmentActions: 0,
      risksWithOverdueActions: 0,
    });
    expect(await on('2026-03-13')).toMatchObject({
      overdueTreatmentActions: 1,
      risksWithOverdueActions: 1,
    });
  });

  it('neither double-counts nor loses a count under redelivery and crashes between writes', async () => {
    await checkRedeliveryAndCrashes(() => new InMemoryReadStore(), { seed: 7, risks: 150 });
  });

  it('gives the same counts and attention lists as counting every risk, on any day and subtree', async () => {
    await checkAgainstEveryRisk(new InMemoryReadStore(), { seed: 42, risks: 300, truncated: true });
  });

  it('encodes map keys the document store refuses, and decodes them back', () => {
    for (const key of ['2026-03-10', 'very.high', '$top', '100%', 'a%2Eb']) {
      expect(encodeKey(key)).not.toMatch(/[.$]/);
      expect(decodeKey(encodeKey(key))).toBe(key);
    }
  });

  it('keeps date histograms sorted and counts before a day, odd dates included', () => {
    let doc = emptyRiskCounters(TENANT, 'sub-a', 0);
    const contribution = (dates: string[]) => ({
      tenantId: TENANT,
      orgUnitId: 'sub-a',
      level: 'high',
      status: 'assessed',
      aboveAppetiteRank: null,
      openActionDueDates: dates,
      firstOpenActionDue: null,
      nextReviewDue: null,
      acceptanceNeedsReapproval: false,
    });
    doc = movedContribution(doc, null, contribution(['2026-03-12', '2026-03-10', '2026-03-10']));
    doc = movedContribution(doc, null, contribution(['2026-03-11']));
    expect(doc.openActionsByDueDate).toBe('2026-03-10:2,2026-03-11:1,2026-03-12:1');
    expect(countBefore(doc.openActionsByDueDate, '2026-03-10')).toBe(0);
    expect(countBefore(doc.openActionsByDueDate, '2026-03-11')).toBe(2);
    expect(countBefore(doc.openActionsByDueDate, '2026-03-13')).toBe(4);
    doc = movedContribution(doc, contribution(['2026-03-10']), null);
    expect(histogramEntries(doc.openActionsByDueDate)).toEqual([
      ['2026-03-10', 1],
      ['2026-03-11', 1],
      ['2026-03-12', 1],
    ]);
    // Separators and '%' in a date are encoded; the scan then reads every entry.
    doc = movedContribution(doc, null, contribution(['2026-03-10T08:00,x%', '2026-03-09:00']));
    expect(histogramEntries(doc.openActionsByDueDate)).toContainEqual(['2026-03-10T08:00,x%', 1]);
    expect(countBefore(doc.openActionsByDueDate, '2026-03-10T09')).toBe(3);
    expect(countBefore(doc.openActionsByDueDate, '2026-03-10')).toBe(1);
  });

  it('moves a contribution by its net change, leaving what it does not change as it was', () => {
    const risk = {
      tenantId: TENANT,
      orgUnitId: 'sub-a',
      level: 'high',
      status: 'treatment-planned',
      aboveAppetiteRank: 2,
      openActionDueDates: ['2026-03-10', '2026-04-01'],
      firstOpenActionDue: '2026-03-10',
      nextReviewDue: '2026-09-01',
      acceptanceNeedsReapproval: false,
    };
    const before = movedContribution(emptyRiskCounters(TENANT, 'sub-a', 0), null, risk);
    // One action completed: the status and the review stay, one due date goes.
    const after = movedContribution(before, risk, {
      ...risk,
      openActionDueDates: ['2026-04-01'],
      firstOpenActionDue: '2026-04-01',
    });
    expect(after.byLevel).toBe(before.byLevel);
    expect(after.byStatus).toBe(before.byStatus);
    expect(after.aboveAppetiteByRank).toBe(before.aboveAppetiteByRank);
    expect(after.reviewsByDueDate).toBe(before.reviewsByDueDate);
    expect(after.openActionsByDueDate).toBe('2026-04-01:1');
    expect(after.risksByFirstOpenActionDue).toBe('2026-04-01:1');
    expect(after).toMatchObject({
      open: 1,
      aboveAppetite: 1,
      byStatus: { 'treatment-planned': 1 },
    });
    // Taken out whole: back to empty counts, nothing left at zero.
    expect(
      movedContribution(
        after,
        { ...risk, openActionDueDates: ['2026-04-01'], firstOpenActionDue: '2026-04-01' },
        null,
      ),
    ).toEqual(emptyRiskCounters(TENANT, 'sub-a', 0));
  });
});
