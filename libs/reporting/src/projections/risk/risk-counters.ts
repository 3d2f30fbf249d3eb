import type { RecordedEvent } from '@isms/event-sourcing';
import type { ReadCollection } from '@isms/read-store';
import type { RiskCountersDoc, RiskDoc, StoredRiskDoc } from '../read-models.js';

/*
 * Per org unit risk counters, kept by the risks projection so that the group consolidation sums
 * a few hundred unit documents instead of reading every risk of the subtree.
 *
 * Each risk contributes to the unit it is attached to (nothing once closed); the time-dependent
 * counts are kept as histograms by date (due date → count), and the report sums the dates before
 * its day. A write of the unit document is `applyEvent`, guarded per risk stream: the delta is
 * the risk's contribution after the event minus the one before, both computed from the risk
 * document, which is written (revision-guarded) only after the unit documents. So a redelivery
 * after a crash between the writes recomputes the same delta, the units that already have it
 * refuse it as stale, and the others get it: nothing counted twice, nothing lost.
 */

/** What one open risk adds to its org unit's counters. */
export interface RiskContribution {
  readonly tenantId: string;
  readonly orgUnitId: string;
  readonly level: string;
  readonly status: string;
  /** The current level's rank if the risk is above appetite, else null. */
  readonly aboveAppetiteRank: number | null;
  /** Due dates of the treatment actions not completed (one entry per action). */
  readonly openActionDueDates: readonly string[];
  /** The earliest of them: the risk has an overdue action from the day after. */
  readonly firstOpenActionDue: string | null;
  readonly nextReviewDue: string | null;
  readonly acceptanceNeedsReapproval: boolean;
}

/** A risk's contribution (null if there is no risk, or it is closed). */
export function contributionOf(risk: RiskDoc | undefined): RiskContribution | null {
  if (!risk || risk.status === 'closed') return null;
  const openActionDueDates = risk.actions.filter((a) => !a.completedAt).map((a) => a.dueDate);
  let first: string | null = null;
  for (const due of openActionDueDates) if (first === null || due < first) first = due;
  return {
    tenantId: risk.tenantId,
    orgUnitId: risk.orgUnitId,
    level: risk.current?.level ?? 'unrated',
    status: risk.status,
    aboveAppetiteRank: risk.aboveAppetite ? (risk.current?.levelRank ?? 0) : null,
    openActionDueDates,
    firstOpenActionDue: first,
    nextReviewDue: risk.nextReviewDue,
    acceptanceNeedsReapproval: risk.acceptance?.status === 'needs-re-approval',
  };
}

/** The fields a stored risk document has for the consolidation's attention lists. */
export type RiskAttentionFields = Pick<StoredRiskDoc, 'attentionRank' | 'openActionDueDates'>;

export function attentionFieldsOf(risk: RiskDoc): RiskAttentionFields {
  const c = contributionOf(risk);
  return {
    attentionRank: c?.aboveAppetiteRank ?? null,
    openActionDueDates: c ? [...new Set(c.openActionDueDates)] : [],
  };
}

/** A stored risk document without its attention fields: what reports show. */
export function withoutAttentionFields(stored: RiskDoc | StoredRiskDoc): RiskDoc {
  const { attentionRank, openActionDueDates, ...risk } = stored as StoredRiskDoc;
  void attentionRank;
  void openActionDueDates;
  return risk;
}

/**
 * A unit's counters are split over this many documents by risk stream, so each document holds
 * the revision guards of a quarter of the unit's risks: a write copies a smaller document, and a
 * group report still reads only a few thousand (4 per unit). Measured on 88,166 risk events
 * (10,000 risks, 55 units): 1 document per unit added 13 s to the rebuild, 2 added 8 s, 4 added
 * 5.5 s, 8 added 4.7 s; reading them back costs about the other way round.
 */
export const RISK_COUNTER_SHARDS = 4;

/** FNV-1a over the stream id: a risk's shard, the same in every process. */
export function riskCounterShard(streamId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i += 1) {
    hash ^= streamId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % RISK_COUNTER_SHARDS;
}

export function riskCountersId(tenantId: string, orgUnitId: string, shard: number): string {
  return `${tenantId}|${orgUnitId}|${shard}`;
}

/**
 * Histogram and map keys are values from events (levels, dates); stored keys may not contain '.'
 * or start with '$', so '%', '.' and '$' are percent-encoded.
 */
