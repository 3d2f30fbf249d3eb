import type { ControlsEvent } from '@isms/contracts';
import type { ControlsEventTypes as T } from '@isms/contracts';

export type EvidenceEvent = Extract<
  ControlsEvent,
  {
    type:
      | typeof T.EvidenceRecorded
      | typeof T.EvidenceLinked
      | typeof T.EvidenceUnlinked
      | typeof T.EvidenceWithdrawn;
  }
>;
