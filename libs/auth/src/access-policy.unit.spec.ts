import type { IsmsScopeDefinition, Role } from '@isms/contracts';
import { GovernanceEventTypes as T } from '@isms/contracts';
import { AccessDirectory } from './access-directory.js';
import type { DirectoryEvent } from './access-directory.js';
import { evaluateAccess, grantedScopeIds, visibleOrgUnitIds } from './access-policy.js';
import { ROLE_PERMISSIONS } from './permissions.js';
import type { ExternalAuditorPrincipal, MemberPrincipal, Principal } from './principal.js';

/*
 * Acme (tenant-acme):            Beta (tenant-beta):
 *   ou-acme (group)                ou-beta (group)
 *   ├── ou-fr (subsidiary)
 *   │   ├── ou-lyon (site)
 *   │   │   └── ou-lab (department)
 *   │   └── ou-paris (site)
 *   └── ou-de (subsidiary)
 */
const ACME = 'tenant-acme';
const BETA = 'tenant-beta';
const NOW = new Date('2026-05-06T12:00:00.000Z');

function event(tenantId: string, type: string, data: unknown): DirectoryEvent {
  return { tenantId, type, data };
}
const unit = (tenantId: string, orgUnitId: string, parentId: string | null, kind = 'site') =>
  event(tenantId, T.OrgUnitCreated, { orgUnitId, parentId, kind, name: orgUnitId });
const person = (tenantId: string, personId: string, kind = 'member', extra = {}) =>
  event(tenantId, T.PersonRegistered, {
    personId,
    displayName: personId,
    email: `${personId}@example.com`,
    kind,
    homeOrgUnitId: tenantId === ACME ? 'ou-acme' : 'ou-beta',
    ...extra,
  });
const bind = (personId: string, role: Role, orgUnitId: string, bindingId = `${personId}-${role}`) =>
  event(ACME, T.RoleBound, { personId, bindingId, role, orgUnitId });
const frScope: IsmsScopeDefinition = {
  name: 'Acme France ISMS',
  description: 'payments',
  ownerOrgUnitId: 'ou-fr',
  includedOrgUnitIds: ['ou-fr'],
  locations: [],
  exclusions: [{ description: 'R&D lab', orgUnitId: 'ou-lab', justification: 'no customer data' }],
  interfacesAndDependencies: [],
  internalIssues: [],
  externalIssues: [],
  interestedParties: [],
};

function directory(...extra: DirectoryEvent[]): AccessDirectory {
  const d = new AccessDirectory();
  for (const e of [
    event(ACME, T.TenantEstablished, { tenantId: ACME, name: 'Acme', rootOrgUnitId: 'ou-acme' }),
    unit(ACME, 'ou-acme', null, 'group'),
    unit(ACME, 'ou-fr', 'ou-acme', 'subsidiary'),
    unit(ACME, 'ou-lyon', 'ou-fr'),
    unit(ACME, 'ou-lab', 'ou-lyon', 'department'),
    unit(ACME, 'ou-paris', 'ou-fr'),
    unit(ACME, 'ou-de', 'ou-acme', 'subsidiary'),
    event(BETA, T.TenantEstablished, { tenantId: BETA, name: 'Beta', rootOrgUnitId: 'ou-beta' }),
    unit(BETA, 'ou-beta', null, 'group'),
    event(ACME, T.IsmsScopeDrafted, { scopeId: 'scope-fr', version: 1, definition: frScope }),
    event(ACME, T.IsmsScopeApproved, {
      scopeId: 'scope-fr',
      version: 1,
      approvedBy: 'p',
      approverRole: 'ciso',
      reason: 'ok',
      approvedAt: '2026-03-01T00:00:00.000Z',
    }),
    ...extra,
  ]) {
    d.apply(e);
  }
  return d;
}

function member(d: AccessDirectory, personId: string, tid = ACME): MemberPrincipal {
  const resolved = d.resolvePrincipal({ sub: personId, tid });
  if (resolved.principal?.kind !== 'member') throw new Error(`no member ${personId}`);
  return resolved.principal;
}

function auditor(d: AccessDirectory, personId = 'eve'): ExternalAuditorPrincipal {
  const resolved = d.resolvePrincipal({ sub: personId, tid: ACME });
  if (resolved.principal?.kind !== 'external-auditor') throw new Error('no auditor');
  return resolved.principal;
}

