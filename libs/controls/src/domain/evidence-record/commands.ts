import type { ControlRef, EvidenceType } from '@isms/contracts';
import type { CatalogueIndex } from '../rules.js';

/** The stored content, as the evidence content store saw it. */
export interface StoredContent {
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
}

export interface RecordEvidence {
  readonly type: 'RecordEvidence';
  readonly evidenceId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly title: string;
  readonly evidenceType: EvidenceType;
  readonly source: string;
  readonly collectedAt: string;
  readonly validUntil?: string;
  readonly content: StoredContent;
  readonly controls: readonly ControlRef[];
  readonly catalogues: CatalogueIndex;
  readonly by: string;
  readonly at: string;
}

export interface LinkEvidence {
  readonly type: 'LinkEvidence';
  readonly control: ControlRef;
  readonly catalogues: CatalogueIndex;
}

export interface UnlinkEvidence {
  readonly type: 'UnlinkEvidence';
  readonly control: ControlRef;
  readonly reason: string;
}

export interface WithdrawEvidence {
  readonly type: 'WithdrawEvidence';
  readonly reason: string;
  readonly by: string;
}

export type EvidenceCommand = RecordEvidence | LinkEvidence | UnlinkEvidence | WithdrawEvidence;
