import type { Role } from '@isms/contracts';

/** Who is calling, resolved at request time from the token's `sub`/`tid` and the access directory. */
export type Principal = PlatformAdministratorPrincipal | MemberPrincipal | ExternalAuditorPrincipal;

export interface PlatformAdministratorPrincipal {
  readonly kind: 'platform-administrator';
  readonly userId: string;
  readonly displayName: string;
  readonly tenantId?: undefined;
}

export interface RoleBinding {
  readonly bindingId: string;
  readonly role: Role;
  /** The binding covers this org unit and everything below it. */
  readonly orgUnitId: string;
}

export interface MemberPrincipal {
  readonly kind: 'member';
  readonly tenantId: string;
  readonly userId: string;
  readonly displayName: string;
  readonly bindings: readonly RoleBinding[];
}

export interface AccessGrantView {
  readonly grantId: string;
  readonly scopeId: string;
  readonly certificationBody: string;
  /** [validFrom, validUntil) */
  readonly validFrom: string;
  readonly validUntil: string;
  readonly revokedAt?: string;
}

export interface ExternalAuditorPrincipal {
  readonly kind: 'external-auditor';
  readonly tenantId: string;
  readonly userId: string;
  readonly displayName: string;
  readonly certificationBody: string;
  /** Every grant the auditor ever had; the policy decides which one is in force. */
  readonly grants: readonly AccessGrantView[];
}

export type GrantStatus = 'active' | 'not-yet-valid' | 'expired' | 'revoked';

export function grantStatus(grant: AccessGrantView, now: Date): GrantStatus {
  const t = now.getTime();
  if (grant.revokedAt !== undefined && new Date(grant.revokedAt).getTime() <= t) return 'revoked';
  if (t < new Date(grant.validFrom).getTime()) return 'not-yet-valid';
  if (t >= new Date(grant.validUntil).getTime()) return 'expired';
  return 'active';
}

export function activeGrants(principal: ExternalAuditorPrincipal, now: Date): AccessGrantView[] {
  return principal.grants.filter((g) => grantStatus(g, now) === 'active');
}

/** The role recorded in event metadata for what a principal does. */
export function actingRole(principal: Principal): string {
  if (principal.kind === 'platform-administrator') return 'platform-administrator';
  if (principal.kind === 'external-auditor') return 'external-auditor';
  return principal.bindings.map((b) => b.role).join(',') || 'none';
}
