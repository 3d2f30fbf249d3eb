import { z } from 'zod';
import type { CatalogueFile } from './format.js';
import { CATALOGUE_FORMAT } from './format.js';

/*
 * Import of an OSCAL catalog (NIST's Open Security Controls Assessment Language, JSON): its
 * groups become the catalogue's groups, its controls (enhancements included, flattened into
 * their group) the catalogue's controls. Only identifiers and titles are kept — parts, prose and
 * parameters are not imported. A control's `label` property is its identifier when it is one.
 */

interface OscalControl {
  readonly id: string;
  readonly title: string;
  readonly props?: readonly { readonly name: string; readonly value: string }[];
  readonly controls?: readonly OscalControl[];
}
interface OscalGroup {
  readonly id?: string;
  readonly title: string;
  readonly props?: readonly { readonly name: string; readonly value: string }[];
  readonly controls?: readonly OscalControl[];
  readonly groups?: readonly OscalGroup[];
}

const Prop = z.looseObject({ name: z.string(), value: z.string() });
const Control: z.ZodType<OscalControl> = z.lazy(() =>
  z.looseObject({
    id: z.string().min(1).max(200),
    title: z.string().min(1).max(500),
    props: z.array(Prop).optional(),
    controls: z.array(Control).optional(),
  }),
);
const Group: z.ZodType<OscalGroup> = z.lazy(() =>
  z.looseObject({
    id: z.string().min(1).max(200).optional(),
    title: z.string().min(1).max(500),
    props: z.array(Prop).optional(),
    controls: z.array(Control).optional(),
    groups: z.array(Group).optional(),
  }),
);

/** The parts of an OSCAL catalog document the import reads (everything else is ignored). */
export const OscalCatalogSchema = z.looseObject({
  catalog: z.looseObject({
    uuid: z.string().min(1),
    metadata: z.looseObject({
      title: z.string().min(1).max(500),
      version: z.string().min(1).max(100).optional(),
    }),
    groups: z.array(Group).optional(),
    controls: z.array(Control).optional(),
  }),
});
export type OscalCatalog = z.infer<typeof OscalCatalogSchema>;

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._()/-]*$/;

function identifierOf(item: { id?: string; props?: OscalControl['props'] }): string | undefined {
  const label = item.props?.find((p) => p.name === 'label')?.value.trim();
  if (label && label.length <= 64 && IDENTIFIER.test(label)) return label;
  return item.id;
}

/** Converts an OSCAL catalog to the platform's catalogue format (validated by the caller). */
export function catalogueFromOscal(document: OscalCatalog): CatalogueFile {
  const groups: { groupId: string; title: string }[] = [];
  const controls: { controlId: string; title: string; groupId: string }[] = [];
  const addControls = (list: readonly OscalControl[] | undefined, groupId: string) => {
    for (const control of list ?? []) {
      controls.push({
        controlId: identifierOf(control) ?? control.id,
        title: control.title.trim().slice(0, 300),
        groupId,
      });
      addControls(control.controls, groupId);
    }
  };
  const addGroup = (group: OscalGroup, index: number) => {
    const groupId = identifierOf(group) ?? `group-${groups.length + 1}-${index + 1}`;
    groups.push({ groupId, title: group.title.trim().slice(0, 300) });
    addControls(group.controls, groupId);
    group.groups?.forEach(addGroup);
  };
  const { catalog } = document;
  catalog.groups?.forEach(addGroup);
  if (catalog.controls && catalog.controls.length > 0) {
    groups.push({ groupId: 'ungrouped', title: 'Controls outside any group' });
    addControls(catalog.controls, 'ungrouped');
  }
  return {
    format: CATALOGUE_FORMAT,
    name: catalog.metadata.title.trim().slice(0, 200),
    version: (catalog.metadata.version ?? '1').trim().slice(0, 50),
    groups,
    controls,
  };
}
