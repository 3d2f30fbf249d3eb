import { canonicalJson, sha256Hex } from '@isms/event-sourcing';
import { deciderSpec } from '@isms/event-sourcing/testing';
import type { ControlRef, RiskMaterialState } from '@isms/contracts';
import { RiskEventTypes as T } from '@isms/contracts';
import { group5x5 } from '../../testing/methodology-fixtures.js';
import type { EffectiveMethodology } from '../methodology/methodology-rules.js';
import { rate } from '../methodology/methodology-rules.js';
import type {
  AcceptRisk,
  AssessInherentRisk,
  AssessResidualRisk,
  FlagAcceptanceStale,
  IdentifyRisk,
  PlanTreatment,
} from './commands.js';
import type { RiskEvent } from './events.js';
import { risk } from './risk.js';
import type { RiskRecord } from './risk-state.js';
import { acceptanceStatus, riskStatus } from './risk-state.js';

const spec = deciderSpec(risk);
const methodology: EffectiveMethodology = {
  definition: group5x5,
  versions: [{ orgUnitId: 'ou-group', version: 1 }],
};
const D1 = '2026-03-02T10:00:00.000Z';
const D2 = '2026-03-09T10:00:00.000Z';
const D3 = '2026-03-16T10:00:00.000Z';
const D4 = '2026-03-23T10:00:00.000Z';
const OWNER = 'person-owner';
const iam: ControlRef = { catalogueId: 'iso27001-2022', controlId: '5.15' };
const mfa: ControlRef = { catalogueId: 'iso27001-2022', controlId: '8.5' };
const backup: ControlRef = { catalogueId: 'iso27001-2022', controlId: '8.13' };

// ─── Commands ───────────────────────────────────────────────────────────────────────────────
const identify: IdentifyRisk = {
  type: 'IdentifyRisk',
  riskId: 'risk-1',
  title: 'Ransomware encrypts the CRM',
  description: 'Phishing leads to ransomware on the CRM servers',
  assetIds: ['asset-crm', 'asset-crm'],
  threatCode: 'TH-07',
  vulnerabilityCode: 'VU-05',
  ownerPersonId: OWNER,
  orgUnitId: 'ou-fr',
  scopeId: 'scope-fr',
  by: 'person-isms',
  at: D1,
};
const assessInherent = (likelihood: number, impact: number, at = D1): AssessInherentRisk => ({
  type: 'AssessInherentRisk',
  likelihood,
  impact,
  methodology,
  existingControls: 'Nightly backups to the same network',
  existingControlRefs: [backup],
  rationale: 'Two phishing incidents last year',
  by: 'person-isms',
  at,
});
const plan = (extra: Partial<PlanTreatment> = {}): PlanTreatment => ({
  type: 'PlanTreatment',
  actions: [
    { actionId: 'a1', title: 'Roll out MFA', ownerPersonId: 'person-it', dueDate: '2026-06-30' },
  ],
  linkedControls: [iam, mfa, iam],
  by: 'person-isms',
  at: D1,
  ...extra,
});
const assessResidual = (likelihood: number, impact: number, at = D1): AssessResidualRisk => ({
  type: 'AssessResidualRisk',
  likelihood,
  impact,
  methodology,
  rationale: 'MFA and immutable backups in place',
  by: 'person-isms',
  at,
});
const acceptBy = (by: string, extra: Partial<AcceptRisk> = {}): AcceptRisk => ({
  type: 'AcceptRisk',
  acceptorRoles: ['risk-owner'],
  criteria: group5x5,
  reason: 'Residual exposure fits our appetite',
  by,
  at: D2,
  ...extra,
});
const flagControl = (control: ControlRef, recordedAt = D3): FlagAcceptanceStale => ({
  type: 'FlagAcceptanceStale',
  cause: {
    kind: 'control-found-ineffective',
    control,
    result: 'not-effective',
    sourceEventId: 'evt-test-1',
    summary: `Control ${control.controlId} tested not effective`,
  },
  causeRecordedAt: recordedAt,
  by: 'system:risk-acceptance-policy',
  at: D3,
});

