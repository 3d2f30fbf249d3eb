import { DomainRuleViolation } from '@isms/event-sourcing';
import type {
  MethodologyVersionRef,
  RiskAcceptanceAuthority,
  RiskLevelDefinition,
  RiskMethodologyDefinition,
  RiskMethodologyOverrides,
  RiskRating,
  RiskScaleLevel,
} from '@isms/contracts';

/**
 * The methodology in force for an org unit: the tenant's version merged with the refinements on
 * the path from the root down to the unit, and the versions it was built from (root first).
 */
export interface EffectiveMethodology {
  readonly definition: RiskMethodologyDefinition;
  readonly versions: readonly MethodologyVersionRef[];
}

export const MIN_SCALE_LEVELS = 3;
export const MAX_SCALE_LEVELS = 7;
export const MIN_RISK_LEVELS = 2;
export const MAX_RISK_LEVELS = 7;
const LEVEL_ID = /^[a-z][a-z0-9-]{0,31}$/;

/** Throws a DomainRuleViolation naming the first rule a complete methodology breaks. */
export function validateMethodology(definition: RiskMethodologyDefinition): void {
  validateScale('likelihood', definition.likelihoodScale);
  validateScale('impact', definition.impactScale);
  validateLevels(definition.levels);
  validateMatrix(definition);
}

function validateScale(name: 'likelihood' | 'impact', scale: readonly RiskScaleLevel[]): void {
  if (scale.length < MIN_SCALE_LEVELS || scale.length > MAX_SCALE_LEVELS) {
    throw new DomainRuleViolation(
      'scale-has-3-to-7-levels',
      `The ${name} scale has ${scale.length} levels; give it between ${MIN_SCALE_LEVELS} and ${MAX_SCALE_LEVELS}.`,
      { scale: name, levels: scale.length },
    );
  }
  const labels = new Set<string>();
  scale.forEach((level, index) => {
    if (level.value !== index + 1) {
      throw new DomainRuleViolation(
        'scale-values-in-order',
        `Level ${index + 1} of the ${name} scale has value ${level.value}; values run 1, 2, 3, … from the lowest level up.`,
        { scale: name, index },
      );
    }
    const label = level.label.trim();
    if (label.length === 0 || labels.has(label.toLowerCase())) {
      throw new DomainRuleViolation(
        'scale-labels-unique',
        `Level ${index + 1} of the ${name} scale needs a label of its own (empty or repeated: "${level.label}").`,
        { scale: name, index },
      );
    }
    labels.add(label.toLowerCase());
  });
}

function validateLevels(levels: readonly RiskLevelDefinition[]): void {
  if (levels.length < MIN_RISK_LEVELS || levels.length > MAX_RISK_LEVELS) {
    throw new DomainRuleViolation(
      'risk-levels-2-to-7',
      `The methodology has ${levels.length} risk levels; define between ${MIN_RISK_LEVELS} and ${MAX_RISK_LEVELS}, from the least to the most severe.`,
    );
  }
  const ids = new Set<string>();
  let appetiteEnded = false;
  levels.forEach((level, index) => {
    if (!LEVEL_ID.test(level.id) || ids.has(level.id)) {
      throw new DomainRuleViolation(
        'risk-level-ids-unique',
        `Risk level ${index + 1} has the id "${level.id}"; ids are unique lower-case slugs such as "medium" or "very-high".`,
        { index },
      );
    }
    ids.add(level.id);
    if (level.label.trim().length === 0) {
      throw new DomainRuleViolation(
        'risk-level-needs-label',
        `Risk level "${level.id}" needs a label.`,
      );
    }
    if (!Number.isInteger(level.reviewIntervalDays) || level.reviewIntervalDays < 1) {
      throw new DomainRuleViolation(
        'review-interval-positive',
        `Risk level "${level.id}" is reviewed every ${level.reviewIntervalDays} days; give a whole number of days, at least 1.`,
        { level: level.id },
      );
    }
    const previous = levels[index - 1];
    if (previous && level.reviewIntervalDays > previous.reviewIntervalDays) {
      throw new DomainRuleViolation(
        'review-interval-shrinks-with-level',
        `"${level.id}" would be reviewed every ${level.reviewIntervalDays} days, less often than the less severe "${previous.id}" (${previous.reviewIntervalDays} days); a more severe risk is reviewed at least as often.`,
        { level: level.id },
      );
    }
    const ownerMayAccept = level.acceptableBy.includes('risk-owner');
    if (ownerMayAccept && appetiteEnded) {
      throw new DomainRuleViolation(
        'appetite-is-a-threshold',
        `The risk owner may accept "${level.id}" but not the less severe "${previous?.id}"; the appetite is a threshold: the levels a risk owner may accept are the lowest ones.`,
        { level: level.id },
      );
    }
    if (!ownerMayAccept) appetiteEnded = true;
  });
}

