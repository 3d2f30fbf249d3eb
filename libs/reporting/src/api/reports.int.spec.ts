import { jest } from '@jest/globals';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { projectAsOf } from '@isms/platform-nest';
import { InMemoryReadStore } from '@isms/read-store';
import type { ReadStore } from '@isms/read-store';
import { ProjectionRegistry, READ_STORE } from '@isms/platform-nest';
import { REPORTING_PROJECTIONS, REPORTING_PROJECTION_NAMES } from '../projections/index.js';
import { ReportingCollections } from '../projections/read-models.js';
import { createReportingTestApp } from '../testing/http-harness.js';
import type { ReportingTestApp } from '../testing/http-harness.js';
import { seedScenario } from '../testing/scenario.js';
import type { Scenario } from '../testing/scenario.js';

let t: ReportingTestApp;
let s: Scenario;
let ciso: string;

const http = () => request(t.app.getHttpServer());
const get = (path: string, token = ciso) =>
  http().get(path).set('Authorization', `Bearer ${token}`);

function binaryParser(res: request.Response, done: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Opens an XLSX answer with exceljs, as a spreadsheet program would. */
async function workbook(body: unknown): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as ArrayBuffer);
  return book;
}

async function snapshot(store: ReadStore) {
  const out: Record<string, unknown[]> = {};
  for (const name of Object.values(ReportingCollections)) {
    out[name] = (await store.collection(name).find({}, { projection: { _version: 0 } })).map(
      (d) => ({ ...d, _revision: undefined, _streams: undefined }),
    );
  }
  return out;
}

beforeAll(async () => {
  t = await createReportingTestApp('2026-03-02T09:00:00.000Z');
  s = await seedScenario(t);
  ciso = await s.acme.tokenOf('ciso');
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('the decision log', () => {
  it('lists every decision with who, when, why and what it changed, newest first, all verified', async () => {
    const res = await get('/api/reporting/decisions?limit=200').expect(200);
    expect(res.body.verification).toMatchObject({
      allVerified: true,
      unverifiableStreams: 0,
      brokenStreams: [],
    });
    const types = res.body.items.map((d: { type: string }) => d.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'risk.RiskAccepted',
        'risk.RiskTreatmentDecided',
        'controls.SoaVersionApproved',
        'governance.IsmsScopeApproved',
        'governance.DocumentVersionApproved',
        'governance.AccessGranted',
      ]),
    );
    const positions = res.body.items.map((d: { globalPosition: number }) => d.globalPosition);
    expect([...positions].sort((a, b) => b - a)).toEqual(positions);
    const accepted = res.body.items.find((d: { type: string }) => d.type === 'risk.RiskAccepted');
    expect(accepted).toMatchObject({
      decision: 'Residual risk accepted',
      actorId: s.acme.person('ownerA'),
      actorName: 'Otto Owner',
      actorRole: 'risk-owner',
      reason: 'Disk encryption makes theft tolerable',
      orgUnitId: s.acme.unit('alpha'),
      scopeIds: [s.scopeA],
      subjectId: s.ids.r2,
      verification: { status: 'verified' },
    });
    expect(accepted.summary).toMatch(/^Residual low accepted as risk-owner/);
  });

  it('filters by type, person, scope, org unit subtree, context and period, with cursor pages', async () => {
    const byType = await get('/api/reporting/decisions?type=risk.RiskClosed').expect(200);
    expect(byType.body.items).toHaveLength(1);
    expect(byType.body.items[0]).toMatchObject({ subjectId: s.ids.r1, reason: 'Plant closed' });
    const byPerson = await get(
      `/api/reporting/decisions?personId=${s.acme.person('ownerA')}&limit=200`,
    ).expect(200);
    expect(byPerson.body.items.length).toBeGreaterThan(3);
    expect(
      byPerson.body.items.every((d: { actorId: string }) => d.actorId === s.acme.person('ownerA')),
    ).toBe(true);
    const byScope = await get(`/api/reporting/decisions?scopeId=${s.scopeB}&limit=200`).expect(200);
    expect(byScope.body.items.map((d: { subjectId: string }) => d.subjectId)).toEqual([s.ids.r3]);
    const lyon = await get(
      `/api/reporting/decisions?orgUnitId=${s.acme.unit('lyon')}&limit=200`,
    ).expect(200);
    expect(new Set(lyon.body.items.map((d: { subjectId: string }) => d.subjectId))).toEqual(
      new Set([s.ids.r1, s.ids.r4]),
    );
    const controls = await get(
      '/api/reporting/decisions?context=controls&from=2026-04-02T00:00:00Z&limit=200',
    ).expect(200);
    expect(controls.body.items.map((d: { type: string }) => d.type).sort()).toEqual([
      'controls.ControlTestResultRecorded',
      'controls.GroupControlRevised',
      'controls.SoaLineRecorded',
    ]);
    const first = await get('/api/reporting/decisions?limit=2').expect(200);
    expect(first.body.items).toHaveLength(2);
    const second = await get(
      `/api/reporting/decisions?limit=2&cursor=${first.body.nextCursor}`,
    ).expect(200);
    expect(second.body.items[0].globalPosition).toBeLessThan(first.body.items[1].globalPosition);
  });

  it('answers as of an instant: decisions recorded later are not there', async () => {
    const then = await get(`/api/reporting/decisions?limit=200&asOf=${s.auditAt}`).expect(200);
    expect(then.body.items.some((d: { type: string }) => d.type === 'risk.RiskClosed')).toBe(false);
    expect(then.body.items.some((d: { type: string }) => d.type === 'risk.RiskAccepted')).toBe(
      true,
    );
  });

  it('exports the log as CSV with one row per decision', async () => {
    const res = await get('/api/reporting/decisions?format=csv&type=risk.RiskAccepted').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="Decision-log.csv"/);
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^Recorded at,Decision,Event type,Summary,Actor/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('Disk encryption makes theft tolerable');
    expect(lines[1]).toMatch(/,verified$/);
  });
});