// ─── Events ─────────────────────────────────────────────────────────────────────────────────
const identified: RiskEvent = {
  type: T.RiskIdentified,
  data: {
    riskId: 'risk-1',
    title: 'Ransomware encrypts the CRM',
    description: 'Phishing leads to ransomware on the CRM servers',
    assetIds: ['asset-crm'],
    threatCode: 'TH-07',
    vulnerabilityCode: 'VU-05',
    ownerPersonId: OWNER,
    orgUnitId: 'ou-fr',
    scopeId: 'scope-fr',
    identifiedAt: D1,
  },
};
const inherentAssessed = (likelihood: number, impact: number, at = D1): RiskEvent => {
  const rating = rate(methodology, likelihood, impact);
  return {
    type: T.InherentRiskAssessed,
    data: {
      riskId: 'risk-1',
      rating,
      existingControls: 'Nightly backups to the same network',
      existingControlRefs: [backup],
      rationale: 'Two phishing incidents last year',
      assessedBy: 'person-isms',
      assessedAt: at,
      nextReviewDue: '2026-05-31',
    },
  };
};
const treated = (option: 'modify' | 'avoid' | 'share' | 'retain' = 'modify'): RiskEvent => ({
  type: T.RiskTreatmentDecided,
  data: {
    riskId: 'risk-1',
    option,
    justification: 'Cheaper to mitigate than to insure',
    decidedBy: 'person-isms',
    decidedAt: D1,
  },
});
const planned: RiskEvent = {
  type: T.RiskTreatmentPlanned,
  data: {
    riskId: 'risk-1',
    planVersion: 1,
    option: 'modify',
    actions: [
      { actionId: 'a1', title: 'Roll out MFA', ownerPersonId: 'person-it', dueDate: '2026-06-30' },
    ],
    linkedControls: [iam, mfa],
    title: 'Ransomware encrypts the CRM',
    orgUnitId: 'ou-fr',
    scopeId: 'scope-fr',
    plannedBy: 'person-isms',
    plannedAt: D1,
  },
};
const residualAssessed = (
  likelihood: number,
  impact: number,
  at = D1,
  nextReviewDue = '2026-08-29',
): RiskEvent => ({
  type: T.ResidualRiskAssessed,
  data: {
    riskId: 'risk-1',
    rating: rate(methodology, likelihood, impact),
    rationale: 'MFA and immutable backups in place',
    assessedBy: 'person-isms',
    assessedAt: at,
    nextReviewDue,
  },
});

/** The material state of the risk after `inherent 4×4 → modify → plan → residual 2×3`. */
const material: RiskMaterialState = {
  riskId: 'risk-1',
  assetIds: ['asset-crm'],
  threatCode: 'TH-07',
  vulnerabilityCode: 'VU-05',
  orgUnitId: 'ou-fr',
  scopeId: 'scope-fr',
  inherent: { likelihood: 4, impact: 4, level: 'high' },
  existingControls: [backup],
  treatment: 'modify',
  linkedControls: [iam, mfa],
  residual: { likelihood: 2, impact: 3, level: 'medium' },
};
const digest = sha256Hex(canonicalJson(material));
const accepted: RiskEvent = {
  type: T.RiskAccepted,
  data: {
    riskId: 'risk-1',
    acceptedBy: OWNER,
    authority: 'risk-owner',
    residualLevel: 'medium',
    residualLevelLabel: 'Medium',
    withinAppetite: true,
    materialState: material,
    digest,
    reason: 'Residual exposure fits our appetite',
    acceptedAt: D2,
    nextReviewDue: '2026-09-05',
  },
};
const readyToAccept = [
  identified,
  inherentAssessed(4, 4),
  treated(),
  planned,
  residualAssessed(2, 3),
];
const acceptedRisk = [...readyToAccept, accepted];
const stateAfter = (events: RiskEvent[]) => spec.stateAfter(events) as RiskRecord;