function validateMatrix(definition: RiskMethodologyDefinition): void {
  const { matrix, likelihoodScale, impactScale, levels } = definition;
  const rank = new Map(levels.map((level, index) => [level.id, index]));
  if (
    matrix.length !== likelihoodScale.length ||
    matrix.some((row) => row.length !== impactScale.length)
  ) {
    throw new DomainRuleViolation(
      'matrix-shape',
      `The matrix needs one row per likelihood level (${likelihoodScale.length}) and one column per impact level (${impactScale.length}).`,
      { rows: likelihoodScale.length, columns: impactScale.length },
    );
  }
  matrix.forEach((row, l) =>
    row.forEach((cell, i) => {
      const here = rank.get(cell);
      if (here === undefined) {
        throw new DomainRuleViolation(
          'matrix-unknown-level',
          `Matrix cell (likelihood ${l + 1}, impact ${i + 1}) names "${cell}", which is not one of the risk levels (${levels.map((x) => x.id).join(', ')}).`,
          { likelihood: l + 1, impact: i + 1 },
        );
      }
      const left = i > 0 ? rank.get(row[i - 1]!) : undefined;
      const below = l > 0 ? rank.get(matrix[l - 1]![i]!) : undefined;
      if ((left !== undefined && here < left) || (below !== undefined && here < below)) {
        throw new DomainRuleViolation(
          'matrix-monotonic',
          `Matrix cell (likelihood ${l + 1}, impact ${i + 1}) is "${cell}", less severe than a cell with a lower likelihood or impact; a more likely or more harmful scenario is never a lower risk.`,
          { likelihood: l + 1, impact: i + 1 },
        );
      }
    }),
  );
}

/** A refinement's parts replace the inherited ones; the rest is inherited. */
export function mergeMethodology(
  inherited: RiskMethodologyDefinition,
  overrides: RiskMethodologyOverrides,
): RiskMethodologyDefinition {
  return {
    likelihoodScale: overrides.likelihoodScale ?? inherited.likelihoodScale,
    impactScale: overrides.impactScale ?? inherited.impactScale,
    levels: overrides.levels ?? inherited.levels,
    matrix: overrides.matrix ?? inherited.matrix,
  };
}

/**
 * The methodology in force for a unit from the versions on its path, root first: the tenant's
 * definition, then each refinement's overrides.
 */
export function resolveMethodology(
  path: readonly (
    | {
        readonly orgUnitId: string;
        readonly version: number;
        readonly definition: RiskMethodologyDefinition;
      }
    | {
        readonly orgUnitId: string;
        readonly version: number;
        readonly overrides: RiskMethodologyOverrides;
      }
  )[],
): EffectiveMethodology | undefined {
  const [root, ...refinements] = path;
  if (!root || !('definition' in root)) return undefined;
  let definition = root.definition;
  for (const step of refinements) {
    definition =
      'definition' in step ? step.definition : mergeMethodology(definition, step.overrides);
  }
  return {
    definition,
    versions: path.map(({ orgUnitId, version }) => ({ orgUnitId, version })),
  };
}

