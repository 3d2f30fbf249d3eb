import { expect } from '@jest/globals';
import pg from 'pg';
import type { Reply, TestTopology } from './e2e-support.js';
import { eventually, expectStatus } from './e2e-support.js';
import type { ServiceName } from './topology.js';

const scale = (labels: string[]) => labels.map((label) => ({ label, description: label }));

/** A 5×5 risk methodology with four levels. */
export const riskMethodology = {
  likelihoodScale: scale(['1', '2', '3', '4', '5']),
  impactScale: scale(['1', '2', '3', '4', '5']),
  levels: [
    {
      id: 'low',
      label: 'Low',
      description: 'l',
      acceptableBy: ['risk-owner'],
      reviewIntervalDays: 365,
    },
    {
      id: 'medium',
      label: 'Medium',
      description: 'm',
      acceptableBy: ['risk-owner'],
      reviewIntervalDays: 180,
    },
    { id: 'high', label: 'High', description: 'h', acceptableBy: ['ciso'], reviewIntervalDays: 90 },
    {
      id: 'critical',
      label: 'Critical',
      description: 'c',
      acceptableBy: [],
      reviewIntervalDays: 30,
    },
  ],
  matrix: [
    ['low', 'low', 'low', 'medium', 'medium'],
    ['low', 'low', 'medium', 'medium', 'high'],
    ['low', 'medium', 'medium', 'high', 'high'],
    ['medium', 'medium', 'high', 'high', 'critical'],
    ['medium', 'high', 'high', 'critical', 'critical'],
  ],
};

/** What the group report says about risks and units. */
export interface ReportView {
  readonly openRisks: number;
  readonly ratedRisks: number;
  readonly unitIds: readonly string[];
}

/**
 * A tenant for fault tests: a group with one subsidiary (`fr`), a CISO at the root, an ISMS
 * manager in `fr`, an approved scope over `fr`, a group risk methodology and one asset.
 */
export class FaultyGroup {
  readonly tokens: Record<string, string> = {};
  readonly ids: Record<string, string> = {};
  /** Risks whose identification (and rating) the risk service acknowledged, in order. */
  readonly risks: string[] = [];

  private constructor(private readonly t: TestTopology) {}

  static async seed(t: TestTopology): Promise<FaultyGroup> {
    const group = new FaultyGroup(t);
    await group.seedTenant();
    return group;
  }

  call(service: ServiceName, method: string, path: string, who?: string, body?: unknown) {
    return this.t.call(service, method, path, who ? this.tokens[who] : undefined, body);
  }

  async created(reply: Promise<Reply>, what: string): Promise<Reply['body']> {
    return expectStatus(await reply, 201, what).body;
  }

  /** Identifies a risk in `orgUnit` (default `fr`) and rates it: two events on its stream. */
  async addRisk(n: number, orgUnit = 'fr'): Promise<string> {
    const risk = await this.created(
      this.call('risk-service', 'POST', '/api/risk/risks', 'isms', {
        title: `Risk ${n}`,
        assetIds: [this.ids['asset']],
        threatCode: 'TH-07',
        vulnerabilityCode: 'VU-05',
        ownerPersonId: this.ids['isms'],
        orgUnitId: this.ids[orgUnit],
        scopeId: this.ids['scope'],
      }),
      `risk ${n}`,
    );
    const riskId = risk['riskId'] as string;
    expectStatus(
      await this.call(
        'risk-service',
        'POST',
        `/api/risk/risks/${riskId}/inherent-assessment`,
        'isms',
        {
          likelihood: 1 + (n % 5),
          impact: 3,
          rationale: 'Rated in a fault test',
        },
      ),
      200,
      `rating ${n}`,
    );
    this.risks.push(riskId);
    return riskId;
  }

  /** Adds a subsidiary under the root as `key`. */
  async addUnit(key: string, name: string): Promise<string> {
    const unit = await this.created(
      this.call('governance-service', 'POST', '/api/org-units', 'admin', {
        parentId: this.ids['root'],
        kind: 'subsidiary',
        name,
      }),
      `unit ${name}`,
    );
    this.ids[key] = unit['orgUnitId'] as string;
    return this.ids[key]!;
  }

  /** The group report (consolidation at the root, seen by the CISO). */
  async report(): Promise<ReportView> {
    const reply = expectStatus(
      await this.call('reporting-service', 'GET', '/api/reporting/consolidation', 'ciso'),
      200,
      'consolidation',
    );
    const body = reply.body as unknown as {
      totals: { risks: { open: number; byLevel: Record<string, number> } };
      coverage: { orgUnitId: string }[];
    };
    return {
      openRisks: body.totals.risks.open,
      ratedRisks: Object.values(body.totals.risks.byLevel).reduce((a, b) => a + b, 0),
      unitIds: body.coverage.map((unit) => unit.orgUnitId),
    };
  }

  /** The risk ids in the reporting service's risk register of the scope. */
  async reportedRiskIds(): Promise<string[]> {
    const reply = expectStatus(
      await this.call(
        'reporting-service',
        'GET',
        `/api/reporting/scopes/${this.ids['scope']}/risk-register`,
        'ciso',
      ),
      200,
      'reporting risk register',
    );
    return [...JSON.stringify(reply.body).matchAll(/"riskId":"([^"]+)"/g)].map((m) => m[1]!);
  }

