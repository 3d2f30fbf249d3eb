/**
 * The ISMS Ledger data generator: a group with subsidiaries and sites, its ISMS scopes, people
 * and roles, assets, risks through their whole lifecycle, Statements of Applicability with their
 * approvals and revisions, control tests, evidence, and audits with findings and corrective
 * actions — about 1,000,000 events at scale 1.
 *
 * Every event comes out of the owning context's own decider (the same `decide` its command
 * handlers call, so every domain rule applies) and goes into the store through the normal
 * `EventStore.append` (revisions, hash chains, optimistic concurrency). Nothing is written as a
 * row by hand.
 *
 * History is simulated over ~3 years (from 2023-12-04): the store is given a clock that follows
 * the simulation, so recorded-at instants are spread over that time and `?asOf=` questions
 * ("what did the SoA say on the day of the stage 2 audit?") have real answers. A day's commands
 * are decided in memory; the day's new events are appended per stream, many streams at once
 * (the store groups concurrent appends into one statement).
 *
 * The same seed gives the same data set: ids, choices, event ids and recorded-at instants.
 */
import { createHash } from 'node:crypto';
import type {
  Decider,
  EventMetadata,
  EventStore,
  NewEvent,
  ManualClock,
} from '@isms/event-sourcing';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type {
  ControlRef,
  FindingGrade,
  ImplementationStatus,
  InclusionReason,
  Role,
  TreatmentOption,
} from '@isms/contracts';
import {
  AuditStreamTypes,
  ControlsStreamTypes,
  GovernanceStreamTypes,
  RiskStreamTypes,
  controlKey,
  orgStructureStreamId,
  riskMethodologyStreamId,
  soaStreamId,
} from '@isms/contracts';
import { orgStructure, person, ismsScope } from '@isms/governance';
import {
  DEFAULT_THREATS,
  DEFAULT_VULNERABILITIES,
  assetDecider,
  riskDecider,
  riskMethodologyDecider,
  riskStatus as riskStatusOf,
} from '@isms/risk';
import type { EffectiveMethodology } from '@isms/risk';
import {
  ISO27001_2022,
  controlIds,
  controlTestPlanDecider,
  evidenceRecordDecider,
  soaDecider,
} from '@isms/controls';
import { ISMS_CLAUSES, engagementDecider } from '@isms/audit';
import { Random } from './random.js';
import { GROUP_METHODOLOGY } from './methodology.js';

export interface SeedOptions {
  /** 1 = 50 subsidiaries, 500 sites, 100,000 risks, ~1M events. */
  readonly scale: number;
  readonly seed: number;
  /** How many appends are in flight at once (the store groups them). Default 256. */
  readonly concurrency?: number;
  /** Stores evidence bytes (so that recorded evidence has its content); optional. */
  readonly evidenceContent?: (
    tenantId: string,
    content: Buffer,
  ) => Promise<{ sha256: string; size: number }>;
  /** Progress, once per simulated month. */
  readonly onProgress?: (progress: SeedProgress) => void;
}

export interface SeedProgress {
  readonly day: number;
  readonly days: number;
  readonly events: number;
  readonly elapsedMs: number;
}

/** What was generated: the counts a report over the data set must show. */
export interface SeedManifest {
  readonly seed: number;
  readonly scale: number;
  readonly tenantId: string;
  readonly rootOrgUnitId: string;
  readonly from: string;
  readonly to: string;
  readonly subsidiaries: number;
  readonly sites: number;
  readonly people: number;
  readonly scopes: readonly { scopeId: string; orgUnitId: string; name: string }[];
  readonly assets: number;
  readonly risks: number;
  /** Open (not closed) risks by lifecycle status, as the risk decider's state says at the end. */
  readonly risksByStatus: Readonly<Record<string, number>>;
  /**
   * Open risks by the furthest lifecycle step recorded (identified … accepted): what the group
   * report calls their status. It differs from the risk register's status (the decider's view):
   * e.g. an acceptance marked "needs re-approval" stays `accepted` here, a retained risk without
   * a plan is `treatment-decided` here and `treatment-planned` there.
   */
  readonly risksByLastStep: Readonly<Record<string, number>>;
  readonly openRisks: number;
  readonly statementsOfApplicability: number;
  readonly soaApprovals: number;
  /** Lines of all SoAs as they stand at the end. */
  readonly soaLines: {
    readonly applicable: number;
    readonly excluded: number;
    readonly implemented: number;
  };
  readonly testPlans: number;
  readonly testResults: number;
  readonly evidenceRecords: number;
  readonly engagements: number;
  readonly findings: number;
  readonly openFindingsByGrade: Readonly<Record<string, number>>;
  readonly events: number;
  readonly eventsByType: Readonly<Record<string, number>>;
  readonly streams: number;
  /** People who may read the whole group (for tokens): the group CISO. */
  readonly groupCisoPersonId: string;
  /** A risk owner and the open risks they own, for command load (identify/assess). */
  readonly sample: {
    readonly siteId: string;
    readonly scopeId: string;
    readonly riskOwnerPersonId: string;
    readonly assetIds: readonly string[];
  }[];
  readonly durationMs: number;
}

const START = Date.parse('2023-12-04T00:00:00.000Z');
const DAY = 86_400_000;
/** Days of simulated history (to 2026-11-18). */
export const SIMULATED_DAYS = 1080;
const CATALOGUE = ISO27001_2022.catalogueId;
const CONTROL_IDS = controlIds(ISO27001_2022);
const CATALOGUES = { [CATALOGUE]: CONTROL_IDS };
const METHODOLOGY: EffectiveMethodology = {
  definition: GROUP_METHODOLOGY,
  versions: [], // filled in once the root's id is known
};

interface Actor {
  readonly userId: string;
  readonly displayName: string;
  /** A role of the tenant, or `system` for a policy acting on its own. */
  readonly role: Role | 'system';
  readonly onBehalfOfOrgUnitId?: string;
}

/** The risk context's acceptance policy, as it records its commands (see acceptance-policy.ts). */
const POLICY_ACTOR: Actor = {
  userId: 'system:risk-acceptance-policy',
  displayName: 'Risk acceptance policy',
  role: 'system',
};
const INEFFECTIVE_RESULTS: readonly string[] = ['not-effective', 'partially-effective'];

