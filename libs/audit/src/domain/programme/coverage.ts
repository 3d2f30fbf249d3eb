import type { ChecklistItem } from '@isms/contracts';
import { ISMS_CLAUSES } from '../engagement/checklist.js';

export interface CoverageEngagement {
  readonly engagementId: string;
  readonly cycleYear?: number;
  readonly status: string;
  readonly checklist: readonly Pick<ChecklistItem, 'kind' | 'ref'>[];
}

export interface CoverageEntry {
  readonly ref: string;
  /** Cycle years in which an engagement of the programme covers it. */
  readonly years: readonly number[];
  readonly engagementIds: readonly string[];
}

export interface ProgrammeCoverage {
  readonly clauses: readonly CoverageEntry[];
  readonly controls: readonly CoverageEntry[];
  /** Clauses of 4–10 that no engagement of the cycle covers. */
  readonly clauseGaps: readonly string[];
  /** Applicable controls of the scope's SoA that no engagement of the cycle covers. */
  readonly controlGaps: readonly string[];
  readonly complete: boolean;
}

/**
 * What the programme's engagements cover over the cycle: every clause of 4–10 and every
 * applicable control of the SoA (control keys `catalogue:control`) must be audited at least once;
 * what is not is a gap.
 */
export function programmeCoverage(
  applicableControlKeys: readonly string[],
  engagements: readonly CoverageEngagement[],
): ProgrammeCoverage {
  const entry = (kind: 'clause' | 'control', ref: string): CoverageEntry => {
    const covering = engagements.filter((e) =>
      e.checklist.some((item) => item.kind === kind && item.ref === ref),
    );
    return {
      ref,
      years: [...new Set(covering.flatMap((e) => (e.cycleYear ? [e.cycleYear] : [])))].sort(),
      engagementIds: covering.map((e) => e.engagementId),
    };
  };
  const clauses = ISMS_CLAUSES.map((c) => entry('clause', c.clause));
  const controls = [...new Set(applicableControlKeys)].sort().map((key) => entry('control', key));
  const clauseGaps = clauses.filter((c) => c.engagementIds.length === 0).map((c) => c.ref);
  const controlGaps = controls.filter((c) => c.engagementIds.length === 0).map((c) => c.ref);
  return {
    clauses,
    controls,
    clauseGaps,
    controlGaps,
    complete: clauseGaps.length === 0 && controlGaps.length === 0,
  };
}
