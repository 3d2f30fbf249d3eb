import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import {
  ControlsEventTypes as C,
  ControlsStreamTypes,
  controlKey,
  isControlsEvent,
} from '@isms/contracts';
import type { SoaLine } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { applyGuarded, bodyOf } from '../guarded.js';
import type {
  DeviationDoc,
  EvidenceDoc,
  GroupControlDoc,
  SoaDoc,
  SoaLineDoc,
  TestPlanDoc,
} from '../read-models.js';
import { ReportingCollections } from '../read-models.js';

export const SOA_PROJECTION = 'reporting-soa';
export const TEST_PLANS_PROJECTION = 'reporting-test-plans';
export const EVIDENCE_PROJECTION = 'reporting-evidence';

export function soaLineId(scopeId: string, key: string): string {
  return `${scopeId}|${key}`;
}

/**
 * The Statement of Applicability of each scope: one document per SoA (approval state) and one per
 * line (a control's answer), each guarded by the SoA stream's revision.
 */
export function soaProjection(readStore: ReadStore): Projection {
  const soas = readStore.collection<SoaDoc>(ReportingCollections.Soas);
  const lines = readStore.collection<SoaLineDoc>(ReportingCollections.SoaLines);
  return {
    name: SOA_PROJECTION,
    handles: { streamTypes: [ControlsStreamTypes.StatementOfApplicability] },
    async apply(event: RecordedEvent) {
      if (!isControlsEvent(event)) return;
      const recordLine = (
        scope: { scopeId: string; orgUnitId: string },
        line: SoaLine,
        recordedBy: string,
        decisionNeeded: string | null,
      ) => {
        const key = controlKey(line);
        return applyGuarded(lines, soaLineId(scope.scopeId, key), event, () => ({
          tenantId: event.tenantId,
          scopeId: scope.scopeId,
          orgUnitId: scope.orgUnitId,
          catalogueId: line.catalogueId,
          controlId: line.controlId,
          controlKey: key,
          applicable: line.applicable,
          inclusionReasons: line.inclusionReasons,
          justification: line.justification,
          implementationStatus: line.implementationStatus,
          ownerPersonId: line.ownerPersonId ?? null,
          implementationDescription: line.implementationDescription ?? null,
          decisionNeeded,
          recordedBy,
          recordedAt: event.recordedAt,
        }));
      };
      const updateSoa = (mutate: (doc: SoaDoc) => SoaDoc) =>
        applyGuarded(soas, event.streamId, event, (current) =>
          current ? mutate(bodyOf(current)) : undefined,
        );
      switch (event.type) {
        case C.SoaEstablished: {
          const d = event.data;
          await applyGuarded(soas, event.streamId, event, () => ({
            tenantId: event.tenantId,
            soaId: d.soaId,
            scopeId: d.scopeId,
            orgUnitId: d.orgUnitId,
            catalogueId: d.catalogueId,
            extensionCatalogueIds: [],
            approvedVersion: null,
            approvedAt: null,
            approvedBy: null,
            approvedDigest: null,
            inherited: [],
            needsReapproval: false,
            changedSinceApproval: [],
          }));
          return;
        }
        case C.SoaCatalogueIncluded:
          await updateSoa((doc) => ({
            ...doc,
            extensionCatalogueIds: [
              ...new Set([...doc.extensionCatalogueIds, event.data.catalogueId]),
            ],
          }));
          return;
        case C.SoaLineRecorded: {
          const d = event.data;
          await recordLine(d, d.line, d.recordedBy, null);
          await updateSoa((doc) =>
            doc.approvedVersion === null
              ? doc
              : {
                  ...doc,
                  changedSinceApproval: [
                    ...new Set([...doc.changedSinceApproval, controlKey(d.line)]),
                  ],
                },
          );
          return;
        }
        case C.SoaReapprovalRequired:
          await updateSoa((doc) => ({
            ...doc,
            needsReapproval: true,
            changedSinceApproval: event.data.changedControls.map(controlKey),
          }));
          return;
        case C.SoaVersionApproved: {
          const d = event.data;
          await updateSoa((doc) => ({
            ...doc,
            catalogueId: d.catalogueId,
            extensionCatalogueIds: d.extensionCatalogueIds,
            approvedVersion: d.version,
            approvedAt: d.approvedAt,
            approvedBy: d.approvedBy,
            approvedDigest: d.digest,
            inherited: d.inherited,
            needsReapproval: false,
            changedSinceApproval: [],
          }));
          return;
        }
        case C.SoaCatalogueMigrated: {
          const d = event.data;
          for (const migrated of d.lines) {
            if (!migrated.line) continue;
            await recordLine(
              d,
              migrated.line,
              d.migratedBy,
              migrated.provenance.decisionNeeded ?? null,
            );
          }
          await updateSoa((doc) => ({ ...doc, catalogueId: d.toCatalogueId }));
          return;
        }
        default:
          return;
      }
    },
    async reset() {
      await soas.drop();
      await lines.drop();
    },
  };
}