describe('group consolidation', () => {
  it('rolls up the group per subsidiary and says which units are inside an approved scope', async () => {
    const res = await get('/api/reporting/consolidation').expect(200);
    expect(res.body.orgUnit).toMatchObject({ orgUnitId: s.acme.unit('root'), kind: 'group' });
    expect(res.body.totals.risks).toMatchObject({
      open: 3,
      byLevel: { high: 1, medium: 2 },
      aboveAppetite: 1,
      overdueReviews: 1,
      acceptancesNeedingReapproval: 1,
    });
    const [alpha, beta] = res.body.children;
    expect(alpha).toMatchObject({ name: 'Alpha', inApprovedScope: true });
    expect(alpha.counters.controls).toEqual({ ineffective: 1, overdueTests: 0 });
    expect(alpha.counters.evidence.expired).toBe(1);
    expect(alpha.counters.exceptions).toEqual({ open: 1, stale: 1 });
    expect(alpha.counters.audit).toMatchObject({
      openFindingsByGrade: { 'minor-nonconformity': 1 },
      openNonconformities: 1,
      overdueCorrectiveActions: 1,
    });
    expect(alpha.counters.soa).toMatchObject({
      awaitingApproval: 1,
      applicable: 2,
      implemented: 2,
    });
    expect(beta).toMatchObject({ name: 'Beta', inApprovedScope: false });
    expect(beta.counters.risks.overdueReviews).toBe(1);
    const coverage = Object.fromEntries(
      res.body.coverage.map((c: { name: string; inApprovedScope: boolean }) => [
        c.name,
        c.inApprovedScope,
      ]),
    );
    expect(coverage).toEqual({ Group: false, Alpha: true, 'Alpha Lyon': true, Beta: false });
    expect(res.body.attention.risksAboveAppetite).toEqual([
      expect.objectContaining({ riskId: s.ids.r2, level: 'high', orgUnitName: 'Alpha' }),
    ]);
    expect(res.body.attention.soasAwaitingApproval).toEqual([
      expect.objectContaining({
        scopeId: s.scopeA,
        orgUnitName: 'Alpha',
        reason: 'version 1 approved; changed since: iso27001-2022:5.2',
      }),
    ]);
    expect(res.body.attention.overdueCorrectiveActions).toEqual([
      expect.objectContaining({
        findingId: 'finding-1',
        dueDate: '2026-04-25',
        orgUnitName: 'Alpha',
      }),
    ]);
  });

  it('drills down from the group to a subsidiary to a site', async () => {
    const alpha = await get(
      `/api/reporting/consolidation?orgUnitId=${s.acme.unit('alpha')}`,
    ).expect(200);
    expect(alpha.body.path.map((p: { name: string }) => p.name)).toEqual(['Group', 'Alpha']);
    expect(alpha.body.own.risks.open).toBe(1);
    expect(alpha.body.children.map((c: { name: string }) => c.name)).toEqual(['Alpha Lyon']);
    const site = await get(`/api/reporting/consolidation?orgUnitId=${s.acme.unit('lyon')}`).expect(
      200,
    );
    expect(site.body.totals.risks).toMatchObject({ open: 1, byLevel: { medium: 1 } });
    expect(site.body.children).toEqual([]);
  });

  it('is rebuilt as of the audit: the closed risk was still open and its action overdue', async () => {
    const res = await get(`/api/reporting/consolidation?asOf=${s.auditAt}`).expect(200);
    expect(res.body.asOf).toBe(s.auditAt);
    expect(res.body.totals.risks).toMatchObject({
      open: 3,
      byLevel: { high: 1, low: 1, medium: 1 },
      overdueTreatmentActions: 1,
      acceptancesNeedingReapproval: 0,
    });
    expect(res.body.totals.controls.ineffective).toBe(0);
    expect(res.body.totals.exceptions).toEqual({ open: 1, stale: 0 });
  });
});

