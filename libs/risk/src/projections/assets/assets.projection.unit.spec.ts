import { RiskEventTypes as T } from '@isms/contracts';
import { InMemoryReadStore } from '@isms/read-store';
import { recorded } from '../../testing/recorded.js';
import type { AssetView } from '../read-models.js';
import { RiskCollections } from '../read-models.js';
import { assetsProjection } from './assets.projection.js';

describe('assets projection', () => {
  it('registers, updates and retires an asset in one document', async () => {
    const store = new InMemoryReadStore();
    const projection = assetsProjection(store);
    const stream = { streamId: 'asset-1', streamType: 'asset' };
    await projection.apply(
      recorded(stream, 1, {
        type: T.AssetRegistered,
        data: {
          assetId: 'asset-1',
          name: 'CRM',
          description: '',
          assetType: 'software',
          ownerPersonId: 'p1',
          orgUnitId: 'ou-fr',
          classification: 'internal',
          requirements: { confidentiality: 'high', integrity: 'medium', availability: 'medium' },
        },
      }),
    );
    await projection.apply(
      recorded(
        stream,
        2,
        { type: T.AssetUpdated, data: { assetId: 'asset-1', ownerPersonId: 'p2' } },
        '2026-03-03T00:00:00.000Z',
      ),
    );
    await projection.apply(
      recorded(
        stream,
        3,
        {
          type: T.AssetRetired,
          data: { assetId: 'asset-1', reason: 'Replaced', retiredAt: '2026-04-01T00:00:00.000Z' },
        },
        '2026-04-01T00:00:00.000Z',
      ),
    );
    await projection.apply(
      recorded(stream, 2, {
        type: T.AssetUpdated,
        data: { assetId: 'asset-1', ownerPersonId: 'p3' },
      }),
    );
    expect(await store.collection<AssetView>(RiskCollections.Assets).get('asset-1')).toMatchObject({
      _revision: 3,
      tenantId: 'tenant-a',
      ownerPersonId: 'p2',
      status: 'retired',
      retirementReason: 'Replaced',
      registeredAt: '2026-03-02T10:00:00.000Z',
      updatedAt: '2026-04-01T00:00:00.000Z',
    });
  });
});
