import { Inject, Injectable } from '@nestjs/common';
import type { AsOf } from '@isms/event-sourcing';
import type { ImplementationStatus, InclusionReason } from '@isms/contracts';
import { ControlsStreamTypes, soaStreamId } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import type { ReadStore } from '@isms/read-store';
import { NotFoundProblem, READ_STORE } from '@isms/platform-nest';
import type { Catalogue } from '../catalogues/catalogue.js';
import { BUILT_IN_MAPPINGS, findMapping } from '../catalogues/catalogue.js';
import { soaDigest } from '../domain/statement-of-applicability/digest.js';
import type { SoaCommand } from '../domain/statement-of-applicability/commands.js';
import { statementOfApplicability } from '../domain/statement-of-applicability/statement-of-applicability.js';
import { CONTROLS_PROJECTION_NAMES, riskLinksOfScope, soaVersionId } from '../projections/index.js';
import { publicView } from '../projections/project.js';
import type {
  EvidenceView,
  GroupControlView,
  RiskLinkView,
  SoaVersionView,
  SoaView,
  TestPlanView,
} from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CatalogueDirectory } from './catalogue-directory.js';
import { ControlsCommandContext, tenantOf } from './command-context.js';
import type { SoaContentForComparison, SoaInputs } from './soa-assembly.js';
import {
  approvableLine,
  assembleSoa,
  compareSoaContents,
  currentInherited,
} from './soa-assembly.js';

export interface SoaLineBody {
  readonly applicable: boolean;
  readonly inclusionReasons: readonly InclusionReason[];
  readonly justification: string;
  readonly implementationStatus: ImplementationStatus;
  readonly ownerPersonId?: string;
  readonly implementationDescription?: string;
}

