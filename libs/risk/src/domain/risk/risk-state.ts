import { canonicalJson, sha256Hex } from '@isms/event-sourcing';
import type {
  AcceptanceStatus,
  ControlRef,
  RiskAcceptanceAuthority,
  RiskMaterialState,
  RiskRating,
  RiskStatus,
  StaleCause,
  TreatmentAction,
  TreatmentOption,
} from '@isms/contracts';
import { controlKey } from '@isms/contracts';

export interface PlannedAction extends TreatmentAction {
  readonly completedAt?: string;
  readonly completedBy?: string;
  readonly completionNote?: string;
}

/** Everything the risk's events say, folded. Plain JSON, so read models can store it. */
export interface RiskRecord {
  readonly kind: 'risk';
  readonly riskId: string;
  readonly title: string;
  readonly description: string;
  readonly assetIds: readonly string[];
  readonly threatCode: string;
  readonly vulnerabilityCode: string;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly scopeId: string;
  readonly identifiedAt: string;
  readonly inherent?: {
    readonly rating: RiskRating;
    readonly existingControls: string;
    readonly existingControlRefs: readonly ControlRef[];
    readonly rationale: string;
    readonly assessedBy: string;
    readonly assessedAt: string;
  };
  readonly treatment?: {
    readonly option: TreatmentOption;
    readonly justification: string;
    readonly decidedBy: string;
    readonly decidedAt: string;
  };
  readonly plan?: {
    readonly version: number;
    readonly actions: readonly PlannedAction[];
    readonly linkedControls: readonly ControlRef[];
    readonly plannedBy: string;
    readonly plannedAt: string;
  };
  readonly residual?: {
    readonly rating: RiskRating;
    readonly rationale: string;
    readonly assessedBy: string;
    readonly assessedAt: string;
    /** Digest of the material state the residual rating was made on (without the residual). */
    readonly basis: string;
  };
  readonly acceptance?: {
    readonly acceptedBy: string;
    readonly authority: RiskAcceptanceAuthority;
    readonly residualLevel: string;
    readonly withinAppetite: boolean;
    readonly digest: string;
    readonly reason: string;
    readonly acceptedAt: string;
    readonly staleCause?: StaleCause;
    readonly staleAt?: string;
  };
  readonly nextReviewDue?: string;
  readonly lastReviewedAt?: string;
  readonly closed?: {
    readonly reason: string;
    readonly closedBy: string;
    readonly closedAt: string;
  };
}

export type RiskState = { readonly kind: 'none' } | RiskRecord;

const byKey = (a: ControlRef, b: ControlRef) => controlKey(a).localeCompare(controlKey(b));

function uniqueControls(refs: readonly ControlRef[]): ControlRef[] {
  const seen = new Map<string, ControlRef>();
  for (const ref of refs) {
    seen.set(controlKey(ref), { catalogueId: ref.catalogueId, controlId: ref.controlId });
  }
  return [...seen.values()].sort(byKey);
}

/** Every control the risk relies on: existing controls of the inherent rating, and the plan's. */
export function reliedOnControls(risk: RiskRecord): ControlRef[] {
  return uniqueControls([
    ...(risk.inherent?.existingControlRefs ?? []),
    ...(risk.plan?.linkedControls ?? []),
  ]);
}

/** What an acceptance approves (6.1.3 f), or undefined while something is missing. */
export function materialState(risk: RiskRecord): RiskMaterialState | undefined {
  if (!risk.inherent || !risk.treatment || !risk.residual) return undefined;
  return { ...basisState(risk)!, residual: ratingCore(risk.residual.rating) };
}

/** SHA-256 over the canonical JSON of the material state. */
export function digestOf(state: RiskMaterialState): string {
  return sha256Hex(canonicalJson(state));
}

export function currentDigest(risk: RiskRecord): string | undefined {
  if (!risk.inherent || !risk.treatment || !risk.residual) return undefined;
  return remembered(risk.residual, [...basisParts(risk), risk.residual.rating], () =>
    digestOf(materialState(risk)!),
  );
}

