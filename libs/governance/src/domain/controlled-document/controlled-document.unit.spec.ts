import { deciderSpec } from '@isms/event-sourcing/testing';
import { GovernanceEventTypes as T } from '@isms/contracts';
import { controlledDocument } from './controlled-document.js';
import type { ControlledDocumentEvent } from './events.js';

const spec = deciderSpec(controlledDocument);
const SHA_1 = 'a'.repeat(64);
const SHA_2 = 'b'.repeat(64);

const registered: ControlledDocumentEvent = {
  type: T.DocumentRegistered,
  data: {
    documentId: 'doc-1',
    title: 'Information security policy',
    documentType: 'policy',
    ownerPersonId: 'person-ciso',
    orgUnitId: 'ou-group',
    mandatoryTypes: ['information-security-policy'],
    scopeIds: ['isms-scope-1'],
    reviewIntervalMonths: 12,
  },
};
const version = (n: number, sha256: string): ControlledDocumentEvent => ({
  type: T.DocumentVersionAdded,
  data: {
    documentId: 'doc-1',
    version: n,
    fileName: `policy-v${n}.pdf`,
    contentType: 'application/pdf',
    size: 1000,
    sha256,
    changeSummary: `version ${n}`,
    addedBy: 'person-ciso',
  },
});
const approved = (n: number): ControlledDocumentEvent => ({
  type: T.DocumentVersionApproved,
  data: {
    documentId: 'doc-1',
    version: n,
    approvedBy: 'person-ceo',
    approverRole: 'group-admin',
    reason: 'Board meeting',
    approvedAt: '2026-03-02T10:00:00.000Z',
    nextReviewDue: '2027-03-02',
  },
});
const approve = {
  type: 'ApproveDocumentVersion' as const,
  version: 1,
  approvedBy: 'person-ceo',
  approverRole: 'group-admin' as const,
  reason: 'Board meeting',
  at: '2026-03-02T10:00:00.000Z',
};

