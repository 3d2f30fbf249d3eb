import { deciderSpec } from '@isms/event-sourcing/testing';
import { AuditEventTypes as T } from '@isms/contracts';
import type { EstablishProgramme, SampleSites } from './commands.js';
import { programmeCoverage } from './coverage.js';
import { programme } from './programme.js';
import type { ProgrammeEvent } from './events.js';
import { proposeSample, requiredSampleSize } from './site-sampling.js';

describe('IAF MD 1 site sample size (⌈factor·√n⌉, central function on top)', () => {
  it.each([
    ['initial', 1, 1],
    ['initial', 4, 2],
    ['initial', 10, 4],
    ['initial', 25, 5],
    ['surveillance', 4, 2],
    ['surveillance', 10, 2],
    ['surveillance', 25, 3],
    ['recertification', 10, 3],
    ['recertification', 25, 4],
    ['initial', 0, 0],
  ] as const)('%s audit of %i sites → %i', (kind, n, expected) => {
    expect(requiredSampleSize(kind, n)).toBe(expected);
  });

  it('proposes sites not yet audited in the cycle first', () => {
    expect(
      proposeSample(['a', 'b', 'c', 'd'], [{ cycleYear: 1, siteOrgUnitIds: ['a', 'c'] }], 2),
    ).toEqual(['b', 'd']);
    expect(
      proposeSample(
        ['a', 'b', 'c'],
        [
          { cycleYear: 1, siteOrgUnitIds: ['a', 'b'] },
          { cycleYear: 2, siteOrgUnitIds: ['c'] },
        ],
        2,
      ),
    ).toEqual(['a', 'b']);
  });
});

const spec = deciderSpec(programme);
const establish: EstablishProgramme = {
  type: 'EstablishProgramme',
  programmeId: 'audit-programme-1',
  scopeId: 'isms-scope-1',
  orgUnitId: 'ou-group',
  cycle: 'initial',
  firstYear: 2026,
  centralFunctionOrgUnitId: 'ou-hq',
  siteOrgUnitIds: ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10'],
  by: 'person-auditor',
};
const established: readonly ProgrammeEvent[] = programme.decide(
  establish,
  programme.initialState(),
);
const year = (cycleYear: number, sites?: string[]): SampleSites => ({
  type: 'SampleSites',
  cycleYear,
  ...(sites ? { siteOrgUnitIds: sites } : {}),
  reason: 'Rotation',
  by: 'person-auditor',
});

describe('audit programme (9.2)', () => {
  it('programme-already-established: one programme per scope', () => {
    spec.given(established).when(establish).thenRejects('programme-already-established');
  });

  it('central-function-is-not-a-sampled-site: the central function is audited every year', () => {
    spec
      .given([])
      .when({ ...establish, siteOrgUnitIds: ['ou-hq', 's1'] })
      .thenRejects('central-function-is-not-a-sampled-site');
  });

  it('programme-sites-distinct: each site is listed once', () => {
    spec
      .given([])
      .when({ ...establish, siteOrgUnitIds: ['s1', 's1'] })
      .thenRejects('programme-sites-distinct');
  });

  it('programme-first-year-invalid: the cycle starts in a calendar year', () => {
    spec
      .given([])
      .when({ ...establish, firstYear: 26 })
      .thenRejects('programme-first-year-invalid');
  });

  it('programme-unknown: sites are sampled in an established programme', () => {
    spec.given([]).when(year(1)).thenRejects('programme-unknown');
  });

  it('year 1 of an initial cycle samples ⌈√n⌉ sites, proposed in order', () => {
    spec
      .given(established)
      .when(year(1))
      .then([
        {
          type: T.ProgrammeSitesSampled,
          data: {
            programmeId: 'audit-programme-1',
            scopeId: 'isms-scope-1',
            orgUnitId: 'ou-group',
            cycleYear: 1,
            year: 2026,
            auditKind: 'initial',
            siteCount: 10,
            requiredSampleSize: 4,
            centralFunctionOrgUnitId: 'ou-hq',
            sampledSiteOrgUnitIds: ['s1', 's2', 's3', 's4'],
            sampledBy: 'person-auditor',
            reason: 'Rotation',
          },
        },
      ]);
  });

  it('surveillance years sample ⌈0.6·√n⌉ and propose the sites not yet audited', () => {
    const y1 = programme.decide(year(1), spec.stateAfter(established));
    const [y2] = programme.decide(year(2), spec.stateAfter([...established, ...y1]));
    expect(y2?.data).toMatchObject({
      auditKind: 'surveillance',
      year: 2027,
      requiredSampleSize: 2,
      sampledSiteOrgUnitIds: ['s5', 's6'],
    });
  });

  it('a recertification cycle samples ⌈0.8·√n⌉ in year 1', () => {
    const recert = programme.decide(
      { ...establish, cycle: 'recertification' },
      programme.initialState(),
    );
    const [y1] = programme.decide(year(1), spec.stateAfter(recert));
    expect(y1?.data).toMatchObject({ auditKind: 'recertification', requiredSampleSize: 3 });
  });

  it('sample-too-small: a chosen sample meets the IAF MD 1 minimum', () => {
    spec
      .given(established)
      .when(year(1, ['s1', 's2', 's3']))
      .thenRejects('sample-too-small', /at least 4 of 10/);
  });

  it('site-not-in-programme: only the programme’s sites are sampled', () => {
    spec
      .given(established)
      .when(year(1, ['s1', 's2', 's3', 'elsewhere']))
      .thenRejects('site-not-in-programme');
  });

  it('cycle-year-already-sampled: one sample per year', () => {
    const y1 = programme.decide(year(1), spec.stateAfter(established));
    spec
      .given([...established, ...y1])
      .when(year(1))
      .thenRejects('cycle-year-already-sampled');
  });

  it('cycle-year-out-of-range: a cycle has years 1 to 3', () => {
    spec.given(established).when(year(4)).thenRejects('cycle-year-out-of-range');
  });

  it('sample-needs-reason: a sample says why these sites', () => {
    spec
      .given(established)
      .when({ ...year(1), reason: '' })
      .thenRejects('sample-needs-reason');
  });
});

describe('programme coverage over the cycle', () => {
  it('lists the clauses and applicable controls no engagement covers', () => {
    const coverage = programmeCoverage(
      ['iso27001-2022:5.15', 'iso27001-2022:8.5'],
      [
        {
          engagementId: 'e1',
          cycleYear: 1,
          status: 'planned',
          checklist: [
            { kind: 'clause', ref: '4.1' },
            { kind: 'control', ref: 'iso27001-2022:5.15' },
          ],
        },
      ],
    );
    expect(coverage.clauseGaps).toHaveLength(22);
    expect(coverage.clauseGaps).not.toContain('4.1');
    expect(coverage.controlGaps).toEqual(['iso27001-2022:8.5']);
    expect(coverage.controls[0]).toEqual({
      ref: 'iso27001-2022:5.15',
      years: [1],
      engagementIds: ['e1'],
    });
    expect(coverage.complete).toBe(false);
  });
});
