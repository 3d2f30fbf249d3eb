import { deciderSpec } from '@isms/event-sourcing/testing';
import type { RiskMethodologyDefinition } from '@isms/contracts';
import { RiskEventTypes as T } from '@isms/contracts';
import { group5x5, subsidiaryImpactScale } from '../../testing/methodology-fixtures.js';
import type { AdoptMethodology, RefineMethodology } from './commands.js';
import type { RiskMethodologyEvent } from './events.js';
import { riskMethodology } from './methodology.js';
import {
  acceptanceAuthority,
  appetiteLevels,
  rate,
  resolveMethodology,
} from './methodology-rules.js';

const spec = deciderSpec(riskMethodology);
const at = '2026-03-02T10:00:00.000Z';

const adopt = (definition: RiskMethodologyDefinition, extra: Partial<AdoptMethodology> = {}) =>
  ({
    type: 'AdoptMethodology',
    methodologyId: 'risk-methodology-ou-group',
    orgUnitId: 'ou-group',
    definition,
    changeSummary: '',
    reason: 'Approved by the ISMS committee on 2026-03-02',
    by: 'person-ciso',
    at,
    ...extra,
  }) satisfies AdoptMethodology;

const adoptedV1: RiskMethodologyEvent = {
  type: T.RiskMethodologyAdopted,
  data: {
    methodologyId: 'risk-methodology-ou-group',
    orgUnitId: 'ou-group',
    version: 1,
    definition: group5x5,
    changeSummary: 'Initial version',
    adoptedBy: 'person-ciso',
    reason: 'Approved by the ISMS committee on 2026-03-02',
    adoptedAt: at,
  },
};

const inherited = { definition: group5x5, versions: [{ orgUnitId: 'ou-group', version: 1 }] };
const refine = (
  overrides: RefineMethodology['overrides'],
  extra: Partial<RefineMethodology> = {},
) =>
  ({
    type: 'RefineMethodology',
    methodologyId: 'risk-methodology-ou-pl',
    orgUnitId: 'ou-pl',
    overrides,
    inherited,
    changeSummary: '',
    reason: 'Impact thresholds in PLN, agreed with the group CISO',
    by: 'person-isms-pl',
    at,
    ...extra,
  }) satisfies RefineMethodology;

const withLevels = (levels: RiskMethodologyDefinition['levels']) => ({ ...group5x5, levels });

