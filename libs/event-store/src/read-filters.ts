import type { ReadAllOptions } from '@isms/event-sourcing';

/**
 * The SQL conditions (each ` AND …`, appending their parameters to `params`) of a read's tenant,
 * event-type, stream-id and data-value filters, on a table with the event store's column names:
 * shared by the event store and the event mirror. Stream types are left to the caller, which may
 * read them along their index.
 */
export function eventFilterConditions(
  options: Pick<ReadAllOptions, 'tenantId' | 'eventTypes' | 'streamIds' | 'dataEquals'>,
  params: unknown[],
): string {
  let where = '';
  if (options.tenantId !== undefined) {
    params.push(options.tenantId);
    where += ` AND tenant_id = $${params.length}`;
  }
  if (options.eventTypes) {
    params.push([...options.eventTypes]);
    where += ` AND event_type = ANY($${params.length}::text[])`;
  }
  if (options.streamIds) {
    params.push([...options.streamIds]);
    where += ` AND stream_id = ANY($${params.length}::text[])`;
  }
  for (const [field, value] of Object.entries(options.dataEquals ?? {})) {
    params.push(field, value);
    where += ` AND data -> $${params.length - 1}::text = to_jsonb($${params.length}::text)`;
  }
  return where;
}

/** An empty list of stream types, event types or streams selects nothing (not everything). */
export function selectsNothing(
  options: Pick<ReadAllOptions, 'streamTypes' | 'eventTypes' | 'streamIds'>,
): boolean {
  return (
    options.streamTypes?.length === 0 ||
    options.eventTypes?.length === 0 ||
    options.streamIds?.length === 0
  );
}
