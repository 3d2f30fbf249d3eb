import type { ControlsEvent } from '@isms/contracts';
import type { ControlsEventTypes as T } from '@isms/contracts';

export type ControlTestPlanEvent = Extract<
  ControlsEvent,
  {
    type:
      | typeof T.ControlTestPlanScheduled
      | typeof T.ControlTestPlanRevised
      | typeof T.ControlTestResultRecorded
      | typeof T.ControlTestPlanRetired;
  }
>;
