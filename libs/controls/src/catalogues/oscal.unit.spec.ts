import { CatalogueFileSchema } from './format.js';
import { OscalCatalogSchema, catalogueFromOscal } from './oscal.js';

const oscal = {
  catalog: {
    uuid: '0f1c9a3e-0000-4000-8000-000000000001',
    metadata: { title: 'Acme supplier controls', version: '1.2', 'oscal-version': '1.1.2' },
    groups: [
      {
        id: 'sup',
        title: 'Supplier security',
        controls: [
          {
            id: 'sup-1',
            title: 'Supplier due diligence',
            props: [{ name: 'label', value: 'SUP-1' }],
            parts: [{ id: 'sup-1_smt', name: 'statement', prose: 'Not imported.' }],
            controls: [
              {
                id: 'sup-1.1',
                title: 'Annual re-assessment',
                props: [{ name: 'label', value: 'SUP-1(1)' }],
              },
            ],
          },
        ],
        groups: [
          {
            id: 'sup-cloud',
            title: 'Cloud suppliers',
            controls: [{ id: 'sc-1', title: 'Exit plan' }],
          },
        ],
      },
    ],
    controls: [{ id: 'gen-1', title: 'General control' }],
  },
};

describe('OSCAL catalog import', () => {
  it('turns groups into groups and controls (with enhancements) into controls, labels as ids, no prose', () => {
    const file = catalogueFromOscal(OscalCatalogSchema.parse(oscal));
    expect(CatalogueFileSchema.parse(file)).toEqual({
      format: 'isms-ledger-catalogue/v1',
      name: 'Acme supplier controls',
      version: '1.2',
      groups: [
        { groupId: 'sup', title: 'Supplier security' },
        { groupId: 'sup-cloud', title: 'Cloud suppliers' },
        { groupId: 'ungrouped', title: 'Controls outside any group' },
      ],
      controls: [
        { controlId: 'SUP-1', title: 'Supplier due diligence', groupId: 'sup' },
        { controlId: 'SUP-1(1)', title: 'Annual re-assessment', groupId: 'sup' },
        { controlId: 'sc-1', title: 'Exit plan', groupId: 'sup-cloud' },
        { controlId: 'gen-1', title: 'General control', groupId: 'ungrouped' },
      ],
    });
    expect(JSON.stringify(file)).not.toContain('Not imported');
  });

  it('refuses a document that is not an OSCAL catalog', () => {
    expect(OscalCatalogSchema.safeParse({ profile: {} }).success).toBe(false);
  });
});
