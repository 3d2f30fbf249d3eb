import { jest } from '@jest/globals';
import request from 'supertest';
import {
  ControlsEventTypes as C,
  GovernanceEventTypes as G,
  GovernanceStreamTypes,
  RiskEventTypes as R,
  RiskStreamTypes,
} from '@isms/contracts';
import { ISO27001_2022 } from '../catalogues/catalogue.js';
import type { ControlsTestApp, SeededTenant } from '../testing/http-harness.js';
import { createControlsTestApp } from '../testing/http-harness.js';

jest.setTimeout(120_000);

const A = 'iso27001-2022';

describe('Statement of Applicability over HTTP: catalogues, lines, group controls, approval, versions, migration, asOf, access', () => {
  let t: ControlsTestApp;
  let acme: SeededTenant;
  let beta: SeededTenant;
  const tokens: Record<string, string> = {};
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const soaPath = (scope: string) => `/api/scopes/${acme.scope(scope)}/soa`;
  const line = (overrides: Record<string, unknown> = {}) => ({
    applicable: true,
    inclusionReasons: ['risk-treatment'],
    justification: 'Treats the risks of the payments platform',
    implementationStatus: 'planned',
    ...overrides,
  });
  let groupControlId: string;

  beforeAll(async () => {
    t = await createControlsTestApp('2026-03-02T09:00:00.000Z');
    acme = await t.tenant({
      units: {
        fr: { parent: 'root', kind: 'subsidiary', name: 'Acme France' },
        lyon: { parent: 'fr', kind: 'site', name: 'Lyon' },
        de: { parent: 'root', kind: 'subsidiary', name: 'Acme Germany' },
      },
      people: {
        ciso: [['ciso', 'root']],
        cisoFr: [['ciso', 'fr']],
        ismsFr: [['isms-manager', 'fr']],
        ismsDe: [['isms-manager', 'de']],
        controlOwnerFr: [['control-owner', 'fr']],
        viewer: [['viewer', 'root']],
        riskOwner: [['risk-owner', 'fr']],
      },
      scopes: { fr: ['fr'], de: ['de'] },
    });
    beta = await t.tenant({
      units: { ops: { parent: 'root', kind: 'subsidiary', name: 'Beta Ops' } },
      people: { cisoBeta: [['ciso', 'root']] },
      scopes: { ops: ['ops'] },
    });
    for (const name of [
      'ciso',
      'cisoFr',
      'ismsFr',
      'ismsDe',
      'controlOwnerFr',
      'viewer',
      'riskOwner',
    ]) {
      tokens[name] = await acme.tokenOf(name);
    }
    tokens['cisoBeta'] = await beta.tokenOf('cisoBeta');
    const auditorId = acme.person('auditor');
    await t.seed(acme.tenantId, auditorId, GovernanceStreamTypes.Person, [
      {
        type: G.PersonRegistered,
        data: {
          personId: auditorId,
          displayName: 'Eve',
          email: 'eve@cb.test',
          kind: 'external-auditor',
          homeOrgUnitId: acme.unit('root'),
          certificationBody: 'Certa',
        },
      },
    ]);
    await t.seed(acme.tenantId, 'access-grant-controls-spec', GovernanceStreamTypes.AccessGrant, [
      {
        type: G.AccessGranted,
        data: {
          grantId: 'access-grant-controls-spec',
          auditorPersonId: auditorId,
          certificationBody: 'Certa',
          scopeId: acme.scope('fr'),
          validFrom: '2026-03-01T00:00:00Z',
          validUntil: '2026-04-30T00:00:00Z',
          readOnly: true,
          grantedBy: acme.person('ciso'),
          reason: 'Stage 2 audit',
        },
      },
    ]);
    tokens['auditor'] = await t.token(acme.tenantId, auditorId);
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('catalogues', () => {
    it('serves the built-in catalogues, Annex A with its attributes, and the 2013 → 2022 mapping', async () => {
      const list = await http().get('/api/catalogues').set(as('viewer')).expect(200);
      expect(
        list.body.items.map((c: { catalogueId: string; controlCount: number }) => [
          c.catalogueId,
          c.controlCount,
        ]),
      ).toEqual([
        [A, 93],
        ['iso27001-2013', 114],
      ]);
      const corrective = await http()
        .get(`/api/catalogues/${A}?controlType=corrective`)
        .set(as('viewer'))
        .expect(200);
      expect(corrective.body.controls).toHaveLength(14);
      const mapping = await http()
        .get('/api/catalogue-mappings/iso27001-2013-to-2022')
        .set(as('viewer'))
        .expect(200);
      expect(mapping.body.newControls).toHaveLength(11);
      await http().get('/api/catalogues/nist-800-53').set(as('viewer')).expect(404);
      await http().get(`/api/catalogues/${A}?controlType=deterrent`).set(as('viewer')).expect(400);
    });

    it('refuses a request without a token (401)', async () => {
      await http().get('/api/catalogues').expect(401);
      await http().get(soaPath('fr')).expect(401);
    });

    it('imports a catalogue in the documented JSON format or from OSCAL, and takes custom controls', async () => {
      const bad = await http()
        .post('/api/catalogues')
        .set(as('ismsFr'))
        .send({
          orgUnitId: acme.unit('fr'),
          catalogue: {
            format: 'isms-ledger-catalogue/v1',
            name: 'Broken',
            version: '1',
            groups: [{ groupId: 'G', title: 'G' }],
            controls: [
              { controlId: 'G-1', title: 'One', groupId: 'G' },
              { controlId: 'G-1', title: 'Again', groupId: 'G' },
            ],
          },
        })
        .expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'body.catalogue.controls.1.controlId',
      ]);
      await http()
        .post('/api/catalogues')
        .set(as('viewer'))
        .send({ orgUnitId: acme.unit('fr'), catalogue: {} })
        .expect(403);
      const imported = await http()
        .post('/api/catalogues')
        .set(as('ismsFr'))
        .send({
          orgUnitId: acme.unit('fr'),
          catalogue: {
            format: 'isms-ledger-catalogue/v1',
            name: 'Acme France extra controls',
            version: '2026.1',
            groups: [{ groupId: 'FR', title: 'France' }],
            controls: [{ controlId: 'FR-1', title: 'Works council consultation', groupId: 'FR' }],
          },
        })
        .expect(201);
      expect(imported.body).toMatchObject({
        format: 'isms-ledger',
        controls: [{ controlId: 'FR-1' }],
      });
      const catalogueId = imported.body.catalogueId as string;
      const added = await http()
        .post(`/api/catalogues/${catalogueId}/controls`)
        .set(as('ismsFr'))
        .set('If-Match', imported.headers.etag as string)
        .send({ controlId: 'FR-2', title: 'CNIL register kept', groupId: 'FR' })
        .expect(201);
      expect(added.body.controls).toHaveLength(2);
      await http()
        .post(`/api/catalogues/${A}/controls`)
        .set(as('ismsFr'))
        .send({ controlId: '5.38', title: 'Invented', groupId: '5' })
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('built-in-catalogue-is-read-only'));
      const oscal = await http()
        .post('/api/catalogues')
        .set(as('ismsFr'))
        .send({
          orgUnitId: acme.unit('fr'),
          oscal: {
            catalog: {
              uuid: '5c2c4c6e-0000-4000-8000-000000000001',
              metadata: { title: 'Supplier controls', version: '1.0' },
              groups: [
                {
                  id: 'sup',
                  title: 'Suppliers',
                  controls: [{ id: 'sup-1', title: 'Due diligence' }],
                },
              ],
            },
          },
        })
        .expect(201);
      expect(oscal.body).toMatchObject({
        format: 'oscal',
        controls: [{ controlId: 'sup-1', groupId: 'sup' }],
      });
      const betaList = await http().get('/api/catalogues').set(as('cisoBeta')).expect(200);
      expect(betaList.body.items).toHaveLength(2);
      await http().get(`/api/catalogues/${catalogueId}`).set(as('cisoBeta')).expect(404);
    });
  });

  describe('establishing and answering', () => {
    it('establishes a scope’s SoA once, by someone who may write controls on the scope’s unit', async () => {
      await http().post(soaPath('fr')).set(as('viewer')).send({ catalogueId: A }).expect(403);
      await http().post(soaPath('fr')).set(as('ismsDe')).send({ catalogueId: A }).expect(403);
      await http()
        .post(`/api/scopes/${beta.scope('ops')}/soa`)
        .set(as('ismsFr'))
        .send({ catalogueId: A })
        .expect(404);
      await http()
        .post(soaPath('fr'))
        .set(as('ismsFr'))
        .send({ catalogueId: 'nist-csf' })
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('unknown-catalogue'));
      const created = await http()
        .post(soaPath('fr'))
        .set(as('ismsFr'))
        .send({ catalogueId: A })
        .expect(201);
      expect(created.headers.etag).toBe('"1"');
      expect(created.body.lines).toHaveLength(93);
      expect(created.body.progress).toMatchObject({ controls: 93, unanswered: 93 });
      expect(created.body.approval.status).toBe('not-approved');
      await http()
        .post(soaPath('fr'))
        .set(as('ismsFr'))
        .send({ catalogueId: A })
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('soa-already-established'));
    });

    it('refuses bad input with a 400 naming each field, never a 500', async () => {
      const missing = await http()
        .put(`${soaPath('fr')}/lines/${A}/5.1`)
        .set(as('ismsFr'))
        .send({ applicable: true, implementationStatus: 'done', extra: 1 })
        .expect(400);
      expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'body',
        'body.implementationStatus',
        'body.justification',
      ]);
      const blank = await http()
        .put(`${soaPath('fr')}/lines/${A}/5.1`)
        .set(as('ismsFr'))
        .send(line({ justification: '   ' }))
        .expect(400);
      expect(blank.body.errors[0]).toMatchObject({ field: 'body.justification' });
      await http()
        .put(`${soaPath('fr')}/lines/${A}/5%20;1`)
        .set(as('ismsFr'))
        .send(line())
        .expect(400);
      await http()
        .get(`${soaPath('fr')}?asOf=yesterday`)
        .set(as('ismsFr'))
        .expect(400);
      await http()
        .put(`${soaPath('fr')}/lines/${A}/5.1`)
        .set(as('ismsFr'))
        .set('If-Match', 'latest')
        .send(line())
        .expect(400);
    });

    it('records lines, a 422 naming the rule when one is broken; an exclusion carries its justification as the decision’s reason', async () => {
      const broken = await http()
        .put(`${soaPath('fr')}/lines/${A}/7.4`)
        .set(as('ismsFr'))
        .send(
          line({ applicable: false, inclusionReasons: [], implementationStatus: 'implemented' }),
        )
        .expect(422);
      expect(broken.body).toMatchObject({ rule: 'status-matches-applicability' });
      await http()
        .put(`${soaPath('fr')}/lines/${A}/5.99`)
        .set(as('ismsFr'))
        .send(line())
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('unknown-control'));
      const excluded = await http()
        .put(`${soaPath('fr')}/lines/${A}/7.4`)
        .set(as('controlOwnerFr'))
        .send({
          applicable: false,
          justification:
            'No premises of our own: offices in a serviced building monitored by the landlord',
          implementationStatus: 'not-applicable',
        })
        .expect(200);
      const sevenFour = excluded.body.lines.find(
        (l: { controlId: string }) => l.controlId === '7.4',
      );
      expect(sevenFour).toMatchObject({
        answer: 'local',
        applicable: false,
        recordedBy: acme.person('controlOwnerFr'),
      });
      const [event] = (
        await t.store.readStream(
          `statement-of-applicability-${acme.scope('fr').slice('isms-scope-'.length)}`,
        )
      ).slice(-1);
      expect(event).toMatchObject({
        type: C.SoaLineRecorded,
        metadata: {
          reason: expect.stringContaining('No premises of our own'),
          actor: { userId: acme.person('controlOwnerFr') },
        },
      });
      await http()
        .put(`${soaPath('fr')}/lines/${A}/5.1`)
        .set(as('viewer'))
        .send(line())
        .expect(403);
      await http()
        .put(`${soaPath('fr')}/lines/${A}/5.1`)
        .set(as('ismsDe'))
        .send(line())
        .expect(403);
    });
  });

  describe('group controls', () => {
    it('are defined once at group level, by someone who may write controls there', async () => {
      const body = {
        orgUnitId: acme.unit('root'),
        catalogueId: A,
        controlId: '5.15',
        title: 'Group access control policy',
        implementationDescription:
          'One policy; central IAM run by Group IT; quarterly access reviews',
        inclusionReasons: ['risk-treatment', 'contractual'],
        justification: 'Unauthorised access is a top group risk; customers require it',
        ownerPersonId: acme.person('ciso'),
      };
      await http().post('/api/group-controls').set(as('ismsFr')).send(body).expect(403);
      await http()
        .post('/api/group-controls')
        .set(as('cisoFr'))
        .send({ ...body, orgUnitId: acme.unit('fr') })
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('group-control-at-group-level'));
      await http()
        .post('/api/group-controls')
        .set(as('ciso'))
        .send({ ...body, inclusionReasons: [] })
        .expect(400);
      const defined = await http()
        .post('/api/group-controls')
        .set(as('ciso'))
        .send(body)
        .expect(201);
      groupControlId = defined.body.groupControlId;
      await http()
        .post('/api/group-controls')
        .set(as('ciso'))
        .send(body)
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('one-group-control-per-control'));
    });

    it('are inherited by every subsidiary’s SoA by reference, with each subsidiary’s own status and deviations', async () => {
      const before = await http().get(soaPath('fr')).set(as('ismsFr')).expect(200);
      const inherited = () =>
        before.body.lines.find((l: { controlId: string }) => l.controlId === '5.15');
      expect(inherited()).toMatchObject({
        answer: 'inherited',
        applicable: true,
        implementationStatus: 'not-implemented',
        groupControl: { groupControlId, revision: 1, status: 'not-reported' },
      });
      await http()
        .put(`/api/group-controls/${groupControlId}/statuses/${acme.unit('fr')}`)
        .set(as('ismsDe'))
        .send({ implementationStatus: 'implemented' })
        .expect(403);
      await http()
        .put(`/api/group-controls/${groupControlId}/statuses/${acme.unit('fr')}`)
        .set(as('ismsFr'))
        .send({ implementationStatus: 'not-applicable' })
        .expect(400);
      await http()
        .put(`/api/group-controls/${groupControlId}/statuses/${acme.unit('fr')}`)
        .set(as('ismsFr'))
        .send({
          implementationStatus: 'partially-implemented',
          note: 'Lyon still on local accounts',
        })
        .expect(200);
      await http()
        .post(`/api/group-controls/${groupControlId}/deviations`)
        .set(as('ismsFr'))
        .send({
          orgUnitId: acme.unit('fr'),
          deviation: 'Local IAM in the plant',
          reason: 'Air-gapped OT network',
        })
        .expect(403);
      await http()
        .post(`/api/group-controls/${groupControlId}/deviations`)
        .set(as('cisoFr'))
        .send({ orgUnitId: acme.unit('fr'), deviation: 'Local IAM in the plant' })
        .expect(400);
      await http()
        .post(`/api/group-controls/${groupControlId}/deviations`)
        .set(as('cisoFr'))
        .send({
          orgUnitId: acme.unit('fr'),
          deviation: 'Local IAM in the plant',
          reason: 'Air-gapped OT network',
        })
        .expect(200);
      const fr = await http().get(soaPath('fr')).set(as('ismsFr')).expect(200);
      expect(
        fr.body.lines.find((l: { controlId: string }) => l.controlId === '5.15'),
      ).toMatchObject({
        answer: 'inherited',
        implementationStatus: 'partially-implemented',
        groupControl: {
          status: 'partially-implemented',
          deviation: { deviation: 'Local IAM in the plant', reason: 'Air-gapped OT network' },
        },
      });
      await http()
        .post(`/api/scopes/${acme.scope('de')}/soa`)
        .set(as('ismsDe'))
        .send({ catalogueId: A })
        .expect(201);
      const de = await http().get(soaPath('de')).set(as('ismsDe')).expect(200);
      expect(
        de.body.lines.find((l: { controlId: string }) => l.controlId === '5.15'),
      ).toMatchObject({
        answer: 'inherited',
        groupControl: { status: 'not-reported' },
      });
      expect(
        de.body.lines.find((l: { controlId: string }) => l.controlId === '5.15').groupControl
          .deviation,
      ).toBeUndefined();
      const visible = await http()
        .get(`/api/group-controls/${groupControlId}`)
        .set(as('ismsDe'))
        .expect(200);
      expect(visible.body.deviations).toEqual([]);
    });
  });

  describe('approval, re-approval, versions', () => {
    let approvedAt: string;

    it('approves only a complete SoA, as a CISO’s decision with its reason and a digest', async () => {
      await http()
        .post(`${soaPath('fr')}/approval`)
        .set(as('cisoFr'))
        .send({ reason: 'Management review 2026-03' })
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('soa-incomplete'));
      for (const control of ISO27001_2022.controls) {
        if (['7.4', '5.15'].includes(control.controlId)) continue;
        await http()
          .put(`${soaPath('fr')}/lines/${A}/${control.controlId}`)
          .set(as('ismsFr'))
          .send(line())
          .expect(200);
      }
      await http()
        .post(`${soaPath('fr')}/approval`)
        .set(as('ismsFr'))
        .send({ reason: 'ok' })
        .expect(403);
      await http()
        .post(`${soaPath('fr')}/approval`)
        .set(as('cisoFr'))
        .send({})
        .expect(400);
      t.clock.set('2026-03-10T10:00:00.000Z');
      const approved = await http()
        .post(`${soaPath('fr')}/approval`)
        .set(as('cisoFr'))
        .send({ reason: 'Management review 2026-03' })
        .expect(200);
      approvedAt = t.clock.now().toISOString();
      expect(approved.body.approval).toMatchObject({
        status: 'approved',
        version: 1,
        approvedBy: acme.person('cisoFr'),
        approverRole: 'ciso',
        reason: 'Management review 2026-03',
      });
      expect(approved.body.approval.digest).toBe(approved.body.currentDigest);
      const versions = await http()
        .get(`${soaPath('fr')}/versions`)
        .set(as('viewer'))
        .expect(200);
      expect(versions.body.items).toEqual([
        expect.objectContaining({
          version: 1,
          lineCount: 92,
          inheritedCount: 1,
          digestVerified: true,
        }),
      ]);
      const v1 = await http()
        .get(`${soaPath('fr')}/versions/1`)
        .set(as('viewer'))
        .expect(200);
      expect(v1.body.inherited).toEqual([
        expect.objectContaining({
          controlId: '5.15',
          groupControlId,
          deviation: 'Local IAM in the plant',
        }),
      ]);
      await http()
        .post(`${soaPath('fr')}/approval`)
        .set(as('cisoFr'))
        .send({ reason: 'Again' })
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('nothing-to-approve'));
    });

    it('needs re-approval after a change to an approved line, and compares the versions', async () => {
      t.clock.set('2026-03-12T10:00:00.000Z');
      const stale = await http()
        .put(`${soaPath('fr')}/lines/${A}/5.1`)
        .set(as('ismsFr'))
        .set('If-Match', '"1"')
        .send(
          line({
            implementationStatus: 'implemented',
            implementationDescription: 'Policy adopted',
          }),
        )
        .expect(409);
      const current = stale.headers.etag as string;
      const changed = await http()
        .put(`${soaPath('fr')}/lines/${A}/5.1`)
        .set(as('ismsFr'))
        .set('If-Match', current)
        .send(
          line({
            implementationStatus: 'implemented',
            implementationDescription: 'Policy adopted',
          }),
        )
        .expect(200);
      expect(changed.body.approval).toMatchObject({
        status: 'needs-re-approval',
        version: 1,
        changedControls: [{ catalogueId: A, controlId: '5.1' }],
      });
      const comparison = await http()
        .get(`${soaPath('fr')}/comparison?from=1&to=current`)
        .set(as('viewer'))
        .expect(200);
      expect(comparison.body).toMatchObject({
        from: 'v1',
        to: 'current',
        added: [],
        removed: [],
        changed: [
          {
            catalogueId: A,
            controlId: '5.1',
            changes: [
              { field: 'implementationDescription', from: null, to: 'Policy adopted' },
              { field: 'implementationStatus', from: 'planned', to: 'implemented' },
            ],
          },
        ],
      });
      await http()
        .post(`${soaPath('fr')}/approval`)
        .set(as('cisoFr'))
        .send({ reason: 'Policy adopted' })
        .expect(200)
        .expect((res) =>
          expect(res.body.approval).toMatchObject({ status: 'approved', version: 2 }),
        );
      const v1v2 = await http()
        .get(`${soaPath('fr')}/comparison?from=1&to=2`)
        .set(as('viewer'))
        .expect(200);
      expect(v1v2.body.changed.map((c: { controlId: string }) => c.controlId)).toEqual(['5.1']);
      await http()
        .get(`${soaPath('fr')}/comparison?from=7&to=2`)
        .set(as('viewer'))
        .expect(404);
    });

    it('needs re-approval when an inherited group control is revised', async () => {
      const gc = await http()
        .get(`/api/group-controls/${groupControlId}`)
        .set(as('ciso'))
        .expect(200);
      await http()
        .put(`/api/group-controls/${groupControlId}`)
        .set(as('ciso'))
        .set('If-Match', gc.headers.etag as string)
        .send({
          title: 'Group access control policy',
          implementationDescription: 'Central IAM with MFA everywhere',
          inclusionReasons: ['risk-treatment', 'contractual'],
          justification: 'Unauthorised access is a top group risk; customers require it',
          ownerPersonId: acme.person('ciso'),
          changeSummary: 'MFA mandatory',
        })
        .expect(200);
      const fr = await http().get(soaPath('fr')).set(as('ismsFr')).expect(200);
      expect(fr.body.approval).toMatchObject({
        status: 'needs-re-approval',
        changedControls: [{ catalogueId: A, controlId: '5.15' }],
      });
    });

    it('answers as of a past instant from history (what the SoA said on the audit’s cut-off day)', async () => {
      const past = await http()
        .get(`${soaPath('fr')}?asOf=${encodeURIComponent(approvedAt)}`)
        .set(as('auditor'))
        .expect(200);
      expect(past.body.approval).toMatchObject({ status: 'approved', version: 1 });
      expect(
        past.body.lines.find((l: { controlId: string }) => l.controlId === '5.1'),
      ).toMatchObject({
        implementationStatus: 'planned',
      });
      const before = await http()
        .get(`${soaPath('fr')}?asOf=2026-03-01T00:00:00Z`)
        .set(as('ismsFr'))
        .expect(404);
      expect(before.body.status).toBe(404);
    });
  });

  describe('migration from the 2013 to the 2022 catalogue', () => {
    it('carries answers through the mapping, keeps where they came from and flags what needs a decision', async () => {
      const legacy = `/api/scopes/${acme.scope('de')}/soa`;
      // The DE scope's SoA was established on 2022 above; a fresh scope is used for 2013.
      await t.seed(acme.tenantId, acme.scope('legacy'), GovernanceStreamTypes.IsmsScope, [
        {
          type: G.IsmsScopeDrafted,
          data: {
            scopeId: acme.scope('legacy'),
            version: 1,
            definition: {
              name: 'Legacy',
              description: 'Certified on 2013',
              ownerOrgUnitId: acme.unit('de'),
              includedOrgUnitIds: [acme.unit('de')],
              locations: [],
              exclusions: [],
              interfacesAndDependencies: [],
              internalIssues: [],
              externalIssues: [],
              interestedParties: [],
            },
          },
        },
      ]);
      const path = `/api/scopes/${acme.scope('legacy')}/soa`;
      await http().post(path).set(as('ismsDe')).send({ catalogueId: 'iso27001-2013' }).expect(201);
      const record = (controlId: string, body: Record<string, unknown>) =>
        http()
          .put(`${path}/lines/iso27001-2013/${controlId}`)
          .set(as('ismsDe'))
          .send(body)
          .expect(200);
      await record(
        'A.5.1.1',
        line({ implementationStatus: 'implemented', implementationDescription: 'Policy' }),
      );
      await record(
        'A.5.1.2',
        line({ implementationStatus: 'implemented', implementationDescription: 'Annual review' }),
      );
      await record('A.12.5.1', line());
      await record('A.12.6.2', {
        applicable: false,
        justification: 'Locked-down thin clients',
        implementationStatus: 'not-applicable',
      });
      await http()
        .post(`${path}/migration`)
        .set(as('viewer'))
        .send({ toCatalogueId: A })
        .expect(403);
      const migrated = await http()
        .post(`${path}/migration`)
        .set(as('ismsDe'))
        .send({ toCatalogueId: A })
        .expect(200);
      const byId = (id: string) =>
        migrated.body.lines.find((l: { controlId: string }) => l.controlId === id);
      expect(migrated.body.catalogueId).toBe(A);
      expect(migrated.body.lines).toHaveLength(93);
      expect(byId('5.1')).toMatchObject({
        answer: 'local',
        implementationStatus: 'implemented',
        provenance: { migratedFrom: 'iso27001-2013', sourceControlIds: ['A.5.1.1', 'A.5.1.2'] },
      });
      expect(byId('5.1').decisionNeeded).toBeUndefined();
      expect(byId('8.19')).toMatchObject({
        decisionNeeded: 'conflicting-applicability',
        applicable: true,
      });
      expect(byId('5.7')).toMatchObject({ answer: 'unanswered', decisionNeeded: 'new-control' });
      expect(byId('5.2')).toMatchObject({
        answer: 'unanswered',
        decisionNeeded: 'no-source-answer',
      });
      expect(migrated.body.migrations).toEqual([
        expect.objectContaining({ fromCatalogueId: 'iso27001-2013', toCatalogueId: A }),
      ]);
      await http()
        .post(`${path}/migration`)
        .set(as('ismsDe'))
        .send({ toCatalogueId: A })
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('soa-already-on-catalogue'));
      const decided = await http()
        .put(`${path}/lines/${A}/5.7`)
        .set(as('ismsDe'))
        .send(line({ justification: 'National CERT feed' }))
        .expect(200);
      expect(
        decided.body.lines.find((l: { controlId: string }) => l.controlId === '5.7').decisionNeeded,
      ).toBeUndefined();
      expect(legacy).toContain('soa');
    });
  });

  describe('linked risks, from the risk context’s published events', () => {
    it('shows the risks a control treats on its SoA line, risks per control and controls per risk', async () => {
      const riskId = `risk-${acme.tenantId}-1`;
      await t.seed(acme.tenantId, riskId, RiskStreamTypes.Risk, [
        {
          type: R.RiskIdentified,
          data: {
            riskId,
            title: 'Ransomware on file servers',
            description: 'Encryption of shares',
            assetIds: [],
            threatCode: 'TH-09',
            vulnerabilityCode: 'VU-03',
            ownerPersonId: acme.person('riskOwner'),
            orgUnitId: acme.unit('fr'),
            scopeId: acme.scope('fr'),
            identifiedAt: '2026-03-12T00:00:00.000Z',
          },
        },
        {
          type: R.RiskTreatmentPlanned,
          data: {
            riskId,
            planVersion: 1,
            option: 'modify',
            actions: [],
            linkedControls: [
              { catalogueId: A, controlId: '8.13' },
              { catalogueId: A, controlId: '8.7' },
            ],
            title: 'Ransomware on file servers',
            orgUnitId: acme.unit('fr'),
            scopeId: acme.scope('fr'),
            plannedBy: acme.person('riskOwner'),
            plannedAt: '2026-03-12T00:00:00.000Z',
          },
        },
      ]);
      const soa = await http().get(soaPath('fr')).set(as('ismsFr')).expect(200);
      expect(
        soa.body.lines.find((l: { controlId: string }) => l.controlId === '8.13').risks,
      ).toEqual([{ riskId, title: 'Ransomware on file servers', link: 'treatment' }]);
      const perControl = await http()
        .get(`/api/catalogues/${A}/controls/8.13/risks`)
        .set(as('viewer'))
        .expect(200);
      expect(perControl.body.items).toEqual([expect.objectContaining({ riskId, treats: true })]);
      const none = await http()
        .get(`/api/catalogues/${A}/controls/8.13/risks`)
        .set(as('ismsDe'))
        .expect(200);
      expect(none.body.items).toEqual([]);
      const perRisk = await http()
        .get(`/api/controls/by-risk/${riskId}`)
        .set(as('ismsFr'))
        .expect(200);
      expect(
        perRisk.body.items.map((c: { controlId: string; title: string }) => [c.controlId, c.title]),
      ).toEqual([
        ['8.13', 'Information backup'],
        ['8.7', 'Protection against malware'],
      ]);
      expect(perRisk.body.items[0].soa).toMatchObject({ answer: 'local', applicable: true });
      await http().get(`/api/controls/by-risk/${riskId}`).set(as('ismsDe')).expect(403);
      await http().get(`/api/controls/by-risk/${riskId}`).set(as('cisoBeta')).expect(404);
    });

    it('as of a past instant: the risks then in the scope, moved in or out since (only they are replayed)', async () => {
      const identified = (id: string, scope: 'fr' | 'de') => ({
        type: R.RiskIdentified,
        data: {
          riskId: id,
          title: `Risk ${id}`,
          description: 'Supplier outage',
          assetIds: [],
          threatCode: 'TH-09',
          vulnerabilityCode: 'VU-03',
          ownerPersonId: acme.person('riskOwner'),
          orgUnitId: acme.unit(scope),
          scopeId: acme.scope(scope),
          identifiedAt: '2026-03-13T00:00:00.000Z',
        },
      });
      const planned = (id: string, scope: 'fr' | 'de') => ({
        type: R.RiskTreatmentPlanned,
        data: {
          riskId: id,
          planVersion: 1,
          option: 'modify',
          actions: [],
          linkedControls: [{ catalogueId: A, controlId: '8.13' }],
          title: `Risk ${id}`,
          orgUnitId: acme.unit(scope),
          scopeId: acme.scope(scope),
          plannedBy: acme.person('riskOwner'),
          plannedAt: '2026-03-13T00:00:00.000Z',
        },
      });
      const first = `risk-${acme.tenantId}-1`;
      const movedIn = `risk-${acme.tenantId}-moved-in`;
      const movedOut = `risk-${acme.tenantId}-moved-out`;
      t.clock.set('2026-03-13T10:00:00.000Z');
      await t.seed(acme.tenantId, movedIn, RiskStreamTypes.Risk, [
        identified(movedIn, 'de'),
        planned(movedIn, 'de'),
      ]);
      await t.seed(acme.tenantId, movedOut, RiskStreamTypes.Risk, [
        identified(movedOut, 'fr'),
        planned(movedOut, 'fr'),
      ]);
      const before = t.clock.now().toISOString();
      t.clock.set('2026-03-14T10:00:00.000Z');
      await t.seed(acme.tenantId, movedIn, RiskStreamTypes.Risk, [
        {
          type: R.RiskScopeChanged,
          data: {
            riskId: movedIn,
            previousScopeId: acme.scope('de'),
            scopeId: acme.scope('fr'),
            reason: 'Moved',
          },
        },
      ]);
      await t.seed(acme.tenantId, movedOut, RiskStreamTypes.Risk, [
        {
          type: R.RiskScopeChanged,
          data: {
            riskId: movedOut,
            previousScopeId: acme.scope('fr'),
            scopeId: acme.scope('de'),
            reason: 'Moved',
          },
        },
      ]);
      const risksOf = (body: { lines: { controlId: string; risks: { riskId: string }[] }[] }) =>
        body.lines
          .find((l) => l.controlId === '8.13')!
          .risks.map((r) => r.riskId)
          .sort();

      const now = await http().get(soaPath('fr')).set(as('ismsFr')).expect(200);
      expect(risksOf(now.body)).toEqual([first, movedIn].sort());
      const asOfNow = await http()
        .get(`${soaPath('fr')}?asOf=${encodeURIComponent(t.clock.now().toISOString())}`)
        .set(as('ismsFr'))
        .expect(200);
      expect(asOfNow.body.lines).toEqual(now.body.lines);
      const then = await http()
        .get(`${soaPath('fr')}?asOf=${encodeURIComponent(before)}`)
        .set(as('ismsFr'))
        .expect(200);
      expect(risksOf(then.body)).toEqual([first, movedOut].sort());
    });
  });

  describe('who sees what', () => {
    it('lets an external auditor read the SoA of the granted scope only, and change nothing', async () => {
      await http().get(soaPath('fr')).set(as('auditor')).expect(200);
      await http()
        .get(`${soaPath('fr')}/versions`)
        .set(as('auditor'))
        .expect(200);
      await http()
        .get(soaPath('de'))
        .set(as('auditor'))
        .expect(403)
        .expect((res) => expect(res.body.reason).toBe('outside-scope'));
      await http()
        .put(`${soaPath('fr')}/lines/${A}/5.2`)
        .set(as('auditor'))
        .send(line())
        .expect(403)
        .expect((res) => expect(res.body.reason).toBe('read-only'));
      const progress = await http().get('/api/controls/progress').set(as('auditor')).expect(200);
      expect(progress.body.items.map((i: { scopeId: string }) => i.scopeId)).toEqual([
        acme.scope('fr'),
      ]);
    });

    it('shows a second tenant nothing of the first', async () => {
      await http().get(soaPath('fr')).set(as('cisoBeta')).expect(404);
      await http().get(`/api/group-controls/${groupControlId}`).set(as('cisoBeta')).expect(404);
      const groupControls = await http().get('/api/group-controls').set(as('cisoBeta')).expect(200);
      expect(groupControls.body.items).toEqual([]);
      const progress = await http().get('/api/controls/progress').set(as('cisoBeta')).expect(200);
      expect(progress.body.items).toEqual([]);
      await http()
        .put(`${soaPath('fr')}/lines/${A}/5.2`)
        .set(as('cisoBeta'))
        .send(line())
        .expect(404);
    });

    it('reports implementation progress per SoA the caller may see', async () => {
      const all = await http().get('/api/controls/progress').set(as('ciso')).expect(200);
      const frScope = all.body.items.find(
        (i: { scopeId: string }) => i.scopeId === acme.scope('fr'),
      );
      expect(frScope).toMatchObject({
        approval: { status: 'needs-re-approval', version: 2 },
        progress: { controls: 93, answered: 93, applicable: 92, excluded: 1, inherited: 1 },
      });
      expect(frScope.progress.byStatus.implemented).toBe(1);
      const de = await http().get('/api/controls/progress').set(as('ismsDe')).expect(200);
      expect(de.body.items.map((i: { scopeId: string }) => i.scopeId).sort()).toEqual(
        [acme.scope('de'), acme.scope('legacy')].sort(),
      );
    });

    it('describes every route in OpenAPI, errors included', async () => {
      const doc = await http().get('/docs-json').expect(200);
      const paths = Object.keys(doc.body.paths);
      for (const path of [
        '/api/catalogues',
        '/api/scopes/{scopeId}/soa',
        '/api/scopes/{scopeId}/soa/lines/{catalogueId}/{controlId}',
        '/api/scopes/{scopeId}/soa/approval',
        '/api/scopes/{scopeId}/soa/comparison',
        '/api/scopes/{scopeId}/soa/migration',
        '/api/group-controls',
        '/api/control-tests/overdue',
        '/api/evidence',
        '/api/evidence/expired',
        '/api/controls/progress',
      ]) {
        expect(paths).toContain(path);
      }
      const put = doc.body.paths['/api/scopes/{scopeId}/soa/lines/{catalogueId}/{controlId}'].put;
      expect(put.requestBody.content['application/json'].schema.required).toEqual(
        expect.arrayContaining(['applicable', 'justification', 'implementationStatus']),
      );
      expect(Object.keys(put.responses)).toEqual(
        expect.arrayContaining(['400', '401', '403', '404', '409', '422']),
      );
    });
  });
});