  /** The risk ids the risk service itself recorded (its own store's read model). */
  async recordedRiskIds(): Promise<string[]> {
    const reply = expectStatus(
      await this.call('risk-service', 'GET', '/api/risk/risks?limit=200', 'ciso'),
      200,
      'risk register',
    );
    return (reply.body.items ?? []).map((r) => r['riskId'] as string);
  }

  private async seedTenant(): Promise<void> {
    const { ids, tokens, t } = this;
    tokens['platformAdmin'] = await t.token(t.platformAdminId);
    const tenant = await this.created(
      this.call('governance-service', 'POST', '/api/tenants', 'platformAdmin', {
        name: 'Faulty Group',
        groupAdmin: { displayName: 'Admin', email: 'admin@faulty.example' },
      }),
      'tenant',
    );
    const tenantId = tenant['tenantId'] as string;
    ids['root'] = tenant['rootOrgUnitId'] as string;
    tokens['admin'] = await t.token(
      (tenant['groupAdmin'] as { personId: string }).personId,
      tenantId,
    );
    await this.addUnit('fr', 'Faulty France');
    for (const [key, role, unit] of [
      ['ciso', 'ciso', 'root'],
      ['isms', 'isms-manager', 'root'],
    ] as const) {
      ids[key] = (
        await this.created(
          this.call('governance-service', 'POST', '/api/people', 'admin', {
            displayName: key,
            email: `${key}@faulty.example`,
            homeOrgUnitId: ids[unit],
          }),
          key,
        )
      )['personId'] as string;
      await this.created(
        this.call('governance-service', 'POST', `/api/people/${ids[key]}/role-bindings`, 'admin', {
          role,
          orgUnitId: ids[unit],
        }),
        `${key} role`,
      );
      tokens[key] = await t.token(ids[key]!, tenantId);
    }
    ids['scope'] = (
      await this.created(
        this.call('governance-service', 'POST', '/api/scopes', 'admin', {
          name: 'Faulty scope',
          description: 'Everything',
          ownerOrgUnitId: ids['root'],
          includedOrgUnitIds: [ids['root']],
          locations: ['HQ'],
          exclusions: [],
          interfacesAndDependencies: [],
          internalIssues: [],
          externalIssues: [],
          interestedParties: [],
        }),
        'scope',
      )
    )['scopeId'] as string;
    expectStatus(
      await this.call(
        'governance-service',
        'POST',
        `/api/scopes/${ids['scope']}/approval`,
        'admin',
        {
          reason: 'Approved',
        },
      ),
      200,
      'scope approval',
    );
    // The risk service learns of the tenant, people and scope from governance's topic.
    await eventually(async () => {
      expectStatus(
        await this.call('risk-service', 'PUT', `/api/risk/methodologies/${ids['root']}`, 'ciso', {
          definition: riskMethodology,
          reason: 'Group methodology',
        }),
        200,
        'methodology',
      );
    });
    ids['asset'] = (
      await this.created(
        this.call('risk-service', 'POST', '/api/risk/assets', 'isms', {
          name: 'CRM',
          description: 'Customer data',
          assetType: 'information',
          ownerPersonId: ids['isms'],
          orgUnitId: ids['root'],
          classification: 'confidential',
          requirements: { confidentiality: 'high', integrity: 'high', availability: 'medium' },
        }),
        'asset',
      )
    )['assetId'] as string;
  }
}

/**
 * The reporting service's event mirror holds every event the other contexts' stores recorded,
 * exactly once (same source position, revision and hash); polls until it does.
 */
export async function expectMirrorExact(
  t: TestTopology,
  contexts: readonly string[],
  timeoutMs = 30_000,
): Promise<Record<string, number>> {
  const db = new pg.Client({ connectionString: t.env['DATABASE_URL'] });
  await db.connect();
  const mirror = `${t.deployment}_reporting.isms_mirror_events`;
  const counts: Record<string, number> = {};
  try {
    for (const context of contexts) {
      const store = `${t.deployment}_${context}.isms_events`;
      await eventually(
        async () => {
          const { rows } = await db.query<{ recorded: string; mirrored: string; exact: string }>(
            `SELECT (SELECT count(*) FROM ${store}) AS recorded,
               (SELECT count(*) FROM ${mirror} WHERE source_context = $1) AS mirrored,
               (SELECT count(*) FROM ${store} e JOIN ${mirror} m ON m.event_id = e.event_id
                  AND m.source_context = $1 AND m.source_position = e.global_position
                  AND m.stream_id = e.stream_id AND m.stream_revision = e.stream_revision
                  AND m.hash = e.hash AND m.previous_hash IS NOT DISTINCT FROM e.previous_hash
               ) AS exact`,
            [context],
          );
          const { recorded, mirrored, exact } = rows[0]!;
          expect({ context, mirrored, exact }).toEqual({
            context,
            mirrored: recorded,
            exact: recorded,
          });
          counts[context] = Number(recorded);
        },
        timeoutMs,
        250,
      );
    }
  } finally {
    await db.end();
  }
  return counts;
}
