import type { Role } from '@isms/contracts';
import type { TestPlatform } from './platform-fixture.js';
import { expectStatus } from './platform-fixture.js';

export interface Member {
  readonly personId: string;
  readonly token: string;
}

/**
 * The test group, built over the API as a new user would:
 *
 *   Acme Group (root)                         Beta Group (another tenant)
 *   ├── Acme France (subsidiary, FR)          └── Beta Ops (subsidiary)
 *   │   ├── Lyon (site) └── R&D Lab (dept)
 *   │   └── Paris (site)
 *   └── Acme Germany (subsidiary, DE)
 *       └── Berlin (site)
 *
 * Roles: the group admin on the root; each of the seven internal roles on Acme France
 * (`fr.<role>`) and a CISO on Acme Germany; Eve, an external auditor of Certa GmbH, with a
 * grant on the approved France scope (R&D Lab excluded) for the week of the stage 2 audit.
 */
export interface AcmeGroup {
  readonly tenantId: string;
  readonly units: {
    readonly root: string;
    readonly fr: string;
    readonly lyon: string;
    readonly lab: string;
    readonly paris: string;
    readonly de: string;
    readonly berlin: string;
  };
  readonly groupAdmin: Member;
  readonly fr: Readonly<Record<Exclude<Role, 'group-admin' | 'external-auditor'>, Member>>;
  readonly cisoDe: Member;
  readonly eve: Member;
  readonly frScopeId: string;
  readonly deScopeId: string;
  readonly eveGrantId: string;
  readonly frPolicyId: string;
  readonly dePolicyId: string;
  readonly beta: {
    readonly tenantId: string;
    readonly root: string;
    readonly ops: string;
    readonly groupAdmin: Member;
  };
}

export const STAGE2_WEEK = {
  validFrom: '2026-05-04T07:00:00Z',
  validUntil: '2026-05-09T00:00:00Z',
};

export function scopeDefinition(ownerOrgUnitId: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'ISMS scope',
    description: 'Design, development and operation of the payments platform',
    ownerOrgUnitId,
    includedOrgUnitIds: [ownerOrgUnitId],
    locations: ['12 rue de la Soie, Lyon'],
    exclusions: [],
    interfacesAndDependencies: [
      { description: 'Group IT shared services', kind: 'dependency', party: 'Acme Group IT' },
    ],
    internalIssues: [{ description: 'Small security team' }],
    externalIssues: [{ description: 'NIS2 transposition' }],
    interestedParties: [{ name: 'Customers', requirements: ['Availability 99.9%'] }],
    ...extra,
  };
}

export async function createTenant(platform: TestPlatform, name: string) {
  const res = expectStatus(
    await platform.as(platform.platformAdminToken).post('/api/tenants', {
      name,
      groupAdmin: {
        displayName: `${name} admin`,
        email: `admin@${name.replace(/\W/g, '').toLowerCase()}.example`,
      },
    }),
    201,
  );
  const body = res.body as {
    tenantId: string;
    rootOrgUnitId: string;
    groupAdmin: { personId: string };
  };
  return {
    tenantId: body.tenantId,
    root: body.rootOrgUnitId,
    groupAdmin: {
      personId: body.groupAdmin.personId,
      token: await platform.token(body.groupAdmin.personId, body.tenantId),
    },
  };
}

