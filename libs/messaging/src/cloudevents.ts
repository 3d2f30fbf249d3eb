import type { RecordedEvent } from '@isms/event-sourcing';
import { CloudEvent, ValidationError } from 'cloudevents';
import { contextOfTopic } from './message-bus.js';

/**
 * RecordedEvent ⇄ CloudEvents 1.0, and the CloudEvents Kafka protocol binding in binary content
 * mode: the attributes travel as `ce_*` headers, the data (the whole RecordedEvent envelope, as
 * JSON) as the message value, the stream id as the message key.
 *
 * Attributes: id = event id, source = `/isms/<context>/<tenant>`, type =
 * `isms.<context>.<EventType>.v<schemaVersion>`, subject = stream id, time = recorded-at,
 * datacontenttype = application/json (the `content-type` header in binary mode). Extensions
 * (lower-case a–z/0–9 only, per the spec) repeat what routing, logging and dedupe need without
 * parsing the value.
 */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

export const CLOUDEVENT_EXTENSIONS = {
  tenantId: 'tenantid',
  streamType: 'streamtype',
  /** Integer (streams stay far below the spec's 32-bit limit). */
  streamRevision: 'streamrevision',
  /** A decimal string: positions are 64-bit in PostgreSQL, the spec's Integer is 32-bit. */
  globalPosition: 'globalposition',
  correlationId: 'correlationid',
  causationId: 'causationid',
  /** The CloudEvents partitioning extension; the Kafka binding maps it to the message key. */
  partitionKey: 'partitionkey',
} as const;

/** The `ce_` header prefix of the Kafka binding. */
export const CE_HEADER_PREFIX = 'ce_';
export const CONTENT_TYPE_HEADER = 'content-type';

export type IsmsCloudEvent = CloudEvent<RecordedEvent>;

const SOURCE = /^\/isms\/([^/]+)\/([^/]+)$/;

export class CloudEventMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudEventMappingError';
  }
}

export interface CloudEventMappingOptions {
  /** The publishing bounded context, e.g. `risk`. */
  readonly context: string;
}

export function cloudEventType(
  context: string,
  event: Pick<RecordedEvent, 'type' | 'schemaVersion'>,
) {
  return `isms.${context}.${event.type}.v${event.schemaVersion}`;
}

export function cloudEventSource(context: string, tenantId: string): string {
  return `/isms/${encodeURIComponent(context)}/${encodeURIComponent(tenantId)}`;
}

/** The context to publish under: explicit, or read from a topic named `isms.<context>.events.v<n>`. */
export function resolvePublishingContext(topic: string, explicit?: string): string {
  const context = explicit ?? contextOfTopic(topic);
  if (!context) {
    throw new CloudEventMappingError(
      `Cannot tell the publishing context of topic "${topic}": name it isms.<context>.events.v<n> or pass options.context`,
    );
  }
  return context;
}

/** A validated CloudEvent whose data is the RecordedEvent envelope. */
export function toCloudEvent(
  event: RecordedEvent,
  options: CloudEventMappingOptions,
): IsmsCloudEvent {
  const x = CLOUDEVENT_EXTENSIONS;
  const attributes: Record<string, unknown> = {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: event.eventId,
    source: cloudEventSource(options.context, event.tenantId),
    type: cloudEventType(options.context, event),
    subject: event.streamId,
    time: event.recordedAt,
    datacontenttype: JSON_CONTENT_TYPE,
    data: event,
    [x.tenantId]: event.tenantId,
    [x.streamType]: event.streamType,
    [x.streamRevision]: event.streamRevision,
    [x.globalPosition]: String(event.globalPosition),
    [x.correlationId]: event.metadata.correlationId,
    [x.partitionKey]: event.streamId,
  };
  if (event.metadata.causationId) attributes[x.causationId] = event.metadata.causationId;
  try {
    const cloudEvent = new CloudEvent<RecordedEvent>(attributes, true);
    cloudEvent.validate();
    return cloudEvent;
  } catch (error) {
    throw asMappingError(error, `Event ${event.eventId} does not map to a valid CloudEvent`);
  }
}

