import { foldEvents } from '@isms/event-sourcing';
import { deciderSpec } from '@isms/event-sourcing/testing';
import { AuditEventTypes as T } from '@isms/contracts';
import type { EngagementCommand, PlanEngagement, RaiseFinding } from './commands.js';
import { engagement } from './engagement.js';
import type { EngagementRecord } from './engagement.js';
import type { EngagementEvent } from './events.js';

const spec = deciderSpec(engagement);
const at = '2026-03-02T09:00:00.000Z';

const planned: PlanEngagement = {
  type: 'PlanEngagement',
  engagementId: 'audit-engagement-1',
  tenantId: 'tenant-a',
  scopeId: 'isms-scope-fr',
  orgUnitId: 'ou-fr',
  kind: 'internal',
  title: 'Internal audit 2026 — access control',
  auditedOrgUnitIds: ['ou-fr'],
  auditors: [{ personId: 'person-auditor', kind: 'internal', lead: true }],
  plannedStart: '2026-03-02',
  plannedEnd: '2026-03-04',
  plan: 'Objectives: conformity of 9.2 and access control',
  clauses: ['9.2', '10.2'],
  controls: [{ catalogueId: 'iso27001-2022', controlId: '5.15' }],
  earlierNonconformityIds: [],
  by: 'person-auditor',
  at,
};

/** Runs commands through the decider and returns every event they record (the history). */
function history(...commands: EngagementCommand[]): EngagementEvent[] {
  const events: EngagementEvent[] = [];
  for (const command of commands) {
    const state = foldEvents(engagement.evolve, engagement.initialState(), events);
    events.push(...engagement.decide(command, state));
  }
  return events;
}

const started: EngagementCommand = { type: 'StartEngagement', by: 'person-auditor', at };
const major: RaiseFinding = {
  type: 'RaiseFinding',
  findingId: 'finding-1',
  grade: 'major-nonconformity',
  clause: '9.2',
  orgUnitId: 'ou-fr',
  title: 'No internal audit programme',
  description: 'No programme for 2025 exists.',
  evidenceIds: ['evidence-record-1'],
  raisedByKind: 'internal',
  by: 'person-auditor',
  at,
};
const observation: RaiseFinding = {
  ...major,
  findingId: 'finding-2',
  grade: 'observation',
  evidenceIds: [],
};
const correction: EngagementCommand = {
  type: 'RecordCorrection',
  findingId: 'finding-1',
  correction: 'Programme drafted',
  by: 'person-isms',
  at,
};
const rootCause: EngagementCommand = {
  type: 'RecordRootCause',
  findingId: 'finding-1',
  rootCause: 'No owner for 9.2',
  by: 'person-isms',
  at,
};
const actionPlan: EngagementCommand = {
  type: 'PlanCorrectiveAction',
  findingId: 'finding-1',
  actionPlan: 'Name an audit programme owner',
  ownerPersonId: 'person-isms',
  dueDate: '2026-03-31',
  by: 'person-isms',
  at,
};
const implemented: EngagementCommand = {
  type: 'ImplementCorrectiveAction',
  findingId: 'finding-1',
  implementation: 'Owner named in the RACI',
  by: 'person-isms',
  at: '2026-03-20T10:00:00.000Z',
};
const verifiedEffective: EngagementCommand = {
  type: 'VerifyCorrectiveAction',
  findingId: 'finding-1',
  effective: true,
  reason: 'Programme 2026 approved and followed',
  by: 'person-auditor',
  at: '2026-04-10T10:00:00.000Z',
};
const reported: EngagementCommand = {
  type: 'ReportEngagement',
  summary: 'Audited 9.2, 10.2, 5.15',
  conclusion: 'One major NC',
  by: 'person-auditor',
  at,
};

