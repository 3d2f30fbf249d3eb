import { DomainRuleViolation } from '@isms/event-sourcing';

/** Refuses blank text: a decision without its why, a line without its justification. */
export function requireText(
  value: string | undefined,
  rule: string,
  message: string,
): asserts value is string {
  if (value === undefined || value.trim().length === 0) {
    throw new DomainRuleViolation(rule, message);
  }
}

/** Milliseconds since the epoch of an ISO 8601 instant or `YYYY-MM-DD` date (UTC). */
export function instant(value: string): number {
  return new Date(value).getTime();
}

/** `YYYY-MM-DD` of an instant or date. */
export function dateOf(value: string): string {
  return new Date(value).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` of an instant plus whole months (the day clamped to the month's end). */
export function addMonths(at: string, months: number): string {
  const date = new Date(at);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target.toISOString().slice(0, 10);
}

/** The control ids a command may refer to, per catalogue (reference data the handler loads). */
export type CatalogueIndex = Readonly<Record<string, readonly string[]>>;

export function requireControlIn(
  catalogues: CatalogueIndex,
  catalogueId: string,
  controlId: string,
  rule = 'unknown-control',
): void {
  const controls = catalogues[catalogueId];
  if (!controls) {
    throw new DomainRuleViolation(
      'unknown-catalogue',
      `Catalogue ${catalogueId} is not known; use a built-in catalogue (iso27001-2022, iso27001-2013) or import it first.`,
      { catalogueId },
    );
  }
  if (!controls.includes(controlId)) {
    throw new DomainRuleViolation(
      rule,
      `Control ${controlId} is not in catalogue ${catalogueId}; use one of its identifiers (e.g. ${controls.slice(0, 3).join(', ')}).`,
      { catalogueId, controlId },
    );
  }
}