export async function buildAcmeGroup(platform: TestPlatform): Promise<AcmeGroup> {
  const acme = await createTenant(platform, 'Acme Group');
  const admin = platform.as(acme.groupAdmin.token);
  const unit = async (parentId: string, kind: string, name: string, country?: string) =>
    (
      expectStatus(
        await admin.post('/api/org-units', {
          parentId,
          kind,
          name,
          ...(country ? { country } : {}),
        }),
        201,
      ).body as { orgUnitId: string }
    ).orgUnitId;
  const fr = await unit(acme.root, 'subsidiary', 'Acme France', 'FR');
  const lyon = await unit(fr, 'site', 'Lyon');
  const lab = await unit(lyon, 'department', 'R&D Lab');
  const paris = await unit(fr, 'site', 'Paris');
  const de = await unit(acme.root, 'subsidiary', 'Acme Germany', 'DE');
  const berlin = await unit(de, 'site', 'Berlin');

  const person = async (displayName: string, home: string, roles: [Role, string][] = []) => {
    const personId = (
      expectStatus(
        await admin.post('/api/people', {
          displayName,
          email: `${displayName.replace(/\W/g, '.').toLowerCase()}@acme.example`,
          homeOrgUnitId: home,
        }),
        201,
      ).body as { personId: string }
    ).personId;
    for (const [role, orgUnitId] of roles) {
      expectStatus(
        await admin.post(`/api/people/${personId}/role-bindings`, { role, orgUnitId }),
        201,
      );
    }
    return { personId, token: await platform.token(personId, acme.tenantId) };
  };
  const frRoles = {
    ciso: await person('Claire CISO', fr, [['ciso', fr]]),
    'isms-manager': await person('Ivan ISMS', fr, [['isms-manager', fr]]),
    'risk-owner': await person('Rita Risk', fr, [['risk-owner', fr]]),
    'control-owner': await person('Carl Control', fr, [['control-owner', fr]]),
    'internal-auditor': await person('Ines Audit', fr, [['internal-auditor', fr]]),
    viewer: await person('Victor Viewer', fr, [['viewer', fr]]),
  };
  const cisoDe = await person('Dieter CISO', de, [['ciso', de]]);

  const scope = async (owner: string, name: string, extra: Record<string, unknown> = {}) => {
    const scopeId = (
      expectStatus(await admin.post('/api/scopes', scopeDefinition(owner, { name, ...extra })), 201)
        .body as { scopeId: string }
    ).scopeId;
    expectStatus(
      await admin.post(`/api/scopes/${scopeId}/approval`, {
        reason: 'Management review of 2026-04-20',
      }),
      200,
    );
    return scopeId;
  };
  const frScopeId = await scope(fr, 'Acme France ISMS', {
    exclusions: [
      {
        description: 'R&D lab',
        orgUnitId: lab,
        justification: 'No customer data, separate network',
      },
    ],
  });
  const deScopeId = await scope(de, 'Acme Germany ISMS');

  const eveId = (
    expectStatus(
      await admin.post('/api/people', {
        displayName: 'Eve Auditor',
        email: 'eve@certa.example',
        kind: 'external-auditor',
        certificationBody: 'Certa GmbH',
        homeOrgUnitId: fr,
      }),
      201,
    ).body as { personId: string }
  ).personId;
  const eveGrantId = (
    expectStatus(
      await admin.post('/api/access-grants', {
        auditorPersonId: eveId,
        scopeId: frScopeId,
        ...STAGE2_WEEK,
        reason: 'Stage 2 audit, contract CB-2026-17',
      }),
      201,
    ).body as { grantId: string }
  ).grantId;

  const policy = async (
    orgUnitId: string,
    title: string,
    ownerPersonId: string,
    scopeIds: string[],
  ) =>
    (
      expectStatus(
        await admin.post('/api/documents', {
          title,
          documentType: 'procedure',
          ownerPersonId,
          orgUnitId,
          mandatoryTypes: ['operational-planning-and-control'],
          scopeIds,
        }),
        201,
      ).body as { documentId: string }
    ).documentId;
  const frPolicyId = await policy(fr, 'Backup procedure (France)', frRoles.ciso.personId, [
    frScopeId,
  ]);
  const dePolicyId = await policy(de, 'Backup procedure (Germany)', cisoDe.personId, [deScopeId]);

  const beta = await createTenant(platform, 'Beta Group');
  const ops = (
    expectStatus(
      await platform.as(beta.groupAdmin.token).post('/api/org-units', {
        parentId: beta.root,
        kind: 'subsidiary',
        name: 'Beta Ops',
      }),
      201,
    ).body as { orgUnitId: string }
  ).orgUnitId;

  return {
    tenantId: acme.tenantId,
    units: { root: acme.root, fr, lyon, lab, paris, de, berlin },
    groupAdmin: acme.groupAdmin,
    fr: frRoles,
    cisoDe,
    eve: { personId: eveId, token: await platform.token(eveId, acme.tenantId) },
    frScopeId,
    deScopeId,
    eveGrantId,
    frPolicyId,
    dePolicyId,
    beta: { ...beta, ops },
  };
}
