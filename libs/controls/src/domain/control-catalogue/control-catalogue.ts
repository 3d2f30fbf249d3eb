import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import type { CatalogueControl } from '@isms/contracts';
import { ControlsEventTypes as T } from '@isms/contracts';
import { requireText } from '../rules.js';
import type { AddCustomControl, ControlCatalogueCommand, ImportCatalogue } from './commands.js';
import type { ControlCatalogueEvent } from './events.js';

/**
 * A tenant's own control catalogue: an extended control set (another framework, the group's
 * own controls) imported from the documented JSON format or from OSCAL, and grown by adding
 * custom controls. Built-in catalogues (ISO/IEC 27001 Annex A) are data, not streams.
 */
export type ControlCatalogueState =
  | { readonly status: 'none' }
  | {
      readonly status: 'imported';
      readonly catalogueId: string;
      readonly groupIds: ReadonlySet<string>;
      readonly controlIds: ReadonlySet<string>;
    };

export const controlCatalogue: Decider<
  ControlCatalogueState,
  ControlCatalogueCommand,
  ControlCatalogueEvent
> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'ImportCatalogue':
        return importCatalogue(command, state);
      case 'AddCustomControl':
        return addControl(command, state);
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.CatalogueImported:
        return {
          status: 'imported',
          catalogueId: event.data.catalogueId,
          groupIds: new Set(event.data.groups.map((g) => g.groupId)),
          controlIds: new Set(event.data.controls.map((c) => c.controlId)),
        };
      case T.CustomControlAdded: {
        if (state.status === 'none') return state;
        return {
          ...state,
          controlIds: new Set([...state.controlIds, event.data.control.controlId]),
        };
      }
      default:
        return assertNever(event, 'event');
    }
  },
};

function importCatalogue(
  command: ImportCatalogue,
  state: ControlCatalogueState,
): ControlCatalogueEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation(
      'catalogue-already-imported',
      `Catalogue ${state.catalogueId} exists already; add controls to it instead.`,
    );
  }
  requireText(command.name, 'catalogue-needs-name', 'Name the catalogue (e.g. "Group controls").');
  if (command.controls.length === 0) {
    throw new DomainRuleViolation(
      'catalogue-needs-controls',
      'A catalogue without controls cannot be imported; list at least one control.',
    );
  }
  const groupIds = new Set(command.groups.map((g) => g.groupId));
  const seen = new Set<string>();
  for (const control of command.controls) {
    assertControl(control, groupIds, seen);
    seen.add(control.controlId);
  }
  return [
    {
      type: T.CatalogueImported,
      data: {
        catalogueId: command.catalogueId,
        name: command.name.trim(),
        version: command.version,
        ...(command.publisher ? { publisher: command.publisher } : {}),
        format: command.format,
        orgUnitId: command.orgUnitId,
        groups: command.groups,
        controls: command.controls,
        importedBy: command.by,
      },
    },
  ];
}

function addControl(
  command: AddCustomControl,
  state: ControlCatalogueState,
): ControlCatalogueEvent[] {
  if (state.status === 'none') {
    throw new DomainRuleViolation(
      'catalogue-not-found',
      'Custom controls go into an imported catalogue; import one first.',
    );
  }
  assertControl(command.control, state.groupIds, state.controlIds);
  return [
    {
      type: T.CustomControlAdded,
      data: { catalogueId: state.catalogueId, control: command.control, addedBy: command.by },
    },
  ];
}

function assertControl(
  control: CatalogueControl,
  groupIds: ReadonlySet<string>,
  existing: ReadonlySet<string>,
): void {
  if (existing.has(control.controlId)) {
    throw new DomainRuleViolation(
      'duplicate-control-id',
      `Control ${control.controlId} exists already in this catalogue; give each control its own identifier.`,
      { controlId: control.controlId },
    );
  }
  if (!groupIds.has(control.groupId)) {
    throw new DomainRuleViolation(
      'control-group-not-declared',
      `Control ${control.controlId} names group ${control.groupId}, which the catalogue does not declare; use one of: ${[...groupIds].join(', ')}.`,
      { controlId: control.controlId, groupId: control.groupId },
    );
  }
  requireText(
    control.title,
    'control-needs-title',
    `Control ${control.controlId} needs a short title.`,
  );
}