/**
 * The RecordedEvent a CloudEvent carries. Validates the CloudEvent and checks that its attributes
 * agree with the envelope, so a message whose headers were altered on the way is rejected.
 */
export function fromCloudEvent(cloudEvent: CloudEvent<unknown>): RecordedEvent {
  try {
    cloudEvent.validate();
  } catch (error) {
    throw asMappingError(error, 'Invalid CloudEvent');
  }
  const event = asRecordedEvent(cloudEvent.data);
  const x = CLOUDEVENT_EXTENSIONS;
  const expect = (attribute: string, actual: unknown, expected: unknown) => {
    if (actual !== undefined && String(actual) !== String(expected)) {
      throw new CloudEventMappingError(
        `CloudEvent ${cloudEvent.id}: attribute ${attribute} is "${String(actual)}" but the envelope says "${String(expected)}"`,
      );
    }
  };
  expect('id', cloudEvent.id, event.eventId);
  expect('subject', cloudEvent.subject, event.streamId);
  expect(x.tenantId, cloudEvent[x.tenantId], event.tenantId);
  expect(x.streamType, cloudEvent[x.streamType], event.streamType);
  expect(x.streamRevision, cloudEvent[x.streamRevision], event.streamRevision);
  expect(x.globalPosition, cloudEvent[x.globalPosition], event.globalPosition);
  expect(x.partitionKey, cloudEvent[x.partitionKey], event.streamId);
  const source = SOURCE.exec(cloudEvent.source);
  if (!source || decodeURIComponent(source[2]!) !== event.tenantId) {
    throw new CloudEventMappingError(
      `CloudEvent ${cloudEvent.id}: source "${cloudEvent.source}" is not /isms/<context>/${encodeURIComponent(event.tenantId)}`,
    );
  }
  return event;
}

/** A Kafka record in CloudEvents binary content mode, with string headers (as kafkajs takes them). */
export interface KafkaBinaryMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch, as a string (kafkajs' format): the event's recorded-at. */
  readonly timestamp: string;
}

/** A received Kafka record: header values may be strings, Buffers or repeated. */
export interface IncomingKafkaMessage {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, string | Buffer | (string | Buffer)[] | undefined>>;
}

export function toKafkaBinaryMessage(
  event: RecordedEvent,
  options: CloudEventMappingOptions & { readonly headers?: Readonly<Record<string, string>> },
): KafkaBinaryMessage {
  const cloudEvent = toCloudEvent(event, options);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower.startsWith(CE_HEADER_PREFIX) || lower === CONTENT_TYPE_HEADER) {
      throw new CloudEventMappingError(`Header ${name} is reserved for the CloudEvents binding`);
    }
    headers[name] = value;
  }
  // Binary mode: datacontenttype → content-type; every other attribute → ce_<name>; data → value.
  headers[CONTENT_TYPE_HEADER] = JSON_CONTENT_TYPE;
  for (const [name, value] of Object.entries(cloudEvent.toJSON())) {
    if (name === 'data' || name === 'data_base64' || name === 'datacontenttype') continue;
    if (value === undefined || value === null) continue;
    headers[`${CE_HEADER_PREFIX}${name}`] = String(value);
  }
  return {
    key: event.streamId,
    value: JSON.stringify(event),
    headers,
    timestamp: String(Date.parse(event.recordedAt)),
  };
}

