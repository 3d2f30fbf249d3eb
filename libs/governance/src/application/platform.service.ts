import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainRuleViolation, foldEvents } from '@isms/event-sourcing';
import type { DomainEvent } from '@isms/event-sourcing';
import { GovernanceStreamTypes, PLATFORM_TENANT_ID, orgStructureStreamId } from '@isms/contracts';
import type { ReadStore } from '@isms/read-store';
import { ProblemError, READ_STORE } from '@isms/platform-nest';
import type { Principal } from '@isms/auth';
import { orgStructure } from '../domain/org-structure/org-structure.js';
import { person } from '../domain/person/person.js';
import { platformAdministrator } from '../domain/platform-administrator/platform-administrator.js';
import type { PlatformAdministratorEvent } from '../domain/platform-administrator/events.js';
import type { TenantView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CommandContext } from './command-context.js';

export interface BootstrapAdministrator {
  readonly administratorId: string;
  /** The one-time setup code, only when the administrator was created now. */
  readonly setupCode?: string;
  readonly setupCodeRedeemed: boolean;
}

/** Setup codes: 25 characters from an unambiguous alphabet, in groups of five (≈ 120 bits). */
export function newSetupCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(25);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [0, 5, 10, 15, 20].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

export function setupCodeHash(code: string): string {
  return createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
}

/** Platform administration: the first administrator, setup codes, tenants. */
@Injectable()
export class PlatformService {
  constructor(
    private readonly context: CommandContext,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /**
   * First start: enrols the bootstrap administrator with a one-time setup code (returned once,
   * only its hash is stored). Later starts: tells who it is and whether the code was used.
   */
  async ensureBootstrapAdministrator(
    displayName = 'Bootstrap administrator',
  ): Promise<BootstrapAdministrator> {
    const existing = await this.administrators();
    const first = existing[0];
    if (first) {
      return { administratorId: first.administratorId, setupCodeRedeemed: first.setupCodeRedeemed };
    }
    const administratorId = this.context.newId(GovernanceStreamTypes.PlatformAdministrator);
    const setupCode = newSetupCode();
    // Not this.context.execute: on a first start on an imported or seeded log the read models
    // are still rebuilding its history, and waiting for them would hold the start up to the
    // settle timeout for nothing. The access directory (caught up before the port opened) must
    // show the administrator, so that the token its setup code gives works at once.
    const enrolled = await this.context.record(
      {
        tenantId: PLATFORM_TENANT_ID,
        streamId: administratorId,
        streamType: GovernanceStreamTypes.PlatformAdministrator,
      },
      platformAdministrator,
      {
        type: 'EnrolPlatformAdministrator',
        administratorId,
        displayName,
        setupCodeSha256: setupCodeHash(setupCode),
      },
      {
        actor: { userId: 'system', role: 'platform-bootstrap' },
        correlationId: `bootstrap-${administratorId}`,
        occurredAt: this.context.now(),
      },
    );
    await this.context.access.waitForDirectory(enrolled.lastGlobalPosition);
    return { administratorId, setupCode, setupCodeRedeemed: false };
  }

  /** Trades the one-time setup code for the administrator's identity (exactly once). */
  async redeemSetupCode(code: string): Promise<{ administratorId: string }> {
    const hash = setupCodeHash(code);
    const match = (await this.administrators()).find((a) => a.setupCodeSha256 === hash);
    if (!match) {
      throw new ProblemError(
        401,
        'setup-code-invalid',
        'Invalid setup code',
        'This setup code is not valid.',
      );
    }
    try {
      await this.context.execute(
        {
          tenantId: PLATFORM_TENANT_ID,
          streamId: match.administratorId,
          streamType: GovernanceStreamTypes.PlatformAdministrator,
        },
        platformAdministrator,
        { type: 'RedeemSetupCode', presentedCodeSha256: hash, at: this.context.now() },
        {
          actor: { userId: match.administratorId, role: 'platform-administrator' },
          correlationId: `setup-${match.administratorId}`,
          occurredAt: this.context.now(),
        },
      );
    } catch (error) {
      if (error instanceof DomainRuleViolation && error.rule === 'setup-code-already-redeemed') {
        throw new ProblemError(
          410,
          'setup-code-already-redeemed',
          'Setup code already used',
          error.message,
        );
      }
      throw error;
    }
    return { administratorId: match.administratorId };
  }

  /** A tenant (enterprise group), its root org unit and its first group administrator. */
  async establishTenant(
    principal: Principal,
    input: { name: string; groupAdmin: { displayName: string; email: string } },
  ) {
    const tenantId = this.context.newId('tenant');
    const rootOrgUnitId = this.context.newId('org-unit');
    const metadata = this.context.metadata(principal);
    await this.context.execute(
      {
        tenantId,
        streamId: orgStructureStreamId(tenantId),
        streamType: GovernanceStreamTypes.OrgStructure,
      },
      orgStructure,
      { type: 'EstablishTenant', tenantId, name: input.name, rootOrgUnitId },
      metadata,
    );
    const personId = this.context.newId('person');
    const bindingId = this.context.newId('role-binding');
    const stream = { tenantId, streamId: personId, streamType: GovernanceStreamTypes.Person };
    await this.context.execute(
      stream,
      person,
      {
        type: 'RegisterPerson',
        personId,
        displayName: input.groupAdmin.displayName,
        email: input.groupAdmin.email,
        kind: 'member',
        homeOrgUnitId: rootOrgUnitId,
      },
      metadata,
    );
    await this.context.execute(
      stream,
      person,
      { type: 'BindRole', bindingId, role: 'group-admin', orgUnitId: rootOrgUnitId },
      metadata,
    );
    return {
      tenantId,
      name: input.name.trim(),
      rootOrgUnitId,
      groupAdmin: { personId, bindingId, role: 'group-admin' as const, orgUnitId: rootOrgUnitId },
    };
  }

  async listTenants(): Promise<TenantView[]> {
    const tenants = await this.readStore
      .collection<TenantView>(Collections.Tenants)
      .find({}, { sort: { establishedAt: 1 } });
    return tenants.map(({ tenantId, name, rootOrgUnitId, establishedAt, establishedBy }) => ({
      tenantId,
      name,
      rootOrgUnitId,
      establishedAt,
      establishedBy,
    }));
  }

  private async administrators(): Promise<
    { administratorId: string; setupCodeSha256?: string; setupCodeRedeemed: boolean }[]
  > {
    const events = await this.context.store.readAll({
      tenantId: PLATFORM_TENANT_ID,
      streamTypes: [GovernanceStreamTypes.PlatformAdministrator],
      limit: 5000,
    });
    const byStream = new Map<string, DomainEvent[]>();
    for (const event of events) {
      const list = byStream.get(event.streamId) ?? [];
      list.push(event);
      byStream.set(event.streamId, list);
    }
    return [...byStream.values()].flatMap((list) => {
      const state = foldEvents(
        platformAdministrator.evolve,
        platformAdministrator.initialState(),
        list as PlatformAdministratorEvent[],
      );
      return state.status === 'enrolled'
        ? [
            {
              administratorId: state.administratorId,
              setupCodeRedeemed: state.setupCodeRedeemed,
              ...(state.setupCodeSha256 ? { setupCodeSha256: state.setupCodeSha256 } : {}),
            },
          ]
        : [];
    });
  }
}