const grant = (grantId: string, validFrom: string, validUntil: string, scopeId = 'scope-fr') =>
  event(ACME, T.AccessGranted, {
    grantId,
    auditorPersonId: 'eve',
    certificationBody: 'Certa',
    scopeId,
    validFrom,
    validUntil,
    readOnly: true,
    grantedBy: 'p',
    reason: 'stage 2',
  });
const eve = person(ACME, 'eve', 'external-auditor', { certificationBody: 'Certa' });
const stage2Week = grant('g-1', '2026-05-04T00:00:00.000Z', '2026-05-09T00:00:00.000Z');

describe('access policy: role bindings on org-unit subtrees', () => {
  const d = directory(
    person(ACME, 'cathy'),
    bind('cathy', 'ciso', 'ou-fr'),
    person(ACME, 'victor'),
    bind('victor', 'viewer', 'ou-acme'),
  );

  it('a binding covers its org unit and every unit below it', () => {
    const cathy = member(d, 'cathy');
    for (const orgUnitId of ['ou-fr', 'ou-lyon', 'ou-lab', 'ou-paris']) {
      expect(evaluateAccess(cathy, 'governance:scope:approve', { orgUnitId }, d, NOW)).toEqual({
        allowed: true,
        via: 'ciso@ou-fr',
        role: 'ciso',
      });
    }
  });

  it('outside-subtree: a binding says nothing about sibling or parent units', () => {
    const cathy = member(d, 'cathy');
    for (const orgUnitId of ['ou-de', 'ou-acme']) {
      expect(evaluateAccess(cathy, 'read', { orgUnitId }, d, NOW)).toMatchObject({
        allowed: false,
        reason: 'outside-subtree',
      });
    }
  });

  it('role-lacks-permission: a role only allows what the role table lists', () => {
    const victor = member(d, 'victor');
    expect(evaluateAccess(victor, 'read', { orgUnitId: 'ou-de' }, d, NOW).allowed).toBe(true);
    expect(
      evaluateAccess(victor, 'governance:scope:manage', { orgUnitId: 'ou-de' }, d, NOW),
    ).toMatchObject({ allowed: false, reason: 'role-lacks-permission' });
  });

  it('a scope target is checked on the scope’s owning org unit', () => {
    expect(
      evaluateAccess(
        member(d, 'cathy'),
        'governance:scope:approve',
        { scopeId: 'scope-fr' },
        d,
        NOW,
      ).allowed,
    ).toBe(true);
  });

  it('other-tenant: a unit of another tenant is never within reach, whatever the role', () => {
    const groupAdmin = directory(person(ACME, 'gina'), bind('gina', 'group-admin', 'ou-acme'));
    expect(
      evaluateAccess(member(groupAdmin, 'gina'), 'read', { orgUnitId: 'ou-beta' }, groupAdmin, NOW),
    ).toMatchObject({ allowed: false, reason: 'other-tenant' });
  });

  it('no-target: a check without an org unit or scope is denied', () => {
    expect(evaluateAccess(member(d, 'cathy'), 'read', {}, d, NOW)).toMatchObject({
      allowed: false,
      reason: 'no-target',
    });
  });

  it('a move changes what a binding covers, at once', () => {
    const moved = directory(
      person(ACME, 'cathy'),
      bind('cathy', 'ciso', 'ou-fr'),
      event(ACME, T.OrgUnitMoved, {
        orgUnitId: 'ou-lyon',
        previousParentId: 'ou-fr',
        parentId: 'ou-de',
      }),
    );
    expect(
      evaluateAccess(member(moved, 'cathy'), 'read', { orgUnitId: 'ou-lab' }, moved, NOW).allowed,
    ).toBe(false);
  });

  it('visible org units are the subtrees of the bindings that carry the permission', () => {
    expect([...visibleOrgUnitIds(member(d, 'cathy'), 'read', d, NOW)].sort()).toEqual(
      ['ou-fr', 'ou-lab', 'ou-lyon', 'ou-paris'].sort(),
    );
    expect(visibleOrgUnitIds(member(d, 'victor'), 'governance:scope:manage', d, NOW).size).toBe(0);
  });

  it('the role table: top management (CISO, group admin) approves scopes; viewers only read', () => {
    expect(ROLE_PERMISSIONS.ciso).toContain('governance:scope:approve');
    expect(ROLE_PERMISSIONS['group-admin']).toContain('governance:scope:approve');
    expect(ROLE_PERMISSIONS['isms-manager']).not.toContain('governance:scope:approve');
    expect(ROLE_PERMISSIONS.viewer).toEqual(['read']);
    expect(ROLE_PERMISSIONS['external-auditor']).toEqual([]);
  });
});

