import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { ControlsEventTypes as T, ControlsStreamTypes } from '@isms/contracts';
import { controlsEvent, projectOne } from '../project.js';
import type { CatalogueView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const CATALOGUES_PROJECTION = 'controls-catalogues';

/** The tenants' imported catalogues, with the custom controls added to them. */
export function cataloguesProjection(readStore: ReadStore): Projection {
  const catalogues = readStore.collection<CatalogueView>(Collections.Catalogues);
  return {
    name: CATALOGUES_PROJECTION,
    handles: {
      streamTypes: [ControlsStreamTypes.ControlCatalogue],
      // Exactly the types apply reacts to (the switch below); no other event reaches it.
      eventTypes: [T.CatalogueImported, T.CustomControlAdded],
    },
    async apply(recorded) {
      const event = controlsEvent(recorded);
      if (!event) return;
      switch (event.type) {
        case T.CatalogueImported: {
          const { importedBy, ...data } = event.data;
          return projectOne(catalogues, data.catalogueId, event, () => ({
            tenantId: event.tenantId,
            ...data,
            importedBy,
            importedAt: event.recordedAt,
            updatedAt: event.recordedAt,
          }));
        }
        case T.CustomControlAdded:
          return projectOne(catalogues, event.data.catalogueId, event, (current) =>
            current
              ? {
                  ...current,
                  controls: [...current.controls, event.data.control],
                  updatedAt: event.recordedAt,
                }
              : undefined,
          );
        default:
          return;
      }
    },
    reset: () => catalogues.drop(),
  };
}
