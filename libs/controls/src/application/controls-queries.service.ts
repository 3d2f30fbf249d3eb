import { Inject, Injectable } from '@nestjs/common';
import type { ControlRef } from '@isms/contracts';
import { controlKey } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import type { ReadStore } from '@isms/read-store';
import { NotFoundProblem, READ_STORE } from '@isms/platform-nest';
import type { RiskLinkView, SoaView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CatalogueDirectory } from './catalogue-directory.js';
import { ControlsCommandContext, tenantOf } from './command-context.js';
import { assembleSoa } from './soa-assembly.js';
import { SoaService } from './soa.service.js';
import { visibilityFilter } from './visibility.js';

/** Cross-cutting reads: implementation progress, controls per risk and risks per control. */
@Injectable()
export class ControlsQueries {
  constructor(
    private readonly context: ControlsCommandContext,
    private readonly catalogues: CatalogueDirectory,
    private readonly soas: SoaService,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /** Implementation progress of every SoA the caller may see (or of one scope). */
  async progress(principal: Principal, query: { scopeId?: string }) {
    const tenantId = tenantOf(principal);
    const found = await this.readStore.collection<SoaView>(Collections.Soas).find(
      {
        ...visibilityFilter(this.context.access, principal, tenantId),
        ...(query.scopeId ? { scopeId: query.scopeId } : {}),
      },
      { sort: { scopeId: 1 } },
    );
    const today = this.context.today();
    const items = [];
    for (const soa of found) {
      const document = assembleSoa(await this.soas.inputs(tenantId, soa, this.readStore, today));
      items.push({
        scopeId: soa.scopeId,
        soaId: soa.soaId,
        orgUnitId: soa.orgUnitId,
        catalogueId: soa.catalogueId,
        approval: { status: document.approval.status, version: document.approval.version ?? null },
        progress: document.progress,
      });
    }
    return { items, asAt: today };
  }

  async risksForControl(principal: Principal, ref: ControlRef) {
    const tenantId = tenantOf(principal);
    await this.catalogues.get(tenantId, ref.catalogueId);
    const key = controlKey(ref);
    const risks = await this.readStore
      .collection<RiskLinkView>(Collections.RiskLinks)
      .find(
        { ...visibilityFilter(this.context.access, principal, tenantId), controlKeys: key },
        { sort: { riskId: 1 } },
      );
    return {
      control: ref,
      items: risks.map((r) => ({
        riskId: r.riskId,
        title: r.title,
        orgUnitId: r.orgUnitId,
        scopeId: r.scopeId,
        status: r.status,
        treats: r.treatmentControls.some((c) => controlKey(c) === key),
        protectsAlready: r.existingControls.some((c) => controlKey(c) === key),
      })),
    };
  }

  async controlsForRisk(principal: Principal, riskId: string) {
    const tenantId = tenantOf(principal);
    const risk = await this.readStore.collection<RiskLinkView>(Collections.RiskLinks).get(riskId);
    if (!risk || risk.tenantId !== tenantId) throw new NotFoundProblem('Risk', riskId);
    await this.context.access.assertCan(principal, 'read', {
      orgUnitId: risk.orgUnitId,
      scopeId: risk.scopeId,
    });
    const refs = new Map<string, ControlRef>();
    for (const ref of [...risk.treatmentControls, ...risk.existingControls]) {
      refs.set(controlKey(ref), { catalogueId: ref.catalogueId, controlId: ref.controlId });
    }
    const items = [];
    for (const [key, ref] of refs) {
      const catalogue = await this.catalogues.find(tenantId, ref.catalogueId);
      const line = await this.soas.lineOf(tenantId, risk.scopeId, ref.catalogueId, ref.controlId);
      items.push({
        ...ref,
        title: catalogue?.controls.find((c) => c.controlId === ref.controlId)?.title ?? null,
        treats: risk.treatmentControls.some((c) => controlKey(c) === key),
        protectsAlready: risk.existingControls.some((c) => controlKey(c) === key),
        soa: line
          ? {
              answer: line.answer,
              applicable: line.applicable ?? null,
              implementationStatus: line.implementationStatus ?? null,
              lastTest: line.tests[0]?.lastResult ?? null,
            }
          : null,
      });
    }
    return { riskId, title: risk.title, scopeId: risk.scopeId, orgUnitId: risk.orgUnitId, items };
  }
}
