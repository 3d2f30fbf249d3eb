import { jest } from '@jest/globals';
import pg from 'pg';
import type { Reply, TestTopology } from './e2e-support.js';
import { eventually, expectStatus, startTestTopology } from './e2e-support.js';
import type { ServiceName } from './topology.js';

/**
 * The distributed deployment, end to end: the five services as separate processes
 * on real PostgreSQL (a schema per service), Kafka (the outbox relay of each service publishes
 * its context's topic) and FerretDB (a database per service), driven over HTTP as users would.
 * A decision taken in one service shows up in another one, and an external auditor sees only
 * the scope of their grant, in every service.
 */
jest.setTimeout(300_000);

const SERVICES: ServiceName[] = [
  'governance-service',
  'risk-service',
  'control-service',
  'audit-service',
  'reporting-service',
];
const A = 'iso27001-2022';
const timings: Record<string, number> = {};

const scale = (labels: string[]) => labels.map((label) => ({ label, description: label }));
const methodology = {
  likelihoodScale: scale(['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain']),
  impactScale: scale(['Negligible', 'Minor', 'Moderate', 'Major', 'Severe']),
  levels: [
    {
      id: 'low',
      label: 'Low',
      description: 'Routine',
      acceptableBy: ['risk-owner'],
      reviewIntervalDays: 365,
    },
    {
      id: 'medium',
      label: 'Medium',
      description: 'Watched',
      acceptableBy: ['risk-owner'],
      reviewIntervalDays: 180,
    },
    {
      id: 'high',
      label: 'High',
      description: 'CISO only',
      acceptableBy: ['ciso'],
      reviewIntervalDays: 90,
    },
    {
      id: 'critical',
      label: 'Critical',
      description: 'Treat',
      acceptableBy: [],
      reviewIntervalDays: 30,
    },
  ],
  matrix: [
    ['low', 'low', 'low', 'medium', 'medium'],
    ['low', 'low', 'medium', 'medium', 'high'],
    ['low', 'medium', 'medium', 'high', 'high'],
    ['medium', 'medium', 'high', 'high', 'critical'],
    ['medium', 'high', 'high', 'critical', 'critical'],
  ],
};

