import type { INestApplication } from '@nestjs/common';
import { EVENT_STORE, ProjectionRegistry } from '@isms/platform-nest';
import { compactHeapAfterRebuild } from './heap-after-rebuild.js';

describe('compactHeapAfterRebuild', () => {
  const host = globalThis as { gc?: () => void };
  const exposed = host.gc;
  afterEach(() => {
    if (exposed) host.gc = exposed;
    else delete host.gc;
  });

  function app(caughtUp: Promise<void>) {
    const waited: number[] = [];
    const fake = {
      get(token: unknown) {
        if (token === EVENT_STORE) return { headPosition: async () => 967_486 };
        if (token === ProjectionRegistry) {
          return {
            waitUntilCaughtUp: (position: number) => {
              waited.push(position);
              return caughtUp;
            },
          };
        }
        throw new Error(`unexpected ${String(token)}`);
      },
    } as unknown as INestApplication;
    return { fake, waited };
  }

  it('collects once, compacting every page, after the read models have caught up with the head seen at start', async () => {
    const calls: string[] = [];
    host.gc = () => calls.push('gc');
    let release!: () => void;
    const { fake, waited } = app(new Promise<void>((resolve) => (release = resolve)));

    const done = compactHeapAfterRebuild(fake, 60_000, (flags) => calls.push(flags));
    await new Promise((resolve) => setImmediate(resolve));
    expect(waited).toEqual([967_486]);
    expect(calls).toEqual([]); // not before the catch-up
    release();
    const compaction = await done;
    expect(calls).toEqual([
      '--compact-on-every-full-gc',
      'gc',
      '--no-compact-on-every-full-gc', // for this collection only
    ]);
    expect(compaction).toMatchObject({ pauseMs: expect.any(Number) });
    expect(compaction!.heapUsedBeforeBytes).toBeGreaterThan(0);
  });

  it('sets the compaction flag back even when the collection throws', async () => {
    const flags: string[] = [];
    host.gc = () => {
      throw new Error('collector failed');
    };
    const { fake } = app(Promise.resolve());
    await expect(compactHeapAfterRebuild(fake, 60_000, (f) => flags.push(f))).rejects.toThrow(
      'collector failed',
    );
    expect(flags).toEqual(['--compact-on-every-full-gc', '--no-compact-on-every-full-gc']);
  });

  it('does nothing when Node does not expose the collector', async () => {
    delete host.gc;
    const { fake, waited } = app(Promise.resolve());
    expect(await compactHeapAfterRebuild(fake)).toBeUndefined();
    expect(waited).toEqual([]);
  });
});
