import { deciderSpec } from '@isms/event-sourcing/testing';
import { RiskEventTypes as T } from '@isms/contracts';
import { riskCatalogue } from './catalogue.js';
import type { AddThreat, AddVulnerability } from './commands.js';
import { DEFAULT_THREATS, DEFAULT_VULNERABILITIES } from './default-catalogue.js';
import type { RiskCatalogueEvent } from './events.js';

const spec = deciderSpec(riskCatalogue);

const addThreat: AddThreat = {
  type: 'AddThreat',
  code: 'ACME-T-01',
  name: 'Drone surveillance of the yard',
  category: 'deliberate',
  description: 'Competitors film the test track.',
  affects: ['confidentiality', 'confidentiality'],
  orgUnitId: 'ou-group',
  by: 'person-ciso',
};
const addVulnerability: AddVulnerability = {
  type: 'AddVulnerability',
  code: 'ACME-V-01',
  name: 'Open-air test track',
  category: 'site',
  description: 'The track is visible from public land.',
  orgUnitId: 'ou-group',
  by: 'person-ciso',
};
const threatAdded: RiskCatalogueEvent = {
  type: T.ThreatAdded,
  data: {
    code: 'ACME-T-01',
    name: 'Drone surveillance of the yard',
    category: 'deliberate',
    description: 'Competitors film the test track.',
    affects: ['confidentiality'],
    orgUnitId: 'ou-group',
    addedBy: 'person-ciso',
  },
};

describe('threat and vulnerability catalogues', () => {
  it('ships a default set of 20–30 threats and 20–30 vulnerabilities with unique codes', () => {
    for (const entries of [DEFAULT_THREATS, DEFAULT_VULNERABILITIES]) {
      expect(entries.length).toBeGreaterThanOrEqual(20);
      expect(entries.length).toBeLessThanOrEqual(30);
      expect(new Set(entries.map((e) => e.code)).size).toBe(entries.length);
    }
    expect(DEFAULT_THREATS.every((t) => t.affects.length > 0)).toBe(true);
  });

  it('a tenant adds its own threat', () => {
    spec.given([]).when(addThreat).then([threatAdded]);
  });

  it('a tenant adds its own vulnerability', () => {
    spec
      .given([])
      .when(addVulnerability)
      .then([
        {
          type: T.VulnerabilityAdded,
          data: {
            code: 'ACME-V-01',
            name: 'Open-air test track',
            category: 'site',
            description: 'The track is visible from public land.',
            orgUnitId: 'ou-group',
            addedBy: 'person-ciso',
          },
        },
      ]);
  });

  it('catalogue-code-taken: a code is used once in its catalogue', () => {
    spec.given([threatAdded]).when(addThreat).thenRejects('catalogue-code-taken');
  });

  it('catalogue-code-format: codes are upper-case slugs, and TH-/VU- belong to the defaults', () => {
    spec
      .given([])
      .when({ ...addThreat, code: 'TH-99' })
      .thenRejects('catalogue-code-format');
    spec
      .given([])
      .when({ ...addThreat, code: 'acme t1' })
      .thenRejects('catalogue-code-format');
  });

  it('catalogue-entry-needs-name: an entry has a name', () => {
    spec
      .given([])
      .when({ ...addVulnerability, name: ' ' })
      .thenRejects('catalogue-entry-needs-name');
  });

  it('threat-affects-a-property: a threat endangers confidentiality, integrity or availability', () => {
    spec
      .given([])
      .when({ ...addThreat, affects: [] })
      .thenRejects('threat-affects-a-property');
  });
});