describe('risk identification (6.1.2 c)', () => {
  it('identifies a risk: assets, threat, vulnerability, owner, org unit and scope', () => {
    spec.given([]).when(identify).then([identified]);
    expect(riskStatus(stateAfter([identified]))).toBe('identified');
  });

  it('risk-already-identified: a risk is identified once', () => {
    spec.given([identified]).when(identify).thenRejects('risk-already-identified');
  });

  it('risk-needs-title: the scenario has a title', () => {
    spec
      .given([])
      .when({ ...identify, title: ' ' })
      .thenRejects('risk-needs-title');
  });

  it('risk-needs-assets: a risk concerns at least one asset', () => {
    spec
      .given([])
      .when({ ...identify, assetIds: [] })
      .thenRejects('risk-needs-assets');
  });

  it('risk-needs-threat-and-vulnerability: the scenario names both', () => {
    spec
      .given([])
      .when({ ...identify, vulnerabilityCode: '' })
      .thenRejects('risk-needs-threat-and-vulnerability');
  });

  it('risk-needs-owner: every risk has an owner', () => {
    spec
      .given([])
      .when({ ...identify, ownerPersonId: '' })
      .thenRejects('risk-needs-owner');
  });

  it('risk-needs-scope: a risk belongs to an ISMS scope', () => {
    spec
      .given([])
      .when({ ...identify, scopeId: '' })
      .thenRejects('risk-needs-scope');
  });

  it('risk-unknown: only an identified risk can be worked on', () => {
    spec.given([]).when(assessInherent(3, 3)).thenRejects('risk-unknown');
  });
});

describe('risk analysis (6.1.2 d, 8.2)', () => {
  it('rates the inherent risk with the matrix, recording the methodology versions and the next review by level', () => {
    spec
      .given([identified])
      .when(assessInherent(4, 4))
      .then([
        {
          type: T.InherentRiskAssessed,
          data: {
            riskId: 'risk-1',
            rating: {
              likelihood: 4,
              impact: 4,
              level: 'high',
              levelLabel: 'High',
              levelRank: 2,
              reviewIntervalDays: 90,
              withinAppetite: false,
              methodology: [{ orgUnitId: 'ou-group', version: 1 }],
            },
            existingControls: 'Nightly backups to the same network',
            existingControlRefs: [backup],
            rationale: 'Two phishing incidents last year',
            assessedBy: 'person-isms',
            assessedAt: D1,
            nextReviewDue: '2026-05-31',
          },
        },
      ]);
  });

  it('rating-out-of-scale: ratings stay on the scales in force', () => {
    spec.given([identified]).when(assessInherent(0, 3)).thenRejects('rating-out-of-scale');
    spec
      .given([identified])
      .when(assessInherent(3, 6))
      .thenRejects('rating-out-of-scale', /runs from 1 to 5/);
  });

  it('rating-needs-rationale: a rating says why', () => {
    spec
      .given([identified])
      .when({ ...assessInherent(3, 3), rationale: '' })
      .thenRejects('rating-needs-rationale');
  });
});

