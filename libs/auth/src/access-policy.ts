import type { Role } from '@isms/contracts';
import type { OrgView } from './access-directory.js';
import type { Permission } from './permissions.js';
import {
  EXTERNAL_AUDITOR_PERMISSIONS,
  PLATFORM_ADMINISTRATOR_PERMISSIONS,
  roleGrants,
  rolesWith,
} from './permissions.js';
import type { AccessGrantView, ExternalAuditorPrincipal, Principal } from './principal.js';
import { grantStatus } from './principal.js';

/**
 * What a request acts on. Members are checked on `orgUnitId` (or, without one, the owner of
 * `scopeId`). External auditors are checked against their grants: `scopeId` must be a granted
 * scope; otherwise `scopeIds` (e.g. the scopes a document applies to) must meet one, or
 * `orgUnitId` must lie in a granted scope's coverage.
 */
export interface AccessTarget {
  readonly orgUnitId?: string;
  readonly scopeId?: string;
  readonly scopeIds?: readonly string[];
}

export type DenialReason =
  | 'platform-administrator-only'
  | 'not-for-platform-administrators'
  | 'no-target'
  | 'other-tenant'
  | 'role-lacks-permission'
  | 'outside-subtree'
  | 'read-only'
  | 'no-grant'
  | 'grant-not-yet-valid'
  | 'grant-expired'
  | 'grant-revoked'
  | 'outside-scope';

export type AccessDecision =
  | {
      readonly allowed: true;
      /** What allowed it, e.g. `ciso@<orgUnitId>` or `grant:<grantId>`. */
      readonly via: string;
      /** The bound role that allowed it (members). */
      readonly role?: Role;
      /** The grant that allowed it (external auditors). */
      readonly grantId?: string;
    }
  | { readonly allowed: false; readonly reason: DenialReason; readonly detail: string };

const allow = (via: string, extra: { role?: Role; grantId?: string } = {}): AccessDecision => ({
  allowed: true,
  via,
  ...extra,
});
const deny = (reason: DenialReason, detail: string): AccessDecision => ({
  allowed: false,
  reason,
  detail,
});

/** Deny by default: a pure function of the principal, the permission, the target, the tree and the time. */
export function evaluateAccess(
  principal: Principal,
  permission: Permission,
  target: AccessTarget,
  view: OrgView,
  now: Date,
): AccessDecision {
  const platformOnly = PLATFORM_ADMINISTRATOR_PERMISSIONS.includes(permission);
  if (principal.kind === 'platform-administrator') {
    return platformOnly
      ? allow('platform-administrator')
      : deny(
          'not-for-platform-administrators',
          'Platform administrators manage tenants; they do not see or change a tenant’s ISMS.',
        );
  }
  if (platformOnly) {
    return deny('platform-administrator-only', `Only platform administrators may ${permission}.`);
  }
  if (principal.kind === 'external-auditor') {
    return evaluateExternalAuditor(principal, permission, target, view, now);
  }

  const orgUnitId =
    target.orgUnitId ??
    (target.scopeId !== undefined ? view.scope(target.scopeId)?.ownerOrgUnitId : undefined);
  if (orgUnitId === undefined) return deny('no-target', 'The request names no org unit or scope.');
  const unit = view.orgUnit(orgUnitId);
  if (!unit || unit.tenantId !== principal.tenantId) {
    return deny('other-tenant', 'The target does not belong to your tenant.');
  }
  const permitted = principal.bindings.filter((b) => roleGrants(b.role, permission));
  if (permitted.length === 0) {
    return deny(
      'role-lacks-permission',
      `None of your roles allows ${permission}; roles that do: ${rolesWith(permission).join(', ')}.`,
    );
  }
  const covering = permitted.find((b) => view.isWithin(orgUnitId, b.orgUnitId));
  if (!covering) {
    return deny(
      'outside-subtree',
      `Your ${[...new Set(permitted.map((b) => b.role))].join('/')} role covers other org units, not this one.`,
    );
  }
  return allow(`${covering.role}@${covering.orgUnitId}`, { role: covering.role });
}

function evaluateExternalAuditor(
  principal: ExternalAuditorPrincipal,
  permission: Permission,
  target: AccessTarget,
  view: OrgView,
  now: Date,
): AccessDecision {
  if (!EXTERNAL_AUDITOR_PERMISSIONS.includes(permission)) {
    return deny('read-only', 'External auditors have read-only access.');
  }
  const current = principal.grants.filter((g) => grantStatus(g, now) === 'active');
  if (current.length === 0) return noActiveGrant(principal.grants, now);
  if (target.scopeId !== undefined) {
    const grant = current.find((g) => g.scopeId === target.scopeId);
    return grant
      ? allow(`grant:${grant.grantId}`, { grantId: grant.grantId })
      : deny('outside-scope', 'Your access grant covers another ISMS scope.');
  }
  const byScope = current.find((g) => target.scopeIds?.includes(g.scopeId));
  if (byScope) return allow(`grant:${byScope.grantId}`, { grantId: byScope.grantId });
  if (target.orgUnitId !== undefined) {
    const byUnit = current.find((g) => view.scopeCoverage(g.scopeId).has(target.orgUnitId!));
    if (byUnit) return allow(`grant:${byUnit.grantId}`, { grantId: byUnit.grantId });
  }
  return deny('outside-scope', 'This lies outside the ISMS scope of your access grant.');
}

/** Why an auditor has no grant in force, most telling reason first. */
export function noActiveGrant(grants: readonly AccessGrantView[], now: Date): AccessDecision {
  const statuses = grants.map((g) => grantStatus(g, now));
  if (statuses.includes('revoked') && !statuses.includes('not-yet-valid')) {
    return deny('grant-revoked', 'Your access grant was revoked.');
  }
  if (statuses.includes('expired') && !statuses.includes('not-yet-valid')) {
    return deny('grant-expired', 'Your access grant has expired.');
  }
  if (statuses.includes('not-yet-valid')) {
    const next = grants
      .filter((g) => grantStatus(g, now) === 'not-yet-valid')
      .map((g) => g.validFrom)
      .sort()[0];
    return deny('grant-not-yet-valid', `Your access grant starts at ${next}.`);
  }
  return deny('no-grant', 'You hold no access grant.');
}

/**
 * The org units whose data the principal may see with a permission (for filtering lists):
 * the subtrees of the bindings that carry it, or the coverage of the grants in force.
 */
export function visibleOrgUnitIds(
  principal: Principal,
  permission: Permission,
  view: OrgView,
  now: Date,
): Set<string> {
  const visible = new Set<string>();
  if (principal.kind === 'member') {
    for (const binding of principal.bindings) {
      if (!roleGrants(binding.role, permission)) continue;
      for (const id of view.subtree(binding.orgUnitId)) visible.add(id);
    }
  } else if (
    principal.kind === 'external-auditor' &&
    EXTERNAL_AUDITOR_PERMISSIONS.includes(permission)
  ) {
    for (const grant of principal.grants) {
      if (grantStatus(grant, now) !== 'active') continue;
      for (const id of view.scopeCoverage(grant.scopeId)) visible.add(id);
    }
  }
  return visible;
}

/** The scopes an external auditor may read now (none for anyone else: they go by org unit). */
export function grantedScopeIds(principal: Principal, now: Date): string[] {
  if (principal.kind !== 'external-auditor') return [];
  return principal.grants.filter((g) => grantStatus(g, now) === 'active').map((g) => g.scopeId);
}
