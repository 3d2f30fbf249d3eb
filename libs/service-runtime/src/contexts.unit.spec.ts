import {
  AuditStreamTypes,
  ControlsStreamTypes,
  GovernanceStreamTypes,
  RiskStreamTypes,
} from '@isms/contracts';
import { splitByOrigin } from '@isms/platform-nest';
import type { Projection } from '@isms/event-sourcing';
import { InProcessMessageBus } from '@isms/messaging';
import {
  assertDeploymentName,
  publishingContextOf,
  SERVICE_CONTEXTS,
  serviceEventsTopic,
  serviceStorageName,
  STREAM_TYPES_BY_CONTEXT,
} from './contexts.js';
import { KafkaProjectionFeed } from './kafka-projection-feed.js';

describe('which service records and publishes what', () => {
  it('every stream type of the published contracts belongs to exactly one context', () => {
    const all = [
      ...Object.values(GovernanceStreamTypes),
      ...Object.values(RiskStreamTypes),
      ...Object.values(ControlsStreamTypes),
      ...Object.values(AuditStreamTypes),
    ];
    for (const type of all) {
      const owners = SERVICE_CONTEXTS.filter((c) => STREAM_TYPES_BY_CONTEXT[c].includes(type));
      expect([type, owners.length]).toEqual([type, 1]);
    }
    expect(publishingContextOf(GovernanceStreamTypes.IsmsScope)).toBe('governance');
    expect(publishingContextOf(RiskStreamTypes.Risk)).toBe('risk');
    expect(publishingContextOf(ControlsStreamTypes.ControlTestPlan)).toBe('controls');
    expect(publishingContextOf(AuditStreamTypes.AuditEngagement)).toBe('audit');
    expect(publishingContextOf('vendor')).toBeUndefined();
    expect(STREAM_TYPES_BY_CONTEXT.reporting).toEqual([]);
  });

  it('names topics, schemas and databases per context, prefixed by a deployment that shares servers', () => {
    expect(serviceEventsTopic('risk')).toBe('isms.risk.events.v1');
    expect(serviceEventsTopic('risk', 'e2e_1')).toBe('e2e_1.isms.risk.events.v1');
    expect(serviceStorageName('controls')).toBe('isms_controls');
    expect(serviceStorageName('controls', 'staging')).toBe('staging_controls');
    expect(() => assertDeploymentName('Staging; DROP')).toThrow(/must match/);
    expect(() => assertDeploymentName('staging_2')).not.toThrow();
  });
});

