import { Inject, Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { AsOf, Clock, EventStore } from '@isms/event-sourcing';
import { AccessService, ContextCommandSupport, tenantOf } from '@isms/auth';
import type { Permission, Principal } from '@isms/auth';
import type { ReadStore, StoredDocument } from '@isms/read-store';
import {
  CLOCK,
  EVENT_STORE,
  NotFoundProblem,
  ProjectionRegistry,
  READ_STORE,
} from '@isms/platform-nest';

/**
 * What every audit command and query needs: the store, the clock, the read models, access
 * control, who acts and why, and read-your-writes.
 */
@Injectable()
export class AuditContext extends ContextCommandSupport {
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(READ_STORE) readonly readStore: ReadStore,
    projections: ProjectionRegistry,
    access: AccessService,
  ) {
    super(store, clock, projections, access);
  }

  /**
   * The read models as they were at a point in history (for `?asOf=`), rebuilt from the events
   * of the requesting tenant only, or as they are.
   */
  async readModels(
    names: readonly string[],
    asOf: AsOf | undefined,
    tenantId: string,
  ): Promise<ReadStore> {
    return asOf ? this.projections.asOf(names, asOf, { tenantId }) : this.readStore;
  }

  /** A document of the caller's tenant; another tenant's is answered like a missing one (404). */
  async one<T extends { tenantId: string }>(
    collection: string,
    what: string,
    tenantId: string,
    id: string,
    from: ReadStore = this.readStore,
  ): Promise<StoredDocument<T>> {
    const found = await from.collection<T>(collection).get(id);
    if (!found || found.tenantId !== tenantId) throw new NotFoundProblem(what, id);
    return found;
  }

  assertCan(principal: Principal, permission: Permission, scopeId: string): Promise<unknown> {
    return this.access.assertCan(principal, permission, { scopeId });
  }

  /** An ISMS scope of the tenant (404 otherwise, so other tenants' scopes stay invisible). */
  assertScope(tenantId: string, scopeId: string): { ownerOrgUnitId: string } {
    const scope = this.access.directory.scope(scopeId);
    if (!scope || scope.tenantId !== tenantId) throw new NotFoundProblem('ISMS scope', scopeId);
    return scope;
  }

  /** An org unit covered by the scope's approved version, or a 422 naming the field. */
  assertInScope(scopeId: string, orgUnitId: string, field: string): void {
    if (!this.access.directory.scopeCoverage(scopeId).has(orgUnitId)) {
      throw new DomainRuleViolation(
        'org-unit-outside-scope',
        `Org unit ${orgUnitId} (${field}) is not covered by the approved ISMS scope ${scopeId}; choose a unit inside it.`,
        { field },
      );
    }
  }

  /** An active member of the tenant, or a 422 naming the field. */
  assertMember(tenantId: string, personId: string, field: string): void {
    const person = this.access.directory.person(personId);
    if (!person || person.tenantId !== tenantId || person.kind !== 'member' || !person.active) {
      throw new DomainRuleViolation(
        'person-unknown',
        `Person ${personId} (${field}) is not an active member of your tenant.`,
        { field },
      );
    }
  }
}

export { tenantOf };

/** A read-model document without the store's bookkeeping fields. */
export function withoutMeta<T extends object>(document: StoredDocument<T>): T {
  const { _id, _version, _revision, _streams, ...body } = document as StoredDocument<T> &
    Record<string, unknown>;
  void _id;
  void _version;
  void _revision;
  void _streams;
  return body as unknown as T;
}
