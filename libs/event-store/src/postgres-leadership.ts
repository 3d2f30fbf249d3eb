import { createHash } from 'node:crypto';
import pg from 'pg';
import type { ProjectionLeadership } from '@isms/event-sourcing';
import type { SqlEventStore } from './sql-event-store.js';

export interface PostgresLeadershipOptions {
  /** The event store's database, e.g. postgres://isms:isms@127.0.0.1:5432/isms */
  readonly connectionString: string;
  /** The event store's schema: leads and announcements are per schema (per context's store). */
  readonly schema: string;
  readonly applicationName?: string;
  /** How often a projection this process does not lead is tried again (default 500 ms). */
  readonly retryMs?: number;
  /**
   * This process's event store: its appends are announced to the other processes, whose
   * announcements wake its tails at once (instead of after their poll interval).
   */
  readonly store?: SqlEventStore;
  /** Told about connection failures (the leads are lost; reconnection is automatic). */
  readonly onError?: (error: unknown) => void;
}

interface Contender {
  readonly onChange: (leading: boolean) => void;
  leading: boolean;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
/** A process that follows something says so this often; leaders announce while they hear it. */
const FOLLOWER_PING_MS = 1_000;
const FOLLOWER_SILENCE_MS = 3_500;

/**
 * ProjectionLeadership on PostgreSQL, for instances of a service sharing one event store:
 *
 * - The lead of a projection is a session advisory lock, `pg_try_advisory_lock(<schema>, <id>)`,
 *   held on one dedicated connection per process. It is tried again every `retryMs` by the
 *   processes that do not hold it. A process that dies loses its connection, so PostgreSQL
 *   releases its locks at once and another process takes over within `retryMs`; a process
 *   whose connection breaks hears of it, stops applying and competes again once reconnected
 *   (after three `retryMs`, leaving the lead to the others first).
 * - Announcements travel by LISTEN/NOTIFY on that connection, one channel per schema: a
 *   leader's checkpoint (`c:<position>:<id>`, so followers see a write applied within a
 *   millisecond or so) and this process's appends (`a:<position>`, so the leader's tail reads
 *   them at once). Best effort: followers also read the saved checkpoint now and then. Only
 *   while someone follows: a follower says so every second (`f`), a leader announces its
 *   checkpoints while it hears that, and a process announces its appends only while it follows
 *   something; a lone instance sends nothing.
 */
export class PostgresLeadership implements ProjectionLeadership {
  private client?: pg.Client;
  private connecting?: Promise<void>;
  private readonly contenders = new Map<string, Contender>();
  private readonly listeners = new Set<(id: string, position: number) => void>();
  private readonly channel: string;
  private readonly lockSpace: string;
  private readonly retryMs: number;
  private readonly timer: ReturnType<typeof setInterval>;
  private trying?: Promise<void>;
  private closed = false;
  /** After losing its connection, a process lets the others take over first. */
  private reconnectAfter = 0;
  /** The highest position appended here or announced to this process. */
  private knownHead = 0;
  /** When a process following something here was last heard of (its leaders announce only then). */
  private followerHeardAt = -Infinity;
  private lastFollowerPing = -Infinity;
  private readonly outbox = new Map<string, number>();
  private flushing = false;
  private readonly stopListening?: () => void;

  private constructor(private readonly options: PostgresLeadershipOptions) {
    if (!SCHEMA.test(options.schema)) {
      throw new Error(`Invalid schema name ${JSON.stringify(options.schema)}`);
    }
    const channel = `isms_lead_${options.schema}`;
    // Channel names are identifiers: at most 63 bytes.
    this.channel =
      channel.length <= 63
        ? channel
        : `isms_lead_${createHash('sha256').update(options.schema).digest('hex').slice(0, 40)}`;
    this.lockSpace = `isms-lead:${options.schema}`;
    this.retryMs = options.retryMs ?? 500;
    this.timer = setInterval(() => void this.tryLeads(), this.retryMs);
    this.timer.unref?.();
    const store = options.store;
    if (store) {
      this.stopListening = store.onAppended((position) => {
        if (position <= this.knownHead) return; // heard from another process: not ours to tell
        this.knownHead = position;
        // Only a leader elsewhere needs to know (a process leading everything keeps quiet).
        if (this.following()) this.send('a', position);
      });
    }
  }

  /** Connects (fails if PostgreSQL does not answer); leads are taken in the background. */
  static async connect(options: PostgresLeadershipOptions): Promise<PostgresLeadership> {
    const leadership = new PostgresLeadership(options);
    try {
      await leadership.ensureConnected();
    } catch (error) {
      await leadership.close();
      throw error;
    }
    return leadership;
  }

  compete(id: string, onChange: (leading: boolean) => void): () => Promise<void> {
    if (this.contenders.has(id)) throw new Error(`Already competing for ${id}`);
    const contender: Contender = { onChange, leading: false };
    this.contenders.set(id, contender);
    void this.tryLeads();
    return async () => {
      if (this.contenders.get(id) !== contender) return;
      this.contenders.delete(id);
      const client = this.client;
      if (contender.leading && client) {
        contender.leading = false;
        await client
          .query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [this.lockSpace, id])
          .catch(() => undefined); // a broken connection released it anyway
      }
    };
  }

