import type { ControlsEvent } from '@isms/contracts';
import type { ControlsEventTypes as T } from '@isms/contracts';

export type SoaEvent = Extract<
  ControlsEvent,
  {
    type:
      | typeof T.SoaEstablished
      | typeof T.SoaCatalogueIncluded
      | typeof T.SoaLineRecorded
      | typeof T.SoaReapprovalRequired
      | typeof T.SoaVersionApproved
      | typeof T.SoaCatalogueMigrated;
  }
>;
