import { jest } from '@jest/globals';
import request from 'supertest';
import { GovernanceEventTypes as G, GovernanceStreamTypes } from '@isms/contracts';
import { group5x5 } from '../testing/methodology-fixtures.js';
import type { RiskTestApp, SeededTenant } from '../testing/http-harness.js';
import { createRiskTestApp } from '../testing/http-harness.js';

jest.setTimeout(60_000);

const definitionBody = {
  likelihoodScale: group5x5.likelihoodScale.map(({ label, description }) => ({
    label,
    description,
  })),
  impactScale: group5x5.impactScale.map(({ label, description }) => ({ label, description })),
  levels: group5x5.levels,
  matrix: group5x5.matrix,
};

describe('risk API: who may do what, tenants, and bad input', () => {
  let t: RiskTestApp;
  let acme: SeededTenant;
  let beta: SeededTenant;
  const tokens: Record<string, string> = {};
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  let assetId: string;
  /** Residual medium (within appetite), high (CISO only) and critical (nobody), all owned by ownerFr. */
  const risks: Record<'medium' | 'high' | 'critical' | 'de', string> = {
    medium: '',
    high: '',
    critical: '',
    de: '',
  };

  async function riskAt(
    name: keyof typeof risks,
    inherent: [number, number],
    residual: [number, number],
    unit = 'fr',
    owner = 'ownerFr',
    writer = 'ismsFr',
  ) {
    const created = await http()
      .post('/api/risk/risks')
      .set(as(writer))
      .send({
        title: `Risk ${name}`,
        assetIds: [assetId],
        threatCode: 'TH-09',
        vulnerabilityCode: 'VU-03',
        ownerPersonId: acme.person(owner),
        orgUnitId: acme.unit(unit),
        scopeId: acme.scope(unit),
      })
      .expect(201);
    const id = created.body.riskId as string;
    const step = (path: string, body: object) =>
      http().post(`/api/risk/risks/${id}/${path}`).set(as(writer)).send(body).expect(200);
    await step('inherent-assessment', {
      likelihood: inherent[0],
      impact: inherent[1],
      rationale: 'Observed',
    });
    await step('treatment-decision', { option: 'modify', justification: 'Controls are cheaper' });
    await http()
      .put(`/api/risk/risks/${id}/treatment-plan`)
      .set(as(writer))
      .send({ linkedControls: [{ catalogueId: 'iso27001-2022', controlId: '8.5' }] })
      .expect(200);
    await step('residual-assessment', {
      likelihood: residual[0],
      impact: residual[1],
      rationale: 'With MFA',
    });
    risks[name] = id;
  }

  beforeAll(async () => {
    t = await createRiskTestApp('2026-03-02T09:00:00.000Z');
    acme = await t.tenant({
      units: {
        fr: { parent: 'root', kind: 'subsidiary', name: 'Acme France' },
        de: { parent: 'root', kind: 'subsidiary', name: 'Acme Germany' },
      },
      people: {
        ciso: [['ciso', 'root']],
        cisoDe: [['ciso', 'de']],
        ismsFr: [['isms-manager', 'fr']],
        ismsDe: [['isms-manager', 'de']],
        ownerFr: [['risk-owner', 'fr']],
        ownerFr2: [['risk-owner', 'fr']],
        ownerDe: [['risk-owner', 'de']],
        controlOwner: [['control-owner', 'fr']],
        viewer: [['viewer', 'root']],
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
      'cisoDe',
      'ismsFr',
      'ismsDe',
      'ownerFr',
      'ownerFr2',
      'ownerDe',
      'controlOwner',
      'viewer',
    ])
      tokens[name] = await acme.tokenOf(name);
    tokens['cisoBeta'] = await beta.tokenOf('cisoBeta');

    // An external auditor with a read-only grant on the France scope for this week.
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
    await t.seed(acme.tenantId, 'access-grant-risk-spec', GovernanceStreamTypes.AccessGrant, [
      {
        type: G.AccessGranted,
        data: {
          grantId: 'access-grant-risk-spec',
          auditorPersonId: auditorId,
          certificationBody: 'Certa',
          scopeId: acme.scope('fr'),
          validFrom: '2026-03-01T00:00:00Z',
          validUntil: '2026-03-08T00:00:00Z',
          readOnly: true,
          grantedBy: acme.person('ciso'),
          reason: 'Stage 2',
        },
      },
    ]);
    tokens['auditor'] = await t.token(acme.tenantId, auditorId);

    await http()
      .put(`/api/risk/methodologies/${acme.unit('root')}`)
      .set(as('ciso'))
      .send({ definition: definitionBody, reason: 'Group methodology' })
      .expect(200);
    const asset = await http()
      .post('/api/risk/assets')
      .set(as('ismsFr'))
      .send({
        name: 'Identity provider',
        assetType: 'service',
        ownerPersonId: acme.person('ownerFr'),
        orgUnitId: acme.unit('fr'),
        classification: 'internal',
        requirements: { confidentiality: 'high', integrity: 'high', availability: 'high' },
      })
      .expect(201);
    assetId = asset.body.assetId;
    await riskAt('medium', [4, 4], [2, 3]);
    await riskAt('high', [4, 4], [3, 4]);
    await riskAt('critical', [5, 5], [5, 4]);
    const deAsset = await http()
      .post('/api/risk/assets')
      .set(as('ismsDe'))
      .send({
        name: 'Berlin DC',
        assetType: 'site',
        ownerPersonId: acme.person('ownerDe'),
        orgUnitId: acme.unit('de'),
        classification: 'internal',
        requirements: { confidentiality: 'low', integrity: 'medium', availability: 'high' },
      })
      .expect(201);
    const de = await http()
      .post('/api/risk/risks')
      .set(as('ismsDe'))
      .send({
        title: 'Flooding of the Berlin DC',
        assetIds: [deAsset.body.assetId],
        threatCode: 'TH-02',
        vulnerabilityCode: 'VU-15',
        ownerPersonId: acme.person('ownerDe'),
        orgUnitId: acme.unit('de'),
        scopeId: acme.scope('de'),
      })
      .expect(201);
    risks.de = de.body.riskId;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('authentication', () => {
    it('401 without a token, or with a token that is not ours', async () => {
      const none = await http().get('/api/risk/risks').expect(401);
      expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
      await http().post('/api/risk/risks').send({}).expect(401);
      await http()
        .get('/api/risk/heat-map')
        .set({ Authorization: 'Bearer not.a.token' })
        .expect(401);
    });
  });

  describe('a viewer reads and writes nothing', () => {
    it('reads the register and heat map of the group', async () => {
      const list = await http().get('/api/risk/risks').set(as('viewer')).expect(200);
      expect(list.body.items).toHaveLength(4);
      await http().get(`/api/risk/risks/${risks.medium}`).set(as('viewer')).expect(200);
      await http().get('/api/risk/heat-map').set(as('viewer')).expect(200);
    });

    it.each([
      ['identify a risk', 'post', '/api/risk/risks', { title: 'x' }],
      ['register an asset', 'post', '/api/risk/assets', { name: 'x' }],
      ['add a threat', 'post', '/api/risk/catalogue/threats', { code: 'X-1' }],
      ['set the methodology', 'put', '/api/risk/methodologies/ou', { reason: 'x' }],
      [
        'rate a risk',
        'post',
        '/api/risk/risks/RISK/inherent-assessment',
        { likelihood: 1, impact: 1, rationale: 'x' },
      ],
      ['accept a risk', 'post', '/api/risk/risks/RISK/acceptance', { reason: 'x' }],
      ['close a risk', 'post', '/api/risk/risks/RISK/close', { reason: 'x' }],
    ])('403: a viewer may not %s', async (_, method, path, body) => {
      const res = await (http() as unknown as Record<string, (p: string) => request.Test>)[method]!(
        path.replace('RISK', risks.medium),
      )
        .set(as('viewer'))
        .send(body)
        .expect(403);
      expect(res.body.reason).toBe('role-lacks-permission');
    });
  });

  describe('acceptance follows the risk owner and the acceptance criteria', () => {
    it('403: a risk owner accepts only their own risks', async () => {
      const res = await http()
        .post(`/api/risk/risks/${risks.medium}/acceptance`)
        .set(as('ownerFr2'))
        .send({ reason: 'Looks fine' })
        .expect(403);
      expect(res.body).toMatchObject({ reason: 'not-the-risk-owner', permission: 'risk:accept' });
    });

    it('403: an ISMS manager may write risks but not accept them', async () => {
      const res = await http()
        .post(`/api/risk/risks/${risks.medium}/acceptance`)
        .set(as('ismsFr'))
        .send({ reason: 'x' })
        .expect(403);
      expect(res.body.reason).toBe('role-lacks-permission');
    });

    it('the risk owner accepts their risk within appetite', async () => {
      const res = await http()
        .post(`/api/risk/risks/${risks.medium}/acceptance`)
        .set(as('ownerFr'))
        .send({ reason: 'Within appetite' })
        .expect(200);
      expect(res.body.acceptance).toMatchObject({
        authority: 'risk-owner',
        acceptedBy: acme.person('ownerFr'),
      });
    });

    it('403: above appetite the owner may not accept; a CISO of another subsidiary neither; the group CISO may', async () => {
      const owner = await http()
        .post(`/api/risk/risks/${risks.high}/acceptance`)
        .set(as('ownerFr'))
        .send({ reason: 'x' })
        .expect(403);
      expect(owner.body.reason).toBe('acceptance-above-authority');
      expect(owner.body.detail).toMatch(/only by a ciso/);
      const otherCiso = await http()
        .post(`/api/risk/risks/${risks.high}/acceptance`)
        .set(as('cisoDe'))
        .send({ reason: 'x' })
        .expect(403);
      expect(otherCiso.body.reason).toBe('outside-subtree');
      const ciso = await http()
        .post(`/api/risk/risks/${risks.high}/acceptance`)
        .set(as('ciso'))
        .send({ reason: 'Accepted until the IdP migration in Q3' })
        .expect(200);
      expect(ciso.body.acceptance).toMatchObject({
        authority: 'ciso',
        withinAppetite: false,
        residualLevel: 'high',
      });
    });

    it('422: a critical residual risk is accepted by nobody', async () => {
      const res = await http()
        .post(`/api/risk/risks/${risks.critical}/acceptance`)
        .set(as('ciso'))
        .send({ reason: 'x' })
        .expect(422);
      expect(res.body.rule).toBe('level-not-acceptable');
    });
  });

  describe('subtrees', () => {
    it('403: roles of one subsidiary do not reach another’s risks; its lists leave them out', async () => {
      const write = await http()
        .post(`/api/risk/risks/${risks.medium}/reviews`)
        .set(as('ownerDe'))
        .send({ notes: 'x' })
        .expect(403);
      expect(write.body.reason).toBe('outside-subtree');
      await http().get(`/api/risk/risks/${risks.medium}`).set(as('ownerDe')).expect(403);
      const list = await http().get('/api/risk/risks').set(as('ownerDe')).expect(200);
      expect(list.body.items.map((r: { riskId: string }) => r.riskId)).toEqual([risks.de]);
      const heat = await http().get('/api/risk/heat-map').set(as('ownerDe')).expect(200);
      expect(heat.body).toMatchObject({ total: 1, unrated: 1 });
    });

    it('403: the methodology is set by a ciso or isms-manager whose role covers the unit', async () => {
      const outside = await http()
        .put(`/api/risk/methodologies/${acme.unit('root')}`)
        .set(as('ismsFr'))
        .send({ definition: definitionBody, changeSummary: 'x', reason: 'x' })
        .expect(403);
      expect(outside.body.reason).toBe('outside-subtree');
      const owner = await http()
        .put(`/api/risk/methodologies/${acme.unit('fr')}`)
        .set(as('ownerFr'))
        .send({ overrides: { levels: group5x5.levels }, reason: 'x' })
        .expect(403);
      expect(owner.body.reason).toBe('methodology-needs-ciso-or-isms-manager');
    });

    it('403: a control owner does not write risks', async () => {
      const res = await http()
        .post(`/api/risk/risks/${risks.medium}/reviews`)
        .set(as('controlOwner'))
        .send({ notes: 'x' })
        .expect(403);
      expect(res.body.reason).toBe('role-lacks-permission');
    });
  });

  describe('an external auditor reads the register of the granted scope only', () => {
    it('sees the France scope’s risks, not Germany’s, and writes nothing', async () => {
      const list = await http().get('/api/risk/risks').set(as('auditor')).expect(200);
      expect(list.body.items.map((r: { scopeId: string }) => r.scopeId)).toEqual([
        acme.scope('fr'),
        acme.scope('fr'),
        acme.scope('fr'),
      ]);
      await http().get(`/api/risk/risks/${risks.medium}/history`).set(as('auditor')).expect(200);
      await http().get(`/api/risk/risks/${risks.de}`).set(as('auditor')).expect(403);
      const write = await http()
        .post(`/api/risk/risks/${risks.medium}/reviews`)
        .set(as('auditor'))
        .send({ notes: 'x' })
        .expect(403);
      expect(write.body.reason).toBe('read-only');
    });
  });

  describe('a second tenant sees nothing', () => {
    it('404 on another tenant’s risks and assets, and empty lists', async () => {
      await http().get(`/api/risk/risks/${risks.medium}`).set(as('cisoBeta')).expect(404);
      await http().get(`/api/risk/risks/${risks.medium}/history`).set(as('cisoBeta')).expect(404);
      await http().get(`/api/risk/assets/${assetId}`).set(as('cisoBeta')).expect(404);
      await http()
        .post(`/api/risk/risks/${risks.medium}/reviews`)
        .set(as('cisoBeta'))
        .send({ notes: 'x' })
        .expect(404);
      const list = await http().get('/api/risk/risks').set(as('cisoBeta')).expect(200);
      expect(list.body.items).toEqual([]);
      const assets = await http().get('/api/risk/assets').set(as('cisoBeta')).expect(200);
      expect(assets.body.items).toEqual([]);
      const heat = await http().get('/api/risk/heat-map').set(as('cisoBeta')).expect(200);
      expect(heat.body).toMatchObject({ total: 0, grid: null });
      const threats = await http()
        .get('/api/risk/catalogue/threats')
        .set(as('cisoBeta'))
        .expect(200);
      expect(threats.body.items.every((e: { source: string }) => e.source === 'default')).toBe(
        true,
      );
    });

    it('422: another tenant’s org units do not exist for it; without a methodology nothing is rated', async () => {
      const foreign = await http()
        .put(`/api/risk/methodologies/${acme.unit('root')}`)
        .set(as('cisoBeta'))
        .send({ definition: definitionBody, reason: 'x' })
        .expect(422);
      expect(foreign.body.rule).toBe('org-unit-unknown');
      const asset = await http()
        .post('/api/risk/assets')
        .set(as('cisoBeta'))
        .send({
          name: 'Ops wiki',
          assetType: 'information',
          ownerPersonId: beta.person('cisoBeta'),
          orgUnitId: beta.unit('ops'),
          classification: 'internal',
          requirements: { confidentiality: 'low', integrity: 'low', availability: 'low' },
        })
        .expect(201);
      const risk = await http()
        .post('/api/risk/risks')
        .set(as('cisoBeta'))
        .send({
          title: 'Wiki defacement',
          assetIds: [asset.body.assetId],
          threatCode: 'TH-15',
          vulnerabilityCode: 'VU-03',
          ownerPersonId: beta.person('cisoBeta'),
          orgUnitId: beta.unit('ops'),
          scopeId: beta.scope('ops'),
        })
        .expect(201);
      const rated = await http()
        .post(`/api/risk/risks/${risk.body.riskId}/inherent-assessment`)
        .set(as('cisoBeta'))
        .send({ likelihood: 1, impact: 1, rationale: 'x' })
        .expect(422);
      expect(rated.body.rule).toBe('no-methodology');
      const crossed = await http()
        .post('/api/risk/risks')
        .set(as('cisoBeta'))
        .send({
          title: 'x',
          assetIds: [assetId],
          threatCode: 'TH-15',
          vulnerabilityCode: 'VU-03',
          ownerPersonId: beta.person('cisoBeta'),
          orgUnitId: beta.unit('ops'),
          scopeId: beta.scope('ops'),
        })
        .expect(422);
      expect(crossed.body).toMatchObject({ rule: 'asset-unknown', field: 'assetIds.0' });
    });
  });

  describe('bad input is a 400 naming each field, never a 500', () => {
    const fieldsOf = (res: request.Response) =>
      res.body.errors.map((e: { field: string }) => e.field).sort();

    it('identify: missing, extra and mistyped fields', async () => {
      const empty = await http().post('/api/risk/risks').set(as('ismsFr')).send({}).expect(400);
      expect(fieldsOf(empty)).toEqual([
        'body.assetIds',
        'body.orgUnitId',
        'body.ownerPersonId',
        'body.scopeId',
        'body.threatCode',
        'body.title',
        'body.vulnerabilityCode',
      ]);
      const extra = await http()
        .post('/api/risk/risks')
        .set(as('ismsFr'))
        .send({
          title: 't',
          assetIds: 'asset',
          threatCode: 'TH-01',
          vulnerabilityCode: 'VU-01',
          ownerPersonId: 'p',
          orgUnitId: 'o',
          scopeId: 's',
          severity: 'high',
        })
        .expect(400);
      expect(fieldsOf(extra)).toEqual(['body', 'body.assetIds']);
      const malformed = await http()
        .post('/api/risk/risks')
        .set(as('ismsFr'))
        .set('content-type', 'application/json')
        .send('{"title": ')
        .expect(400);
      expect(fieldsOf(malformed)).toEqual(['body']);
    });

    it('ratings, decisions, plans and methodologies', async () => {
      const rating = await http()
        .post(`/api/risk/risks/${risks.de}/inherent-assessment`)
        .set(as('ismsDe'))
        .send({ likelihood: 2.5, impact: '3', rationale: '' })
        .expect(400);
      expect(fieldsOf(rating)).toEqual(['body.impact', 'body.likelihood', 'body.rationale']);
      const noReason = await http()
        .post(`/api/risk/risks/${risks.medium}/acceptance`)
        .set(as('ownerFr'))
        .send({})
        .expect(400);
      expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'body.reason' })]);
      const option = await http()
        .post(`/api/risk/risks/${risks.de}/treatment-decision`)
        .set(as('ismsDe'))
        .send({ option: 'ignore', justification: 'x' })
        .expect(400);
      expect(fieldsOf(option)).toEqual(['body.option']);
      const plan = await http()
        .put(`/api/risk/risks/${risks.de}/treatment-plan`)
        .set(as('ismsDe'))
        .send({
          actions: [{ title: 'Sandbags', ownerPersonId: 'p', dueDate: '30/06/2026' }],
          linkedControls: [{ catalogueId: 'ISO 27001', controlId: '' }],
        })
        .expect(400);
      expect(fieldsOf(plan)).toEqual([
        'body.actions.0.dueDate',
        'body.linkedControls.0.catalogueId',
        'body.linkedControls.0.controlId',
      ]);
      const methodology = await http()
        .put(`/api/risk/methodologies/${acme.unit('root')}`)
        .set(as('ciso'))
        .send({
          definition: {
            ...definitionBody,
            matrix: 'low',
            levels: [{ id: 'Low Risk', label: 'x', acceptableBy: ['boss'], reviewIntervalDays: 0 }],
          },
          reason: 'x',
        })
        .expect(400);
      expect(fieldsOf(methodology)).toEqual([
        'body.definition.levels.0.acceptableBy.0',
        'body.definition.levels.0.id',
        'body.definition.levels.0.reviewIntervalDays',
        'body.definition.matrix',
      ]);
      const wrongShape = await http()
        .put(`/api/risk/methodologies/${acme.unit('fr')}`)
        .set(as('ismsFr'))
        .send({ definition: definitionBody, reason: 'x' })
        .expect(400);
      expect(fieldsOf(wrongShape)).toEqual(['body.overrides']);
    });

    it('queries and headers', async () => {
      for (const query of [
        { limit: '0' },
        { overdue: 'soon' },
        { asOf: 'yesterday' },
        { status: 'open' },
        { aboveAppetite: 'yes' },
        { cursor: 'garbage' },
      ]) {
        const res = await http().get('/api/risk/risks').query(query).set(as('ciso')).expect(400);
        expect(res.body.errors[0].field).toMatch(/^query\./);
      }
      await http().get('/api/risk/heat-map').query({ basis: 'net' }).set(as('ciso')).expect(400);
      const ifMatch = await http()
        .post(`/api/risk/risks/${risks.de}/reviews`)
        .set(as('ismsDe'))
        .set('If-Match', 'latest')
        .send({ notes: 'x' })
        .expect(400);
      expect(ifMatch.body.errors[0].field).toBe('headers.if-match');
    });
  });

  describe('conflicts and broken rules', () => {
    it('409 on a stale If-Match, with the current revision', async () => {
      const current = await http().get(`/api/risk/risks/${risks.de}`).set(as('ismsDe')).expect(200);
      expect(current.headers.etag).toBe('"1"');
      await http()
        .post(`/api/risk/risks/${risks.de}/inherent-assessment`)
        .set(as('ismsDe'))
        .set('If-Match', '"1"')
        .send({ likelihood: 3, impact: 4, rationale: 'River nearby' })
        .expect(200);
      const stale = await http()
        .post(`/api/risk/risks/${risks.de}/treatment-decision`)
        .set(as('ismsDe'))
        .set('If-Match', '"1"')
        .send({ option: 'share', justification: 'Insurance' })
        .expect(409);
      expect(stale.body.currentRevision).toBe(2);
      expect(stale.headers.etag).toBe('"2"');
    });

    it('422 naming the rule: unknown threat, person, scope or Annex A control; a 2-level scale', async () => {
      const base = {
        title: 't',
        assetIds: [assetId],
        threatCode: 'TH-01',
        vulnerabilityCode: 'VU-01',
        ownerPersonId: acme.person('ownerFr'),
        orgUnitId: acme.unit('fr'),
        scopeId: acme.scope('fr'),
      };
      const cases: [object, string][] = [
        [{ threatCode: 'TH-99' }, 'threat-unknown'],
        [{ vulnerabilityCode: 'NOPE' }, 'vulnerability-unknown'],
        [{ ownerPersonId: beta.person('cisoBeta') }, 'person-unknown'],
        [{ scopeId: beta.scope('ops') }, 'scope-unknown'],
        [{ assetIds: [] }, 'risk-needs-assets'],
      ];
      for (const [change, rule] of cases) {
        const res = await http()
          .post('/api/risk/risks')
          .set(as('ismsFr'))
          .send({ ...base, ...change })
          .expect(422);
        expect(res.body.rule).toBe(rule);
      }
      const control = await http()
        .put(`/api/risk/risks/${risks.medium}/treatment-plan`)
        .set(as('ismsFr'))
        .send({ linkedControls: [{ catalogueId: 'iso27001-2022', controlId: '5.99' }] })
        .expect(422);
      expect(control.body).toMatchObject({ rule: 'control-unknown', field: 'linkedControls.0' });
      const scale = await http()
        .put(`/api/risk/methodologies/${acme.unit('root')}`)
        .set(as('ciso'))
        .send({
          definition: {
            ...definitionBody,
            likelihoodScale: definitionBody.likelihoodScale.slice(0, 2),
            matrix: group5x5.matrix.slice(0, 2),
          },
          changeSummary: 'Two levels',
          reason: 'x',
        })
        .expect(422);
      expect(scale.body.rule).toBe('scale-has-3-to-7-levels');
    });

    it('replays an identification sent twice with the same Idempotency-Key', async () => {
      const body = {
        title: 'Lost laptop',
        assetIds: [assetId],
        threatCode: 'TH-18',
        vulnerabilityCode: 'VU-12',
        ownerPersonId: acme.person('ownerFr'),
        orgUnitId: acme.unit('fr'),
        scopeId: acme.scope('fr'),
      };
      const first = await http()
        .post('/api/risk/risks')
        .set(as('ismsFr'))
        .set('Idempotency-Key', 'laptop-1')
        .send(body)
        .expect(201);
      const again = await http()
        .post('/api/risk/risks')
        .set(as('ismsFr'))
        .set('Idempotency-Key', 'laptop-1')
        .send(body)
        .expect(201);
      expect(again.body.riskId).toBe(first.body.riskId);
    });
  });
});
