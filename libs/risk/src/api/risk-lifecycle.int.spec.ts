import { jest } from '@jest/globals';
import request from 'supertest';
import { canonicalJson, sha256Hex } from '@isms/event-sourcing';
import {
  ControlsEventTypes,
  ControlsStreamTypes,
  GovernanceEventTypes as G,
  GovernanceStreamTypes,
  RiskEventTypes as T,
} from '@isms/contracts';
import { group5x5, subsidiaryImpactScale } from '../testing/methodology-fixtures.js';
import type { RiskTestApp, SeededTenant } from '../testing/http-harness.js';
import { createRiskTestApp } from '../testing/http-harness.js';

jest.setTimeout(60_000);

/** The API takes scales as labels and descriptions; values are their positions. */
const definitionBody = {
  likelihoodScale: group5x5.likelihoodScale.map(({ label, description }) => ({
    label,
    description,
  })),
  impactScale: group5x5.impactScale.map(({ label, description }) => ({ label, description })),
  levels: group5x5.levels,
  matrix: group5x5.matrix,
};

describe('risk management over HTTP: methodology → assets → register → treatment → acceptance → queries', () => {
  let t: RiskTestApp;
  let acme: SeededTenant;
  let tokens: Record<string, string>;
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  /** Moves the clock; tokens are re-issued, as people would log in again. */
  const setClock = async (instant: string) => {
    t.clock.set(instant);
    for (const name of Object.keys(tokens)) tokens[name] = await acme.tokenOf(name);
  };
  let assetId: string;
  let riskId: string;
  let acceptedAt: string;

  beforeAll(async () => {
    t = await createRiskTestApp('2026-03-02T09:00:00.000Z');
    acme = await t.tenant({
      units: {
        fr: { parent: 'root', kind: 'subsidiary', name: 'Acme France' },
        pl: { parent: 'root', kind: 'subsidiary', name: 'Acme Polska' },
        lyon: { parent: 'fr', kind: 'site', name: 'Lyon' },
      },
      people: {
        ciso: [['ciso', 'root']],
        ismsFr: [['isms-manager', 'fr']],
        ismsPl: [['isms-manager', 'pl']],
        ownerFr: [['risk-owner', 'fr']],
        ownerPl: [['risk-owner', 'pl']],
      },
      scopes: { fr: ['fr'], pl: ['pl'] },
    });
    tokens = {};
    for (const name of ['ciso', 'ismsFr', 'ismsPl', 'ownerFr', 'ownerPl'])
      tokens[name] = await acme.tokenOf(name);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('the group CISO sets the group methodology: 5×5, up to medium by the risk owner, high only by the CISO', async () => {
    const res = await http()
      .put(`/api/risk/methodologies/${acme.unit('root')}`)
      .set(as('ciso'))
      .send({ definition: definitionBody, reason: 'Approved by the ISMS committee' })
      .expect(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body.own).toMatchObject({ kind: 'base', version: 1 });
    expect(res.body.own.definition.matrix).toEqual(group5x5.matrix);
    expect(res.body.effective.appetite).toEqual(['low', 'medium']);
    expect(res.body.effective.versions).toEqual([{ orgUnitId: acme.unit('root'), version: 1 }]);
  });

  it('a subsidiary refines its impact scale; its subtree uses it, the rest of the group does not', async () => {
    await http()
      .put(`/api/risk/methodologies/${acme.unit('pl')}`)
      .set(as('ismsPl'))
      .send({
        overrides: {
          impactScale: subsidiaryImpactScale.map(({ label, description }) => ({
            label,
            description,
          })),
        },
        reason: 'Impact thresholds in PLN, agreed with the group CISO',
      })
      .expect(200);
    const pl = await http()
      .get(`/api/risk/methodologies/${acme.unit('pl')}`)
      .set(as('ciso'))
      .expect(200);
    expect(pl.body.own).toMatchObject({
      kind: 'refinement',
      version: 1,
      basedOn: [{ orgUnitId: acme.unit('root'), version: 1 }],
    });
    expect(pl.body.effective.definition.impactScale[1].description).toBe('Under 50k PLN');
    expect(pl.body.effective.versions).toEqual([
      { orgUnitId: acme.unit('root'), version: 1 },
      { orgUnitId: acme.unit('pl'), version: 1 },
    ]);
    const lyon = await http()
      .get(`/api/risk/methodologies/${acme.unit('lyon')}`)
      .set(as('ismsFr'))
      .expect(200);
    expect(lyon.body.own).toBeNull();
    expect(lyon.body.effective.definition.impactScale[1].description).toBe(
      'Local disruption, under 10k EUR',
    );
  });

  it('a new group version that would break a refinement is refused, naming the subsidiary', async () => {
    const res = await http()
      .put(`/api/risk/methodologies/${acme.unit('root')}`)
      .set(as('ciso'))
      .send({
        definition: {
          ...definitionBody,
          impactScale: definitionBody.impactScale.slice(0, 4),
          matrix: group5x5.matrix.map((r) => r.slice(0, 4)),
        },
        changeSummary: 'Four impact levels',
        reason: 'Simpler',
      })
      .expect(422);
    expect(res.body.rule).toBe('refinement-would-break');
    expect(res.body.orgUnitId).toBe(acme.unit('pl'));
  });

  it('registers an asset and lists the threat and vulnerability catalogues', async () => {
    const res = await http()
      .post('/api/risk/assets')
      .set(as('ismsFr'))
      .send({
        name: 'Customer CRM',
        description: 'Customer master data',
        assetType: 'information',
        ownerPersonId: acme.person('ownerFr'),
        orgUnitId: acme.unit('fr'),
        classification: 'confidential',
        requirements: { confidentiality: 'high', integrity: 'high', availability: 'medium' },
      })
      .expect(201);
    assetId = res.body.assetId;
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      status: 'active',
      assetType: 'information',
      tenantId: acme.tenantId,
    });
    const threats = await http().get('/api/risk/catalogue/threats').set(as('ismsFr')).expect(200);
    expect(threats.body.items.length).toBeGreaterThanOrEqual(20);
    await http()
      .post('/api/risk/catalogue/threats')
      .set(as('ismsFr'))
      .send({
        code: 'ACME-T-01',
        name: 'Industrial espionage at trade fairs',
        category: 'deliberate',
        affects: ['confidentiality'],
        orgUnitId: acme.unit('fr'),
      })
      .expect(201);
    const after = await http().get('/api/risk/catalogue/threats').set(as('ismsPl')).expect(200);
    expect(after.body.items.at(-1)).toMatchObject({ code: 'ACME-T-01', source: 'tenant' });
  });

  it('identifies, rates, treats and plans a risk; each step answers with the register entry and its ETag', async () => {
    const identified = await http()
      .post('/api/risk/risks')
      .set(as('ismsFr'))
      .send({
        title: 'Ransomware encrypts the CRM',
        assetIds: [assetId],
        threatCode: 'TH-07',
        vulnerabilityCode: 'VU-05',
        ownerPersonId: acme.person('ownerFr'),
        orgUnitId: acme.unit('fr'),
        scopeId: acme.scope('fr'),
      })
      .expect(201);
    riskId = identified.body.riskId;
    expect(identified.body.status).toBe('identified');

    const inherent = await http()
      .post(`/api/risk/risks/${riskId}/inherent-assessment`)
      .set(as('ismsFr'))
      .set('If-Match', String(identified.headers.etag))
      .send({
        likelihood: 4,
        impact: 4,
        rationale: 'Two phishing waves last year',
        existingControls: 'Nightly backups',
        existingControlRefs: [{ catalogueId: 'iso27001-2022', controlId: '8.13' }],
      })
      .expect(200);
    expect(inherent.headers.etag).toBe('"2"');
    expect(inherent.body).toMatchObject({
      status: 'assessed',
      currentLevel: 'high',
      aboveAppetite: true,
      inherent: { level: 'high', methodology: [{ orgUnitId: acme.unit('root'), version: 1 }] },
    });
    expect(inherent.body.nextReviewDue).toBe('2026-05-31');

    await http()
      .post(`/api/risk/risks/${riskId}/treatment-decision`)
      .set(as('ismsFr'))
      .send({ option: 'modify', justification: 'Mitigating costs less than the expected loss' })
      .expect(200);
    const planned = await http()
      .put(`/api/risk/risks/${riskId}/treatment-plan`)
      .set(as('ismsFr'))
      .send({
        actions: [
          {
            title: 'Enforce MFA on the CRM',
            ownerPersonId: acme.person('ismsFr'),
            dueDate: '2026-04-30',
          },
        ],
        linkedControls: [
          { catalogueId: 'iso27001-2022', controlId: '5.15' },
          { catalogueId: 'iso27001-2022', controlId: '8.5' },
        ],
      })
      .expect(200);
    expect(planned.body).toMatchObject({
      status: 'treatment-planned',
      openActions: 1,
      nextOpenActionDue: '2026-04-30',
    });
    expect(planned.body.controlKeys).toEqual([
      'iso27001-2022:5.15',
      'iso27001-2022:8.13',
      'iso27001-2022:8.5',
    ]);
    expect(planned.body.plan.actions[0].actionId).toMatch(/^action-/);
  });

  it('refuses to accept before the residual assessment, saying what is missing', async () => {
    const res = await http()
      .post(`/api/risk/risks/${riskId}/acceptance`)
      .set(as('ownerFr'))
      .send({ reason: 'fine' })
      .expect(422);
    expect(res.body).toMatchObject({ rule: 'acceptance-needs-residual-assessment', status: 422 });
    expect(res.body.detail).toMatch(/Assess the residual risk/);
  });

  it('the risk owner accepts the residual risk within appetite; the acceptance digests the exact risk state', async () => {
    await setClock('2026-03-03T09:00:00.000Z');
    await http()
      .post(`/api/risk/risks/${riskId}/residual-assessment`)
      .set(as('ismsFr'))
      .send({ likelihood: 2, impact: 3, rationale: 'MFA and immutable backups' })
      .expect(200);
    await setClock('2026-03-04T09:00:00.000Z');
    acceptedAt = t.clock.now().toISOString();
    const accepted = await http()
      .post(`/api/risk/risks/${riskId}/acceptance`)
      .set(as('ownerFr'))
      .send({ reason: 'Residual exposure fits our appetite' })
      .expect(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      acceptanceStatus: 'current',
      acceptance: {
        acceptedBy: acme.person('ownerFr'),
        authority: 'risk-owner',
        residualLevel: 'medium',
        withinAppetite: true,
      },
    });
    const history = await http()
      .get(`/api/risk/risks/${riskId}/history`)
      .set(as('ownerFr'))
      .expect(200);
    const acceptance = history.body.events.find((e: { type: string }) => e.type === T.RiskAccepted);
    expect(acceptance.actor.userId).toBe(acme.person('ownerFr'));
    expect(acceptance.reason).toBe('Residual exposure fits our appetite');
    expect(acceptance.data.materialState).toMatchObject({
      scopeId: acme.scope('fr'),
      treatment: 'modify',
      residual: { likelihood: 2, impact: 3, level: 'medium' },
    });
    expect(acceptance.data.digest).toBe(sha256Hex(canonicalJson(acceptance.data.materialState)));
    expect(history.body.integrity).toMatchObject({
      valid: true,
      eventsChecked: history.body.events.length,
    });
  });

  it('queries the register by subtree, scope, level, status, owner and acceptance status', async () => {
    const query = async (q: Record<string, string>) =>
      (await http().get('/api/risk/risks').query(q).set(as('ciso')).expect(200)).body.items.map(
        (r: { riskId: string }) => r.riskId,
      );
    expect(await query({ orgUnitId: acme.unit('root') })).toEqual([riskId]);
    expect(await query({ orgUnitId: acme.unit('pl') })).toEqual([]);
    expect(await query({ scopeId: acme.scope('fr'), level: 'medium', status: 'accepted' })).toEqual(
      [riskId],
    );
    expect(await query({ level: 'high' })).toEqual([]);
    expect(
      await query({ ownerPersonId: acme.person('ownerFr'), acceptanceStatus: 'current' }),
    ).toEqual([riskId]);
    expect(await query({ control: 'iso27001-2022:5.15' })).toEqual([riskId]);
    expect(await query({ aboveAppetite: 'true' })).toEqual([]);
  });

  it('counts risks on a heat map, residual or inherent', async () => {
    const residual = await http()
      .get('/api/risk/heat-map')
      .query({ basis: 'residual' })
      .set(as('ciso'))
      .expect(200);
    expect(residual.body).toMatchObject({
      total: 1,
      cells: [{ likelihood: 2, impact: 3, level: 'medium', count: 1 }],
      byLevel: [{ level: 'medium', count: 1 }],
    });
    expect(residual.body.grid.matrix).toEqual(group5x5.matrix);
    const inherent = await http()
      .get('/api/risk/heat-map')
      .query({ basis: 'inherent', orgUnitId: acme.unit('fr') })
      .set(as('ismsFr'))
      .expect(200);
    expect(inherent.body.cells).toEqual([{ likelihood: 4, impact: 4, level: 'high', count: 1 }]);
    const pl = await http()
      .get('/api/risk/heat-map')
      .query({ orgUnitId: acme.unit('pl') })
      .set(as('ismsPl'))
      .expect(200);
    expect(pl.body.total).toBe(0);
    expect(pl.body.grid.impact[1]).toEqual({ value: 2, label: 'Minor' });
  });

  it('answers from history with asOf: before the acceptance, the risk was only residual-assessed', async () => {
    const before = await http()
      .get(`/api/risk/risks/${riskId}`)
      .query({ asOf: '2026-03-03T12:00:00Z' })
      .set(as('ciso'))
      .expect(200);
    expect(before.body).toMatchObject({ status: 'residual-assessed', acceptanceStatus: 'none' });
    const list = await http()
      .get('/api/risk/risks')
      .query({ asOf: '2026-03-02T08:00:00Z' })
      .set(as('ciso'))
      .expect(200);
    expect(list.body.items).toEqual([]);
    const history = await http()
      .get(`/api/risk/risks/${riskId}/history`)
      .query({ asOf: '2026-03-03T12:00:00Z' })
      .set(as('ciso'))
      .expect(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).not.toContain(T.RiskAccepted);
    const methodology = await http()
      .get(`/api/risk/methodologies/${acme.unit('root')}`)
      .query({ asOf: '2026-03-02T08:00:00Z' })
      .set(as('ciso'))
      .expect(200);
    expect(methodology.body).toMatchObject({ own: null, effective: null });
    const heat = await http()
      .get('/api/risk/heat-map')
      .query({ asOf: '2026-03-02T08:00:00Z' })
      .set(as('ciso'))
      .expect(200);
    expect(heat.body.total).toBe(0);
  });

  it('a linked control found ineffective marks the acceptance "needs re-approval"; the owner re-approves', async () => {
    await setClock('2026-03-10T09:00:00.000Z');
    await t.seed(
      acme.tenantId,
      'control-test-plan-hand-made-1',
      ControlsStreamTypes.ControlTestPlan,
      [
        {
          type: ControlsEventTypes.ControlTestResultRecorded,
          data: {
            testPlanId: 'control-test-plan-hand-made-1',
            scopeId: acme.scope('fr'),
            orgUnitId: acme.unit('fr'),
            catalogueId: 'iso27001-2022',
            controlId: '8.5',
            result: 'not-effective',
            testedBy: acme.person('ismsFr'),
            testedAt: '2026-03-10',
            notes: 'MFA bypass for service accounts',
            nextDueOn: '2026-06-10',
          },
        },
      ],
    );
    const stale = await waitFor(async () => {
      const res = await http().get(`/api/risk/risks/${riskId}`).set(as('ownerFr')).expect(200);
      return res.body.acceptanceStatus === 'needs-re-approval' ? res.body : undefined;
    });
    expect(stale.status).toBe('accepted');
    expect(stale.acceptance.staleCause).toMatchObject({
      kind: 'control-found-ineffective',
      control: { catalogueId: 'iso27001-2022', controlId: '8.5' },
      result: 'not-effective',
    });
    const needing = await http()
      .get('/api/risk/risks')
      .query({ acceptanceStatus: 'needs-re-approval' })
      .set(as('ciso'))
      .expect(200);
    expect(needing.body.items.map((r: { riskId: string }) => r.riskId)).toEqual([riskId]);

    await setClock('2026-03-11T09:00:00.000Z');
    const again = await http()
      .post(`/api/risk/risks/${riskId}/acceptance`)
      .set(as('ownerFr'))
      .send({ reason: 'Service accounts fixed on 2026-03-11; residual unchanged' })
      .expect(200);
    expect(again.body.acceptanceStatus).toBe('current');
    expect(again.body.acceptance.acceptedAt).not.toBe(acceptedAt);
  });

  it('a new approved version of the risk’s ISMS scope marks its acceptance stale too', async () => {
    await setClock('2026-03-12T09:00:00.000Z');
    const scopeId = acme.scope('fr');
    const definition = {
      name: 'Scope fr v2',
      description: 'Now with Lyon',
      ownerOrgUnitId: acme.unit('fr'),
      includedOrgUnitIds: [acme.unit('fr')],
      locations: ['Lyon'],
      exclusions: [],
      interfacesAndDependencies: [],
      internalIssues: [],
      externalIssues: [],
      interestedParties: [],
    };
    await t.seed(acme.tenantId, scopeId, GovernanceStreamTypes.IsmsScope, [
      {
        type: G.IsmsScopeRevised,
        data: { scopeId, version: 2, definition, changeSummary: 'Lyon site added' },
      },
      {
        type: G.IsmsScopeApproved,
        data: {
          scopeId,
          version: 2,
          approvedBy: acme.person('ciso'),
          approverRole: 'ciso',
          reason: 'Approved',
          approvedAt: '2026-03-12T09:00:00.000Z',
        },
      },
    ]);
    const stale = await waitFor(async () => {
      const res = await http().get(`/api/risk/risks/${riskId}`).set(as('ownerFr')).expect(200);
      return res.body.acceptanceStatus === 'needs-re-approval' ? res.body : undefined;
    });
    expect(stale.acceptance.staleCause).toMatchObject({
      kind: 'scope-changed',
      scopeId,
      scopeVersion: 2,
      summary: expect.stringContaining('Lyon site added'),
    });
    await setClock('2026-03-13T09:00:00.000Z');
    await http()
      .post(`/api/risk/risks/${riskId}/acceptance`)
      .set(as('ownerFr'))
      .send({ reason: 'Lyon adds no exposure to the CRM' })
      .expect(200);
  });

  it('re-rating an accepted risk goes through and asks for re-approval; the residual is re-assessed first', async () => {
    await setClock('2026-03-20T09:00:00.000Z');
    const res = await http()
      .post(`/api/risk/risks/${riskId}/inherent-assessment`)
      .set(as('ismsFr'))
      .send({
        likelihood: 5,
        impact: 4,
        rationale: 'Sector-wide ransomware campaign',
        existingControlRefs: [{ catalogueId: 'iso27001-2022', controlId: '8.13' }],
      })
      .expect(200);
    expect(res.body).toMatchObject({
      status: 'treatment-planned',
      acceptanceStatus: 'needs-re-approval',
      acceptance: { staleCause: { kind: 'material-change', change: T.InherentRiskAssessed } },
    });
    const refused = await http()
      .post(`/api/risk/risks/${riskId}/acceptance`)
      .set(as('ownerFr'))
      .send({ reason: 'still fine' })
      .expect(422);
    expect(refused.body.rule).toBe('residual-assessment-outdated');
  });

  it('rates a subsidiary’s risk on its refined methodology and records both versions', async () => {
    const asset = await http()
      .post('/api/risk/assets')
      .set(as('ismsPl'))
      .send({
        name: 'Payroll',
        assetType: 'process',
        ownerPersonId: acme.person('ownerPl'),
        orgUnitId: acme.unit('pl'),
        classification: 'restricted',
        requirements: { confidentiality: 'very-high', integrity: 'high', availability: 'medium' },
      })
      .expect(201);
    const identified = await http()
      .post('/api/risk/risks')
      .set(as('ismsPl'))
      .send({
        title: 'Payroll data leak',
        assetIds: [asset.body.assetId],
        threatCode: 'ACME-T-01',
        vulnerabilityCode: 'VU-04',
        ownerPersonId: acme.person('ownerPl'),
        orgUnitId: acme.unit('pl'),
        scopeId: acme.scope('pl'),
      })
      .expect(201);
    const rated = await http()
      .post(`/api/risk/risks/${identified.body.riskId}/inherent-assessment`)
      .set(as('ismsPl'))
      .send({ likelihood: 2, impact: 2, rationale: 'Small team' })
      .expect(200);
    expect(rated.body.inherent.methodology).toEqual([
      { orgUnitId: acme.unit('root'), version: 1 },
      { orgUnitId: acme.unit('pl'), version: 1 },
    ]);
  });

  it('finds overdue treatment actions and overdue reviews as of today (the clock)', async () => {
    const overdue = async (kind: string) =>
      (
        await http().get('/api/risk/risks').query({ overdue: kind }).set(as('ciso')).expect(200)
      ).body.items.map((r: { riskId: string }) => r.riskId);
    expect(await overdue('actions')).toEqual([]);
    await setClock('2026-05-02T09:00:00.000Z');
    expect(await overdue('actions')).toEqual([riskId]);
    expect(await overdue('review')).toEqual([]);
    await setClock('2026-12-01T09:00:00.000Z');
    expect(await overdue('review')).toContain(riskId);
    const review = await http()
      .post(`/api/risk/risks/${riskId}/reviews`)
      .set(as('ownerFr'))
      .send({ notes: 'Exposure unchanged' })
      .expect(200);
    expect(review.body.lastReviewedAt).toBe('2026-12-01T09:00:00.000Z');
    expect(await overdue('review')).not.toContain(riskId);
  });

  it('closes a risk with a reason; closed risks leave the register unless asked for', async () => {
    await http()
      .post(`/api/risk/risks/${riskId}/close`)
      .set(as('ismsFr'))
      .send({ reason: 'CRM decommissioned' })
      .expect(200);
    const open = await http().get('/api/risk/risks').set(as('ciso')).expect(200);
    expect(open.body.items.map((r: { riskId: string }) => r.riskId)).not.toContain(riskId);
    const closed = await http()
      .get('/api/risk/risks')
      .query({ status: 'closed' })
      .set(as('ciso'))
      .expect(200);
    expect(closed.body.items.map((r: { riskId: string }) => r.riskId)).toEqual([riskId]);
    const refused = await http()
      .post(`/api/risk/risks/${riskId}/reviews`)
      .set(as('ownerFr'))
      .send({ notes: 'x' })
      .expect(422);
    expect(refused.body.rule).toBe('risk-closed');
  });

  it('keeps the asset inventory: changes with If-Match, retirement with a reason, no new risks on a retired asset', async () => {
    const current = await http().get(`/api/risk/assets/${assetId}`).set(as('ismsFr')).expect(200);
    const changed = await http()
      .patch(`/api/risk/assets/${assetId}`)
      .set(as('ismsFr'))
      .set('If-Match', String(current.headers.etag))
      .send({ classification: 'restricted' })
      .expect(200);
    expect(changed.body.classification).toBe('restricted');
    await http()
      .patch(`/api/risk/assets/${assetId}`)
      .set(as('ismsFr'))
      .set('If-Match', String(current.headers.etag))
      .send({ name: 'CRM' })
      .expect(409);
    await http().post(`/api/risk/assets/${assetId}/retire`).set(as('ismsFr')).send({}).expect(400);
    const retired = await http()
      .post(`/api/risk/assets/${assetId}/retire`)
      .set(as('ismsFr'))
      .send({ reason: 'CRM decommissioned' })
      .expect(200);
    expect(retired.body).toMatchObject({
      status: 'retired',
      retirementReason: 'CRM decommissioned',
    });
    const active = await http()
      .get('/api/risk/assets')
      .query({ orgUnitId: acme.unit('fr') })
      .set(as('ismsFr'))
      .expect(200);
    expect(active.body.items).toEqual([]);
    const all = await http()
      .get('/api/risk/assets')
      .query({ orgUnitId: acme.unit('fr'), includeRetired: 'true' })
      .set(as('ismsFr'))
      .expect(200);
    expect(all.body.items.map((a: { assetId: string }) => a.assetId)).toEqual([assetId]);
    const refused = await http()
      .post('/api/risk/risks')
      .set(as('ismsFr'))
      .send({
        title: 'x',
        assetIds: [assetId],
        threatCode: 'TH-01',
        vulnerabilityCode: 'VU-01',
        ownerPersonId: acme.person('ownerFr'),
        orgUnitId: acme.unit('fr'),
        scopeId: acme.scope('fr'),
      })
      .expect(422);
    expect(refused.body).toMatchObject({ rule: 'asset-retired', field: 'assetIds.0' });
  });

  it('describes the risk API in OpenAPI, errors included', async () => {
    const doc = await http().get('/docs-json').expect(200);
    const accept = doc.body.paths['/api/risk/risks/{riskId}/acceptance'].post;
    expect(Object.keys(accept.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409', '422']),
    );
    expect(accept.requestBody.content['application/json'].schema.required).toEqual(['reason']);
    expect(
      doc.body.paths['/api/risk/risks'].get.parameters.map((p: { name: string }) => p.name),
    ).toEqual(
      expect.arrayContaining([
        'orgUnitId',
        'scopeId',
        'level',
        'status',
        'ownerPersonId',
        'overdue',
        'asOf',
      ]),
    );
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/risk/methodologies/{orgUnitId}',
        '/api/risk/assets',
        '/api/risk/catalogue/threats',
        '/api/risk/heat-map',
        '/api/risk/risks/{riskId}/history',
      ]),
    );
  });
});

/** Polls until `probe` returns a value (the acceptance policy runs asynchronously). */
async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
