import type { ControlTestResult, TestFrequency, TestMethod } from '@isms/contracts';

/** What the scope's SoA says about the control (from the SoA read model). */
export type ControlApplicability = 'applicable' | 'excluded' | 'not-in-soa';

export interface ScheduleControlTest {
  readonly type: 'ScheduleControlTest';
  readonly testPlanId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly controlId: string;
  readonly applicability: ControlApplicability;
  readonly frequency: TestFrequency;
  readonly method: TestMethod;
  readonly description: string;
  readonly testerPersonId?: string;
  readonly firstDueOn: string;
  readonly at: string;
}

export interface ReviseControlTestPlan {
  readonly type: 'ReviseControlTestPlan';
  readonly frequency: TestFrequency;
  readonly method: TestMethod;
  readonly description: string;
  readonly testerPersonId?: string;
}

export interface RecordControlTestResult {
  readonly type: 'RecordControlTestResult';
  readonly result: ControlTestResult;
  readonly testedBy: string;
  readonly testedAt: string;
  readonly notes: string;
  readonly at: string;
}

export interface RetireControlTestPlan {
  readonly type: 'RetireControlTestPlan';
  readonly reason: string;
  readonly by: string;
}

export type ControlTestPlanCommand =
  ScheduleControlTest | ReviseControlTestPlan | RecordControlTestResult | RetireControlTestPlan;
