import type { SamplingAuditKind } from '@isms/contracts';

/** IAF MD 1: the share of √n sites sampled, by kind of audit. */
export const IAF_MD1_FACTORS: Readonly<Record<SamplingAuditKind, number>> = {
  initial: 1,
  surveillance: 0.6,
  recertification: 0.8,
};

/**
 * The minimum number of sites to audit among `siteCount` similar sites (the central function is
 * audited on top, every time): ⌈factor · √n⌉ — √n at the initial audit, 0.6·√n at surveillance,
 * 0.8·√n at recertification, always rounded up.
 */
export function requiredSampleSize(kind: SamplingAuditKind, siteCount: number): number {
  if (!Number.isInteger(siteCount) || siteCount < 0) {
    throw new RangeError(`siteCount must be a whole number ≥ 0, got ${siteCount}`);
  }
  if (siteCount === 0) return 0;
  const exact = IAF_MD1_FACTORS[kind] * Math.sqrt(siteCount);
  // Guard against floating-point noise such as 0.6 · √25 = 3.0000000000000004.
  return Math.min(siteCount, Math.ceil(exact - 1e-9));
}

/**
 * The sites to propose for a year: those not yet audited in the cycle first (in the programme's
 * order), then those audited longest ago, until the sample size is reached.
 */
export function proposeSample(
  sites: readonly string[],
  auditedByYear: readonly {
    readonly cycleYear: number;
    readonly siteOrgUnitIds: readonly string[];
  }[],
  size: number,
): string[] {
  const lastAudited = new Map<string, number>();
  for (const year of auditedByYear) {
    for (const site of year.siteOrgUnitIds) {
      lastAudited.set(site, Math.max(lastAudited.get(site) ?? 0, year.cycleYear));
    }
  }
  const ranked = sites
    .map((site, index) => ({ site, index, last: lastAudited.get(site) ?? 0 }))
    .sort((a, b) => a.last - b.last || a.index - b.index);
  return ranked.slice(0, size).map((r) => r.site);
}

/** The kind of audit of a cycle year: year 1 is the initial or recertification audit. */
export function samplingKindOf(
  cycle: 'initial' | 'recertification',
  cycleYear: number,
): SamplingAuditKind {
  if (cycleYear === 1) return cycle;
  return 'surveillance';
}
