import { Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { AsOf } from '@isms/event-sourcing';
import type { Principal } from '@isms/auth';
import type { RiskMethodologyDefinition, RiskMethodologyOverrides } from '@isms/contracts';
import { RiskStreamTypes, riskMethodologyStreamId } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { RequestValidationError } from '@isms/platform-nest';
import { riskMethodology } from '../domain/methodology/methodology.js';
import type { EffectiveMethodology } from '../domain/methodology/methodology-rules.js';
import {
  appetiteLevels,
  resolveMethodology,
  validateMethodology,
} from '../domain/methodology/methodology-rules.js';
import { METHODOLOGIES_PROJECTION } from '../projections/methodologies/methodologies.projection.js';
import type { MethodologyView } from '../projections/read-models.js';
import { RiskCollections, loadDefinition, loadOverrides } from '../projections/read-models.js';
import { RiskContext, tenantOf } from './risk-context.js';

/** Roles that set the methodology (6.1.2 a–b is a management decision, not a risk owner's). */
const METHODOLOGY_ROLES = ['ciso', 'isms-manager'] as const;

export interface MethodologyInput {
  readonly definition?: RiskMethodologyDefinition;
  readonly overrides?: RiskMethodologyOverrides;
  readonly changeSummary: string;
  readonly reason: string;
}

/**
 * The risk methodology of a tenant (at its root org unit) and the refinements of units below it.
 * The methodology in force for a unit is resolved along its path from the root.
 */
@Injectable()
export class MethodologyService {
  constructor(private readonly context: RiskContext) {}

  async set(
    principal: Principal,
    orgUnitId: string,
    input: MethodologyInput,
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const unit = this.context.assertOrgUnit(tenantId, orgUnitId, 'orgUnitId');
    await this.context.assertCan(principal, 'risk:write', orgUnitId);
    const roles = this.context.rolesOn(principal, orgUnitId);
    if (!METHODOLOGY_ROLES.some((role) => roles.includes(role))) {
      await this.context.forbid(
        principal,
        'risk:write',
        'methodology-needs-ciso-or-isms-manager',
        'The risk methodology is set by a ciso or an isms-manager responsible for this org unit.',
        orgUnitId,
      );
    }
    const isRoot = unit.parentId === null;
    const stream = {
      tenantId,
      streamId: riskMethodologyStreamId(orgUnitId),
      streamType: RiskStreamTypes.RiskMethodology,
    };
    const common = {
      methodologyId: stream.streamId,
      orgUnitId,
      changeSummary: input.changeSummary,
      reason: input.reason,
      by: principal.userId,
      at: this.context.now(),
    };
    const metadata = this.context.metadata(principal, {
      reason: input.reason,
      onBehalfOf: orgUnitId,
    });
    if (isRoot) {
      if (!input.definition || input.overrides) {
        throw new RequestValidationError([
          {
            field: input.definition ? 'body.overrides' : 'body.definition',
            message:
              'The tenant’s root org unit holds a complete methodology: send `definition`, not `overrides`.',
          },
        ]);
      }
      await this.assertRefinementsStayValid(tenantId, orgUnitId, input.definition);
      return this.context.execute(
        stream,
        riskMethodology,
        { type: 'AdoptMethodology', ...common, definition: input.definition },
        metadata,
        expectedRevision,
      );
    }
    if (!input.overrides || input.definition) {
      throw new RequestValidationError([
        {
          field: input.overrides ? 'body.definition' : 'body.overrides',
          message:
            'An org unit below the root refines the methodology it inherits: send `overrides` (any of likelihoodScale, impactScale, levels, matrix), not `definition`.',
        },
      ]);
    }
    const inherited = await this.effective(tenantId, unit.parentId!);
    if (!inherited) throw noMethodology();
    return this.context.execute(
      stream,
      riskMethodology,
      { type: 'RefineMethodology', ...common, overrides: input.overrides, inherited },
      metadata,
      expectedRevision,
    );
  }

  /** The unit's own methodology (if any) and the one in force for it. */
  async get(principal: Principal, orgUnitId: string, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    this.context.assertOrgUnit(tenantId, orgUnitId, 'orgUnitId');
    await this.context.assertCan(principal, 'read', orgUnitId);
    const from = await this.context.readModels([METHODOLOGIES_PROJECTION], asOf, tenantId);
    const own = await from
      .collection<MethodologyView>(RiskCollections.Methodologies)
      .get(orgUnitId);
    const effective = await this.effective(tenantId, orgUnitId, from);
    return {
      orgUnitId,
      own:
        own && own.tenantId === tenantId
          ? {
              methodologyId: own.methodologyId,
              kind: own.kind,
              version: own.version,
              ...(own.definition ? { definition: loadDefinition(own.definition) } : {}),
              ...(own.overrides ? { overrides: loadOverrides(own.overrides) } : {}),
              ...(own.basedOn ? { basedOn: own.basedOn } : {}),
              versions: own.versions,
            }
          : null,
      effective: effective
        ? { ...effective, appetite: appetiteLevels(effective.definition) }
        : null,
      revision: own && own.tenantId === tenantId ? (own._revision ?? 0) : 0,
    };
  }

  /** The methodology in force for an org unit: the root's, refined along the path. */
  async effective(
    tenantId: string,
    orgUnitId: string,
    from: ReadStore = this.context.readStore,
  ): Promise<EffectiveMethodology | undefined> {
    const collection = from.collection<MethodologyView>(RiskCollections.Methodologies);
    const steps = [];
    for (const id of this.context.pathTo(orgUnitId)) {
      const view = await collection.get(id);
      if (!view || view.tenantId !== tenantId) continue;
      steps.push(
        view.kind === 'base' && view.definition
          ? { orgUnitId: id, version: view.version, definition: loadDefinition(view.definition) }
          : {
              orgUnitId: id,
              version: view.version,
              overrides: loadOverrides(view.overrides ?? {}),
            },
      );
    }
    return resolveMethodology(steps);
  }

  /** The methodology in force for a unit, or a 422 saying how to get one. */
  async required(tenantId: string, orgUnitId: string): Promise<EffectiveMethodology> {
    const found = await this.effective(tenantId, orgUnitId);
    if (!found) throw noMethodology();
    return found;
  }

  /** A new tenant methodology may not leave a subsidiary's refinement inconsistent. */
  private async assertRefinementsStayValid(
    tenantId: string,
    rootId: string,
    definition: RiskMethodologyDefinition,
  ) {
    const methodologies = this.context.readStore.collection<MethodologyView>(
      RiskCollections.Methodologies,
    );
    const refinements = await methodologies.find({ tenantId, kind: 'refinement' });
    for (const refinement of refinements) {
      const original = await this.effective(tenantId, refinement.orgUnitId);
      const path = this.context.pathTo(refinement.orgUnitId);
      if (path[0] !== rootId) continue;
      const steps = [];
      for (const id of path) {
        const view = id === rootId ? undefined : await methodologies.get(id);
        if (id === rootId) steps.push({ orgUnitId: id, version: 0, definition });
        else if (view && view.tenantId === tenantId && view.overrides) {
          steps.push({
            orgUnitId: id,
            version: view.version,
            overrides: loadOverrides(view.overrides),
          });
        }
      }
      const merged = resolveMethodology(steps);
      try {
        if (merged) validateMethodology(merged.definition);
      } catch (error) {
        if (!(error instanceof DomainRuleViolation)) throw error;
        throw new DomainRuleViolation(
          'refinement-would-break',
          `Org unit ${refinement.orgUnitId} refines the methodology, and with this version its refinement would no longer fit: ${error.message} Change that refinement first, or keep the parts it relies on.`,
          {
            orgUnitId: refinement.orgUnitId,
            refinementRule: error.rule,
            inForce: original?.versions ?? [],
          },
        );
      }
    }
  }
}

function noMethodology(): DomainRuleViolation {
  return new DomainRuleViolation(
    'no-methodology',
    'Your tenant has no risk methodology yet: a ciso or isms-manager sets one at the root org unit (PUT /api/risk/methodologies/{rootOrgUnitId}) before risks are rated.',
  );
}