describe('risk treatment (6.1.3, 8.3)', () => {
  it('treatment-needs-inherent-assessment: no treatment before the risk is rated', () => {
    spec
      .given([identified])
      .when({ type: 'DecideTreatment', option: 'modify', justification: 'x', by: 'p', at: D1 })
      .thenRejects('treatment-needs-inherent-assessment');
  });

  it('decides the treatment option with its justification', () => {
    spec
      .given([identified, inherentAssessed(4, 4)])
      .when({
        type: 'DecideTreatment',
        option: 'modify',
        justification: 'Cheaper to mitigate than to insure',
        by: 'person-isms',
        at: D1,
      })
      .then([treated()]);
  });

  it('treatment-needs-justification: a treatment decision says why', () => {
    spec
      .given([identified, inherentAssessed(4, 4)])
      .when({ type: 'DecideTreatment', option: 'retain', justification: ' ', by: 'p', at: D1 })
      .thenRejects('treatment-needs-justification');
  });

  it('plans the treatment: actions with owners and due dates, linked controls (each once), and a snapshot for consumers', () => {
    spec
      .given([identified, inherentAssessed(4, 4), treated()])
      .when(plan())
      .then([planned]);
    expect(riskStatus(stateAfter([identified, inherentAssessed(4, 4), treated(), planned]))).toBe(
      'treatment-planned',
    );
  });

  it('plan-needs-treatment-decision: decide the option before planning', () => {
    spec
      .given([identified, inherentAssessed(4, 4)])
      .when(plan())
      .thenRejects('plan-needs-treatment-decision');
  });

  it('plan-is-empty: a plan has actions or linked controls', () => {
    spec
      .given([identified, inherentAssessed(4, 4), treated('retain')])
      .when(plan({ actions: [], linkedControls: [] }))
      .thenRejects('plan-is-empty');
  });

  it('modify-needs-linked-controls: modifying a risk links at least one control', () => {
    spec
      .given([identified, inherentAssessed(4, 4), treated('modify')])
      .when(plan({ linkedControls: [] }))
      .thenRejects('modify-needs-linked-controls');
  });

  it('plan-needs-actions: sharing or avoiding a risk needs at least one action', () => {
    for (const option of ['share', 'avoid'] as const) {
      spec
        .given([identified, inherentAssessed(4, 4), treated(option)])
        .when(plan({ actions: [] }))
        .thenRejects('plan-needs-actions', new RegExp(option));
    }
  });

  it('action-ids-unique: each action of a plan has its own id', () => {
    const a = { actionId: 'a1', title: 'x', ownerPersonId: 'p', dueDate: '2026-06-30' };
    spec
      .given([identified, inherentAssessed(4, 4), treated()])
      .when(plan({ actions: [a, { ...a, title: 'y' }] }))
      .thenRejects('action-ids-unique');
  });

  it('action-needs-title-and-owner: every action has a title and an owner', () => {
    spec
      .given([identified, inherentAssessed(4, 4), treated()])
      .when(
        plan({
          actions: [
            { actionId: 'a1', title: 'Roll out MFA', ownerPersonId: ' ', dueDate: '2026-06-30' },
          ],
        }),
      )
      .thenRejects('action-needs-title-and-owner', /Roll out MFA/);
  });

  it('action-due-date-invalid: a due date is a real YYYY-MM-DD date', () => {
    spec
      .given([identified, inherentAssessed(4, 4), treated()])
      .when(
        plan({
          actions: [{ actionId: 'a1', title: 'x', ownerPersonId: 'p', dueDate: '2026-02-30' }],
        }),
      )
      .thenRejects('action-due-date-invalid');
  });

  it('action-due-in-the-past: a new or moved due date is not before today; an overdue action carried over may stay', () => {
    const late = plan({ at: '2026-07-15T09:00:00.000Z' });
    spec
      .given([identified, inherentAssessed(4, 4), treated()])
      .when(late)
      .thenRejects('action-due-in-the-past', /2026-06-30/);
    spec
      .given([identified, inherentAssessed(4, 4), treated(), planned])
      .when({ ...late, linkedControls: [iam, mfa, backup] })
      .then([
        expect.objectContaining({
          type: T.RiskTreatmentPlanned,
          data: expect.objectContaining({ planVersion: 2, actions: planned.data.actions }),
        }) as unknown as RiskEvent,
      ]);
  });

  it('completes a plan action once; completion survives a new plan version', () => {
    const completed: RiskEvent = {
      type: T.TreatmentActionCompleted,
      data: {
        riskId: 'risk-1',
        actionId: 'a1',
        note: 'Enforced for all users',
        completedBy: 'person-it',
        completedAt: D2,
      },
    };
    const given = [identified, inherentAssessed(4, 4), treated(), planned];
    spec
      .given(given)
      .when({
        type: 'CompleteTreatmentAction',
        actionId: 'a1',
        note: 'Enforced for all users',
        by: 'person-it',
        at: D2,
      })
      .then([completed]);
    spec
      .given(given)
      .when({ type: 'CompleteTreatmentAction', actionId: 'a9', note: '', by: 'p', at: D2 })
      .thenRejects('action-unknown');
    spec
      .given([...given, completed])
      .when({ type: 'CompleteTreatmentAction', actionId: 'a1', note: '', by: 'p', at: D2 })
      .thenRejects('action-already-completed');
    const replanned = stateAfter([
      ...given,
      completed,
      { ...planned, data: { ...planned.data, planVersion: 2 } },
    ]);
    expect(replanned.plan?.actions[0]).toMatchObject({ actionId: 'a1', completedAt: D2 });
  });
});

