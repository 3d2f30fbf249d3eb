import { CloudEvent } from 'cloudevents';
import { RecordedEventFactory } from './testing/index.js';
import {
  CloudEventMappingError,
  fromCloudEvent,
  fromKafkaBinaryMessage,
  resolvePublishingContext,
  toCloudEvent,
  toKafkaBinaryMessage,
} from './cloudevents.js';

describe('CloudEvents mapping', () => {
  const events = new RecordedEventFactory({ tenantId: 'acme group/EU', streamType: 'risk' });
  const accepted = events.next(
    'risk-42',
    'RiskAccepted',
    { residualScore: 4 },
    {
      correlationId: 'corr-1',
      causationId: 'cmd-9',
    },
  );

  it('maps a RecordedEvent to a valid CloudEvent 1.0 with ISMS attributes and extensions', () => {
    const cloudEvent = toCloudEvent(accepted, { context: 'risk' });
    expect(cloudEvent.validate()).toBe(true);
    expect(cloudEvent).toMatchObject({
      specversion: '1.0',
      id: accepted.eventId,
      source: '/isms/risk/acme%20group%2FEU',
      type: 'isms.risk.RiskAccepted.v1',
      subject: 'risk-42',
      time: accepted.recordedAt,
      datacontenttype: 'application/json',
      tenantid: 'acme group/EU',
      streamtype: 'risk',
      streamrevision: 1,
      globalposition: String(accepted.globalPosition),
      correlationid: 'corr-1',
      causationid: 'cmd-9',
      partitionkey: 'risk-42',
    });
    expect(fromCloudEvent(cloudEvent)).toEqual(accepted);
  });

  it('round-trips through the Kafka binary binding, also with Buffer headers and value', () => {
    const record = toKafkaBinaryMessage(accepted, {
      context: 'risk',
      headers: { traceparent: 't' },
    });
    expect(record.key).toBe('risk-42');
    expect(record.timestamp).toBe(String(Date.parse(accepted.recordedAt)));
    expect(record.headers['content-type']).toBe('application/json');
    expect(record.headers['ce_datacontenttype']).toBeUndefined();
    expect(Object.values(record.headers).every((v) => typeof v === 'string')).toBe(true);

    const asKafkajsDeliversIt = {
      key: Buffer.from(record.key),
      value: Buffer.from(record.value),
      headers: Object.fromEntries(
        Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]),
      ),
    };
    const { event, headers } = fromKafkaBinaryMessage(asKafkajsDeliversIt);
    expect(event).toEqual(accepted);
    expect(headers['traceparent']).toBe('t');
  });

  it('rejects a record whose headers disagree with the envelope', () => {
    const record = toKafkaBinaryMessage(accepted, { context: 'risk' });
    const tampered = (name: string, value: string) => ({
      ...record,
      headers: { ...record.headers, [name]: value },
    });
    expect(() => fromKafkaBinaryMessage(tampered('ce_id', 'another-id'))).toThrow(/attribute id/);
    expect(() => fromKafkaBinaryMessage(tampered('ce_subject', 'risk-43'))).toThrow(/subject/);
    expect(() => fromKafkaBinaryMessage(tampered('ce_streamrevision', '2'))).toThrow(
      /streamrevision/,
    );
    expect(() => fromKafkaBinaryMessage(tampered('ce_tenantid', 'other'))).toThrow(/tenantid/);
    expect(() => fromKafkaBinaryMessage(tampered('ce_source', '/isms/risk/other'))).toThrow(
      /source/,
    );
    expect(() => fromKafkaBinaryMessage({ ...record, key: 'risk-43' })).toThrow(/key/);
  });

  it('rejects what is not an ISMS CloudEvent', () => {
    const record = toKafkaBinaryMessage(accepted, { context: 'risk' });
    expect(() =>
      fromKafkaBinaryMessage({ ...record, headers: { ...record.headers, ce_specversion: '0.3' } }),
    ).toThrow(/specversion/);
    expect(() =>
      fromKafkaBinaryMessage({
        ...record,
        headers: { ...record.headers, 'content-type': 'text/plain' },
      }),
    ).toThrow(CloudEventMappingError);
    expect(() => fromKafkaBinaryMessage({ ...record, value: '{"not":"an envelope"}' })).toThrow(
      /eventId/,
    );
    expect(() => fromKafkaBinaryMessage({ ...record, value: 'not json' })).toThrow(/not JSON/);
    const withoutType = { ...record.headers };
    delete (withoutType as Record<string, string>)['ce_type'];
    expect(() => fromKafkaBinaryMessage({ ...record, headers: withoutType })).toThrow(/ce_type/);
  });

  it('validates with the cloudevents package: an invalid extension name is refused', () => {
    const valid = toCloudEvent(accepted, { context: 'risk' });
    expect(() => new CloudEvent({ ...valid.toJSON(), correlation_id: 'x' }, true)).toThrow(
      /invalid extension name/,
    );
  });

  it('refuses reserved custom headers and unknown publishing contexts', () => {
    expect(() =>
      toKafkaBinaryMessage(accepted, { context: 'risk', headers: { ce_type: 'spoofed' } }),
    ).toThrow(/reserved/);
    expect(resolvePublishingContext('isms.risk.events.v1')).toBe('risk');
    expect(resolvePublishingContext('anything', 'audit')).toBe('audit');
    expect(() => resolvePublishingContext('risk-events')).toThrow(/publishing context/);
  });
});
