/**
 * The event envelope (ARCHITECTURE §3). Every ISMS decision is stored as one of these:
 * immutable, attributable to a person, and chained to its predecessor by hash.
 */

/** Who did it, in which capacity, on behalf of which org unit. */
export interface Actor {
  readonly userId: string;
  readonly displayName?: string;
  /** The role under which the actor acted, e.g. `ciso`, `risk-owner`, `external-auditor`. */
  readonly role?: string;
  /** The org unit the actor acted on behalf of. */
  readonly onBehalfOfOrgUnitId?: string;
}

export interface EventMetadata {
  readonly actor: Actor;
  /** Justification of a decision (accepting a risk, excluding a control, closing a finding). */
  readonly reason?: string;
  readonly correlationId: string;
  /** The event or command that caused this event. */
  readonly causationId?: string;
  /** When the fact happened in the world, as the command said (ISO 8601). */
  readonly occurredAt: string;
}

/** An event as a domain decision produces it: no position, no hash yet. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}

/** An event ready to be appended: the domain event plus who/why/when. */
export interface NewEvent<TType extends string = string, TData = unknown> extends DomainEvent<
  TType,
  TData
> {
  /** Defaults to 1. Bumped when the shape of `data` changes; old versions are upcast on read. */
  readonly schemaVersion?: number;
  readonly metadata: EventMetadata;
  /** Optional caller-chosen id (e.g. for idempotent retries); a UUIDv7 is generated otherwise. */
  readonly eventId?: string;
}

/** An event as stored: position in its stream and in the whole store, and its integrity fields. */
export interface RecordedEvent<TType extends string = string, TData = unknown> extends DomainEvent<
  TType,
  TData
> {
  readonly eventId: string;
  readonly tenantId: string;
  readonly streamId: string;
  readonly streamType: string;
  /** 1-based: the first event of a stream has revision 1. */
  readonly streamRevision: number;
  /** 1-based, strictly increasing across the store, in commit order. Gaps are possible. */
  readonly globalPosition: number;
  readonly schemaVersion: number;
  readonly metadata: EventMetadata;
  /** When the store recorded it (ISO 8601, ms precision); never decreases with globalPosition. */
  readonly recordedAt: string;
  /** Hash of the previous event in the same stream; null for the first event. */
  readonly previousHash: string | null;
  /** SHA-256 (hex) over the canonical serialisation of this event (see hash-chain.ts). */
  readonly hash: string;
}

/** A stream holds the events of one aggregate instance, e.g. one risk or one ISMS scope. */
export interface StreamRef {
  readonly tenantId: string;
  readonly streamId: string;
  readonly streamType: string;
}
