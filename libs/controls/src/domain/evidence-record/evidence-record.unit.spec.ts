import { deciderSpec } from '@isms/event-sourcing/testing';
import { ControlsEventTypes as T } from '@isms/contracts';
import type { RecordEvidence } from './commands.js';
import type { EvidenceEvent } from './events.js';
import { EVIDENCE_MAX_BYTES, evidenceRecord } from './evidence-record.js';

const spec = deciderSpec(evidenceRecord);
const backup = { catalogueId: 'iso27001-2022', controlId: '8.13' };
const logging = { catalogueId: 'iso27001-2022', controlId: '8.15' };
const catalogues = { 'iso27001-2022': ['8.13', '8.15'] };
const content = {
  fileName: 'restore-test-q1.pdf',
  contentType: 'application/pdf',
  size: 48_213,
  sha256: 'a'.repeat(64),
};
const recordCommand: RecordEvidence = {
  type: 'RecordEvidence',
  evidenceId: 'evidence-record-1',
  scopeId: 'isms-scope-1',
  orgUnitId: 'ou-fr',
  title: 'Q1 restore test report',
  evidenceType: 'report',
  source: 'Backup system (Veeam)',
  collectedAt: '2026-03-30T00:00:00.000Z',
  validUntil: '2026-06-30',
  content,
  controls: [backup],
  catalogues,
  by: 'person-manager',
  at: '2026-03-31T08:00:00.000Z',
};
const recorded: EvidenceEvent = {
  type: T.EvidenceRecorded,
  data: {
    evidenceId: 'evidence-record-1',
    scopeId: 'isms-scope-1',
    orgUnitId: 'ou-fr',
    title: 'Q1 restore test report',
    evidenceType: 'report',
    source: 'Backup system (Veeam)',
    collectedAt: '2026-03-30T00:00:00.000Z',
    validUntil: '2026-06-30',
    ...content,
    controls: [backup],
    recordedBy: 'person-manager',
  },
};

describe('evidence record', () => {
  it('records evidence with its source, dates and the SHA-256 of its content, once', () => {
    spec.given([]).when(recordCommand).then([recorded]);
    spec.given([recorded]).when(recordCommand).thenRejects('evidence-already-recorded');
  });

  it('records the SHA-256 of the stored content', () => {
    spec
      .given([])
      .when({ ...recordCommand, content: { ...content, sha256: 'not-a-hash' } })
      .thenRejects('evidence-needs-sha256');
  });

  it('accepts files up to the size limit only', () => {
    spec
      .given([])
      .when({ ...recordCommand, content: { ...content, size: EVIDENCE_MAX_BYTES + 1 } })
      .thenRejects('evidence-size-limit');
    spec
      .given([])
      .when({ ...recordCommand, content: { ...content, size: 0 } })
      .thenRejects('evidence-size-limit');
  });

  it('accepts allowed content types only', () => {
    spec
      .given([])
      .when({ ...recordCommand, content: { ...content, contentType: 'application/x-msdownload' } })
      .thenRejects('evidence-content-type', /application\/pdf/);
  });

  it('is not collected in the future, and expires after it was collected', () => {
    spec
      .given([])
      .when({ ...recordCommand, collectedAt: '2026-04-01T00:00:00.000Z' })
      .thenRejects('evidence-collected-in-past');
    spec
      .given([])
      .when({ ...recordCommand, validUntil: '2026-03-01' })
      .thenRejects('evidence-valid-after-collection');
  });

  it('supports at least one known control', () => {
    spec
      .given([])
      .when({ ...recordCommand, controls: [] })
      .thenRejects('evidence-needs-control');
    spec
      .given([])
      .when({ ...recordCommand, controls: [{ catalogueId: 'iso27001-2022', controlId: '9.9' }] })
      .thenRejects('unknown-control');
    spec
      .given([])
      .when({ ...recordCommand, controls: [{ catalogueId: 'cobit-2019', controlId: 'APO01' }] })
      .thenRejects('unknown-catalogue');
  });

  it('needs a title and a source', () => {
    spec
      .given([])
      .when({ ...recordCommand, title: '' })
      .thenRejects('evidence-needs-title');
    spec
      .given([])
      .when({ ...recordCommand, source: ' ' })
      .thenRejects('evidence-needs-source');
  });

  it('links to more controls, once each', () => {
    const link = { type: 'LinkEvidence' as const, control: logging, catalogues };
    spec
      .given([recorded])
      .when(link)
      .then([
        { type: T.EvidenceLinked, data: { evidenceId: 'evidence-record-1', control: logging } },
      ]);
    spec
      .given([recorded])
      .when({ ...link, control: backup })
      .then([]);
  });

  it('unlinks a linked control with a reason, keeping at least one', () => {
    const linked: EvidenceEvent = {
      type: T.EvidenceLinked,
      data: { evidenceId: 'evidence-record-1', control: logging },
    };
    const unlink = { type: 'UnlinkEvidence' as const, control: logging, reason: 'Wrong control' };
    spec
      .given([recorded, linked])
      .when(unlink)
      .then([
        {
          type: T.EvidenceUnlinked,
          data: { evidenceId: 'evidence-record-1', control: logging, reason: 'Wrong control' },
        },
      ]);
    spec.given([recorded]).when(unlink).thenRejects('evidence-not-linked');
    spec
      .given([recorded, linked])
      .when({ ...unlink, reason: ' ' })
      .thenRejects('unlink-needs-reason');
    spec
      .given([recorded])
      .when({ ...unlink, control: backup })
      .thenRejects('evidence-needs-control');
  });

  it('is withdrawn with a reason and then takes no links', () => {
    const withdrawn: EvidenceEvent = {
      type: T.EvidenceWithdrawn,
      data: { evidenceId: 'evidence-record-1', reason: 'Superseded', withdrawnBy: 'p' },
    };
    spec
      .given([recorded])
      .when({ type: 'WithdrawEvidence', reason: 'Superseded', by: 'p' })
      .then([withdrawn]);
    spec
      .given([recorded, withdrawn])
      .when({ type: 'LinkEvidence', control: logging, catalogues })
      .thenRejects('evidence-withdrawn');
    spec
      .given([recorded])
      .when({ type: 'WithdrawEvidence', reason: '', by: 'p' })
      .thenRejects('withdrawal-needs-reason');
  });
});
