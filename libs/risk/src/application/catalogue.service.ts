import { Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { AsOf } from '@isms/event-sourcing';
import type { Principal } from '@isms/auth';
import type { SecurityProperty, ThreatCategory, VulnerabilityCategory } from '@isms/contracts';
import { RiskStreamTypes, riskCatalogueStreamId } from '@isms/contracts';
import { riskCatalogue } from '../domain/catalogue/catalogue.js';
import type { RiskCatalogueCommand } from '../domain/catalogue/commands.js';
import { DEFAULT_THREATS, DEFAULT_VULNERABILITIES } from '../domain/catalogue/default-catalogue.js';
import {
  CATALOGUE_PROJECTION,
  catalogueEntryId,
} from '../projections/catalogue/catalogue.projection.js';
import type { CatalogueEntryView } from '../projections/read-models.js';
import { RiskCollections } from '../projections/read-models.js';
import { withoutMeta } from './views.js';
import { RiskContext, tenantOf } from './risk-context.js';

export interface ThreatInput {
  readonly code: string;
  readonly name: string;
  readonly category: ThreatCategory;
  readonly description: string;
  readonly affects: readonly SecurityProperty[];
  readonly orgUnitId: string;
}

export interface VulnerabilityInput {
  readonly code: string;
  readonly name: string;
  readonly category: VulnerabilityCategory;
  readonly description: string;
  readonly orgUnitId: string;
}

type Kind = 'threat' | 'vulnerability';

/** The default threat and vulnerability catalogues, with each tenant's additions. */
@Injectable()
export class CatalogueService {
  constructor(private readonly context: RiskContext) {}

  async list(principal: Principal, kind: Kind, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    const from = await this.context.readModels([CATALOGUE_PROJECTION], asOf, tenantId);
    const added = await from
      .collection<CatalogueEntryView>(RiskCollections.Catalogue)
      .find({ tenantId, kind }, { sort: { code: 1 } });
    const defaults = (kind === 'threat' ? DEFAULT_THREATS : DEFAULT_VULNERABILITIES).map(
      (entry) => ({
        ...entry,
        source: 'default' as const,
      }),
    );
    const own = added.map((entry) => {
      const { tenantId: _tenantId, kind: _kind, ...rest } = withoutMeta(entry);
      return { ...rest, source: 'tenant' as const };
    });
    return { items: [...defaults, ...own] };
  }

  addThreat(principal: Principal, input: ThreatInput) {
    return this.add(principal, 'threat', input.orgUnitId, {
      type: 'AddThreat',
      ...input,
      by: principal.userId,
    });
  }

  addVulnerability(principal: Principal, input: VulnerabilityInput) {
    return this.add(principal, 'vulnerability', input.orgUnitId, {
      type: 'AddVulnerability',
      ...input,
      by: principal.userId,
    });
  }

  /** Both codes exist in the tenant's catalogues (a 422 names the one that does not). */
  async assertCodes(
    tenantId: string,
    threatCode: string,
    vulnerabilityCode: string,
  ): Promise<void> {
    for (const [kind, code, field] of [
      ['threat', threatCode, 'threatCode'],
      ['vulnerability', vulnerabilityCode, 'vulnerabilityCode'],
    ] as const) {
      const defaults = kind === 'threat' ? DEFAULT_THREATS : DEFAULT_VULNERABILITIES;
      if (defaults.some((entry) => entry.code === code)) continue;
      const own = await this.context.readStore
        .collection<CatalogueEntryView>(RiskCollections.Catalogue)
        .get(catalogueEntryId(tenantId, kind, code));
      if (!own) {
        throw new DomainRuleViolation(
          `${kind}-unknown`,
          `There is no ${kind} ${code} (${field}) in your catalogue; pick one from GET /api/risk/catalogue/${kind === 'threat' ? 'threats' : 'vulnerabilities'} or add it there.`,
          { field },
        );
      }
    }
  }

  private async add(
    principal: Principal,
    kind: Kind,
    orgUnitId: string,
    command: RiskCatalogueCommand,
  ) {
    const tenantId = tenantOf(principal);
    this.context.assertOrgUnit(tenantId, orgUnitId, 'orgUnitId');
    await this.context.assertCan(principal, 'risk:write', orgUnitId);
    const result = await this.context.execute(
      {
        tenantId,
        streamId: riskCatalogueStreamId(tenantId),
        streamType: RiskStreamTypes.RiskCatalogue,
      },
      riskCatalogue,
      command,
      this.context.metadata(principal, { onBehalfOf: orgUnitId }),
    );
    const entry = await this.context.one<CatalogueEntryView>(
      RiskCollections.Catalogue,
      kind === 'threat' ? 'Threat' : 'Vulnerability',
      tenantId,
      catalogueEntryId(tenantId, kind, command.code),
    );
    const { tenantId: _tenantId, kind: _kind, ...rest } = withoutMeta(entry);
    return { entry: { ...rest, source: 'tenant' as const }, revision: result.nextExpectedRevision };
  }
}