/** One aggregate instance: its decider, state as folded so far, and the events not yet appended. */
class Stream<S, C, E extends { type: string; data: unknown }> {
  state: S;
  revision = 0;
  pending: NewEvent[] = [];
  constructor(
    readonly streamId: string,
    readonly streamType: string,
    readonly decider: Decider<S, C, E>,
  ) {
    this.state = decider.initialState();
  }
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStream = Stream<any, any, any>;

/** A script drives one aggregate (or a few) over time: it yields the next day it acts on. */
type Script = Generator<number, void, void>;

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function generate(
  store: EventStore,
  clock: ManualClock,
  options: SeedOptions,
): Promise<SeedManifest> {
  const started = performance.now();
  const rng = new Random(options.seed);
  const scale = options.scale;
  const concurrency = options.concurrency ?? 256;

  const subsidiaryCount = Math.max(2, Math.round(50 * scale));
  const siteCount = Math.max(subsidiaryCount, Math.round(500 * scale));
  const riskCount = Math.max(20, Math.round(100_000 * scale));
  const assetsPerSite = 50;

  // ─── The simulation's time ───────────────────────────────────────────────────────────────
  let today = 0;
  let minuteOfDay = 0;
  /** A working-hours instant of the current day, increasing through the day. */
  const at = (): string => {
    minuteOfDay = (minuteOfDay + 1) % (8 * 60 * 60);
    return new Date(START + today * DAY + 9 * 3_600_000 + minuteOfDay * 1000).toISOString();
  };
  const idAt = () => START + today * DAY + 9 * 3_600_000;
  const newId = (prefix: string) => `${prefix}-${rng.uuidV7(idAt())}`;

  const tenantId = `tenant-${rng.uuidV7(START)}`;
  const streams = new Set<AnyStream>();
  const dirty = new Set<AnyStream>();
  const eventsByType: Record<string, number> = {};
  let eventCount = 0;

  function exec<S, C, E extends { type: string; data: unknown }>(
    stream: Stream<S, C, E>,
    command: C,
    actor: Actor,
    reason?: string,
    cause?: { readonly correlationId: string; readonly causationId: string },
  ): readonly E[] {
    let events: readonly E[];
    try {
      events = stream.decider.decide(command, stream.state);
    } catch (error) {
      if (error instanceof DomainRuleViolation) {
        throw new Error(
          `The generator broke a rule on ${stream.streamId} (day ${today}): ${error.rule}: ${error.message}`,
        );
      }
      throw error;
    }
    const occurredAt = at();
    const metadata: EventMetadata = {
      actor,
      correlationId: cause?.correlationId ?? rng.uuidV7(Date.parse(occurredAt)),
      occurredAt,
      ...(reason !== undefined ? { reason } : {}),
      ...(cause ? { causationId: cause.causationId } : {}),
    };
    lastEventIds = [];
    for (const event of events) {
      stream.state = stream.decider.evolve(stream.state, event);
      const eventId = rng.uuidV7(Date.parse(occurredAt));
      lastEventIds.push(eventId);
      stream.pending.push({ type: event.type, data: event.data, metadata, eventId });
      if (stream.streamType === RiskStreamTypes.Risk)
        trackRisk(stream as unknown as RiskStream, event);
    }
    lastCorrelationId = metadata.correlationId;
    if (events.length > 0) {
      streams.add(stream);
      dirty.add(stream);
    }
    return events;
  }

  // ─── The acceptance policy's reactions ───────────────────────────────────────────────────
  // The platform's acceptance policy marks accepted risks "needs re-approval" when a control
  // they rely on is tested ineffective or their scope gets a new approved version. The seeded
  // history records those reactions too (the next morning, after the cause was recorded), so
  // that the platform replaying the policy at start finds nothing left to do.
  let lastEventIds: string[] = [];
  let lastCorrelationId = '';
  interface Link {
    scopeId: string;
    existing: readonly string[];
    planned: readonly string[];
  }
  const links = new Map<RiskStream, Link>();
  /** Each risk's furthest lifecycle step recorded (what the group report calls its status). */
  const lastStep = new Map<RiskStream, string>();
  const STEPS: Readonly<Record<string, string>> = {
    'risk.RiskIdentified': 'identified',
    'risk.InherentRiskAssessed': 'assessed',
    'risk.RiskTreatmentDecided': 'treatment-decided',
    'risk.RiskTreatmentPlanned': 'treatment-planned',
    'risk.ResidualRiskAssessed': 'residual-assessed',
    'risk.RiskAccepted': 'accepted',
    'risk.RiskClosed': 'closed',
  };
  function trackRisk(stream: RiskStream, event: { type: string; data: unknown }): void {
    const step = STEPS[event.type];
    if (step) lastStep.set(stream, step);
    const link = links.get(stream);
    switch (event.type) {
      case 'risk.RiskIdentified':
        links.set(stream, {
          scopeId: (event.data as { scopeId: string }).scopeId,
          existing: [],
          planned: [],
        });
        return;
      case 'risk.RiskScopeChanged':
        if (link) link.scopeId = (event.data as { scopeId: string }).scopeId;
        return;
      case 'risk.InherentRiskAssessed':
        if (link)
          link.existing = (
            event.data as { existingControlRefs: ControlRef[] }
          ).existingControlRefs.map(controlKey);
        return;
      case 'risk.RiskTreatmentPlanned':
        if (link)
          link.planned = (event.data as { linkedControls: ControlRef[] }).linkedControls.map(
            controlKey,
          );
        return;
      case 'risk.RiskClosed':
        links.delete(stream);
        return;
    }
  }
  type StaleCause = Extract<
    Parameters<typeof riskDecider.decide>[0],
    { type: 'FlagAcceptanceStale' }
  >['cause'];
  const policyQueue: {
    day: number;
    risks: RiskStream[];
    cause: StaleCause;
    causeRecordedAt: string;
    correlationId: string;
  }[] = [];
  /** After the command that just ran (the cause): queue the flags for the next morning. */
  function reactToLastCommand(
    affected: (link: Link) => boolean,
    cause: (sourceEventId: string) => StaleCause,
  ): void {
    const risks = [...links].filter(([, link]) => affected(link)).map(([stream]) => stream);
    if (risks.length === 0) return;
    policyQueue.push({
      day: today + 1,
      risks,
      cause: cause(lastEventIds[0]!),
      causeRecordedAt: new Date(START + today * DAY + 18 * 3_600_000).toISOString(),
      correlationId: lastCorrelationId,
    });
  }
  function runPolicy(): void {
    while (policyQueue.length > 0 && policyQueue[0]!.day <= today) {
      const reaction = policyQueue.shift()!;
      for (const stream of reaction.risks) {
        exec(
          stream,
          {
            type: 'FlagAcceptanceStale',
            cause: reaction.cause,
            causeRecordedAt: reaction.causeRecordedAt,
            by: POLICY_ACTOR.userId,
            at: at(),
          },
          POLICY_ACTOR,
          reaction.cause.summary,
          { correlationId: reaction.correlationId, causationId: reaction.cause.sourceEventId },
        );
      }
    }
  }

  /** Appends what the day decided: one append per stream, `concurrency` appends in flight. */
  async function flush(): Promise<void> {
    if (dirty.size === 0) return;
    clock.set(new Date(START + today * DAY + 18 * 3_600_000));
    const work = [...dirty];
    dirty.clear();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, work.length) }, async () => {
        for (;;) {
          const stream = work[next++];
          if (!stream) return;
          const events = stream.pending;
          stream.pending = [];
          const result = await store.append({
            tenantId,
            streamId: stream.streamId,
            streamType: stream.streamType,
            expectedRevision: stream.revision,
            events,
          });
          stream.revision = result.nextExpectedRevision;
          eventCount += events.length;
          for (const e of events) eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
        }
      }),
    );
  }

  // ─── Governance: the group, its tree, people and roles ───────────────────────────────────
  const root = `ou-${rng.uuidV7(START)}`;
  const org = new Stream(
    orgStructureStreamId(tenantId),
    GovernanceStreamTypes.OrgStructure,
    orgStructure,
  );
  const admin: Actor = {
    userId: `person-${rng.uuidV7(START)}`,
    displayName: 'Group administrator',
    role: 'group-admin',
    onBehalfOfOrgUnitId: root,
  };

  interface Subsidiary {
    readonly orgUnitId: string;
    readonly name: string;
    readonly sites: Site[];
    readonly ciso: Actor;
    readonly ismsManager: Actor;
    readonly controlOwners: Actor[];
    readonly auditor: Actor;
    scopeId: string;
  }
  interface Site {
    readonly orgUnitId: string;
    readonly subsidiary: Subsidiary;
    readonly riskOwners: Actor[];
    readonly assetIds: string[];
  }
  const COUNTRIES = [
    'DE',
    'FR',
    'PL',
    'ES',
    'IT',
    'NL',
    'SE',
    'CZ',
    'AT',
    'PT',
    'GB',
    'US',
    'IN',
    'BR',
    'JP',
  ];
  const subsidiaries: Subsidiary[] = [];
  const sites: Site[] = [];
  const people: { actor: Actor; home: string; bindings: [Role, string][] }[] = [];
  const personActor = (role: Role, unit: string, name: string): Actor => ({
    userId: `person-${rng.uuidV7(START)}`,
    displayName: name,
    role,
    onBehalfOfOrgUnitId: unit,
  });
  const groupCiso = personActor('ciso', root, 'Group CISO');
  people.push({ actor: admin, home: root, bindings: [['group-admin', root]] });
  people.push({ actor: groupCiso, home: root, bindings: [['ciso', root]] });
  const groupAuditors = [1, 2].map((i) =>
    personActor('internal-auditor', root, `Group internal auditor ${i}`),
  );
  for (const a of groupAuditors)
    people.push({ actor: a, home: root, bindings: [['internal-auditor', root]] });

  for (let s = 0; s < subsidiaryCount; s++) {
    const orgUnitId = `ou-${rng.uuidV7(START)}`;
    const country = COUNTRIES[s % COUNTRIES.length]!;
    const name = `Subsidiary ${String(s + 1).padStart(2, '0')} (${country})`;
    const sub: Subsidiary = {
      orgUnitId,
      name,
      sites: [],
      ciso: personActor('ciso', orgUnitId, `CISO ${name}`),
      ismsManager: personActor('isms-manager', orgUnitId, `ISMS manager ${name}`),
      controlOwners: [1, 2].map((i) =>
        personActor('control-owner', orgUnitId, `Control owner ${i} ${name}`),
      ),
      auditor: personActor('internal-auditor', orgUnitId, `Internal auditor ${name}`),
      scopeId: `isms-scope-${rng.uuidV7(START)}`,
    };
    const roles: [Actor, Role][] = [
      [sub.ciso, 'ciso'],
      [sub.ismsManager, 'isms-manager'],
      ...sub.controlOwners.map((o): [Actor, Role] => [o, 'control-owner']),
      [sub.auditor, 'internal-auditor'],
    ];
    for (const [p, role] of roles) {
      people.push({ actor: p, home: orgUnitId, bindings: [[role, orgUnitId]] });
    }
    subsidiaries.push(sub);
  }
  for (let i = 0; i < siteCount; i++) {
    const sub = subsidiaries[i % subsidiaryCount]!;
    const orgUnitId = `ou-${rng.uuidV7(START)}`;
    const site: Site = { orgUnitId, subsidiary: sub, riskOwners: [], assetIds: [] };
    for (const k of [1, 2]) {
      const owner = personActor('risk-owner', orgUnitId, `Risk owner ${k} site ${i + 1}`);
      site.riskOwners.push(owner);
      people.push({ actor: owner, home: orgUnitId, bindings: [['risk-owner', orgUnitId]] });
    }
    sub.sites.push(site);
    sites.push(site);
  }
  const methodology: EffectiveMethodology = {
    ...METHODOLOGY,
    versions: [{ orgUnitId: root, version: 1 }],
  };

  function* governance(): Script {
    yield 0;
    exec(
      org,
      { type: 'EstablishTenant', tenantId, name: 'Seeded Group plc', rootOrgUnitId: root },
      admin,
    );
    for (const sub of subsidiaries) {
      exec(
        org,
        {
          type: 'CreateOrgUnit',
          orgUnitId: sub.orgUnitId,
          parentId: root,
          kind: 'subsidiary',
          name: sub.name,
        },
        admin,
      );
    }
    sites.forEach((site, i) => {
      exec(
        org,
        {
          type: 'CreateOrgUnit',
          orgUnitId: site.orgUnitId,
          parentId: site.subsidiary.orgUnitId,
          kind: 'site',
          name: `Site ${i + 1}`,
          location: `City ${i + 1}`,
        },
        admin,
      );
    });
    yield 1;
    for (const p of people) {
      const stream = new Stream(p.actor.userId, GovernanceStreamTypes.Person, person);
      exec(
        stream,
        {
          type: 'RegisterPerson',
          personId: p.actor.userId,
          displayName: p.actor.displayName,
          email: `${p.actor.userId.slice(-12)}@seeded.example`,
          kind: 'member',
          homeOrgUnitId: p.home,
        },
        admin,
      );
      p.bindings.forEach(([role, unit], b) => {
        exec(
          stream,
          { type: 'BindRole', bindingId: `${p.actor.userId}-b${b + 1}`, role, orgUnitId: unit },
          admin,
        );
      });
    }
    yield 2;
    const methodologyStream = new Stream(
      riskMethodologyStreamId(root),
      RiskStreamTypes.RiskMethodology,
      riskMethodologyDecider,
    );
    exec(
      methodologyStream,
      {
        type: 'AdoptMethodology',
        methodologyId: riskMethodologyStreamId(root),
        orgUnitId: root,
        definition: GROUP_METHODOLOGY,
        changeSummary: 'Group 5×5 methodology',
        reason: 'Adopted by the group risk committee',
        by: groupCiso.userId,
        at: at(),
      },
      groupCiso,
      'Adopted by the group risk committee',
    );
  }

  // ─── ISMS scopes: drafted, approved, some revised and re-approved ────────────────────────
  function* scope(sub: Subsidiary, index: number): Script {
    const stream = new Stream(sub.scopeId, GovernanceStreamTypes.IsmsScope, ismsScope);
    const definition = {
      name: `ISMS ${sub.name}`,
      description: `Information security management of ${sub.name} and its sites`,
      ownerOrgUnitId: sub.orgUnitId,
      includedOrgUnitIds: [sub.orgUnitId],
      locations: sub.sites.map((_, i) => `Site ${i + 1}`),
      exclusions: [],
      interfacesAndDependencies: [],
      internalIssues: [],
      externalIssues: [],
      interestedParties: [],
    };
    yield 3 + (index % 10);
    exec(stream, { type: 'DraftScope', scopeId: sub.scopeId, definition }, sub.ismsManager);
    yield 14 + (index % 10);
    const reason = 'Approved by the management board after the ISMS kick-off';
    exec(
      stream,
      {
        type: 'ApproveScope',
        version: 1,
        approvedBy: sub.ciso.userId,
        approverRole: 'ciso',
        reason,
        at: at(),
      },
      sub.ciso,
      reason,
    );
    if (index % 5 === 0) {
      yield 400 + index;
      exec(
        stream,
        {
          type: 'ReviseScope',
          definition: {
            ...definition,
            description: `${definition.description}, including the new cloud services`,
          },
          changeSummary: 'Cloud services added',
        },
        sub.ismsManager,
      );
      yield 420 + index;
      const why = 'Re-approved with the cloud services in scope';
      exec(
        stream,
        {
          type: 'ApproveScope',
          version: 2,
          approvedBy: sub.ciso.userId,
          approverRole: 'ciso',
          reason: why,
          at: at(),
        },
        sub.ciso,
        why,
      );
      reactToLastCommand(
        (link) => link.scopeId === sub.scopeId,
        (sourceEventId) => ({
          kind: 'scope-changed',
          scopeId: sub.scopeId,
          scopeVersion: 2,
          sourceEventId,
          summary: 'Version 2 of the ISMS scope was approved: Cloud services added',
        }),
      );
    }
  }

  // ─── Assets ──────────────────────────────────────────────────────────────────────────────
  let assetCount = 0;
  const ASSET_TYPES = [
    'information',
    'software',
    'hardware',
    'service',
    'people',
    'site',
    'process',
  ] as const;
  const LEVELS = ['low', 'medium', 'high', 'very-high'] as const;
  function* assets(site: Site, index: number): Script {
    yield 20 + (index % 20);
    for (let k = 0; k < assetsPerSite; k++) {
      const assetId = newId(RiskStreamTypes.Asset);
      const stream = new Stream(assetId, RiskStreamTypes.Asset, assetDecider);
      const owner = rng.pick(site.riskOwners);
      const assetType = rng.pick(ASSET_TYPES);
      exec(
        stream,
        {
          type: 'RegisterAsset',
          assetId,
          name: `${assetType} asset ${k + 1} of site ${index + 1}`,
          description: `Inventory entry ${k + 1}`,
          assetType,
          ownerPersonId: owner.userId,
          orgUnitId: site.orgUnitId,
          classification: rng.pick(['public', 'internal', 'confidential', 'restricted'] as const),
          requirements: {
            confidentiality: rng.pick(LEVELS),
            integrity: rng.pick(LEVELS),
            availability: rng.pick(LEVELS),
          },
        },
        owner,
      );
      site.assetIds.push(assetId);
      assetCount++;
    }
  }

  // ─── Risks through their lifecycle ───────────────────────────────────────────────────────
  type RiskStream = Stream<
    Parameters<typeof riskDecider.evolve>[0],
    Parameters<typeof riskDecider.decide>[0],
    ReturnType<typeof riskDecider.decide>[number]
  >;
  const riskStreams: RiskStream[] = [];
  const THREATS = DEFAULT_THREATS.map((t) => t.code);
  const VULNERABILITIES = DEFAULT_VULNERABILITIES.map((v) => v.code);
  const control = (): ControlRef => ({ catalogueId: CATALOGUE, controlId: rng.pick(CONTROL_IDS) });
  const END = SIMULATED_DAYS;

  function* riskLifecycle(site: Site, firstDay: number): Script {
    yield firstDay; // the site's assets exist by then
    const sub = site.subsidiary;
    const riskId = `${RiskStreamTypes.Risk}-${rng.uuidV7(START + firstDay * DAY)}`;
    const stream: RiskStream = new Stream(riskId, RiskStreamTypes.Risk, riskDecider);
    riskStreams.push(stream);
    const owner = rng.pick(site.riskOwners);
    const stage = rng.weighted<string>([
      ['identified', 4],
      ['assessed', 5],
      ['decided', 4],
      ['planned', 9],
      ['residual', 10],
      ['accepted', 68],
    ]);
    const closeIt = rng.chance(0.04);
    const assetIds = rng.sample(site.assetIds, rng.int(1, 3));
    const threatCode = rng.pick(THREATS);
    const vulnerabilityCode = rng.pick(VULNERABILITIES);
    let day = firstDay;
    const later = (min: number, max: number) => (day += rng.int(min, max));

    exec(
      stream,
      {
        type: 'IdentifyRisk',
        riskId,
        title: `${threatCode} exploiting ${vulnerabilityCode} at ${sub.name}`,
        description: 'Identified in the site risk workshop',
        assetIds,
        threatCode,
        vulnerabilityCode,
        ownerPersonId: owner.userId,
        orgUnitId: site.orgUnitId,
        scopeId: sub.scopeId,
        by: sub.ismsManager.userId,
        at: at(),
      },
      sub.ismsManager,
    );
    const finish = function* (): Script {
      if (closeIt && later(30, 200) < END) {
        yield day;
        const reason = 'The activity was ended and the assets retired';
        exec(stream, { type: 'CloseRisk', reason, by: owner.userId, at: at() }, owner, reason);
      }
    };
    /** Periodic reviews of a rated risk that is not (yet) accepted, when due. */
    const reviews = function* (): Script {
      for (let review = 0; review < 12; review++) {
        const due = (stream.state as { nextReviewDue?: string }).nextReviewDue;
        if (!due) return;
        day = Math.max(day + 1, Math.round((Date.parse(due) - START) / DAY) + rng.int(-20, 30));
        if (day >= END) return;
        yield day;
        exec(
          stream,
          { type: 'ReviewRisk', notes: 'Treatment still under way', by: owner.userId, at: at() },
          owner,
        );
      }
    };
    if (stage === 'identified' || later(3, 20) >= END) return yield* finish();
    yield day;
    const likelihood = rng.int(1, 5);
    const impact = rng.int(1, 5);
    exec(
      stream,
      {
        type: 'AssessInherentRisk',
        likelihood,
        impact,
        methodology,
        existingControls: 'Baseline group controls',
        existingControlRefs: rng.chance(0.5) ? [control()] : [],
        rationale: 'Incident history of the site and the asset owners’ estimate',
        by: owner.userId,
        at: at(),
      },
      owner,
    );
    if (stage === 'assessed' || later(5, 20) >= END) return yield* finish();
    yield day;
    const option = rng.weighted<TreatmentOption>([
      ['modify', 70],
      ['share', 10],
      ['avoid', 5],
      ['retain', 15],
    ]);
    const decision = `Treatment chosen: ${option}, in line with the risk appetite`;
    exec(
      stream,
      { type: 'DecideTreatment', option, justification: decision, by: owner.userId, at: at() },
      owner,
      decision,
    );
    if (stage === 'decided' || later(3, 15) >= END) return yield* finish();
    const actionIds: string[] = [];
    if (option !== 'retain') {
      yield day;
      const n = rng.int(1, 5);
      const actions = Array.from({ length: n }, (_, k) => ({
        actionId: `action-${k + 1}`,
        title: `Treatment action ${k + 1}`,
        ownerPersonId: rng.pick(site.riskOwners).userId,
        dueDate: dateOf(START + (day + rng.int(30, 120)) * DAY),
      }));
      const linkedControls =
        option === 'modify' || rng.chance(0.3)
          ? rng
              .sample(CONTROL_IDS, rng.int(1, 3))
              .map((controlId) => ({ catalogueId: CATALOGUE, controlId }))
          : [];
      exec(
        stream,
        { type: 'PlanTreatment', actions, linkedControls, by: owner.userId, at: at() },
        owner,
      );
      for (const a of actions) {
        if (!rng.chance(0.8) || later(10, 60) >= END) continue;
        yield day;
        exec(
          stream,
          {
            type: 'CompleteTreatmentAction',
            actionId: a.actionId,
            note: 'Done and documented',
            by: a.ownerPersonId,
            at: at(),
          },
          { ...owner, userId: a.ownerPersonId },
        );
        actionIds.push(a.actionId);
      }
    }
    if (stage === 'planned' || later(5, 30) >= END) {
      yield* reviews();
      return yield* finish();
    }
    yield day;
    const residualLikelihood = rng.int(1, likelihood);
    const residualImpact = rng.int(1, impact);
    const residual = exec(
      stream,
      {
        type: 'AssessResidualRisk',
        likelihood: residualLikelihood,
        impact: residualImpact,
        methodology,
        rationale: 'After the treatment actions',
        by: owner.userId,
        at: at(),
      },
      owner,
    );
    const level = (residual[0]!.data as { rating: { level: string } }).rating.level;
    if (stage === 'residual' || level === 'critical' || later(3, 30) >= END) {
      yield* reviews();
      return yield* finish();
    }
    const accept = function* (): Script {
      yield day;
      const byCiso = level === 'high';
      const acceptor = byCiso ? sub.ciso : owner;
      const reason = byCiso
        ? 'Above appetite, accepted by the CISO until the next budget cycle'
        : 'Residual risk within the appetite';
      exec(
        stream,
        {
          type: 'AcceptRisk',
          acceptorRoles: byCiso ? ['ciso'] : ['risk-owner'],
          criteria: GROUP_METHODOLOGY,
          reason,
          by: acceptor.userId,
          at: at(),
        },
        acceptor,
        reason,
      );
    };
    yield* accept();
    // Reviews when due (by level: yearly to quarterly), most on time, some late; sometimes the
    // scenario changes and the acceptance needs re-approval.
    for (let review = 0; review < 12; review++) {
      const due = (stream.state as { nextReviewDue?: string }).nextReviewDue;
      const dueDay = due ? Math.round((Date.parse(due) - START) / DAY) : day + 365;
      day = Math.max(day + 1, dueDay + rng.int(-20, rng.chance(0.1) ? 90 : 5));
      if (day >= END) break;
      if (rng.chance(0.06)) {
        yield day;
        exec(
          stream,
          {
            type: 'ReviseRiskScenario',
            title: `${threatCode} exploiting ${vulnerabilityCode} at ${sub.name} (revised)`,
            description: 'A new system changed the exposure',
            assetIds: rng.sample(site.assetIds, rng.int(1, 3)),
            threatCode,
            vulnerabilityCode,
            changeSummary: 'New system in production',
            by: owner.userId,
            at: at(),
          },
          owner,
        );
        if (rng.chance(0.4) || later(5, 30) >= END) break;
        yield day;
        exec(
          stream,
          {
            type: 'AssessResidualRisk',
            likelihood: residualLikelihood,
            impact: residualImpact,
            methodology,
            rationale: 'Re-assessed after the change',
            by: owner.userId,
            at: at(),
          },
          owner,
        );
        if (later(3, 20) >= END) break;
        // A revision that leaves the accepted material state unchanged needs no new acceptance.
        if (stream.state.kind !== 'none' && riskStatusOf(stream.state) !== 'accepted') {
          yield* accept();
        }
        continue;
      }
      yield day;
      exec(
        stream,
        {
          type: 'ReviewRisk',
          notes: 'No change in exposure; controls tested this year',
          by: owner.userId,
          at: at(),
        },
        owner,
      );
    }
    yield* finish();
  }

  // ─── Statements of Applicability: lines, approval, revisions and re-approvals ─────────────
  let soaApprovals = 0;
  const applicableByScope = new Map<string, string[]>();
  const STATUSES: readonly (readonly [ImplementationStatus, number])[] = [
    ['implemented', 60],
    ['partially-implemented', 15],
    ['planned', 15],
    ['not-implemented', 10],
  ];
  const REASONS: readonly InclusionReason[] = [
    'risk-treatment',
    'legal',
    'contractual',
    'business',
  ];
  const soaStartDay = (index: number) => 30 + (index % 20);

  function* soa(sub: Subsidiary, index: number): Script {
    const soaId = soaStreamId(sub.scopeId);
    const stream = new Stream(soaId, ControlsStreamTypes.StatementOfApplicability, soaDecider);
    const status = new Map<string, ImplementationStatus>();
    const line = (
      controlId: string,
      applicable: boolean,
      implementationStatus: ImplementationStatus,
    ) => {
      status.set(controlId, implementationStatus);
      const owner = rng.pick(sub.controlOwners);
      exec(
        stream,
        {
          type: 'RecordSoaLine',
          line: applicable
            ? {
                catalogueId: CATALOGUE,
                controlId,
                applicable: true,
                inclusionReasons: rng.sample(REASONS, rng.int(1, 2)),
                justification: 'Treats risks of the register and meets group policy',
                implementationStatus,
                ownerPersonId: owner.userId,
                ...(implementationStatus === 'implemented' ||
                implementationStatus === 'partially-implemented'
                  ? { implementationDescription: 'Group procedure applied locally' }
                  : {}),
              }
            : {
                catalogueId: CATALOGUE,
                controlId,
                applicable: false,
                inclusionReasons: [],
                justification: 'No such activity in the scope',
                implementationStatus: 'not-applicable',
              },
          catalogues: CATALOGUES,
          by: sub.ismsManager.userId,
        },
        sub.ismsManager,
      );
    };
    const approve = (reason: string) => {
      exec(
        stream,
        {
          type: 'ApproveSoa',
          inherited: [],
          catalogues: CATALOGUES,
          reason,
          by: sub.ciso.userId,
          role: 'ciso',
          at: at(),
        },
        sub.ciso,
        reason,
      );
      soaApprovals++;
    };
    let day = soaStartDay(index);
    yield day;
    exec(
      stream,
      {
        type: 'EstablishSoa',
        soaId,
        scopeId: sub.scopeId,
        orgUnitId: sub.orgUnitId,
        catalogueId: CATALOGUE,
        catalogues: CATALOGUES,
        by: sub.ismsManager.userId,
      },
      sub.ismsManager,
    );
    const applicable: string[] = [];
    for (const controlId of CONTROL_IDS) {
      const isApplicable = rng.chance(0.9);
      if (isApplicable) applicable.push(controlId);
      line(controlId, isApplicable, isApplicable ? rng.weighted(STATUSES) : 'not-applicable');
    }
    applicableByScope.set(sub.scopeId, applicable);
    yield (day += 10);
    approve('Approved by the management review');
    // Each year some controls move on; the revised SoA needs (and gets) re-approval.
    for (const revision of [240, 600, 960]) {
      day = soaStartDay(index) + revision;
      if (day + 14 >= END) break;
      yield day;
      const moving = applicable.filter((id) => status.get(id) !== 'implemented');
      for (const controlId of rng.sample(moving, rng.int(3, 8)))
        line(controlId, true, 'implemented');
      yield (day += 14);
      approve('Revised SoA approved by the management review');
    }
  }

  // ─── Evidence and control tests ──────────────────────────────────────────────────────────
  const evidenceByScope = new Map<string, string[]>();
  const evidenceFiles: Buffer[] = [];
  let evidenceCount = 0;
  let testPlanCount = 0;
  let testResultCount = 0;

  function* evidence(sub: Subsidiary, index: number): Script {
    yield soaStartDay(index) + 12;
    const ids: string[] = [];
    evidenceByScope.set(sub.scopeId, ids);
    for (const controlId of rng.sample(applicableByScope.get(sub.scopeId)!, 30)) {
      const evidenceId = newId(ControlsStreamTypes.EvidenceRecord);
      const bytes = Buffer.from(`Evidence for ${controlId} in ${sub.name}: record ${evidenceId}\n`);
      evidenceFiles.push(bytes);
      const owner = rng.pick(sub.controlOwners);
      const stream = new Stream(
        evidenceId,
        ControlsStreamTypes.EvidenceRecord,
        evidenceRecordDecider,
      );
      exec(
        stream,
        {
          type: 'RecordEvidence',
          evidenceId,
          scopeId: sub.scopeId,
          orgUnitId: sub.orgUnitId,
          title: `Record of ${controlId}`,
          evidenceType: 'record',
          source: 'Ticket system export',
          collectedAt: new Date(START + (today - 1) * DAY).toISOString(),
          validUntil: dateOf(START + (today + rng.int(180, 730)) * DAY),
          content: {
            fileName: `${controlId}.txt`,
            contentType: 'text/plain',
            size: bytes.length,
            sha256: sha256(bytes),
          },
          controls: [{ catalogueId: CATALOGUE, controlId }],
          catalogues: CATALOGUES,
          by: owner.userId,
          at: at(),
        },
        owner,
      );
      ids.push(evidenceId);
      evidenceCount++;
    }
  }

  /** One test plan: scheduled after the SoA's approval, a result around each due date. */
  function* testPlan(sub: Subsidiary, index: number, controlId: string): Script {
    let day = soaStartDay(index) + 11;
    yield day;
    const testPlanId = newId(ControlsStreamTypes.ControlTestPlan);
    const tester = rng.pick(sub.controlOwners);
    const stream = new Stream(
      testPlanId,
      ControlsStreamTypes.ControlTestPlan,
      controlTestPlanDecider,
    );
    exec(
      stream,
      {
        type: 'ScheduleControlTest',
        testPlanId,
        scopeId: sub.scopeId,
        orgUnitId: sub.orgUnitId,
        catalogueId: CATALOGUE,
        controlId,
        applicability: 'applicable',
        frequency: rng.weighted([
          ['monthly', 15],
          ['quarterly', 45],
          ['semi-annually', 25],
          ['annually', 15],
        ] as const),
        method: rng.pick(['inquiry', 'inspection', 'observation', 're-performance'] as const),
        description: `Effectiveness test of ${controlId}`,
        testerPersonId: tester.userId,
        firstDueOn: dateOf(START + (day + rng.int(30, 90)) * DAY),
        at: at(),
      },
      tester,
    );
    testPlanCount++;
    for (;;) {
      const dueDay = Math.round(
        (Date.parse((stream.state as { nextDueOn: string }).nextDueOn) - START) / DAY,
      );
      day = Math.max(day + 1, dueDay + rng.int(-5, 10));
      if (day >= END) return;
      yield day;
      const testedAt = at();
      const result = rng.weighted([
        ['effective', 80],
        ['partially-effective', 15],
        ['not-effective', 5],
      ] as const);
      exec(
        stream,
        {
          type: 'RecordControlTestResult',
          result,
          testedBy: tester.userId,
          testedAt,
          notes: 'Sample of 25 records inspected',
          at: testedAt,
        },
        tester,
      );
      testResultCount++;
      if (INEFFECTIVE_RESULTS.includes(result)) {
        const control = { catalogueId: CATALOGUE, controlId };
        const key = controlKey(control);
        reactToLastCommand(
          (link) =>
            link.scopeId === sub.scopeId &&
            (link.existing.includes(key) || link.planned.includes(key)),
          (sourceEventId) => ({
            kind: 'control-found-ineffective',
            control,
            result,
            sourceEventId,
            summary: `Control ${controlId} (${CATALOGUE}) was tested ${result} on ${testedAt}`,
          }),
        );
      }
    }
  }

  // ─── Internal audits: findings, corrections, corrective actions, closure ─────────────────
  let engagementCount = 0;
  let findingCount = 0;
  const CLAUSES = ISMS_CLAUSES.map((c) => c.clause);

  function* audit(sub: Subsidiary, index: number, year: number): Script {
    let day = 150 + year * 365 + (index % 60);
    if (day + 10 >= END) return;
    yield day;
    const engagementId = newId(AuditStreamTypes.AuditEngagement);
    const stream = new Stream(engagementId, AuditStreamTypes.AuditEngagement, engagementDecider);
    const lead = year % 2 === 0 ? sub.auditor : rng.pick(groupAuditors);
    const clauses = rng.sample(CLAUSES, 6);
    const start = day + 20;
    exec(
      stream,
      {
        type: 'PlanEngagement',
        engagementId,
        tenantId,
        scopeId: sub.scopeId,
        orgUnitId: sub.orgUnitId,
        cycleYear: 2024 + year,
        kind: 'internal',
        title: `Internal audit ${2024 + year} of ${sub.name}`,
        auditedOrgUnitIds: rng.sample(sub.sites, 2).map((s) => s.orgUnitId),
        auditors: [{ personId: lead.userId, kind: 'internal', lead: true }],
        plannedStart: dateOf(START + start * DAY),
        plannedEnd: dateOf(START + (start + 3) * DAY),
        plan: 'Objectives, criteria (ISO/IEC 27001:2022) and agenda as agreed with the ISMS manager',
        clauses,
        controls: rng
          .sample(applicableByScope.get(sub.scopeId)!, 4)
          .map((controlId) => ({ catalogueId: CATALOGUE, controlId })),
        earlierNonconformityIds: [],
        by: lead.userId,
        at: at(),
      },
      lead,
    );
    engagementCount++;
    if ((day = start) >= END) return;
    yield day;
    exec(stream, { type: 'StartEngagement', by: lead.userId, at: at() }, lead);
    const checklist = (stream.state as unknown as { checklist: { itemId: string }[] }).checklist;
    for (const item of checklist) {
      exec(
        stream,
        {
          type: 'AssessChecklistItem',
          itemId: item.itemId,
          result: rng.weighted([
            ['conforming', 85],
            ['observation', 10],
            ['nonconforming', 5],
          ] as const),
          notes: 'Interviews and records sampled',
          by: lead.userId,
          at: at(),
        },
        lead,
      );
    }
    const findings: { findingId: string; grade: FindingGrade }[] = [];
    const evidenceIds = evidenceByScope.get(sub.scopeId) ?? [];
    for (let f = rng.int(1, 4); f > 0; f--) {
      const grade = rng.weighted<FindingGrade>([
        ['major-nonconformity', 5],
        ['minor-nonconformity', 30],
        ['observation', 35],
        ['opportunity-for-improvement', 30],
      ]);
      const findingId = `finding-${rng.uuidV7(idAt())}`;
      exec(
        stream,
        {
          type: 'RaiseFinding',
          findingId,
          grade,
          clause: rng.pick(clauses),
          orgUnitId: rng.pick(sub.sites).orgUnitId,
          title: `Finding ${findings.length + 1}`,
          description: 'Requirement, what was observed and where',
          evidenceIds: grade.endsWith('nonconformity') ? rng.sample(evidenceIds, 1) : [],
          raisedByKind: 'internal',
          by: lead.userId,
          at: at(),
        },
        lead,
      );
      findings.push({ findingId, grade });
      findingCount++;
    }
    if ((day += 3) >= END) return;
    yield day;
    exec(
      stream,
      {
        type: 'ReportEngagement',
        summary: 'Clauses and controls sampled at two sites',
        conclusion: 'The ISMS conforms except for the findings raised',
        by: lead.userId,
        at: at(),
      },
      lead,
    );
    const owner = rng.pick(sub.controlOwners);
    const manager = sub.ismsManager;
    const ncs = findings.filter((f) => f.grade.endsWith('nonconformity'));
    if ((day += 5) >= END) return;
    yield day;
    for (const f of ncs) {
      exec(
        stream,
        {
          type: 'RecordCorrection',
          findingId: f.findingId,
          correction: 'Immediate fix applied',
          by: manager.userId,
          at: at(),
        },
        manager,
      );
      exec(
        stream,
        {
          type: 'RecordRootCause',
          findingId: f.findingId,
          rootCause: 'Procedure not known at the site',
          by: manager.userId,
          at: at(),
        },
        manager,
      );
      exec(
        stream,
        {
          type: 'PlanCorrectiveAction',
          findingId: f.findingId,
          actionPlan: 'Train the site staff and update the procedure',
          ownerPersonId: owner.userId,
          dueDate: dateOf(START + (day + 60) * DAY),
          by: manager.userId,
          at: at(),
        },
        manager,
      );
    }
    // Most actions are implemented, verified and the findings closed; some stay open.
    if (rng.chance(0.15) || (day += rng.int(20, 70)) >= END) return;
    yield day;
    for (const f of ncs) {
      exec(
        stream,
        {
          type: 'ImplementCorrectiveAction',
          findingId: f.findingId,
          implementation: 'Training held; procedure v2 published',
          by: owner.userId,
          at: at(),
        },
        owner,
      );
    }
    if ((day += rng.int(10, 30)) >= END) return;
    yield day;
    for (const f of findings) {
      if (f.grade.endsWith('nonconformity')) {
        const why = 'Sampled records show the procedure is followed';
        exec(
          stream,
          {
            type: 'VerifyCorrectiveAction',
            findingId: f.findingId,
            effective: true,
            reason: why,
            by: lead.userId,
            at: at(),
          },
          lead,
          why,
        );
      }
      const reason = f.grade.endsWith('nonconformity')
        ? 'Corrective action verified effective'
        : 'Taken into account by the ISMS manager';
      exec(
        stream,
        { type: 'CloseFinding', findingId: f.findingId, reason, by: lead.userId, at: at() },
        lead,
        reason,
      );
    }
    const reason = 'All findings closed';
    exec(stream, { type: 'CloseEngagement', reason, by: lead.userId, at: at() }, lead, reason);
  }

  // ─── The driver: days in order; each day's scripts, then one flush ────────────────────────
  const buckets: Script[][] = Array.from({ length: END + 1 }, () => []);
  const schedule = (script: Script) => {
    const next = script.next();
    if (!next.done) buckets[Math.max(next.value, today)]?.push(script);
  };
  schedule(governance());
  subsidiaries.forEach((sub, i) => {
    schedule(scope(sub, i));
    schedule(soa(sub, i));
    schedule(evidence(sub, i));
    for (let year = 0; year < 3; year++) schedule(audit(sub, i, year));
  });
  sites.forEach((site, i) => schedule(assets(site, i)));
  // Risks are identified from day 45 on, evenly over the sites and the time.
  for (let r = 0; r < riskCount; r++) {
    const site = sites[r % sites.length]!;
    const firstDay = 45 + Math.floor((r / riskCount) * (END - 240));
    schedule(riskLifecycle(site, firstDay));
  }
  // Test plans start once the SoA says which controls are applicable (day of approval).
  const testPlansStarted = new Set<string>();

  let lastProgress = -1;
  for (today = 0; today <= END; today++) {
    minuteOfDay = 0;
    if (today > 0) {
      subsidiaries.forEach((sub, i) => {
        if (today === soaStartDay(i) + 11 && !testPlansStarted.has(sub.scopeId)) {
          testPlansStarted.add(sub.scopeId);
          const applicable = applicableByScope.get(sub.scopeId)!;
          for (const controlId of rng.sample(applicable, Math.ceil(applicable.length * 0.8))) {
            buckets[today]!.push(testPlan(sub, i, controlId));
          }
        }
      });
    }
    runPolicy();
    const bucket = buckets[today]!;
    for (let k = 0; k < bucket.length; k++) {
      const script = bucket[k]!;
      const next = script.next();
      if (!next.done && next.value < END) buckets[Math.max(next.value, today)]!.push(script);
    }
    buckets[today] = [];
    await flush();
    if (options.evidenceContent && evidenceFiles.length > 0) {
      for (const bytes of evidenceFiles.splice(0)) await options.evidenceContent(tenantId, bytes);
    }
    const month = Math.floor(today / 30);
    if (month !== lastProgress) {
      lastProgress = month;
      options.onProgress?.({
        day: today,
        days: END,
        events: eventCount,
        elapsedMs: performance.now() - started,
      });
    }
  }

  // ─── What was generated ──────────────────────────────────────────────────────────────────
  const risksByStatus: Record<string, number> = {};
  let openRisks = 0;
  for (const stream of riskStreams) {
    if (stream.state.kind === 'none') continue;
    const status = riskStatusOf(stream.state);
    if (status === 'closed') continue;
    openRisks++;
    risksByStatus[status] = (risksByStatus[status] ?? 0) + 1;
  }
  const risksByLastStep: Record<string, number> = {};
  for (const step of lastStep.values()) {
    if (step !== 'closed') risksByLastStep[step] = (risksByLastStep[step] ?? 0) + 1;
  }
  const openFindingsByGrade: Record<string, number> = {};
  for (const stream of streams) {
    if (stream.streamType !== AuditStreamTypes.AuditEngagement) continue;
    for (const f of (stream.state as { findings: { grade: string; status: string }[] }).findings) {
      if (f.status !== 'closed')
        openFindingsByGrade[f.grade] = (openFindingsByGrade[f.grade] ?? 0) + 1;
    }
  }
  const soaLines = { applicable: 0, excluded: 0, implemented: 0 };
  for (const stream of streams) {
    if (stream.streamType !== ControlsStreamTypes.StatementOfApplicability) continue;
    const lines = (
      stream.state as {
        lines: ReadonlyMap<string, { applicable: boolean; implementationStatus: string }>;
      }
    ).lines;
    for (const line of lines.values()) {
      if (!line.applicable) soaLines.excluded++;
      else {
        soaLines.applicable++;
        if (line.implementationStatus === 'implemented') soaLines.implemented++;
      }
    }
  }
  const sampleSites = sites.slice(0, Math.min(sites.length, 20));
  return {
    seed: options.seed,
    scale,
    tenantId,
    rootOrgUnitId: root,
    from: new Date(START).toISOString(),
    to: new Date(START + END * DAY).toISOString(),
    subsidiaries: subsidiaries.length,
    sites: sites.length,
    people: people.length,
    scopes: subsidiaries.map((s) => ({ scopeId: s.scopeId, orgUnitId: s.orgUnitId, name: s.name })),
    assets: assetCount,
    risks: riskStreams.filter((s) => s.state.kind !== 'none').length,
    risksByStatus,
    risksByLastStep,
    openRisks,
    statementsOfApplicability: subsidiaries.length,
    soaApprovals,
    soaLines,
    testPlans: testPlanCount,
    testResults: testResultCount,
    evidenceRecords: evidenceCount,
    engagements: engagementCount,
    findings: findingCount,
    openFindingsByGrade,
    events: eventCount,
    eventsByType,
    streams: streams.size,
    groupCisoPersonId: groupCiso.userId,
    sample: sampleSites.map((site) => ({
      siteId: site.orgUnitId,
      scopeId: site.subsidiary.scopeId,
      riskOwnerPersonId: site.riskOwners[0]!.userId,
      assetIds: site.assetIds.slice(0, 10),
    })),
    durationMs: Math.round(performance.now() - started),
  };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
