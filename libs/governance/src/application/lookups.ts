import { Inject, Injectable } from '@nestjs/common';
import type { AsOf } from '@isms/event-sourcing';
import type { ReadStore, StoredDocument } from '@isms/read-store';
import { NotFoundProblem, ProjectionRegistry, READ_STORE } from '@isms/platform-nest';
import type {
  AccessGrantView,
  DocumentView,
  OrgUnitView,
  PersonView,
  ScopeView,
} from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';

type Kind = 'OrgUnits' | 'People' | 'Scopes' | 'Documents' | 'AccessGrants';
const LABEL: Record<Kind, string> = {
  OrgUnits: 'Org unit',
  People: 'Person',
  Scopes: 'ISMS scope',
  Documents: 'Document',
  AccessGrants: 'Access grant',
};

/**
 * Reads of one resource of the caller's tenant. Anything of another tenant is answered exactly
 * like something that does not exist (404): tenants never learn about each other.
 */
@Injectable()
export class Lookups {
  constructor(
    @Inject(READ_STORE) readonly readStore: ReadStore,
    private readonly projections: ProjectionRegistry,
  ) {}

  orgUnit(tenantId: string, id: string, from?: ReadStore) {
    return this.one<OrgUnitView>('OrgUnits', tenantId, id, from);
  }
  person(tenantId: string, id: string, from?: ReadStore) {
    return this.one<PersonView>('People', tenantId, id, from);
  }
  scope(tenantId: string, id: string, from?: ReadStore) {
    return this.one<ScopeView>('Scopes', tenantId, id, from);
  }
  document(tenantId: string, id: string, from?: ReadStore) {
    return this.one<DocumentView>('Documents', tenantId, id, from);
  }
  grant(tenantId: string, id: string, from?: ReadStore) {
    return this.one<AccessGrantView>('AccessGrants', tenantId, id, from);
  }

  /**
   * The read models named, as they were at a point in history (for `?asOf=`), rebuilt from the
   * events of the requesting tenant only.
   */
  async asOf(
    names: readonly string[],
    asOf: AsOf | undefined,
    tenantId: string,
  ): Promise<ReadStore> {
    return asOf ? this.projections.asOf(names, asOf, { tenantId }) : this.readStore;
  }

  private async one<T extends { tenantId: string }>(
    kind: Kind,
    tenantId: string,
    id: string,
    from: ReadStore = this.readStore,
  ): Promise<StoredDocument<T>> {
    const found = await from.collection<T>(Collections[kind]).get(id);
    if (!found || found.tenantId !== tenantId) throw new NotFoundProblem(LABEL[kind], id);
    return found;
  }
}

/** For lists: the caller's tenant and, as `$in`, the org units they may see. */
export function visibleFilter(tenantId: string, field: string, orgUnitIds: readonly string[]) {
  return { tenantId, [field]: { $in: [...orgUnitIds] } };
}
