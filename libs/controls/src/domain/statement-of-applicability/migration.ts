import type { MigratedSoaLine, MigrationDecision, SoaLine } from '@isms/contracts';
import { IMPLEMENTATION_STATUSES, INCLUSION_REASONS } from '@isms/contracts';
import type { CatalogueMapping } from '../../catalogues/catalogue.js';
import { mappedFrom } from '../../catalogues/catalogue.js';

const STATUS_RANK = new Map(IMPLEMENTATION_STATUSES.map((status, index) => [status, index]));

/**
 * Carries a scope's answers over to the target catalogue through the mapping, one line per
 * target control, and says where each answer came from. A line needs a person when the control
 * is new, when no source was answered, when sources disagree on applicability, or when only some
 * sources were answered; the last two come with a proposal. Merged answers take the union of the
 * inclusion reasons and the least advanced implementation status (conservative).
 */
export function migrateLines(
  mapping: CatalogueMapping,
  sourceLines: ReadonlyMap<string, SoaLine>,
  targetControlIds: readonly string[],
): MigratedSoaLine[] {
  return targetControlIds.map((controlId) => {
    const sources = mappedFrom(mapping, controlId);
    const provenance = (decisionNeeded?: MigrationDecision) => ({
      migratedFrom: mapping.fromCatalogueId,
      sourceControlIds: sources,
      ...(decisionNeeded ? { decisionNeeded } : {}),
    });
    if (sources.length === 0) return { controlId, provenance: provenance('new-control') };
    const answered = sources
      .map((id) => sourceLines.get(id))
      .filter((line): line is SoaLine => line !== undefined);
    if (answered.length === 0) return { controlId, provenance: provenance('no-source-answer') };
    const applicable = answered.filter((l) => l.applicable);
    const decision: MigrationDecision | undefined =
      applicable.length > 0 && applicable.length < answered.length
        ? 'conflicting-applicability'
        : answered.length < sources.length
          ? 'incomplete-source-answers'
          : undefined;
    const line: SoaLine = {
      ...merge(mapping.toCatalogueId, controlId, answered, applicable),
      provenance: provenance(decision),
    };
    return { controlId, line, provenance: provenance(decision) };
  });
}

function merge(
  catalogueId: string,
  controlId: string,
  answered: readonly SoaLine[],
  applicable: readonly SoaLine[],
): SoaLine {
  const describe = (lines: readonly SoaLine[], text: (l: SoaLine) => string | undefined) => {
    const texts = lines
      .map((l) => ({ id: l.controlId, text: text(l)?.trim(), applicable: l.applicable }))
      .filter((t): t is { id: string; text: string; applicable: boolean } => !!t.text);
    const distinct = new Set(texts.map((t) => t.text));
    const mixed = applicable.length > 0 && applicable.length < answered.length;
    if (distinct.size <= 1 && !mixed) return texts[0]?.text;
    return texts
      .map((t) => `${t.id}${mixed && !t.applicable ? ' (excluded)' : ''}: ${t.text}`)
      .join('\n');
  };
  if (applicable.length === 0) {
    return {
      catalogueId,
      controlId,
      applicable: false,
      inclusionReasons: [],
      justification: describe(answered, (l) => l.justification) ?? '',
      implementationStatus: 'not-applicable',
    };
  }
  const reasons = new Set(applicable.flatMap((l) => l.inclusionReasons));
  const status = applicable
    .map((l) => l.implementationStatus)
    .reduce((a, b) => ((STATUS_RANK.get(a) ?? 0) <= (STATUS_RANK.get(b) ?? 0) ? a : b));
  const owners = new Set(applicable.map((l) => l.ownerPersonId));
  const owner = owners.size === 1 ? [...owners][0] : undefined;
  const description = describe(applicable, (l) => l.implementationDescription);
  return {
    catalogueId,
    controlId,
    applicable: true,
    inclusionReasons: INCLUSION_REASONS.filter((r) => reasons.has(r)),
    justification: describe(answered, (l) => l.justification) ?? '',
    implementationStatus: status,
    ...(owner ? { ownerPersonId: owner } : {}),
    ...(description ? { implementationDescription: description } : {}),
  };
}
