import { Inject, Injectable } from '@nestjs/common';
import type { ControlTestResult, TestFrequency, TestMethod } from '@isms/contracts';
import { ControlsStreamTypes } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import type { ReadStore } from '@isms/read-store';
import { NotFoundProblem, READ_STORE, paginate } from '@isms/platform-nest';
import type {
  ControlApplicability,
  ControlTestPlanCommand,
} from '../domain/control-test-plan/commands.js';
import { controlTestPlan } from '../domain/control-test-plan/control-test-plan.js';
import { publicView } from '../projections/project.js';
import type { TestPlanView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { ControlsCommandContext, tenantOf } from './command-context.js';
import { SoaService } from './soa.service.js';
import { visibilityFilter } from './visibility.js';

export interface TestPlanBody {
  readonly frequency: TestFrequency;
  readonly method: TestMethod;
  readonly description: string;
  readonly testerPersonId?: string;
}

/** Effectiveness tests of control implementations (9.1): plans, results, what is overdue. */
@Injectable()
export class TestPlansService {
  constructor(
    private readonly context: ControlsCommandContext,
    private readonly soas: SoaService,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  async schedule(
    principal: Principal,
    input: TestPlanBody & {
      scopeId: string;
      catalogueId: string;
      controlId: string;
      firstDueOn: string;
    },
  ) {
    const tenantId = tenantOf(principal);
    const scope = this.soas.scope(tenantId, input.scopeId);
    await this.context.access.assertCan(principal, 'controls:write', {
      orgUnitId: scope.ownerOrgUnitId,
      scopeId: input.scopeId,
    });
    const line = await this.soas.lineOf(
      tenantId,
      input.scopeId,
      input.catalogueId,
      input.controlId,
    );
    const applicability: ControlApplicability =
      line?.applicable === true
        ? 'applicable'
        : line?.applicable === false
          ? 'excluded'
          : 'not-in-soa';
    const testPlanId = this.context.newId(ControlsStreamTypes.ControlTestPlan);
    return this.execute(principal, tenantId, testPlanId, {
      type: 'ScheduleControlTest',
      testPlanId,
      scopeId: input.scopeId,
      orgUnitId: scope.ownerOrgUnitId,
      catalogueId: input.catalogueId,
      controlId: input.controlId,
      applicability,
      frequency: input.frequency,
      method: input.method,
      description: input.description,
      ...(input.testerPersonId ? { testerPersonId: input.testerPersonId } : {}),
      firstDueOn: input.firstDueOn,
      at: this.context.now(),
    });
  }

  async revise(
    principal: Principal,
    testPlanId: string,
    input: TestPlanBody,
    expectedRevision?: number,
  ) {
    const { tenantId } = await this.writable(principal, testPlanId);
    return this.execute(
      principal,
      tenantId,
      testPlanId,
      { type: 'ReviseControlTestPlan', ...input },
      expectedRevision,
    );
  }

  async recordResult(
    principal: Principal,
    testPlanId: string,
    input: { result: ControlTestResult; testedAt: string; notes?: string },
    expectedRevision?: number,
  ) {
    const { tenantId } = await this.writable(principal, testPlanId);
    return this.execute(
      principal,
      tenantId,
      testPlanId,
      {
        type: 'RecordControlTestResult',
        result: input.result,
        testedBy: principal.userId,
        testedAt: input.testedAt,
        notes: input.notes ?? '',
        at: this.context.now(),
      },
      expectedRevision,
    );
  }

  async retire(
    principal: Principal,
    testPlanId: string,
    input: { reason: string },
    expectedRevision?: number,
  ) {
    const { tenantId } = await this.writable(principal, testPlanId);
    return this.execute(
      principal,
      tenantId,
      testPlanId,
      { type: 'RetireControlTestPlan', reason: input.reason, by: principal.userId },
      expectedRevision,
      input.reason,
    );
  }

  async get(principal: Principal, testPlanId: string) {
    const view = await this.view(tenantOf(principal), testPlanId);
    await this.context.access.assertCan(principal, 'read', {
      orgUnitId: view.orgUnitId,
      scopeId: view.scopeId,
    });
    return { testPlan: this.present(view), revision: view._revision ?? 0 };
  }

  async list(
    principal: Principal,
    query: { scopeId?: string; overdue?: boolean; limit: number; cursor?: string },
  ) {
    const tenantId = tenantOf(principal);
    const today = this.context.today();
    const filter = {
      ...visibilityFilter(this.context.access, principal, tenantId),
      status: 'active',
      ...(query.scopeId ? { scopeId: query.scopeId } : {}),
      ...(query.overdue ? { nextDueOn: { $lt: today } } : {}),
    };
    const page = await paginate(
      this.readStore.collection<TestPlanView>(Collections.TestPlans),
      filter,
      {
        sortBy: 'nextDueOn',
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      },
    );
    return { ...page, items: page.items.map((v) => this.present(v)), asAt: today };
  }

  private present(view: TestPlanView) {
    const today = this.context.today();
    return {
      ...publicView(view),
      overdue: view.status === 'active' && view.nextDueOn < today,
      daysOverdue:
        view.status === 'active' && view.nextDueOn < today
          ? Math.round((Date.parse(today) - Date.parse(view.nextDueOn)) / 86_400_000)
          : 0,
    };
  }

  private async view(tenantId: string, testPlanId: string) {
    const view = await this.readStore
      .collection<TestPlanView>(Collections.TestPlans)
      .get(testPlanId);
    if (!view || view.tenantId !== tenantId) throw new NotFoundProblem('Test plan', testPlanId);
    return view;
  }

  private async writable(principal: Principal, testPlanId: string) {
    const tenantId = tenantOf(principal);
    const view = await this.view(tenantId, testPlanId);
    await this.context.access.assertCan(principal, 'controls:write', {
      orgUnitId: view.orgUnitId,
      scopeId: view.scopeId,
    });
    return { tenantId, view };
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    testPlanId: string,
    command: ControlTestPlanCommand,
    expectedRevision?: number,
    reason?: string,
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: testPlanId, streamType: ControlsStreamTypes.ControlTestPlan },
      controlTestPlan,
      command,
      this.context.metadata(principal, reason !== undefined ? { reason } : {}),
      expectedRevision,
    );
    const view = await this.view(tenantId, testPlanId);
    return { testPlan: this.present(view), revision: result.nextExpectedRevision };
  }
}