describe('audit engagement (9.2): lifecycle', () => {
  it('plans an engagement with a checklist over the selected clauses and controls', () => {
    const [event] = engagement.decide(planned, engagement.initialState());
    expect(event?.type).toBe(T.EngagementPlanned);
    const data = event!.data as unknown as { checklist: { itemId: string }[] };
    expect(data.checklist.map((i) => i.itemId)).toEqual([
      'clause-9.2',
      'clause-10.2',
      'control-iso27001-2022:5.15',
    ]);
  });

  it('stage 2 audits every clause of 4–10, whatever was selected', () => {
    const [event] = engagement.decide(
      { ...planned, kind: 'stage-2', clauses: [] },
      engagement.initialState(),
    );
    const refs = (event!.data as unknown as { checklist: { ref: string }[] }).checklist.map(
      (i) => i.ref,
    );
    expect(refs).toEqual(expect.arrayContaining(['4.1', '6.1', '8.3', '9.3', '10.2']));
    expect(refs).toHaveLength(23 + 1);
  });

  it('surveillance always re-checks earlier nonconformities, the internal audit and the management review', () => {
    const [event] = engagement.decide(
      { ...planned, kind: 'surveillance', clauses: [], earlierNonconformityIds: ['finding-old'] },
      engagement.initialState(),
    );
    const items = (
      event!.data as unknown as { checklist: { ref: string; findingIds?: string[] }[] }
    ).checklist;
    expect(items.filter((i) => i.ref !== 'iso27001-2022:5.15').map((i) => i.ref)).toEqual([
      'earlier-nonconformities',
      'internal-audit',
      'management-review',
    ]);
    expect(items.find((i) => i.ref === 'earlier-nonconformities')?.findingIds).toEqual([
      'finding-old',
    ]);
  });

  it('engagement-already-planned: an engagement is planned once', () => {
    spec.given(history(planned)).when(planned).thenRejects('engagement-already-planned');
  });

  it('engagement-needs-plan: the audit plan is written', () => {
    spec
      .given([])
      .when({ ...planned, plan: '  ' })
      .thenRejects('engagement-needs-plan');
  });

  it('engagement-dates-out-of-order: the end is not before the start', () => {
    spec
      .given([])
      .when({ ...planned, plannedEnd: '2026-03-01' })
      .thenRejects('engagement-dates-out-of-order');
  });

  it('engagement-needs-auditor: at least one auditor', () => {
    spec
      .given([])
      .when({ ...planned, auditors: [] })
      .thenRejects('engagement-needs-auditor');
  });

  it('external-auditor-needs-grant: an external auditor works through an access grant', () => {
    spec
      .given([])
      .when({ ...planned, auditors: [{ personId: 'person-cb', kind: 'external', lead: true }] })
      .thenRejects('external-auditor-needs-grant');
  });

  it('supplier-audit-needs-supplier: a supplier audit names the supplier', () => {
    spec
      .given([])
      .when({ ...planned, kind: 'supplier' })
      .thenRejects('supplier-audit-needs-supplier');
  });

  it('clause-outside-4-10: checklists and findings concern clauses 4–10 only', () => {
    spec
      .given([])
      .when({ ...planned, clauses: ['3.1'] })
      .thenRejects('clause-outside-4-10');
  });

  it('checklist-empty: an engagement audits something', () => {
    spec
      .given([])
      .when({ ...planned, clauses: [], controls: [] })
      .thenRejects('checklist-empty');
  });

  it('engagement-not-planned: only a planned engagement starts', () => {
    spec.given(history(planned, started)).when(started).thenRejects('engagement-not-planned');
  });

  it('engagement-not-in-progress: findings are taken while the engagement is in progress', () => {
    spec
      .given(history(planned))
      .when(major)
      .thenRejects('engagement-not-in-progress', /start it/);
  });

  it('checklist-item-unknown: only items of the checklist are assessed', () => {
    spec
      .given(history(planned, started))
      .when({
        type: 'AssessChecklistItem',
        itemId: 'clause-4.1',
        result: 'conforming',
        notes: '',
        by: 'p',
        at,
      })
      .thenRejects('checklist-item-unknown');
  });

  it('records a checklist result', () => {
    const state = spec.stateAfter(
      history(planned, started, {
        type: 'AssessChecklistItem',
        itemId: 'clause-9.2',
        result: 'nonconforming',
        notes: 'No programme',
        by: 'person-auditor',
        at,
      }),
    ) as EngagementRecord;
    expect(state.checklist.find((i) => i.itemId === 'clause-9.2')?.result).toBe('nonconforming');
  });

  it('cut-off-in-future: the frozen view is of recorded history', () => {
    spec
      .given(history(planned))
      .when({ type: 'SetCutOff', cutOffAt: '2026-03-03T00:00:00Z', reason: 'Stage 2', by: 'p', at })
      .thenRejects('cut-off-in-future');
  });

  it('cut-off-needs-reason: freezing the view says why', () => {
    spec
      .given(history(planned))
      .when({ type: 'SetCutOff', cutOffAt: '2026-03-01T00:00:00Z', reason: '', by: 'p', at })
      .thenRejects('cut-off-needs-reason');
  });

  it('engagement-not-reported: an engagement closes after its report', () => {
    spec
      .given(history(planned, started))
      .when({ type: 'CloseEngagement', reason: 'Done', by: 'p', at })
      .thenRejects('engagement-not-reported');
  });

  it('open-major-nonconformity-blocks-closure: no closure while a major NC is open', () => {
    spec
      .given(history(planned, started, major, reported))
      .when({ type: 'CloseEngagement', reason: 'Done', by: 'p', at })
      .thenRejects('open-major-nonconformity-blocks-closure', /finding-1/);
  });

  it('closes once the major NC is closed (open observations do not block)', () => {
    const closeFinding: EngagementCommand = {
      type: 'CloseFinding',
      findingId: 'finding-1',
      reason: 'Effective',
      by: 'person-auditor',
      at,
    };
    spec
      .given(
        history(
          planned,
          started,
          major,
          observation,
          reported,
          correction,
          rootCause,
          actionPlan,
          implemented,
          verifiedEffective,
          closeFinding,
        ),
      )
      .when({ type: 'CloseEngagement', reason: 'All major NCs closed', by: 'p', at })
      .then([
        {
          type: T.EngagementClosed,
          data: {
            engagementId: 'audit-engagement-1',
            scopeId: 'isms-scope-fr',
            closedBy: 'p',
            reason: 'All major NCs closed',
            closedAt: at,
          },
        },
      ]);
  });

  it('decision-needs-reason: closing an engagement carries its reason', () => {
    spec
      .given(history(planned, started, reported))
      .when({ type: 'CloseEngagement', reason: ' ', by: 'p', at })
      .thenRejects('decision-needs-reason');
  });
});

