import { v7 as uuidv7 } from 'uuid';

/** Time comes in through a port so that domain code and tests stay deterministic. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export interface IdGenerator {
  next(): string;
}

/** Time-ordered UUIDs (v7): index-friendly and sortable by creation. */
export const uuidV7Ids: IdGenerator = { next: () => uuidv7() };
