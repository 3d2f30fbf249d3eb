import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainRuleViolation, handleCommand } from '@isms/event-sourcing';
import type { Clock, EventStore, Projection, RecordedEvent } from '@isms/event-sourcing';
import type { StaleCause } from '@isms/contracts';
import {
  ControlsEventTypes,
  ControlsStreamTypes,
  GovernanceEventTypes,
  GovernanceStreamTypes,
  RiskEventTypes,
  RiskStreamTypes,
  controlKey,
  isControlsEvent,
  isGovernanceEvent,
  isRiskEvent,
} from '@isms/contracts';
import type { ReadCollection, ReadStore } from '@isms/read-store';
import { CLOCK, EVENT_STORE } from '@isms/platform-nest';
import { risk } from '../domain/risk/risk.js';
import { RiskCollections } from '../projections/read-models.js';

export const ACCEPTANCE_POLICY = 'risk-acceptance-policy';
export const POLICY_ACTOR = 'system:risk-acceptance-policy';

/** Control test results that undermine an acceptance relying on the control. */
export const INEFFECTIVE_RESULTS: readonly string[] = ['not-effective', 'partially-effective'];

/** What the policy remembers of each open risk: its scope and the controls it relies on. */
interface PolicyLink {
  readonly tenantId: string;
  readonly scopeId: string;
  readonly existingControlKeys: readonly string[];
  readonly plannedControlKeys: readonly string[];
  readonly controlKeys: readonly string[];
  /**
   * The risk's acceptance as of the events applied so far: when it was given and whether it is
   * still current (no "needs re-approval" since). `null`: not accepted. Absent on links written
   * before this was tracked: then the risk's decider decides alone.
   */
  readonly acceptance?: { readonly acceptedAt: string; readonly current: boolean } | null;
}

/**
 * Whether flagging the risk can change anything: only a current acceptance given before the
 * cause was recorded can become stale (the risk's decider applies the same rule; asking it only
 * when it can say yes spares reading the stream of every linked risk, e.g. when the policy
 * replays the whole history at boot).
 */
function mayBecomeStale(link: PolicyLink, causeRecordedAt: string): boolean {
  if (link.acceptance === undefined) return true;
  if (link.acceptance === null || !link.acceptance.current) return false;
  return new Date(causeRecordedAt).getTime() > new Date(link.acceptance.acceptedAt).getTime();
}

interface PolicyScope {
  readonly tenantId: string;
  readonly changeSummary: string;
}

/** Issues `FlagAcceptanceStale` to one risk; must not wait for projections (it runs inside one). */
export type StaleFlagger = (
  tenantId: string,
  riskId: string,
  cause: Exclude<StaleCause, { kind: 'material-change' }>,
  source: RecordedEvent,
) => Promise<void>;

/**
 * The acceptance policy (a process manager): when a control a risk relies on is tested
 * ineffective, or the risk's ISMS scope gets a new approved version, it marks the risk's
 * acceptance "needs re-approval" by issuing the risk's own command. Idempotent: the risk ignores
 * a cause it already reflects, or one recorded before its acceptance (so rebuilding this
 * projection from the first event at boot changes nothing).
 */
export function acceptancePolicyProjection(flag: StaleFlagger) {
  return (readStore: ReadStore): Projection => {
    const links = readStore.collection<PolicyLink>(RiskCollections.PolicyLinks);
    const scopes = readStore.collection<PolicyScope>(RiskCollections.PolicyScopes);
    return {
      name: ACCEPTANCE_POLICY,
      handles: {
        streamTypes: [
          RiskStreamTypes.Risk,
          ControlsStreamTypes.ControlTestPlan,
          GovernanceStreamTypes.IsmsScope,
        ],
      },
      async apply(event) {
        if (isRiskEvent(event)) return trackRisk(links, event);
        if (isControlsEvent(event) && event.type === ControlsEventTypes.ControlTestResultRecorded) {
          const { data } = event;
          if (!INEFFECTIVE_RESULTS.includes(data.result)) return;
          const control = { catalogueId: data.catalogueId, controlId: data.controlId };
          const affected = await links.find({
            tenantId: event.tenantId,
            scopeId: data.scopeId,
            controlKeys: controlKey(control),
          });
          for (const link of affected) {
            if (!mayBecomeStale(link, event.recordedAt)) continue;
            await flag(
              event.tenantId,
              link._id,
              {
                kind: 'control-found-ineffective',
                control,
                result: data.result,
                sourceEventId: event.eventId,
                summary: `Control ${data.controlId} (${data.catalogueId}) was tested ${data.result} on ${data.testedAt}`,
              },
              event,
            );
          }
          return;
        }
        if (isGovernanceEvent(event)) {
          if (event.type === GovernanceEventTypes.IsmsScopeRevised) {
            await scopes.upsert(event.data.scopeId, {
              tenantId: event.tenantId,
              changeSummary: event.data.changeSummary,
            });
          } else if (
            event.type === GovernanceEventTypes.IsmsScopeApproved &&
            event.data.version > 1
          ) {
            const { scopeId, version } = event.data;
            const revision = await scopes.get(scopeId);
            const affected = await links.find({ tenantId: event.tenantId, scopeId });
            for (const link of affected) {
              if (!mayBecomeStale(link, event.recordedAt)) continue;
              await flag(
                event.tenantId,
                link._id,
                {
                  kind: 'scope-changed',
                  scopeId,
                  scopeVersion: version,
                  sourceEventId: event.eventId,
                  summary: `Version ${version} of the ISMS scope was approved${revision ? `: ${revision.changeSummary}` : ''}`,
                },
                event,
              );
            }
          }
        }
      },
      async reset() {
        await links.drop();
        await scopes.drop();
      },
    };
  };
}

