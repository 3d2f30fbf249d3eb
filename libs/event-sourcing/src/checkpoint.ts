/** Where a subscriber (projection, relay) remembers the last global position it fully handled. */
export interface CheckpointStore {
  load(subscriberId: string): Promise<number>;
  save(subscriberId: string, position: number): Promise<void>;
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, number>();
  async load(subscriberId: string): Promise<number> {
    return this.positions.get(subscriberId) ?? 0;
  }
  async save(subscriberId: string, position: number): Promise<void> {
    this.positions.set(subscriberId, position);
  }
}
