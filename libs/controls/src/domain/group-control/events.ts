import type { ControlsEvent } from '@isms/contracts';
import type { ControlsEventTypes as T } from '@isms/contracts';

export type GroupControlEvent = Extract<
  ControlsEvent,
  {
    type:
      | typeof T.GroupControlDefined
      | typeof T.GroupControlRevised
      | typeof T.GroupControlStatusReported
      | typeof T.GroupControlDeviationRecorded
      | typeof T.GroupControlDeviationWithdrawn
      | typeof T.GroupControlRetired;
  }
>;
