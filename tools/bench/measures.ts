/**
 * What the benchmarks compute from what they measure: latency percentiles, and readings of a
 * service's Prometheus text (`GET /metrics`, as the platform's prom-client registry writes it).
 */

/** Milliseconds (or whatever was measured); null when nothing was measured. */
export interface Percentiles {
  readonly n: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Rounded to a tenth, as the benchmarks print milliseconds and rates. */
export const r1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Nearest-rank percentiles (the smallest value with at least p% of the values at or below it),
 * rounded to a tenth. No values (every request failed): n 0 and no figures, rather than zeros
 * that would read as fast answers.
 */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { n: 0, p50: null, p95: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { n: sorted.length, p50: r1(at(50)), p95: r1(at(95)), p99: r1(at(99)), max: r1(at(100)) };
}

/** A series of the Prometheus text: the first of `name` whose labels include `labels`. */
export function series(metrics: string, name: string, labels = ''): number | undefined {
  for (const line of metrics.split('\n')) {
    const match = /^(\w+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (match?.[1] === name && (match[2] ?? '').includes(labels)) return Number(match[3]);
  }
  return undefined;
}

/**
 * Cumulative counts of the platform's request-duration histogram for one HTTP method, summed
 * over its routes and statuses, by upper bound in seconds (`le`, `+Inf` for all).
 */
export function requestDurations(metrics: string, method: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    const match = /^isms_http_request_duration_seconds_bucket\{(.*)\} (\d+)$/.exec(line);
    if (!match || !match[1]!.includes(`method="${method}"`)) continue;
    const le = /le="([^"]+)"/.exec(match[1]!)![1]!;
    counts.set(le, (counts.get(le) ?? 0) + Number(match[2]));
  }
  return counts;
}

/**
 * The requests of one method the platform answered between two scrapes, and the share of them
 * it answered within each bound (its own timing: from the request's arrival to its answer).
 */
export function answeredWithin(
  before: string,
  after: string,
  method: string,
  boundsSeconds: readonly string[],
): { answered: number; within: Record<string, string> } {
  const was = requestDurations(before, method);
  const is = requestDurations(after, method);
  const delta = (le: string) => (is.get(le) ?? 0) - (was.get(le) ?? 0);
  const answered = delta('+Inf');
  return {
    answered,
    within: Object.fromEntries(
      boundsSeconds.map((le) => [
        `${Number(le) * 1000} ms`,
        `${r1((100 * delta(le)) / Math.max(answered, 1))}%`,
      ]),
    ),
  };
}

/**
 * What the platform spent between two scrapes: CPU (all its threads, PGlite's included) per
 * command, and its main thread's garbage collections by kind (count and pause time). These move
 * less than latencies with what else the machine does (the count of collections hardly at all).
 */
export function platformSpent(before: string, after: string, commands: number) {
  const cpu = (m: string) =>
    (series(m, 'isms_process_cpu_user_seconds_total') ?? 0) +
    (series(m, 'isms_process_cpu_system_seconds_total') ?? 0);
  const collections = (kind: string) => {
    const delta = (what: 'count' | 'sum') =>
      (series(after, `isms_nodejs_gc_duration_seconds_${what}`, `kind="${kind}"`) ?? 0) -
      (series(before, `isms_nodejs_gc_duration_seconds_${what}`, `kind="${kind}"`) ?? 0);
    return { count: delta('count'), pausedMs: r1(delta('sum') * 1000) };
  };
  return {
    cpuMsPerCommand: r1(((cpu(after) - cpu(before)) * 1000) / Math.max(commands, 1)),
    youngCollections: collections('minor'),
    fullCollections: collections('major'),
    incrementalMarking: collections('incremental'),
  };
}
