import type { IsmsScopeDefinition, OrgUnitKind, PersonKind, Role } from '@isms/contracts';
import { GovernanceEventTypes as T, isGovernanceEvent } from '@isms/contracts';
import type { AccessGrantView, Principal, RoleBinding } from './principal.js';

/**
 * What the policy needs to know about the org tree and the scopes. The AccessDirectory
 * implements it; tests may too.
 */
export interface OrgView {
  orgUnit(
    orgUnitId: string,
  ): { readonly tenantId: string; readonly rootOrgUnitId?: string } | undefined;
  /** True if `orgUnitId` is `ancestorId` or lies below it. */
  isWithin(orgUnitId: string, ancestorId: string): boolean;
  /** The unit and every unit below it (closed ones too: their history stays readable). */
  subtree(orgUnitId: string): readonly string[];
  scope(
    scopeId: string,
  ): { readonly tenantId: string; readonly ownerOrgUnitId: string } | undefined;
  /** Org units of the scope's approved version: included subtrees minus excluded subtrees. */
  scopeCoverage(scopeId: string): ReadonlySet<string>;
}

interface TenantEntry {
  readonly tenantId: string;
  name: string;
  readonly rootOrgUnitId: string;
}

interface UnitEntry {
  readonly orgUnitId: string;
  readonly tenantId: string;
  parentId: string | null;
  readonly kind: OrgUnitKind;
  name: string;
  status: 'open' | 'closed';
}

interface PersonEntry {
  readonly personId: string;
  readonly tenantId: string;
  readonly displayName: string;
  readonly kind: PersonKind;
  readonly homeOrgUnitId: string;
  readonly certificationBody?: string;
  readonly identitySubject?: string;
  active: boolean;
  readonly bindings: Map<string, RoleBinding>;
}

interface ScopeEntry {
  readonly scopeId: string;
  readonly tenantId: string;
  readonly ownerOrgUnitId: string;
  draft: IsmsScopeDefinition;
  approved?: IsmsScopeDefinition;
}

interface GrantEntry extends AccessGrantView {
  readonly tenantId: string;
  readonly auditorPersonId: string;
}

interface AdministratorEntry {
  readonly administratorId: string;
  readonly displayName: string;
}

/** An event as the store or the bus delivers it: only these fields are read. */
export interface DirectoryEvent {
  readonly type: string;
  readonly data: unknown;
  readonly tenantId: string;
  readonly recordedAt?: string;
}

export type PrincipalResolution =
  | { readonly principal: Principal }
  | {
      readonly principal?: undefined;
      readonly reason:
        'unknown-tenant' | 'unknown-person' | 'person-deactivated' | 'unknown-administrator';
    };

/**
 * The access directory: tenants, the org tree with parent links, people with their role
 * bindings, ISMS scopes and access grants, folded from the published governance events of
 * `@isms/contracts`. Every service can keep its own copy (from the event store in the embedded
 * mode, from Kafka in the distributed mode). Roles are looked up here at request time, so a
 * revoked binding or grant takes effect with the next request.
 */
export class AccessDirectory implements OrgView {
  private readonly tenants = new Map<string, TenantEntry>();
  private readonly units = new Map<string, UnitEntry>();
  private readonly children = new Map<string, Set<string>>();
  private readonly people = new Map<string, PersonEntry>();
  private readonly subjects = new Map<string, string>();
  private readonly scopes = new Map<string, ScopeEntry>();
  private readonly grants = new Map<string, GrantEntry>();
  private readonly grantsByAuditor = new Map<string, Set<string>>();
  private readonly administrators = new Map<string, AdministratorEntry>();
  private coverageCache = new Map<string, ReadonlySet<string>>();

