import { ManualClock } from '@isms/event-sourcing';
import type { SqlEventStore } from '@isms/event-store';
import { createEmbeddedEventStore } from '@isms/event-store';
import type { AccessService } from '@isms/auth';
import type { ProjectionRegistry } from '@isms/platform-nest';
import { GovernanceStreamTypes } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { CommandContext } from './command-context.js';
import { PlatformService, setupCodeHash } from './platform.service.js';

/**
 * The bootstrap administrator at a first start on an imported or seeded log: the read models
 * are still rebuilding its history (here: never done), so the enrolment must not wait for them;
 * it waits for the access directory alone, which must know the administrator before its setup
 * code's token is used.
 */
const clock = new ManualClock(new Date('2026-12-08T08:00:00Z'));
let store: SqlEventStore;

/** Read models rebuilding a long history: never caught up while the test runs. */
const rebuilding = {
  waitUntilCaughtUp: () => new Promise<void>(() => undefined),
} as unknown as ProjectionRegistry;

function platformService(directoryWaits: number[]): PlatformService {
  const access = {
    waitForDirectory: (position: number) => {
      directoryWaits.push(position);
      return Promise.resolve();
    },
  } as unknown as AccessService;
  // Administrators are read from the event store itself, not from a read model.
  return new PlatformService(new CommandContext(store, clock, rebuilding, access), {} as ReadStore);
}

beforeAll(async () => {
  store = await createEmbeddedEventStore({ dataDir: 'memory', clock });
}, 60_000);

afterAll(async () => {
  await store?.close();
});

describe('PlatformService.ensureBootstrapAdministrator while the read models rebuild', () => {
  it('enrols the administrator without waiting for them, once the access directory has it', async () => {
    const directoryWaits: number[] = [];

    const admin = await platformService(directoryWaits).ensureBootstrapAdministrator();

    const [enrolled] = await store.readStream(admin.administratorId);
    expect(enrolled).toMatchObject({
      streamType: GovernanceStreamTypes.PlatformAdministrator,
      data: { setupCodeSha256: setupCodeHash(admin.setupCode!) },
    });
    expect(directoryWaits).toEqual([enrolled!.globalPosition]);
  });

  it('finds the administrator of an earlier start in the store, and enrols no second one', async () => {
    const directoryWaits: number[] = [];
    const first = await platformService([]).ensureBootstrapAdministrator();

    const again = await platformService(directoryWaits).ensureBootstrapAdministrator();

    expect(again).toEqual({ administratorId: first.administratorId, setupCodeRedeemed: false });
    expect(directoryWaits).toEqual([]);
  });
});