describe('distributed deployment: the five services as separate processes over Kafka', () => {
  let t: TestTopology;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  /** Instants between steps, for the reporting service's `?asOf=` reports. */
  const instants: Record<string, string> = {};
  let tenantId: string;

  const call = (
    service: ServiceName,
    method: string,
    path: string,
    who?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => t.call(service, method, path, who ? tokens[who] : undefined, body, headers);
  const created = async (reply: Promise<Reply>, what: string) =>
    expectStatus(await reply, 201, what).body;

  beforeAll(async () => {
    const started = Date.now();
    t = await startTestTopology(SERVICES);
    timings['topology start (5 processes, ms)'] = Date.now() - started;
    tokens['platformAdmin'] = await t.token(t.platformAdminId);
  });

  afterAll(async () => {
    console.log(`distributed e2e timings: ${JSON.stringify(timings, null, 1)}`);
    await t?.close();
  });

  it('every service answers /health (up), /metrics and its OpenAPI description', async () => {
    for (const service of SERVICES) {
      const health = expectStatus(await call(service, 'GET', '/health'), 200, `${service} health`);
      expect(health.body).toMatchObject({
        status: 'up',
        components: {
          eventStore: { status: 'up', adapter: 'postgresql' },
          messageBus: { status: 'up', adapter: 'kafka' },
          readStore: { status: 'up', adapter: 'mongodb' },
          outboxRelay: { status: 'up' },
        },
      });
      const metrics = await fetch(`${t.services[service]!.url}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('isms_outbox_relay_lag_events');
      expect(text).toContain('isms_projection_lag_events');
      const docs = await fetch(`${t.services[service]!.url}/docs-json`);
      expect(docs.status).toBe(200);
      expect(((await docs.json()) as { paths: object }).paths).toBeDefined();
    }
  });

  it('the group is built in the governance service: tenant, subsidiaries, sites, people, roles', async () => {
    const tenant = await created(
      call('governance-service', 'POST', '/api/tenants', 'platformAdmin', {
        name: 'Acme Group',
        groupAdmin: { displayName: 'Grace Admin', email: 'grace@acme.example' },
      }),
      'tenant',
    );
    tenantId = tenant['tenantId'] as string;
    ids['root'] = tenant['rootOrgUnitId'] as string;
    tokens['groupAdmin'] = await t.token(
      (tenant['groupAdmin'] as { personId: string }).personId,
      tenantId,
    );
    const unit = async (key: string, parent: string, kind: string, name: string) => {
      ids[key] = (
        await created(
          call('governance-service', 'POST', '/api/org-units', 'groupAdmin', {
            parentId: ids[parent],
            kind,
            name,
          }),
          `org unit ${name}`,
        )
      )['orgUnitId'] as string;
    };
    await unit('fr', 'root', 'subsidiary', 'Acme France');
    await unit('lyon', 'fr', 'site', 'Lyon');
    await unit('paris', 'fr', 'site', 'Paris');
    await unit('de', 'root', 'subsidiary', 'Acme Germany');
    await unit('berlin', 'de', 'site', 'Berlin');

    const person = async (
      key: string,
      displayName: string,
      home: string,
      roles: [string, string][],
    ) => {
      const personId = (
        await created(
          call('governance-service', 'POST', '/api/people', 'groupAdmin', {
            displayName,
            email: `${key}@acme.example`,
            homeOrgUnitId: ids[home],
          }),
          `person ${displayName}`,
        )
      )['personId'] as string;
      for (const [role, unitKey] of roles) {
        await created(
          call(
            'governance-service',
            'POST',
            `/api/people/${personId}/role-bindings`,
            'groupAdmin',
            {
              role,
              orgUnitId: ids[unitKey],
            },
          ),
          `role ${role}`,
        );
      }
      ids[key] = personId;
      tokens[key] = await t.token(personId, tenantId);
    };
    await person('groupCiso', 'Gordon CISO', 'root', [['ciso', 'root']]);
    await person('cisoFr', 'Claire CISO', 'fr', [['ciso', 'fr']]);
    await person('ismsFr', 'Ivan ISMS', 'fr', [['isms-manager', 'fr']]);
    await person('ownerFr', 'Rita Risk', 'fr', [['risk-owner', 'fr']]);
    await person('controlOwnerFr', 'Carl Control', 'fr', [['control-owner', 'fr']]);
    await person('ismsDe', 'Dieter ISMS', 'de', [['isms-manager', 'de']]);
    await person('auditorFr', 'Ines Audit', 'fr', [['internal-auditor', 'fr']]);

    const tree = expectStatus(
      await call('governance-service', 'GET', '/api/org-units/tree', 'groupAdmin'),
      200,
      'tree',
    );
    expect(JSON.stringify(tree.body)).toContain('Acme Germany');
  });

  it('scopes are defined and approved; an external auditor gets a read-only grant on the France scope', async () => {
    const scope = async (key: string, owner: string, name: string) => {
      const scopeId = (
        await created(
          call('governance-service', 'POST', '/api/scopes', 'groupAdmin', {
            name,
            description: 'Design, development and operation of the payments platform',
            ownerOrgUnitId: ids[owner],
            includedOrgUnitIds: [ids[owner]],
            locations: ['Head office'],
            exclusions: [],
            interfacesAndDependencies: [],
            internalIssues: [],
            externalIssues: [],
            interestedParties: [],
          }),
          `scope ${name}`,
        )
      )['scopeId'] as string;
      expectStatus(
        await call('governance-service', 'POST', `/api/scopes/${scopeId}/approval`, 'groupAdmin', {
          reason: 'Management review of the quarter',
        }),
        200,
        'scope approval',
      );
      ids[key] = scopeId;
    };
    await scope('frScope', 'fr', 'Acme France ISMS');
    await scope('deScope', 'de', 'Acme Germany ISMS');

    ids['eve'] = (
      await created(
        call('governance-service', 'POST', '/api/people', 'groupAdmin', {
          displayName: 'Eve Auditor',
          email: 'eve@certa.example',
          kind: 'external-auditor',
          certificationBody: 'Certa GmbH',
          homeOrgUnitId: ids['fr'],
        }),
        'auditor',
      )
    )['personId'] as string;
    const now = Date.now();
    await created(
      call('governance-service', 'POST', '/api/access-grants', 'groupAdmin', {
        auditorPersonId: ids['eve'],
        scopeId: ids['frScope'],
        validFrom: new Date(now - 3_600_000).toISOString(),
        validUntil: new Date(now + 7 * 86_400_000).toISOString(),
        reason: 'Stage 2 audit, contract CB-2026-17',
      }),
      'grant',
    );
    tokens['eve'] = await t.token(ids['eve'], tenantId);
  });

  it('the risk service learns the people, roles and scopes from governance’s published events', async () => {
    // Nothing was told to the risk service directly: its access directory is fed from Kafka.
    timings['governance → risk access directory (ms)'] = await eventually(async () => {
      expectStatus(
        await call('risk-service', 'PUT', `/api/risk/methodologies/${ids['root']}`, 'groupCiso', {
          definition: methodology,
          reason: 'Approved by the ISMS committee',
        }),
        200,
        'methodology',
      );
    });
  });

  it('a risk is registered, rated, treated and accepted by its owner in the risk service', async () => {
    instants['beforeRisk'] = new Date().toISOString();
    ids['asset'] = (
      await created(
        call('risk-service', 'POST', '/api/risk/assets', 'ismsFr', {
          name: 'Customer CRM',
          description: 'Customer master data',
          assetType: 'information',
          ownerPersonId: ids['ownerFr'],
          orgUnitId: ids['fr'],
          classification: 'confidential',
          requirements: { confidentiality: 'high', integrity: 'high', availability: 'medium' },
        }),
        'asset',
      )
    )['assetId'] as string;
    const identified = expectStatus(
      await call('risk-service', 'POST', '/api/risk/risks', 'ismsFr', {
        title: 'Ransomware encrypts the CRM',
        assetIds: [ids['asset']],
        threatCode: 'TH-07',
        vulnerabilityCode: 'VU-05',
        ownerPersonId: ids['ownerFr'],
        orgUnitId: ids['fr'],
        scopeId: ids['frScope'],
      }),
      201,
      'risk',
    );
    const riskId = identified.body['riskId'] as string;
    ids['risk'] = riskId;
    const step = async (path: string, who: string, body: object, method = 'POST') =>
      expectStatus(
        await call('risk-service', method, `/api/risk/risks/${riskId}/${path}`, who, body),
        200,
        path,
      ).body;
    expect(
      await step('inherent-assessment', 'ismsFr', {
        likelihood: 4,
        impact: 4,
        rationale: 'Two phishing waves last year',
      }),
    ).toMatchObject({ currentLevel: 'high', aboveAppetite: true });
    await step('treatment-decision', 'ismsFr', {
      option: 'modify',
      justification: 'Mitigating costs less than the expected loss',
    });
    await step(
      'treatment-plan',
      'ismsFr',
      {
        actions: [
          { title: 'Enforce MFA on the CRM', ownerPersonId: ids['ismsFr'], dueDate: '2027-04-30' },
        ],
        linkedControls: [
          { catalogueId: A, controlId: '5.15' },
          { catalogueId: A, controlId: '8.13' },
        ],
      },
      'PUT',
    );
    await step('residual-assessment', 'ismsFr', {
      likelihood: 2,
      impact: 3,
      rationale: 'MFA and immutable backups',
    });
    expect(
      await step('acceptance', 'ownerFr', { reason: 'Residual exposure fits our appetite' }),
    ).toMatchObject({ status: 'accepted', acceptanceStatus: 'current' });
    instants['afterAcceptance'] = new Date().toISOString();
  });

  it('the controls service sees the risk’s linked controls (risk events from Kafka)', async () => {
    timings['risk → controls risk links (ms)'] = await eventually(async () => {
      const reply = expectStatus(
        await call('control-service', 'GET', `/api/controls/by-risk/${ids['risk']}`, 'ismsFr'),
        200,
        'controls by risk',
      );
      expect(JSON.stringify(reply.body)).toContain('8.13');
    });
  });

  it('the Statement of Applicability of the France scope is kept and approved in the controls service', async () => {
    const soa = `/api/scopes/${ids['frScope']}/soa`;
    const established = await created(
      call('control-service', 'POST', soa, 'ismsFr', { catalogueId: A }),
      'SoA',
    );
    const lines = established['lines'] as { controlId: string }[];
    expect(lines).toHaveLength(93);
    for (const { controlId } of lines) {
      expectStatus(
        await call('control-service', 'PUT', `${soa}/lines/${A}/${controlId}`, 'ismsFr', {
          applicable: true,
          inclusionReasons: ['risk-treatment'],
          justification: 'Treats the risks of the payments platform',
          implementationStatus: 'planned',
        }),
        200,
        `line ${controlId}`,
      );
    }
    const approved = expectStatus(
      await call('control-service', 'POST', `${soa}/approval`, 'cisoFr', {
        reason: 'Management review of the quarter',
      }),
      200,
      'SoA approval',
    );
    expect(approved.body['approval']).toMatchObject({ status: 'approved', version: 1 });
    instants['soaApproved'] = new Date().toISOString();
  });

  it('a control tested ineffective in the controls service marks the risk acceptance for re-approval in the risk service', async () => {
    const plan = await created(
      call('control-service', 'POST', '/api/control-tests', 'ismsFr', {
        scopeId: ids['frScope'],
        catalogueId: A,
        controlId: '8.13',
        frequency: 'quarterly',
        method: 're-performance',
        description: 'Restore a sample of files from last night’s backup',
        firstDueOn: '2027-03-31',
      }),
      'test plan',
    );
    const testPlanId = (plan['testPlanId'] ?? plan['id']) as string;
    expectStatus(
      await call(
        'control-service',
        'POST',
        `/api/control-tests/${testPlanId}/results`,
        'controlOwnerFr',
        {
          result: 'not-effective',
          testedAt: new Date(Date.now() - 60_000).toISOString(),
          notes: 'Restore failed: the backup was encrypted too',
        },
      ),
      201,
      'test result',
    );
    timings['controls → risk acceptance policy (ms)'] = await eventually(async () => {
      const risk = expectStatus(
        await call('risk-service', 'GET', `/api/risk/risks/${ids['risk']}`, 'ownerFr'),
        200,
        'risk',
      );
      expect(risk.body['acceptanceStatus']).toBe('needs-re-approval');
    });
  });

  it('an internal audit of the France scope raises a finding with a corrective action in the audit service', async () => {
    // The programme needs the SoA's applicable controls: they come from the controls topic.
    let programme: Reply | undefined;
    timings['controls → audit SoA applicability (ms)'] = await eventually(async () => {
      programme = expectStatus(
        await call('audit-service', 'POST', '/api/audit/programmes', 'auditorFr', {
          scopeId: ids['frScope'],
          firstYear: new Date().getUTCFullYear(),
          centralFunctionOrgUnitId: ids['fr'],
          siteOrgUnitIds: [ids['lyon'], ids['paris']],
        }),
        201,
        'programme',
      );
    });
    expect(programme!.body['coverage']).toBeDefined();
    const today = new Date().toISOString().slice(0, 10);
    const engagement = await created(
      call('audit-service', 'POST', '/api/audit/engagements', 'auditorFr', {
        scopeId: ids['frScope'],
        kind: 'internal',
        title: 'Internal audit of the payments ISMS',
        auditedOrgUnitIds: [ids['fr'], ids['lyon']],
        auditors: [{ personId: ids['auditorFr'], kind: 'internal', lead: true }],
        plannedStart: today,
        plannedEnd: today,
        plan: 'Clauses 4 to 10 and the applicable controls',
        allApplicableControls: true,
        cycleYear: 1,
      }),
      'engagement',
    );
    const engagementId = engagement['engagementId'] as string;
    const path = `/api/audit/engagements/${engagementId}`;
    expectStatus(await call('audit-service', 'POST', `${path}/start`, 'auditorFr'), 200, 'start');
    // The nonconformity rests on evidence uploaded in the controls service.
    const form = new FormData();
    form.append(
      'metadata',
      JSON.stringify({
        scopeId: ids['frScope'],
        title: 'Backup job log, Lyon',
        evidenceType: 'report',
        source: 'Backup system',
        collectedAt: today,
        controls: [{ catalogueId: A, controlId: '8.13' }],
      }),
    );
    form.append(
      'file',
      new Blob(['%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'], {
        type: 'application/pdf',
      }),
      'backup-log.pdf',
    );
    const uploaded = await fetch(`${t.services['control-service']!.url}/api/evidence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['ismsFr']}` },
      body: form,
    });
    const evidence = (await uploaded.json()) as Record<string, unknown>;
    expect([uploaded.status, evidence]).toEqual([201, expect.anything()]);
    const evidenceId = (evidence['evidenceId'] ?? evidence['id']) as string;
    let raised: Reply | undefined;
    timings['controls → audit evidence (ms)'] = await eventually(async () => {
      raised = expectStatus(
        await call('audit-service', 'POST', `${path}/findings`, 'auditorFr', {
          grade: 'minor-nonconformity',
          clause: '8.13',
          orgUnitId: ids['lyon'],
          title: 'Backups not tested',
          description: 'No restore test in the last twelve months at Lyon.',
          evidenceIds: [evidenceId],
        }),
        200,
        'finding',
      );
    });
    const findings = raised!.body['findings'] as { findingId: string }[];
    const finding = `${path}/findings/${findings[0]!.findingId}`;
    expectStatus(
      await call('audit-service', 'POST', `${finding}/correction`, 'ismsFr', {
        correction: 'Restore test run on the CRM',
      }),
      200,
      'correction',
    );
    expectStatus(
      await call('audit-service', 'POST', `${finding}/root-cause`, 'ismsFr', {
        rootCause: 'Nobody owned restore tests',
      }),
      200,
      'root cause',
    );
    expectStatus(
      await call('audit-service', 'POST', `${finding}/corrective-action`, 'ismsFr', {
        actionPlan: 'Quarterly restore tests owned by IT operations',
        ownerPersonId: ids['controlOwnerFr'],
        dueDate: '2099-03-31',
      }),
      200,
      'corrective action',
    );
    // The frozen view is rebuilt as of the cut-off from the audit service's own events merged
    // with the controls events it consumed (kept in its event mirror): the SoA and the evidence.
    expectStatus(
      await call('audit-service', 'POST', `${path}/cut-off`, 'auditorFr', {
        cutOffAt: new Date().toISOString(),
        reason: 'State on the audit day',
      }),
      200,
      'cut-off',
    );
    const frozen = expectStatus(
      await call('audit-service', 'GET', `${path}/frozen-view`, 'auditorFr'),
      200,
      'frozen view',
    ).body;
    const frozenSoa = frozen['statementOfApplicability'] as {
      approvedVersion: number | null;
      lines: { applicable: boolean }[];
    } | null;
    expect(frozenSoa?.lines.filter((l) => l.applicable)).toHaveLength(93);
    expect(frozenSoa?.approvedVersion).toBe(1);
    expect((frozen['evidence'] as { evidenceId: string }[]).map((e) => e.evidenceId)).toEqual([
      evidenceId,
    ]);
  });

  it('the group report of the reporting service shows it all, from every context’s topic', async () => {
    let report: Reply | undefined;
    timings['all contexts → reporting consolidation (ms)'] = await eventually(async () => {
      report = expectStatus(
        await call('reporting-service', 'GET', '/api/reporting/consolidation', 'groupCiso'),
        200,
        'consolidation',
      );
      const totals = report.body['totals'] as Record<string, Record<string, unknown>>;
      expect(totals['risks']).toMatchObject({ open: 1, acceptancesNeedingReapproval: 1 });
      expect(totals['soa']).toMatchObject({ statements: 1, awaitingApproval: 0, applicable: 93 });
      expect(totals['controls']).toMatchObject({ ineffective: 1 });
      expect(totals['audit']).toMatchObject({
        openNonconformities: 1,
        openFindingsByGrade: { 'minor-nonconformity': 1 },
      });
    }, 60_000);
    const children = report!.body['children'] as { name: string; inApprovedScope: boolean }[];
    expect(children.map((c) => [c.name, c.inApprovedScope])).toEqual([
      ['Acme France', true],
      ['Acme Germany', true],
    ]);
    const france = expectStatus(
      await call(
        'reporting-service',
        'GET',
        `/api/reporting/consolidation?orgUnitId=${ids['fr']}`,
        'cisoFr',
      ),
      200,
      'drill-down',
    );
    expect((france.body['children'] as { name: string }[]).map((c) => c.name).sort()).toEqual([
      'Lyon',
      'Paris',
    ]);
    expectStatus(
      await call('reporting-service', 'GET', '/api/reporting/consolidation', 'ismsDe'),
      200,
      'DE consolidation',
    );
    expectStatus(
      await call(
        'reporting-service',
        'GET',
        `/api/reporting/consolidation?orgUnitId=${ids['fr']}`,
        'ismsDe',
      ),
      403,
      'DE sees not France',
    );
  });

  it('the reporting service answers ?asOf= reports and verifies the hash chains from its event mirror', async () => {
    const consolidationAsOf = async (asOf: string) => {
      const reply = expectStatus(
        await call(
          'reporting-service',
          'GET',
          `/api/reporting/consolidation?asOf=${encodeURIComponent(asOf)}`,
          'groupCiso',
        ),
        200,
        `consolidation as of ${asOf}`,
      );
      return reply.body['totals'] as Record<string, Record<string, unknown>>;
    };
    // Before the risk was registered: the scopes were approved, nothing else had happened yet.
    const before = await consolidationAsOf(instants['beforeRisk']!);
    expect(before['risks']).toMatchObject({ open: 0 });
    expect(before['soa']).toMatchObject({ statements: 0 });
    expect(before['audit']).toMatchObject({ openNonconformities: 0 });
    // Right after the acceptance: the risk accepted, not yet reopened by the failed control test.
    const accepted = await consolidationAsOf(instants['afterAcceptance']!);
    expect(accepted['risks']).toMatchObject({ open: 1, acceptancesNeedingReapproval: 0 });
    expect(accepted['controls']).toMatchObject({ ineffective: 0 });
    expect(accepted['soa']).toMatchObject({ statements: 0 });
    // Now, from history: what the live report says.
    const started = Date.now();
    const now = await consolidationAsOf(new Date().toISOString());
    timings['reporting ?asOf= group report from the mirror (ms)'] = Date.now() - started;
    expect(now['risks']).toMatchObject({ open: 1, acceptancesNeedingReapproval: 1 });
    expect(now['controls']).toMatchObject({ ineffective: 1 });
    expect(now['soa']).toMatchObject({ statements: 1, applicable: 93 });

    // The controls service's SoA as of its approval: the risk's link (risk events, kept in the
    // controls service's event mirror) as it was then, before the evidence and the failed test.
    type Line = { controlId: string; risks: unknown[]; evidence: unknown[]; testPlans?: unknown[] };
    const soaLine = async (asOf?: string) => {
      const query = asOf ? `?asOf=${encodeURIComponent(asOf)}` : '';
      const reply = expectStatus(
        await call('control-service', 'GET', `/api/scopes/${ids['frScope']}/soa${query}`, 'ismsFr'),
        200,
        `SoA as of ${asOf ?? 'now'}`,
      );
      return (reply.body['lines'] as Line[]).find((l) => l.controlId === '8.13')!;
    };
    const soaStarted = Date.now();
    const then = await soaLine(instants['soaApproved']!);
    timings['controls ?asOf= SoA, own + mirrored events (ms)'] = Date.now() - soaStarted;
    const today = await soaLine();
    const link = { riskId: ids['risk'], title: 'Ransomware encrypts the CRM', link: 'treatment' };
    expect(then.risks).toEqual([link]);
    expect(today.risks).toEqual([link]);
    expect([then.evidence.length, today.evidence.length]).toEqual([0, 1]);

    const verification = expectStatus(
      await call('reporting-service', 'GET', '/api/reporting/decisions/verification', 'groupCiso'),
      200,
      'verification',
    ).body;
    expect(verification).toMatchObject({
      allVerified: true,
      unverifiableStreams: 0,
      brokenStreams: [],
    });
    expect(verification['streamsChecked']).toBeGreaterThanOrEqual(4);
    timings['decision-log verification: events checked'] = verification['eventsChecked'] as number;
    const health = expectStatus(await call('reporting-service', 'GET', '/health'), 200, 'health');
    const mirror = (health.body['components'] as Record<string, { headPosition?: number }>)[
      'eventMirror'
    ];
    expect(mirror).toMatchObject({ status: 'up' });
    timings['events in the reporting service’s mirror'] = mirror!.headPosition ?? -1;
    const log = expectStatus(
      await call(
        'reporting-service',
        'GET',
        '/api/reporting/decisions?type=risk.RiskAccepted',
        'groupCiso',
      ),
      200,
      'decision log',
    ).body;
    expect(log.items?.map((d) => [d['type'], d['verification']])).toEqual([
      ['risk.RiskAccepted', { status: 'verified' }],
    ]);
  });

  it('the external auditor reads their scope in every service, and nothing else; writes are refused', async () => {
    const register = expectStatus(
      await call('risk-service', 'GET', `/api/risk/risks?scopeId=${ids['frScope']}`, 'eve'),
      200,
      'auditor register',
    );
    expect(register.body.items?.map((r) => r['riskId'])).toEqual([ids['risk']]);
    expectStatus(
      await call('control-service', 'GET', `/api/scopes/${ids['frScope']}/soa`, 'eve'),
      200,
      'auditor SoA',
    );
    // Germany's SoA exists, but it is outside Eve's grant: refused, without a line of it.
    await created(
      call('control-service', 'POST', `/api/scopes/${ids['deScope']}/soa`, 'ismsDe', {
        catalogueId: A,
      }),
      'DE SoA',
    );
    const other = await call('control-service', 'GET', `/api/scopes/${ids['deScope']}/soa`, 'eve');
    expect([403, 404]).toContain(other.status);
    expect(other.body['lines']).toBeUndefined();
    const otherRisks = await call(
      'risk-service',
      'GET',
      `/api/risk/risks?orgUnitId=${ids['de']}`,
      'eve',
    );
    expect([200, 403]).toContain(otherRisks.status);
    expect(otherRisks.body.items ?? []).toEqual([]);
    expectStatus(
      await call('risk-service', 'POST', '/api/risk/assets', 'eve', {
        name: 'Sneaky',
        description: 'x',
        assetType: 'information',
        ownerPersonId: ids['ownerFr'],
        orgUnitId: ids['fr'],
        classification: 'internal',
        requirements: { confidentiality: 'low', integrity: 'low', availability: 'low' },
      }),
      403,
      'auditor write',
    );
    expectStatus(
      await call(
        'reporting-service',
        'GET',
        `/api/reporting/scopes/${ids['frScope']}/readiness`,
        'eve',
      ),
      200,
      'auditor readiness',
    );
    expectStatus(
      await call(
        'reporting-service',
        'GET',
        `/api/reporting/scopes/${ids['frScope']}/risk-register`,
        'eve',
      ),
      200,
      'auditor reporting register',
    );
    for (const path of [
      `/api/reporting/scopes/${ids['deScope']}/soa`,
      `/api/reporting/scopes/${ids['deScope']}/readiness`,
      `/api/reporting/consolidation?orgUnitId=${ids['root']}`,
    ]) {
      expectStatus(await call('reporting-service', 'GET', path, 'eve'), 403, `auditor ${path}`);
    }
    // A person of the other subsidiary does not see France's risks either.
    const de = expectStatus(
      await call('risk-service', 'GET', '/api/risk/risks', 'ismsDe'),
      200,
      'DE register',
    );
    expect(de.body.items).toEqual([]);
  });

  it('governance’s access log lists the auditor’s reads and the denials served by every service', async () => {
    type Entry = { path: string; outcome: string; status: number; servedBy?: string };
    const entries = async (query: string) =>
      (expectStatus(
        await call('governance-service', 'GET', `/api/governance/${query}`, 'groupCiso'),
        200,
        query,
      ).body.items ?? []) as unknown as Entry[];
    timings['every service → governance access log (ms)'] = await eventually(async () => {
      const eve = await entries(`auditor-access-log?personId=${ids['eve']}&limit=200`);
      const seen = (prefix: string, outcome: string, servedBy: string) =>
        eve.some(
          (e) => e.path.startsWith(prefix) && e.outcome === outcome && e.servedBy === servedBy,
        );
      // Read in the risk and reporting services, refused in the controls and reporting services.
      expect(seen('/api/risk/risks', 'allowed', 'risk')).toBe(true);
      expect(seen('/api/reporting/scopes/', 'allowed', 'reporting')).toBe(true);
      expect(seen(`/api/scopes/${ids['deScope']}/soa`, 'denied', 'controls')).toBe(true);
      expect(seen(`/api/reporting/scopes/${ids['deScope']}/`, 'denied', 'reporting')).toBe(true);
      // A denied request by an employee, served by the reporting service.
      const denied = await entries(`access-log?personId=${ids['ismsDe']}&outcome=denied`);
      expect(
        denied.some(
          (e) =>
            e.path.startsWith('/api/reporting/consolidation') &&
            e.status === 403 &&
            e.servedBy === 'reporting',
        ),
      ).toBe(true);
    }, 30_000);
  });

  it('a row of the reporting service’s event mirror altered through SQL breaks the verification', async () => {
    const db = new pg.Client({ connectionString: t.env['DATABASE_URL'] });
    await db.connect();
    const table = `${t.deployment}_reporting.isms_mirror_events`;
    try {
      await expect(
        db.query(`UPDATE ${table} SET data = '{}'::jsonb WHERE event_type = 'risk.RiskAccepted'`),
      ).rejects.toThrow(/append-only/);
      // Someone with the owner's rights switches the trigger off and rewrites the reason.
      await db.query(`ALTER TABLE ${table} DISABLE TRIGGER isms_mirror_events_append_only`);
      const altered = await db.query(
        `UPDATE ${table} SET metadata = jsonb_set(metadata, '{reason}', '"Approved by the board"')
         WHERE event_type = 'risk.RiskAccepted'`,
      );
      await db.query(`ALTER TABLE ${table} ENABLE TRIGGER isms_mirror_events_append_only`);
      expect(altered.rowCount).toBe(1);
    } finally {
      await db.end();
    }
    const verification = expectStatus(
      await call('reporting-service', 'GET', '/api/reporting/decisions/verification', 'groupCiso'),
      200,
      'verification after tampering',
    ).body;
    expect(verification['allVerified']).toBe(false);
    const broken = verification['brokenStreams'] as {
      streamId: string;
      firstInvalid: { problem: string } | null;
      decisionsAffected: number;
    }[];
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ firstInvalid: { problem: 'hash-mismatch' } });
    // The acceptance and every later decision on that risk.
    expect(broken[0]!.decisionsAffected).toBeGreaterThanOrEqual(1);
    const log = expectStatus(
      await call(
        'reporting-service',
        'GET',
        '/api/reporting/decisions?type=risk.RiskAccepted',
        'groupCiso',
      ),
      200,
      'decision log after tampering',
    ).body;
    expect(log.items?.[0]?.['streamId']).toBe(broken[0]!.streamId);
    expect(log.items?.[0]?.['verification']).toMatchObject({
      status: 'broken',
      problem: 'hash-mismatch',
    });
  });
});
