import {
  AuditEventTypes,
  auditCertificationStreamId,
  auditProgrammeStreamId,
  isAuditEvent,
  isNonconformity,
} from './audit.js';
import { integrationEventName } from './governance.js';
import { isRiskEvent } from './risk.js';

describe('audit contracts', () => {
  it('names every stored event type audit.<EventName>, each once', () => {
    const types = Object.values(AuditEventTypes);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(type).toMatch(/^audit\.[A-Z][A-Za-z]+$/);
    expect(integrationEventName(AuditEventTypes.FindingRaised)).toBe('audit.FindingRaised.v1');
  });

  it('derives the per-scope programme stream id', () => {
    expect(auditProgrammeStreamId('isms-scope-0191')).toBe('audit-programme-0191');
  });

  it('derives the per-scope certification stream id and recognises certificate decisions', () => {
    expect(auditCertificationStreamId('isms-scope-0191')).toBe('audit-certification-0191');
    expect(isAuditEvent({ type: 'audit.CertificateIssued', data: {} })).toBe(true);
    expect(isAuditEvent({ type: 'audit.CertificateWithdrawn', data: {} })).toBe(true);
  });

  it('recognises audit events and nothing else', () => {
    expect(isAuditEvent({ type: 'audit.CorrectiveActionVerified', data: {} })).toBe(true);
    expect(isAuditEvent({ type: 'risk.RiskAccepted', data: {} })).toBe(false);
    expect(isRiskEvent({ type: 'audit.FindingRaised', data: {} })).toBe(false);
  });

  it('grades majors and minors as nonconformities, not observations or OFIs', () => {
    expect(isNonconformity('major-nonconformity')).toBe(true);
    expect(isNonconformity('minor-nonconformity')).toBe(true);
    expect(isNonconformity('observation')).toBe(false);
    expect(isNonconformity('opportunity-for-improvement')).toBe(false);
  });
});