describe('risk methodology (6.1.2 a, b)', () => {
  it('adopts version 1 of the tenant methodology: scales, matrix, acceptance criteria, review intervals', () => {
    spec.given([]).when(adopt(group5x5)).then([adoptedV1]);
  });

  it('a new version is a decision: it gets the next number and must say what changed', () => {
    const faster = withLevels(
      group5x5.levels.map((l) => ({
        ...l,
        reviewIntervalDays: Math.min(l.reviewIntervalDays, 90),
      })),
    );
    spec
      .given([adoptedV1])
      .when(adopt(faster, { changeSummary: 'Review every level at least quarterly' }))
      .then([
        {
          type: T.RiskMethodologyAdopted,
          data: {
            ...adoptedV1.data,
            version: 2,
            definition: faster,
            changeSummary: 'Review every level at least quarterly',
          },
        },
      ]);
  });

  it('methodology-change-needs-summary: version 2 onwards says what changed', () => {
    const changed = withLevels(
      group5x5.levels.map((l) => ({ ...l, label: l.label.toUpperCase() })),
    );
    spec.given([adoptedV1]).when(adopt(changed)).thenRejects('methodology-change-needs-summary');
  });

  it('methodology-decision-needs-reason: a methodology without its why is refused', () => {
    spec
      .given([])
      .when(adopt(group5x5, { reason: '  ' }))
      .thenRejects('methodology-decision-needs-reason');
  });

  it('methodology-unchanged: adopting what is already in force is refused', () => {
    spec
      .given([adoptedV1])
      .when(adopt(group5x5, { changeSummary: 'same' }))
      .thenRejects('methodology-unchanged', /identical to version 1/);
  });

  it('scale-has-3-to-7-levels: a scale has between 3 and 7 levels', () => {
    const two = group5x5.likelihoodScale.slice(0, 2);
    spec
      .given([])
      .when(adopt({ ...group5x5, likelihoodScale: two, matrix: group5x5.matrix.slice(0, 2) }))
      .thenRejects('scale-has-3-to-7-levels', /likelihood scale has 2 levels/);
    const eight = [
      ...group5x5.impactScale,
      ...[6, 7, 8].map((value) => ({ value, label: `L${value}`, description: '' })),
    ];
    spec
      .given([])
      .when(adopt({ ...group5x5, impactScale: eight }))
      .thenRejects('scale-has-3-to-7-levels', /impact scale has 8 levels/);
  });

  it('scale-values-in-order: scale values run 1, 2, 3, … from the lowest level', () => {
    const shuffled = group5x5.impactScale.map((l, i) => ({ ...l, value: i === 0 ? 2 : l.value }));
    spec
      .given([])
      .when(adopt({ ...group5x5, impactScale: shuffled }))
      .thenRejects('scale-values-in-order');
  });

  it('scale-labels-unique: every step of a scale has its own label', () => {
    const repeated = group5x5.impactScale.map((l, i) => ({
      ...l,
      label: i === 1 ? 'negligible' : l.label,
    }));
    spec
      .given([])
      .when(adopt({ ...group5x5, impactScale: repeated }))
      .thenRejects('scale-labels-unique');
  });

  it('risk-levels-2-to-7: a matrix maps to between 2 and 7 levels', () => {
    spec
      .given([])
      .when(
        adopt({
          ...withLevels([group5x5.levels[0]!]),
          matrix: group5x5.matrix.map((r) => r.map(() => 'low')),
        }),
      )
      .thenRejects('risk-levels-2-to-7');
  });

  it('risk-level-ids-unique: level ids are unique slugs', () => {
    const twice = group5x5.levels.map((l, i) => (i === 1 ? { ...l, id: 'low' } : l));
    spec
      .given([])
      .when(adopt(withLevels(twice)))
      .thenRejects('risk-level-ids-unique');
  });

  it('risk-level-needs-label: every level has a label', () => {
    const unlabelled = group5x5.levels.map((l, i) => (i === 1 ? { ...l, label: ' ' } : l));
    spec
      .given([])
      .when(adopt(withLevels(unlabelled)))
      .thenRejects('risk-level-needs-label');
  });

  it('review-interval-positive: each level is reviewed every whole number of days, at least 1', () => {
    const zero = group5x5.levels.map((l, i) => (i === 3 ? { ...l, reviewIntervalDays: 0 } : l));
    spec
      .given([])
      .when(adopt(withLevels(zero)))
      .thenRejects('review-interval-positive');
  });

  it('review-interval-shrinks-with-level: a high risk is reviewed at least as often as a low one', () => {
    const slowHigh = group5x5.levels.map((l) =>
      l.id === 'high' ? { ...l, reviewIntervalDays: 400 } : l,
    );
    spec
      .given([])
      .when(adopt(withLevels(slowHigh)))
      .thenRejects(
        'review-interval-shrinks-with-level',
        /"high".*less often than the less severe "medium"/,
      );
  });

  it('appetite-is-a-threshold: the levels a risk owner may accept are the lowest ones', () => {
    const gap = group5x5.levels.map((l) =>
      l.id === 'medium'
        ? { ...l, acceptableBy: ['ciso' as const] }
        : l.id === 'high'
          ? { ...l, acceptableBy: ['risk-owner' as const] }
          : l,
    );
    spec
      .given([])
      .when(adopt(withLevels(gap)))
      .thenRejects('appetite-is-a-threshold');
  });

  it('matrix-shape: one row per likelihood level, one column per impact level', () => {
    spec
      .given([])
      .when(adopt({ ...group5x5, matrix: group5x5.matrix.map((row) => row.slice(0, 4)) }))
      .thenRejects('matrix-shape');
  });

  it('matrix-unknown-level: every cell names a defined level', () => {
    const matrix = group5x5.matrix.map((row, l) =>
      row.map((cell, i) => (l === 2 && i === 2 ? 'moderate' : cell)),
    );
    spec
      .given([])
      .when(adopt({ ...group5x5, matrix }))
      .thenRejects('matrix-unknown-level', /"moderate"/);
  });

  it('matrix-monotonic: a more likely or more harmful scenario is never a lower risk', () => {
    const matrix = group5x5.matrix.map((row, l) =>
      row.map((cell, i) => (l === 4 && i === 4 ? 'low' : cell)),
    );
    spec
      .given([])
      .when(adopt({ ...group5x5, matrix }))
      .thenRejects('matrix-monotonic', /likelihood 5, impact 5/);
  });

  it('a subsidiary refines its impact scale for its subtree and records the versions it builds on', () => {
    spec
      .given([])
      .when(refine({ impactScale: subsidiaryImpactScale }))
      .then([
        {
          type: T.RiskMethodologyRefined,
          data: {
            methodologyId: 'risk-methodology-ou-pl',
            orgUnitId: 'ou-pl',
            version: 1,
            overrides: { impactScale: subsidiaryImpactScale },
            basedOn: [{ orgUnitId: 'ou-group', version: 1 }],
            changeSummary: 'Initial version',
            adoptedBy: 'person-isms-pl',
            reason: 'Impact thresholds in PLN, agreed with the group CISO',
            adoptedAt: at,
          },
        },
      ]);
  });

  it('refinement-overrides-nothing: a refinement overrides at least one part', () => {
    spec.given([]).when(refine({})).thenRejects('refinement-overrides-nothing');
  });

  it('a refinement must leave a valid whole: a 4-step impact scale needs a 4-column matrix too', () => {
    spec
      .given([])
      .when(refine({ impactScale: subsidiaryImpactScale.slice(0, 4) }))
      .thenRejects('matrix-shape');
  });

  it('methodology-kind-fixed: the root adopts complete versions, units below it refine', () => {
    const refined = {
      type: T.RiskMethodologyRefined,
      data: { ...adoptedV1.data, overrides: { impactScale: subsidiaryImpactScale }, basedOn: [] },
    } as unknown as RiskMethodologyEvent;
    spec.given([refined]).when(adopt(group5x5)).thenRejects('methodology-kind-fixed');
    spec
      .given([adoptedV1])
      .when(refine({ impactScale: subsidiaryImpactScale }))
      .thenRejects('methodology-kind-fixed');
  });
});

