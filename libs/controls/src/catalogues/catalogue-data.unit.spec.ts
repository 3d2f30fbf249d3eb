import {
  CONTROL_TYPES,
  CYBERSECURITY_CONCEPTS,
  OPERATIONAL_CAPABILITIES,
  SECURITY_DOMAINS,
  SECURITY_PROPERTIES,
} from '@isms/contracts';
import {
  ISO27001_2013,
  ISO27001_2013_TO_2022,
  ISO27001_2022,
  compareControlIds,
  mappedFrom,
  mappedTo,
} from './catalogue.js';

/*
 * Auditors check these tables: counts, identifiers, the eleven new controls, and the 2013 ↔ 2022
 * correspondence. Identifiers and short titles only, never the standards' prose.
 */

const ids = (catalogue: typeof ISO27001_2022) => catalogue.controls.map((c) => c.controlId);
const range = (prefix: string, theme: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${theme}.${i + 1}`);

describe('ISO/IEC 27001:2022 Annex A', () => {
  it('has 93 controls in 4 themes: 5.1–5.37, 6.1–6.8, 7.1–7.14, 8.1–8.34', () => {
    expect(ISO27001_2022.controls).toHaveLength(93);
    expect(ISO27001_2022.groups.map((g) => [g.groupId, g.title])).toEqual([
      ['5', 'Organizational controls'],
      ['6', 'People controls'],
      ['7', 'Physical controls'],
      ['8', 'Technological controls'],
    ]);
    expect(ids(ISO27001_2022)).toEqual([
      ...range('', 5, 37),
      ...range('', 6, 8),
      ...range('', 7, 14),
      ...range('', 8, 34),
    ]);
    for (const control of ISO27001_2022.controls) {
      expect(control.groupId).toBe(control.controlId.split('.')[0]);
    }
  });

  it('gives every control the five ISO/IEC 27002:2022 attribute families, with known values only', () => {
    for (const { controlId, attributes } of ISO27001_2022.controls) {
      expect({ controlId, has: attributes !== undefined }).toEqual({ controlId, has: true });
      const a = attributes!;
      const families: [readonly string[], readonly string[]][] = [
        [a.controlTypes, CONTROL_TYPES],
        [a.securityProperties, SECURITY_PROPERTIES],
        [a.cybersecurityConcepts, CYBERSECURITY_CONCEPTS],
        [a.operationalCapabilities, OPERATIONAL_CAPABILITIES],
        [a.securityDomains, SECURITY_DOMAINS],
      ];
      for (const [values, allowed] of families) {
        expect(values.length).toBeGreaterThan(0);
        for (const value of values) expect(allowed).toContain(value);
      }
    }
  });

  it('tags controls as ISO/IEC 27002:2022 does (spot checks across the four themes)', () => {
    const attributes = (id: string) =>
      ISO27001_2022.controls.find((c) => c.controlId === id)!.attributes;
    expect(attributes('5.7')).toEqual({
      controlTypes: ['preventive', 'detective', 'corrective'],
      securityProperties: ['confidentiality', 'integrity', 'availability'],
      cybersecurityConcepts: ['identify', 'detect', 'respond'],
      operationalCapabilities: ['threat-and-vulnerability-management'],
      securityDomains: ['defence', 'resilience'],
    });
    expect(attributes('5.30')).toEqual({
      controlTypes: ['corrective'],
      securityProperties: ['availability'],
      cybersecurityConcepts: ['respond'],
      operationalCapabilities: ['continuity'],
      securityDomains: ['resilience'],
    });
    expect(attributes('6.6')?.securityProperties).toEqual(['confidentiality']);
    expect(attributes('7.4')?.controlTypes).toEqual(['preventive', 'detective']);
    expect(attributes('8.13')).toEqual({
      controlTypes: ['corrective'],
      securityProperties: ['integrity', 'availability'],
      cybersecurityConcepts: ['recover'],
      operationalCapabilities: ['continuity'],
      securityDomains: ['protection'],
    });
    expect(attributes('8.16')?.controlTypes).toEqual(['detective', 'corrective']);
    // Table A.2 of ISO/IEC 27002:2022 lists the corrective controls:
    expect(
      ISO27001_2022.controls
        .filter((c) => c.attributes?.controlTypes.includes('corrective'))
        .map((c) => c.controlId),
    ).toEqual([
      '5.5',
      '5.6',
      '5.7',
      '5.24',
      '5.26',
      '5.28',
      '5.29',
      '5.30',
      '5.35',
      '5.37',
      '6.4',
      '8.7',
      '8.13',
      '8.16',
    ]);
  });

  it('ships short titles only', () => {
    for (const control of [...ISO27001_2022.controls, ...ISO27001_2013.controls]) {
      expect(control.title.length).toBeLessThanOrEqual(80);
      expect(control.title).not.toMatch(/shall|should/i);
    }
    expect(ISO27001_2022.controls.find((c) => c.controlId === '5.23')?.title).toBe(
      'Information security for use of cloud services',
    );
  });
});

describe('ISO/IEC 27001:2013 Annex A', () => {
  it('has 114 controls in 14 domains, A.5 to A.18', () => {
    expect(ISO27001_2013.controls).toHaveLength(114);
    expect(ISO27001_2013.groups.map((g) => g.groupId)).toEqual(
      Array.from({ length: 14 }, (_, i) => `A.${i + 5}`),
    );
    const perDomain = ISO27001_2013.groups.map(
      (g) => ISO27001_2013.controls.filter((c) => c.groupId === g.groupId).length,
    );
    expect(perDomain).toEqual([2, 7, 6, 10, 14, 2, 15, 14, 7, 13, 5, 7, 4, 8]);
    for (const control of ISO27001_2013.controls) {
      expect(control.controlId).toMatch(/^A\.\d{1,2}\.\d\.\d$/);
      expect(control.controlId.startsWith(`${control.groupId}.`)).toBe(true);
    }
    expect([...ids(ISO27001_2013)].sort(compareControlIds)).toEqual(ids(ISO27001_2013));
  });
});

describe('the 2013 ↔ 2022 mapping', () => {
  const NEW_IN_2022 = [
    '5.7',
    '5.23',
    '5.30',
    '7.4',
    '8.9',
    '8.10',
    '8.11',
    '8.12',
    '8.16',
    '8.23',
    '8.28',
  ];

  it('names only controls that exist, each 2013 control once', () => {
    const from = ISO27001_2013_TO_2022.entries.map((e) => e.from);
    expect(new Set(from).size).toBe(from.length);
    for (const entry of ISO27001_2013_TO_2022.entries) {
      expect(ids(ISO27001_2013)).toContain(entry.from);
      for (const to of entry.to) expect(ids(ISO27001_2022)).toContain(to);
    }
  });

  it('maps every 2013 control to at least one 2022 control', () => {
    for (const id of ids(ISO27001_2013))
      expect([id, mappedTo(ISO27001_2013_TO_2022, id).length > 0]).toEqual([id, true]);
  });

  it('leaves exactly the eleven controls new in 2022 without a 2013 source', () => {
    const withoutSource = ids(ISO27001_2022).filter(
      (id) => mappedFrom(ISO27001_2013_TO_2022, id).length === 0,
    );
    expect(withoutSource).toEqual(NEW_IN_2022);
  });

  it('is many-to-many: merges, the split of A.18.2.3, and moves across themes', () => {
    expect(mappedFrom(ISO27001_2013_TO_2022, '5.1')).toEqual(['A.5.1.1', 'A.5.1.2']);
    expect(mappedFrom(ISO27001_2013_TO_2022, '8.32')).toEqual([
      'A.12.1.2',
      'A.14.2.2',
      'A.14.2.3',
      'A.14.2.4',
    ]);
    expect(mappedFrom(ISO27001_2013_TO_2022, '7.10')).toEqual([
      'A.8.3.1',
      'A.8.3.2',
      'A.8.3.3',
      'A.11.2.5',
    ]);
    expect(mappedTo(ISO27001_2013_TO_2022, 'A.12.6.2')).toEqual(['8.19']);
    expect(mappedTo(ISO27001_2013_TO_2022, 'A.18.2.3')).toEqual(['5.36', '8.8']);
    expect(mappedTo(ISO27001_2013_TO_2022, 'A.7.2.1')).toEqual(['5.4']);
    expect(mappedFrom(ISO27001_2013_TO_2022, '8.1')).toEqual(['A.6.2.1', 'A.11.2.8']);
  });
});