/**
 * Digests computed before, by the parts of a record they were computed from (the first part is
 * the key). A record is never changed in place, and an event replaces only the parts it changes,
 * so the next versions of a risk keep those parts and find their digests here: hashing was most
 * of what folding a risk into the register cost.
 */
const digests = new WeakMap<
  object,
  { readonly parts: readonly unknown[]; readonly digest: string }
>();

function remembered(key: object, parts: readonly unknown[], digest: () => string): string {
  const known = digests.get(key);
  if (known && known.parts.length === parts.length && known.parts.every((p, i) => p === parts[i])) {
    return known.digest;
  }
  const computed = digest();
  digests.set(key, { parts, digest: computed });
  return computed;
}

/** What the basis digest is computed from (see `basisState`). */
function basisParts(risk: RiskRecord): unknown[] {
  return [
    risk.riskId,
    risk.assetIds,
    risk.threatCode,
    risk.vulnerabilityCode,
    risk.orgUnitId,
    risk.scopeId,
    risk.inherent,
    risk.treatment,
    risk.plan?.linkedControls,
  ];
}

/** The material state without the residual rating: what a residual rating is made on. */
function basisState(risk: RiskRecord): Omit<RiskMaterialState, 'residual'> | undefined {
  if (!risk.inherent || !risk.treatment) return undefined;
  return {
    riskId: risk.riskId,
    assetIds: [...risk.assetIds].sort(),
    threatCode: risk.threatCode,
    vulnerabilityCode: risk.vulnerabilityCode,
    orgUnitId: risk.orgUnitId,
    scopeId: risk.scopeId,
    inherent: ratingCore(risk.inherent.rating),
    existingControls: uniqueControls(risk.inherent.existingControlRefs),
    treatment: risk.treatment.option,
    linkedControls: uniqueControls(risk.plan?.linkedControls ?? []),
  };
}

export function basisDigest(risk: RiskRecord): string | undefined {
  if (!risk.inherent || !risk.treatment) return undefined;
  return remembered(risk.inherent, basisParts(risk), () =>
    sha256Hex(canonicalJson(basisState(risk)!)),
  );
}

function ratingCore(rating: RiskRating) {
  return { likelihood: rating.likelihood, impact: rating.impact, level: rating.level };
}

/** Does the plan carry what the chosen option needs? */
export function planSatisfies(risk: RiskRecord): boolean {
  const option = risk.treatment?.option;
  if (option === undefined) return false;
  if (option === 'retain') return true;
  if (!risk.plan) return false;
  if (option === 'modify') return risk.plan.linkedControls.length > 0;
  return risk.plan.actions.length > 0;
}

export function residualIsOutdated(risk: RiskRecord): boolean {
  return risk.residual !== undefined && risk.residual.basis !== basisDigest(risk);
}

/** Where the risk is in its lifecycle, from what is recorded and still current. */
export function riskStatus(risk: RiskRecord): RiskStatus {
  if (risk.closed) return 'closed';
  if (!risk.inherent) return 'identified';
  if (!risk.treatment) return 'assessed';
  if (!planSatisfies(risk)) return 'treatment-decided';
  if (!risk.residual || residualIsOutdated(risk)) return 'treatment-planned';
  if (risk.acceptance && risk.acceptance.digest === currentDigest(risk)) return 'accepted';
  return 'residual-assessed';
}

/** Whether the acceptance still covers the risk as it is (undefined: never accepted). */
export function acceptanceStatus(risk: RiskRecord): AcceptanceStatus | undefined {
  if (!risk.acceptance) return undefined;
  if (risk.acceptance.staleCause || risk.acceptance.digest !== currentDigest(risk)) {
    return 'needs-re-approval';
  }
  return 'current';
}

/** The level a register shows: the residual one once assessed, else the inherent one. */
export function currentRating(risk: RiskRecord): RiskRating | undefined {
  return risk.residual?.rating ?? risk.inherent?.rating;
}
