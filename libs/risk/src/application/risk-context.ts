import { Inject, Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { AsOf, Clock, EventStore } from '@isms/event-sourcing';
import {
  AccessLogService,
  AccessService,
  ForbiddenProblem,
  ContextCommandSupport,
  tenantOf,
} from '@isms/auth';
import type { Permission, Principal } from '@isms/auth';
import type { Role } from '@isms/contracts';
import type { ReadStore, StoredDocument } from '@isms/read-store';
import {
  CLOCK,
  EVENT_STORE,
  NotFoundProblem,
  ProjectionRegistry,
  READ_STORE,
} from '@isms/platform-nest';
import type { AsOfNarrowing } from '@isms/platform-nest';

/**
 * What every risk command and query needs: the store, the clock, the read models, access
 * control, who acts and why, and read-your-writes (the read models have applied a write before
 * the answer leaves).
 */
@Injectable()
export class RiskContext extends ContextCommandSupport {
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(READ_STORE) readonly readStore: ReadStore,
    projections: ProjectionRegistry,
    access: AccessService,
    private readonly accessLog: AccessLogService,
  ) {
    super(store, clock, projections, access);
  }

  /**
   * The read models as they were at a point in history (for `?asOf=`), rebuilt from the events
   * of the requesting tenant only (and `narrow`ed, when only some streams are asked about), or
   * as they are.
   */
  async readModels(
    names: readonly string[],
    asOf: AsOf | undefined,
    tenantId: string,
    narrow?: readonly AsOfNarrowing[],
  ): Promise<ReadStore> {
    return asOf
      ? this.projections.asOf(names, asOf, { tenantId, ...(narrow ? { narrow } : {}) })
      : this.readStore;
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

  assertCan(principal: Principal, permission: Permission, orgUnitId: string): Promise<unknown> {
    return this.access.assertCan(principal, permission, { orgUnitId });
  }

  /** Refuses with 403 (and leaves a trace in the access log). */
  async forbid(
    principal: Principal,
    permission: Permission,
    reason: string,
    detail: string,
    orgUnitId?: string,
  ): Promise<never> {
    await this.accessLog.denied(principal, {
      status: 403,
      reason,
      detail,
      permission,
      ...(orgUnitId ? { orgUnitId } : {}),
    });
    throw new ForbiddenProblem(permission, reason, detail);
  }

  /** The roles the principal holds on an org unit (bindings on it or above it). */
  rolesOn(principal: Principal, orgUnitId: string): Role[] {
    if (principal.kind !== 'member') return [];
    const directory = this.access.directory;
    return [
      ...new Set(
        principal.bindings
          .filter((b) => directory.isWithin(orgUnitId, b.orgUnitId))
          .map((b) => b.role),
      ),
    ];
  }

  /** An org unit of the tenant, or a 422 naming the field. */
  assertOrgUnit(tenantId: string, orgUnitId: string, field: string) {
    const unit = this.access.directory.orgUnit(orgUnitId);
    if (!unit || unit.tenantId !== tenantId) {
      throw new DomainRuleViolation(
        'org-unit-unknown',
        `Org unit ${orgUnitId} (${field}) does not exist in your tenant.`,
        { field },
      );
    }
    return unit;
  }

  /** An active member of the tenant, or a 422 naming the field. */
  assertPerson(tenantId: string, personId: string, field: string): void {
    const person = this.access.directory.person(personId);
    if (!person || person.tenantId !== tenantId || person.kind !== 'member') {
      throw new DomainRuleViolation(
        'person-unknown',
        `Person ${personId} (${field}) is not a member of your tenant.`,
        { field },
      );
    }
    if (!person.active) {
      throw new DomainRuleViolation(
        'person-deactivated',
        `Person ${personId} (${field}) has been deactivated; name someone active.`,
        { field },
      );
    }
  }

  /** An ISMS scope of the tenant, or a 422 naming the field. */
  assertScope(tenantId: string, scopeId: string, field: string): void {
    const scope = this.access.directory.scope(scopeId);
    if (!scope || scope.tenantId !== tenantId) {
      throw new DomainRuleViolation(
        'scope-unknown',
        `ISMS scope ${scopeId} (${field}) does not exist in your tenant.`,
        { field },
      );
    }
  }

  /** The path root → … → unit of an org unit (ids). */
  pathTo(orgUnitId: string): string[] {
    const path: string[] = [];
    let current: string | null = orgUnitId;
    for (let depth = 0; current !== null && depth < 64; depth++) {
      path.unshift(current);
      current = this.access.directory.orgUnit(current)?.parentId ?? null;
    }
    return path;
  }
}

export { tenantOf };

/** For lists: the caller's tenant and, as `$in`, the org units they may see. */
export function visibleUnits(
  context: RiskContext,
  principal: Principal,
  within?: string,
): string[] {
  const visible = context.access.visibleOrgUnitIds(principal);
  if (within === undefined) return visible;
  const subtree = new Set(context.access.directory.subtree(within));
  return visible.filter((id) => subtree.has(id));
}
