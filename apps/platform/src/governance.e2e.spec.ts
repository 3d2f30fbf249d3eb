import { createHash } from 'node:crypto';
import { jest } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '@isms/event-sourcing';
import { EVENT_STORE } from '@isms/platform-nest';
import type { AcmeGroup } from './testing/acme-group.js';
import { buildAcmeGroup, scopeDefinition } from './testing/acme-group.js';
import type { TestPlatform } from './testing/platform-fixture.js';
import { expectStatus, startTestPlatform, unique } from './testing/platform-fixture.js';

// One app for the whole file (PGlite boots in seconds); the clock sits inside the grant window.
jest.setTimeout(30_000);

let platform: TestPlatform;
let acme: AcmeGroup;

beforeAll(async () => {
  platform = await startTestPlatform('2026-05-05T10:00:00.000Z');
  acme = await buildAcmeGroup(platform);
}, 120_000);

afterAll(async () => {
  await platform?.close();
});

const pdf = (text: string) => Buffer.from(`%PDF-1.7\n${text}\n%%EOF\n`);
const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
const fieldsOf = (body: { errors?: { field: string }[] }) =>
  (body.errors ?? []).map((e) => e.field);

describe('getting started: setup code, tenant, first tokens', () => {
  it('trades the one-time setup code for the platform administrator’s token, exactly once', async () => {
    const wrong = await platform
      .as()
      .post('/api/auth/setup', { setupCode: 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE' });
    expectStatus(wrong, 401);
    const first = expectStatus(
      await platform.as().post('/api/auth/setup', { setupCode: platform.setupCode }),
      200,
    );
    expect(first.body).toMatchObject({
      tokenType: 'Bearer',
      administratorId: platform.platformAdminId,
    });
    const me = expectStatus(await platform.as(first.body.token).get('/api/auth/me'), 200);
    expect(me.body).toMatchObject({
      kind: 'platform-administrator',
      personId: platform.platformAdminId,
    });
    const again = await platform.as().post('/api/auth/setup', { setupCode: platform.setupCode });
    expectStatus(again, 410);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('the platform administrator creates tenants, issues the group admin’s token, and sees nothing inside', async () => {
    const admin = platform.as(platform.platformAdminToken);
    const tenants = expectStatus(await admin.get('/api/tenants'), 200);
    expect(tenants.body.items.map((t: { name: string }) => t.name)).toEqual([
      'Acme Group',
      'Beta Group',
    ]);
    const issued = expectStatus(
      await admin.post('/api/auth/tokens', { personId: acme.groupAdmin.personId }),
      201,
    );
    expect(issued.body).toMatchObject({
      personId: acme.groupAdmin.personId,
      tenantId: acme.tenantId,
    });
    const me = expectStatus(await platform.as(issued.body.token).get('/api/auth/me'), 200);
    expect(me.body.roleBindings).toEqual([
      expect.objectContaining({ role: 'group-admin', orgUnitId: acme.units.root }),
    ]);
    // ... but not for a CISO, and no reading of tenants' data
    expectStatus(await admin.post('/api/auth/tokens', { personId: acme.fr.ciso.personId }), 403);
    expectStatus(await admin.get('/api/org-units'), 403);
    expectStatus(await admin.get(`/api/scopes/${acme.frScopeId}`), 403);
  });

  it('the group admin issues tokens for people they manage; tokens are recorded', async () => {
    const res = expectStatus(
      await platform
        .as(acme.groupAdmin.token)
        .post('/api/auth/tokens', { personId: acme.fr.viewer.personId, ttlMinutes: 60 }),
      201,
    );
    expect(new Date(res.body.expiresAt).getTime() - platform.clock.now().getTime()).toBe(
      60 * 60 * 1000,
    );
    expectStatus(await platform.as(res.body.token).get('/api/org-units'), 200);
    // a FR CISO cannot issue tokens (no people:manage), and nobody can for another tenant's person
    expectStatus(
      await platform
        .as(acme.fr.ciso.token)
        .post('/api/auth/tokens', { personId: acme.fr.viewer.personId }),
      403,
    );
    expectStatus(
      await platform
        .as(acme.beta.groupAdmin.token)
        .post('/api/auth/tokens', { personId: acme.fr.viewer.personId }),
      404,
    );
    const store = platform.app.get<EventStore>(EVENT_STORE);
    const events = await store.readAll({ tenantId: acme.tenantId, streamTypes: ['access-log'] });
    expect(
      events.some(
        (e) =>
          e.type === 'governance.AccessTokenIssued' &&
          (e.data as { personId: string }).personId === acme.fr.viewer.personId,
      ),
    ).toBe(true);
  });

  it('answers 401 (problem+json, WWW-Authenticate) without a token, with a bad one, or for an unknown person', async () => {
    for (const res of [
      await platform.as().get('/api/org-units'),
      await platform.as('not-a-jwt').get('/api/org-units'),
      await platform.as(await platform.token('person-nobody', acme.tenantId)).get('/api/org-units'),
      await platform
        .as(await platform.token(acme.fr.ciso.personId, acme.beta.tenantId))
        .get('/api/org-units'),
    ]) {
      expectStatus(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).toMatchObject({
        status: 401,
        type: 'urn:isms-ledger:problem:unauthenticated',
      });
    }
  });
});

describe('group structure', () => {
  it('shows the tree, nested, as the caller may see it', async () => {
    const all = expectStatus(
      await platform.as(acme.groupAdmin.token).get('/api/org-units/tree'),
      200,
    );
    const names = (nodes: { name: string; children: unknown[] }[]): unknown =>
      nodes.map((n) => [n.name, names(n.children as never)]);
    expect(names(all.body.roots)).toEqual([
      [
        'Acme Group',
        [
          [
            'Acme France',
            [
              ['Lyon', [['R&D Lab', []]]],
              ['Paris', []],
            ],
          ],
          ['Acme Germany', [['Berlin', []]]],
        ],
      ],
    ]);
    const fr = expectStatus(
      await platform.as(acme.fr.viewer.token).get('/api/org-units/tree'),
      200,
    );
    expect(names(fr.body.roots)).toEqual([
      [
        'Acme France',
        [
          ['Lyon', [['R&D Lab', []]]],
          ['Paris', []],
        ],
      ],
    ]);
  });

  it('renames, moves and closes units, keeps their history, and shows the tree as it was at any date', async () => {
    const admin = platform.as(acme.groupAdmin.token);
    const site = (
      await admin.post('/api/org-units', { parentId: acme.units.fr, kind: 'site', name: 'Nantes' })
    ).body.orgUnitId as string;
    const dept = (
      await admin.post('/api/org-units', { parentId: site, kind: 'department', name: 'Ops' })
    ).body.orgUnitId as string;
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expectStatus(await admin.patch(`/api/org-units/${site}`, { name: 'Nantes-Atlantique' }), 200);
    const moved = expectStatus(
      await admin.post(`/api/org-units/${site}/move`, { newParentId: acme.units.de }),
      200,
    );
    expect(moved.body.path).toEqual([acme.units.root, acme.units.de, site]);
    const child = expectStatus(await admin.get(`/api/org-units/${dept}`), 200);
    expect(child.body.path).toEqual([acme.units.root, acme.units.de, site, dept]);
    expect(child.body.depth).toBe(3);

    const history = expectStatus(await admin.get(`/api/org-units/${site}`), 200).body.history as {
      change: string;
    }[];
    expect(history.map((h) => h.change)).toEqual(['created', 'renamed', 'moved']);

    // The France CISO no longer sees the moved site; the Germany CISO does.
    expectStatus(await platform.as(acme.fr.ciso.token).get(`/api/org-units/${site}`), 403);
    expectStatus(await platform.as(acme.cisoDe.token).get(`/api/org-units/${dept}`), 200);

    // As of before the rename and the move: still "Nantes", under France.
    const past = expectStatus(
      await admin.get(`/api/org-units/tree?asOf=${encodeURIComponent(before)}`),
      200,
    );
    const france = past.body.roots[0].children.find(
      (n: { name: string }) => n.name === 'Acme France',
    );
    expect(france.children.map((n: { name: string }) => n.name)).toContain('Nantes');
    const pastUnit = expectStatus(
      await admin.get(`/api/org-units/${site}?asOf=${encodeURIComponent(before)}`),
      200,
    );
    expect(pastUnit.body).toMatchObject({ name: 'Nantes', parentId: acme.units.fr });

    const blocked = expectStatus(
      await admin.post(`/api/org-units/${site}/closure`, { reason: 'site sold' }),
      422,
    );
    expect(blocked.body).toMatchObject({ rule: 'org-unit-has-open-children' });
    expect(blocked.body.detail).toMatch(/"Ops"/);
    expectStatus(
      await admin.post(`/api/org-units/${dept}/closure`, { reason: 'team dissolved' }),
      200,
    );
    const closed = expectStatus(
      await admin.post(`/api/org-units/${site}/closure`, { reason: 'site sold' }),
      200,
    );
    expect(closed.body).toMatchObject({ status: 'closed' });
    const open = expectStatus(await admin.get('/api/org-units'), 200).body.items.map(
      (u: { orgUnitId: string }) => u.orgUnitId,
    );
    expect(open).not.toContain(site);
    const withClosed = expectStatus(
      await admin.get('/api/org-units?includeClosed=true'),
      200,
    ).body.items.map((u: { orgUnitId: string }) => u.orgUnitId);
    expect(withClosed).toContain(site);
  });

  it('protects changes with the tree’s ETag: a stale If-Match is a 409 with the current revision', async () => {
    const admin = platform.as(acme.groupAdmin.token);
    const read = expectStatus(await admin.get(`/api/org-units/${acme.units.paris}`), 200);
    const etag = read.headers['etag'] as string;
    expect(etag).toMatch(/^"\d+"$/);
    expectStatus(
      await admin.post('/api/org-units', {
        parentId: acme.units.de,
        kind: 'site',
        name: unique('Hamburg'),
      }),
      201,
    );
    const stale = await admin
      .patch(`/api/org-units/${acme.units.paris}`, { name: 'Paris La Défense' })
      .set('if-match', etag);
    expectStatus(stale, 409);
    expect(stale.headers['etag']).toMatch(/^"\d+"$/);
    const fresh = await admin
      .patch(`/api/org-units/${acme.units.paris}`, { name: 'Paris' })
      .set('if-match', stale.headers['etag'] as string);
    expectStatus(fresh, 200);
  });

  it('replays a retried command with the same Idempotency-Key instead of doing it twice', async () => {
    const admin = platform.as(acme.groupAdmin.token);
    const body = { parentId: acme.units.de, kind: 'site', name: unique('Munich') };
    const first = expectStatus(
      await admin.post('/api/org-units', body).set('idempotency-key', 'create-munich-1'),
      201,
    );
    const retry = expectStatus(
      await admin.post('/api/org-units', body).set('idempotency-key', 'create-munich-1'),
      201,
    );
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.orgUnitId).toBe(first.body.orgUnitId);
    const other = await admin
      .post('/api/org-units', { ...body, name: 'Other' })
      .set('idempotency-key', 'create-munich-1');
    expectStatus(other, 422);
    const units = expectStatus(await admin.get('/api/org-units'), 200).body.items.filter(
      (u: { name: string }) => u.name === body.name,
    );
    expect(units).toHaveLength(1);
  });

  it('answers bad input with 400 and an error per field, never a 500', async () => {
    const admin = platform.as(acme.groupAdmin.token);
    const empty = expectStatus(await admin.post('/api/org-units', {}), 400);
    expect(fieldsOf(empty.body)).toEqual(
      expect.arrayContaining(['body.parentId', 'body.kind', 'body.name']),
    );
    const bad = expectStatus(
      await admin.post('/api/org-units', {
        parentId: acme.units.fr,
        kind: 'group',
        name: 'X',
        country: 'France',
        extra: 1,
      }),
      400,
    );
    expect(fieldsOf(bad.body)).toEqual(
      expect.arrayContaining(['body.kind', 'body.country', 'body']),
    );
    expectStatus(await admin.get('/api/org-units?asOf=yesterday'), 400);
    expectStatus(await admin.get('/api/org-units/..%2Fetc'), 400);
    const ifMatch = await admin
      .patch(`/api/org-units/${acme.units.paris}`, { name: 'Paris' })
      .set('if-match', 'latest');
    expect(fieldsOf(expectStatus(ifMatch, 400).body)).toEqual(['headers.if-match']);
    const malformed = await admin
      .post('/api/org-units')
      .set('content-type', 'application/json')
      .send('{"parentId":');
    expectStatus(malformed, 400);
  });

  it('answers 404 for an unknown parent and 422 for a broken rule', async () => {
    const admin = platform.as(acme.groupAdmin.token);
    expectStatus(
      await admin.post('/api/org-units', { parentId: 'org-unit-unknown', kind: 'site', name: 'X' }),
      404,
    );
    const rule = expectStatus(
      await admin.post('/api/org-units', { parentId: acme.units.lab, kind: 'site', name: 'Annex' }),
      422,
    );
    expect(rule.body).toMatchObject({
      rule: 'parent-kind-not-allowed',
      type: 'urn:isms-ledger:problem:parent-kind-not-allowed',
    });
    const dup = expectStatus(
      await admin.post('/api/org-units', {
        parentId: acme.units.root,
        kind: 'subsidiary',
        name: 'acme france',
      }),
      422,
    );
    expect(dup.body.rule).toBe('sibling-name-taken');
  });
});

describe('people and role bindings', () => {
  it('a binding or its revocation takes effect with the next request; deactivation ends all access', async () => {
    const admin = platform.as(acme.groupAdmin.token);
    const person = expectStatus(
      await admin.post('/api/people', {
        displayName: 'Nora New',
        email: 'nora@acme.example',
        homeOrgUnitId: acme.units.fr,
      }),
      201,
    ).body.personId as string;
    const nora = platform.as(await platform.token(person, acme.tenantId));
    expectStatus(await nora.post('/api/scopes', scopeDefinition(acme.units.fr)), 403);
    const bound = expectStatus(
      await admin.post(`/api/people/${person}/role-bindings`, {
        role: 'isms-manager',
        orgUnitId: acme.units.fr,
      }),
      201,
    );
    const bindingId = bound.body.roleBindings[0].bindingId as string;
    expectStatus(
      await nora.post(
        '/api/scopes',
        scopeDefinition(acme.units.fr, { name: unique('Nora scope') }),
      ),
      201,
    );
    // outside the subtree of the binding
    expectStatus(
      await nora.post('/api/scopes', scopeDefinition(acme.units.de, { name: unique('DE scope') })),
      403,
    );
    const noReason = expectStatus(
      await admin.post(`/api/people/${person}/role-bindings/${bindingId}/revocation`, {}),
      400,
    );
    expect(fieldsOf(noReason.body)).toEqual(['body.reason']);
    expectStatus(
      await admin.post(`/api/people/${person}/role-bindings/${bindingId}/revocation`, {
        reason: 'moved to sales',
      }),
      200,
    );
    expectStatus(
      await nora.post(
        '/api/scopes',
        scopeDefinition(acme.units.fr, { name: unique('Nora scope') }),
      ),
      403,
    );
    expectStatus(
      await admin.post(`/api/people/${person}/deactivation`, { reason: 'left the company' }),
      200,
    );
    expectStatus(await nora.get('/api/org-units'), 401);
  });

  it('refuses to bind the external-auditor role, and a second active person with the same email', async () => {
    const admin = platform.as(acme.groupAdmin.token);
    const rule = expectStatus(
      await admin.post(`/api/people/${acme.fr.viewer.personId}/role-bindings`, {
        role: 'external-auditor',
        orgUnitId: acme.units.fr,
      }),
      422,
    );
    expect(rule.body.rule).toBe('external-auditor-role-is-granted-not-bound');
    const email = expectStatus(
      await admin.post('/api/people', {
        displayName: 'Twin',
        email: 'EVE@certa.example',
        homeOrgUnitId: acme.units.fr,
      }),
      422,
    );
    expect(email.body.rule).toBe('email-already-registered');
    const noBody = expectStatus(
      await admin.post('/api/people', {
        displayName: 'X',
        email: 'not-an-email',
        kind: 'external-auditor',
        homeOrgUnitId: acme.units.fr,
      }),
      400,
    );
    expect(fieldsOf(noBody.body)).toEqual(
      expect.arrayContaining(['body.email', 'body.certificationBody']),
    );
  });

  it('lists people by the visibility of their home unit', async () => {
    const fr = expectStatus(
      await platform.as(acme.fr.viewer.token).get('/api/people?limit=200'),
      200,
    );
    const ids = fr.body.items.map((p: { personId: string }) => p.personId);
    expect(ids).toContain(acme.fr.ciso.personId);
    expect(ids).not.toContain(acme.cisoDe.personId);
    expect(ids).not.toContain(acme.groupAdmin.personId);
    const page = expectStatus(
      await platform.as(acme.groupAdmin.token).get('/api/people?limit=2'),
      200,
    );
    expect(page.body.items).toHaveLength(2);
    const next = expectStatus(
      await platform
        .as(acme.groupAdmin.token)
        .get(`/api/people?limit=2&cursor=${page.body.nextCursor}`),
      200,
    );
    expect(next.body.items[0].personId).not.toBe(page.body.items[0].personId);
  });
});

describe('ISMS scopes (4.1–4.3)', () => {
  it('drafts, approves (top management, with reason), revises and re-approves; the history answers as of any date', async () => {
    const isms = platform.as(acme.fr['isms-manager'].token);
    const drafted = expectStatus(
      await isms.post(
        '/api/scopes',
        scopeDefinition(acme.units.fr, {
          name: 'Acme France ISMS 2026',
          includedOrgUnitIds: [acme.units.lyon],
        }),
      ),
      201,
    );
    const scopeId = drafted.body.scopeId as string;
    expect(drafted.body).toMatchObject({ status: 'draft', version: 1, approvals: [] });
    expect(drafted.headers['etag']).toBe('"1"');

    expectStatus(
      await isms.post(`/api/scopes/${scopeId}/approval`, { reason: 'I approve my own scope' }),
      403,
    );
    const noReason = expectStatus(
      await platform
        .as(acme.fr.ciso.token)
        .post(`/api/scopes/${scopeId}/approval`, { reason: '  ' }),
      400,
    );
    expect(fieldsOf(noReason.body)).toEqual(['body.reason']);
    expectStatus(
      await platform
        .as(acme.cisoDe.token)
        .post(`/api/scopes/${scopeId}/approval`, { reason: 'ok' }),
      403,
    );
    const approved = expectStatus(
      await platform
        .as(acme.fr.ciso.token)
        .post(`/api/scopes/${scopeId}/approval`, {
          reason: 'Management review 2026-05-05',
          version: 1,
        })
        .set('if-match', '"1"'),
      200,
    );
    expect(approved.body).toMatchObject({ status: 'approved', approvedVersion: 1 });
    expect(approved.body.approvals).toEqual([
      expect.objectContaining({
        version: 1,
        approvedBy: acme.fr.ciso.personId,
        approverRole: 'ciso',
        reason: 'Management review 2026-05-05',
      }),
    ]);
    const store = platform.app.get<EventStore>(EVENT_STORE);
    const decision = (await store.readStream(scopeId)).find(
      (e) => e.type === 'governance.IsmsScopeApproved',
    )!;
    expect(decision.metadata).toMatchObject({
      reason: 'Management review 2026-05-05',
      actor: { userId: acme.fr.ciso.personId, role: 'ciso' },
    });

    const beforeRevision = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const revised = expectStatus(
      await isms.put(`/api/scopes/${scopeId}`, {
        definition: scopeDefinition(acme.units.fr, {
          name: 'Acme France ISMS 2026',
          includedOrgUnitIds: [acme.units.lyon, acme.units.paris],
        }),
        changeSummary: 'Paris site added',
      }),
      200,
    );
    expect(revised.body).toMatchObject({ status: 'draft', version: 2, approvedVersion: 1 });
    expect(revised.body.approvedDefinition.includedOrgUnitIds).toEqual([acme.units.lyon]);
    expectStatus(
      await platform
        .as(acme.groupAdmin.token)
        .post(`/api/scopes/${scopeId}/approval`, { reason: 'Board, 2026-05-06' }),
      200,
    );
    const now = expectStatus(await isms.get(`/api/scopes/${scopeId}`), 200);
    expect(now.body).toMatchObject({ status: 'approved', approvedVersion: 2 });
    expect(now.body.approvals.map((a: { approverRole: string }) => a.approverRole)).toEqual([
      'ciso',
      'group-admin',
    ]);
    const then = expectStatus(
      await isms.get(`/api/scopes/${scopeId}?asOf=${encodeURIComponent(beforeRevision)}`),
      200,
    );
    expect(then.body).toMatchObject({ status: 'approved', version: 1 });
    expect(then.body.definition.includedOrgUnitIds).toEqual([acme.units.lyon]);

    const twice = expectStatus(
      await platform
        .as(acme.fr.ciso.token)
        .post(`/api/scopes/${scopeId}/approval`, { reason: 'again' }),
      422,
    );
    expect(twice.body.rule).toBe('scope-already-approved');
  });

  it('refuses exclusions without justification (400) and units outside the owner’s subtree (422)', async () => {
    const isms = platform.as(acme.fr['isms-manager'].token);
    const noWhy = expectStatus(
      await isms.post(
        '/api/scopes',
        scopeDefinition(acme.units.fr, {
          exclusions: [{ description: 'Lab', orgUnitId: acme.units.lab }],
        }),
      ),
      400,
    );
    expect(fieldsOf(noWhy.body)).toEqual(['body.exclusions.0.justification']);
    const outside = expectStatus(
      await isms.post(
        '/api/scopes',
        scopeDefinition(acme.units.fr, { includedOrgUnitIds: [acme.units.fr, acme.units.berlin] }),
      ),
      422,
    );
    expect(outside.body).toMatchObject({
      rule: 'scope-unit-outside-owner',
      field: 'includedOrgUnitIds.1',
    });
    const otherTenant = expectStatus(
      await isms.post(
        '/api/scopes',
        scopeDefinition(acme.units.fr, { includedOrgUnitIds: [acme.beta.ops] }),
      ),
      422,
    );
    expect(otherTenant.body.rule).toBe('scope-unit-unknown');
    expectStatus(
      await isms.post('/api/scopes', scopeDefinition(acme.units.fr, { includedOrgUnitIds: [] })),
      400,
    );
  });
});

describe('document register (7.5)', () => {
  it('stores a version’s content by its SHA-256, records the hash, and serves the bytes back checked', async () => {
    const ciso = platform.as(acme.fr.ciso.token);
    const registered = expectStatus(
      await ciso.post('/api/documents', {
        title: 'Information security policy (France)',
        documentType: 'policy',
        ownerPersonId: acme.fr.ciso.personId,
        orgUnitId: acme.units.fr,
        mandatoryTypes: ['information-security-policy'],
        scopeIds: [acme.frScopeId],
      }),
      201,
    );
    const documentId = registered.body.documentId as string;
    const content = pdf('Acme France information security policy v1');
    const uploaded = expectStatus(
      await ciso
        .post(`/api/documents/${documentId}/versions`)
        .field('changeSummary', 'First issue')
        .attach('file', content, { filename: 'policy.pdf', contentType: 'application/pdf' }),
      201,
    );
    expect(uploaded.body.versions).toEqual([
      expect.objectContaining({
        version: 1,
        sha256: sha256(content),
        size: content.length,
        fileName: 'policy.pdf',
        contentType: 'application/pdf',
      }),
    ]);
    const stored = join(platform.dataDir, 'documents', sha256(content));
    expect(existsSync(stored)).toBe(true);
    expect(readFileSync(stored).equals(content)).toBe(true);
    const download = expectStatus(
      await ciso
        .get(`/api/documents/${documentId}/versions/1/content`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        }),
      200,
    );
    expect((download.body as Buffer).equals(content)).toBe(true);
    expect(download.headers['x-content-sha256']).toBe(sha256(content));
    expect(download.headers['content-type']).toMatch(/^application\/pdf/);

    // the policy (5.2) needs top management: the ISMS manager may approve other documents, not this one
    expectStatus(
      await platform
        .as(acme.fr['isms-manager'].token)
        .post(`/api/documents/${documentId}/versions/1/approval`, { reason: 'ok' }),
      403,
    );
    const approved = expectStatus(
      await ciso.post(`/api/documents/${documentId}/versions/1/approval`, {
        reason: 'Approved by the board on 2026-05-05',
      }),
      200,
    );
    expect(approved.body).toMatchObject({ versionInForce: 1, nextReviewDue: '2027-05-05' });
    expect(approved.body.versions[0].approval).toMatchObject({
      approvedBy: acme.fr.ciso.personId,
      approverRole: 'ciso',
    });

    const due = expectStatus(
      await ciso.get(
        '/api/documents?mandatoryType=information-security-policy&reviewDueBefore=2027-06-01',
      ),
      200,
    );
    expect(due.body.items.map((d: { documentId: string }) => d.documentId)).toEqual([documentId]);
  });

  it('accepts only allowed content types with matching content, within the size limit', async () => {
    const ciso = platform.as(acme.fr.ciso.token);
    const upload = (buffer: Buffer, filename: string, contentType: string, summary = 'v') =>
      ciso
        .post(`/api/documents/${acme.frPolicyId}/versions`)
        .field('changeSummary', summary)
        .attach('file', buffer, { filename, contentType });
    const exe = expectStatus(
      await upload(Buffer.from('MZ\x90\x00'), 'tool.exe', 'application/x-msdownload'),
      415,
    );
    expect(fieldsOf(exe.body)).toEqual(['body.file']);
    const fake = expectStatus(
      await upload(Buffer.from('not a pdf'), 'fake.pdf', 'application/pdf'),
      400,
    );
    expect(fake.body.errors[0]).toMatchObject({ field: 'body.file', code: 'content_mismatch' });
    const noSummary = expectStatus(await upload(pdf('x'), 'a.pdf', 'application/pdf', ''), 400);
    expect(fieldsOf(noSummary.body)).toEqual(['body.changeSummary']);
    const noFile = expectStatus(
      await ciso.post(`/api/documents/${acme.frPolicyId}/versions`).field('changeSummary', 'v2'),
      400,
    );
    expect(fieldsOf(noFile.body)).toEqual(['body.file']);
    const wrongPart = expectStatus(
      await ciso
        .post(`/api/documents/${acme.frPolicyId}/versions`)
        .field('changeSummary', 'v2')
        .attach('document', pdf('x'), 'a.pdf'),
      400,
    );
    expect(fieldsOf(wrongPart.body)).toEqual(['body']);
    const tooBig = expectStatus(
      await upload(
        Buffer.concat([pdf('x'), Buffer.alloc(21 * 1024 * 1024)]),
        'big.pdf',
        'application/pdf',
      ),
      413,
    );
    expect(fieldsOf(tooBig.body)).toEqual(['body.file']);
    const md = expectStatus(
      await upload(Buffer.from('# Backup procedure\n'), 'backup.md', 'text/markdown'),
      201,
    );
    expect(md.body.versions.at(-1)).toMatchObject({ contentType: 'text/markdown' });
  });

  it('validates registrations: unknown owner or scope → 422, bad fields → 400', async () => {
    const ciso = platform.as(acme.fr.ciso.token);
    const base = {
      title: 'Access control policy',
      documentType: 'policy',
      ownerPersonId: acme.fr.ciso.personId,
      orgUnitId: acme.units.fr,
    };
    const owner = expectStatus(
      await ciso.post('/api/documents', { ...base, ownerPersonId: acme.eve.personId }),
      422,
    );
    expect(owner.body.rule).toBe('document-owner-unknown');
    const scope = expectStatus(
      await ciso.post('/api/documents', { ...base, scopeIds: ['isms-scope-nope'] }),
      422,
    );
    expect(scope.body.rule).toBe('document-scope-unknown');
    const bad = expectStatus(
      await ciso.post('/api/documents', {
        ...base,
        mandatoryTypes: ['nice-to-have'],
        reviewIntervalMonths: 0,
      }),
      400,
    );
    expect(fieldsOf(bad.body)).toEqual(
      expect.arrayContaining(['body.mandatoryTypes.0', 'body.reviewIntervalMonths']),
    );
  });
});

describe('tenants never see each other', () => {
  it('a second tenant sees only itself, and the ids of another tenant answer 404', async () => {
    const beta = platform.as(acme.beta.groupAdmin.token);
    const units = expectStatus(await beta.get('/api/org-units'), 200).body.items.map(
      (u: { name: string }) => u.name,
    );
    expect(units.sort()).toEqual(['Beta Group', 'Beta Ops']);
    for (const path of [
      `/api/org-units/${acme.units.fr}`,
      `/api/scopes/${acme.frScopeId}`,
      `/api/people/${acme.fr.ciso.personId}`,
      `/api/documents/${acme.frPolicyId}`,
      `/api/access-grants/${acme.eveGrantId}`,
    ]) {
      expectStatus(await beta.get(path), 404);
    }
    expect(expectStatus(await beta.get('/api/scopes'), 200).body.items).toEqual([]);
    expect(expectStatus(await beta.get('/api/documents'), 200).body.items).toEqual([]);
    expect(expectStatus(await beta.get('/api/access-grants'), 200).body.items).toEqual([]);
    const people = expectStatus(await beta.get('/api/people'), 200).body.items.map(
      (p: { personId: string }) => p.personId,
    );
    expect(people).toEqual([acme.beta.groupAdmin.personId]);
    expectStatus(
      await beta.post('/api/org-units', {
        parentId: acme.units.fr,
        kind: 'site',
        name: 'Intrusion',
      }),
      404,
    );
    expectStatus(await beta.post(`/api/scopes/${acme.frScopeId}/approval`, { reason: 'x' }), 404);
    expectStatus(
      await beta.post(`/api/access-grants/${acme.eveGrantId}/revocation`, { reason: 'x' }),
      404,
    );
    expectStatus(
      await beta.post('/api/people', {
        displayName: 'Spy',
        email: 'spy@beta.example',
        homeOrgUnitId: acme.units.fr,
      }),
      404,
    );
    expect(expectStatus(await beta.get('/api/governance/access-log'), 200).body.items).toEqual([]);
  });
});

describe('certification body access', () => {
  it('the auditor reads inside the granted scope; another subsidiary, an excluded unit, and any write are refused', async () => {
    const eve = platform.as(acme.eve.token);
    expectStatus(await eve.get(`/api/scopes/${acme.frScopeId}`), 200);
    expectStatus(await eve.get(`/api/org-units/${acme.units.paris}`), 200);
    expectStatus(await eve.get(`/api/documents/${acme.frPolicyId}`), 200);
    expect(
      expectStatus(await eve.get('/api/scopes'), 200).body.items.map(
        (s: { scopeId: string }) => s.scopeId,
      ),
    ).toEqual([acme.frScopeId]);
    const outside = expectStatus(await eve.get(`/api/scopes/${acme.deScopeId}`), 403);
    expect(outside.body).toMatchObject({ reason: 'outside-scope' });
    expectStatus(await eve.get(`/api/org-units/${acme.units.lab}`), 403);
    expectStatus(await eve.get(`/api/documents/${acme.dePolicyId}`), 403);
    const write = expectStatus(
      await eve.post('/api/org-units', { parentId: acme.units.fr, kind: 'site', name: 'X' }),
      403,
    );
    expect(write.body.reason).toBe('read-only');
    expectStatus(
      await eve.put(`/api/scopes/${acme.frScopeId}`, {
        definition: scopeDefinition(acme.units.fr),
        changeSummary: 'x',
      }),
      403,
    );
    expectStatus(await eve.patch(`/api/documents/${acme.frPolicyId}`, { title: 'Mine now' }), 403);
    const documents = expectStatus(await eve.get('/api/documents'), 200).body.items.map(
      (d: { documentId: string }) => d.documentId,
    );
    expect(documents).toContain(acme.frPolicyId);
    expect(documents).not.toContain(acme.dePolicyId);
  });

  it('the group lists every request the auditor made; other roles and other subtrees may not', async () => {
    const log = expectStatus(
      await platform
        .as(acme.groupAdmin.token)
        .get(`/api/governance/auditor-access-log?grantId=${acme.eveGrantId}&limit=200`),
      200,
    );
    const entries = log.body.items as {
      path: string;
      outcome: string;
      status: number;
      method: string;
      personId: string;
      reason?: string;
    }[];
    expect(entries.every((e) => e.personId === acme.eve.personId)).toBe(true);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          method: 'GET',
          path: `/api/scopes/${acme.frScopeId}`,
          outcome: 'allowed',
          status: 200,
        }),
        expect.objectContaining({
          method: 'GET',
          path: `/api/scopes/${acme.deScopeId}`,
          outcome: 'denied',
          status: 403,
          reason: 'outside-scope',
        }),
        expect.objectContaining({
          method: 'POST',
          path: '/api/org-units',
          outcome: 'denied',
          reason: 'read-only',
        }),
      ]),
    );
    expectStatus(
      await platform
        .as(acme.fr.ciso.token)
        .get(`/api/governance/auditor-access-log?grantId=${acme.eveGrantId}`),
      200,
    );
    expectStatus(
      await platform
        .as(acme.fr.viewer.token)
        .get(`/api/governance/auditor-access-log?grantId=${acme.eveGrantId}`),
      403,
    );
    expectStatus(
      await platform
        .as(acme.cisoDe.token)
        .get(`/api/governance/auditor-access-log?grantId=${acme.eveGrantId}`),
      403,
    );
    expectStatus(
      await platform
        .as(acme.eve.token)
        .get(`/api/governance/auditor-access-log?grantId=${acme.eveGrantId}`),
      403,
    );
  });

  it('refuses grants to members, on draft scopes, and windows that end before they start', async () => {
    const ciso = platform.as(acme.fr.ciso.token);
    const base = {
      auditorPersonId: acme.eve.personId,
      scopeId: acme.frScopeId,
      validFrom: '2026-06-01T00:00:00Z',
      validUntil: '2026-06-05T00:00:00Z',
      reason: 'surveillance audit',
    };
    const member = expectStatus(
      await ciso.post('/api/access-grants', { ...base, auditorPersonId: acme.fr.viewer.personId }),
      422,
    );
    expect(member.body.rule).toBe('grantee-not-external-auditor');
    const draftId = expectStatus(
      await platform
        .as(acme.fr['isms-manager'].token)
        .post('/api/scopes', scopeDefinition(acme.units.fr, { name: unique('draft') })),
      201,
    ).body.scopeId;
    const draft = expectStatus(
      await ciso.post('/api/access-grants', { ...base, scopeId: draftId }),
      422,
    );
    expect(draft.body.rule).toBe('scope-not-approved');
    const window = expectStatus(
      await ciso.post('/api/access-grants', { ...base, validUntil: '2026-05-31T00:00:00Z' }),
      400,
    );
    expect(fieldsOf(window.body)).toEqual(['body.validUntil']);
    const noReason = expectStatus(
      await ciso.post('/api/access-grants', { ...base, reason: '' }),
      400,
    );
    expect(fieldsOf(noReason.body)).toEqual(['body.reason']);
    const tooLong = expectStatus(
      await ciso.post('/api/access-grants', { ...base, validUntil: '2026-12-31T00:00:00Z' }),
      422,
    );
    expect(tooLong.body.rule).toBe('grant-window-too-long');
    expectStatus(await platform.as(acme.cisoDe.token).post('/api/access-grants', base), 403);
  });

  it('every denied request leaves a trace in the access log', async () => {
    expectStatus(
      await platform
        .as(acme.fr.viewer.token)
        .post('/api/org-units', { parentId: acme.units.fr, kind: 'site', name: 'Denied' }),
      403,
    );
    const denied = expectStatus(
      await platform
        .as(acme.groupAdmin.token)
        .get(`/api/governance/access-log?outcome=denied&personId=${acme.fr.viewer.personId}`),
      200,
    );
    expect(denied.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          method: 'POST',
          path: '/api/org-units',
          outcome: 'denied',
          status: 403,
          permission: 'governance:structure:manage',
          principalKind: 'member',
        }),
      ]),
    );
  });
});

describe('OpenAPI', () => {
  it('describes the governance endpoints with their errors', async () => {
    const doc = expectStatus(await platform.as().get('/docs-json'), 200).body;
    for (const path of [
      '/api/auth/setup',
      '/api/tenants',
      '/api/org-units',
      '/api/org-units/tree',
      '/api/org-units/{id}',
      '/api/people/{id}/role-bindings',
      '/api/scopes/{id}/approval',
      '/api/documents/{id}/versions',
      '/api/access-grants',
      '/api/governance/auditor-access-log',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const approval = doc.paths['/api/scopes/{id}/approval'].post;
    expect(Object.keys(approval.responses)).toEqual(
      expect.arrayContaining(['400', '401', '403', '404', '409', '422']),
    );
    expect(approval.requestBody.content['application/json'].schema.required).toContain('reason');
  });
});
