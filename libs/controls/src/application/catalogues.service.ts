import { Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { CatalogueControl } from '@isms/contracts';
import { ControlsStreamTypes } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import { NotFoundProblem, parseOrThrow } from '@isms/platform-nest';
import type { Catalogue } from '../catalogues/catalogue.js';
import { BUILT_IN_MAPPINGS, isBuiltInCatalogueId, mappedFrom } from '../catalogues/catalogue.js';
import type { CatalogueFile } from '../catalogues/format.js';
import { CatalogueFileSchema } from '../catalogues/format.js';
import { OscalCatalogSchema, catalogueFromOscal } from '../catalogues/oscal.js';
import { controlCatalogue } from '../domain/control-catalogue/control-catalogue.js';
import type { ControlCatalogueCommand } from '../domain/control-catalogue/commands.js';
import { publicView } from '../projections/project.js';
import { CatalogueDirectory } from './catalogue-directory.js';
import { ControlsCommandContext, tenantOf } from './command-context.js';

export interface CatalogueFilter {
  readonly group?: string;
  readonly controlType?: string;
  readonly securityProperty?: string;
  readonly cybersecurityConcept?: string;
  readonly operationalCapability?: string;
  readonly securityDomain?: string;
}

function summary(catalogue: Catalogue) {
  return {
    catalogueId: catalogue.catalogueId,
    name: catalogue.name,
    version: catalogue.version,
    ...(catalogue.publisher ? { publisher: catalogue.publisher } : {}),
    source: catalogue.source,
    groups: catalogue.groups,
    controlCount: catalogue.controls.length,
  };
}

/** Control catalogues: the built-in Annex A editions, the 2013→2022 mapping, and imports. */
@Injectable()
export class CataloguesService {
  constructor(
    private readonly context: ControlsCommandContext,
    private readonly directory: CatalogueDirectory,
  ) {}

  async list(principal: Principal) {
    const catalogues = await this.directory.list(tenantOf(principal));
    return { items: catalogues.map(summary) };
  }

  /** One catalogue with its controls, optionally filtered like the views of ISO/IEC 27002 A.2. */
  async get(principal: Principal, catalogueId: string, filter: CatalogueFilter = {}) {
    const catalogue = await this.directory.get(tenantOf(principal), catalogueId);
    const matches = (control: CatalogueControl) => {
      const a = control.attributes;
      const has = (values: readonly string[] | undefined, wanted: string | undefined) =>
        wanted === undefined || (values ?? []).includes(wanted);
      return (
        (filter.group === undefined || control.groupId === filter.group) &&
        has(a?.controlTypes, filter.controlType) &&
        has(a?.securityProperties, filter.securityProperty) &&
        has(a?.cybersecurityConcepts, filter.cybersecurityConcept) &&
        has(a?.operationalCapabilities, filter.operationalCapability) &&
        has(a?.securityDomains, filter.securityDomain)
      );
    };
    return {
      ...summary(catalogue),
      ...(catalogue.notes ? { notes: catalogue.notes } : {}),
      controls: catalogue.controls.filter(matches),
    };
  }

  listMappings() {
    return {
      items: BUILT_IN_MAPPINGS.map((m) => ({
        mappingId: m.mappingId,
        fromCatalogueId: m.fromCatalogueId,
        toCatalogueId: m.toCatalogueId,
        entries: m.entries.length,
      })),
    };
  }

  async getMapping(principal: Principal, mappingId: string) {
    tenantOf(principal);
    const mapping = BUILT_IN_MAPPINGS.find((m) => m.mappingId === mappingId);
    if (!mapping) throw new NotFoundProblem('Catalogue mapping', mappingId);
    const target = await this.directory.get(tenantOf(principal), mapping.toCatalogueId);
    return {
      ...mapping,
      /** Target controls without any source: new in the target edition. */
      newControls: target.controls
        .map((c) => c.controlId)
        .filter((id) => mappedFrom(mapping, id).length === 0),
    };
  }

  /** Imports a catalogue in the platform's JSON format, or an OSCAL catalog. */
  async import(
    principal: Principal,
    input: { orgUnitId: string; catalogue?: unknown; oscal?: unknown },
  ) {
    const tenantId = tenantOf(principal);
    this.requireOrgUnit(tenantId, input.orgUnitId);
    await this.context.access.assertCan(principal, 'controls:write', {
      orgUnitId: input.orgUnitId,
    });
    let file: CatalogueFile;
    let format: 'isms-ledger' | 'oscal';
    if (input.oscal !== undefined) {
      const oscal = parseOrThrow(OscalCatalogSchema, input.oscal, 'body.oscal');
      file = parseOrThrow(CatalogueFileSchema, catalogueFromOscal(oscal), 'body.oscal');
      format = 'oscal';
    } else {
      file = parseOrThrow(CatalogueFileSchema, input.catalogue, 'body.catalogue');
      format = 'isms-ledger';
    }
    const catalogueId = this.context.newId(ControlsStreamTypes.ControlCatalogue);
    return this.execute(principal, tenantId, catalogueId, {
      type: 'ImportCatalogue',
      catalogueId,
      orgUnitId: input.orgUnitId,
      name: file.name,
      version: file.version,
      ...(file.publisher ? { publisher: file.publisher } : {}),
      format,
      groups: file.groups,
      controls: file.controls,
      by: principal.userId,
    });
  }

  async addControl(
    principal: Principal,
    catalogueId: string,
    control: CatalogueControl,
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    if (isBuiltInCatalogueId(catalogueId)) {
      throw new DomainRuleViolation(
        'built-in-catalogue-is-read-only',
        `${catalogueId} is a standard's catalogue and cannot change; import a catalogue of your own for custom controls.`,
      );
    }
    const view = await this.directory.view(tenantId, catalogueId);
    if (!view) throw new NotFoundProblem('Control catalogue', catalogueId);
    await this.context.access.assertCan(principal, 'controls:write', { orgUnitId: view.orgUnitId });
    return this.execute(
      principal,
      tenantId,
      catalogueId,
      { type: 'AddCustomControl', control, by: principal.userId },
      expectedRevision,
    );
  }

  private requireOrgUnit(tenantId: string, orgUnitId: string): void {
    const unit = this.context.access.directory.orgUnit(orgUnitId);
    if (!unit || unit.tenantId !== tenantId) throw new NotFoundProblem('Org unit', orgUnitId);
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    catalogueId: string,
    command: ControlCatalogueCommand,
    expectedRevision?: number,
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: catalogueId, streamType: ControlsStreamTypes.ControlCatalogue },
      controlCatalogue,
      command,
      this.context.metadata(principal),
      expectedRevision,
    );
    const view = await this.directory.view(tenantId, catalogueId);
    return {
      catalogue: view ? publicView(view) : undefined,
      revision: result.nextExpectedRevision,
    };
  }
}