describe('using a methodology', () => {
  const group = { orgUnitId: 'ou-group', version: 3, definition: group5x5 };
  const pl = { orgUnitId: 'ou-pl', version: 1, overrides: { impactScale: subsidiaryImpactScale } };

  it('the methodology in force below a refinement is the tenant’s, with the refined parts replaced', () => {
    const effective = resolveMethodology([group, pl])!;
    expect(effective.versions).toEqual([
      { orgUnitId: 'ou-group', version: 3 },
      { orgUnitId: 'ou-pl', version: 1 },
    ]);
    expect(effective.definition.impactScale).toBe(subsidiaryImpactScale);
    expect(effective.definition.matrix).toBe(group5x5.matrix);
    expect(resolveMethodology([])).toBeUndefined();
  });

  it('the matrix gives the level of a likelihood and an impact, with its review interval', () => {
    expect(rate(resolveMethodology([group])!, 4, 5)).toEqual({
      likelihood: 4,
      impact: 5,
      level: 'critical',
      levelLabel: 'Critical',
      levelRank: 3,
      reviewIntervalDays: 30,
      withinAppetite: false,
      methodology: [{ orgUnitId: 'ou-group', version: 3 }],
    });
  });

  it('rating-out-of-scale: a rating stays on the scales in force', () => {
    expect(() => rate(resolveMethodology([group])!, 6, 1)).toThrow(/runs from 1 to 5/);
  });

  it('the appetite is what the risk owner may accept: up to medium', () => {
    expect(appetiteLevels(group5x5)).toEqual(['low', 'medium']);
  });

  it('acceptance criteria: the owner accepts up to medium; high only a CISO; critical nobody', () => {
    const owner = { personId: 'p-owner', roles: ['risk-owner' as const] };
    expect(acceptanceAuthority(group5x5, 'medium', 'p-owner', owner)).toMatchObject({
      allowed: true,
      authority: 'risk-owner',
      withinAppetite: true,
    });
    expect(acceptanceAuthority(group5x5, 'medium', 'p-someone-else', owner)).toMatchObject({
      allowed: false,
      rule: 'acceptance-not-authorised',
    });
    expect(acceptanceAuthority(group5x5, 'high', 'p-owner', owner)).toMatchObject({
      allowed: false,
      rule: 'acceptance-not-authorised',
      message: expect.stringMatching(/only by a ciso.*above the risk appetite/),
    });
    expect(
      acceptanceAuthority(group5x5, 'high', 'p-owner', { personId: 'p-ciso', roles: ['ciso'] }),
    ).toMatchObject({ allowed: true, authority: 'ciso', withinAppetite: false });
    expect(
      acceptanceAuthority(group5x5, 'critical', 'p-owner', { personId: 'p-ciso', roles: ['ciso'] }),
    ).toMatchObject({ allowed: false, rule: 'level-not-acceptable' });
    expect(acceptanceAuthority(group5x5, 'extreme', 'p-owner', owner)).toMatchObject({
      allowed: false,
      rule: 'residual-level-not-in-methodology',
    });
  });
});