describe('access policy: platform administrators', () => {
  const d = directory(
    event('platform', T.PlatformAdministratorEnrolled, {
      administratorId: 'admin',
      displayName: 'Root',
    }),
  );
  const admin = d.resolvePrincipal({ sub: 'admin' }).principal as Principal;

  it('manage tenants, and nothing inside a tenant', () => {
    expect(admin.kind).toBe('platform-administrator');
    expect(evaluateAccess(admin, 'platform:tenants:manage', {}, d, NOW).allowed).toBe(true);
    expect(evaluateAccess(admin, 'read', { orgUnitId: 'ou-acme' }, d, NOW)).toMatchObject({
      allowed: false,
      reason: 'not-for-platform-administrators',
    });
  });

  it('platform-administrator-only: no tenant role manages tenants', () => {
    const g = directory(person(ACME, 'gina'), bind('gina', 'group-admin', 'ou-acme'));
    expect(
      evaluateAccess(
        member(g, 'gina'),
        'platform:tenants:manage',
        { orgUnitId: 'ou-acme' },
        g,
        NOW,
      ),
    ).toMatchObject({ allowed: false, reason: 'platform-administrator-only' });
  });
});

describe('access policy: external auditors (grant: scope, window, read-only)', () => {
  it('reads inside the grant’s scope during the window', () => {
    const d = directory(eve, stage2Week);
    expect(evaluateAccess(auditor(d), 'read', { scopeId: 'scope-fr' }, d, NOW)).toEqual({
      allowed: true,
      via: 'grant:g-1',
      grantId: 'g-1',
    });
    expect(evaluateAccess(auditor(d), 'read', { orgUnitId: 'ou-paris' }, d, NOW).allowed).toBe(
      true,
    );
  });

  it('outside-scope: another subsidiary, an excluded unit, or another scope are refused', () => {
    const d = directory(eve, stage2Week);
    for (const target of [
      { orgUnitId: 'ou-de' },
      { orgUnitId: 'ou-lab' },
      { orgUnitId: 'ou-acme' },
      { scopeId: 'scope-de' },
    ]) {
      expect(evaluateAccess(auditor(d), 'read', target, d, NOW)).toMatchObject({
        allowed: false,
        reason: 'outside-scope',
      });
    }
  });

  it('a document that applies to the granted scope is readable even if filed at the group', () => {
    const d = directory(eve, stage2Week);
    expect(
      evaluateAccess(auditor(d), 'read', { orgUnitId: 'ou-acme', scopeIds: ['scope-fr'] }, d, NOW)
        .allowed,
    ).toBe(true);
  });

  it('read-only: every write permission is refused, even inside the scope', () => {
    const d = directory(eve, stage2Week);
    for (const permission of ['governance:scope:manage', 'risk:write', 'controls:write'] as const) {
      expect(evaluateAccess(auditor(d), permission, { scopeId: 'scope-fr' }, d, NOW)).toMatchObject(
        {
          allowed: false,
          reason: 'read-only',
        },
      );
    }
  });

  it('grant-expired: the window is [from, until): at `until` it is over', () => {
    const d = directory(eve, stage2Week);
    const until = new Date('2026-05-09T00:00:00.000Z');
    expect(evaluateAccess(auditor(d), 'read', { scopeId: 'scope-fr' }, d, until)).toMatchObject({
      allowed: false,
      reason: 'grant-expired',
    });
    expect(
      evaluateAccess(auditor(d), 'read', { scopeId: 'scope-fr' }, d, new Date(until.getTime() - 1))
        .allowed,
    ).toBe(true);
  });

  it('grant-not-yet-valid: before the window nothing is readable', () => {
    const d = directory(eve, stage2Week);
    expect(
      evaluateAccess(
        auditor(d),
        'read',
        { scopeId: 'scope-fr' },
        d,
        new Date('2026-05-03T23:59:59Z'),
      ),
    ).toMatchObject({ allowed: false, reason: 'grant-not-yet-valid' });
  });

  it('grant-revoked: a revoked grant allows nothing from the revocation on', () => {
    const d = directory(
      eve,
      stage2Week,
      event(ACME, T.AccessGrantRevoked, {
        grantId: 'g-1',
        revokedBy: 'p',
        reason: 'postponed',
        revokedAt: '2026-05-05T00:00:00.000Z',
      }),
    );
    expect(evaluateAccess(auditor(d), 'read', { scopeId: 'scope-fr' }, d, NOW)).toMatchObject({
      allowed: false,
      reason: 'grant-revoked',
    });
  });

  it('no-grant: an external auditor without a grant reads nothing', () => {
    const d = directory(eve);
    expect(evaluateAccess(auditor(d), 'read', { scopeId: 'scope-fr' }, d, NOW)).toMatchObject({
      allowed: false,
      reason: 'no-grant',
    });
  });

  it('sees the coverage of the grants in force: included subtrees minus exclusions', () => {
    const d = directory(eve, stage2Week);
    expect([...visibleOrgUnitIds(auditor(d), 'read', d, NOW)].sort()).toEqual(
      ['ou-fr', 'ou-lyon', 'ou-paris'].sort(),
    );
    expect(grantedScopeIds(auditor(d), NOW)).toEqual(['scope-fr']);
    expect(visibleOrgUnitIds(auditor(d), 'read', d, new Date('2026-06-01')).size).toBe(0);
  });

  it('a scope that was never approved covers nothing', () => {
    const d = directory(
      eve,
      event(ACME, T.IsmsScopeDrafted, {
        scopeId: 'scope-draft',
        version: 1,
        definition: { ...frScope, ownerOrgUnitId: 'ou-de', includedOrgUnitIds: ['ou-de'] },
      }),
      grant('g-2', '2026-05-04T00:00:00.000Z', '2026-05-09T00:00:00.000Z', 'scope-draft'),
    );
    expect(d.scopeCoverage('scope-draft').size).toBe(0);
  });
});

