import type { RecordedEvent } from '../envelope.js';
import type { Projection } from './projection-runner.js';

/**
 * What to ask the event store for on behalf of all `projections` at once: the union of their
 * stream types, and of their event types when every one of them names its event types (one
 * that does not needs every event of its stream types). Undefined: no filter of that kind.
 * Each projection is still given only what it handles (`handlesEvent`). Used by the runner's
 * catch-up group and by the `?asOf=` rebuilds.
 */
export function replayFilter(projections: readonly Projection[]): {
  readonly streamTypes?: readonly string[];
  readonly eventTypes?: readonly string[];
} {
  const union = (lists: readonly (readonly string[] | undefined)[]) =>
    lists.every((list) => list !== undefined)
      ? [...new Set(lists.flatMap((list) => list ?? []))]
      : undefined;
  const streamTypes = union(projections.map((p) => p.handles?.streamTypes));
  const eventTypes = union(projections.map((p) => p.handles?.eventTypes));
  return { ...(streamTypes ? { streamTypes } : {}), ...(eventTypes ? { eventTypes } : {}) };
}

/** Whether `projection` handles `event`: both of its lists narrow (what the runner applies it to). */
export function handlesEvent(projection: Projection, event: RecordedEvent): boolean {
  const handles = projection.handles;
  if (handles?.streamTypes && !handles.streamTypes.includes(event.streamType)) return false;
  if (handles?.eventTypes && !handles.eventTypes.includes(event.type)) return false;
  return true;
}
