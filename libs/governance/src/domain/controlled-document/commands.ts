import type { DocumentType, MandatoryDocumentType, Role } from '@isms/contracts';

export interface RegisterDocument {
  readonly type: 'RegisterDocument';
  readonly documentId: string;
  readonly title: string;
  readonly documentType: DocumentType;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly mandatoryTypes: readonly MandatoryDocumentType[];
  readonly scopeIds: readonly string[];
  readonly reviewIntervalMonths: number;
}

export interface ChangeDocumentDetails {
  readonly type: 'ChangeDocumentDetails';
  readonly title?: string;
  readonly ownerPersonId?: string;
  readonly mandatoryTypes?: readonly MandatoryDocumentType[];
  readonly scopeIds?: readonly string[];
  readonly reviewIntervalMonths?: number;
}

/** A new version's content was stored; the event records its SHA-256. */
export interface AddDocumentVersion {
  readonly type: 'AddDocumentVersion';
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly changeSummary: string;
  readonly addedBy: string;
}

export interface ApproveDocumentVersion {
  readonly type: 'ApproveDocumentVersion';
  readonly version: number;
  readonly approvedBy: string;
  readonly approverRole: Role;
  readonly reason: string;
  readonly at: string;
  /** `YYYY-MM-DD`; defaults to the approval date plus the review interval. */
  readonly nextReviewDue?: string;
}

/** The approved version was reviewed and stays in force until the next review. */
export interface ReviewDocument {
  readonly type: 'ReviewDocument';
  readonly reviewedBy: string;
  readonly notes: string;
  readonly at: string;
  readonly nextReviewDue?: string;
}

export interface WithdrawDocument {
  readonly type: 'WithdrawDocument';
  readonly reason: string;
  readonly at: string;
}

export type ControlledDocumentCommand =
  | RegisterDocument
  | ChangeDocumentDetails
  | AddDocumentVersion
  | ApproveDocumentVersion
  | ReviewDocument
  | WithdrawDocument;