describe('engagement: further rules', () => {
  it('engagement-needs-title: an engagement has a title', () => {
    spec
      .given([])
      .when({ ...planned, title: ' ' })
      .thenRejects('engagement-needs-title');
  });

  it('supplier-only-for-supplier-audits: only a supplier audit names a supplier', () => {
    spec
      .given([])
      .when({ ...planned, supplier: 'CloudCo' })
      .thenRejects('supplier-only-for-supplier-audits');
  });

  it('report-needs-summary: a report summarises what was audited and found', () => {
    spec
      .given(history(planned, started))
      .when({ ...reported, summary: '' } as EngagementCommand)
      .thenRejects('report-needs-summary');
  });

  it('engagement-closed: a closed engagement no longer takes evidence answers', () => {
    spec
      .given(
        history(planned, started, reported, {
          type: 'CloseEngagement',
          reason: 'Done',
          by: 'p',
          at,
        }),
      )
      .when({
        type: 'AnswerEvidenceRequest',
        requestId: 'req-1',
        evidenceIds: ['e'],
        comment: '',
        by: 'p',
        at,
      })
      .thenRejects('engagement-closed');
  });

  it('finding-unknown: corrective steps name a finding of the engagement', () => {
    spec.given(history(planned, started)).when(correction).thenRejects('finding-unknown');
  });

  it('finding-already-closed: a closed finding stays closed', () => {
    const close: EngagementCommand = {
      type: 'CloseFinding',
      findingId: 'finding-2',
      reason: 'Noted',
      by: 'p',
      at,
    };
    spec
      .given(history(planned, started, observation, close))
      .when(close)
      .thenRejects('finding-already-closed');
  });

  it('corrective-action-not-planned: implementation follows a plan', () => {
    spec
      .given(history(planned, started, major, correction, rootCause))
      .when(implemented)
      .thenRejects('corrective-action-not-planned');
  });
});

