/** Where a subscriber (projection, relay) remembers the last global position it fully handled. */
export interface CheckpointStore {
  load(subscriberId: string): Promise<number>;
  /**
   * Records that everything up to `position` was handled. A store shared by several processes
   * keeps the highest position saved (a process that lags behind never moves it back).
   */
  save(subscriberId: string, position: number): Promise<void>;
  /**
   * Saves several checkpoints at once, each as `save` would (never lowered): one round trip
   * for a shared feed's projections, which all move at every batch.
   */
  saveMany(positions: ReadonlyMap<string, number>): Promise<void>;
  /** Sets a checkpoint to `position` even if that is lower (a rebuild starts again from 0). */
  rewind?(subscriberId: string, position: number): Promise<void>;
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions: Map<string, number>;
  /** `saved`: checkpoints to start from (e.g. those of a read-model snapshot). */
  constructor(saved: Iterable<readonly [string, number]> = []) {
    this.positions = new Map(saved);
  }
  /** Every checkpoint saved, by subscriber. */
  entries(): [string, number][] {
    return [...this.positions];
  }
  async load(subscriberId: string): Promise<number> {
    return this.positions.get(subscriberId) ?? 0;
  }
  async save(subscriberId: string, position: number): Promise<void> {
    this.keepHighest(subscriberId, position);
  }
  async saveMany(positions: ReadonlyMap<string, number>): Promise<void> {
    for (const [subscriberId, position] of positions) this.keepHighest(subscriberId, position);
  }
  async rewind(subscriberId: string, position: number): Promise<void> {
    this.positions.set(subscriberId, position);
  }
  private keepHighest(subscriberId: string, position: number): void {
    this.positions.set(subscriberId, Math.max(position, this.positions.get(subscriberId) ?? 0));
  }
}