/** The levels within appetite: those the risk owner may accept. */
export function appetiteLevels(definition: RiskMethodologyDefinition): string[] {
  return definition.levels.filter((l) => l.acceptableBy.includes('risk-owner')).map((l) => l.id);
}

/** Rates a scenario on a methodology: the matrix gives the level. */
export function rate(
  methodology: EffectiveMethodology,
  likelihood: number,
  impact: number,
): RiskRating {
  const { likelihoodScale, impactScale, matrix, levels } = methodology.definition;
  const outOfScale = (name: string, value: number, size: number) =>
    new DomainRuleViolation(
      'rating-out-of-scale',
      `A ${name} of ${value} is not on the ${name} scale in force, which runs from 1 to ${size}.`,
      { [name]: value, scaleSize: size },
    );
  if (!Number.isInteger(likelihood) || likelihood < 1 || likelihood > likelihoodScale.length) {
    throw outOfScale('likelihood', likelihood, likelihoodScale.length);
  }
  if (!Number.isInteger(impact) || impact < 1 || impact > impactScale.length) {
    throw outOfScale('impact', impact, impactScale.length);
  }
  const levelId = matrix[likelihood - 1]![impact - 1]!;
  const levelRank = levels.findIndex((l) => l.id === levelId);
  const level = levels[levelRank]!;
  return {
    likelihood,
    impact,
    level: level.id,
    levelLabel: level.label,
    levelRank,
    reviewIntervalDays: level.reviewIntervalDays,
    withinAppetite: level.acceptableBy.includes('risk-owner'),
    methodology: methodology.versions,
  };
}

export type AcceptanceAuthorityCheck =
  | {
      readonly allowed: true;
      readonly authority: RiskAcceptanceAuthority;
      readonly level: RiskLevelDefinition;
      readonly withinAppetite: boolean;
    }
  | { readonly allowed: false; readonly rule: string; readonly message: string };

/**
 * The acceptance criteria (6.1.2 a 1): may this person accept a residual risk at this level?
 * `risk-owner` in the criteria means the risk's own owner; any other role must be held on the
 * risk's org unit (`acceptorRoles`).
 */
export function acceptanceAuthority(
  definition: RiskMethodologyDefinition,
  residualLevel: string,
  riskOwnerPersonId: string,
  acceptor: { readonly personId: string; readonly roles: readonly RiskAcceptanceAuthority[] },
): AcceptanceAuthorityCheck {
  const level = definition.levels.find((l) => l.id === residualLevel);
  if (!level) {
    return {
      allowed: false,
      rule: 'residual-level-not-in-methodology',
      message: `The residual level "${residualLevel}" is not a level of the methodology in force; re-assess the residual risk on the current methodology before accepting it.`,
    };
  }
  const withinAppetite = level.acceptableBy.includes('risk-owner');
  if (level.acceptableBy.length === 0) {
    return {
      allowed: false,
      rule: 'level-not-acceptable',
      message: `A residual risk at "${level.label}" may not be accepted under the acceptance criteria; treat it further until its residual level is acceptable.`,
    };
  }
  if (withinAppetite && acceptor.personId === riskOwnerPersonId) {
    return { allowed: true, authority: 'risk-owner', level, withinAppetite };
  }
  const role = level.acceptableBy.find((r) => r !== 'risk-owner' && acceptor.roles.includes(r));
  if (role) return { allowed: true, authority: role, level, withinAppetite };
  const who = level.acceptableBy.map((r) => (r === 'risk-owner' ? 'the risk owner' : `a ${r}`));
  return {
    allowed: false,
    rule: 'acceptance-not-authorised',
    message: `A residual risk at "${level.label}" may be accepted only by ${who.join(' or ')} responsible for the risk's org unit${withinAppetite ? '' : ' (it is above the risk appetite)'}.`,
  };
}
