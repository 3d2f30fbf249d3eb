import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Clock } from '@isms/event-sourcing';
import { CLOCK, ProblemError, currentRequestContext } from '@isms/platform-nest';
import { noActiveGrant } from '../access-policy.js';
import {
  EXTERNAL_AUDITOR_PERMISSIONS,
  PLATFORM_ADMINISTRATOR_PERMISSIONS,
  roleGrants,
} from '../permissions.js';
import type { Permission } from '../permissions.js';
import type { Principal } from '../principal.js';
import { grantStatus } from '../principal.js';
import type { TokenVerifier } from '../tokens.js';
import { TokenRejectedError } from '../tokens.js';
import { AccessDirectoryService } from './access-directory.service.js';
import { AccessLogService } from './access-log.service.js';
import { ForbiddenProblem } from './access.service.js';
import type { AccessRequirement } from './decorators.js';
import { ACCESS_METADATA, AUDITOR_WRITE_METADATA, attachPrincipal } from './decorators.js';
import { AUTH_OPTIONS, TOKEN_VERIFIER } from './di-tokens.js';
import { bindRequestAccessInfo } from './request-access.js';

export interface AuthOptions {
  /** Path prefixes served without a token (operations endpoints). */
  readonly publicPaths: readonly string[];
}

export const DEFAULT_PUBLIC_PATHS = ['/health', '/metrics', '/docs'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard, deny by default:
 * 1. a route must declare how it is protected (`@Public`, `@Authenticated`, `@RequirePermission`);
 * 2. a bearer token is verified and its subject resolved in the access directory (roles are
 *    looked up now, not read from the token);
 * 3. external auditors: any write is refused, and so is everything outside a grant's window;
 * 4. a principal who holds the route's permission nowhere is refused at once.
 * Finer checks on the target are the handler's (`AccessService.assertCan`).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    private readonly directory: AccessDirectoryService,
    private readonly accessLog: AccessLogService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (this.options.publicPaths.some((p) => req.path === p || req.path.startsWith(`${p}/`))) {
      return true;
    }
    const requirement = this.reflector.getAllAndOverride<AccessRequirement | undefined>(
      ACCESS_METADATA,
      [context.getHandler(), context.getClass()],
    );
    if (requirement?.kind === 'public') return true;
    bindRequestAccessInfo({ method: req.method, path: req.originalUrl, recorded: false });

    const principal = await this.authenticate(req);
    attachPrincipal(req, principal);
    const requestContext = currentRequestContext();
    if (requestContext) requestContext.principal = principal;

    if (!requirement) {
      await this.refuse(
        principal,
        undefined,
        'route-not-classified',
        'This route declares no access rule, so it is closed.',
      );
    }
    const permission = requirement?.kind === 'permission' ? requirement.permission : undefined;
    if (principal.kind === 'external-auditor') {
      await this.checkExternalAuditor(principal, req, context, permission);
    }
    if (permission && !this.holdsAnywhere(principal, permission)) {
      await this.refuse(
        principal,
        permission,
        principal.kind === 'platform-administrator'
          ? 'not-for-platform-administrators'
          : PLATFORM_ADMINISTRATOR_PERMISSIONS.includes(permission)
            ? 'platform-administrator-only'
            : 'role-lacks-permission',
        `You hold ${permission} on no org unit.`,
      );
    }
    return true;
  }

  private async authenticate(req: Request): Promise<Principal> {
    const header = req.header('authorization');
    const match = header ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header) : null;
    if (!match) {
      return this.unauthenticated('missing-token', 'Send `Authorization: Bearer <token>`.');
    }
    let claims;
    try {
      claims = await this.verifier.verify(match[1]!);
    } catch (error) {
      if (error instanceof TokenRejectedError && error.reason === 'unavailable') {
        throw new ProblemError(
          503,
          'identity-provider-unavailable',
          'Service unavailable',
          error.message,
        );
      }
      return this.unauthenticated(
        error instanceof TokenRejectedError ? `token-${error.reason}` : 'token-invalid',
        error instanceof Error ? error.message : 'The token is not valid.',
      );
    }
    const resolution = this.directory.directory.resolvePrincipal(claims);
    if (!resolution.principal) {
      return this.unauthenticated(
        resolution.reason,
        'The token’s subject has no access to this platform.',
      );
    }
    return resolution.principal;
  }

  private async unauthenticated(reason: string, detail: string): Promise<never> {
    await this.accessLog.denied(undefined, { status: 401, reason, detail });
    throw new ProblemError(
      401,
      'unauthenticated',
      'Authentication required',
      detail,
      { reason },
      {
        'WWW-Authenticate': `Bearer error="invalid_token"`,
      },
    );
  }

  private async refuse(
    principal: Principal,
    permission: Permission | undefined,
    reason: string,
    detail: string,
  ): Promise<never> {
    await this.accessLog.denied(principal, {
      status: 403,
      reason,
      detail,
      ...(permission ? { permission } : {}),
    });
    throw new ForbiddenProblem(permission, reason, detail);
  }

  private async checkExternalAuditor(
    principal: Extract<Principal, { kind: 'external-auditor' }>,
    req: Request,
    context: ExecutionContext,
    permission: Permission | undefined,
  ): Promise<void> {
    const writeHook = this.reflector.get<Permission | undefined>(
      AUDITOR_WRITE_METADATA,
      context.getHandler(),
    );
    if (!SAFE_METHODS.has(req.method) && !(writeHook && writeHook === permission)) {
      await this.refuse(
        principal,
        permission,
        'read-only',
        'External auditors have read-only access.',
      );
    }
    const now = this.clock.now();
    if (!principal.grants.some((g) => grantStatus(g, now) === 'active')) {
      const decision = noActiveGrant(principal.grants, now);
      if (!decision.allowed)
        await this.refuse(principal, permission, decision.reason, decision.detail);
    }
  }

  private holdsAnywhere(principal: Principal, permission: Permission): boolean {
    switch (principal.kind) {
      case 'platform-administrator':
        return PLATFORM_ADMINISTRATOR_PERMISSIONS.includes(permission);
      case 'external-auditor':
        return EXTERNAL_AUDITOR_PERMISSIONS.includes(permission);
      case 'member':
        return principal.bindings.some((b) => roleGrants(b.role, permission));
    }
  }
}