describe('residual risk (6.1.3 e, 8.3)', () => {
  it('rates the residual risk once the treatment is planned', () => {
    spec
      .given([identified, inherentAssessed(4, 4), treated(), planned])
      .when(assessResidual(2, 3))
      .then([residualAssessed(2, 3)]);
    expect(riskStatus(stateAfter(readyToAccept))).toBe('residual-assessed');
  });

  it('residual-needs-treatment-decision: no residual rating before treatment is decided', () => {
    spec
      .given([identified, inherentAssessed(4, 4)])
      .when(assessResidual(2, 3))
      .thenRejects('residual-needs-treatment-decision');
  });

  it('residual-needs-treatment-plan: a modify treatment is planned before its residual rating', () => {
    spec
      .given([identified, inherentAssessed(4, 4), treated('modify')])
      .when(assessResidual(2, 3))
      .thenRejects('residual-needs-treatment-plan', /links at least one control/);
  });

  it('a retained risk needs no plan: its residual risk can be rated at once', () => {
    spec
      .given([identified, inherentAssessed(2, 2), treated('retain')])
      .when(assessResidual(2, 2))
      .then([residualAssessed(2, 2, D1, '2027-03-02')]);
  });

  it('residual-above-inherent: treatment does not make a risk worse', () => {
    spec
      .given([identified, inherentAssessed(3, 3), treated(), planned])
      .when(assessResidual(3, 4))
      .thenRejects('residual-above-inherent', /re-assess the inherent risk first/);
  });
});

describe('risk acceptance (6.1.3 f)', () => {
  it('the risk owner accepts a residual risk within appetite; the acceptance records a digest of the exact risk state', () => {
    spec.given(readyToAccept).when(acceptBy(OWNER)).then([accepted]);
    const state = stateAfter(acceptedRisk);
    expect(riskStatus(state)).toBe('accepted');
    expect(acceptanceStatus(state)).toBe('current');
  });

  it('acceptance-needs-residual-assessment: accepting before a residual assessment is refused, saying what is missing', () => {
    spec
      .given([identified])
      .when(acceptBy(OWNER))
      .thenRejects('acceptance-needs-residual-assessment', /has not been assessed/);
    spec
      .given([identified, inherentAssessed(2, 2)])
      .when(acceptBy(OWNER))
      .thenRejects('acceptance-needs-residual-assessment', /Only a residual risk is accepted/);
    spec
      .given([identified, inherentAssessed(2, 2), treated()])
      .when(acceptBy(OWNER))
      .thenRejects('acceptance-needs-residual-assessment', /no plan yet/);
    spec
      .given([identified, inherentAssessed(4, 4), treated(), planned])
      .when(acceptBy(OWNER))
      .thenRejects('acceptance-needs-residual-assessment', /Assess the residual risk/);
  });

  it('acceptance-needs-reason: an acceptance records why', () => {
    spec
      .given(readyToAccept)
      .when(acceptBy(OWNER, { reason: ' ' }))
      .thenRejects('acceptance-needs-reason');
  });

  it('acceptance-not-authorised: a risk owner accepts only their own risks', () => {
    spec
      .given(readyToAccept)
      .when(acceptBy('person-other-owner'))
      .thenRejects('acceptance-not-authorised', /only by the risk owner/);
  });

  it('acceptance-not-authorised: above appetite ("high") the owner may not accept; the CISO the criteria name may', () => {
    const high = [identified, inherentAssessed(4, 4), treated(), planned, residualAssessed(3, 4)];
    spec
      .given(high)
      .when(acceptBy(OWNER))
      .thenRejects('acceptance-not-authorised', /only by a ciso.*above the risk appetite/);
    spec
      .given(high)
      .when(acceptBy('person-ciso', { acceptorRoles: ['ciso'] }))
      .then([
        expect.objectContaining({
          type: T.RiskAccepted,
          data: expect.objectContaining({
            acceptedBy: 'person-ciso',
            authority: 'ciso',
            residualLevel: 'high',
            withinAppetite: false,
            nextReviewDue: '2026-06-07',
          }),
        }) as unknown as RiskEvent,
      ]);
  });

  it('level-not-acceptable: a critical residual risk may not be accepted by anyone', () => {
    const critical = [
      identified,
      inherentAssessed(5, 5),
      treated(),
      planned,
      residualAssessed(5, 4),
    ];
    spec
      .given(critical)
      .when(acceptBy('person-ciso', { acceptorRoles: ['ciso'] }))
      .thenRejects('level-not-acceptable', /treat it further/);
  });

  it('risk-already-accepted: a current acceptance is not given twice', () => {
    spec.given(acceptedRisk).when(acceptBy(OWNER)).thenRejects('risk-already-accepted');
  });

  it('residual-assessment-outdated: after a re-rating, the residual risk is re-assessed before a new acceptance', () => {
    spec
      .given([...readyToAccept, inherentAssessed(5, 4, D2)])
      .when(acceptBy(OWNER))
      .thenRejects('residual-assessment-outdated');
  });
});

