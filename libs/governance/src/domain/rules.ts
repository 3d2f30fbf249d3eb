import { DomainRuleViolation } from '@isms/event-sourcing';

/** A decision without its why is refused by the domain too, whatever the entry point. */
export function requireText(
  value: string | undefined,
  rule: string,
  message: string,
): asserts value is string {
  if (value === undefined || value.trim().length === 0)
    throw new DomainRuleViolation(rule, message);
}

/** Milliseconds since the epoch of an ISO 8601 instant or `YYYY-MM-DD` date (UTC). */
export function instant(value: string): number {
  return new Date(value).getTime();
}

/** `YYYY-MM-DD` of an instant, plus some whole months (day clamped to the month's end). */
export function addMonths(at: string, months: number): string {
  const date = new Date(at);
  const target = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1, 0, 0, 0, 0),
  );
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target.toISOString().slice(0, 10);
}
