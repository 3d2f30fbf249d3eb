import { jest } from '@jest/globals';
import request from 'supertest';
import type { AuditTestApp, SeededTenant } from '../testing/http-harness.js';
import { createAuditTestApp } from '../testing/http-harness.js';
import { seedEvidence, seedSoaLines, soaLine } from '../testing/fixtures.js';

jest.setTimeout(60_000);

describe('audit API: programme, engagement lifecycle, corrective actions, frozen view', () => {
  let t: AuditTestApp;
  let acme: SeededTenant;
  const tokens: Record<string, string> = {};
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  let scopeId: string;
  let engagementId: string;
  let findingId: string;
  /** Moves the manual clock; tokens are re-issued since they expire. */
  async function moveClock(instant: string) {
    t.clock.set(instant);
    for (const name of ['auditor', 'isms', 'owner']) tokens[name] = await acme.tokenOf(name);
  }

  beforeAll(async () => {
    t = await createAuditTestApp('2026-03-02T09:00:00.000Z');
    acme = await t.tenant({
      units: {
        fr: { parent: 'root', kind: 'subsidiary', name: 'Acme France' },
        hq: { parent: 'fr', kind: 'department', name: 'Paris HQ' },
        s1: { parent: 'fr', kind: 'site', name: 'Lyon' },
        s2: { parent: 'fr', kind: 'site', name: 'Lille' },
        s3: { parent: 'fr', kind: 'site', name: 'Nantes' },
        s4: { parent: 'fr', kind: 'site', name: 'Nice' },
      },
      people: {
        auditor: [['internal-auditor', 'root']],
        isms: [['isms-manager', 'fr']],
        owner: [['control-owner', 'fr']],
      },
      scopes: { fr: ['fr'] },
    });
    for (const name of ['auditor', 'isms', 'owner']) tokens[name] = await acme.tokenOf(name);
    scopeId = acme.scope('fr');
    await seedSoaLines(t, acme, scopeId, acme.unit('fr'), [
      soaLine('5.15', true),
      soaLine('8.5', true),
      soaLine('7.4', false),
    ]);
    await seedEvidence(t, acme, 'evidence-record-ev1', scopeId, acme.unit('fr'));
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('audit programme over the three-year cycle', () => {
    it('establishes the programme and shows every clause and applicable control as a gap', async () => {
      const res = await http()
        .post('/api/audit/programmes')
        .set(as('auditor'))
        .send({
          scopeId,
          firstYear: 2026,
          centralFunctionOrgUnitId: acme.unit('hq'),
          siteOrgUnitIds: ['s1', 's2', 's3', 's4'].map(acme.unit),
        })
        .expect(201);
      expect(res.headers['etag']).toBe('"1"');
      expect(res.body.coverage.clauseGaps).toHaveLength(23);
      // 7.4 is not applicable in the SoA: not a gap.
      expect(res.body.coverage.controlGaps).toEqual(['iso27001-2022:5.15', 'iso27001-2022:8.5']);
      expect(res.body.nextSample).toMatchObject({
        cycleYear: 1,
        auditKind: 'initial',
        requiredSampleSize: 2,
        proposedSiteOrgUnitIds: [acme.unit('s1'), acme.unit('s2')],
      });
    });

    it('sample-too-small: 422 when the chosen sites fall short of IAF MD 1', async () => {
      const res = await http()
        .post(`/api/audit/programmes/${scopeId}/site-samples`)
        .set(as('auditor'))
        .send({ cycleYear: 1, siteOrgUnitIds: [acme.unit('s1')], reason: 'Only Lyon' })
        .expect(422);
      expect(res.body.rule).toBe('sample-too-small');
    });

    it('records the proposed sample per year; the next year proposes the sites not yet audited', async () => {
      await http()
        .post(`/api/audit/programmes/${scopeId}/site-samples`)
        .set(as('auditor'))
        .send({ cycleYear: 1, reason: 'IAF MD 1 proposal' })
        .expect(200);
      const res = await http().get(`/api/audit/programmes/${scopeId}`).set(as('isms')).expect(200);
      expect(res.body.sites).toEqual([
        { orgUnitId: acme.unit('s1'), auditedInYears: [2026] },
        { orgUnitId: acme.unit('s2'), auditedInYears: [2026] },
        { orgUnitId: acme.unit('s3'), auditedInYears: [] },
        { orgUnitId: acme.unit('s4'), auditedInYears: [] },
      ]);
      expect(res.body.nextSample).toMatchObject({
        cycleYear: 2,
        year: 2027,
        auditKind: 'surveillance',
        requiredSampleSize: 2,
        proposedSiteOrgUnitIds: [acme.unit('s3'), acme.unit('s4')],
      });
    });
  });

  describe('engagement lifecycle', () => {
    it('plans a stage 2 engagement whose checklist closes every coverage gap', async () => {
      const res = await http()
        .post('/api/audit/engagements')
        .set(as('auditor'))
        .send({
          scopeId,
          kind: 'stage-2',
          title: 'Stage 2 certification audit 2026',
          auditedOrgUnitIds: [acme.unit('hq'), acme.unit('s1'), acme.unit('s2')],
          auditors: [{ personId: acme.person('auditor'), kind: 'internal', lead: true }],
          plannedStart: '2026-03-02',
          plannedEnd: '2026-03-06',
          plan: 'Implementation and effectiveness of the ISMS',
          allApplicableControls: true,
          cycleYear: 1,
        })
        .expect(201);
      engagementId = res.body.engagementId;
      expect(res.body.status).toBe('planned');
      expect(res.body.checklist).toHaveLength(25);
      const programme = await http()
        .get(`/api/audit/programmes/${scopeId}`)
        .set(as('auditor'))
        .expect(200);
      expect(programme.body.coverage).toMatchObject({
        clauseGaps: [],
        controlGaps: [],
        complete: true,
      });
    });

    it('engagement-not-in-progress: 422 on a finding before the engagement starts', async () => {
      const res = await http()
        .post(`/api/audit/engagements/${engagementId}/findings`)
        .set(as('auditor'))
        .send({
          grade: 'observation',
          clause: '7.2',
          orgUnitId: acme.unit('hq'),
          title: 'Training records',
          description: 'Scattered',
        })
        .expect(422);
      expect(res.body.rule).toBe('engagement-not-in-progress');
    });

    it('starts, assesses a checklist item and raises a major nonconformity on evidence', async () => {
      await http()
        .post(`/api/audit/engagements/${engagementId}/start`)
        .set(as('auditor'))
        .expect(200);
      const assessed = await http()
        .post(`/api/audit/engagements/${engagementId}/checklist-results`)
        .set(as('auditor'))
        .send({ itemId: 'clause-9.2', result: 'nonconforming', notes: 'No programme for 2025' })
        .expect(200);
      expect(
        assessed.body.checklist.find((i: { itemId: string }) => i.itemId === 'clause-9.2').result,
      ).toBe('nonconforming');
      const res = await http()
        .post(`/api/audit/engagements/${engagementId}/findings`)
        .set(as('auditor'))
        .send({
          grade: 'major-nonconformity',
          clause: '9.2',
          orgUnitId: acme.unit('hq'),
          title: 'No internal audit programme',
          description: 'No audit programme existed for 2025.',
          evidenceIds: ['evidence-record-ev1'],
        })
        .expect(200);
      expect(res.body.findings).toHaveLength(1);
      findingId = res.body.findings[0].findingId;
      expect(res.body.findings[0]).toMatchObject({
        grade: 'major-nonconformity',
        raisedBy: acme.person('auditor'),
        raisedByKind: 'internal',
        status: 'open',
      });
      expect(res.body.openMajorNonconformities).toBe(1);
    });

    it('evidence-unknown: 422 naming the field when a finding cites evidence that does not exist', async () => {
      const res = await http()
        .post(`/api/audit/engagements/${engagementId}/findings`)
        .set(as('auditor'))
        .send({
          grade: 'minor-nonconformity',
          clause: '7.5',
          orgUnitId: acme.unit('hq'),
          title: 'x',
          description: 'y',
          evidenceIds: ['evidence-record-nope'],
        })
        .expect(422);
      expect(res.body).toMatchObject({ rule: 'evidence-unknown' });
    });

    it('open-major-nonconformity-blocks-closure: 422 closing a reported engagement with an open major NC', async () => {
      await http()
        .post(`/api/audit/engagements/${engagementId}/report`)
        .set(as('auditor'))
        .send({ summary: 'Audited all clauses', conclusion: 'One major NC' })
        .expect(200);
      const res = await http()
        .post(`/api/audit/engagements/${engagementId}/close`)
        .set(as('auditor'))
        .send({ reason: 'Done' })
        .expect(422);
      expect(res.body.rule).toBe('open-major-nonconformity-blocks-closure');
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });

    it('runs the corrective action: correction, root cause, plan; overdue is listed and marked', async () => {
      const base = `/api/audit/engagements/${engagementId}/findings/${findingId}`;
      const early = await http()
        .post(`${base}/corrective-action`)
        .set(as('isms'))
        .send({
          actionPlan: 'Name an owner for the audit programme',
          ownerPersonId: acme.person('owner'),
          dueDate: '2026-03-31',
        })
        .expect(422);
      expect(early.body.rule).toBe('correction-before-action-plan');
      await http()
        .post(`${base}/correction`)
        .set(as('isms'))
        .send({ correction: 'Programme 2026 drafted' })
        .expect(200);
      await http()
        .post(`${base}/root-cause`)
        .set(as('isms'))
        .send({ rootCause: 'Nobody owned clause 9.2' })
        .expect(200);
      await http()
        .post(`${base}/corrective-action`)
        .set(as('isms'))
        .send({
          actionPlan: 'Name an owner for the audit programme',
          ownerPersonId: acme.person('owner'),
          dueDate: '2026-03-31',
        })
        .expect(200);

      const notYet = await http()
        .get('/api/audit/findings?overdue=true')
        .set(as('auditor'))
        .expect(200);
      expect(notYet.body.items).toEqual([]);

      await moveClock('2026-04-01T08:00:00.000Z');
      const overdue = await http()
        .get('/api/audit/findings?overdue=true')
        .set(as('auditor'))
        .expect(200);
      expect(overdue.body.items.map((f: { findingId: string }) => f.findingId)).toEqual([
        findingId,
      ]);
      expect(overdue.body.items[0]).toMatchObject({ overdue: true, dueDate: '2026-03-31' });
      const marked = await http()
        .post('/api/audit/corrective-actions/overdue-marks')
        .set(as('auditor'))
        .expect(200);
      expect(marked.body.markedFindingIds).toEqual([findingId]);
      const again = await http()
        .post('/api/audit/corrective-actions/overdue-marks')
        .set(as('auditor'))
        .expect(200);
      expect(again.body.markedFindingIds).toEqual([]);
    });

    it('verification is a decision: 400 without a reason; the owner implements, an auditor verifies', async () => {
      const base = `/api/audit/engagements/${engagementId}/findings/${findingId}`;
      const implemented = await http()
        .post(`${base}/corrective-action/implementation`)
        .set(as('owner'))
        .send({ implementation: 'Owner named in the RACI; programme approved' })
        .expect(200);
      expect(implemented.body.findings[0].correctiveAction).toMatchObject({
        status: 'implemented',
        late: true,
      });
      const missing = await http()
        .post(`${base}/corrective-action/verification`)
        .set(as('auditor'))
        .send({ effective: true })
        .expect(400);
      expect(missing.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: expect.stringMatching(/reason/) }),
        ]),
      );
      const verified = await http()
        .post(`${base}/corrective-action/verification`)
        .set(as('auditor'))
        .send({ effective: true, reason: 'Programme 2026 followed; two audits done' })
        .expect(200);
      expect(verified.body.findings[0].correctiveAction.verification).toMatchObject({
        effective: true,
        verifiedBy: acme.person('auditor'),
      });
    });

    it('closes the finding, then the engagement', async () => {
      await http()
        .post(`/api/audit/engagements/${engagementId}/findings/${findingId}/close`)
        .set(as('auditor'))
        .send({ reason: 'Corrective action effective' })
        .expect(200);
      const res = await http()
        .post(`/api/audit/engagements/${engagementId}/close`)
        .set(as('auditor'))
        .send({ reason: 'All major nonconformities closed' })
        .expect(200);
      expect(res.body.status).toBe('closed');
      const history = await http()
        .get(`/api/audit/engagements/${engagementId}?asOf=2026-03-03T00:00:00Z`)
        .set(as('auditor'))
        .expect(200);
      expect(history.body.status).toBe('reported');
    });

    it('a surveillance engagement re-checks the earlier nonconformity, the internal audit and the management review', async () => {
      const res = await http()
        .post('/api/audit/engagements')
        .set(as('auditor'))
        .send({
          scopeId,
          kind: 'surveillance',
          title: 'Surveillance 2027',
          auditedOrgUnitIds: [acme.unit('s3'), acme.unit('s4')],
          auditors: [{ personId: acme.person('auditor'), kind: 'internal' }],
          plannedStart: '2027-03-01',
          plannedEnd: '2027-03-02',
          plan: 'Surveillance',
          clauses: ['6.1'],
          cycleYear: 2,
        })
        .expect(201);
      const followUps = res.body.checklist.filter((i: { kind: string }) => i.kind === 'follow-up');
      expect(followUps.map((i: { ref: string }) => i.ref)).toEqual([
        'earlier-nonconformities',
        'internal-audit',
        'management-review',
      ]);
      expect(followUps[0].findingIds).toEqual([findingId]);
    });
  });

  describe('frozen view for the certification body', () => {
    it('shows the SoA and evidence as of the cut-off, whatever changed since', async () => {
      const planned = await http()
        .post('/api/audit/engagements')
        .set(as('auditor'))
        .send({
          scopeId,
          kind: 'internal',
          title: 'Internal audit of access control',
          auditors: [{ personId: acme.person('auditor'), kind: 'internal' }],
          plannedStart: '2026-04-01',
          plannedEnd: '2026-04-02',
          plan: 'Access control',
          controls: [{ catalogueId: 'iso27001-2022', controlId: '5.15' }],
        })
        .expect(201);
      const id = planned.body.engagementId as string;
      const noCutOff = await http()
        .get(`/api/audit/engagements/${id}/frozen-view`)
        .set(as('auditor'))
        .expect(422);
      expect(noCutOff.body.rule).toBe('no-cut-off');

      await moveClock('2026-04-02T10:00:00.000Z');
      // After the cut-off: 8.5 becomes not applicable and new evidence arrives.
      await seedSoaLines(t, acme, scopeId, acme.unit('fr'), [soaLine('8.5', false)], false);
      await seedEvidence(t, acme, 'evidence-record-ev2', scopeId, acme.unit('fr'), 'Later');
      const future = await http()
        .post(`/api/audit/engagements/${id}/cut-off`)
        .set(as('auditor'))
        .send({ cutOffAt: '2026-05-01T00:00:00Z', reason: 'Audit day' })
        .expect(422);
      expect(future.body.rule).toBe('cut-off-in-future');
      await http()
        .post(`/api/audit/engagements/${id}/cut-off`)
        .set(as('auditor'))
        .send({ cutOffAt: '2026-04-01T12:00:00Z', reason: 'State on the first audit day' })
        .expect(200);
      const view = await http()
        .get(`/api/audit/engagements/${id}/frozen-view`)
        .set(as('auditor'))
        .expect(200);
      expect(view.body.cutOffAt).toBe('2026-04-01T12:00:00.000Z');
      const line85 = view.body.statementOfApplicability.lines.find(
        (l: { key: string }) => l.key === 'iso27001-2022:8.5',
      );
      expect(line85.applicable).toBe(true);
      expect(view.body.evidence.map((e: { evidenceId: string }) => e.evidenceId)).toEqual([
        'evidence-record-ev1',
      ]);
      const now = await http().get(`/api/audit/programmes/${scopeId}`).set(as('auditor'));
      expect(now.body.coverage.controls.map((c: { ref: string }) => c.ref)).toEqual([
        'iso27001-2022:5.15',
      ]);
    });
  });
});
