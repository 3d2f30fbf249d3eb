import type { Decider } from '@isms/event-sourcing';
import { ManualClock, ProjectionFailedError, ProjectionTimeoutError } from '@isms/event-sourcing';
import type { SqlEventStore } from '@isms/event-store';
import { createEmbeddedEventStore } from '@isms/event-store';
import type { ProjectionRegistry } from '@isms/platform-nest';
import type { AccessService } from './access.service.js';
import { ContextCommandSupport } from './context-command-support.js';

/**
 * Read-your-writes when the read models cannot follow (their store went away right after the
 * append): the command is recorded, so it is answered as recorded — an error would make the
 * client retry a command that took effect. Other failures still fail the command.
 */
type Counted = { readonly type: 'Counted'; readonly data: { readonly n: number } };
const counter: Decider<number, { n: number }, Counted> = {
  initialState: () => 0,
  decide: (command) => [{ type: 'Counted', data: { n: command.n } }],
  evolve: (state, event) => state + event.data.n,
};
const clock = new ManualClock(new Date('2026-11-23T08:00:00Z'));
let store: SqlEventStore;

/** The one method of the registry that execute() uses, failing the way it is told. */
function registryFailingWith(error: Error): ProjectionRegistry {
  return { waitUntilCaughtUp: () => Promise.reject(error) } as unknown as ProjectionRegistry;
}

function support(projections: ProjectionRegistry): ContextCommandSupport {
  return new ContextCommandSupport(store, clock, projections, {} as AccessService);
}

const stream = (id: string) => ({ tenantId: 'tenant-1', streamId: id, streamType: 'counter' });
const metadata = {
  actor: { userId: 'user-1', displayName: 'User', role: 'isms-manager' },
  correlationId: 'c-1',
  occurredAt: clock.now().toISOString(),
};

// Starting PGlite's thread takes seconds on a busy machine (past Jest's default 5 s).
beforeAll(async () => {
  store = await createEmbeddedEventStore({ dataDir: 'memory', clock });
}, 60_000);

afterAll(async () => {
  await store?.close();
});

describe('ContextCommandSupport.execute when the read models cannot catch up', () => {
  it('answers a recorded command as recorded when the settle timeout passes', async () => {
    const commands = support(registryFailingWith(new ProjectionTimeoutError(1, [], 10)));
    const result = await commands.execute(stream('counter-a'), counter, { n: 2 }, metadata);
    expect(result.lastGlobalPosition).toBeGreaterThan(0);
    expect(await store.readStream('counter-a')).toHaveLength(1);
  });

  it('still fails the command when a read model has failed (a bug, not a slow store)', async () => {
    const commands = support(registryFailingWith(new ProjectionFailedError('counters', undefined)));
    await expect(
      commands.execute(stream('counter-b'), counter, { n: 1 }, metadata),
    ).rejects.toBeInstanceOf(ProjectionFailedError);
  });
});
