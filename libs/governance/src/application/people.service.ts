import { Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { PersonKind, Role } from '@isms/contracts';
import { GovernanceStreamTypes } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import { paginate } from '@isms/platform-nest';
import { person } from '../domain/person/person.js';
import type { PersonCommand } from '../domain/person/commands.js';
import { publicView } from '../projections/project.js';
import type { PersonView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CommandContext, tenantOf } from './command-context.js';
import { Lookups, visibleFilter } from './lookups.js';

export interface RegisterPersonInput {
  readonly displayName: string;
  readonly email: string;
  readonly kind: PersonKind;
  readonly homeOrgUnitId: string;
  readonly certificationBody?: string;
  readonly identitySubject?: string;
}

/** People of the tenant and their role bindings (5.3). */
@Injectable()
export class PeopleService {
  constructor(
    private readonly context: CommandContext,
    private readonly lookups: Lookups,
  ) {}

  async register(principal: Principal, input: RegisterPersonInput) {
    const tenantId = tenantOf(principal);
    await this.lookups.orgUnit(tenantId, input.homeOrgUnitId);
    await this.context.access.assertCan(principal, 'governance:people:manage', {
      orgUnitId: input.homeOrgUnitId,
    });
    const email = input.email.trim().toLowerCase();
    const taken = await this.collection().find({ tenantId, email, status: 'active' }, { limit: 1 });
    if (taken[0]) {
      throw new DomainRuleViolation(
        'email-already-registered',
        `${email} is already registered for ${taken[0].displayName}; one active person per email.`,
        { personId: taken[0].personId },
      );
    }
    const personId = this.context.newId('person');
    return this.execute(principal, tenantId, personId, {
      type: 'RegisterPerson',
      personId,
      ...input,
    });
  }

  async bindRole(
    principal: Principal,
    personId: string,
    input: { role: Role; orgUnitId: string },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    await this.lookups.person(tenantId, personId);
    const unit = await this.lookups.orgUnit(tenantId, input.orgUnitId);
    await this.context.access.assertCan(principal, 'governance:people:manage', {
      orgUnitId: input.orgUnitId,
    });
    if (unit.status === 'closed') {
      throw new DomainRuleViolation(
        'org-unit-closed',
        `"${unit.name}" is closed; bind the role on an open org unit.`,
      );
    }
    return this.execute(
      principal,
      tenantId,
      personId,
      { type: 'BindRole', bindingId: this.context.newId('role-binding'), ...input },
      expectedRevision,
    );
  }

  async unbindRole(
    principal: Principal,
    personId: string,
    bindingId: string,
    reason: string,
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const found = await this.lookups.person(tenantId, personId);
    const binding = found.roleBindings.find((b) => b.bindingId === bindingId);
    await this.context.access.assertCan(principal, 'governance:people:manage', {
      orgUnitId: binding?.orgUnitId ?? found.homeOrgUnitId,
    });
    return this.execute(
      principal,
      tenantId,
      personId,
      { type: 'UnbindRole', bindingId, reason },
      expectedRevision,
      reason,
    );
  }

  async deactivate(
    principal: Principal,
    personId: string,
    reason: string,
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const found = await this.lookups.person(tenantId, personId);
    await this.context.access.assertCan(principal, 'governance:people:manage', {
      orgUnitId: found.homeOrgUnitId,
    });
    return this.execute(
      principal,
      tenantId,
      personId,
      { type: 'DeactivatePerson', reason },
      expectedRevision,
      reason,
    );
  }

  async get(principal: Principal, personId: string) {
    const tenantId = tenantOf(principal);
    const found = await this.lookups.person(tenantId, personId);
    if (found.personId !== principal.userId) {
      await this.context.access.assertCan(principal, 'read', { orgUnitId: found.homeOrgUnitId });
    }
    return { person: publicView(found), revision: found._revision ?? 0 };
  }

  async list(
    principal: Principal,
    query: {
      limit: number;
      cursor?: string;
      kind?: PersonKind;
      status?: 'active' | 'deactivated';
      role?: Role;
    },
  ) {
    const tenantId = tenantOf(principal);
    const filter = {
      ...visibleFilter(tenantId, 'homeOrgUnitId', this.context.access.visibleOrgUnitIds(principal)),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.role ? { 'roleBindings.role': query.role } : {}),
    };
    const page = await paginate(this.collection(), filter, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return { ...page, items: page.items.map((p) => publicView(p)) };
  }

  private collection() {
    return this.lookups.readStore.collection<PersonView>(Collections.People);
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    personId: string,
    command: PersonCommand,
    expectedRevision?: number,
    reason?: string,
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: personId, streamType: GovernanceStreamTypes.Person },
      person,
      command,
      this.context.metadata(principal, reason !== undefined ? { reason } : {}),
      expectedRevision,
    );
    const found = await this.lookups.person(tenantId, personId);
    return { person: publicView(found), revision: result.nextExpectedRevision };
  }
}