/** Effectiveness test plans (9.1): the last result and when the next test is due. */
export function testPlansProjection(readStore: ReadStore): Projection {
  const plans = readStore.collection<TestPlanDoc>(ReportingCollections.TestPlans);
  return {
    name: TEST_PLANS_PROJECTION,
    handles: { streamTypes: [ControlsStreamTypes.ControlTestPlan] },
    async apply(event: RecordedEvent) {
      if (!isControlsEvent(event)) return;
      const update = (mutate: (doc: TestPlanDoc) => TestPlanDoc) =>
        applyGuarded(plans, event.streamId, event, (current) =>
          current ? mutate(bodyOf(current)) : undefined,
        );
      switch (event.type) {
        case C.ControlTestPlanScheduled: {
          const d = event.data;
          await applyGuarded(plans, event.streamId, event, () => ({
            tenantId: event.tenantId,
            testPlanId: d.testPlanId,
            scopeId: d.scopeId,
            orgUnitId: d.orgUnitId,
            controlKey: controlKey(d),
            frequency: d.frequency,
            nextDueOn: d.firstDueOn,
            lastResult: null,
            lastTestedAt: null,
            lastNotes: null,
            resultsRecorded: 0,
            retired: false,
          }));
          return;
        }
        case C.ControlTestPlanRevised:
          await update((doc) => ({
            ...doc,
            frequency: event.data.frequency,
            nextDueOn: event.data.nextDueOn,
          }));
          return;
        case C.ControlTestResultRecorded:
          await update((doc) => ({
            ...doc,
            lastResult: event.data.result,
            lastTestedAt: event.data.testedAt,
            lastNotes: event.data.notes,
            nextDueOn: event.data.nextDueOn,
            resultsRecorded: doc.resultsRecorded + 1,
          }));
          return;
        case C.ControlTestPlanRetired:
          await update((doc) => ({ ...doc, retired: true }));
          return;
        default:
          return;
      }
    },
    reset: () => plans.drop(),
  };
}

