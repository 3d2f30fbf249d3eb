import type { CatalogueControl, CatalogueGroup } from '@isms/contracts';

export interface ImportCatalogue {
  readonly type: 'ImportCatalogue';
  readonly catalogueId: string;
  readonly orgUnitId: string;
  readonly name: string;
  readonly version: string;
  readonly publisher?: string;
  readonly format: 'isms-ledger' | 'oscal';
  readonly groups: readonly CatalogueGroup[];
  readonly controls: readonly CatalogueControl[];
  readonly by: string;
}

export interface AddCustomControl {
  readonly type: 'AddCustomControl';
  readonly control: CatalogueControl;
  readonly by: string;
}

export type ControlCatalogueCommand = ImportCatalogue | AddCustomControl;