describe('stale acceptances: a material change needs re-approval instead of being blocked', () => {
  const stale = (change: string, summary: string, at = D3) =>
    expect.objectContaining({
      type: T.RiskAcceptanceMarkedStale,
      data: expect.objectContaining({
        acceptedDigest: digest,
        cause: { kind: 'material-change', change, summary },
        markedAt: at,
      }),
    }) as unknown as RiskEvent;

  it('re-rating the inherent risk goes through and marks the acceptance "needs re-approval"', () => {
    const events = risk.decide(assessInherent(5, 4, D3), stateAfter(acceptedRisk));
    expect(events).toEqual([
      expect.objectContaining({ type: T.InherentRiskAssessed }),
      stale(T.InherentRiskAssessed, 'Inherent risk re-rated: likelihood 5, impact 4 (Critical)'),
    ]);
    const after = stateAfter([...acceptedRisk, ...events]);
    expect(acceptanceStatus(after)).toBe('needs-re-approval');
    expect(riskStatus(after)).toBe('treatment-planned');
  });

  it('re-rating to the same values changes nothing material: the acceptance stays current', () => {
    const events = risk.decide(assessInherent(4, 4, D3), stateAfter(acceptedRisk));
    expect(events.map((e) => e.type)).toEqual([T.InherentRiskAssessed]);
    expect(acceptanceStatus(stateAfter([...acceptedRisk, ...events]))).toBe('current');
  });

  it('a new treatment option, a changed set of linked controls, a revised scenario or a scope change each need re-approval', () => {
    const state = stateAfter(acceptedRisk);
    const decisions = [
      [
        {
          type: 'DecideTreatment',
          option: 'share',
          justification: 'Insurance',
          by: 'p',
          at: D3,
        } as const,
        T.RiskTreatmentDecided,
      ],
      [plan({ linkedControls: [iam], at: D3 }), T.RiskTreatmentPlanned],
      [
        {
          type: 'ReviseRiskScenario',
          title: 'x',
          description: '',
          assetIds: ['asset-crm', 'asset-erp'],
          threatCode: 'TH-07',
          vulnerabilityCode: 'VU-05',
          changeSummary: 'ERP shares the servers',
          by: 'p',
          at: D3,
        } as const,
        T.RiskScenarioRevised,
      ],
      [
        {
          type: 'ChangeRiskScope',
          scopeId: 'scope-group',
          reason: 'Merged scopes',
          by: 'p',
          at: D3,
        } as const,
        T.RiskScopeChanged,
      ],
    ] as const;
    for (const [command, change] of decisions) {
      const events = risk.decide(command, state);
      expect(events[0]!.type).toBe(change);
      expect(events[1]).toEqual(
        expect.objectContaining({
          type: T.RiskAcceptanceMarkedStale,
          data: expect.objectContaining({ cause: expect.objectContaining({ change }) }),
        }),
      );
    }
  });

  it('changes that are not material (an action’s due date, a new owner, a title) keep the acceptance current', () => {
    const state = stateAfter(acceptedRisk);
    const moved = plan({
      actions: [
        {
          actionId: 'a1',
          title: 'Roll out MFA',
          ownerPersonId: 'person-it',
          dueDate: '2026-09-30',
        },
      ],
      at: D3,
    });
    expect(risk.decide(moved, state).map((e) => e.type)).toEqual([T.RiskTreatmentPlanned]);
    expect(
      risk
        .decide(
          {
            type: 'ReassignRiskOwner',
            ownerPersonId: 'person-new',
            reason: 'Reorganisation',
            by: 'p',
            at: D3,
          },
          state,
        )
        .map((e) => e.type),
    ).toEqual([T.RiskOwnerReassigned]);
    expect(
      risk
        .decide(
          {
            type: 'ReviseRiskScenario',
            title: 'CRM ransomware',
            description: 'x',
            assetIds: ['asset-crm'],
            threatCode: 'TH-07',
            vulnerabilityCode: 'VU-05',
            changeSummary: 'Shorter title',
            by: 'p',
            at: D3,
          },
          state,
        )
        .map((e) => e.type),
    ).toEqual([T.RiskScenarioRevised]);
  });

  it('a linked control found ineffective marks the acceptance stale, once', () => {
    const flagged: RiskEvent = {
      type: T.RiskAcceptanceMarkedStale,
      data: {
        riskId: 'risk-1',
        acceptedDigest: digest,
        currentDigest: digest,
        cause: flagControl(mfa).cause,
        markedAt: D3,
      },
    };
    spec.given(acceptedRisk).when(flagControl(mfa)).then([flagged]);
    spec
      .given([...acceptedRisk, flagged])
      .when(flagControl(mfa))
      .then([]);
    const after = stateAfter([...acceptedRisk, flagged]);
    expect(acceptanceStatus(after)).toBe('needs-re-approval');
    expect(riskStatus(after)).toBe('accepted');
  });

  it('existing controls the inherent rating relied on count as linked too', () => {
    spec
      .given(acceptedRisk)
      .when(flagControl(backup))
      .then([
        expect.objectContaining({ type: T.RiskAcceptanceMarkedStale }) as unknown as RiskEvent,
      ]);
  });

  it('a control the risk does not rely on, or a finding the acceptor already knew, changes nothing', () => {
    spec
      .given(acceptedRisk)
      .when(flagControl({ catalogueId: 'iso27001-2022', controlId: '7.4' }))
      .then([]);
    spec.given(acceptedRisk).when(flagControl(mfa, D1)).then([]);
    spec.given(readyToAccept).when(flagControl(mfa)).then([]);
  });

  it('a revision of the risk’s ISMS scope marks the acceptance stale; another scope’s does not', () => {
    const scopeCause = (scopeId: string): FlagAcceptanceStale => ({
      type: 'FlagAcceptanceStale',
      cause: {
        kind: 'scope-changed',
        scopeId,
        scopeVersion: 2,
        sourceEventId: 'evt-scope-2',
        summary: 'Scope version 2 approved',
      },
      causeRecordedAt: D3,
      by: 'system:risk-acceptance-policy',
      at: D3,
    });
    spec
      .given(acceptedRisk)
      .when(scopeCause('scope-fr'))
      .then([
        expect.objectContaining({ type: T.RiskAcceptanceMarkedStale }) as unknown as RiskEvent,
      ]);
    spec.given(acceptedRisk).when(scopeCause('scope-de')).then([]);
  });

  it('the risk owner re-approves: the new acceptance is current again', () => {
    const events = risk.decide(assessInherent(5, 4, D3), stateAfter(acceptedRisk));
    const reassessed = [...acceptedRisk, ...events, residualAssessed(3, 3, D3)];
    expect(acceptanceStatus(stateAfter(reassessed))).toBe('needs-re-approval');
    expect(riskStatus(stateAfter(reassessed))).toBe('residual-assessed');
    const again = risk.decide(acceptBy(OWNER, { at: D4 }), stateAfter(reassessed));
    expect(again).toEqual([expect.objectContaining({ type: T.RiskAccepted })]);
    expect(acceptanceStatus(stateAfter([...reassessed, ...again]))).toBe('current');
  });
});

