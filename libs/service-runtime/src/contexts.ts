import {
  AuditStreamTypes,
  ControlsStreamTypes,
  GovernanceStreamTypes,
  RiskStreamTypes,
} from '@isms/contracts';
import { eventsTopicFor } from '@isms/messaging';

/** The bounded contexts that run as services (ARCHITECTURE §1), each on its own port. */
export const SERVICE_CONTEXTS = ['governance', 'risk', 'controls', 'audit', 'reporting'] as const;
export type ServiceContext = (typeof SERVICE_CONTEXTS)[number];

/** Default ports of the local topology (tools/topology). */
export const DEFAULT_SERVICE_PORTS: Readonly<Record<ServiceContext, number>> = {
  governance: 3101,
  risk: 3102,
  controls: 3103,
  audit: 3104,
  reporting: 3105,
};

/**
 * Which context records (and publishes) each stream type, from the published contracts.
 * Reporting records nothing: it only projects what the others publish.
 */
export const STREAM_TYPES_BY_CONTEXT: Readonly<Record<ServiceContext, readonly string[]>> = {
  governance: Object.values(GovernanceStreamTypes),
  risk: Object.values(RiskStreamTypes),
  controls: Object.values(ControlsStreamTypes),
  audit: Object.values(AuditStreamTypes),
  reporting: [],
};

/**
 * Stream types every service records in its own store, on its own behalf: the access log (the
 * reads by external auditors and the denials each service served, a stream per tenant and
 * service, see accessLogStreamId). Its contract is governance's, and governance's read model of
 * it is fed from every service's topic, its own included.
 */
export const RECORDED_BY_EVERY_SERVICE: readonly string[] = [GovernanceStreamTypes.AccessLog];

/** The context that records a stream type (undefined for a type no contract names). */
export function publishingContextOf(streamType: string): ServiceContext | undefined {
  return SERVICE_CONTEXTS.find((context) => STREAM_TYPES_BY_CONTEXT[context].includes(streamType));
}

/**
 * The topic a context publishes to: `isms.<context>.events.v1`, or, for a deployment that
 * shares its broker with others (a test run, a staging copy), `<deployment>.isms.<context>.events.v1`.
 */
export function serviceEventsTopic(context: string, deployment?: string): string {
  const topic = eventsTopicFor(context);
  return deployment ? `${deployment}.${topic}` : topic;
}

const DEPLOYMENT = /^[a-z][a-z0-9_]{0,30}$/;

/** Validates a deployment name (it prefixes schemas, databases, topics and consumer groups). */
export function assertDeploymentName(deployment: string): void {
  if (!DEPLOYMENT.test(deployment)) {
    throw new RangeError(
      `Deployment name "${deployment}" must match ${DEPLOYMENT.source} (it prefixes schemas, databases and topics)`,
    );
  }
}

/** `isms_<context>` or `<deployment>_<context>`: the PostgreSQL schema and MongoDB database of a service. */
export function serviceStorageName(context: ServiceContext, deployment?: string): string {
  return `${deployment ?? 'isms'}_${context}`;
}
