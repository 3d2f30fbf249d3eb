import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { RiskEventTypes as T, RiskStreamTypes, isRiskEvent } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import type { AssetView } from '../read-models.js';
import { RiskCollections } from '../read-models.js';

export const ASSETS_PROJECTION = 'risk-assets';

/** The asset inventory: one document per asset. */
export function assetsProjection(readStore: ReadStore): Projection {
  const assets = readStore.collection<AssetView>(RiskCollections.Assets);
  return {
    name: ASSETS_PROJECTION,
    handles: { streamTypes: [RiskStreamTypes.Asset] },
    async apply(event: RecordedEvent) {
      if (!isRiskEvent(event)) return;
      const at = event.metadata.occurredAt;
      let view: AssetView | undefined;
      if (event.type === T.AssetRegistered) {
        view = {
          ...event.data,
          tenantId: event.tenantId,
          status: 'active',
          registeredAt: at,
          updatedAt: at,
        };
      } else {
        const current = await assets.get(event.streamId);
        if (!current || (current._revision ?? 0) >= event.streamRevision) return;
        const { _id, _version, _revision, _streams, ...body } = current;
        if (event.type === T.AssetUpdated) {
          const { assetId: _assetId, ...changes } = event.data;
          view = { ...body, ...changes, updatedAt: at };
        } else if (event.type === T.AssetRetired) {
          view = {
            ...body,
            status: 'retired',
            retiredAt: event.data.retiredAt,
            retirementReason: event.data.reason,
            updatedAt: at,
          };
        }
      }
      if (view) await assets.upsert(event.streamId, view, { revision: event.streamRevision });
    },
    reset: () => assets.drop(),
  };
}
