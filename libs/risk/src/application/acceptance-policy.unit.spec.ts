import { ManualClock } from '@isms/event-sourcing';
import type { EventStore, ReadAllOptions, RecordedEvent } from '@isms/event-sourcing';
import type { StaleCause } from '@isms/contracts';
import {
  ControlsEventTypes,
  GovernanceEventTypes as G,
  RiskEventTypes as T,
} from '@isms/contracts';
import { InMemoryReadStore } from '@isms/read-store';
import { recorded } from '../testing/recorded.js';
import { AcceptancePolicyCommands, acceptancePolicyProjection } from './acceptance-policy.js';

type Flagged = { tenantId: string; riskId: string; cause: StaleCause; sourceEventId: string };

function setup() {
  const flagged: Flagged[] = [];
  const projection = acceptancePolicyProjection(
    async (tenantId, riskId, cause, source: RecordedEvent) => {
      flagged.push({ tenantId, riskId, cause, sourceEventId: source.eventId });
    },
  )(new InMemoryReadStore());
  return { projection, flagged };
}

const risk = (id: string) => ({ streamId: id, streamType: 'risk' });
const identified = (id: string, scopeId = 'scope-fr') => ({
  type: T.RiskIdentified,
  data: {
    riskId: id,
    title: 't',
    description: '',
    assetIds: ['a'],
    threatCode: 'TH-01',
    vulnerabilityCode: 'VU-01',
    ownerPersonId: 'p',
    orgUnitId: 'ou-fr',
    scopeId,
    identifiedAt: '2026-03-02T10:00:00.000Z',
  },
});
const planned = (id: string, controlId: string) => ({
  type: T.RiskTreatmentPlanned,
  data: {
    riskId: id,
    planVersion: 1,
    option: 'modify',
    actions: [],
    linkedControls: [{ catalogueId: 'iso27001-2022', controlId }],
    title: 't',
    orgUnitId: 'ou-fr',
    scopeId: 'scope-fr',
    plannedBy: 'p',
    plannedAt: '2026-03-02T10:00:00.000Z',
  },
});
const accepted = (id: string, acceptedAt = '2026-03-02T10:00:00.000Z') => ({
  type: T.RiskAccepted,
  data: {
    riskId: id,
    acceptedBy: 'p',
    authority: 'risk-owner',
    residualLevel: 'low',
    residualLevelLabel: 'Low',
    withinAppetite: true,
    materialState: {},
    digest: 'd',
    reason: 'r',
    acceptedAt,
    nextReviewDue: '2027-03-02',
  },
});
const markedStale = (id: string) => ({
  type: T.RiskAcceptanceMarkedStale,
  data: {
    riskId: id,
    acceptedDigest: 'd',
    currentDigest: 'e',
    cause: { kind: 'material-change', change: T.RiskScenarioRevised, summary: 's' },
    markedAt: '2026-03-05T10:00:00.000Z',
  },
});
/** Causes are recorded after the acceptances above (an acceptance given later knew them). */
const LATER = '2026-03-10T12:00:00.000Z';
const testResult = (controlId: string, result: string, scopeId = 'scope-fr', at = LATER) =>
  recorded(
    { streamId: 'control-test-plan-1', streamType: 'control-test-plan' },
    1,
    {
      type: ControlsEventTypes.ControlTestResultRecorded,
      data: {
        testPlanId: 'control-test-plan-1',
        scopeId,
        orgUnitId: 'ou-fr',
        catalogueId: 'iso27001-2022',
        controlId,
        result,
        testedBy: 'p',
        testedAt: '2026-03-10',
        notes: '',
        nextDueOn: '2026-06-10',
      },
    },
    at,
  );