  announce(id: string, position: number): void {
    // Nobody follows (one instance): no announcements, no cost.
    if (Date.now() - this.followerHeardAt > FOLLOWER_SILENCE_MS) return;
    this.send(`c:${id}`, position);
  }

  onAnnounced(listener: (id: string, position: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether this process competes for an id it does not lead (another process leads it). */
  private following(): boolean {
    for (const contender of this.contenders.values()) if (!contender.leading) return true;
    return false;
  }

  /** The ids this process leads now. */
  leads(): string[] {
    return [...this.contenders].filter(([, c]) => c.leading).map(([id]) => id);
  }

  /** Releases every lead (by closing the connection). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.stopListening?.();
    await this.trying?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.lost();
    await client?.end().catch(() => undefined);
  }

  private async ensureConnected(): Promise<pg.Client> {
    if (this.client) return this.client;
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    await this.connecting;
    if (!this.client) throw new Error('PostgreSQL leadership connection closed');
    return this.client;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: `${this.options.applicationName ?? 'isms'}-leadership`,
      // A peer gone without closing its socket (host down, network cut) is noticed within
      // seconds on both sides: the leads it held are released (server) and given up (client).
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    const broken = (error?: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.reconnectAfter = Date.now() + 3 * this.retryMs;
      this.lost();
      this.options.onError?.(error ?? new Error('PostgreSQL leadership connection ended'));
      client.end().catch(() => undefined);
    };
    client.on('error', broken);
    client.on('end', () => broken());
    client.on('notification', (message) => {
      if (message.processId === (client as unknown as { processID?: number }).processID) return;
      this.heard(message.payload ?? '');
    });
    await client.connect();
    try {
      await client.query(
        `SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; ` +
          `SET tcp_keepalives_count = 3; LISTEN "${this.channel}"`,
      );
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  /** The connection is gone: so are the locks it held. */
  private lost(): void {
    for (const contender of this.contenders.values()) {
      if (!contender.leading) continue;
      contender.leading = false;
      contender.onChange(false);
    }
  }

  private tryLeads(): Promise<void> {
    this.trying ??= this.tryLeadsNow().finally(() => (this.trying = undefined));
    return this.trying;
  }

  private async tryLeadsNow(): Promise<void> {
    if (this.closed || (!this.client && Date.now() < this.reconnectAfter)) return;
    let client: pg.Client;
    try {
      client = await this.ensureConnected(); // reconnects after a failure
    } catch (error) {
      this.options.onError?.(error);
      return;
    }
    const wanted = [...this.contenders].filter(([, c]) => !c.leading).map(([id]) => id);
    if (wanted.length === 0) return;
    if (Date.now() - this.lastFollowerPing >= FOLLOWER_PING_MS) {
      // Tells the leaders that someone follows: they announce their checkpoints from now on.
      this.lastFollowerPing = Date.now();
      this.send('f', this.lastFollowerPing);
    }
    try {
      const { rows } = await client.query<{ id: string; got: boolean }>(
        `SELECT id, pg_try_advisory_lock(hashtext($1), hashtext(id)) AS got
         FROM unnest($2::text[]) AS id`,
        [this.lockSpace, wanted],
      );
      for (const { id, got } of rows) {
        if (!got) continue;
        const contender = this.contenders.get(id);
        if (!contender || this.client !== client) {
          // Withdrawn meanwhile (or the connection changed): give the lock back.
          await client
            .query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [this.lockSpace, id])
            .catch(() => undefined);
          continue;
        }
        contender.leading = true;
        contender.onChange(true);
      }
    } catch (error) {
      this.options.onError?.(error); // the 'error' event (if any) already gave up the leads
    }
  }

  private heard(payload: string): void {
    const [kind, positionText, ...rest] = payload.split(':');
    if (kind === 'f') {
      this.followerHeardAt = Date.now();
    } else if (kind === 'c') {
      // c:<id>:<position> — ids may contain ':' (they are checkpoint ids).
      const parts = payload.slice(2).split(':');
      const position = Number(parts.pop());
      const id = parts.join(':');
      if (!Number.isInteger(position)) return;
      for (const listener of this.listeners) listener(id, position);
    } else if (kind === 'a' && rest.length === 0) {
      const position = Number(positionText);
      if (!Number.isInteger(position) || position <= this.knownHead) return;
      this.knownHead = position;
      this.options.store?.appendedElsewhere(position);
    }
  }

  /** Queues an announcement (only the highest position per key) and sends the queue. */
  private send(key: string, position: number): void {
    if (this.closed) return;
    if ((this.outbox.get(key) ?? -1) >= position) return;
    this.outbox.set(key, position);
    if (!this.flushing) void this.flush();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.outbox.size > 0 && !this.closed) {
        const payloads = [...this.outbox].map(([key, position]) => `${key}:${position}`);
        this.outbox.clear();
        const client = this.client;
        if (!client) return; // nobody hears us while disconnected; followers poll meanwhile
        await client
          .query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [
            this.channel,
            payloads,
          ])
          .catch((error: unknown) => this.options.onError?.(error));
      }
    } finally {
      this.flushing = false;
    }
  }
}
