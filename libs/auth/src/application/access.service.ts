import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@isms/event-sourcing';
import { CLOCK, ProblemError } from '@isms/platform-nest';
import type { AccessDirectory } from '../access-directory.js';
import type { AccessDecision, AccessTarget } from '../access-policy.js';
import { evaluateAccess, grantedScopeIds, visibleOrgUnitIds } from '../access-policy.js';
import type { Permission } from '../permissions.js';
import type { Principal } from '../principal.js';
import { AccessDirectoryService } from './access-directory.service.js';
import { AccessLogService } from './access-log.service.js';

/** 403 problem+json naming the permission and why it was refused. */
export class ForbiddenProblem extends ProblemError {
  constructor(permission: Permission | undefined, reason: string, detail: string) {
    super(403, 'forbidden', 'Forbidden', detail, {
      reason,
      ...(permission ? { permission } : {}),
    });
    this.name = 'ForbiddenProblem';
  }
}

/**
 * Access control for handlers: `assertCan` before acting on a target, `visibleOrgUnitIds` to
 * filter what a query returns. Tenancy comes first: a principal only ever sees its own tenant.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly directoryService: AccessDirectoryService,
    private readonly accessLog: AccessLogService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The org tree, scopes, people and grants as the policy sees them. */
  get directory(): AccessDirectory {
    return this.directoryService.directory;
  }

  decide(principal: Principal, permission: Permission, target: AccessTarget): AccessDecision {
    return evaluateAccess(principal, permission, target, this.directory, this.clock.now());
  }

  can(principal: Principal, permission: Permission, target: AccessTarget): boolean {
    return this.decide(principal, permission, target).allowed;
  }

  /**
   * Throws a 403 (and leaves a trace) unless the principal may do this on this target; returns
   * what allowed it (the role, for decisions that record the decider's role).
   */
  async assertCan(
    principal: Principal,
    permission: Permission,
    target: AccessTarget,
  ): Promise<Extract<AccessDecision, { allowed: true }>> {
    const decision = this.decide(principal, permission, target);
    if (decision.allowed) return decision;
    const orgUnitId =
      target.orgUnitId ??
      (target.scopeId !== undefined
        ? this.directory.scope(target.scopeId)?.ownerOrgUnitId
        : undefined);
    await this.accessLog.denied(principal, {
      status: 403,
      reason: decision.reason,
      detail: decision.detail,
      permission,
      ...(orgUnitId && this.directory.orgUnit(orgUnitId)?.tenantId === principal.tenantId
        ? { orgUnitId }
        : {}),
    });
    throw new ForbiddenProblem(permission, decision.reason, decision.detail);
  }

  /** Org units whose data the principal may see with `permission` (default `read`). */
  visibleOrgUnitIds(principal: Principal, permission: Permission = 'read'): string[] {
    return [...visibleOrgUnitIds(principal, permission, this.directory, this.clock.now())];
  }

  /** For external auditors: the scopes of their grants in force. */
  grantedScopeIds(principal: Principal): string[] {
    return grantedScopeIds(principal, this.clock.now());
  }

  /** Read-your-writes for access decisions after a governance command. */
  waitForDirectory(position: number): Promise<void> {
    return this.directoryService.waitUntilCaughtUp(position);
  }
}
