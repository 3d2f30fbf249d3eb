import { PgliteSqlClient, SqlEventStore } from '@isms/event-store';
import { createContextTestApp } from '@isms/testing';
import type { ContextTestApp } from '@isms/testing';
import { ReportingModule } from '../reporting.module.js';

export type { SeedActor, SeededTenant, TenantSpec } from '@isms/testing';

/** The reporting context on the platform's real modules and embedded adapters (see `@isms/testing`). */
export interface ReportingTestApp extends ContextTestApp {
  /**
   * Alters a stored event's data the way someone with database access could (the append-only
   * trigger off for one transaction), to show that verification notices.
   */
  tamper(eventId: string, data: unknown): Promise<void>;
}

export async function createReportingTestApp(start?: string): Promise<ReportingTestApp> {
  let client: PgliteSqlClient | undefined;
  const app = await createContextTestApp({
    context: 'reporting',
    modules: [ReportingModule],
    ...(start ? { start } : {}),
    openEventStore: async (clock) => {
      client = await PgliteSqlClient.open({ dataDir: 'memory' });
      return SqlEventStore.open(client, { clock });
    },
  });
  const sql = client!;
  return {
    ...app,
    async tamper(eventId, data) {
      await sql.transaction(async (tx) => {
        await tx.exec('ALTER TABLE isms_events DISABLE TRIGGER isms_events_append_only');
        const rows = await tx.query(
          'UPDATE isms_events SET data = $1::jsonb WHERE event_id = $2 RETURNING event_id',
          [JSON.stringify(data), eventId],
        );
        if (rows.length !== 1) throw new Error(`Tampering touched ${rows.length} rows`);
        await tx.exec('ALTER TABLE isms_events ENABLE TRIGGER isms_events_append_only');
      });
    },
  };
}