describe('acceptance policy (process manager)', () => {
  it('asks each risk relying on a control tested not effective (or partially) in its scope to flag its acceptance', async () => {
    const { projection, flagged } = setup();
    await projection.apply(recorded(risk('risk-1'), 1, identified('risk-1')));
    await projection.apply(recorded(risk('risk-1'), 2, planned('risk-1', '8.5')));
    await projection.apply(recorded(risk('risk-1'), 3, accepted('risk-1')));
    await projection.apply(recorded(risk('risk-2'), 1, identified('risk-2')));
    await projection.apply(recorded(risk('risk-2'), 2, planned('risk-2', '5.15')));
    await projection.apply(recorded(risk('risk-2'), 3, accepted('risk-2')));
    const failed = testResult('8.5', 'not-effective');
    await projection.apply(failed);
    await projection.apply(testResult('5.15', 'partially-effective'));
    expect(flagged).toEqual([
      {
        tenantId: 'tenant-a',
        riskId: 'risk-1',
        sourceEventId: failed.eventId,
        cause: expect.objectContaining({
          kind: 'control-found-ineffective',
          control: { catalogueId: 'iso27001-2022', controlId: '8.5' },
          result: 'not-effective',
        }),
      },
      expect.objectContaining({
        riskId: 'risk-2',
        cause: expect.objectContaining({ result: 'partially-effective' }),
      }),
    ]);
  });

  it('ignores effective results, other scopes, other tenants, unlinked controls and closed risks', async () => {
    const { projection, flagged } = setup();
    await projection.apply(recorded(risk('risk-1'), 1, identified('risk-1')));
    await projection.apply(recorded(risk('risk-1'), 2, planned('risk-1', '8.5')));
    await projection.apply(testResult('8.5', 'effective'));
    await projection.apply(testResult('8.5', 'not-effective', 'scope-de'));
    await projection.apply(testResult('8.6', 'not-effective'));
    await projection.apply({ ...testResult('8.5', 'not-effective'), tenantId: 'tenant-b' });
    await projection.apply(
      recorded(risk('risk-1'), 3, {
        type: T.RiskClosed,
        data: {
          riskId: 'risk-1',
          reason: 'r',
          closedBy: 'p',
          closedAt: '2026-03-03T00:00:00.000Z',
        },
      }),
    );
    await projection.apply(testResult('8.5', 'not-effective'));
    expect(flagged).toEqual([]);
  });

  it('asks only risks whose acceptance is current and older than the cause (the risk would refuse the others)', async () => {
    const { projection, flagged } = setup();
    const linked = async (id: string, ...more: { type: string; data: unknown }[]) => {
      await projection.apply(recorded(risk(id), 1, identified(id)));
      await projection.apply(recorded(risk(id), 2, planned(id, '8.5')));
      for (const [i, event] of more.entries()) {
        await projection.apply(recorded(risk(id), 3 + i, event));
      }
    };
    await linked('risk-never-accepted');
    await linked('risk-stale', accepted('risk-stale'), markedStale('risk-stale'));
    await linked(
      'risk-accepted-after',
      accepted('risk-accepted-after', '2026-03-11T09:00:00.000Z'),
    );
    await linked(
      'risk-re-accepted',
      accepted('risk-re-accepted'),
      markedStale('risk-re-accepted'),
      accepted('risk-re-accepted', '2026-03-06T09:00:00.000Z'),
    );
    await linked('risk-current', accepted('risk-current'));
    await projection.apply(testResult('8.5', 'not-effective'));
    expect(flagged.map((f) => f.riskId).sort()).toEqual(['risk-current', 'risk-re-accepted']);
  });

  it('counts the existing controls of the inherent rating as relied on', async () => {
    const { projection, flagged } = setup();
    await projection.apply(recorded(risk('risk-1'), 1, identified('risk-1')));
    await projection.apply(
      recorded(risk('risk-1'), 2, {
        type: T.InherentRiskAssessed,
        data: {
          riskId: 'risk-1',
          rating: {},
          existingControls: '',
          existingControlRefs: [{ catalogueId: 'iso27001-2022', controlId: '8.13' }],
          rationale: 'r',
          assessedBy: 'p',
          assessedAt: 'x',
          nextReviewDue: 'x',
        },
      }),
    );
    await projection.apply(recorded(risk('risk-1'), 3, accepted('risk-1')));
    await projection.apply(testResult('8.13', 'not-effective'));
    expect(flagged.map((f) => f.riskId)).toEqual(['risk-1']);
  });

  it('flags the risks of a scope when a new version of it is approved (not its first), with the revision’s summary', async () => {
    const { projection, flagged } = setup();
    await projection.apply(recorded(risk('risk-1'), 1, identified('risk-1')));
    await projection.apply(recorded(risk('risk-1'), 2, accepted('risk-1')));
    await projection.apply(recorded(risk('risk-2'), 1, identified('risk-2', 'scope-de')));
    await projection.apply(recorded(risk('risk-2'), 2, accepted('risk-2')));
    const scope = { streamId: 'scope-fr', streamType: 'isms-scope' };
    const approval = (version: number) => ({
      type: G.IsmsScopeApproved,
      data: {
        scopeId: 'scope-fr',
        version,
        approvedBy: 'p',
        approverRole: 'ciso',
        reason: 'r',
        approvedAt: 'x',
      },
    });
    await projection.apply(recorded(scope, 2, approval(1)));
    expect(flagged).toEqual([]);
    await projection.apply(
      recorded(scope, 3, {
        type: G.IsmsScopeRevised,
        data: { scopeId: 'scope-fr', version: 2, definition: {}, changeSummary: 'Lyon added' },
      }),
    );
    const v2 = recorded(scope, 4, approval(2), LATER);
    await projection.apply(v2);
    expect(flagged).toEqual([
      {
        tenantId: 'tenant-a',
        riskId: 'risk-1',
        sourceEventId: v2.eventId,
        cause: {
          kind: 'scope-changed',
          scopeId: 'scope-fr',
          scopeVersion: 2,
          sourceEventId: v2.eventId,
          summary: 'Version 2 of the ISMS scope was approved: Lyon added',
        },
      },
    ]);
  });
});

