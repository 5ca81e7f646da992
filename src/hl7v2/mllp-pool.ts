/**
 * Persistent MLLP connections to one listener, for a sender with many messages (an integration engine under load):
 * a small pool of connections kept open, each carrying one message at a time and waiting for its ACK — MLLP's
 * original-mode discipline, which every listener accepts — with the messages beyond the pool queued in arrival order.
 * A reply is matched to its message by MSA-2 = MSH-10; a late ACK of an earlier message on that connection is
 * skipped, and any other reply is the answer (a listener that does not echo MSH-10 is judged on it, not lost).
 * A connection the peer closed is dropped and the next message opens another; one whose reply failed or timed out
 * is closed (a late reply must not answer the next message). Every send is bounded by its `timeoutMs`, queueing and
 * connecting included, and never throws: a failure says what it waited for, as `exchangeMllp` does.
 * One connection per message (`exchangeMllp`) stays what a conformance test uses to probe a listener; a receiver
 * must accept both (the pe-ris contract names neither).
 */
import { parseEr7, valueAt } from './er7.ts';
import { MllpConnection, MllpError, type MllpReply } from './mllp-sender.ts';

export interface MllpPoolOptions {
  host: string;
  port: number;
  /** Connections held open at once. Default 4. */
  connections?: number;
  maxReplyBytes?: number;
}

/** Late ACKs remembered per connection (control ids it already answered or gave up on). */
const REMEMBERED_IDS = 32;

interface Link {
  connection: MllpConnection;
  /** Control ids sent on this connection: an ACK naming one of them is late, not the current answer. */
  sent: string[];
}

interface Waiter {
  grant: (link: Link | MllpReply) => void;
  deadline: number;
}

export class MllpPool {
  readonly #idle: Link[] = [];
  readonly #queue: Waiter[] = [];
  #open = 0;
  #closed = false;
  readonly #max: number;
  /** Connections opened, messages sent over a connection already open, late replies skipped. */
  readonly stats = { opened: 0, reused: 0, lateRepliesSkipped: 0 };

  constructor(private readonly opts: MllpPoolOptions) {
    this.#max = Math.max(1, opts.connections ?? 4);
  }

  /** Sends framed `bytes` and waits for the reply to `controlId` (MSH-10), all within `timeoutMs`. */
  async exchange(bytes: Buffer, { timeoutMs = 5000, controlId = controlIdOf(bytes) }: { timeoutMs?: number; controlId?: string } = {}): Promise<MllpReply> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    const got = await this.#acquire(deadline);
    if (!('connection' in got)) return { ...got, elapsedMs: Date.now() - started };
    const link = got;
    let healthy = false;
    try {
      link.connection.sendRaw(bytes);
      for (;;) {
        const reply = await link.connection.nextReply(Math.max(0, deadline - Date.now()));
        if (reply.ok && this.#isLate(link, reply.ack, controlId)) {
          this.stats.lateRepliesSkipped++;
          continue;
        }
        healthy = reply.ok && reply.framing.length === 0;
        return { ...reply, elapsedMs: Date.now() - started };
      }
    } finally {
      if (controlId) link.sent.push(controlId);
      if (link.sent.length > REMEMBERED_IDS) link.sent.shift();
      this.#release(link, healthy);
    }
  }

  /** Closes every connection; queued sends fail at once. */
  close(): void {
    this.#closed = true;
    for (const link of this.#idle.splice(0)) link.connection.close();
    for (const w of this.#queue.splice(0)) w.grant(this.#failure('closed-before-reply', 'the pool was closed', 0));
  }

  get openConnections(): number {
    return this.#open;
  }

  #isLate(link: Link, ack: string, controlId: string | undefined): boolean {
    const msa2 = valueAt(parseEr7(ack), { segment: 'MSA', field: 2 });
    return msa2 !== '' && msa2 !== controlId && link.sent.includes(msa2);
  }

  /** An idle open connection, a new one while under the limit, or a place in the queue until one is released. */
  async #acquire(deadline: number): Promise<Link | MllpReply> {
    if (this.#closed) return this.#failure('closed-before-reply', 'the pool was closed', 0);
    while (this.#idle.length > 0) {
      const link = this.#idle.pop()!;
      if (link.connection.isOpen) {
        this.stats.reused++;
        return link;
      }
      this.#open--;
    }
    if (this.#open < this.#max) return this.#connect(deadline);
    return new Promise((resolve) => {
      const waiter: Waiter = { grant: resolve, deadline };
      this.#queue.push(waiter);
      const timer = setTimeout(
        () => {
          const i = this.#queue.indexOf(waiter);
          if (i < 0) return;
          this.#queue.splice(i, 1);
          resolve(this.#failure('reply-timeout', `a free connection of ${this.#max} to ${this.#where} before the deadline`, deadline - Date.now()));
        },
        Math.max(0, deadline - Date.now()),
      );
      waiter.grant = (link) => {
        clearTimeout(timer);
        resolve(link);
      };
    });
  }

  async #connect(deadline: number): Promise<Link | MllpReply> {
    this.#open++;
    try {
      const connection = await MllpConnection.open(this.opts.host, this.opts.port, {
        connectTimeoutMs: Math.max(1, deadline - Date.now()),
        ...(this.opts.maxReplyBytes === undefined ? {} : { maxReplyBytes: this.opts.maxReplyBytes }),
      });
      this.stats.opened++;
      const link: Link = { connection, sent: [] };
      // Closed by the peer while idle (its idle limit, a restart): the slot is free at once for the next message.
      connection.onClose = () => {
        const i = this.#idle.indexOf(link);
        if (i < 0) return;
        this.#idle.splice(i, 1);
        this.#open--;
        this.#handOn();
      };
      return link;
    } catch (error) {
      this.#open--;
      this.#handOn();
      if (error instanceof MllpError) return { ok: false, reason: error.reason, waitedFor: error.waitedFor, elapsedMs: error.elapsedMs, detail: error.detail };
      return this.#failure('socket-error', String(error), 0);
    }
  }

  /** A healthy connection goes to the next queued send (or idles); any other is closed and its slot handed on. */
  #release(link: Link, healthy: boolean): void {
    if (healthy && link.connection.isOpen && !this.#closed) {
      const next = this.#queue.shift();
      if (next) {
        this.stats.reused++;
        next.grant(link);
      } else this.#idle.push(link);
      return;
    }
    link.connection.close();
    this.#open--;
    this.#handOn();
  }

  /** A slot freed: the first queued send opens a connection in it. */
  #handOn(): void {
    const next = this.#queue.shift();
    if (!next) return;
    this.#open < this.#max ? void this.#connect(next.deadline).then(next.grant) : this.#queue.unshift(next);
  }

  get #where(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  #failure(reason: 'reply-timeout' | 'closed-before-reply' | 'socket-error', waitedFor: string, elapsedMs: number): MllpReply {
    return { ok: false, reason, waitedFor, elapsedMs, detail: reason === 'reply-timeout' ? `no connection to ${this.#where} came free in time` : waitedFor };
  }
}

/** MSH-10 of a framed message (VT … FS CR), for the correlation; undefined for bytes that are not one. */
function controlIdOf(bytes: Buffer): string | undefined {
  const start = bytes.indexOf(0x0b);
  const end = bytes.indexOf(0x1c);
  if (start < 0 || end < start) return undefined;
  const id = valueAt(parseEr7(bytes.subarray(start + 1, end).toString('utf8')), { segment: 'MSH', field: 10 });
  return id || undefined;
}
