/**
 * Who applies a projection when several processes run it over one event store, one read store
 * and one checkpoint (instances of a service). One process leads each projection: it applies
 * the events and saves the checkpoint. The others follow that checkpoint, so that their
 * `waitUntilCaughtUp` still tells when a write of theirs is visible to readers
 * (read-your-writes), without applying anything twice.
 *
 * A runner without one (the embedded app: a single process) leads every projection itself.
 */
export interface ProjectionLeadership {
  /**
   * Competes for the lead of `id` (a checkpoint id) until the returned function is called.
   * `onChange(true)` once this process leads it; `onChange(false)` when it stops leading without
   * having withdrawn (e.g. its connection to the lock was lost). Calls alternate, starting with
   * `true`.
   */
  compete(id: string, onChange: (leading: boolean) => void): () => Promise<void>;
  /** Tells the followers elsewhere that `id` has applied everything up to `position` (best effort). */
  announce(id: string, position: number): void;
  /** Checkpoints announced by leaders in other processes. */
  onAnnounced(listener: (id: string, position: number) => void): () => void;
}

/**
 * Leadership among runners of one process, as if each were another process (for tests): the
 * first to compete for an id leads it; when it withdraws or is `depose`d, the next one does.
 */
export class InMemoryLeadershipGroup {
  private readonly contenders = new Map<string, Member[]>();
  private readonly members = new Set<Member>();
  private readonly leaders = new Map<string, Member>();

  /** A member: what one process's runner is given. */
  member(): ProjectionLeadership & { readonly name: string } {
    const member = new Member(this, `member-${this.members.size + 1}`);
    this.members.add(member);
    return member;
  }

  leaderOf(id: string): string | undefined {
    return this.leaders.get(id)?.name;
  }

  /** The leader of `id` loses it (as if its lock connection broke) and competes again. */
  depose(id: string): void {
    const leader = this.leaders.get(id);
    if (!leader) return;
    this.leaders.delete(id);
    const queue = this.contenders.get(id) ?? [];
    this.contenders.set(id, [...queue.filter((m) => m !== leader), leader]);
    leader.changed(id, false);
    this.elect(id);
  }

  /** @internal */
  join(id: string, member: Member): void {
    this.contenders.set(id, [...(this.contenders.get(id) ?? []), member]);
    this.elect(id);
  }

  /** @internal */
  leave(id: string, member: Member): void {
    this.contenders.set(
      id,
      (this.contenders.get(id) ?? []).filter((m) => m !== member),
    );
    if (this.leaders.get(id) === member) {
      this.leaders.delete(id);
      this.elect(id);
    }
  }

  /** @internal */
  broadcast(from: Member, id: string, position: number): void {
    for (const member of this.members) if (member !== from) member.announced(id, position);
  }

  private elect(id: string): void {
    if (this.leaders.has(id)) return;
    const next = this.contenders.get(id)?.[0];
    if (!next) return;
    this.leaders.set(id, next);
    next.changed(id, true);
  }
}

class Member implements ProjectionLeadership {
  private readonly handlers = new Map<string, (leading: boolean) => void>();
  private readonly listeners = new Set<(id: string, position: number) => void>();

  constructor(
    private readonly group: InMemoryLeadershipGroup,
    readonly name: string,
  ) {}

  compete(id: string, onChange: (leading: boolean) => void): () => Promise<void> {
    this.handlers.set(id, onChange);
    // Asynchronously, like a lock taken over the network.
    queueMicrotask(() => {
      if (this.handlers.get(id) === onChange) this.group.join(id, this);
    });
    return async () => {
      if (this.handlers.get(id) !== onChange) return;
      this.handlers.delete(id);
      this.group.leave(id, this);
    };
  }

  announce(id: string, position: number): void {
    this.group.broadcast(this, id, position);
  }

  onAnnounced(listener: (id: string, position: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(id: string, leading: boolean): void {
    this.handlers.get(id)?.(leading);
  }

  announced(id: string, position: number): void {
    for (const listener of this.listeners) listener(id, position);
  }
}