describe('findings', () => {
  it('finding-needs-clause-or-control: exactly one of clause and control', () => {
    spec
      .given(history(planned, started))
      .when({ ...major, control: { catalogueId: 'iso27001-2022', controlId: '5.15' } })
      .thenRejects('finding-needs-clause-or-control');
  });

  it('nonconformity-needs-evidence: a nonconformity rests on evidence', () => {
    spec
      .given(history(planned, started))
      .when({ ...major, evidenceIds: [] })
      .thenRejects('nonconformity-needs-evidence');
  });

  it('records who raised it, grade, clause, org unit and evidence', () => {
    spec
      .given(history(planned, started))
      .when(major)
      .then([
        {
          type: T.FindingRaised,
          data: {
            engagementId: 'audit-engagement-1',
            findingId: 'finding-1',
            scopeId: 'isms-scope-fr',
            engagementKind: 'internal',
            grade: 'major-nonconformity',
            clause: '9.2',
            orgUnitId: 'ou-fr',
            title: 'No internal audit programme',
            description: 'No programme for 2025 exists.',
            evidenceIds: ['evidence-record-1'],
            raisedBy: 'person-auditor',
            raisedByKind: 'internal',
            raisedAt: at,
          },
        },
      ]);
  });

  it('nonconformity-needs-effective-corrective-action: an NC closes after an effective action', () => {
    spec
      .given(history(planned, started, major, correction, rootCause, actionPlan, implemented))
      .when({ type: 'CloseFinding', findingId: 'finding-1', reason: 'Done', by: 'p', at })
      .thenRejects('nonconformity-needs-effective-corrective-action');
  });

  it('an observation closes with a reason and no corrective action', () => {
    const events = engagement.decide(
      { type: 'CloseFinding', findingId: 'finding-2', reason: 'Noted', by: 'p', at },
      spec.stateAfter(history(planned, started, observation)),
    );
    expect(events.map((e) => e.type)).toEqual([T.FindingClosed]);
  });
});

describe('evidence requests', () => {
  const requested: EngagementCommand = {
    type: 'RequestEvidence',
    requestId: 'req-1',
    control: { catalogueId: 'iso27001-2022', controlId: '5.15' },
    question: 'Show the access review of Q1',
    by: 'person-cb',
    at,
  };
  const answered: EngagementCommand = {
    type: 'AnswerEvidenceRequest',
    requestId: 'req-1',
    evidenceIds: ['evidence-record-1'],
    comment: 'Attached',
    by: 'person-owner',
    at,
  };

  it('evidence-answer-needs-evidence: the owner answers with evidence records', () => {
    spec
      .given(history(planned, started, requested))
      .when({ ...answered, evidenceIds: [] } as EngagementCommand)
      .thenRejects('evidence-answer-needs-evidence');
  });

  it('evidence-request-not-answered: the auditor accepts or flags an answer', () => {
    spec
      .given(history(planned, started, requested))
      .when({ type: 'AcceptEvidence', requestId: 'req-1', reason: 'ok', by: 'p', at })
      .thenRejects('evidence-request-not-answered');
  });

  it('a flagged answer is answered again, then accepted', () => {
    const state = spec.stateAfter(
      history(
        planned,
        started,
        requested,
        answered,
        { type: 'FlagEvidence', requestId: 'req-1', reason: 'Q4, not Q1', by: 'person-cb', at },
        answered,
        { type: 'AcceptEvidence', requestId: 'req-1', reason: 'Q1 review', by: 'person-cb', at },
      ),
    ) as EngagementRecord;
    expect(state.evidenceRequests[0]?.status).toBe('accepted');
    expect(state.evidenceRequests[0]?.answers).toHaveLength(2);
  });

  it('decision-needs-reason: flagging evidence says why', () => {
    spec
      .given(history(planned, started, requested, answered))
      .when({ type: 'FlagEvidence', requestId: 'req-1', reason: '', by: 'p', at })
      .thenRejects('decision-needs-reason');
  });
});