describe('scope reports', () => {
  it('certification readiness: each of the fifteen types present, stale or missing, with why', async () => {
    const res = await get(`/api/reporting/scopes/${s.scopeA}/readiness`).expect(200);
    const item = (type: string) => res.body.items.find((i: { type: string }) => i.type === type);
    expect(res.body.items).toHaveLength(15);
    expect(res.body.ready).toBe(false);
    expect(item('isms-scope')).toMatchObject({ clause: '4.3', status: 'present' });
    expect(item('information-security-policy').status).toBe('present');
    expect(item('information-security-objectives')).toMatchObject({ status: 'stale' });
    expect(item('information-security-objectives').reasons[0]).toMatch(/review was due 2026-04-10/);
    expect(item('risk-treatment-decisions').status).toBe('stale');
    expect(item('evidence-of-competence')).toMatchObject({ status: 'missing' });
    expect(item('internal-audit-programme-and-results').status).toBe('present');
    expect(item('nonconformities-and-corrective-actions').reasons).toEqual([
      'Nonconformities and corrective actions: 1 corrective action(s) overdue',
    ]);
    expect(res.body.summary.present + res.body.summary.stale + res.body.summary.missing).toBe(15);
    const then = await get(`/api/reporting/scopes/${s.scopeA}/readiness?asOf=${s.auditAt}`).expect(
      200,
    );
    expect(
      then.body.items.find((i: { type: string }) => i.type === 'information-security-objectives')
        .status,
    ).toBe('present');
  });

  it('the SoA report as it is and as it was on the audit day', async () => {
    const now = await get(`/api/reporting/scopes/${s.scopeA}/soa`).expect(200);
    expect(now.body.soa).toMatchObject({ approvedVersion: 1, needsReapproval: true });
    expect(
      now.body.lines.map((l: { controlId: string; implementationStatus: string }) => [
        l.controlId,
        l.implementationStatus,
      ]),
    ).toEqual([
      ['5.1', 'implemented'],
      ['5.2', 'implemented'],
      ['5.3', 'not-applicable'],
    ]);
    expect(now.body.lines[0]).toMatchObject({
      lastTestResult: 'not-effective',
      expiredEvidence: 1,
    });
    const then = await get(`/api/reporting/scopes/${s.scopeA}/soa?asOf=${s.auditAt}`).expect(200);
    expect(then.body.soa.needsReapproval).toBe(false);
    expect(then.body.lines[1]).toMatchObject({ controlId: '5.2', implementationStatus: 'planned' });
    expect(then.body.lines[0]).toMatchObject({
      lastTestResult: 'effective',
      validEvidence: 1,
      risks: [{ riskId: s.ids.r1 }],
    });
  });

  it('the risk register with its heat map', async () => {
    const res = await get(`/api/reporting/scopes/${s.scopeA}/risk-register`).expect(200);
    expect(res.body.risks.map((r: { riskId: string }) => r.riskId)).toEqual([s.ids.r2, s.ids.r4]);
    expect(res.body.summary).toMatchObject({ open: 2, closed: 1, aboveAppetite: 1 });
    const cell = (l: number, i: number) =>
      res.body.heatMap.cells.find(
        (c: { likelihood: number; impact: number }) => c.likelihood === l && c.impact === i,
      );
    expect(cell(3, 3)).toMatchObject({ level: 'high', count: 1, riskIds: [s.ids.r2] });
    expect(cell(2, 2)).toMatchObject({ level: 'medium', count: 1, riskIds: [s.ids.r4] });
    expect(res.body.heatMap.cells).toHaveLength(9);
    const inherentThen = await get(
      `/api/reporting/scopes/${s.scopeA}/risk-register?asOf=${s.auditAt}&basis=residual&includeClosed=true`,
    ).expect(200);
    expect(
      inherentThen.body.heatMap.cells.find(
        (c: { likelihood: number; impact: number }) => c.likelihood === 1 && c.impact === 1,
      ),
    ).toMatchObject({ count: 1 });
    expect(inherentThen.body.heatMap.unrated).toBe(1);
  });

  it('what changed since the audit: where a surveillance auditor starts', async () => {
    const res = await get(
      `/api/reporting/scopes/${s.scopeA}/changed-since?since=${s.auditAt}`,
    ).expect(200);
    expect(res.body.risks.added.map((r: { riskId: string }) => r.riskId)).toEqual([s.ids.r4]);
    expect(res.body.risks.removed).toEqual([
      { riskId: s.ids.r1, title: 'Ransomware on the Lyon plant', how: 'closed' },
    ]);
    expect(res.body.risks.reRated).toEqual([
      { riskId: s.ids.r2, title: 'Laptop theft', from: 'low', to: 'high', direction: 'up' },
    ]);
    expect(res.body.soa.linesChanged).toEqual([
      expect.objectContaining({
        controlKey: 'iso27001-2022:5.2',
        fields: ['implementationStatus'],
      }),
    ]);
    expect(res.body.controlsDegraded).toEqual([
      expect.objectContaining({
        controlKey: 'iso27001-2022:5.1',
        from: 'effective',
        to: 'not-effective',
      }),
    ]);
    expect(res.body.findings.raised.map((f: { findingId: string }) => f.findingId)).toEqual([
      'finding-1',
    ]);
    expect(res.body.findings.closed).toEqual([]);
    expect(res.body.stale.exceptions).toEqual([
      expect.objectContaining({
        groupControlId: 'group-control-1',
        controlKey: 'iso27001-2022:5.15',
        orgUnitId: s.acme.unit('alpha'),
        decidedAtRevision: 1,
        currentRevision: 2,
      }),
    ]);
    expect(res.body.stale.acceptances.map((r: { riskId: string }) => r.riskId)).toEqual([s.ids.r2]);
    expect(res.body.stale.documentsReviewLapsed.map((d: { due: string }) => d.due)).toEqual([
      '2026-04-10',
    ]);
    expect(res.body.stale.evidenceExpired.map((e: { validUntil: string }) => e.validUntil)).toEqual(
      ['2026-04-15'],
    );
    await get(
      `/api/reporting/scopes/${s.scopeA}/changed-since?since=2026-06-01T00:00:00Z&until=${s.auditAt}`,
    ).expect(400);
  });

  it('the management review pack for a period', async () => {
    const res = await get(
      `/api/reporting/scopes/${s.scopeA}/management-review?from=2026-04-02T00:00:00Z&to=2026-05-31T00:00:00Z`,
    ).expect(200);
    const inputs = res.body.inputs;
    expect(inputs['c-performance'].monitoringAndMeasurement.testResultsInPeriod).toHaveLength(1);
    expect(inputs['c-performance'].monitoringAndMeasurement.ineffectiveControls).toEqual([
      expect.objectContaining({ controlKey: 'iso27001-2022:5.1', result: 'not-effective' }),
    ]);
    expect(inputs['c-performance'].nonconformitiesAndCorrectiveActions).toMatchObject({
      raisedInPeriod: [
        expect.objectContaining({ findingId: 'finding-1', correctiveActionOverdue: true }),
      ],
      overdueCorrectiveActions: 1,
    });
    expect(inputs['c-performance'].auditResults).toEqual([
      expect.objectContaining({
        engagementId: 'audit-engagement-1',
        kind: 'internal',
        findings: 1,
      }),
    ]);
    expect(inputs['e-risk-assessment-and-treatment'].summary).toMatchObject({
      open: 2,
      aboveAppetite: 1,
    });
    expect(inputs['e-risk-assessment-and-treatment'].staleAcceptances).toHaveLength(1);
    expect(inputs['e-risk-assessment-and-treatment'].acceptedInPeriod).toEqual([]);
    expect(res.body.certificationReadiness.ready).toBe(false);
    await get(
      `/api/reporting/scopes/${s.scopeA}/management-review?from=2026-06-01T00:00:00Z&to=2026-05-01T00:00:00Z`,
    ).expect(400);
  });
});

