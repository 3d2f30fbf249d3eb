/** Dependency-injection tokens of the ports; apps bind them to embedded or server adapters. */
export const EVENT_STORE = Symbol.for('isms.EventStore');
export const CHECKPOINT_STORE = Symbol.for('isms.CheckpointStore');
export const MESSAGE_BUS = Symbol.for('isms.MessageBus');
export const READ_STORE = Symbol.for('isms.ReadStore');
export const CLOCK = Symbol.for('isms.Clock');
export const PROJECTION_RUNNER = Symbol.for('isms.ProjectionRunner');
/** Distributed mode: the ForeignEventFeed of the ProjectionRegistry (unbound when embedded). */
export const FOREIGN_EVENT_FEED = Symbol.for('isms.ForeignEventFeed');
