import { Inject, Injectable, Optional } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import {
  AccessLogService,
  DEFAULT_TOKEN_TTL_SECONDS,
  ROLE_PERMISSIONS,
  TOKEN_ISSUER,
  grantStatus,
} from '@isms/auth';
import type { Principal, TokenIssuer } from '@isms/auth';
import { ProblemError } from '@isms/platform-nest';
import { CommandContext } from './command-context.js';
import { Lookups } from './lookups.js';
import { PlatformService } from './platform.service.js';

/**
 * Tokens issued by the platform itself (embedded mode): the setup code trades for the first
 * administrator's token; administrators issue tokens for the people they manage; anyone can
 * refresh their own. Every issued token is recorded in the tenant's access log.
 */
@Injectable()
export class IdentityService {
  constructor(
    private readonly context: CommandContext,
    private readonly lookups: Lookups,
    private readonly platform: PlatformService,
    private readonly accessLog: AccessLogService,
    @Optional() @Inject(TOKEN_ISSUER) private readonly issuer: TokenIssuer | null,
  ) {}

  async setup(setupCode: string) {
    const issuer = this.requireIssuer();
    const { administratorId } = await this.platform.redeemSetupCode(setupCode);
    const issued = await issuer.issue({ sub: administratorId });
    return {
      token: issued.token,
      tokenType: 'Bearer',
      expiresAt: issued.expiresAt,
      administratorId,
    };
  }

  async issue(principal: Principal, input: { personId?: string; ttlMinutes?: number }) {
    const issuer = this.requireIssuer();
    const personId = input.personId ?? principal.userId;
    const ttlSeconds =
      input.ttlMinutes !== undefined ? input.ttlMinutes * 60 : DEFAULT_TOKEN_TTL_SECONDS;
    let tenantId = principal.tenantId;
    if (personId !== principal.userId) {
      tenantId = await this.authoriseFor(principal, personId);
    }
    const issued = await issuer.issue({
      sub: personId,
      ...(tenantId ? { tid: tenantId } : {}),
      ttlSeconds,
    });
    if (tenantId) {
      await this.accessLog.tokenIssued(
        tenantId,
        {
          tokenId: issued.tokenId,
          personId,
          issuedBy: principal.userId,
          expiresAt: issued.expiresAt,
        },
        principal,
      );
    }
    return {
      token: issued.token,
      tokenType: 'Bearer',
      expiresAt: issued.expiresAt,
      personId,
      ...(tenantId ? { tenantId } : {}),
    };
  }

  /** Who the caller is, with what they may do where. */
  me(principal: Principal) {
    const now = this.context.clock.now();
    switch (principal.kind) {
      case 'platform-administrator':
        return {
          kind: principal.kind,
          personId: principal.userId,
          displayName: principal.displayName,
          permissions: ['platform:tenants:manage'],
        };
      case 'member':
        return {
          kind: principal.kind,
          personId: principal.userId,
          displayName: principal.displayName,
          tenantId: principal.tenantId,
          roleBindings: principal.bindings.map((b) => ({
            ...b,
            permissions: ROLE_PERMISSIONS[b.role],
          })),
        };
      case 'external-auditor':
        return {
          kind: principal.kind,
          personId: principal.userId,
          displayName: principal.displayName,
          tenantId: principal.tenantId,
          certificationBody: principal.certificationBody,
          grants: principal.grants.map((g) => ({ ...g, status: grantStatus(g, now) })),
        };
    }
  }

  private async authoriseFor(principal: Principal, personId: string): Promise<string> {
    const directory = this.context.access.directory;
    if (principal.kind === 'platform-administrator') {
      const target = directory.person(personId);
      if (!target || !target.active || !target.roles.includes('group-admin')) {
        throw new ProblemError(
          403,
          'forbidden',
          'Forbidden',
          'Platform administrators issue tokens only for the group administrators of a tenant.',
          { reason: 'not-a-group-admin' },
        );
      }
      return target.tenantId;
    }
    if (principal.kind === 'external-auditor') {
      throw new ProblemError(
        403,
        'forbidden',
        'Forbidden',
        'External auditors can only refresh their own token.',
        {
          reason: 'read-only',
        },
      );
    }
    const target = await this.lookups.person(principal.tenantId, personId);
    await this.context.access.assertCan(principal, 'governance:people:manage', {
      orgUnitId: target.homeOrgUnitId,
    });
    if (target.status !== 'active') {
      throw new DomainRuleViolation(
        'person-deactivated',
        `${target.displayName} is deactivated and gets no token.`,
      );
    }
    return principal.tenantId;
  }

  private requireIssuer(): TokenIssuer {
    if (!this.issuer) {
      throw new ProblemError(
        404,
        'token-issuance-disabled',
        'Not available',
        'This platform does not issue tokens: get one from your identity provider (OIDC).',
      );
    }
    return this.issuer;
  }
}