async function trackRisk(links: ReadCollection<PolicyLink>, event: RecordedEvent): Promise<void> {
  if (!isRiskEvent(event)) return;
  const id = event.streamId;
  if (event.type === RiskEventTypes.RiskClosed) {
    await links.delete(id);
    return;
  }
  const current = await links.get(id);
  const write = (link: PolicyLink) =>
    links.upsert(
      id,
      {
        ...link,
        controlKeys: [...new Set([...link.existingControlKeys, ...link.plannedControlKeys])],
      },
      { revision: event.streamRevision },
    );
  switch (event.type) {
    case RiskEventTypes.RiskIdentified:
      await write({
        tenantId: event.tenantId,
        scopeId: event.data.scopeId,
        existingControlKeys: [],
        plannedControlKeys: [],
        controlKeys: [],
        acceptance: null,
      });
      return;
    case RiskEventTypes.RiskAccepted:
      if (current)
        await write({
          ...current,
          acceptance: { acceptedAt: event.data.acceptedAt, current: true },
        });
      return;
    case RiskEventTypes.RiskAcceptanceMarkedStale:
      if (current?.acceptance) {
        await write({ ...current, acceptance: { ...current.acceptance, current: false } });
      }
      return;
    case RiskEventTypes.RiskScopeChanged:
      if (current) await write({ ...current, scopeId: event.data.scopeId });
      return;
    case RiskEventTypes.InherentRiskAssessed:
      if (current)
        await write({
          ...current,
          existingControlKeys: event.data.existingControlRefs.map(controlKey),
        });
      return;
    case RiskEventTypes.RiskTreatmentPlanned:
      if (current)
        await write({ ...current, plannedControlKeys: event.data.linkedControls.map(controlKey) });
      return;
    default:
      return;
  }
}

/** Runs the policy's commands against the event store, as the system, caused by the source event. */
@Injectable()
export class AcceptancePolicyCommands {
  private readonly logger = new Logger('RiskAcceptancePolicy');

  /**
   * The causes risks already reflect (`riskId sourceEventId` of every recorded
   * RiskAcceptanceMarkedStale), read from the log once, the first time the policy flags. When
   * the policy replays the history (at every start of the embedded platform) it meets every
   * past cause again; the risk's decider refuses a cause the risk already reflects, but asking
   * it costs a read of the risk's stream per cause. Markers are never removed, so a set read
   * earlier is never wrong, only incomplete (then the decider answers).
   */
  private reflected?: Promise<Set<string>>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  readonly flag: StaleFlagger = async (tenantId, riskId, cause, source) => {
    if ((await this.reflectedCauses()).has(reflectedCause(riskId, cause.sourceEventId))) return;
    try {
      await handleCommand(
        this.store,
        { tenantId, streamId: riskId, streamType: RiskStreamTypes.Risk },
        risk,
        {
          type: 'FlagAcceptanceStale',
          cause,
          causeRecordedAt: source.recordedAt,
          by: POLICY_ACTOR,
          at: this.clock.now().toISOString(),
        },
        {
          actor: { userId: POLICY_ACTOR, displayName: 'Risk acceptance policy', role: 'system' },
          reason: cause.summary,
          correlationId: source.metadata.correlationId,
          causationId: source.eventId,
          occurredAt: this.clock.now().toISOString(),
        },
      );
    } catch (error) {
      // A risk that vanished from under the policy is not worth stopping it for.
      if (!(error instanceof DomainRuleViolation)) throw error;
      this.logger.warn({ msg: 'acceptance policy skipped a risk', riskId, rule: error.rule });
    }
  };

  private reflectedCauses(): Promise<Set<string>> {
    this.reflected ??= this.readReflectedCauses().catch((error: unknown) => {
      this.reflected = undefined; // the store may be back next time: the projection retries
      throw error;
    });
    return this.reflected;
  }

  private async readReflectedCauses(): Promise<Set<string>> {
    const causes = new Set<string>();
    for (let after = 0; ;) {
      const batch = await this.store.readAll({
        afterPosition: after,
        limit: 5_000,
        streamTypes: [RiskStreamTypes.Risk],
        eventTypes: [RiskEventTypes.RiskAcceptanceMarkedStale],
      });
      if (batch.length === 0) return causes;
      for (const event of batch) {
        if (!isRiskEvent(event) || event.type !== RiskEventTypes.RiskAcceptanceMarkedStale)
          continue;
        const { cause } = event.data;
        if (cause.kind !== 'material-change') {
          causes.add(reflectedCause(event.streamId, cause.sourceEventId));
        }
      }
      after = batch[batch.length - 1]!.globalPosition;
    }
  }
}

function reflectedCause(riskId: string, sourceEventId: string): string {
  return `${riskId} ${sourceEventId}`;
}