describe('exports', () => {
  it('the SoA as CSV', async () => {
    const res = await get(`/api/reporting/scopes/${s.scopeA}/soa?format=csv`).expect(200);
    const rows = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]!.split(',').slice(0, 6)).toEqual([
      'Catalogue',
      'Control',
      'Applicable',
      'Inclusion reasons',
      'Justification',
      'Implementation status',
    ]);
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 3))).toEqual([
      ['iso27001-2022', '5.1', 'yes'],
      ['iso27001-2022', '5.2', 'yes'],
      ['iso27001-2022', '5.3', 'no'],
    ]);
  });

  it('the risk register and the SoA as XLSX workbooks, opened and read cell by cell', async () => {
    const res = await get(`/api/reporting/scopes/${s.scopeA}/risk-register?format=xlsx`)
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const book = await workbook(res.body);
    const sheet = book.worksheets[0]!;
    expect(sheet.getCell('A1').value).toBe('Risk id');
    expect(sheet.getCell('B1').value).toBe('Title');
    expect(sheet.getCell('A2').value).toBe(s.ids.r2);
    expect(sheet.getCell('B2').value).toBe('Laptop theft');
    expect(sheet.getCell('F2').value).toBe('High');
    expect(sheet.getCell('G2').value).toBe(3);
    expect(sheet.getCell('M2').value).toBe('yes');
    expect(sheet.getCell('Q2').value).toBe('needs-re-approval');
    expect(sheet.rowCount).toBe(3);

    const soa = await get(`/api/reporting/scopes/${s.scopeA}/soa?format=xlsx&asOf=${s.auditAt}`)
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const soaBook = await workbook(soa.body);
    const soaSheet = soaBook.worksheets[0]!;
    expect(soaSheet.getCell('B3').value).toBe('5.2');
    expect(soaSheet.getCell('F3').value).toBe('planned');
    expect(soaSheet.getCell('C4').value).toBe('no');
    expect(soaSheet.getCell('E4').value).toBe('No such activity');
  });

  it('the decision log as XLSX', async () => {
    const res = await get('/api/reporting/decisions?format=xlsx&context=risk')
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const book = await workbook(res.body);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual(
      expect.arrayContaining(['Decision', 'Reason', 'Verification']),
    );
    const decisions = (sheet.getColumn(2).values as unknown[]).slice(2);
    expect(decisions).toEqual(expect.arrayContaining(['Residual risk accepted', 'Risk closed']));
  });
});

