import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { RiskEventTypes as T, RiskStreamTypes, isRiskEvent } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import type { MethodologyView } from '../read-models.js';
import { RiskCollections, storeDefinition, storeOverrides } from '../read-models.js';

export const METHODOLOGIES_PROJECTION = 'risk-methodologies';

/** The methodology of each org unit that has one: its current version and the list of versions. */
export function methodologiesProjection(readStore: ReadStore): Projection {
  const methodologies = readStore.collection<MethodologyView>(RiskCollections.Methodologies);
  return {
    name: METHODOLOGIES_PROJECTION,
    handles: { streamTypes: [RiskStreamTypes.RiskMethodology] },
    async apply(event: RecordedEvent) {
      if (!isRiskEvent(event)) return;
      if (event.type !== T.RiskMethodologyAdopted && event.type !== T.RiskMethodologyRefined) {
        return;
      }
      const data = event.data;
      const current = await methodologies.get(data.orgUnitId);
      const summary = {
        version: data.version,
        changeSummary: data.changeSummary,
        adoptedBy: data.adoptedBy,
        reason: data.reason,
        adoptedAt: data.adoptedAt,
      };
      const versions = [
        ...(current?.versions ?? []).filter((v) => v.version < data.version),
        summary,
      ];
      const common = {
        tenantId: event.tenantId,
        methodologyId: data.methodologyId,
        orgUnitId: data.orgUnitId,
        version: data.version,
        versions,
      };
      const view: MethodologyView =
        event.type === T.RiskMethodologyAdopted
          ? { ...common, kind: 'base', definition: storeDefinition(event.data.definition) }
          : {
              ...common,
              kind: 'refinement',
              overrides: storeOverrides(event.data.overrides),
              basedOn: event.data.basedOn,
            };
      await methodologies.upsert(data.orgUnitId, view, { revision: event.streamRevision });
    },
    reset: () => methodologies.drop(),
  };
}
