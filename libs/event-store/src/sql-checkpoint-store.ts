import type { CheckpointStore } from '@isms/event-sourcing';
import type { SqlExecutor } from './sql-client.js';

/**
 * Subscriber checkpoints in the event store's database (table isms_checkpoints). Several
 * processes may save the same checkpoint (instances of a service): a save never lowers it.
 */
export class SqlCheckpointStore implements CheckpointStore {
  constructor(private readonly client: SqlExecutor) {}

  async load(subscriberId: string): Promise<number> {
    const [row] = await this.client.query<{ position: string | number }>(
      'SELECT position FROM isms_checkpoints WHERE subscriber_id = $1',
      [subscriberId],
    );
    return row ? Number(row.position) : 0;
  }

  async save(subscriberId: string, position: number): Promise<void> {
    assertPosition(position);
    await this.client.query(
      `INSERT INTO isms_checkpoints (subscriber_id, position, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (subscriber_id) DO UPDATE
         SET position = greatest(isms_checkpoints.position, EXCLUDED.position), updated_at = now()`,
      [subscriberId, position],
    );
  }

  async saveMany(positions: ReadonlyMap<string, number>): Promise<void> {
    if (positions.size === 0) return;
    for (const position of positions.values()) assertPosition(position);
    // In one order whoever saves them: two processes saving the same rows never deadlock.
    const saved = [...positions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    await this.client.query(
      `INSERT INTO isms_checkpoints (subscriber_id, position, updated_at)
       SELECT subscriber_id, position, now() FROM unnest($1::text[], $2::bigint[])
         AS saved (subscriber_id, position)
       ON CONFLICT (subscriber_id) DO UPDATE
         SET position = greatest(isms_checkpoints.position, EXCLUDED.position), updated_at = now()`,
      [saved.map(([id]) => id), saved.map(([, position]) => position)],
    );
  }

  async rewind(subscriberId: string, position: number): Promise<void> {
    assertPosition(position);
    await this.client.query(
      `INSERT INTO isms_checkpoints (subscriber_id, position, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (subscriber_id) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [subscriberId, position],
    );
  }
}

function assertPosition(position: number): void {
  if (!Number.isInteger(position) || position < 0) {
    throw new RangeError(`A checkpoint is a global position (0 or more), not ${position}`);
  }
}
