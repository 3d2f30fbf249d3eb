import { MetricsService } from '@isms/platform-nest';
import { answeredWithin, percentiles, platformSpent, series } from './measures.js';

describe('percentiles', () => {
  it('takes the nearest rank, so p99 of 100 values is the 99th smallest, not the largest', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted
    expect(percentiles(values)).toEqual({ n: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('rounds the rank up: p95 of 11 values is the largest (10.45th rank), p50 the 6th', () => {
    const values = Array.from({ length: 11 }, (_, i) => i + 1);
    expect(percentiles(values)).toEqual({ n: 11, p50: 6, p95: 11, p99: 11, max: 11 });
  });

  it('gives one slow answer in 50 to p99 and max but not to p95', () => {
    const values = [...Array.from({ length: 49 }, () => 2.04), 180.26];
    expect(percentiles(values)).toEqual({ n: 50, p50: 2, p95: 2, p99: 180.3, max: 180.3 });
  });

  it('has no figures when nothing was measured, rather than zeros that read as fast', () => {
    expect(percentiles([])).toEqual({ n: 0, p50: null, p95: null, p99: null, max: null });
  });
});

describe("readings of the platform's Prometheus text", () => {
  /** The text of the platform's own registry, after the requests given. */
  async function scrapeAfter(
    metrics: MetricsService,
    requests: ReadonlyArray<{ method: string; route: string; seconds: number }>,
  ): Promise<string> {
    for (const { method, route, seconds } of requests) {
      metrics.httpDuration.observe({ method, route, status: '201' }, seconds);
    }
    return metrics.render();
  }

  it('counts the commands answered between two scrapes, and the share within each bound', async () => {
    const metrics = new MetricsService();
    const before = await scrapeAfter(metrics, [
      { method: 'POST', route: '/api/risk/risks', seconds: 0.3 }, // before: not counted
      { method: 'GET', route: '/api/reporting/consolidation', seconds: 0.001 },
    ]);
    const after = await scrapeAfter(metrics, [
      { method: 'POST', route: '/api/risk/risks', seconds: 0.003 },
      { method: 'POST', route: '/api/risk/risks', seconds: 0.004 },
      { method: 'POST', route: '/api/risk/risks/:riskId/inherent-assessment', seconds: 0.015 },
      { method: 'POST', route: '/api/risk/risks/:riskId/inherent-assessment', seconds: 0.07 },
      { method: 'GET', route: '/api/reporting/consolidation', seconds: 0.001 }, // not a command
    ]);

    expect(answeredWithin(before, after, 'POST', ['0.005', '0.02', '0.05'])).toEqual({
      answered: 4,
      within: { '5 ms': '50%', '20 ms': '75%', '50 ms': '75%' },
    });
  });

  it('reads a series by name and labels, and nothing for a series it does not have', async () => {
    const metrics = new MetricsService();
    metrics
      .gauge('isms_read_model_lag_events', 'lag', ['projection'])
      .set({ projection: 'reporting-risks' }, 42);
    metrics
      .gauge('isms_read_model_lag_events', 'lag', ['projection'])
      .set({ projection: 'decision-log' }, 7);
    const text = await metrics.render();

    expect(series(text, 'isms_read_model_lag_events', 'projection="decision-log"')).toBe(7);
    expect(series(text, 'isms_read_model_lag_events', 'projection="reporting-risks"')).toBe(42);
    expect(series(text, 'isms_read_model_lag_events', 'projection="audit"')).toBeUndefined();
    expect(series(text, 'isms_no_such_metric')).toBeUndefined();
    expect(series(text, 'isms_process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it("takes CPU per command and the collections by kind from the two scrapes' difference", () => {
    const scrape = (cpuUser: number, cpuSystem: number, minor: [number, number], major: number) =>
      [
        '# TYPE isms_process_cpu_user_seconds_total counter',
        `isms_process_cpu_user_seconds_total ${cpuUser}`,
        `isms_process_cpu_system_seconds_total ${cpuSystem}`,
        '# TYPE isms_nodejs_gc_duration_seconds histogram',
        `isms_nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor"} 0`,
        `isms_nodejs_gc_duration_seconds_sum{kind="minor"} ${minor[1]}`,
        `isms_nodejs_gc_duration_seconds_count{kind="minor"} ${minor[0]}`,
        `isms_nodejs_gc_duration_seconds_sum{kind="major"} ${major / 10}`,
        `isms_nodejs_gc_duration_seconds_count{kind="major"} ${major}`,
      ].join('\n');

    const spent = platformSpent(scrape(10, 2, [100, 1.5], 3), scrape(21, 3, [118, 1.77], 4), 4000);

    expect(spent).toEqual({
      cpuMsPerCommand: 3,
      youngCollections: { count: 18, pausedMs: 270 },
      fullCollections: { count: 1, pausedMs: 100 },
      incrementalMarking: { count: 0, pausedMs: 0 },
    });
  });
});
