import { isControlsEvent } from './controls.js';
import { integrationEventName } from './governance.js';
import {
  RiskEventTypes,
  isRiskEvent,
  riskCatalogueStreamId,
  riskMethodologyStreamId,
} from './risk.js';

describe('risk contracts', () => {
  it('names every stored event type risk.<EventName>, each once', () => {
    const types = Object.values(RiskEventTypes);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(type).toMatch(/^risk\.[A-Z][A-Za-z]+$/);
    expect(integrationEventName(RiskEventTypes.RiskAccepted)).toBe('risk.RiskAccepted.v1');
  });

  it('derives the per-org-unit methodology and per-tenant catalogue stream ids', () => {
    expect(riskMethodologyStreamId('org-unit-0191')).toBe('risk-methodology-org-unit-0191');
    expect(riskCatalogueStreamId('tenant-0191')).toBe('risk-catalogue-0191');
  });

  it('recognises risk events and nothing else', () => {
    expect(isRiskEvent({ type: 'risk.RiskTreatmentPlanned', data: {} })).toBe(true);
    expect(isRiskEvent({ type: 'controls.ControlTestResultRecorded', data: {} })).toBe(false);
    expect(isControlsEvent({ type: 'risk.RiskAccepted', data: {} })).toBe(false);
  });
});