/** Evidence records: validity and the controls they prove. */
export function evidenceProjection(readStore: ReadStore): Projection {
  const evidence = readStore.collection<EvidenceDoc>(ReportingCollections.Evidence);
  return {
    name: EVIDENCE_PROJECTION,
    handles: { streamTypes: [ControlsStreamTypes.EvidenceRecord] },
    async apply(event: RecordedEvent) {
      if (!isControlsEvent(event)) return;
      const update = (mutate: (doc: EvidenceDoc) => EvidenceDoc) =>
        applyGuarded(evidence, event.streamId, event, (current) =>
          current ? mutate(bodyOf(current)) : undefined,
        );
      switch (event.type) {
        case C.EvidenceRecorded: {
          const d = event.data;
          await applyGuarded(evidence, event.streamId, event, () => ({
            tenantId: event.tenantId,
            evidenceId: d.evidenceId,
            scopeId: d.scopeId,
            orgUnitId: d.orgUnitId,
            title: d.title,
            evidenceType: d.evidenceType,
            collectedAt: d.collectedAt,
            validUntil: d.validUntil ?? null,
            controlKeys: d.controls.map(controlKey),
            withdrawn: false,
          }));
          return;
        }
        case C.EvidenceLinked:
          await update((doc) => ({
            ...doc,
            controlKeys: [...new Set([...doc.controlKeys, controlKey(event.data.control)])],
          }));
          return;
        case C.EvidenceUnlinked:
          await update((doc) => ({
            ...doc,
            controlKeys: doc.controlKeys.filter((k) => k !== controlKey(event.data.control)),
          }));
          return;
        case C.EvidenceWithdrawn:
          await update((doc) => ({ ...doc, withdrawn: true }));
          return;
        default:
          return;
      }
    },
    reset: () => evidence.drop(),
  };
}

export const DEVIATIONS_PROJECTION = 'reporting-group-control-deviations';

/**
 * Exceptions from group controls: one document per group control and one per deviating org unit,
 * guarded by the group control stream's revision. A revision of the group control after an
 * exception was decided makes the exception stale.
 */
export function deviationsProjection(readStore: ReadStore): Projection {
  const controls = readStore.collection<GroupControlDoc>(ReportingCollections.GroupControls);
  const deviations = readStore.collection<DeviationDoc>(ReportingCollections.Deviations);
  return {
    name: DEVIATIONS_PROJECTION,
    handles: { streamTypes: [ControlsStreamTypes.GroupControl] },
    async apply(event: RecordedEvent) {
      if (!isControlsEvent(event)) return;
      const control = await controls.get(event.streamId);
      switch (event.type) {
        case C.GroupControlDefined: {
          const d = event.data;
          await applyGuarded(controls, event.streamId, event, () => ({
            tenantId: event.tenantId,
            groupControlId: d.groupControlId,
            controlKey: controlKey(d),
            title: d.title,
            revision: 1,
            retired: false,
          }));
          return;
        }
        case C.GroupControlRevised: {
          const revision = event.data.revision;
          await applyGuarded(controls, event.streamId, event, (current) =>
            current ? { ...bodyOf(current), revision, title: event.data.title } : undefined,
          );
          for (const doc of await deviations.find({ groupControlId: event.data.groupControlId })) {
            await applyGuarded(deviations, doc._id, event, (current) =>
              current
                ? {
                    ...bodyOf(current),
                    currentRevision: revision,
                    stale: !current.withdrawn && revision > current.decidedAtRevision,
                  }
                : undefined,
            );
          }
          return;
        }
        case C.GroupControlRetired:
          await applyGuarded(controls, event.streamId, event, (current) =>
            current ? { ...bodyOf(current), retired: true } : undefined,
          );
          return;
        case C.GroupControlDeviationRecorded: {
          const d = event.data;
          if (!control) return;
          await applyGuarded(deviations, `${d.groupControlId}|${d.orgUnitId}`, event, () => ({
            tenantId: event.tenantId,
            groupControlId: d.groupControlId,
            controlKey: control.controlKey,
            title: control.title,
            orgUnitId: d.orgUnitId,
            deviation: d.deviation,
            reason: d.reason,
            decidedBy: d.decidedBy,
            decidedAt: event.recordedAt,
            decidedAtRevision: control.revision,
            currentRevision: control.revision,
            stale: false,
            withdrawn: false,
          }));
          return;
        }
        case C.GroupControlDeviationWithdrawn:
          await applyGuarded(
            deviations,
            `${event.data.groupControlId}|${event.data.orgUnitId}`,
            event,
            (current) =>
              current ? { ...bodyOf(current), withdrawn: true, stale: false } : undefined,
          );
          return;
        default:
          return;
      }
    },
    async reset() {
      await controls.drop();
      await deviations.drop();
    },
  };
}
