import { jest } from '@jest/globals';
import type request from 'supertest';
import type { AcmeGroup } from './testing/acme-group.js';
import { buildAcmeGroup, scopeDefinition } from './testing/acme-group.js';
import type { Caller, TestPlatform } from './testing/platform-fixture.js';
import { expectStatus, startTestPlatform, unique } from './testing/platform-fixture.js';

/*
 * Every governance endpoint × every kind of caller × a target inside / outside the caller's
 * subtree. Internal roles are bound on Acme France ("in"); "out" targets are in Acme Germany.
 * The group admin is bound on the group root, so both are inside their subtree. The external
 * auditor holds a grant on the France scope for the current window. The expected outcomes are
 * written out here on purpose (not derived from the role table), as the specification.
 */
jest.setTimeout(120_000);

const ROLES = [
  'group-admin',
  'ciso',
  'isms-manager',
  'risk-owner',
  'control-owner',
  'internal-auditor',
  'viewer',
] as const;
type CallerName =
  (typeof ROLES)[number] | 'external-auditor' | 'platform-admin' | 'other-tenant' | 'anonymous';
const CALLERS: readonly CallerName[] = [
  ...ROLES,
  'external-auditor',
  'platform-admin',
  'other-tenant',
  'anonymous',
];
type Where = 'in' | 'out';

/** The ids a request acts on, for a target in Acme France or Acme Germany. */
interface Target {
  readonly subsidiary: string;
  readonly site: string;
  readonly personId: string;
  readonly scopeId: string;
  readonly documentId: string;
  readonly grantId: string;
}

interface Endpoint {
  readonly name: string;
  /** Callers that succeed (2xx) on an "in" target. */
  readonly allowed: readonly CallerName[];
  /** True if the target's place in the tree matters (else "out" is not exercised). */
  readonly subtree: boolean;
  /** What a caller of another tenant gets: 404 for ids of this tenant, 200 for lists, 403 for platform-only. */
  readonly otherTenant: number;
  /** Builds the request; `fresh` asks for a new resource when the call is expected to change it. */
  readonly call: (as: Caller, where: Where, fresh: boolean) => Promise<request.Response>;
}

let platform: TestPlatform;
let acme: AcmeGroup;
let targets: Record<Where, Target>;
let otto: string;
let callers: Record<CallerName, Caller>;

const pdf = (text: string) => Buffer.from(`%PDF-1.7\n${text}\n%%EOF\n`);
const admin = () => platform.as(acme.groupAdmin.token);
const idOf = async (test: request.Test, status: number, field: string) =>
  (expectStatus(await test, status).body as Record<string, string>)[field]!;

/** Fresh resources, made by the group admin, under the target's subsidiary. */
const fresh = {
  unit: (where: Where) =>
    idOf(
      admin().post('/api/org-units', {
        parentId: targets[where].subsidiary,
        kind: 'site',
        name: unique('Site'),
      }),
      201,
      'orgUnitId',
    ),
  person: (where: Where) =>
    idOf(
      admin().post('/api/people', {
        displayName: unique('Person'),
        email: `${unique('p').replace(' ', '')}@acme.example`,
        homeOrgUnitId: targets[where].subsidiary,
      }),
      201,
      'personId',
    ),
  binding: async (where: Where) => {
    const personId = await fresh.person(where);
    const res = expectStatus(
      await admin().post(`/api/people/${personId}/role-bindings`, {
        role: 'viewer',
        orgUnitId: targets[where].subsidiary,
      }),
      201,
    );
    return { personId, bindingId: res.body.roleBindings[0].bindingId as string };
  },
  draftScope: (where: Where) =>
    idOf(
      admin().post(
        '/api/scopes',
        scopeDefinition(targets[where].subsidiary, { name: unique('Scope') }),
      ),
      201,
      'scopeId',
    ),
  document: (where: Where) =>
    idOf(
      admin().post('/api/documents', {
        title: unique('Procedure'),
        documentType: 'procedure',
        ownerPersonId: acme.fr.ciso.personId,
        orgUnitId: targets[where].subsidiary,
      }),
      201,
      'documentId',
    ),
  documentWithVersion: async (where: Where) => {
    const documentId = await fresh.document(where);
    expectStatus(
      await admin()
        .post(`/api/documents/${documentId}/versions`)
        .field('changeSummary', 'v1')
        .attach('file', pdf(unique('doc')), {
          filename: 'doc.pdf',
          contentType: 'application/pdf',
        }),
      201,
    );
    return documentId;
  },
  approvedDocument: async (where: Where) => {
    const documentId = await fresh.documentWithVersion(where);
    expectStatus(
      await admin().post(`/api/documents/${documentId}/versions/1/approval`, {
        reason: 'approved',
      }),
      200,
    );
    return documentId;
  },
  grant: (where: Where) =>
    idOf(
      admin().post('/api/access-grants', {
        auditorPersonId: otto,
        scopeId: targets[where].scopeId,
        validFrom: '2026-06-01T00:00:00Z',
        validUntil: '2026-06-05T00:00:00Z',
        reason: unique('surveillance audit'),
      }),
      201,
      'grantId',
    ),
};

