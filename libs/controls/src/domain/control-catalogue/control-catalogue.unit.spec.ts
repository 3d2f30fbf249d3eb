import { deciderSpec } from '@isms/event-sourcing/testing';
import { ControlsEventTypes as T } from '@isms/contracts';
import type { ImportCatalogue } from './commands.js';
import { controlCatalogue } from './control-catalogue.js';
import type { ControlCatalogueEvent } from './events.js';

const spec = deciderSpec(controlCatalogue);
const importCommand: ImportCatalogue = {
  type: 'ImportCatalogue',
  catalogueId: 'control-catalogue-1',
  orgUnitId: 'ou-group',
  name: 'Acme group controls',
  version: '2026.1',
  format: 'isms-ledger',
  groups: [{ groupId: 'GRP', title: 'Group-wide' }],
  controls: [{ controlId: 'GRP-1', title: 'Secure use of AI assistants', groupId: 'GRP' }],
  by: 'person-ciso',
};
const imported: ControlCatalogueEvent = {
  type: T.CatalogueImported,
  data: {
    catalogueId: 'control-catalogue-1',
    name: 'Acme group controls',
    version: '2026.1',
    format: 'isms-ledger',
    orgUnitId: 'ou-group',
    groups: importCommand.groups,
    controls: importCommand.controls,
    importedBy: 'person-ciso',
  },
};
const addCommand = {
  type: 'AddCustomControl' as const,
  control: { controlId: 'GRP-2', title: 'Shadow IT register', groupId: 'GRP' },
  by: 'person-manager',
};

describe('custom control catalogue', () => {
  it('imports a catalogue once', () => {
    spec.given([]).when(importCommand).then([imported]);
    spec.given([imported]).when(importCommand).thenRejects('catalogue-already-imported');
  });

  it('needs a name and at least one control', () => {
    spec
      .given([])
      .when({ ...importCommand, name: ' ' })
      .thenRejects('catalogue-needs-name');
    spec
      .given([])
      .when({ ...importCommand, controls: [] })
      .thenRejects('catalogue-needs-controls');
  });

  it('gives each control its own identifier', () => {
    spec
      .given([])
      .when({ ...importCommand, controls: [...importCommand.controls, ...importCommand.controls] })
      .thenRejects('duplicate-control-id', /GRP-1/);
    spec
      .given([imported])
      .when({ ...addCommand, control: { ...addCommand.control, controlId: 'GRP-1' } })
      .thenRejects('duplicate-control-id');
  });

  it('puts every control in a declared group', () => {
    spec
      .given([])
      .when({
        ...importCommand,
        controls: [{ controlId: 'X-1', title: 'Stray', groupId: 'NOPE' }],
      })
      .thenRejects('control-group-not-declared', /use one of: GRP/);
  });

  it('adds custom controls to an imported catalogue', () => {
    spec
      .given([imported])
      .when(addCommand)
      .then([
        {
          type: T.CustomControlAdded,
          data: {
            catalogueId: 'control-catalogue-1',
            control: addCommand.control,
            addedBy: 'person-manager',
          },
        },
      ]);
    spec.given([]).when(addCommand).thenRejects('catalogue-not-found');
  });

  it('needs a short title for each control', () => {
    spec
      .given([imported])
      .when({ ...addCommand, control: { ...addCommand.control, title: ' ' } })
      .thenRejects('control-needs-title');
  });
});