  /** Folds one event in. Events of other contexts or unknown types are ignored. */
  apply(event: DirectoryEvent): void {
    if (!isGovernanceEvent(event)) return;
    switch (event.type) {
      case T.TenantEstablished:
        this.tenants.set(event.data.tenantId, { ...event.data });
        break;
      case T.OrgUnitCreated: {
        const { orgUnitId, parentId, kind, name } = event.data;
        this.units.set(orgUnitId, {
          orgUnitId,
          tenantId: event.tenantId,
          parentId,
          kind,
          name,
          status: 'open',
        });
        if (parentId !== null) this.childrenOf(parentId).add(orgUnitId);
        break;
      }
      case T.OrgUnitRenamed: {
        const unit = this.units.get(event.data.orgUnitId);
        if (unit) unit.name = event.data.name;
        break;
      }
      case T.OrgUnitMoved: {
        const unit = this.units.get(event.data.orgUnitId);
        if (!unit) break;
        if (unit.parentId !== null) this.children.get(unit.parentId)?.delete(unit.orgUnitId);
        unit.parentId = event.data.parentId;
        this.childrenOf(event.data.parentId).add(unit.orgUnitId);
        break;
      }
      case T.OrgUnitClosed: {
        const unit = this.units.get(event.data.orgUnitId);
        if (unit) unit.status = 'closed';
        break;
      }
      case T.PersonRegistered: {
        const { personId, identitySubject } = event.data;
        this.people.set(personId, {
          ...event.data,
          tenantId: event.tenantId,
          active: true,
          bindings: new Map(),
        });
        if (identitySubject)
          this.subjects.set(subjectKey(event.tenantId, identitySubject), personId);
        break;
      }
      case T.PersonDeactivated: {
        const person = this.people.get(event.data.personId);
        if (person) person.active = false;
        break;
      }
      case T.RoleBound: {
        const { personId, bindingId, role, orgUnitId } = event.data;
        this.people.get(personId)?.bindings.set(bindingId, { bindingId, role, orgUnitId });
        break;
      }
      case T.RoleUnbound:
        this.people.get(event.data.personId)?.bindings.delete(event.data.bindingId);
        break;
      case T.IsmsScopeDrafted: {
        const { scopeId, definition } = event.data;
        this.scopes.set(scopeId, {
          scopeId,
          tenantId: event.tenantId,
          ownerOrgUnitId: definition.ownerOrgUnitId,
          draft: definition,
        });
        break;
      }
      case T.IsmsScopeRevised: {
        const scope = this.scopes.get(event.data.scopeId);
        if (scope) scope.draft = event.data.definition;
        break;
      }
      case T.IsmsScopeApproved: {
        const scope = this.scopes.get(event.data.scopeId);
        if (scope) scope.approved = scope.draft;
        break;
      }
      case T.AccessGranted: {
        const { grantId, auditorPersonId, scopeId, certificationBody, validFrom, validUntil } =
          event.data;
        this.grants.set(grantId, {
          grantId,
          tenantId: event.tenantId,
          auditorPersonId,
          scopeId,
          certificationBody,
          validFrom,
          validUntil,
        });
        let mine = this.grantsByAuditor.get(auditorPersonId);
        if (!mine) this.grantsByAuditor.set(auditorPersonId, (mine = new Set()));
        mine.add(grantId);
        break;
      }
      case T.AccessGrantRevoked: {
        const grant = this.grants.get(event.data.grantId);
        if (grant) this.grants.set(grant.grantId, { ...grant, revokedAt: event.data.revokedAt });
        break;
      }
      case T.PlatformAdministratorEnrolled:
        this.administrators.set(event.data.administratorId, {
          administratorId: event.data.administratorId,
          displayName: event.data.displayName,
        });
        break;
      default:
        // documents, setup codes, the access log: not needed to decide access
        break;
    }
    this.coverageCache = new Map();
  }

  reset(): void {
    for (const map of [
      this.tenants,
      this.units,
      this.children,
      this.people,
      this.subjects,
      this.scopes,
      this.grants,
      this.grantsByAuditor,
      this.administrators,
    ]) {
      map.clear();
    }
    this.coverageCache = new Map();
  }

  /** Who the token's subject is, with their bindings or grants as of now. */
  resolvePrincipal(claims: { readonly sub: string; readonly tid?: string }): PrincipalResolution {
    if (claims.tid === undefined) {
      const admin = this.administrators.get(claims.sub);
      if (!admin) return { reason: 'unknown-administrator' };
      return {
        principal: {
          kind: 'platform-administrator',
          userId: admin.administratorId,
          displayName: admin.displayName,
        },
      };
    }
    if (!this.tenants.has(claims.tid)) return { reason: 'unknown-tenant' };
    const byId = this.people.get(claims.sub);
    const person =
      byId && byId.tenantId === claims.tid
        ? byId
        : this.people.get(this.subjects.get(subjectKey(claims.tid, claims.sub)) ?? '');
    if (!person || person.tenantId !== claims.tid) return { reason: 'unknown-person' };
    if (!person.active) return { reason: 'person-deactivated' };
    if (person.kind === 'external-auditor') {
      return {
        principal: {
          kind: 'external-auditor',
          tenantId: person.tenantId,
          userId: person.personId,
          displayName: person.displayName,
          certificationBody: person.certificationBody ?? '',
          grants: [...(this.grantsByAuditor.get(person.personId) ?? [])]
            .map((id) => this.grants.get(id))
            .filter((g): g is GrantEntry => g !== undefined && g.tenantId === person.tenantId)
            .map(({ grantId, scopeId, certificationBody, validFrom, validUntil, revokedAt }) => ({
              grantId,
              scopeId,
              certificationBody,
              validFrom,
              validUntil,
              ...(revokedAt !== undefined ? { revokedAt } : {}),
            })),
        },
      };
    }
    return {
      principal: {
        kind: 'member',
        tenantId: person.tenantId,
        userId: person.personId,
        displayName: person.displayName,
        bindings: [...person.bindings.values()],
      },
    };
  }