const READERS: CallerName[] = [...ROLES, 'external-auditor'];
const INTERNAL_READERS: CallerName[] = [...ROLES];

const ENDPOINTS: readonly Endpoint[] = [
  // ─── identity ──────────────────────────────────────────────────────────────
  {
    name: 'GET /api/auth/me',
    allowed: [...READERS, 'platform-admin', 'other-tenant'],
    subtree: false,
    otherTenant: 200,
    call: async (as) => as.get('/api/auth/me'),
  },
  {
    name: 'POST /api/auth/tokens (own)',
    // an external auditor writes nothing, not even a token: the group issues theirs
    allowed: [...INTERNAL_READERS, 'platform-admin', 'other-tenant'],
    subtree: false,
    otherTenant: 201,
    call: async (as) => as.post('/api/auth/tokens', {}),
  },
  {
    name: 'POST /api/tenants',
    allowed: ['platform-admin'],
    subtree: false,
    otherTenant: 403,
    call: async (as) =>
      as.post('/api/tenants', {
        name: unique('Tenant'),
        groupAdmin: { displayName: 'Admin', email: 'admin@t.example' },
      }),
  },
  {
    name: 'GET /api/tenants',
    allowed: ['platform-admin'],
    subtree: false,
    otherTenant: 403,
    call: async (as) => as.get('/api/tenants'),
  },
  // ─── group structure ───────────────────────────────────────────────────────
  {
    name: 'POST /api/org-units',
    allowed: ['group-admin'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where) =>
      as.post('/api/org-units', {
        parentId: targets[where].subsidiary,
        kind: 'site',
        name: unique('Site'),
      }),
  },
  {
    name: 'GET /api/org-units',
    allowed: READERS,
    subtree: false,
    otherTenant: 200,
    call: async (as) => as.get('/api/org-units'),
  },
  {
    name: 'GET /api/org-units/tree',
    allowed: READERS,
    subtree: false,
    otherTenant: 200,
    call: async (as) => as.get('/api/org-units/tree'),
  },
  {
    name: 'GET /api/org-units/{id}',
    allowed: READERS,
    subtree: true,
    otherTenant: 404,
    call: async (as, where) => as.get(`/api/org-units/${targets[where].site}`),
  },
  {
    name: 'PATCH /api/org-units/{id}',
    allowed: ['group-admin'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where, isFresh) =>
      as.patch(`/api/org-units/${isFresh ? await fresh.unit(where) : targets[where].site}`, {
        name: unique('Renamed'),
      }),
  },
  {
    name: 'POST /api/org-units/{id}/move',
    allowed: ['group-admin'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where, isFresh) =>
      as.post(`/api/org-units/${isFresh ? await fresh.unit(where) : targets[where].site}/move`, {
        newParentId: targets[where].subsidiary,
      }),
  },
  {
    name: 'POST /api/org-units/{id}/closure',
    allowed: ['group-admin'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where, isFresh) =>
      as.post(`/api/org-units/${isFresh ? await fresh.unit(where) : targets[where].site}/closure`, {
        reason: 'closed',
      }),
  },
  // ─── people and roles ──────────────────────────────────────────────────────
  {
    name: 'POST /api/people',
    allowed: ['group-admin'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where) =>
      as.post('/api/people', {
        displayName: unique('New'),
        email: `${unique('n').replace(' ', '')}@acme.example`,
        homeOrgUnitId: targets[where].subsidiary,
      }),
  },
  {
    name: 'GET /api/people',
    allowed: READERS,
    subtree: false,
    otherTenant: 200,
    call: async (as) => as.get('/api/people'),
  },
  {
    name: 'GET /api/people/{id}',
    allowed: READERS,
    subtree: true,
    otherTenant: 404,
    call: async (as, where) => as.get(`/api/people/${targets[where].personId}`),
  },
  {
    name: 'POST /api/people/{id}/role-bindings',
    allowed: ['group-admin'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where, isFresh) =>
      as.post(
        `/api/people/${isFresh ? await fresh.person(where) : targets[where].personId}/role-bindings`,
        { role: 'viewer', orgUnitId: targets[where].subsidiary },
      ),
  },
  {
    name: 'POST /api/people/{id}/role-bindings/{bindingId}/revocation',
    allowed: ['group-admin'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where) => {
      const { personId, bindingId } = await fresh.binding(where);
      return as.post(`/api/people/${personId}/role-bindings/${bindingId}/revocation`, {
        reason: 'no longer needed',
      });
    },
  },
  {
    name: 'POST /api/people/{id}/deactivation',
    allowed: ['group-admin'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where) =>
      as.post(`/api/people/${await fresh.person(where)}/deactivation`, { reason: 'left' }),
  },
  // ─── ISMS scopes ───────────────────────────────────────────────────────────
  {
    name: 'POST /api/scopes',
    allowed: ['group-admin', 'ciso', 'isms-manager'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where) =>
      as.post('/api/scopes', scopeDefinition(targets[where].subsidiary, { name: unique('Scope') })),
  },
  {
    name: 'GET /api/scopes',
    allowed: READERS,
    subtree: false,
    otherTenant: 200,
    call: async (as) => as.get('/api/scopes'),
  },
  {
    name: 'GET /api/scopes/{id}',
    allowed: READERS,
    subtree: true,
    otherTenant: 404,
    call: async (as, where) => as.get(`/api/scopes/${targets[where].scopeId}`),
  },
  {
    name: 'PUT /api/scopes/{id}',
    allowed: ['group-admin', 'ciso', 'isms-manager'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where, isFresh) =>
      as.put(`/api/scopes/${isFresh ? await fresh.draftScope(where) : targets[where].scopeId}`, {
        definition: scopeDefinition(targets[where].subsidiary, { name: unique('Revised') }),
        changeSummary: 'revised',
      }),
  },
  {
    name: 'POST /api/scopes/{id}/approval',
    allowed: ['group-admin', 'ciso'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where, isFresh) =>
      as.post(
        `/api/scopes/${isFresh ? await fresh.draftScope(where) : targets[where].scopeId}/approval`,
        { reason: 'approved' },
      ),
  },
  // ─── document register ─────────────────────────────────────────────────────
  {
    name: 'POST /api/documents',
    allowed: ['group-admin', 'ciso', 'isms-manager'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where) =>
      as.post('/api/documents', {
        title: unique('Doc'),
        documentType: 'record',
        ownerPersonId: acme.fr.ciso.personId,
        orgUnitId: targets[where].subsidiary,
      }),
  },
  {
    name: 'GET /api/documents',
    allowed: READERS,
    subtree: false,
    otherTenant: 200,
    call: async (as) => as.get('/api/documents'),
  },
  {
    name: 'GET /api/documents/{id}',
    allowed: READERS,
    subtree: true,
    otherTenant: 404,
    call: async (as, where) => as.get(`/api/documents/${targets[where].documentId}`),
  },
  {
    name: 'PATCH /api/documents/{id}',
    allowed: ['group-admin', 'ciso', 'isms-manager'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where) =>
      as.patch(`/api/documents/${targets[where].documentId}`, { title: unique('Title') }),
  },
  {
    name: 'POST /api/documents/{id}/versions',
    allowed: ['group-admin', 'ciso', 'isms-manager'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where) =>
      as
        .post(`/api/documents/${targets[where].documentId}/versions`)
        .field('changeSummary', 'new version')
        .attach('file', pdf(unique('content')), {
          filename: 'v.pdf',
          contentType: 'application/pdf',
        }),
  },
  {
    name: 'GET /api/documents/{id}/versions/{version}/content',
    allowed: READERS,
    subtree: true,
    otherTenant: 404,
    call: async (as, where) =>
      as.get(`/api/documents/${targets[where].documentId}/versions/1/content`),
  },
  {
    name: 'POST /api/documents/{id}/versions/{version}/approval',
    allowed: ['group-admin', 'ciso', 'isms-manager'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where, isFresh) =>
      as.post(
        `/api/documents/${isFresh ? await fresh.documentWithVersion(where) : targets[where].documentId}/versions/1/approval`,
        { reason: 'ok' },
      ),
  },
  {
    name: 'POST /api/documents/{id}/reviews',
    allowed: ['group-admin', 'ciso', 'isms-manager'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where, isFresh) =>
      as.post(
        `/api/documents/${isFresh ? await fresh.approvedDocument(where) : targets[where].documentId}/reviews`,
        { notes: 'still accurate' },
      ),
  },
  {
    name: 'POST /api/documents/{id}/withdrawal',
    allowed: ['group-admin', 'ciso', 'isms-manager'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where, isFresh) =>
      as.post(
        `/api/documents/${isFresh ? await fresh.document(where) : targets[where].documentId}/withdrawal`,
        { reason: 'obsolete' },
      ),
  },
  // ─── certification body access ─────────────────────────────────────────────
  {
    name: 'POST /api/access-grants',
    allowed: ['group-admin', 'ciso'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where) =>
      as.post('/api/access-grants', {
        auditorPersonId: otto,
        scopeId: targets[where].scopeId,
        validFrom: '2026-07-01T00:00:00Z',
        validUntil: '2026-07-03T00:00:00Z',
        reason: unique('audit'),
      }),
  },
  {
    name: 'GET /api/access-grants',
    allowed: READERS,
    subtree: false,
    otherTenant: 200,
    call: async (as) => as.get('/api/access-grants'),
  },
  {
    name: 'GET /api/access-grants/{id}',
    allowed: READERS,
    subtree: true,
    otherTenant: 404,
    call: async (as, where) => as.get(`/api/access-grants/${targets[where].grantId}`),
  },
  {
    name: 'POST /api/access-grants/{id}/revocation',
    allowed: ['group-admin', 'ciso'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where, isFresh) =>
      as.post(
        `/api/access-grants/${isFresh ? await fresh.grant(where) : targets[where].grantId}/revocation`,
        { reason: 'cancelled' },
      ),
  },
  {
    name: 'GET /api/governance/auditor-access-log?grantId=',
    allowed: ['group-admin', 'ciso', 'internal-auditor'],
    subtree: true,
    otherTenant: 404,
    call: async (as, where) =>
      as.get(`/api/governance/auditor-access-log?grantId=${targets[where].grantId}`),
  },
  {
    name: 'GET /api/governance/access-log',
    allowed: ['group-admin', 'ciso', 'internal-auditor'],
    subtree: false,
    otherTenant: 200,
    call: async (as) => as.get('/api/governance/access-log'),
  },
];

