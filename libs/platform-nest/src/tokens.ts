/** Dependency-injection tokens of the ports; apps bind them to embedded or server adapters. */
export const EVENT_STORE = Symbol.for('isms.EventStore');
export const CHECKPOINT_STORE = Symbol.for('isms.CheckpointStore');
export const MESSAGE_BUS = Symbol.for('isms.MessageBus');
export const READ_STORE = Symbol.for('isms.ReadStore');
export const CLOCK = Symbol.for('isms.Clock');
export const PROJECTION_RUNNER = Symbol.for('isms.ProjectionRunner');
/** Distributed mode: the ForeignEventFeed of the ProjectionRegistry (unbound when embedded). */
export const FOREIGN_EVENT_FEED = Symbol.for('isms.ForeignEventFeed');
/**
 * Distributed mode: the bounded context this process runs as a service (unbound when embedded).
 * Names what the service records on its own behalf, e.g. its access-log stream.
 */
export const SERVICE_CONTEXT = Symbol.for('isms.ServiceContext');
/**
 * Where history is read from for `?asOf=` and hash-chain verification when the app's own event
 * store does not hold the events its read models are built from (the reporting service: a
 * replica of what it consumed). Unbound: the EVENT_STORE.
 */
export const EVENT_HISTORY = Symbol.for('isms.EventHistory');
/**
 * Distributed mode: the events of other contexts a service's read models consumed, kept in its
 * event mirror (ForeignEventHistory), merged with its own for `?asOf=` (unbound when embedded).
 */
export const FOREIGN_EVENT_HISTORY = Symbol.for('isms.ForeignEventHistory');
