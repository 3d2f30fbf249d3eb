import type {
  DocumentDetailsChangedV1,
  DocumentRegisteredV1,
  DocumentReviewedV1,
  DocumentVersionAddedV1,
  DocumentVersionApprovedV1,
  DocumentWithdrawnV1,
  GovernanceEventTypes,
} from '@isms/contracts';

export type DocumentRegistered = {
  readonly type: typeof GovernanceEventTypes.DocumentRegistered;
  readonly data: DocumentRegisteredV1;
};
export type DocumentDetailsChanged = {
  readonly type: typeof GovernanceEventTypes.DocumentDetailsChanged;
  readonly data: DocumentDetailsChangedV1;
};
export type DocumentVersionAdded = {
  readonly type: typeof GovernanceEventTypes.DocumentVersionAdded;
  readonly data: DocumentVersionAddedV1;
};
export type DocumentVersionApproved = {
  readonly type: typeof GovernanceEventTypes.DocumentVersionApproved;
  readonly data: DocumentVersionApprovedV1;
};
export type DocumentReviewed = {
  readonly type: typeof GovernanceEventTypes.DocumentReviewed;
  readonly data: DocumentReviewedV1;
};
export type DocumentWithdrawn = {
  readonly type: typeof GovernanceEventTypes.DocumentWithdrawn;
  readonly data: DocumentWithdrawnV1;
};

export type ControlledDocumentEvent =
  | DocumentRegistered
  | DocumentDetailsChanged
  | DocumentVersionAdded
  | DocumentVersionApproved
  | DocumentReviewed
  | DocumentWithdrawn;
