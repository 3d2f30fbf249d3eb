import { deciderSpec } from '@isms/event-sourcing/testing';
import type { MigratedSoaLine, SoaLine } from '@isms/contracts';
import { ControlsEventTypes as T } from '@isms/contracts';
import { ISO27001_2013, ISO27001_2013_TO_2022, controlIds } from '../../catalogues/catalogue.js';
import type { SoaEvent } from './events.js';
import { statementOfApplicability } from './statement-of-applicability.js';

const spec = deciderSpec(statementOfApplicability);
const OLD = 'iso27001-2013';
const NEW = 'iso27001-2022';
// The whole 2013 catalogue; a few 2022 targets keep the expectations readable.
const catalogues = {
  [OLD]: controlIds(ISO27001_2013),
  [NEW]: ['5.1', '5.7', '5.36', '8.8', '8.19', '5.4'],
};
const head = { soaId: 'soa-1', scopeId: 'isms-scope-1', orgUnitId: 'ou-fr' };
const established: SoaEvent = {
  type: T.SoaEstablished,
  data: { ...head, catalogueId: OLD, establishedBy: 'person-manager' },
};
const line = (controlId: string, overrides: Partial<SoaLine> = {}): SoaLine => ({
  catalogueId: OLD,
  controlId,
  applicable: true,
  inclusionReasons: ['risk-treatment'],
  justification: `Treats risks of ${controlId}`,
  implementationStatus: 'implemented',
  implementationDescription: `Procedure for ${controlId}`,
  ownerPersonId: 'person-ciso',
  ...overrides,
});
const excluded = (controlId: string, justification: string): SoaLine => ({
  catalogueId: OLD,
  controlId,
  applicable: false,
  inclusionReasons: [],
  justification,
  implementationStatus: 'not-applicable',
});
const recorded = (l: SoaLine): SoaEvent => ({
  type: T.SoaLineRecorded,
  data: { ...head, catalogueId: l.catalogueId, line: l, recordedBy: 'person-manager' },
});
const migrate = {
  type: 'MigrateSoaCatalogue' as const,
  mapping: ISO27001_2013_TO_2022,
  catalogues,
  by: 'person-manager',
};
function migratedLines(given: SoaEvent[]): Record<string, MigratedSoaLine> {
  const [event] = statementOfApplicability.decide(migrate, spec.stateAfter(given));
  expect(event?.type).toBe(T.SoaCatalogueMigrated);
  const lines = (event!.data as unknown as { lines: MigratedSoaLine[] }).lines;
  return Object.fromEntries(lines.map((l) => [l.controlId, l]));
}