describe('rebuilding read models', () => {
  it('a rebuild from the first event gives the same read models as the live projections', async () => {
    const live = t.app.get<ReadStore>(READ_STORE);
    const before = await snapshot(live);
    expect(before[ReportingCollections.Risks]!.length).toBe(4);
    const admin = await s.acme.tokenOf('admin');
    for (const name of REPORTING_PROJECTION_NAMES) {
      const res = await http()
        .post(`/api/reporting/projections/${name}/rebuild`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      expect(res.body).toMatchObject({ name, rebuilt: true, state: 'live', lag: 0 });
    }
    expect(await snapshot(live)).toEqual(before);
    // And the same again from a fresh store, as an as-of rebuild at the head does it.
    const fresh = await projectAsOf(REPORTING_PROJECTIONS, t.store, {
      globalPosition: await t.store.headPosition(),
    });
    expect(fresh).toBeInstanceOf(InMemoryReadStore);
    expect(await snapshot(fresh)).toEqual(before);
  });

  it('answers 202 when the replay has not reached the head within `waitSeconds`; bad values are 400', async () => {
    const admin = await s.acme.tokenOf('admin');
    const rebuild = (query: string) =>
      http()
        .post(`/api/reporting/projections/reporting-risks/rebuild${query}`)
        .set('Authorization', `Bearer ${admin}`);
    // A replay that takes longer than the wait: the event store answers reads once released.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const readAll = t.store.readAll.bind(t.store);
    const slowReads = jest.spyOn(t.store, 'readAll').mockImplementation(async (options) => {
      await released;
      return readAll(options);
    });
    try {
      const res = await rebuild('?waitSeconds=1').expect(202);
      expect(res.body).toMatchObject({
        name: 'reporting-risks',
        rebuilt: false,
        state: 'rebuilding',
        checkpoint: 0,
      });
      expect(res.body.lag).toBeGreaterThan(0);
      expect(res.body.rebuiltInMs).toBeUndefined();
      const during = await get('/api/reporting/projections', admin).expect(200);
      expect(during.body.find((p: { name: string }) => p.name === 'reporting-risks')).toMatchObject(
        { state: 'rebuilding', checkpoint: 0 },
      );
    } finally {
      release();
      slowReads.mockRestore();
    }
    expect(await t.app.get(ProjectionRegistry).waitForRebuild('reporting-risks', 10_000)).toBe(
      true,
    );
    const after = await get('/api/reporting/projections', admin).expect(200);
    expect(after.body.find((p: { name: string }) => p.name === 'reporting-risks')).toMatchObject({
      state: 'live',
      lag: 0,
    });
    for (const bad of [
      '?waitSeconds=-1',
      '?waitSeconds=601',
      '?waitSeconds=1.5',
      '?waitSeconds=x',
    ]) {
      const refused = await rebuild(bad).expect(400);
      expect(refused.body.errors[0].field).toMatch(/waitSeconds/);
    }
    await rebuild('?wait=1').expect(400);
  });

  it('reports each read model’s lag, in the API and in /metrics', async () => {
    const admin = await s.acme.tokenOf('admin');
    const res = await http()
      .get('/api/reporting/projections')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(res.body.map((p: { name: string }) => p.name).sort()).toEqual(
      [...REPORTING_PROJECTION_NAMES].sort(),
    );
    expect(res.body.every((p: { lag: number }) => p.lag === 0)).toBe(true);
    const metrics = await http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /isms_projection_lag_events\{projection="reporting-decision-log"\} 0/,
    );
    await get('/api/reporting/projections', ciso).expect(403);
    await http()
      .post('/api/reporting/projections/reporting-nothing/rebuild')
      .set('Authorization', `Bearer ${admin}`)
      .expect(404);
  });
});

