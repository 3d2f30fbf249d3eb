import {
  ControlsEventTypes,
  TEST_FREQUENCIES,
  TEST_FREQUENCY_MONTHS,
  controlKey,
  isControlsEvent,
  soaStreamId,
} from './controls.js';

describe('controls contracts', () => {
  it('names every stored event type controls.<EventName>, each once', () => {
    const types = Object.values(ControlsEventTypes);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(type).toMatch(/^controls\.[A-Z][A-Za-z]+$/);
  });

  it('recognises controls events and nothing else', () => {
    expect(isControlsEvent({ type: 'controls.ControlTestResultRecorded', data: {} })).toBe(true);
    expect(isControlsEvent({ type: 'risk.RiskAccepted', data: {} })).toBe(false);
  });

  it('keys a control by catalogue and identifier', () => {
    expect(controlKey({ catalogueId: 'iso27001-2022', controlId: '5.15' })).toBe(
      'iso27001-2022:5.15',
    );
  });

  it('gives the SoA of a scope the uuid of the scope', () => {
    expect(soaStreamId('isms-scope-0190f5a2-7c1e-7000-8000-000000000001')).toBe(
      'statement-of-applicability-0190f5a2-7c1e-7000-8000-000000000001',
    );
  });

  it('knows the months between tests for every frequency', () => {
    expect(Object.keys(TEST_FREQUENCY_MONTHS).sort()).toEqual([...TEST_FREQUENCIES].sort());
  });
});
