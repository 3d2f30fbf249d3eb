import type { CatalogueControl, CatalogueGroup } from '@isms/contracts';
import { BuiltInCatalogueIds } from '@isms/contracts';
import iso2013 from './reference/iso27001-2013.json' with { type: 'json' };
import iso2022 from './reference/iso27001-2022.json' with { type: 'json' };
import mapping2013to2022 from './reference/iso27001-2013-to-2022.json' with { type: 'json' };
import { CatalogueFileSchema, MappingFileSchema } from './format.js';

/** A control catalogue as the controls context uses it (built-in or imported). */
export interface Catalogue {
  readonly catalogueId: string;
  readonly name: string;
  readonly version: string;
  readonly publisher?: string;
  readonly source: 'built-in' | 'isms-ledger' | 'oscal';
  readonly groups: readonly CatalogueGroup[];
  readonly controls: readonly CatalogueControl[];
  readonly notes?: readonly string[];
}

/** The correspondence of one catalogue's controls with another's (many-to-many). */
export interface CatalogueMapping {
  readonly mappingId: string;
  readonly fromCatalogueId: string;
  readonly toCatalogueId: string;
  readonly entries: readonly { readonly from: string; readonly to: readonly string[] }[];
  readonly notes?: readonly string[];
}

function builtIn(data: unknown): Catalogue {
  // The shipped files go through the same schema as imports: a broken file fails at start-up.
  const file = CatalogueFileSchema.parse(data);
  if (!file.catalogueId) throw new Error(`Built-in catalogue ${file.name} has no catalogueId`);
  return {
    catalogueId: file.catalogueId,
    name: file.name,
    version: file.version,
    ...(file.publisher ? { publisher: file.publisher } : {}),
    source: 'built-in',
    groups: file.groups,
    controls: file.controls,
    ...(file.notes ? { notes: file.notes } : {}),
  };
}

export const ISO27001_2022: Catalogue = builtIn(iso2022);
export const ISO27001_2013: Catalogue = builtIn(iso2013);
export const BUILT_IN_CATALOGUES: readonly Catalogue[] = [ISO27001_2022, ISO27001_2013];

export const ISO27001_2013_TO_2022: CatalogueMapping = MappingFileSchema.parse(mapping2013to2022);
export const BUILT_IN_MAPPINGS: readonly CatalogueMapping[] = [ISO27001_2013_TO_2022];

export function builtInCatalogue(catalogueId: string): Catalogue | undefined {
  return BUILT_IN_CATALOGUES.find((c) => c.catalogueId === catalogueId);
}

export function isBuiltInCatalogueId(catalogueId: string): boolean {
  return (Object.values(BuiltInCatalogueIds) as string[]).includes(catalogueId);
}

export function findMapping(
  fromCatalogueId: string,
  toCatalogueId: string,
): CatalogueMapping | undefined {
  return BUILT_IN_MAPPINGS.find(
    (m) => m.fromCatalogueId === fromCatalogueId && m.toCatalogueId === toCatalogueId,
  );
}

/** The target controls a source control became. */
export function mappedTo(mapping: CatalogueMapping, fromControlId: string): readonly string[] {
  return mapping.entries.find((e) => e.from === fromControlId)?.to ?? [];
}

/** The source controls a target control came from (empty: new in the target catalogue). */
export function mappedFrom(mapping: CatalogueMapping, toControlId: string): string[] {
  return mapping.entries.filter((e) => e.to.includes(toControlId)).map((e) => e.from);
}

export function controlIds(catalogue: Pick<Catalogue, 'controls'>): string[] {
  return catalogue.controls.map((c) => c.controlId);
}

/** Natural order of dotted identifiers: 5.2 before 5.10, A.9.1.1 before A.10.1.1. */
export function compareControlIds(a: string, b: string): number {
  const pa = a.split(/([0-9]+)/);
  const pb = b.split(/([0-9]+)/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (x !== '' && y !== '' && !Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return 0;
}
