import type { ControlsEvent } from '@isms/contracts';
import type { ControlsEventTypes as T } from '@isms/contracts';

export type ControlCatalogueEvent = Extract<
  ControlsEvent,
  { type: typeof T.CatalogueImported | typeof T.CustomControlAdded }
>;
