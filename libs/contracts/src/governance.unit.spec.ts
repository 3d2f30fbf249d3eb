import {
  GovernanceEventTypes,
  MANDATORY_DOCUMENT_CLAUSES,
  MANDATORY_DOCUMENT_TYPES,
  accessLogStreamId,
  integrationEventName,
  orgStructureStreamId,
  isGovernanceEvent,
} from './governance.js';

describe('governance contracts', () => {
  it('names every stored event type <context>.<EventName>, each once', () => {
    const types = Object.values(GovernanceEventTypes);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(type).toMatch(/^governance\.[A-Z][A-Za-z]+$/);
  });

  it('versions integration names as <type>.v<schemaVersion>', () => {
    expect(integrationEventName(GovernanceEventTypes.IsmsScopeApproved)).toBe(
      'governance.IsmsScopeApproved.v1',
    );
    expect(integrationEventName(GovernanceEventTypes.AccessGranted, 2)).toBe(
      'governance.AccessGranted.v2',
    );
  });

  it('lists the fifteen mandatory documented-information types, each with its clause', () => {
    expect(MANDATORY_DOCUMENT_TYPES).toHaveLength(15);
    expect(Object.keys(MANDATORY_DOCUMENT_CLAUSES).sort()).toEqual(
      [...MANDATORY_DOCUMENT_TYPES].sort(),
    );
    expect(MANDATORY_DOCUMENT_CLAUSES['information-security-policy']).toBe('5.2');
  });

  it('recognises governance events and nothing else', () => {
    expect(isGovernanceEvent({ type: 'governance.OrgUnitCreated', data: {} })).toBe(true);
    expect(isGovernanceEvent({ type: 'risk.RiskAccepted', data: {} })).toBe(false);
  });
});

describe('per-tenant stream ids', () => {
  it('reuse the uuid of the tenant id', () => {
    const tenantId = 'tenant-0190f5a2-7c1e-7000-8000-000000000001';
    expect(orgStructureStreamId(tenantId)).toBe(
      'org-structure-0190f5a2-7c1e-7000-8000-000000000001',
    );
    expect(accessLogStreamId(tenantId)).toBe('access-log-0190f5a2-7c1e-7000-8000-000000000001');
  });

  it('give each service its own access-log stream (the services record it in their own stores)', () => {
    const tenantId = 'tenant-0190f5a2-7c1e-7000-8000-000000000001';
    expect(accessLogStreamId(tenantId, 'risk')).toBe(
      'access-log-0190f5a2-7c1e-7000-8000-000000000001-risk',
    );
    expect(accessLogStreamId(tenantId, 'reporting')).not.toBe(accessLogStreamId(tenantId, 'risk'));
    expect(() => accessLogStreamId(tenantId, 'Risk Service')).toThrow(/context name/);
  });
});
