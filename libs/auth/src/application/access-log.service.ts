import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Clock, EventStore } from '@isms/event-sourcing';
import {
  CLOCK,
  EVENT_STORE,
  ProblemError,
  SERVICE_CONTEXT,
  currentCorrelationId,
} from '@isms/platform-nest';
import type { AccessTokenIssuedV1 } from '@isms/contracts';
import { AccessLogRecorder } from '../access-log.js';
import type { AccessLogEntry } from '../access-log.js';
import type { Permission } from '../permissions.js';
import type { ExternalAuditorPrincipal, Principal } from '../principal.js';
import { actingRole, grantStatus } from '../principal.js';
import { AccessDirectoryService } from './access-directory.service.js';
import { currentRequestAccessInfo } from './request-access.js';

export interface DenialTrace {
  readonly status: 401 | 403;
  readonly reason: string;
  readonly detail: string;
  readonly permission?: Permission;
  readonly orgUnitId?: string;
}

/**
 * The trace access control leaves: a JSON log line for every denial, and in the tenant's access
 * log every denial of a known tenant principal and every read by an external auditor.
 */
@Injectable()
export class AccessLogService {
  private readonly recorder: AccessLogRecorder;
  private readonly logger = new Logger('Access');

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly directory: AccessDirectoryService,
    // A service records into its own store, in a stream of its own (governance gathers them all).
    @Optional() @Inject(SERVICE_CONTEXT) serviceContext?: string | null,
  ) {
    this.recorder = new AccessLogRecorder(
      store,
      clock,
      currentCorrelationId,
      serviceContext ?? undefined,
    );
  }

  /** Never throws: a denial is answered even if the access log cannot be written. */
  async denied(principal: Principal | undefined, trace: DenialTrace): Promise<void> {
    const info = currentRequestAccessInfo();
    this.logger.warn({
      msg: 'access denied',
      status: trace.status,
      reason: trace.reason,
      permission: trace.permission,
      method: info?.method,
      path: info?.path,
      personId: principal?.userId,
      tenantId: principal?.tenantId,
    });
    if (!principal || principal.kind === 'platform-administrator' || info?.recorded) return;
    if (info) info.recorded = true;
    try {
      await this.recorder.record(
        principal.tenantId,
        this.entry(principal, 'denied', trace.status, trace.orgUnitId, {
          reason: trace.reason,
          ...(trace.permission ? { permission: trace.permission } : {}),
        }),
        this.actor(principal),
      );
    } catch (error) {
      this.logger.error({
        msg: 'could not record a denied request in the access log',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * Records a read by an external auditor before the answer leaves: a read that cannot be
   * recorded is not served.
   */
  async auditorRead(
    principal: ExternalAuditorPrincipal,
    status: number,
    outcome: 'allowed' | 'denied',
  ): Promise<void> {
    const info = currentRequestAccessInfo();
    if (info?.recorded) return;
    if (info) info.recorded = true;
    try {
      await this.recorder.record(
        principal.tenantId,
        this.entry(principal, outcome, status),
        this.actor(principal),
      );
    } catch (error) {
      this.logger.error({
        msg: 'could not record an external auditor read',
        error: error instanceof Error ? error.message : String(error),
      });
      throw new ProblemError(
        503,
        'access-log-unavailable',
        'Service unavailable',
        'Reads by external auditors are recorded before they are served, and the access log cannot be written right now. Retry shortly.',
      );
    }
  }

  async tokenIssued(
    tenantId: string,
    issued: Omit<AccessTokenIssuedV1, 'at'>,
    by: Principal,
  ): Promise<number> {
    return this.recorder.recordTokenIssued(tenantId, issued, this.actor(by));
  }

  private entry(
    principal: Exclude<Principal, { kind: 'platform-administrator' }>,
    outcome: 'allowed' | 'denied',
    status: number,
    orgUnitId?: string,
    extra: { reason?: string; permission?: Permission } = {},
  ): AccessLogEntry {
    const info = currentRequestAccessInfo();
    let grantIds: string[] = [];
    let scopeIds: string[] = [];
    let orgUnitIds: string[] = orgUnitId ? [orgUnitId] : [];
    if (principal.kind === 'external-auditor') {
      const now = this.clock.now();
      const active = principal.grants.filter((g) => grantStatus(g, now) === 'active');
      const filedUnder = active.length > 0 ? active : principal.grants;
      grantIds = filedUnder.map((g) => g.grantId);
      scopeIds = [...new Set(filedUnder.map((g) => g.scopeId))];
      orgUnitIds = [
        ...new Set(
          scopeIds
            .map((id) => this.directory.directory.scope(id)?.ownerOrgUnitId)
            .filter((id): id is string => id !== undefined),
        ),
      ];
    }
    if (orgUnitIds.length === 0) {
      const root = this.directory.directory.tenant(principal.tenantId)?.rootOrgUnitId;
      if (root) orgUnitIds = [root];
    }
    return {
      personId: principal.userId,
      principalKind: principal.kind,
      grantIds,
      scopeIds,
      orgUnitIds,
      method: info?.method ?? 'UNKNOWN',
      path: info?.path ?? 'unknown',
      outcome,
      status,
      ...extra,
    };
  }

  private actor(principal: Principal) {
    return {
      userId: principal.userId,
      displayName: principal.displayName,
      role: actingRole(principal),
    };
  }
}