describe('document register (7.5)', () => {
  it('registers a document with its owner, the mandatory types it serves and its review interval', () => {
    spec
      .given([])
      .when({
        type: 'RegisterDocument',
        documentId: 'doc-1',
        title: ' Information security policy ',
        documentType: 'policy',
        ownerPersonId: 'person-ciso',
        orgUnitId: 'ou-group',
        mandatoryTypes: ['information-security-policy', 'information-security-policy'],
        scopeIds: ['isms-scope-1'],
        reviewIntervalMonths: 12,
      })
      .then([registered]);
  });

  it('document-already-registered: a document is registered once', () => {
    spec
      .given([registered])
      .when({
        type: 'RegisterDocument',
        documentId: 'doc-1',
        title: 'Policy',
        documentType: 'policy',
        ownerPersonId: 'person-ciso',
        orgUnitId: 'ou-group',
        mandatoryTypes: [],
        scopeIds: [],
        reviewIntervalMonths: 12,
      })
      .thenRejects('document-already-registered');
  });

  it('document-title-required: a document has a title', () => {
    spec
      .given([registered])
      .when({ type: 'ChangeDocumentDetails', title: '  ' })
      .thenRejects('document-title-required');
  });

  it('review-interval-out-of-range: reviews happen every 1 to 60 months', () => {
    spec
      .given([registered])
      .when({ type: 'ChangeDocumentDetails', reviewIntervalMonths: 120 })
      .thenRejects('review-interval-out-of-range');
  });

  it('records only the details that changed, and nothing when nothing changed', () => {
    spec
      .given([registered])
      .when({
        type: 'ChangeDocumentDetails',
        ownerPersonId: 'person-isms-manager',
        title: 'Information security policy',
        mandatoryTypes: ['information-security-policy'],
      })
      .then([
        {
          type: T.DocumentDetailsChanged,
          data: { documentId: 'doc-1', ownerPersonId: 'person-isms-manager' },
        },
      ]);
    spec
      .given([registered])
      .when({ type: 'ChangeDocumentDetails', scopeIds: ['isms-scope-1'] })
      .then([]);
  });

  it('numbers versions 1, 2, … and records each one’s SHA-256', () => {
    spec
      .given([registered, version(1, SHA_1)])
      .when({
        type: 'AddDocumentVersion',
        fileName: 'policy-v2.pdf',
        contentType: 'application/pdf',
        size: 1000,
        sha256: SHA_2,
        changeSummary: 'version 2',
        addedBy: 'person-ciso',
      })
      .then([version(2, SHA_2)]);
  });

  it('content-hash-required: a version is fixed by the SHA-256 of its content', () => {
    spec
      .given([registered])
      .when({
        type: 'AddDocumentVersion',
        fileName: 'x.pdf',
        contentType: 'application/pdf',
        size: 1,
        sha256: 'not-a-hash',
        changeSummary: 'v1',
        addedBy: 'p',
      })
      .thenRejects('content-hash-required');
  });

  it('version-needs-change-summary: a version says what changed', () => {
    spec
      .given([registered])
      .when({
        type: 'AddDocumentVersion',
        fileName: 'x.pdf',
        contentType: 'application/pdf',
        size: 1,
        sha256: SHA_1,
        changeSummary: '',
        addedBy: 'p',
      })
      .thenRejects('version-needs-change-summary');
  });

  it('approving a version puts it in force and sets the next review from the interval', () => {
    spec
      .given([registered, version(1, SHA_1)])
      .when(approve)
      .then([approved(1)]);
    expect(spec.stateAfter([registered, version(1, SHA_1), approved(1)])).toMatchObject({
      versionInForce: 1,
    });
  });

  it('approval-needs-reason: an approval without its justification is refused', () => {
    spec
      .given([registered, version(1, SHA_1)])
      .when({ ...approve, reason: ' ' })
      .thenRejects('approval-needs-reason');
  });

  it('approval-needs-approver: an approval names who approved', () => {
    spec
      .given([registered, version(1, SHA_1)])
      .when({ ...approve, approvedBy: '' })
      .thenRejects('approval-needs-approver');
  });

  it('version-unknown: only an existing version can be approved', () => {
    spec
      .given([registered])
      .when(approve)
      .thenRejects('version-unknown', /add one first/);
  });

  it('version-already-approved: a version is approved once', () => {
    spec
      .given([registered, version(1, SHA_1), approved(1)])
      .when(approve)
      .thenRejects('version-already-approved');
  });

  it('version-superseded: an older version cannot be approved over the one in force', () => {
    spec
      .given([registered, version(1, SHA_1), version(2, SHA_2), approved(2)])
      .when(approve)
      .thenRejects('version-superseded');
  });

  it('next-review-must-be-later: the next review date lies after the approval', () => {
    spec
      .given([registered, version(1, SHA_1)])
      .when({ ...approve, nextReviewDue: '2026-03-01' })
      .thenRejects('next-review-must-be-later');
  });

  it('a review keeps the version in force and sets the next review date', () => {
    spec
      .given([registered, version(1, SHA_1), approved(1)])
      .when({
        type: 'ReviewDocument',
        reviewedBy: 'person-ciso',
        notes: 'Still accurate',
        at: '2027-02-20T09:00:00.000Z',
        nextReviewDue: '2028-02-20',
      })
      .then([
        {
          type: T.DocumentReviewed,
          data: {
            documentId: 'doc-1',
            version: 1,
            reviewedBy: 'person-ciso',
            notes: 'Still accurate',
            reviewedAt: '2027-02-20T09:00:00.000Z',
            nextReviewDue: '2028-02-20',
          },
        },
      ]);
  });

  it('review-needs-approved-version: there is nothing to review before an approval', () => {
    spec
      .given([registered, version(1, SHA_1)])
      .when({ type: 'ReviewDocument', reviewedBy: 'p', notes: 'ok', at: '2026-03-02' })
      .thenRejects('review-needs-approved-version');
  });

  it('review-needs-notes: a review records what it found', () => {
    spec
      .given([registered, version(1, SHA_1), approved(1)])
      .when({ type: 'ReviewDocument', reviewedBy: 'p', notes: '', at: '2026-03-02' })
      .thenRejects('review-needs-notes');
  });

  it('withdrawal-needs-reason, and a withdrawn document is history (document-withdrawn)', () => {
    spec
      .given([registered])
      .when({ type: 'WithdrawDocument', reason: '', at: '2026-05-01T00:00:00.000Z' })
      .thenRejects('withdrawal-needs-reason');
    const withdrawn: ControlledDocumentEvent = {
      type: T.DocumentWithdrawn,
      data: { documentId: 'doc-1', reason: 'replaced', withdrawnAt: '2026-05-01T00:00:00.000Z' },
    };
    spec
      .given([registered])
      .when({ type: 'WithdrawDocument', reason: 'replaced', at: '2026-05-01T00:00:00.000Z' })
      .then([withdrawn]);
    spec
      .given([registered, withdrawn])
      .when({ type: 'ChangeDocumentDetails', title: 'New' })
      .thenRejects('document-withdrawn');
  });

  it('document-unknown: an unregistered document cannot change', () => {
    spec
      .given([])
      .when({ type: 'ChangeDocumentDetails', title: 'x' })
      .thenRejects('document-unknown');
  });
});
