import { DomainRuleViolation } from '@isms/event-sourcing';

/** A decision or a record without its text is refused by the domain too, whatever the entry point. */
export function requireText(
  value: string | undefined,
  rule: string,
  message: string,
): asserts value is string {
  if (value === undefined || value.trim().length === 0) {
    throw new DomainRuleViolation(rule, message);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** `YYYY-MM-DD` (UTC) of an instant. */
export function dateOf(at: string): string {
  return new Date(at).toISOString().slice(0, 10);
}
