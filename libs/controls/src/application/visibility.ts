import type { AccessService, Principal } from '@isms/auth';
import type { Filter } from '@isms/read-store';

/**
 * What a principal may list: members see the org units of their subtrees (with `read`),
 * external auditors the scopes of their grants in force — always within their tenant.
 */
export function visibilityFilter(
  access: AccessService,
  principal: Principal,
  tenantId: string,
): Filter {
  return principal.kind === 'external-auditor'
    ? { tenantId, scopeId: { $in: access.grantedScopeIds(principal) } }
    : { tenantId, orgUnitId: { $in: access.visibleOrgUnitIds(principal) } };
}