describe('the projection registry splits a read model by where its events are recorded', () => {
  const feed = new KafkaProjectionFeed({
    bus: new InProcessMessageBus(),
    context: 'risk',
    endOffsets: { fetch: async () => new Map() },
  });
  const own = (type: string) => feed.isOwnStreamType(type);
  const projection = (streamTypes?: string[]): Projection => ({
    name: 'p',
    ...(streamTypes ? { handles: { streamTypes } } : {}),
    apply: async () => undefined,
    reset: async () => undefined,
  });

  it('a read model of the service’s own events stays local (read-your-writes)', () => {
    const p = projection([RiskStreamTypes.Risk, RiskStreamTypes.Asset]);
    expect(splitByOrigin(p, own)).toEqual({ local: p });
  });

  it('one of other contexts’ events is fed from their topics only', () => {
    const split = splitByOrigin(projection([GovernanceStreamTypes.IsmsScope]), own);
    expect(split.local).toBeUndefined();
    expect(split.foreign).toEqual([GovernanceStreamTypes.IsmsScope]);
  });

  it('a mixed one is split: own types from the store, the others from Kafka', () => {
    const split = splitByOrigin(
      projection([RiskStreamTypes.Risk, ControlsStreamTypes.ControlTestPlan]),
      own,
    );
    expect(split.local?.handles?.streamTypes).toEqual([RiskStreamTypes.Risk]);
    expect(split.local?.name).toBe('p');
    expect(split.foreign).toEqual([ControlsStreamTypes.ControlTestPlan]);
  });

  it('one without a stream-type filter gets every event: its own from the store, the others from Kafka', () => {
    const all = projection();
    const foreign = feed.foreignStreamTypes();
    expect(foreign).toContain(GovernanceStreamTypes.IsmsScope);
    expect(foreign).toContain(AuditStreamTypes.AuditEngagement);
    expect(foreign).not.toContain(RiskStreamTypes.Risk);
    expect(splitByOrigin(all, own, foreign)).toEqual({ local: all, foreign });
    expect(splitByOrigin(all, own)).toEqual({ local: all });
  });

  it('one of a stream type no contract names stays local', () => {
    const unknown = projection(['vendor']);
    expect(splitByOrigin(unknown, own, feed.foreignStreamTypes())).toEqual({ local: unknown });
  });

  it('the access log, recorded by every service, is fed from every service’s topic (governance’s own included)', () => {
    const governance = new KafkaProjectionFeed({
      bus: new InProcessMessageBus(),
      context: 'governance',
      deployment: 'staging',
      endOffsets: { fetch: async () => new Map() },
    });
    const log = projection([GovernanceStreamTypes.AccessLog]);
    expect(governance.isOwnStreamType(GovernanceStreamTypes.AccessLog)).toBe(false);
    expect(governance.isOwnStreamType(GovernanceStreamTypes.IsmsScope)).toBe(true);
    expect(governance.foreignStreamTypes()).toContain(GovernanceStreamTypes.AccessLog);
    const split = splitByOrigin(
      log,
      (type) => governance.isOwnStreamType(type),
      governance.foreignStreamTypes(),
    );
    expect(split).toEqual({ foreign: [GovernanceStreamTypes.AccessLog] });
    governance.attach(log, split.foreign!);
    expect(governance.topics()).toEqual([
      'staging.isms.audit.events.v1',
      'staging.isms.controls.events.v1',
      'staging.isms.governance.events.v1',
      'staging.isms.reporting.events.v1',
      'staging.isms.risk.events.v1',
    ]);
  });

  it('a recorder gets every other context’s topic and joins the consumer group’s digest', () => {
    const reporting = new KafkaProjectionFeed({
      bus: new InProcessMessageBus(),
      context: 'reporting',
      endOffsets: { fetch: async () => new Map() },
    });
    reporting.attach({ ...projection(), name: 'scopes' }, [GovernanceStreamTypes.IsmsScope]);
    const before = reporting.groupId();
    reporting.record({ name: 'event-mirror', record: async () => undefined });
    expect(reporting.groupId()).not.toBe(before);
    expect(reporting.topics()).toEqual([
      'isms.audit.events.v1',
      'isms.controls.events.v1',
      'isms.governance.events.v1',
      'isms.risk.events.v1',
    ]);
    expect(() => reporting.record({ name: 'event-mirror', record: async () => undefined })).toThrow(
      /Two recorders/,
    );
  });

  it('the consumer group changes with the read-model set, so a new read model starts from the beginning', () => {
    const a = new KafkaProjectionFeed({
      bus: new InProcessMessageBus(),
      context: 'controls',
      deployment: 'staging',
      endOffsets: { fetch: async () => new Map() },
    });
    a.attach({ ...projection(), name: 'risk-links' }, [RiskStreamTypes.Risk]);
    const first = a.groupId();
    expect(first).toMatch(/^staging\.isms\.controls-service\.read-models\.[0-9a-f]{12}$/);
    expect(a.topics()).toEqual(['staging.isms.risk.events.v1']);
    a.attach({ ...projection(), name: 'scopes' }, [GovernanceStreamTypes.IsmsScope]);
    expect(a.groupId()).not.toBe(first);
    expect(a.topics()).toEqual([
      'staging.isms.governance.events.v1',
      'staging.isms.risk.events.v1',
    ]);
  });
});
