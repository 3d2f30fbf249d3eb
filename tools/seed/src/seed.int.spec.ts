import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@isms/event-sourcing';
import type { EventStore, RecordedEvent } from '@isms/event-sourcing';
import { createEmbeddedEventStore } from '@isms/event-store';
import type { SeedManifest } from './generate.js';
import { generate } from './generate.js';
import request from 'supertest';
import { createContextTestApp } from '@isms/testing';
import { GovernanceModule, InMemoryDocumentContentStore } from '@isms/governance';
import { RiskModule } from '@isms/risk';
import { ControlsModule, FilesystemEvidenceContentStore } from '@isms/controls';
import { AuditModule } from '@isms/audit';
import { ReportingModule } from '@isms/reporting';
import { manifestFile, seed } from './seed.js';

/**
 * A small seeded data set is consistent: the platform started on it rebuilds its read models,
 * the group report counts what the generator says it generated, every hash chain verifies, and
 * the same seed gives the same events.
 */
const SCALE = 0.002;
const SEED = 7;

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = 0; ;) {
    const batch = await store.readAll({ afterPosition: after, limit: 5000 });
    if (batch.length === 0) return events;
    events.push(...batch);
    after = batch[batch.length - 1]!.globalPosition;
  }
}

describe('tools/seed', () => {
  let dir: string;
  let manifest: SeedManifest;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'isms-seed-spec-'));
    manifest = await seed({ dataDir: dir, scale: SCALE, seed: SEED });
  }, 120_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('writes the manifest of what it generated', () => {
    const written = JSON.parse(readFileSync(manifestFile(dir), 'utf8')) as SeedManifest;
    expect(written.events).toBe(manifest.events);
    expect(manifest.subsidiaries).toBe(2);
    expect(manifest.risks).toBe(200);
    expect(manifest.openRisks).toBeGreaterThan(150);
    // Every lifecycle stage is represented, and every kind of record.
    expect(Object.keys(manifest.risksByStatus).sort()).toEqual(
      [
        'accepted',
        'assessed',
        'identified',
        'residual-assessed',
        'treatment-decided',
        'treatment-planned',
      ].sort(),
    );
    for (const type of [
      'governance.IsmsScopeApproved',
      'risk.RiskAccepted',
      'risk.RiskReviewed',
      'controls.SoaVersionApproved',
      'controls.SoaReapprovalRequired',
      'controls.ControlTestResultRecorded',
      'controls.EvidenceRecorded',
      'audit.FindingRaised',
      'audit.CorrectiveActionVerified',
    ]) {
      expect(manifest.eventsByType[type]).toBeGreaterThan(0);
    }
  });

  it('is reproducible: the same seed gives the same events, ids and hashes', async () => {
    const seeded = await createEmbeddedEventStore({ dataDir: join(dir, 'event-store') });
    const clock = new ManualClock('2023-12-04T00:00:00.000Z');
    const again = await createEmbeddedEventStore({ dataDir: 'memory', clock });
    try {
      const second = await generate(again, clock, {
        scale: SCALE,
        seed: SEED,
      });
      expect(second.events).toBe(manifest.events);
      const key = (e: RecordedEvent) => `${e.streamId}#${e.streamRevision} ${e.eventId} ${e.hash}`;
      const sortKeys = (events: RecordedEvent[]) => events.map(key).sort();
      expect(sortKeys(await allEvents(again))).toEqual(sortKeys(await allEvents(seeded)));
    } finally {
      await again.close();
      await seeded.close();
    }
  }, 120_000);

  it('the platform’s modules started on it rebuild, and the group report counts what was generated', async () => {
    // The platform's context modules on the seeded store, in process (apps/platform wires the
    // same modules; the scale benchmark starts the real app as a process).
    const platform = await createContextTestApp({
      context: 'seed',
      modules: [
        GovernanceModule.forRoot({
          documentContentStore: () => new InMemoryDocumentContentStore(),
        }),
        RiskModule,
        ControlsModule.forRoot({
          evidenceContentStore: () => new FilesystemEvidenceContentStore(join(dir, 'evidence')),
        }),
        AuditModule,
        ReportingModule,
      ],
      start: '2026-11-20T09:00:00.000Z',
      openEventStore: (clock) =>
        createEmbeddedEventStore({ dataDir: join(dir, 'event-store'), clock }),
    });
    try {
      await platform.projections.waitUntilCaughtUp(undefined, 60_000);
      // The acceptance policy replayed the history and found nothing left to do.
      expect(await platform.store.headPosition()).toBe(manifest.events);
      const token = await platform.token(manifest.tenantId, manifest.groupCisoPersonId);
      const response = await request(platform.app.getHttpServer())
        .get('/api/reporting/consolidation')
        .set('authorization', `Bearer ${token}`);
      expect(response.status).toBe(200);
      const report = response.body as {
        orgUnit: { orgUnitId: string };
        totals: {
          risks: { open: number; byStatus: Record<string, number> };
          soa: { statements: number; applicable: number; excluded: number; implemented: number };
          scopeCoverage: { unitsInApprovedScope: number; unitsOutside: number };
          audit: { openFindingsByGrade: Record<string, number> };
        };
        children: unknown[];
      };
      expect(report.orgUnit.orgUnitId).toBe(manifest.rootOrgUnitId);
      expect(report.children).toHaveLength(manifest.subsidiaries);
      expect(report.totals.risks.open).toBe(manifest.openRisks);
      expect(report.totals.risks.byStatus).toEqual(manifest.risksByLastStep);
      expect(report.totals.soa).toMatchObject({
        statements: manifest.statementsOfApplicability,
        ...manifest.soaLines,
      });
      expect(report.totals.scopeCoverage).toMatchObject({
        unitsInApprovedScope: manifest.subsidiaries + manifest.sites,
        unitsOutside: 1, // the group itself is in no scope
      });
      expect(report.totals.audit.openFindingsByGrade).toEqual(manifest.openFindingsByGrade);
    } finally {
      await platform.close();
    }
  }, 120_000);

  it('every hash chain of the seeded store verifies', async () => {
    const store = await createEmbeddedEventStore({ dataDir: join(dir, 'event-store') });
    try {
      const verification = await store.verifyAllStreams({ tenantId: manifest.tenantId });
      expect(verification.failures).toEqual([]);
      expect(verification.streamsChecked).toBe(manifest.streams);
      expect(verification.eventsChecked).toBe(manifest.events);
    } finally {
      await store.close();
    }
  }, 60_000);
});
