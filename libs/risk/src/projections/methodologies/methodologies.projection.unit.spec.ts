import { RiskEventTypes as T } from '@isms/contracts';
import { InMemoryReadStore } from '@isms/read-store';
import { group5x5, subsidiaryImpactScale } from '../../testing/methodology-fixtures.js';
import { recorded } from '../../testing/recorded.js';
import type { MethodologyView } from '../read-models.js';
import { RiskCollections, loadDefinition, loadOverrides } from '../read-models.js';
import { methodologiesProjection } from './methodologies.projection.js';

const decision = {
  changeSummary: 'Initial version',
  adoptedBy: 'p',
  reason: 'r',
  adoptedAt: '2026-03-02T10:00:00.000Z',
};

describe('methodologies projection', () => {
  it('stores each unit’s current version (matrix as rows, no nested arrays) and the list of versions', async () => {
    const store = new InMemoryReadStore();
    const projection = methodologiesProjection(store);
    const root = { streamId: 'risk-methodology-ou-root', streamType: 'risk-methodology' };
    await projection.apply(
      recorded(root, 1, {
        type: T.RiskMethodologyAdopted,
        data: {
          methodologyId: root.streamId,
          orgUnitId: 'ou-root',
          version: 1,
          definition: group5x5,
          ...decision,
        },
      }),
    );
    const faster = {
      ...group5x5,
      levels: group5x5.levels.map((l) => ({
        ...l,
        reviewIntervalDays: Math.min(90, l.reviewIntervalDays),
      })),
    };
    await projection.apply(
      recorded(root, 2, {
        type: T.RiskMethodologyAdopted,
        data: {
          methodologyId: root.streamId,
          orgUnitId: 'ou-root',
          version: 2,
          definition: faster,
          ...decision,
          changeSummary: 'Quarterly reviews',
        },
      }),
    );
    const pl = { streamId: 'risk-methodology-ou-pl', streamType: 'risk-methodology' };
    await projection.apply(
      recorded(pl, 1, {
        type: T.RiskMethodologyRefined,
        data: {
          methodologyId: pl.streamId,
          orgUnitId: 'ou-pl',
          version: 1,
          overrides: { impactScale: subsidiaryImpactScale },
          basedOn: [{ orgUnitId: 'ou-root', version: 2 }],
          ...decision,
        },
      }),
    );

    const views = store.collection<MethodologyView>(RiskCollections.Methodologies);
    const rootView = (await views.get('ou-root'))!;
    expect(rootView).toMatchObject({
      kind: 'base',
      version: 2,
      versions: [{ version: 1 }, { version: 2, changeSummary: 'Quarterly reviews' }],
    });
    expect(rootView.definition!.matrixRows[0]).toEqual({
      likelihood: 1,
      levels: group5x5.matrix[0],
    });
    expect(loadDefinition(rootView.definition!)).toEqual(faster);
    const plView = (await views.get('ou-pl'))!;
    expect(plView).toMatchObject({
      kind: 'refinement',
      version: 1,
      basedOn: [{ orgUnitId: 'ou-root', version: 2 }],
    });
    expect(loadOverrides(plView.overrides!)).toEqual({ impactScale: subsidiaryImpactScale });
  });
});