  tenant(
    tenantId: string,
  ):
    | { readonly tenantId: string; readonly name: string; readonly rootOrgUnitId: string }
    | undefined {
    const tenant = this.tenants.get(tenantId);
    return tenant ? { ...tenant } : undefined;
  }

  orgUnit(orgUnitId: string):
    | {
        readonly orgUnitId: string;
        readonly tenantId: string;
        readonly parentId: string | null;
        readonly kind: OrgUnitKind;
        readonly name: string;
        readonly status: 'open' | 'closed';
        readonly rootOrgUnitId?: string;
      }
    | undefined {
    const unit = this.units.get(orgUnitId);
    if (!unit) return undefined;
    const rootOrgUnitId = this.tenants.get(unit.tenantId)?.rootOrgUnitId;
    return { ...unit, ...(rootOrgUnitId ? { rootOrgUnitId } : {}) };
  }

  isWithin(orgUnitId: string, ancestorId: string): boolean {
    let current: string | null = orgUnitId;
    for (let depth = 0; current !== null && depth <= this.units.size; depth++) {
      if (current === ancestorId) return true;
      current = this.units.get(current)?.parentId ?? null;
    }
    return false;
  }

  subtree(orgUnitId: string): string[] {
    if (!this.units.has(orgUnitId)) return [];
    const result: string[] = [];
    const stack = [orgUnitId];
    while (stack.length > 0) {
      const id = stack.pop()!;
      result.push(id);
      for (const child of this.children.get(id) ?? []) stack.push(child);
    }
    return result;
  }

  scope(
    scopeId: string,
  ):
    | { readonly tenantId: string; readonly ownerOrgUnitId: string; readonly approved: boolean }
    | undefined {
    const scope = this.scopes.get(scopeId);
    return scope
      ? {
          tenantId: scope.tenantId,
          ownerOrgUnitId: scope.ownerOrgUnitId,
          approved: !!scope.approved,
        }
      : undefined;
  }

  scopeCoverage(scopeId: string): ReadonlySet<string> {
    const cached = this.coverageCache.get(scopeId);
    if (cached) return cached;
    const definition = this.scopes.get(scopeId)?.approved;
    const covered = new Set<string>();
    if (definition) {
      for (const id of definition.includedOrgUnitIds)
        for (const u of this.subtree(id)) covered.add(u);
      for (const exclusion of definition.exclusions) {
        if (exclusion.orgUnitId)
          for (const u of this.subtree(exclusion.orgUnitId)) covered.delete(u);
      }
    }
    this.coverageCache.set(scopeId, covered);
    return covered;
  }

  person(personId: string):
    | {
        readonly personId: string;
        readonly tenantId: string;
        readonly kind: PersonKind;
        readonly homeOrgUnitId: string;
        readonly active: boolean;
        readonly roles: readonly Role[];
      }
    | undefined {
    const person = this.people.get(personId);
    if (!person) return undefined;
    return {
      personId: person.personId,
      tenantId: person.tenantId,
      kind: person.kind,
      homeOrgUnitId: person.homeOrgUnitId,
      active: person.active,
      roles: [...person.bindings.values()].map((b) => b.role),
    };
  }

  grant(
    grantId: string,
  ):
    | (AccessGrantView & { readonly tenantId: string; readonly auditorPersonId: string })
    | undefined {
    const grant = this.grants.get(grantId);
    return grant ? { ...grant } : undefined;
  }

  private childrenOf(orgUnitId: string): Set<string> {
    let set = this.children.get(orgUnitId);
    if (!set) this.children.set(orgUnitId, (set = new Set()));
    return set;
  }
}

function subjectKey(tenantId: string, subject: string): string {
  return `${tenantId}\u0000${subject}`;
}
