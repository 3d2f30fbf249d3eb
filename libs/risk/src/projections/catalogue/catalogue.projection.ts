import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { RiskEventTypes as T, RiskStreamTypes, isRiskEvent } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import type { CatalogueEntryView } from '../read-models.js';
import { RiskCollections } from '../read-models.js';

export const CATALOGUE_PROJECTION = 'risk-catalogue';

export function catalogueEntryId(tenantId: string, kind: 'threat' | 'vulnerability', code: string) {
  return `${tenantId}|${kind}|${code}`;
}

/** The threats and vulnerabilities tenants added (the defaults are data, not documents). */
export function catalogueProjection(readStore: ReadStore): Projection {
  const entries = readStore.collection<CatalogueEntryView>(RiskCollections.Catalogue);
  return {
    name: CATALOGUE_PROJECTION,
    handles: { streamTypes: [RiskStreamTypes.RiskCatalogue] },
    async apply(event: RecordedEvent) {
      if (!isRiskEvent(event)) return;
      const addedAt = event.metadata.occurredAt;
      if (event.type === T.ThreatAdded) {
        const id = catalogueEntryId(event.tenantId, 'threat', event.data.code);
        await entries.upsert(
          id,
          { ...event.data, tenantId: event.tenantId, kind: 'threat', addedAt },
          { revision: event.streamRevision },
        );
      } else if (event.type === T.VulnerabilityAdded) {
        const id = catalogueEntryId(event.tenantId, 'vulnerability', event.data.code);
        await entries.upsert(
          id,
          { ...event.data, tenantId: event.tenantId, kind: 'vulnerability', addedAt },
          { revision: event.streamRevision },
        );
      }
    },
    reset: () => entries.drop(),
  };
}