beforeAll(async () => {
  platform = await startTestPlatform('2026-05-05T10:00:00.000Z');
  acme = await buildAcmeGroup(platform);
  otto = await idOf(
    admin().post('/api/people', {
      displayName: 'Otto Auditor',
      email: 'otto@certa.example',
      kind: 'external-auditor',
      certificationBody: 'Certa GmbH',
      homeOrgUnitId: acme.units.root,
    }),
    201,
    'personId',
  );
  const ottoGrant = (scopeId: string) =>
    idOf(
      admin().post('/api/access-grants', {
        auditorPersonId: otto,
        scopeId,
        validFrom: '2026-05-20T00:00:00Z',
        validUntil: '2026-05-22T00:00:00Z',
        reason: 'surveillance',
      }),
      201,
      'grantId',
    );
  for (const documentId of [acme.frPolicyId, acme.dePolicyId]) {
    expectStatus(
      await admin()
        .post(`/api/documents/${documentId}/versions`)
        .field('changeSummary', 'v1')
        .attach('file', pdf('v1'), { filename: 'v1.pdf', contentType: 'application/pdf' }),
      201,
    );
  }
  targets = {
    in: {
      subsidiary: acme.units.fr,
      site: acme.units.paris,
      personId: acme.fr.ciso.personId,
      scopeId: acme.frScopeId,
      documentId: acme.frPolicyId,
      grantId: acme.eveGrantId,
    },
    out: {
      subsidiary: acme.units.de,
      site: acme.units.berlin,
      personId: acme.cisoDe.personId,
      scopeId: acme.deScopeId,
      documentId: acme.dePolicyId,
      grantId: await ottoGrant(acme.deScopeId),
    },
  };
  callers = {
    'group-admin': platform.as(acme.groupAdmin.token),
    ciso: platform.as(acme.fr.ciso.token),
    'isms-manager': platform.as(acme.fr['isms-manager'].token),
    'risk-owner': platform.as(acme.fr['risk-owner'].token),
    'control-owner': platform.as(acme.fr['control-owner'].token),
    'internal-auditor': platform.as(acme.fr['internal-auditor'].token),
    viewer: platform.as(acme.fr.viewer.token),
    'external-auditor': platform.as(acme.eve.token),
    'platform-admin': platform.as(platform.platformAdminToken),
    'other-tenant': platform.as(acme.beta.groupAdmin.token),
    anonymous: platform.as(),
  };
}, 180_000);