/** The Statement of Applicability of each ISMS scope (6.1.3 d). */
@Injectable()
export class SoaService {
  constructor(
    private readonly context: ControlsCommandContext,
    private readonly catalogues: CatalogueDirectory,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  async establish(principal: Principal, scopeId: string, input: { catalogueId: string }) {
    const tenantId = tenantOf(principal);
    const scope = this.scope(tenantId, scopeId);
    await this.context.access.assertCan(principal, 'controls:write', {
      orgUnitId: scope.ownerOrgUnitId,
      scopeId,
    });
    const soaId = soaStreamId(scopeId);
    return this.execute(principal, tenantId, scopeId, {
      type: 'EstablishSoa',
      soaId,
      scopeId,
      orgUnitId: scope.ownerOrgUnitId,
      catalogueId: input.catalogueId,
      catalogues: await this.catalogues.index(tenantId, [input.catalogueId]),
      by: principal.userId,
    });
  }

  async include(
    principal: Principal,
    scopeId: string,
    input: { catalogueId: string },
    expectedRevision?: number,
  ) {
    const { tenantId, soa } = await this.writable(principal, scopeId);
    return this.execute(
      principal,
      tenantId,
      scopeId,
      {
        type: 'IncludeCatalogue',
        catalogueId: input.catalogueId,
        catalogues: await this.catalogues.index(tenantId, [input.catalogueId]),
        by: principal.userId,
      },
      expectedRevision,
      { onBehalfOf: soa.orgUnitId },
    );
  }

  /** Includes or excludes a control, with its justification (an exclusion is a decision). */
  async recordLine(
    principal: Principal,
    scopeId: string,
    ref: { catalogueId: string; controlId: string },
    body: SoaLineBody,
    expectedRevision?: number,
  ) {
    const { tenantId, soa } = await this.writable(principal, scopeId);
    return this.execute(
      principal,
      tenantId,
      scopeId,
      {
        type: 'RecordSoaLine',
        line: { ...ref, ...body },
        catalogues: await this.catalogues.index(tenantId, catalogueIdsOf(soa)),
        by: principal.userId,
      },
      expectedRevision,
      { reason: body.justification, onBehalfOf: soa.orgUnitId },
    );
  }

  /** Top management approves this version; the digest of what was approved goes in the event. */
  async approve(
    principal: Principal,
    scopeId: string,
    input: { reason: string },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const soa = await this.soa(tenantId, scopeId);
    const role = await this.context.roleFor(principal, 'controls:soa:approve', {
      orgUnitId: soa.orgUnitId,
      scopeId,
    });
    const inputs = await this.inputs(tenantId, soa, this.readStore, this.context.today());
    return this.execute(
      principal,
      tenantId,
      scopeId,
      {
        type: 'ApproveSoa',
        inherited: currentInherited(inputs),
        catalogues: await this.catalogues.index(tenantId, catalogueIdsOf(soa)),
        reason: input.reason,
        by: principal.userId,
        role,
        at: this.context.now(),
      },
      expectedRevision,
      { reason: input.reason, role, onBehalfOf: soa.orgUnitId },
    );
  }

  /** Moves the SoA to another edition through the built-in mapping (e.g. 2013 → 2022). */
  async migrate(
    principal: Principal,
    scopeId: string,
    input: { toCatalogueId: string },
    expectedRevision?: number,
  ) {
    const { tenantId, soa } = await this.writable(principal, scopeId);
    const mapping =
      findMapping(soa.catalogueId, input.toCatalogueId) ??
      BUILT_IN_MAPPINGS.find((m) => m.toCatalogueId === input.toCatalogueId);
    if (!mapping) throw new NotFoundProblem('Catalogue mapping to', input.toCatalogueId);
    return this.execute(
      principal,
      tenantId,
      scopeId,
      {
        type: 'MigrateSoaCatalogue',
        mapping,
        catalogues: await this.catalogues.index(tenantId, [mapping.toCatalogueId]),
        by: principal.userId,
      },
      expectedRevision,
      { onBehalfOf: soa.orgUnitId },
    );
  }

  async get(principal: Principal, scopeId: string, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    // As of a point in history: the controls read models rebuilt from the tenant's events, the
    // risk links only from the risks ever placed in this scope (all this SoA reads of them).
    const from = asOf
      ? await this.context.projections.asOf(CONTROLS_PROJECTION_NAMES, asOf, {
          tenantId,
          narrow: [riskLinksOfScope(scopeId)],
        })
      : this.readStore;
    const soa = await this.soa(tenantId, scopeId, from);
    await this.context.access.assertCan(principal, 'read', { orgUnitId: soa.orgUnitId, scopeId });
    const today =
      asOf && 'recordedAt' in asOf
        ? new Date(asOf.recordedAt).toISOString().slice(0, 10)
        : this.context.today();
    const document = assembleSoa(await this.inputs(tenantId, soa, from, today));
    return {
      soa: { ...document, ...(asOf ? { asOf } : {}) },
      revision: soa._revision ?? 0,
    };
  }

  async versions(principal: Principal, scopeId: string) {
    const tenantId = tenantOf(principal);
    const soa = await this.soa(tenantId, scopeId);
    await this.context.access.assertCan(principal, 'read', { orgUnitId: soa.orgUnitId, scopeId });
    const versions = await this.readStore
      .collection<SoaVersionView>(Collections.SoaVersions)
      .find({ tenantId, soaId: soa.soaId }, { sort: { version: 1 } });
    return {
      items: versions.map(({ lines, inherited, ...v }) => ({
        ...publicView(v),
        lineCount: lines.length,
        inheritedCount: inherited.length,
        digestVerified: verify({ ...v, lines, inherited }),
      })),
    };
  }

  async version(principal: Principal, scopeId: string, version: number) {
    const tenantId = tenantOf(principal);
    const soa = await this.soa(tenantId, scopeId);
    await this.context.access.assertCan(principal, 'read', { orgUnitId: soa.orgUnitId, scopeId });
    const found = await this.versionOf(soa, version);
    return { ...publicView(found), digestVerified: verify(found) };
  }

  /** Lines added, removed and changed between two versions (`current` = the SoA as it is now). */
  async compare(
    principal: Principal,
    scopeId: string,
    from: number | 'current',
    to: number | 'current',
  ) {
    const tenantId = tenantOf(principal);
    const soa = await this.soa(tenantId, scopeId);
    await this.context.access.assertCan(principal, 'read', { orgUnitId: soa.orgUnitId, scopeId });
    const content = async (which: number | 'current'): Promise<SoaContentForComparison> => {
      if (which === 'current') {
        const inputs = await this.inputs(tenantId, soa, this.readStore, this.context.today());
        return {
          label: 'current',
          catalogueId: soa.catalogueId,
          lines: soa.lines.map(approvableLine),
          inherited: currentInherited(inputs),
        };
      }
      const v = await this.versionOf(soa, which);
      return {
        label: `v${v.version}`,
        catalogueId: v.catalogueId,
        lines: v.lines,
        inherited: v.inherited,
      };
    };
    return compareSoaContents(await content(from), await content(to));
  }

  /** What the SoA of a scope says about one control (for test plans and evidence). */
  async lineOf(tenantId: string, scopeId: string, catalogueId: string, controlId: string) {
    const soa = await this.readStore
      .collection<SoaView>(Collections.Soas)
      .get(soaStreamId(scopeId));
    if (!soa || soa.tenantId !== tenantId) return undefined;
    const inputs = await this.inputs(tenantId, soa, this.readStore, this.context.today());
    return assembleSoa(inputs).lines.find(
      (l) => l.catalogueId === catalogueId && l.controlId === controlId,
    );
  }

  // ─── helpers ──────────────────────────────────────────────────────────────────────────────

  scope(tenantId: string, scopeId: string) {
    const scope = this.context.access.directory.scope(scopeId);
    if (!scope || scope.tenantId !== tenantId) throw new NotFoundProblem('ISMS scope', scopeId);
    return scope;
  }

  async soa(tenantId: string, scopeId: string, from: ReadStore = this.readStore) {
    const soa = await from.collection<SoaView>(Collections.Soas).get(soaStreamId(scopeId));
    if (!soa || soa.tenantId !== tenantId) {
      throw new NotFoundProblem('Statement of Applicability of scope', scopeId);
    }
    return soa;
  }

  private async writable(principal: Principal, scopeId: string) {
    const tenantId = tenantOf(principal);
    const soa = await this.soa(tenantId, scopeId);
    await this.context.access.assertCan(principal, 'controls:write', {
      orgUnitId: soa.orgUnitId,
      scopeId,
    });
    return { tenantId, soa };
  }

  private async versionOf(soa: SoaView, version: number) {
    const found = await this.readStore
      .collection<SoaVersionView>(Collections.SoaVersions)
      .get(soaVersionId(soa.soaId, version));
    if (!found || found.tenantId !== soa.tenantId) {
      throw new NotFoundProblem('SoA version', String(version));
    }
    return found;
  }

  async inputs(tenantId: string, soa: SoaView, from: ReadStore, today: string): Promise<SoaInputs> {
    const catalogues: Catalogue[] = [];
    for (const id of catalogueIdsOf(soa)) {
      const catalogue = await this.catalogues.find(tenantId, id, from);
      if (catalogue) catalogues.push(catalogue);
    }
    const ids = catalogues.map((c) => c.catalogueId);
    const [groupControls, evidence, testPlans, risks, versions] = await Promise.all([
      from
        .collection<GroupControlView>(Collections.GroupControls)
        .find({ tenantId, status: 'active', catalogueId: { $in: ids } }),
      from
        .collection<EvidenceView>(Collections.Evidence)
        .find({ tenantId, scopeId: soa.scopeId, status: 'active' }),
      from
        .collection<TestPlanView>(Collections.TestPlans)
        .find({ tenantId, scopeId: soa.scopeId, status: 'active' }),
      from
        .collection<RiskLinkView>(Collections.RiskLinks)
        .find({ tenantId, scopeId: soa.scopeId, status: 'open' }),
      from
        .collection<SoaVersionView>(Collections.SoaVersions)
        .find({ tenantId, soaId: soa.soaId }, { sort: { version: -1 }, limit: 1 }),
    ]);
    return {
      soa,
      catalogues,
      groupControls,
      orgUnitPath: this.context.orgUnitPath(soa.orgUnitId),
      evidence,
      testPlans,
      risks,
      ...(versions[0] ? { latestVersion: versions[0] } : {}),
      today,
    };
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    scopeId: string,
    command: SoaCommand,
    expectedRevision?: number,
    metadata: { reason?: string; role?: string; onBehalfOf?: string } = {},
  ) {
    const result = await this.context.execute(
      {
        tenantId,
        streamId: soaStreamId(scopeId),
        streamType: ControlsStreamTypes.StatementOfApplicability,
      },
      statementOfApplicability,
      command,
      this.context.metadata(principal, metadata),
      expectedRevision,
    );
    const soa = await this.soa(tenantId, scopeId);
    const document = assembleSoa(
      await this.inputs(tenantId, soa, this.readStore, this.context.today()),
    );
    return { soa: document, revision: result.nextExpectedRevision };
  }
}

function catalogueIdsOf(soa: SoaView): string[] {
  return [soa.catalogueId, ...soa.extensionCatalogueIds];
}

/** Recomputes an approved version's digest from its stored lines. */
function verify(version: SoaVersionView): boolean {
  return (
    soaDigest({
      catalogueId: version.catalogueId,
      extensionCatalogueIds: version.extensionCatalogueIds,
      lines: version.lines,
      inherited: version.inherited,
    }) === version.digest
  );
}