describe('migrating a scope’s SoA from ISO/IEC 27001:2013 to 2022', () => {
  it('writes one line per 2022 control and keeps where each answer came from', () => {
    const lines = migratedLines([
      established,
      recorded(line('A.5.1.1')),
      recorded(line('A.5.1.2', { justification: 'Treats risks of A.5.1.1' })),
      recorded(line('A.7.2.1', { inclusionReasons: ['legal'] })),
    ]);
    expect(Object.keys(lines)).toEqual(catalogues[NEW]);
    expect(lines['5.4']).toEqual({
      controlId: '5.4',
      line: {
        ...line('A.7.2.1', { inclusionReasons: ['legal'] }),
        catalogueId: NEW,
        controlId: '5.4',
        justification: 'Treats risks of A.7.2.1',
        provenance: { migratedFrom: OLD, sourceControlIds: ['A.7.2.1'] },
      },
      provenance: { migratedFrom: OLD, sourceControlIds: ['A.7.2.1'] },
    });
    expect(lines['5.1']?.provenance).toEqual({
      migratedFrom: OLD,
      sourceControlIds: ['A.5.1.1', 'A.5.1.2'],
    });
    expect(lines['5.1']?.line?.justification).toBe('Treats risks of A.5.1.1');
  });

  it('flags the controls new in 2022 for a person to decide, without inventing an answer', () => {
    const lines = migratedLines([established]);
    expect(lines['5.7']).toEqual({
      controlId: '5.7',
      provenance: { migratedFrom: OLD, sourceControlIds: [], decisionNeeded: 'new-control' },
    });
  });

  it('flags a control whose sources were never answered', () => {
    const lines = migratedLines([established]);
    expect(lines['5.1']).toEqual({
      controlId: '5.1',
      provenance: {
        migratedFrom: OLD,
        sourceControlIds: ['A.5.1.1', 'A.5.1.2'],
        decisionNeeded: 'no-source-answer',
      },
    });
  });

  it('proposes, and flags, a merge of sources that disagree on applicability', () => {
    const lines = migratedLines([
      established,
      recorded(line('A.12.5.1', { implementationStatus: 'partially-implemented' })),
      recorded(excluded('A.12.6.2', 'Users cannot install software: locked-down thin clients')),
    ]);
    expect(lines['8.19']?.provenance.decisionNeeded).toBe('conflicting-applicability');
    expect(lines['8.19']?.line).toMatchObject({
      applicable: true,
      implementationStatus: 'partially-implemented',
      justification:
        'A.12.5.1: Treats risks of A.12.5.1\nA.12.6.2 (excluded): Users cannot install software: locked-down thin clients',
    });
  });

  it('proposes, and flags, an answer when only some sources were answered', () => {
    const lines = migratedLines([established, recorded(line('A.5.1.1'))]);
    expect(lines['5.1']?.provenance.decisionNeeded).toBe('incomplete-source-answers');
    expect(lines['5.1']?.line?.applicable).toBe(true);
  });

  it('merges agreeing sources conservatively: all inclusion reasons, the least advanced status', () => {
    const lines = migratedLines([
      established,
      recorded(
        line('A.5.1.1', { inclusionReasons: ['legal'], implementationStatus: 'implemented' }),
      ),
      recorded(
        line('A.5.1.2', {
          inclusionReasons: ['business', 'risk-treatment'],
          implementationStatus: 'planned',
          ownerPersonId: 'person-manager',
        }),
      ),
    ]);
    expect(lines['5.1']?.provenance.decisionNeeded).toBeUndefined();
    expect(lines['5.1']?.line).toMatchObject({
      inclusionReasons: ['risk-treatment', 'legal', 'business'],
      implementationStatus: 'planned',
    });
    expect(lines['5.1']?.line?.ownerPersonId).toBeUndefined();
  });

  it('carries a split 2013 control (A.18.2.3) into every 2022 control it became', () => {
    const lines = migratedLines([
      established,
      recorded(line('A.12.6.1')),
      recorded(line('A.18.2.2')),
      recorded(line('A.18.2.3')),
    ]);
    expect(lines['8.8']?.provenance.sourceControlIds).toEqual(['A.12.6.1', 'A.18.2.3']);
    expect(lines['5.36']?.provenance.sourceControlIds).toEqual(['A.18.2.2', 'A.18.2.3']);
    expect(lines['8.8']?.provenance.decisionNeeded).toBeUndefined();
  });

  it('moves the SoA to the new catalogue: old lines leave the current state, migrated ones enter it', () => {
    const given = [established, recorded(line('A.7.2.1'))];
    const events = statementOfApplicability.decide(migrate, spec.stateAfter(given));
    const state = spec.stateAfter([...given, ...events]);
    expect(state).toMatchObject({ catalogueId: NEW });
    if (state.status !== 'established') throw new Error('expected an SoA');
    expect([...state.lines.keys()]).toEqual([`${NEW}:5.4`]);
  });

  it('refuses approval until a person has decided every flagged line, keeping the provenance', () => {
    const answeredAll = catalogues[OLD].map((id) => recorded(line(id)));
    const given = [established, ...answeredAll];
    const migrated = statementOfApplicability.decide(migrate, spec.stateAfter(given));
    const approve = {
      type: 'ApproveSoa' as const,
      inherited: [],
      catalogues,
      reason: 'Transition to the 2022 edition approved',
      by: 'person-ciso',
      role: 'ciso',
      at: '2026-04-01T00:00:00.000Z',
    };
    spec
      .given([...given, ...migrated])
      .when(approve)
      .thenRejects('soa-incomplete', /5\.7/);
    const threatIntelligence: SoaLine = {
      ...line('5.7'),
      catalogueId: NEW,
      justification: 'Subscribed to the national CERT feed',
      implementationDescription: 'CERT feed reviewed weekly',
    };
    const decided = statementOfApplicability.decide(
      { type: 'RecordSoaLine', line: threatIntelligence, catalogues, by: 'person-manager' },
      spec.stateAfter([...given, ...migrated]),
    );
    const [approved] = statementOfApplicability.decide(
      approve,
      spec.stateAfter([...given, ...migrated, ...decided]),
    );
    expect(approved?.type).toBe(T.SoaVersionApproved);
    const fiveOne = (approved!.data as unknown as { lines: SoaLine[] }).lines.find(
      (l) => l.controlId === '5.1',
    );
    expect(fiveOne?.provenance).toEqual({
      migratedFrom: OLD,
      sourceControlIds: ['A.5.1.1', 'A.5.1.2'],
    });
  });

  it('refuses approval while a proposed line is unconfirmed, and a confirmation clears the flag', () => {
    const given = [
      established,
      ...catalogues[OLD].filter((id) => id !== 'A.5.1.2').map((id) => recorded(line(id))),
    ];
    const migrated = statementOfApplicability.decide(migrate, spec.stateAfter(given));
    const newControl: SoaLine = { ...line('5.7'), catalogueId: NEW };
    const withNew = statementOfApplicability.decide(
      { type: 'RecordSoaLine', line: newControl, catalogues, by: 'p' },
      spec.stateAfter([...given, ...migrated]),
    );
    const approve = {
      type: 'ApproveSoa' as const,
      inherited: [],
      catalogues,
      reason: 'Transition approved',
      by: 'person-ciso',
      role: 'ciso',
      at: '2026-04-01T00:00:00.000Z',
    };
    const before = [...given, ...migrated, ...withNew];
    spec
      .given(before)
      .when(approve)
      .thenRejects('migration-decisions-pending', /5\.1: incomplete-source-answers/);
    const proposal = (migrated[0]!.data as unknown as { lines: MigratedSoaLine[] }).lines.find(
      (l) => l.controlId === '5.1',
    )!.line!;
    const { provenance: _p, ...confirmed } = proposal;
    const confirmation = statementOfApplicability.decide(
      { type: 'RecordSoaLine', line: confirmed, catalogues, by: 'p' },
      spec.stateAfter(before),
    );
    expect(confirmation).toHaveLength(1);
    expect((confirmation[0]!.data as { line: SoaLine }).line.provenance).toEqual({
      migratedFrom: OLD,
      sourceControlIds: ['A.5.1.1', 'A.5.1.2'],
    });
    const [approved] = statementOfApplicability.decide(
      approve,
      spec.stateAfter([...before, ...confirmation]),
    );
    expect(approved?.type).toBe(T.SoaVersionApproved);
  });

  it('only migrates along a mapping that starts from the SoA’s catalogue', () => {
    const on2022: SoaEvent = {
      type: T.SoaEstablished,
      data: { ...head, catalogueId: NEW, establishedBy: 'p' },
    };
    spec.given([on2022]).when(migrate).thenRejects('soa-already-on-catalogue');
    const onCustom: SoaEvent = {
      type: T.SoaEstablished,
      data: { ...head, catalogueId: 'control-catalogue-x', establishedBy: 'p' },
    };
    spec.given([onCustom]).when(migrate).thenRejects('mapping-does-not-fit');
  });

  it('needs re-approval after migrating an approved SoA', () => {
    const approved: SoaEvent = {
      type: T.SoaVersionApproved,
      data: {
        ...head,
        catalogueId: OLD,
        extensionCatalogueIds: [],
        version: 3,
        digest: 'd'.repeat(64),
        lines: [],
        inherited: [],
        approvedBy: 'person-ciso',
        approverRole: 'ciso',
        reason: 'ok',
        approvedAt: '2025-01-01T00:00:00.000Z',
      },
    };
    const events = statementOfApplicability.decide(
      migrate,
      spec.stateAfter([established, approved]),
    );
    expect(events[1]).toEqual({
      type: T.SoaReapprovalRequired,
      data: {
        ...head,
        approvedVersion: 3,
        changedControls: catalogues[NEW].map((controlId) => ({ catalogueId: NEW, controlId })),
      },
    });
  });
});
