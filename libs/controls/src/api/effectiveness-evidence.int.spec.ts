import { createHash } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import {
  ControlsEventTypes as C,
  GovernanceEventTypes as G,
  GovernanceStreamTypes,
} from '@isms/contracts';
import type { ControlsTestApp, SeededTenant } from '../testing/http-harness.js';
import { createControlsTestApp } from '../testing/http-harness.js';

jest.setTimeout(120_000);

const A = 'iso27001-2022';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('effectiveness tests and evidence over HTTP', () => {
  let t: ControlsTestApp;
  let acme: SeededTenant;
  let beta: SeededTenant;
  const tokens: Record<string, string> = {};
  const http = () => request(t.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const soaPath = () => `/api/scopes/${acme.scope('fr')}/soa`;
  /** Moves the clock and issues fresh tokens valid at the new time. */
  async function setClock(instant: string): Promise<void> {
    t.clock.set(instant);
    for (const name of ['ismsFr', 'ismsDe', 'controlOwnerFr', 'viewer']) {
      tokens[name] = await acme.tokenOf(name);
    }
    tokens['cisoBeta'] = await beta.tokenOf('cisoBeta');
    tokens['auditor'] = await t.token(acme.tenantId, acme.person('auditor'));
  }
  let testPlanId: string;
  let evidenceId: string;
  const metadata = (overrides: Record<string, unknown> = {}) =>
    JSON.stringify({
      scopeId: acme.scope('fr'),
      title: 'Q1 restore test report',
      evidenceType: 'report',
      source: 'Backup system',
      collectedAt: '2026-03-01',
      validUntil: '2026-04-30',
      controls: [{ catalogueId: A, controlId: '8.13' }],
      ...overrides,
    });
  const upload = (who: string, content: Buffer, contentType: string, meta = metadata()) =>
    http()
      .post('/api/evidence')
      .set(as(who))
      .field('metadata', meta)
      .attach('file', content, { filename: 'evidence.bin', contentType });

  beforeAll(async () => {
    t = await createControlsTestApp('2026-03-02T09:00:00.000Z');
    acme = await t.tenant({
      units: {
        fr: { parent: 'root', kind: 'subsidiary', name: 'Acme France' },
        de: { parent: 'root', kind: 'subsidiary', name: 'Acme Germany' },
      },
      people: {
        ismsFr: [['isms-manager', 'fr']],
        ismsDe: [['isms-manager', 'de']],
        controlOwnerFr: [['control-owner', 'fr']],
        viewer: [['viewer', 'root']],
      },
      scopes: { fr: ['fr'], de: ['de'] },
    });
    beta = await t.tenant({
      units: { ops: { parent: 'root', kind: 'subsidiary', name: 'Beta Ops' } },
      people: { cisoBeta: [['ciso', 'root']] },
      scopes: { ops: ['ops'] },
    });
    for (const name of ['ismsFr', 'ismsDe', 'controlOwnerFr', 'viewer']) {
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
    await t.seed(acme.tenantId, 'access-grant-evidence-spec', GovernanceStreamTypes.AccessGrant, [
      {
        type: G.AccessGranted,
        data: {
          grantId: 'access-grant-evidence-spec',
          auditorPersonId: auditorId,
          certificationBody: 'Certa',
          scopeId: acme.scope('fr'),
          validFrom: '2026-03-01T00:00:00Z',
          validUntil: '2026-06-30T00:00:00Z',
          readOnly: true,
          grantedBy: 'seed',
          reason: 'Surveillance audit',
        },
      },
    ]);
    tokens['auditor'] = await t.token(acme.tenantId, auditorId);

    await http().post(soaPath()).set(as('ismsFr')).send({ catalogueId: A }).expect(201);
    await http()
      .put(`${soaPath()}/lines/${A}/8.13`)
      .set(as('ismsFr'))
      .send({
        applicable: true,
        inclusionReasons: ['risk-treatment'],
        justification: 'Ransomware and operator error',
        implementationStatus: 'implemented',
        implementationDescription: 'Nightly backups, offsite copy',
      })
      .expect(200);
    await http()
      .put(`${soaPath()}/lines/${A}/7.4`)
      .set(as('ismsFr'))
      .send({
        applicable: false,
        justification: 'No premises of our own',
        implementationStatus: 'not-applicable',
      })
      .expect(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('effectiveness tests', () => {
    const plan = (overrides: Record<string, unknown> = {}) => ({
      scopeId: acme.scope('fr'),
      catalogueId: A,
      controlId: '8.13',
      frequency: 'quarterly',
      method: 're-performance',
      description: 'Restore a sample of files from last night’s backup',
      firstDueOn: '2026-03-31',
      ...overrides,
    });

    it('schedules tests of applicable controls only, by someone who may write controls there', async () => {
      await http().post('/api/control-tests').set(as('viewer')).send(plan()).expect(403);
      await http().post('/api/control-tests').set(as('ismsDe')).send(plan()).expect(403);
      const bad = await http()
        .post('/api/control-tests')
        .set(as('ismsFr'))
        .send(plan({ frequency: 'weekly', firstDueOn: '31/03/2026' }))
        .expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'body.firstDueOn',
        'body.frequency',
      ]);
      for (const controlId of ['7.4', '5.2']) {
        await http()
          .post('/api/control-tests')
          .set(as('ismsFr'))
          .send(plan({ controlId }))
          .expect(422)
          .expect((res) => expect(res.body.rule).toBe('test-plan-needs-applicable-control'));
      }
      await http()
        .post('/api/control-tests')
        .set(as('ismsFr'))
        .send(plan({ firstDueOn: '2026-03-01' }))
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('first-test-not-in-past'));
      const scheduled = await http()
        .post('/api/control-tests')
        .set(as('controlOwnerFr'))
        .send(plan())
        .expect(201);
      testPlanId = scheduled.body.testPlanId;
      expect(scheduled.body).toMatchObject({
        nextDueOn: '2026-03-31',
        overdue: false,
        status: 'active',
      });
    });

    it('lists a test as overdue once its due date has passed without a result', async () => {
      const none = await http().get('/api/control-tests/overdue').set(as('ismsFr')).expect(200);
      expect(none.body.items).toEqual([]);
      await setClock('2026-04-03T09:00:00.000Z');
      const overdue = await http().get('/api/control-tests/overdue').set(as('ismsFr')).expect(200);
      expect(overdue.body).toMatchObject({
        asAt: '2026-04-03',
        items: [{ testPlanId, nextDueOn: '2026-03-31', overdue: true, daysOverdue: 3 }],
      });
      const soa = await http().get(soaPath()).set(as('ismsFr')).expect(200);
      expect(
        soa.body.lines.find((l: { controlId: string }) => l.controlId === '8.13').tests,
      ).toEqual([expect.objectContaining({ testPlanId, overdue: true })]);
      expect(soa.body.progress.overdueTests).toBe(1);
      for (const who of ['ismsDe', 'cisoBeta']) {
        const other = await http().get('/api/control-tests/overdue').set(as(who)).expect(200);
        expect(other.body.items).toEqual([]);
      }
      await http().get(`/api/control-tests/${testPlanId}`).set(as('cisoBeta')).expect(404);
    });

    it('records results: notes required unless effective, never in the future; publishes the result', async () => {
      await http()
        .post(`/api/control-tests/${testPlanId}/results`)
        .set(as('controlOwnerFr'))
        .send({ result: 'not-effective', testedAt: '2026-04-02T15:00:00Z' })
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('ineffective-result-needs-notes'));
      await http()
        .post(`/api/control-tests/${testPlanId}/results`)
        .set(as('controlOwnerFr'))
        .send({ result: 'effective', testedAt: '2026-04-04T15:00:00Z' })
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('test-result-not-in-future'));
      await http()
        .post(`/api/control-tests/${testPlanId}/results`)
        .set(as('controlOwnerFr'))
        .send({ result: 'works', testedAt: 'today' })
        .expect(400);
      await http()
        .post(`/api/control-tests/${testPlanId}/results`)
        .set(as('auditor'))
        .send({ result: 'effective', testedAt: '2026-04-02' })
        .expect(403);
      const recorded = await http()
        .post(`/api/control-tests/${testPlanId}/results`)
        .set(as('controlOwnerFr'))
        .send({
          result: 'not-effective',
          testedAt: '2026-04-02T15:00:00Z',
          notes: 'Restore failed: backup job skipped the share since March',
        })
        .expect(201);
      expect(recorded.body).toMatchObject({
        nextDueOn: '2026-07-02',
        overdue: false,
        lastResult: { result: 'not-effective', testedBy: acme.person('controlOwnerFr') },
      });
      const [event] = (await t.store.readStream(testPlanId)).slice(-1);
      expect(event).toMatchObject({
        type: C.ControlTestResultRecorded,
        data: {
          scopeId: acme.scope('fr'),
          orgUnitId: acme.unit('fr'),
          catalogueId: A,
          controlId: '8.13',
          result: 'not-effective',
          testedAt: '2026-04-02T15:00:00.000Z',
        },
      });
      const overdue = await http().get('/api/control-tests/overdue').set(as('ismsFr')).expect(200);
      expect(overdue.body.items).toEqual([]);
    });
  });

  describe('evidence', () => {
    it('uploads evidence with its SHA-256, by someone who may write controls on the scope', async () => {
      await setClock('2026-03-05T09:00:00.000Z');
      await upload('viewer', PDF, 'application/pdf').expect(403);
      await upload('auditor', PDF, 'application/pdf').expect(403);
      const created = await upload('controlOwnerFr', PDF, 'application/pdf').expect(201);
      evidenceId = created.body.evidenceId;
      const sha256 = createHash('sha256').update(PDF).digest('hex');
      expect(created.body).toMatchObject({
        sha256,
        size: PDF.length,
        contentType: 'application/pdf',
        validUntil: '2026-04-30',
        expired: false,
        controls: [{ catalogueId: A, controlId: '8.13' }],
      });
      const [event] = await t.store.readStream(evidenceId);
      expect(event).toMatchObject({
        type: C.EvidenceRecorded,
        data: { sha256, scopeId: acme.scope('fr') },
      });
      const download = await http()
        .get(`/api/evidence/${evidenceId}/content`)
        .set(as('auditor'))
        .expect(200);
      expect(download.headers['x-content-sha256']).toBe(sha256);
      expect(download.headers['content-type']).toBe('application/pdf');
      expect(Buffer.from(download.body as Buffer).equals(PDF)).toBe(true);
      await http().get(`/api/evidence/${evidenceId}`).set(as('ismsDe')).expect(403);
      await http().get(`/api/evidence/${evidenceId}`).set(as('cisoBeta')).expect(404);
    });

    it('refuses files over the size limit (413) and types that are not allowed or not what they claim (415)', async () => {
      const tooLarge = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
      tooLarge.write('%PDF-1.7');
      const large = await upload('ismsFr', tooLarge, 'application/pdf').expect(413);
      expect(large.body.errors[0].field).toBe('body.file');
      const exe = await upload(
        'ismsFr',
        Buffer.from('MZ\x90\x00'),
        'application/x-msdownload',
      ).expect(415);
      expect(exe.body.allowed).toContain('application/pdf');
      await upload('ismsFr', Buffer.from('MZ\x90\x00 not really a pdf'), 'application/pdf').expect(
        415,
      );
    });

    it('refuses bad metadata with a 400 naming the field, and unknown controls with a 422', async () => {
      const noMeta = await http()
        .post('/api/evidence')
        .set(as('ismsFr'))
        .attach('file', PDF, { filename: 'r.pdf', contentType: 'application/pdf' })
        .expect(400);
      expect(noMeta.body.errors[0].field).toBe('body.metadata');
      const bad = await upload(
        'ismsFr',
        PDF,
        'application/pdf',
        metadata({ collectedAt: 'soon', controls: [] }),
      ).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'body.metadata.collectedAt',
        'body.metadata.controls',
      ]);
      await upload('ismsFr', PDF, 'application/pdf', '{not json').expect(400);
      const noFile = await http()
        .post('/api/evidence')
        .set(as('ismsFr'))
        .field('metadata', metadata())
        .expect(400);
      expect(noFile.body.errors[0].field).toBe('body.file');
      await upload(
        'ismsFr',
        PDF,
        'application/pdf',
        metadata({ controls: [{ catalogueId: A, controlId: '9.1' }] }),
      )
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('unknown-control'));
      await upload('ismsFr', PDF, 'application/pdf', metadata({ validUntil: '2026-02-01' }))
        .expect(422)
        .expect((res) => expect(res.body.rule).toBe('evidence-valid-after-collection'));
    });

    it('flags expired evidence, and what expires soon', async () => {
      const none = await http().get('/api/evidence/expired').set(as('ismsFr')).expect(200);
      expect(none.body.items).toEqual([]);
      const soon = await http()
        .get('/api/evidence/expired?withinDays=60')
        .set(as('ismsFr'))
        .expect(200);
      expect(soon.body.items.map((e: { evidenceId: string }) => e.evidenceId)).toEqual([
        evidenceId,
      ]);
      await setClock('2026-05-01T09:00:00.000Z');
      const expired = await http().get('/api/evidence/expired').set(as('ismsFr')).expect(200);
      expect(expired.body).toMatchObject({
        asAt: '2026-05-01',
        items: [{ evidenceId, expired: true }],
      });
      const soa = await http().get(soaPath()).set(as('ismsFr')).expect(200);
      expect(
        soa.body.lines.find((l: { controlId: string }) => l.controlId === '8.13').evidence,
      ).toEqual([expect.objectContaining({ evidenceId, expired: true })]);
      expect(soa.body.progress.expiredEvidence).toBe(1);
      for (const who of ['ismsDe', 'cisoBeta']) {
        const other = await http().get('/api/evidence/expired').set(as(who)).expect(200);
        expect(other.body.items).toEqual([]);
      }
      await http().get('/api/evidence/expired?withinDays=-1').set(as('ismsFr')).expect(400);
    });

    it('links, unlinks with a reason, and withdraws evidence', async () => {
      const linked = await http()
        .post(`/api/evidence/${evidenceId}/links`)
        .set(as('ismsFr'))
        .send({ catalogueId: A, controlId: '8.15' })
        .expect(200);
      expect(linked.body.controls).toHaveLength(2);
      await http()
        .post(`/api/evidence/${evidenceId}/unlinks`)
        .set(as('ismsFr'))
        .send({ catalogueId: A, controlId: '8.15' })
        .expect(400);
      await http()
        .post(`/api/evidence/${evidenceId}/unlinks`)
        .set(as('ismsFr'))
        .set('If-Match', '"1"')
        .send({ catalogueId: A, controlId: '8.15', reason: 'Wrong control' })
        .expect(409);
      await http()
        .post(`/api/evidence/${evidenceId}/unlinks`)
        .set(as('ismsFr'))
        .send({ catalogueId: A, controlId: '8.15', reason: 'Wrong control' })
        .expect(200);
      const byControl = await http()
        .get(`/api/evidence?catalogueId=${A}&controlId=8.13`)
        .set(as('viewer'))
        .expect(200);
      expect(byControl.body.items.map((e: { evidenceId: string }) => e.evidenceId)).toEqual([
        evidenceId,
      ]);
      await http()
        .post(`/api/evidence/${evidenceId}/withdrawal`)
        .set(as('ismsFr'))
        .send({ reason: 'Superseded' })
        .expect(200);
      const after = await http().get('/api/evidence').set(as('ismsFr')).expect(200);
      expect(after.body.items).toEqual([]);
    });

    it('notices a stored file altered after upload (409, never served as is)', async () => {
      const created = await upload(
        'ismsFr',
        Buffer.from('control,result\n8.13,ok\n'),
        'text/csv',
        metadata({ validUntil: '2026-12-31', collectedAt: '2026-04-30' }),
      ).expect(201);
      t.evidenceStore.tamper(
        acme.tenantId,
        created.body.sha256,
        Buffer.from('control,result\n8.13,FAILED\n'),
      );
      const tampered = await http()
        .get(`/api/evidence/${created.body.evidenceId}/content`)
        .set(as('ismsFr'))
        .expect(409);
      expect(tampered.body.rule).toBe('evidence-integrity');
    });
  });
});