describe('verification of the history', () => {
  it('names the decisions whose stream no longer verifies after a stored row was altered', async () => {
    await t.tamper(s.acceptanceEventId, { riskId: s.ids.r2, reason: 'rewritten' });
    const res = await get('/api/reporting/decisions?limit=200').expect(200);
    expect(res.body.verification.allVerified).toBe(false);
    expect(res.body.verification.brokenStreams).toEqual([
      expect.objectContaining({
        streamId: s.ids.r2,
        firstInvalid: expect.objectContaining({
          eventId: s.acceptanceEventId,
          problem: 'hash-mismatch',
        }),
      }),
    ]);
    const ofR2 = res.body.items.filter((d: { streamId: string }) => d.streamId === s.ids.r2);
    const accepted = ofR2.find((d: { type: string }) => d.type === 'risk.RiskAccepted');
    expect(accepted.verification).toMatchObject({ status: 'broken', problem: 'hash-mismatch' });
    const earlier = ofR2.find((d: { type: string }) => d.type === 'risk.ResidualRiskAssessed');
    expect(earlier.verification).toEqual({
      status: 'chain-broken-later',
      firstInvalidRevision: accepted.streamRevision,
    });
    const whole = await get('/api/reporting/decisions/verification').expect(200);
    expect(whole.body).toMatchObject({ allVerified: false });
    expect(whole.body.brokenStreams).toEqual([
      expect.objectContaining({ streamId: s.ids.r2, decisionsAffected: 3 }),
    ]);
    expect(whole.body.streamsChecked).toBeGreaterThan(10);
    const elsewhere = await get(`/api/reporting/decisions/verification?scopeId=${s.scopeB}`).expect(
      200,
    );
    expect(elsewhere.body).toMatchObject({ allVerified: true, decisions: 1, streamsChecked: 1 });
    const others = res.body.items.filter((d: { streamId: string }) => d.streamId !== s.ids.r2);
    expect(
      others.every(
        (d: { verification: { status: string } }) => d.verification.status === 'verified',
      ),
    ).toBe(true);
  });
});
