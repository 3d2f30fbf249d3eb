import {
  GovernanceEventTypes,
  MANDATORY_DOCUMENT_CLAUSES,
  MANDATORY_DOCUMENT_TYPES,
  integrationEventName,
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