describe('AcceptancePolicyCommands (the policy’s flags, issued as the risk’s command)', () => {
  const cause = (sourceEventId: string): Exclude<StaleCause, { kind: 'material-change' }> => ({
    kind: 'control-found-ineffective',
    control: { catalogueId: 'iso27001-2022', controlId: '8.13' },
    result: 'not-effective',
    sourceEventId,
    summary: 'Control 8.13 was tested not-effective',
  });
  const markedFor = (riskId: string, sourceEventId: string) =>
    recorded(risk(riskId), 5, {
      type: T.RiskAcceptanceMarkedStale,
      data: { ...markedStale(riskId).data, cause: cause(sourceEventId) },
    });

  function commands(log: RecordedEvent[]) {
    const reads: string[] = [];
    const readAlls: ReadAllOptions[] = [];
    const store = {
      async readAll(options: ReadAllOptions = {}) {
        readAlls.push(options);
        return log.filter(
          (e) =>
            e.globalPosition > (options.afterPosition ?? 0) &&
            (!options.eventTypes || options.eventTypes.includes(e.type)),
        );
      },
      async readStream(streamId: string) {
        reads.push(streamId);
        return []; // no such risk: the decider refuses, the policy logs and goes on
      },
      async append() {
        throw new Error('nothing to append in these cases');
      },
    } as unknown as EventStore;
    const policy = new AcceptancePolicyCommands(store, new ManualClock('2026-06-01T00:00:00Z'));
    return { policy, reads, readAlls };
  }

  it('does not ask a risk about a cause it already reflects (read once from the log), and asks about the others', async () => {
    const log = [markedFor('risk-1', 'evt-cause-1'), markedFor('risk-2', 'evt-cause-2')];
    const { policy, reads, readAlls } = commands(log);
    const source = recorded({ streamId: 'plan-1', streamType: 'control-test-plan' }, 1, {
      type: ControlsEventTypes.ControlTestResultRecorded,
      data: {},
    });

    await policy.flag('tenant-a', 'risk-1', cause('evt-cause-1'), source);
    await policy.flag('tenant-a', 'risk-2', cause('evt-cause-2'), source);
    expect(reads).toEqual([]); // both already reflected: no stream read

    await policy.flag('tenant-a', 'risk-1', cause('evt-cause-3'), source); // a new cause
    await policy.flag('tenant-a', 'risk-3', cause('evt-cause-1'), source); // another risk
    expect(reads).toEqual(['risk-1', 'risk-3']);

    // The log was read once, for the markers only, page after page until an empty one.
    expect(readAlls.map((o) => o.eventTypes)).toEqual([
      [T.RiskAcceptanceMarkedStale],
      [T.RiskAcceptanceMarkedStale],
    ]);
  });
});