describe('corrective actions (10.2)', () => {
  it('corrective-action-only-for-nonconformities: observations get no corrective action', () => {
    spec
      .given(history(planned, started, observation))
      .when({ type: 'RecordCorrection', findingId: 'finding-2', correction: 'x', by: 'p', at })
      .thenRejects('corrective-action-only-for-nonconformities');
  });

  it('correction-before-action-plan: the correction comes first', () => {
    spec
      .given(history(planned, started, major, rootCause))
      .when(actionPlan)
      .thenRejects('correction-before-action-plan');
  });

  it('root-cause-before-action-plan: the action removes an analysed cause', () => {
    spec
      .given(history(planned, started, major, correction))
      .when(actionPlan)
      .thenRejects('root-cause-before-action-plan');
  });

  it('due-date-in-past: an action is planned with a due date ahead', () => {
    spec
      .given(history(planned, started, major, correction, rootCause))
      .when({ ...actionPlan, dueDate: '2026-03-01' } as EngagementCommand)
      .thenRejects('due-date-in-past');
  });

  it('corrective-action-already-planned: one plan at a time', () => {
    spec
      .given(history(planned, started, major, correction, rootCause, actionPlan))
      .when(actionPlan)
      .thenRejects('corrective-action-already-planned');
  });

  it('marks an action overdue once, the day after its due date, if not implemented', () => {
    const given = history(planned, started, major, correction, rootCause, actionPlan);
    const onDueDate = {
      type: 'MarkOverdueCorrectiveActions',
      by: 'system',
      at: '2026-03-31T23:00:00.000Z',
    } as const;
    const dayAfter = { ...onDueDate, at: '2026-04-01T08:00:00.000Z' };
    spec.given(given).when(onDueDate).then([]);
    spec
      .given(given)
      .when(dayAfter)
      .then([
        {
          type: T.CorrectiveActionMarkedOverdue,
          data: {
            engagementId: 'audit-engagement-1',
            findingId: 'finding-1',
            scopeId: 'isms-scope-fr',
            dueDate: '2026-03-31',
            ownerPersonId: 'person-isms',
            markedAt: '2026-04-01T08:00:00.000Z',
          },
        },
      ]);
    spec
      .given(history(...[planned, started, major, correction, rootCause, actionPlan, dayAfter]))
      .when(dayAfter)
      .then([]);
  });

  it('corrective-action-not-implemented: effectiveness is verified after implementation', () => {
    spec
      .given(history(planned, started, major, correction, rootCause, actionPlan))
      .when(verifiedEffective)
      .thenRejects('corrective-action-not-implemented');
  });

  it('verification-needs-reason: the verification is a decision with its reason', () => {
    spec
      .given(history(planned, started, major, correction, rootCause, actionPlan, implemented))
      .when({ ...verifiedEffective, reason: ' ' } as EngagementCommand)
      .thenRejects('verification-needs-reason');
  });

  it('verifier-must-be-independent: the action owner does not verify their own action', () => {
    spec
      .given(history(planned, started, major, correction, rootCause, actionPlan, implemented))
      .when({ ...verifiedEffective, by: 'person-isms' } as EngagementCommand)
      .thenRejects('verifier-must-be-independent');
  });

  it('an action found not effective is planned again (attempt 2)', () => {
    const notEffective: EngagementCommand = {
      ...(verifiedEffective as Extract<EngagementCommand, { type: 'VerifyCorrectiveAction' }>),
      effective: false,
      reason: 'Still no programme',
    };
    const events = engagement.decide(
      { ...actionPlan, at: '2026-04-11T09:00:00.000Z', dueDate: '2026-05-31' } as EngagementCommand,
      spec.stateAfter(
        history(
          planned,
          started,
          major,
          correction,
          rootCause,
          actionPlan,
          implemented,
          notEffective,
        ),
      ),
    );
    expect(events[0]?.data).toMatchObject({ attempt: 2, dueDate: '2026-05-31' });
  });

  it('corrective actions continue after the engagement is closed (minor NCs)', () => {
    const minor: RaiseFinding = { ...major, grade: 'minor-nonconformity' };
    spec
      .given(
        history(planned, started, minor, reported, {
          type: 'CloseEngagement',
          reason: 'No major NC',
          by: 'p',
          at,
        }),
      )
      .when(correction)
      .then([
        {
          type: T.CorrectionRecorded,
          data: {
            engagementId: 'audit-engagement-1',
            findingId: 'finding-1',
            scopeId: 'isms-scope-fr',
            correction: 'Programme drafted',
            recordedBy: 'person-isms',
            recordedAt: at,
          },
        },
      ]);
  });
});
