import { RecordedEventFactory } from './testing/index.js';
import { InMemoryProcessedEventLog, idempotentHandler } from './idempotent-consumer.js';
import type { ReceivedMessage } from './message-bus.js';

describe('idempotentHandler (dedupe by stream and revision)', () => {
  const events = new RecordedEventFactory();
  const first = events.next('finding-1', 'NonconformityRaised');
  const second = events.next('finding-1', 'CorrectiveActionPlanned');
  const other = events.next('finding-2', 'NonconformityRaised');
  const message = (event: typeof first): ReceivedMessage => ({
    topic: 'isms.audit.events.v1',
    partition: 0,
    offset: String(event.globalPosition),
    key: event.streamId,
    event,
    headers: {},
    groupId: 'notifications',
    attempt: 1,
  });

  it('handles each (stream, revision) once and skips redeliveries and older revisions', async () => {
    const handled: string[] = [];
    const duplicates: string[] = [];
    const handler = idempotentHandler(async (m) => void handled.push(m.event.eventId), {
      consumerId: 'notifications',
      log: new InMemoryProcessedEventLog(),
      onDuplicate: (m) => duplicates.push(m.event.eventId),
    });
    for (const event of [first, first, second, first, other, second]) await handler(message(event));
    expect(handled).toEqual([first.eventId, second.eventId, other.eventId]);
    expect(duplicates).toEqual([first.eventId, first.eventId, second.eventId]);
  });

  it('does not mark an event whose handler failed, so its redelivery is handled', async () => {
    const log = new InMemoryProcessedEventLog();
    let fail = true;
    const handler = idempotentHandler(
      async () => {
        if (fail) throw new Error('mail server down');
      },
      { consumerId: 'notifications', log },
    );
    await expect(handler(message(first))).rejects.toThrow('mail server down');
    expect(await log.lastHandledRevision('notifications', 'finding-1')).toBe(0);
    fail = false;
    await handler(message(first));
    expect(await log.lastHandledRevision('notifications', 'finding-1')).toBe(1);
  });

  it('keeps consumers apart', async () => {
    const log = new InMemoryProcessedEventLog();
    await log.markHandled('a', 'finding-1', 2);
    await log.markHandled('a', 'finding-1', 1);
    expect(await log.lastHandledRevision('a', 'finding-1')).toBe(2);
    expect(await log.lastHandledRevision('b', 'finding-1')).toBe(0);
  });
});