afterAll(async () => {
  await platform?.close();
});

function expected(endpoint: Endpoint, caller: CallerName, where: Where): 'ok' | number {
  if (caller === 'anonymous') return 401;
  if (caller === 'other-tenant')
    return endpoint.otherTenant >= 200 && endpoint.otherTenant < 300 ? 'ok' : endpoint.otherTenant;
  if (!endpoint.allowed.includes(caller)) return 403;
  if (where === 'out' && caller !== 'group-admin' && caller !== 'platform-admin') return 403;
  return 'ok';
}

describe.each(ENDPOINTS.map((e) => [e.name, e] as const))('%s', (_name, endpoint) => {
  it('answers each caller inside and outside their subtree as specified', async () => {
    const actual: Record<string, 'ok' | number> = {};
    const wanted: Record<string, 'ok' | number> = {};
    for (const where of endpoint.subtree ? (['in', 'out'] as const) : (['in'] as const)) {
      for (const caller of CALLERS) {
        const expectation = expected(endpoint, caller, where);
        const res = await endpoint.call(callers[caller], where, expectation === 'ok');
        const key = `${caller} ${where}`;
        actual[key] = res.status >= 200 && res.status < 300 ? 'ok' : res.status;
        wanted[key] = expectation;
        if (res.status >= 400)
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    expect(actual).toEqual(wanted);
  });
});