describe('access directory: resolving a token’s subject', () => {
  it('finds a member only in the tenant the token names', () => {
    const d = directory(person(ACME, 'cathy'));
    expect(d.resolvePrincipal({ sub: 'cathy', tid: ACME }).principal?.kind).toBe('member');
    expect(d.resolvePrincipal({ sub: 'cathy', tid: BETA })).toEqual({ reason: 'unknown-person' });
    expect(d.resolvePrincipal({ sub: 'cathy', tid: 'tenant-none' })).toEqual({
      reason: 'unknown-tenant',
    });
    expect(d.resolvePrincipal({ sub: 'cathy' })).toEqual({ reason: 'unknown-administrator' });
  });

  it('a deactivated person and a revoked binding stop counting at once', () => {
    const d = directory(person(ACME, 'cathy'), bind('cathy', 'ciso', 'ou-fr', 'rb-1'));
    expect(member(d, 'cathy').bindings).toHaveLength(1);
    d.apply(
      event(ACME, T.RoleUnbound, {
        personId: 'cathy',
        bindingId: 'rb-1',
        role: 'ciso',
        orgUnitId: 'ou-fr',
        reason: 'x',
      }),
    );
    expect(member(d, 'cathy').bindings).toHaveLength(0);
    d.apply(event(ACME, T.PersonDeactivated, { personId: 'cathy', reason: 'left' }));
    expect(d.resolvePrincipal({ sub: 'cathy', tid: ACME })).toEqual({
      reason: 'person-deactivated',
    });
  });

  it('maps an OIDC subject to the person registered with it', () => {
    const d = directory(person(ACME, 'cathy', 'member', { identitySubject: 'oidc|123' }));
    expect(d.resolvePrincipal({ sub: 'oidc|123', tid: ACME }).principal?.userId).toBe('cathy');
    expect(d.resolvePrincipal({ sub: 'oidc|123', tid: BETA }).principal).toBeUndefined();
  });

  it('reset forgets everything (for a rebuild)', () => {
    const d = directory(person(ACME, 'cathy'));
    d.reset();
    expect(d.resolvePrincipal({ sub: 'cathy', tid: ACME })).toEqual({ reason: 'unknown-tenant' });
    expect(d.subtree('ou-acme')).toEqual([]);
  });
});