/** The event and the transport headers (as strings) of a Kafka record in binary content mode. */
export function fromKafkaBinaryMessage(message: IncomingKafkaMessage): {
  readonly event: RecordedEvent;
  readonly headers: Record<string, string>;
  readonly cloudEvent: CloudEvent<unknown>;
} {
  const headers = stringHeaders(message.headers ?? {});
  const contentType = headers[CONTENT_TYPE_HEADER];
  if (!contentType?.startsWith(JSON_CONTENT_TYPE)) {
    throw new CloudEventMappingError(
      `Expected a binary-mode CloudEvent with content-type ${JSON_CONTENT_TYPE}, got ${contentType ?? 'none'}`,
    );
  }
  if (message.value === null) throw new CloudEventMappingError('Message has no value');
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString());
  } catch (error) {
    throw asMappingError(error, 'Message value is not JSON');
  }
  const attributes: Record<string, unknown> = { datacontenttype: contentType, data };
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(CE_HEADER_PREFIX)) continue;
    const attribute = name.slice(CE_HEADER_PREFIX.length);
    attributes[attribute] =
      attribute === CLOUDEVENT_EXTENSIONS.streamRevision ? Number(value) : value;
  }
  if (attributes['specversion'] !== CLOUDEVENTS_SPEC_VERSION) {
    throw new CloudEventMappingError(
      `Unsupported CloudEvents specversion ${String(attributes['specversion'])}`,
    );
  }
  for (const required of ['id', 'source', 'type']) {
    if (typeof attributes[required] !== 'string') {
      throw new CloudEventMappingError(`Missing CloudEvents attribute ce_${required}`);
    }
  }
  let cloudEvent: CloudEvent<unknown>;
  try {
    cloudEvent = new CloudEvent<unknown>(attributes, true);
  } catch (error) {
    throw asMappingError(error, 'Invalid CloudEvent');
  }
  const event = fromCloudEvent(cloudEvent);
  const key = message.key == null ? undefined : message.key.toString();
  if (key !== undefined && key !== event.streamId) {
    throw new CloudEventMappingError(
      `Message key "${key}" is not the stream id "${event.streamId}" of event ${event.eventId}`,
    );
  }
  return { event, headers, cloudEvent };
}

function stringHeaders(
  raw: Readonly<Record<string, string | Buffer | (string | Buffer)[] | undefined>>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    // A repeated header: the last value wins, as with HTTP-style single-valued attributes.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) headers[name.toLowerCase()] = last.toString();
  }
  return headers;
}

const ENVELOPE_STRINGS = [
  'eventId',
  'tenantId',
  'streamId',
  'streamType',
  'type',
  'recordedAt',
  'hash',
] as const;
const ENVELOPE_INTEGERS = ['streamRevision', 'globalPosition', 'schemaVersion'] as const;

function asRecordedEvent(data: unknown): RecordedEvent {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new CloudEventMappingError('CloudEvent data is not a RecordedEvent envelope');
  }
  const candidate = data as Record<string, unknown>;
  for (const field of ENVELOPE_STRINGS) {
    if (typeof candidate[field] !== 'string' || candidate[field] === '') {
      throw new CloudEventMappingError(`Envelope field ${field} must be a non-empty string`);
    }
  }
  for (const field of ENVELOPE_INTEGERS) {
    const value = candidate[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new CloudEventMappingError(`Envelope field ${field} must be a positive integer`);
    }
  }
  if (candidate['previousHash'] !== null && typeof candidate['previousHash'] !== 'string') {
    throw new CloudEventMappingError('Envelope field previousHash must be a string or null');
  }
  const metadata = candidate['metadata'] as Record<string, unknown> | undefined;
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    typeof metadata['correlationId'] !== 'string' ||
    typeof metadata['actor'] !== 'object'
  ) {
    throw new CloudEventMappingError('Envelope metadata must carry an actor and a correlation id');
  }
  if (!('data' in candidate)) throw new CloudEventMappingError('Envelope has no data');
  return candidate as unknown as RecordedEvent;
}

function asMappingError(error: unknown, context: string): CloudEventMappingError {
  if (error instanceof CloudEventMappingError) return error;
  const detail =
    error instanceof ValidationError || error instanceof Error ? error.message : String(error);
  return new CloudEventMappingError(`${context}: ${detail}`);
}
