import { Inject, Injectable } from '@nestjs/common';
import type { ReadStore } from '@isms/read-store';
import { NotFoundProblem, READ_STORE } from '@isms/platform-nest';
import type { Catalogue } from '../catalogues/catalogue.js';
import { BUILT_IN_CATALOGUES, builtInCatalogue, controlIds } from '../catalogues/catalogue.js';
import type { CatalogueIndex } from '../domain/rules.js';
import type { CatalogueView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';

/** A custom catalogue's view as a `Catalogue`. */
export function catalogueOf(view: CatalogueView): Catalogue {
  return {
    catalogueId: view.catalogueId,
    name: view.name,
    version: view.version,
    ...(view.publisher ? { publisher: view.publisher } : {}),
    source: view.format,
    groups: view.groups,
    controls: view.controls,
  };
}

/**
 * The catalogues a tenant may use: the built-in ones (shipped data) and its own imports.
 * Another tenant's catalogue is answered like one that does not exist.
 */
@Injectable()
export class CatalogueDirectory {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async find(
    tenantId: string,
    catalogueId: string,
    from: ReadStore = this.readStore,
  ): Promise<Catalogue | undefined> {
    const builtIn = builtInCatalogue(catalogueId);
    if (builtIn) return builtIn;
    const view = await from.collection<CatalogueView>(Collections.Catalogues).get(catalogueId);
    return view && view.tenantId === tenantId ? catalogueOf(view) : undefined;
  }

  async get(tenantId: string, catalogueId: string, from?: ReadStore): Promise<Catalogue> {
    const catalogue = await this.find(tenantId, catalogueId, from);
    if (!catalogue) throw new NotFoundProblem('Control catalogue', catalogueId);
    return catalogue;
  }

  async view(tenantId: string, catalogueId: string): Promise<CatalogueView | undefined> {
    const view = await this.readStore
      .collection<CatalogueView>(Collections.Catalogues)
      .get(catalogueId);
    return view && view.tenantId === tenantId ? view : undefined;
  }

  async list(tenantId: string): Promise<Catalogue[]> {
    const custom = await this.readStore
      .collection<CatalogueView>(Collections.Catalogues)
      .find({ tenantId }, { sort: { importedAt: 1 } });
    return [...BUILT_IN_CATALOGUES, ...custom.map(catalogueOf)];
  }

  /**
   * The control ids of the named catalogues, for the domain's rules. Unknown ids are left out:
   * the domain names them (`unknown-catalogue`).
   */
  async index(tenantId: string, catalogueIds: readonly string[]): Promise<CatalogueIndex> {
    const index: Record<string, readonly string[]> = {};
    for (const id of new Set(catalogueIds)) {
      const catalogue = await this.find(tenantId, id);
      if (catalogue) index[id] = controlIds(catalogue);
    }
    return index;
  }
}
