import { Inject, Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { ImplementationStatus, InclusionReason } from '@isms/contracts';
import { ControlsStreamTypes, controlKey } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import type { ReadStore } from '@isms/read-store';
import { NotFoundProblem, READ_STORE } from '@isms/platform-nest';
import type { GroupControlCommand } from '../domain/group-control/commands.js';
import { groupControl } from '../domain/group-control/group-control.js';
import { publicView } from '../projections/project.js';
import type { GroupControlView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CatalogueDirectory } from './catalogue-directory.js';
import { ControlsCommandContext, tenantOf } from './command-context.js';

export interface GroupControlContentBody {
  readonly title: string;
  readonly implementationDescription: string;
  readonly inclusionReasons: readonly InclusionReason[];
  readonly justification: string;
  readonly ownerPersonId: string;
  readonly policyDocumentId?: string;
}

/**
 * Controls (or policies) defined once at group level and inherited — by reference — by the SoA
 * of every scope in the tenant; subsidiaries report their status and record justified deviations.
 */
@Injectable()
export class GroupControlsService {
  constructor(
    private readonly context: ControlsCommandContext,
    private readonly catalogues: CatalogueDirectory,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  async define(
    principal: Principal,
    input: GroupControlContentBody & { orgUnitId: string; catalogueId: string; controlId: string },
  ) {
    const tenantId = tenantOf(principal);
    this.requireOrgUnit(tenantId, input.orgUnitId);
    await this.context.access.assertCan(principal, 'controls:write', {
      orgUnitId: input.orgUnitId,
    });
    const existing = await this.collection().find({
      tenantId,
      status: 'active',
      controlKey: controlKey(input),
    });
    if (existing.length > 0) {
      throw new DomainRuleViolation(
        'one-group-control-per-control',
        `Group control ${existing[0]!.groupControlId} implements ${input.catalogueId} ${input.controlId} already; revise it instead.`,
      );
    }
    const rootOrgUnitId = this.context.access.directory.tenant(tenantId)?.rootOrgUnitId ?? '';
    const groupControlId = this.context.newId(ControlsStreamTypes.GroupControl);
    const { orgUnitId, catalogueId, controlId, ...content } = input;
    return this.execute(principal, tenantId, groupControlId, {
      type: 'DefineGroupControl',
      groupControlId,
      orgUnitId,
      groupRootOrgUnitId: rootOrgUnitId,
      catalogueId,
      controlId,
      catalogues: await this.catalogues.index(tenantId, [catalogueId]),
      ...content,
      by: principal.userId,
    });
  }

  async revise(
    principal: Principal,
    groupControlId: string,
    input: GroupControlContentBody & { changeSummary: string },
    expectedRevision?: number,
  ) {
    const { tenantId, view } = await this.writable(principal, groupControlId);
    return this.execute(
      principal,
      tenantId,
      groupControlId,
      { type: 'ReviseGroupControl', ...input, by: principal.userId },
      expectedRevision,
      { onBehalfOf: view.orgUnitId },
    );
  }

  async reportStatus(
    principal: Principal,
    groupControlId: string,
    orgUnitId: string,
    input: { implementationStatus: ImplementationStatus; note?: string },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    await this.get(principal, groupControlId);
    this.requireOrgUnit(tenantId, orgUnitId);
    await this.context.access.assertCan(principal, 'controls:write', { orgUnitId });
    return this.execute(
      principal,
      tenantId,
      groupControlId,
      {
        type: 'ReportGroupControlStatus',
        orgUnitId,
        orgUnitPath: this.context.orgUnitPath(orgUnitId),
        implementationStatus: input.implementationStatus,
        ...(input.note ? { note: input.note } : {}),
        by: principal.userId,
      },
      expectedRevision,
      { onBehalfOf: orgUnitId },
    );
  }

  /** A local deviation is a decision of the subsidiary's approver (e.g. its CISO), with a reason. */
  async recordDeviation(
    principal: Principal,
    groupControlId: string,
    input: { orgUnitId: string; deviation: string; reason: string },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    await this.get(principal, groupControlId);
    this.requireOrgUnit(tenantId, input.orgUnitId);
    const role = await this.context.roleFor(principal, 'controls:soa:approve', {
      orgUnitId: input.orgUnitId,
    });
    return this.execute(
      principal,
      tenantId,
      groupControlId,
      {
        type: 'RecordGroupControlDeviation',
        orgUnitId: input.orgUnitId,
        orgUnitPath: this.context.orgUnitPath(input.orgUnitId),
        deviation: input.deviation,
        reason: input.reason,
        by: principal.userId,
      },
      expectedRevision,
      { reason: input.reason, role, onBehalfOf: input.orgUnitId },
    );
  }

  async withdrawDeviation(
    principal: Principal,
    groupControlId: string,
    orgUnitId: string,
    input: { reason: string },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    await this.get(principal, groupControlId);
    this.requireOrgUnit(tenantId, orgUnitId);
    const role = await this.context.roleFor(principal, 'controls:soa:approve', { orgUnitId });
    return this.execute(
      principal,
      tenantId,
      groupControlId,
      {
        type: 'WithdrawGroupControlDeviation',
        orgUnitId,
        reason: input.reason,
        by: principal.userId,
      },
      expectedRevision,
      { reason: input.reason, role, onBehalfOf: orgUnitId },
    );
  }

  async retire(
    principal: Principal,
    groupControlId: string,
    input: { reason: string },
    expectedRevision?: number,
  ) {
    const { tenantId, view } = await this.writable(principal, groupControlId);
    return this.execute(
      principal,
      tenantId,
      groupControlId,
      { type: 'RetireGroupControl', reason: input.reason, by: principal.userId },
      expectedRevision,
      { reason: input.reason, onBehalfOf: view.orgUnitId },
    );
  }

  async list(principal: Principal, query: { status?: 'active' | 'retired' } = {}) {
    const tenantId = tenantOf(principal);
    const found = await this.collection().find(
      { tenantId, ...(query.status ? { status: query.status } : {}) },
      { sort: { definedAt: 1 } },
    );
    return { items: found.map((view) => this.visible(principal, view)) };
  }

  async get(principal: Principal, groupControlId: string) {
    const tenantId = tenantOf(principal);
    const view = await this.collection().get(groupControlId);
    if (!view || view.tenantId !== tenantId)
      throw new NotFoundProblem('Group control', groupControlId);
    return { groupControl: this.visible(principal, view), revision: view._revision ?? 0 };
  }

  /** Every reader of the tenant sees what is inherited; statuses and deviations only of visible units. */
  private visible(principal: Principal, view: GroupControlView) {
    const visible = new Set(this.context.access.visibleOrgUnitIds(principal));
    const body = publicView(view);
    return {
      ...body,
      statuses: body.statuses.filter((s) => visible.has(s.orgUnitId)),
      deviations: body.deviations.filter((d) => visible.has(d.orgUnitId)),
    };
  }

  private collection() {
    return this.readStore.collection<GroupControlView>(Collections.GroupControls);
  }

  private async writable(principal: Principal, groupControlId: string) {
    const tenantId = tenantOf(principal);
    const view = await this.collection().get(groupControlId);
    if (!view || view.tenantId !== tenantId)
      throw new NotFoundProblem('Group control', groupControlId);
    await this.context.access.assertCan(principal, 'controls:write', { orgUnitId: view.orgUnitId });
    return { tenantId, view };
  }

  private requireOrgUnit(tenantId: string, orgUnitId: string): void {
    const unit = this.context.access.directory.orgUnit(orgUnitId);
    if (!unit || unit.tenantId !== tenantId) throw new NotFoundProblem('Org unit', orgUnitId);
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    groupControlId: string,
    command: GroupControlCommand,
    expectedRevision?: number,
    metadata: { reason?: string; role?: string; onBehalfOf?: string } = {},
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: groupControlId, streamType: ControlsStreamTypes.GroupControl },
      groupControl,
      command,
      this.context.metadata(principal, metadata),
      expectedRevision,
    );
    const { groupControl: view } = await this.get(principal, groupControlId);
    return { groupControl: view, revision: result.nextExpectedRevision };
  }
}
