import type { Role } from '@isms/contracts';

/**
 * Named permissions. A handler asks for one of these on a target (an org unit, a scope); roles
 * grant them on the subtree they are bound to. Deny by default: what is not listed is refused.
 */
export const PERMISSIONS = [
  /** Read data of the target's org unit (or scope). */
  'read',
  /** Create, rename, move, close org units. */
  'governance:structure:manage',
  /** Register and deactivate people, bind and unbind roles, issue tokens (embedded mode). */
  'governance:people:manage',
  /** Draft and revise ISMS scopes. */
  'governance:scope:manage',
  /** Approve an ISMS scope: a top-management decision. */
  'governance:scope:approve',
  /** Register documents, upload versions, change owners, withdraw. */
  'governance:document:manage',
  /** Approve a document version or record its review. */
  'governance:document:approve',
  /** Approve the information security policy (5.2): top management. */
  'governance:policy:approve',
  /** Grant and revoke certification bodies' access. */
  'governance:grant:manage',
  /** List the auditor access log and denied requests. */
  'governance:access-log:read',
  'risk:write',
  /** Accept a residual risk (the risk context adds the appetite rules). */
  'risk:accept',
  'controls:write',
  'controls:soa:approve',
  'audit:write',
  /** Raise a finding in an audit engagement; the one write an external auditor may get (later). */
  'audit:finding:raise',
  /** Platform administrators only: create tenants and name their first group administrator. */
  'platform:tenants:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Roles bound to an org-unit subtree → what they may do there. Kept small and explicit. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  'group-admin': [
    'read',
    'governance:structure:manage',
    'governance:people:manage',
    'governance:scope:manage',
    'governance:scope:approve',
    'governance:document:manage',
    'governance:document:approve',
    'governance:policy:approve',
    'governance:grant:manage',
    'governance:access-log:read',
  ],
  ciso: [
    'read',
    'governance:scope:manage',
    'governance:scope:approve',
    'governance:document:manage',
    'governance:document:approve',
    'governance:policy:approve',
    'governance:grant:manage',
    'governance:access-log:read',
    'risk:write',
    'risk:accept',
    'controls:write',
    'controls:soa:approve',
  ],
  'isms-manager': [
    'read',
    'governance:scope:manage',
    'governance:document:manage',
    'governance:document:approve',
    'risk:write',
    'controls:write',
  ],
  'risk-owner': ['read', 'risk:write', 'risk:accept'],
  'control-owner': ['read', 'controls:write'],
  'internal-auditor': ['read', 'audit:write', 'audit:finding:raise', 'governance:access-log:read'],
  viewer: ['read'],
  // Never bound: external auditors get their permissions from an access grant, below.
  'external-auditor': [],
};

/**
 * What an external auditor may do, and only inside a grant's scope and window. `read` today;
 * `audit:finding:raise` is the hook for recording findings in an engagement their grant covers
 * (a route must also opt in with `@ExternalAuditorMayWrite`, since every other write is refused).
 */
export const EXTERNAL_AUDITOR_PERMISSIONS: readonly Permission[] = ['read', 'audit:finding:raise'];

export const PLATFORM_ADMINISTRATOR_PERMISSIONS: readonly Permission[] = [
  'platform:tenants:manage',
];

export function roleGrants(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Roles that hold a permission, e.g. for error messages ("ask a ciso or group-admin"). */
export function rolesWith(permission: Permission): Role[] {
  return (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((role) => roleGrants(role, permission));
}
