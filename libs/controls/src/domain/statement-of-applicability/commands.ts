import type { ImplementationStatus, InclusionReason, InheritedSoaLine } from '@isms/contracts';
import type { CatalogueMapping } from '../../catalogues/catalogue.js';
import type { CatalogueIndex } from '../rules.js';

export interface EstablishSoa {
  readonly type: 'EstablishSoa';
  readonly soaId: string;
  readonly scopeId: string;
  /** The scope's owner org unit. */
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly catalogues: CatalogueIndex;
  readonly by: string;
}

export interface IncludeCatalogue {
  readonly type: 'IncludeCatalogue';
  readonly catalogueId: string;
  readonly catalogues: CatalogueIndex;
  readonly by: string;
}

/** What a person says about one control (provenance is kept by the domain). */
export interface SoaLineInput {
  readonly catalogueId: string;
  readonly controlId: string;
  readonly applicable: boolean;
  readonly inclusionReasons: readonly InclusionReason[];
  readonly justification: string;
  readonly implementationStatus: ImplementationStatus;
  readonly ownerPersonId?: string;
  readonly implementationDescription?: string;
}

export interface RecordSoaLine {
  readonly type: 'RecordSoaLine';
  readonly line: SoaLineInput;
  readonly catalogues: CatalogueIndex;
  readonly by: string;
}

export interface ApproveSoa {
  readonly type: 'ApproveSoa';
  /** Controls answered by group controls the scope inherits (from the group-control read model). */
  readonly inherited: readonly InheritedSoaLine[];
  readonly catalogues: CatalogueIndex;
  readonly reason: string;
  readonly by: string;
  readonly role: string;
  readonly at: string;
}

export interface MigrateSoaCatalogue {
  readonly type: 'MigrateSoaCatalogue';
  readonly mapping: CatalogueMapping;
  readonly catalogues: CatalogueIndex;
  readonly by: string;
}

export type SoaCommand =
  EstablishSoa | IncludeCatalogue | RecordSoaLine | ApproveSoa | MigrateSoaCatalogue;
