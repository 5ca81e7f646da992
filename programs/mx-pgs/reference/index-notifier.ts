import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { sendHttp } from '../../../src/transport/http-client.ts';
import { sleep } from '../../../src/util/wait.ts';
import { fetchClientToken } from '../lib/client-token.ts';
import type { EventoIndice, Institucion } from '../lib/types.ts';

export interface CentralIndexEndpoint {
  /** Base of the SSA node's API, e.g. http://127.0.0.1:7301/pgs/v1 */
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

const ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 250;

/**
 * RN-09: a node reports each state change to the central index. Delivery runs in the background with
 * bounded retries so that an index outage never blocks or fails the node's own acuse.
 */
export class IndexNotifier {
  readonly #pending = new Set<Promise<void>>();
  /** Events sent per CURP: with the CURP (seeded in a scenario) it names the event, so its message id replays too. */
  readonly #sentPerCurp = new Map<string, number>();
  readonly #ids = new SeededRandom('pgs-index-events');
  readonly #lastPerCurp = new Map<string, Promise<void>>();
  #token: string | undefined;

  constructor(
    private readonly institucion: Institucion,
    private readonly endpoint: CentralIndexEndpoint,
    private readonly journal: ExchangeJournal,
    private readonly delayMs = 0,
    private readonly faults = new FaultSet(),
  ) {}

  notify(event: EventoIndice): void {
    const n = (this.#sentPerCurp.get(event.curp) ?? 0) + 1;
    this.#sentPerCurp.set(event.curp, n);
    const seeded = this.#ids.fork(`${this.institucion}:${event.curp}:${n}`).uuid();
    // Planted: a message id of the node's own numbering; an event without its timestamp.
    const messageId = this.faults.has('event-non-uuid-message-id') ? `EVT-${event.curp}-${n}` : seeded;
    const sent = this.faults.has('event-missing-ocurridoEn') ? (({ ocurridoEn: _, ...rest }) => rest)(event) : event;
    // One CURP's events go out in order: a baja overtaking its alta would leave the index showing VIGENTE.
    const previous = this.#lastPerCurp.get(event.curp) ?? Promise.resolve();
    const delivery: Promise<void> = previous
      .then(() => this.#deliver(sent as EventoIndice, messageId))
      .finally(() => {
        this.#pending.delete(delivery);
        if (this.#lastPerCurp.get(event.curp) === delivery) this.#lastPerCurp.delete(event.curp);
      });
    this.#lastPerCurp.set(event.curp, delivery);
    this.#pending.add(delivery);
  }

  /** For shutdown: lets in-flight deliveries finish rather than cutting them mid-request. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  async #deliver(event: EventoIndice, messageId: string): Promise<void> {
    if (this.delayMs > 0) await sleep(this.delayMs);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        this.#token ??= await fetchClientToken(this.journal, {
          tokenUrl: this.endpoint.tokenUrl,
          clientId: this.endpoint.clientId,
          clientSecret: this.endpoint.clientSecret,
          from: this.institucion,
          to: 'SSA',
        });
        const response = await sendHttp(this.journal, {
          method: 'POST',
          url: `${this.endpoint.baseUrl}/indice/eventos`,
          headers: { authorization: `Bearer ${this.#token}`, 'x-message-id': messageId, 'x-institucion': this.institucion },
          body: event,
          from: this.institucion,
          to: 'SSA',
          messageId,
        });
        if (response.status === 401) this.#token = undefined;
        if (response.status < 500 && response.status !== 401) return;
      } catch {
        // Unreachable index: retried below, as an outage must not lose the event.
      }
      await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
    }
  }
}
