import { ConcurrencyConflictError, DomainRuleViolation, handleCommand } from '@isms/event-sourcing';
import type { Decider, DomainEvent, EventMetadata, EventStore } from '@isms/event-sourcing';
import { PgliteSqlClient } from './pglite-sql-client.js';
import { SqlEventStore } from './sql-event-store.js';

/** A minimal ISMS scope: defined once, then amended. */
type ScopeEvent = DomainEvent<'ScopeDefined' | 'ScopeAmended', { name: string }>;
type ScopeCommand = { type: 'Define' | 'Amend'; name: string };
const scopeDecider: Decider<{ name?: string }, ScopeCommand, ScopeEvent> = {
  initialState: () => ({}),
  decide: (command, state) => {
    if (command.type === 'Define' && state.name !== undefined)
      throw new DomainRuleViolation('scope.already-defined', 'The scope is already defined');
    if (command.type === 'Amend' && state.name === undefined)
      throw new DomainRuleViolation('scope.not-defined', 'No such scope');
    return [
      {
        type: command.type === 'Define' ? 'ScopeDefined' : 'ScopeAmended',
        data: { name: command.name },
      },
    ];
  },
  evolve: (_state, event) => ({ name: event.data.name }),
};
const metadata: EventMetadata = {
  actor: { userId: 'user-isms-manager' },
  correlationId: 'corr-command-handling',
  occurredAt: '2026-01-01T00:00:00.000Z',
};

describe('handleCommand on the PGlite event store', () => {
  let client: PgliteSqlClient;
  let store: SqlEventStore;
  let streamReads: string[];
  /** The store, recording which streams a command loaded. */
  let observed: EventStore;
  beforeAll(async () => {
    client = await PgliteSqlClient.open({ dataDir: 'memory' });
    store = await SqlEventStore.open(client);
  }, 60_000);
  afterAll(async () => {
    await client.close();
  });
  beforeEach(() => {
    streamReads = [];
    observed = new Proxy(store, {
      get(target, property) {
        if (property === 'readStream') {
          return (streamId: string, ...rest: unknown[]) => {
            streamReads.push(streamId);
            return (target.readStream as (...args: unknown[]) => unknown).call(
              target,
              streamId,
              ...rest,
            );
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  });
  const stream = (streamId: string) => ({ tenantId: 't1', streamId, streamType: 'isms-scope' });

  it('creates a stream expected at revision 0 without loading it', async () => {
    const result = await handleCommand(
      observed,
      stream('scope-new'),
      scopeDecider,
      { type: 'Define', name: 'Group HQ' },
      metadata,
      { expectedRevision: 0 },
    );
    expect(streamReads).toEqual([]);
    expect(result.state).toEqual({ name: 'Group HQ' });
    expect(result.nextExpectedRevision).toBe(1);
    expect((await store.readStream('scope-new')).map((e) => e.type)).toEqual(['ScopeDefined']);
  });

  it('refuses revision 0 for a stream that exists, as a conflict, and writes nothing', async () => {
    await handleCommand(
      observed,
      stream('scope-taken'),
      scopeDecider,
      { type: 'Define', name: 'A' },
      metadata,
      {
        expectedRevision: 0,
      },
    );
    const head = await store.headPosition();
    const refused = handleCommand(
      observed,
      stream('scope-taken'),
      scopeDecider,
      { type: 'Define', name: 'B' },
      metadata,
      { expectedRevision: 0 },
    );
    await expect(refused).rejects.toBeInstanceOf(ConcurrencyConflictError);
    await expect(refused).rejects.toMatchObject({ expectedRevision: 0, currentRevision: 1 });
    expect(await store.headPosition()).toBe(head);
    expect((await store.readStream('scope-taken')).map((e) => e.data)).toEqual([{ name: 'A' }]);
  });

  it('loads the stream to decide on any other revision, or without one', async () => {
    await handleCommand(
      observed,
      stream('scope-old'),
      scopeDecider,
      { type: 'Define', name: 'A' },
      metadata,
      {
        expectedRevision: 0,
      },
    );
    const amended = await handleCommand(
      observed,
      stream('scope-old'),
      scopeDecider,
      { type: 'Amend', name: 'A and DC' },
      metadata,
      { expectedRevision: 1 },
    );
    expect(amended.state).toEqual({ name: 'A and DC' });
    // Without a revision the decider sees the history: defining twice is a rule, not a conflict.
    await expect(
      handleCommand(
        observed,
        stream('scope-old'),
        scopeDecider,
        { type: 'Define', name: 'C' },
        metadata,
      ),
    ).rejects.toBeInstanceOf(DomainRuleViolation);
    expect(streamReads).toEqual(['scope-old', 'scope-old']);
  });
});