export function encodeKey(key: string): string {
  return key.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function decodeKey(key: string): string {
  return key.includes('%') ? decodeURIComponent(key) : key;
}

type Counts = Record<string, number>;

/** Net changes by key (a contribution moved: its keys' −1 and +1 cancel out where they meet). */
type Changes = Map<string, number>;

function tally(changes: Changes, key: string, by: number): void {
  changes.set(key, (changes.get(key) ?? 0) + by);
}

/** `counts` with the non-zero `changes` applied: a new map, or `counts` itself if none. */
function bumpCounts(counts: Readonly<Counts>, changes: Changes): Counts {
  let next: Counts | undefined;
  for (const [key, by] of changes) {
    if (by === 0) continue;
    next ??= { ...counts };
    const k = encodeKey(key);
    const n = (next[k] ?? 0) + by;
    if (n === 0) delete next[k];
    else next[k] = n;
  }
  return next ?? counts;
}

/*
 * Date histograms are stored as one string, `date:count` entries sorted by date and joined by
 * ',' (dates with ':' ',' or '%' percent-encoded): a string is copied by reference where an
 * object of a few hundred dates is copied key by key at every read and write, and a report
 * reads the entries before its day only.
 */

function encodeDate(date: string): string {
  return /[%:,]/.test(date)
    ? date.replace(/[%:,]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    : date;
}

function decodeDate(date: string): string {
  return date.includes('%') ? decodeURIComponent(date) : date;
}

/** The entries of a stored date histogram, in date order. */
export function histogramEntries(histogram: string): [string, number][] {
  if (histogram === '') return [];
  return histogram.split(',').map((entry) => {
    const colon = entry.lastIndexOf(':');
    return [decodeDate(entry.slice(0, colon)), Number(entry.slice(colon + 1))];
  });
}

const keyOf = (entry: string) => entry.slice(0, entry.lastIndexOf(':'));

/** A date histogram with the non-zero `changes` (date → count) applied, kept sorted. */
function bumpDates(histogram: string, changes: Changes): string {
  let entries: string[] | undefined;
  for (const [date, by] of changes) {
    if (by === 0) continue;
    entries ??= histogram === '' ? [] : histogram.split(',');
    const key = encodeDate(date);
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keyOf(entries[mid]!) < key) lo = mid + 1;
      else hi = mid;
    }
    const found = lo < entries.length && keyOf(entries[lo]!) === key;
    const n = (found ? Number(entries[lo]!.slice(key.length + 1)) : 0) + by;
    if (n === 0) entries.splice(lo, found ? 1 : 0);
    else entries.splice(lo, found ? 1 : 0, `${key}:${n}`);
  }
  return entries ? entries.join(',') : histogram;
}

/** Calls `visit` for each entry of a stored date histogram dated before `day`. */
function scanBefore(histogram: string, day: string, visit: (date: string, n: number) => void) {
  // Entries are sorted by encoded date: without encoded ones, the first date from `day` on
  // ends the scan (a report reads the past dates, not the future reviews).
  const sorted = !histogram.includes('%');
  let from = 0;
  while (from < histogram.length) {
    const comma = histogram.indexOf(',', from);
    const end = comma === -1 ? histogram.length : comma;
    const colon = histogram.lastIndexOf(':', end - 1);
    const date = sorted ? histogram.slice(from, colon) : decodeDate(histogram.slice(from, colon));
    if (date < day) visit(date, Number(histogram.slice(colon + 1, end)));
    else if (sorted) break;
    from = end + 1;
  }
}

/** The count of dates strictly before `day` in a stored date histogram. */
export function countBefore(histogram: string, day: string): number {
  let total = 0;
  scanBefore(histogram, day, (_date, n) => {
    total += n;
  });
  return total;
}

export function emptyRiskCounters(
  tenantId: string,
  orgUnitId: string,
  shard: number,
): RiskCountersDoc {
  return {
    tenantId,
    orgUnitId,
    shard,
    open: 0,
    byLevel: {},
    byStatus: {},
    aboveAppetite: 0,
    aboveAppetiteByRank: {},
    openActionsByDueDate: '',
    risksByFirstOpenActionDue: '',
    reviewsByDueDate: '',
    acceptancesNeedingReapproval: 0,
  };
}

/**
 * The counters with a risk's contribution moved: `remove` taken out, `add` put in (either may be
 * null). Only the net change is applied, so a map or histogram the move leaves as it was is the
 * same object (or string) in the result: the read store keeps it shared with the stored version.
 */
export function movedContribution(
  counters: RiskCountersDoc,
  remove: RiskContribution | null,
  add: RiskContribution | null,
): RiskCountersDoc {
  const byLevel: Changes = new Map();
  const byStatus: Changes = new Map();
  const byRank: Changes = new Map();
  const actions: Changes = new Map();
  const firstActions: Changes = new Map();
  const reviews: Changes = new Map();
  let open = 0;
  let aboveAppetite = 0;
  let reapprovals = 0;
  for (const [c, sign] of [
    [remove, -1],
    [add, 1],
  ] as const) {
    if (c === null) continue;
    open += sign;
    tally(byLevel, c.level, sign);
    tally(byStatus, c.status, sign);
    if (c.aboveAppetiteRank !== null) {
      aboveAppetite += sign;
      tally(byRank, String(c.aboveAppetiteRank), sign);
    }
    for (const due of c.openActionDueDates) tally(actions, due, sign);
    if (c.firstOpenActionDue !== null) tally(firstActions, c.firstOpenActionDue, sign);
    if (c.nextReviewDue !== null) tally(reviews, c.nextReviewDue, sign);
    if (c.acceptanceNeedsReapproval) reapprovals += sign;
  }
  return {
    ...counters,
    open: counters.open + open,
    byLevel: bumpCounts(counters.byLevel, byLevel),
    byStatus: bumpCounts(counters.byStatus, byStatus),
    aboveAppetite: counters.aboveAppetite + aboveAppetite,
    aboveAppetiteByRank: bumpCounts(counters.aboveAppetiteByRank, byRank),
    openActionsByDueDate: bumpDates(counters.openActionsByDueDate, actions),
    risksByFirstOpenActionDue: bumpDates(counters.risksByFirstOpenActionDue, firstActions),
    reviewsByDueDate: bumpDates(counters.reviewsByDueDate, reviews),
    acceptancesNeedingReapproval: counters.acceptancesNeedingReapproval + reapprovals,
  };
}

