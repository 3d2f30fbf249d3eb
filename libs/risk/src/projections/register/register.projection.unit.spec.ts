import { RiskEventTypes as T } from '@isms/contracts';
import { InMemoryReadStore } from '@isms/read-store';
import { group5x5 } from '../../testing/methodology-fixtures.js';
import { recorded } from '../../testing/recorded.js';
import { rate } from '../../domain/methodology/methodology-rules.js';
import type { RiskRegisterEntry } from '../read-models.js';
import { RiskCollections } from '../read-models.js';
import { registerProjection } from './register.projection.js';

const stream = { streamId: 'risk-1', streamType: 'risk' };
const methodology = { definition: group5x5, versions: [{ orgUnitId: 'ou-group', version: 1 }] };
const identified = {
  type: T.RiskIdentified,
  data: {
    riskId: 'risk-1',
    title: 'Ransomware encrypts the CRM',
    description: '',
    assetIds: ['asset-crm'],
    threatCode: 'TH-07',
    vulnerabilityCode: 'VU-05',
    ownerPersonId: 'person-owner',
    orgUnitId: 'ou-fr',
    scopeId: 'scope-fr',
    identifiedAt: '2026-03-02T10:00:00.000Z',
  },
};
const assessed = {
  type: T.InherentRiskAssessed,
  data: {
    riskId: 'risk-1',
    rating: rate(methodology, 4, 4),
    existingControls: '',
    existingControlRefs: [{ catalogueId: 'iso27001-2022', controlId: '8.13' }],
    rationale: 'r',
    assessedBy: 'p',
    assessedAt: '2026-03-02T10:00:00.000Z',
    nextReviewDue: '2026-05-31',
  },
};
const decided = {
  type: T.RiskTreatmentDecided,
  data: {
    riskId: 'risk-1',
    option: 'modify',
    justification: 'j',
    decidedBy: 'p',
    decidedAt: '2026-03-02T10:00:00.000Z',
  },
};
const planned = {
  type: T.RiskTreatmentPlanned,
  data: {
    riskId: 'risk-1',
    planVersion: 1,
    option: 'modify',
    actions: [
      { actionId: 'a1', title: 'MFA', ownerPersonId: 'p', dueDate: '2026-06-30' },
      { actionId: 'a2', title: 'Backups offline', ownerPersonId: 'p', dueDate: '2026-04-30' },
    ],
    linkedControls: [{ catalogueId: 'iso27001-2022', controlId: '8.5' }],
    title: 't',
    orgUnitId: 'ou-fr',
    scopeId: 'scope-fr',
    plannedBy: 'p',
    plannedAt: '2026-03-02T10:00:00.000Z',
  },
};

describe('risk register projection', () => {
  it('keeps one document per risk with status, current level, control keys and the earliest open action', async () => {
    const store = new InMemoryReadStore();
    const projection = registerProjection(store);
    for (const [i, event] of [identified, assessed, decided, planned].entries()) {
      await projection.apply(recorded(stream, i + 1, event));
    }
    await projection.apply(
      recorded(stream, 5, {
        type: T.TreatmentActionCompleted,
        data: {
          riskId: 'risk-1',
          actionId: 'a2',
          note: '',
          completedBy: 'p',
          completedAt: '2026-03-05T00:00:00.000Z',
        },
      }),
    );
    const doc = await store.collection<RiskRegisterEntry>(RiskCollections.Register).get('risk-1');
    expect(doc).toMatchObject({
      _revision: 5,
      tenantId: 'tenant-a',
      status: 'treatment-planned',
      currentLevel: 'high',
      currentLevelRank: 2,
      aboveAppetite: true,
      controlKeys: ['iso27001-2022:8.13', 'iso27001-2022:8.5'],
      openActions: 1,
      nextOpenActionDue: '2026-06-30',
      acceptanceStatus: 'none',
      nextReviewDue: '2026-05-31',
      residual: null,
    });
  });

  it('ignores a redelivered or older event (revision guard)', async () => {
    const store = new InMemoryReadStore();
    const projection = registerProjection(store);
    await projection.apply(recorded(stream, 1, identified));
    await projection.apply(recorded(stream, 2, assessed));
    await projection.apply(recorded(stream, 2, assessed));
    await projection.apply(recorded(stream, 1, identified));
    const doc = await store.collection<RiskRegisterEntry>(RiskCollections.Register).get('risk-1');
    expect(doc).toMatchObject({ _revision: 2, _version: 2, status: 'assessed' });
  });

  it('rebuilds to the same documents after a reset', async () => {
    const store = new InMemoryReadStore();
    const projection = registerProjection(store);
    const events = [identified, assessed, decided].map((e, i) => recorded(stream, i + 1, e));
    for (const e of events) await projection.apply(e);
    const before = await store.collection(RiskCollections.Register).get('risk-1');
    await projection.reset!();
    expect(await store.collection(RiskCollections.Register).count()).toBe(0);
    for (const e of events) await projection.apply(e);
    const after = await store.collection(RiskCollections.Register).get('risk-1');
    expect({ ...after, _version: 0 }).toEqual({ ...before, _version: 0 });
  });
});