describe('risk review and closure (8.2)', () => {
  it('a review records what it found and sets the next review by the current level', () => {
    spec
      .given(acceptedRisk)
      .when({ type: 'ReviewRisk', notes: 'No change in exposure', by: OWNER, at: D4 })
      .then([
        {
          type: T.RiskReviewed,
          data: {
            riskId: 'risk-1',
            notes: 'No change in exposure',
            reviewedBy: OWNER,
            reviewedAt: D4,
            nextReviewDue: '2026-09-19',
          },
        },
      ]);
  });

  it('review-needs-assessment: an unrated risk is assessed, not reviewed', () => {
    spec
      .given([identified])
      .when({ type: 'ReviewRisk', notes: 'x', by: 'p', at: D2 })
      .thenRejects('review-needs-assessment');
  });

  it('review-needs-notes: a review records what it found', () => {
    spec
      .given(acceptedRisk)
      .when({ type: 'ReviewRisk', notes: '', by: 'p', at: D2 })
      .thenRejects('review-needs-notes');
  });

  it('closing-needs-reason: a risk is closed with a reason', () => {
    spec
      .given(acceptedRisk)
      .when({ type: 'CloseRisk', reason: '', by: 'p', at: D4 })
      .thenRejects('closing-needs-reason');
  });

  it('risk-closed: a closed risk is kept for history and cannot change; external causes are ignored', () => {
    const closed: RiskEvent = {
      type: T.RiskClosed,
      data: {
        riskId: 'risk-1',
        reason: 'CRM decommissioned',
        closedBy: 'person-isms',
        closedAt: D3,
      },
    };
    spec
      .given(acceptedRisk)
      .when({ type: 'CloseRisk', reason: 'CRM decommissioned', by: 'person-isms', at: D3 })
      .then([closed]);
    spec
      .given([...acceptedRisk, closed])
      .when(assessInherent(1, 1, D4))
      .thenRejects('risk-closed', /CRM decommissioned/);
    spec
      .given([...acceptedRisk, closed])
      .when(flagControl(mfa, D4))
      .then([]);
    expect(riskStatus(stateAfter([...acceptedRisk, closed]))).toBe('closed');
  });

  it('reassignment-needs-reason, scope-change-needs-reason, revision-needs-summary: decisions about a risk say why', () => {
    spec
      .given([identified])
      .when({ type: 'ReassignRiskOwner', ownerPersonId: 'p2', reason: '', by: 'p', at: D2 })
      .thenRejects('reassignment-needs-reason');
    spec
      .given([identified])
      .when({ type: 'ChangeRiskScope', scopeId: 'scope-de', reason: '', by: 'p', at: D2 })
      .thenRejects('scope-change-needs-reason');
    spec
      .given([identified])
      .when({
        type: 'ReviseRiskScenario',
        title: 'x',
        description: '',
        assetIds: ['asset-crm'],
        threatCode: 'TH-07',
        vulnerabilityCode: 'VU-05',
        changeSummary: '',
        by: 'p',
        at: D2,
      })
      .thenRejects('revision-needs-summary');
  });
});