function sameContribution(a: RiskContribution | null, b: RiskContribution | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.tenantId === b.tenantId &&
    a.orgUnitId === b.orgUnitId &&
    a.level === b.level &&
    a.status === b.status &&
    a.aboveAppetiteRank === b.aboveAppetiteRank &&
    a.firstOpenActionDue === b.firstOpenActionDue &&
    a.nextReviewDue === b.nextReviewDue &&
    a.acceptanceNeedsReapproval === b.acceptanceNeedsReapproval &&
    a.openActionDueDates.length === b.openActionDueDates.length &&
    a.openActionDueDates.every((d, i) => d === b.openActionDueDates[i])
  );
}

/**
 * Moves a risk's contribution from `before` to `after` in its unit documents (both units if it
 * moved), each write guarded by the event's position in the risk stream. Call it before writing
 * the risk document itself.
 */
export async function recordContribution(
  counters: ReadCollection<RiskCountersDoc>,
  event: RecordedEvent,
  before: RiskDoc | undefined,
  after: RiskDoc | undefined,
): Promise<void> {
  const was = contributionOf(before);
  const is = contributionOf(after);
  if (sameContribution(was, is)) return;
  const position = { streamId: event.streamId, streamRevision: event.streamRevision };
  const change = async (
    unit: { tenantId: string; orgUnitId: string },
    remove: RiskContribution | null,
    add: RiskContribution | null,
  ) => {
    const shard = riskCounterShard(event.streamId);
    const id = riskCountersId(unit.tenantId, unit.orgUnitId, shard);
    await counters.applyEvent(id, position, (doc) =>
      movedContribution(
        doc ?? emptyRiskCounters(unit.tenantId, unit.orgUnitId, shard),
        remove,
        add,
      ),
    );
  };
  if (was && is && was.tenantId === is.tenantId && was.orgUnitId === is.orgUnitId) {
    await change(is, was, is);
    return;
  }
  if (was) await change(was, was, null);
  if (is) await change(is, null, is);
}

/** Sums of unit counters; date histograms are kept as the documents' strings. */
export interface RiskCounterSums {
  open: number;
  byLevel: Counts;
  byStatus: Counts;
  aboveAppetite: number;
  aboveAppetiteByRank: Counts;
  openActionsByDueDate: string[];
  risksByFirstOpenActionDue: string[];
  reviewsByDueDate: string[];
  acceptancesNeedingReapproval: number;
}

export function sumRiskCounters(docs: readonly RiskCountersDoc[]): RiskCounterSums {
  const sum: RiskCounterSums = {
    open: 0,
    byLevel: {},
    byStatus: {},
    aboveAppetite: 0,
    aboveAppetiteByRank: {},
    openActionsByDueDate: [],
    risksByFirstOpenActionDue: [],
    reviewsByDueDate: [],
    acceptancesNeedingReapproval: 0,
  };
  const add = (into: Counts, from: Readonly<Counts>) => {
    for (const key in from) into[key] = (into[key] ?? 0) + from[key]!;
  };
  for (const d of docs) {
    sum.open += d.open;
    add(sum.byLevel, d.byLevel);
    add(sum.byStatus, d.byStatus);
    sum.aboveAppetite += d.aboveAppetite;
    add(sum.aboveAppetiteByRank, d.aboveAppetiteByRank);
    if (d.openActionsByDueDate) sum.openActionsByDueDate.push(d.openActionsByDueDate);
    if (d.risksByFirstOpenActionDue) {
      sum.risksByFirstOpenActionDue.push(d.risksByFirstOpenActionDue);
    }
    if (d.reviewsByDueDate) sum.reviewsByDueDate.push(d.reviewsByDueDate);
    sum.acceptancesNeedingReapproval += d.acceptancesNeedingReapproval;
  }
  return sum;
}

/** The count of dates before `day` over several stored date histograms. */
export function countAllBefore(histograms: readonly string[], day: string): number {
  let n = 0;
  for (const h of histograms) n += countBefore(h, day);
  return n;
}

/** Dates before `day` and their summed counts over several stored histograms, in date order. */
export function entriesBefore(histograms: readonly string[], day: string): [string, number][] {
  const counts = new Map<string, number>();
  for (const h of histograms) {
    scanBefore(h, day, (date, n) => counts.set(date, (counts.get(date) ?? 0) + n));
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Decoded non-zero entries of a stored count map. */
export function decodedCounts(counts: Readonly<Counts>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const key in counts) {
    const n = counts[key]!;
    if (n !== 0) result[decodeKey(key)] = n;
  }
  return result;
}
