/**
 * Sello's own calls in pe-ris scenarios, each journaled: as a SIHCE user (FHIR), as Qhali's stand-in (triage Bundles
 * to the engine or to SIHCE), as the engine's stand-in (HL7 v2 over MLLP to SIHCE, notifications to Qhali), and
 * Qhali's test-control API. Party names start with `sello` so the report tells Sello's calls from the roles' own.
 */

import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { fhirRequest } from '../../../src/transport/fhir-http.ts';
import { type HttpResponse, sendHttp } from '../../../src/transport/http-client.ts';
import { infrastructureCause, MllpUnreachableError, mllpUrl, sendV2 } from '../../../src/transport/mllp-client.ts';
import { PARTY } from './constants.ts';
import type { RisEndpoints } from './endpoints.ts';

export const SELLO = { sihceUser: 'sello (SIHCE user)', qhali: 'sello (Qhali)', engine: 'sello (engine)', control: 'sello' } as const;

export interface Sent<T> {
  result: T;
  exchange: ExchangeEntry;
}

export class RisClient {
  constructor(
    private readonly journal: ExchangeJournal,
    readonly endpoints: RisEndpoints,
    private readonly timeoutMs = 10_000,
  ) {}

  /**
   * The exchange a call of Sello's recorded. Mocks in this process journal their own traffic concurrently, so the
   * entry is picked by its sender (Sello's party names are its own) while the call runs.
   */
  async #capture<T>(from: string, call: () => Promise<T>): Promise<Sent<T>> {
    const mine: ExchangeEntry[] = [];
    const off = this.journal.onRecord((entry) => {
      if (entry.from === from) mine.push(entry);
    });
    try {
      const result = await call();
      return { result, exchange: mine.at(-1)! };
    } finally {
      off();
    }
  }

  async sihce(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<Sent<HttpResponse>> {
    return this.#capture(SELLO.sihceUser, () =>
      fhirRequest(this.journal, {
        method,
        path,
        base: this.endpoints.sihce.fhirBaseUrl,
        ...(body !== undefined ? { body } : {}),
        from: SELLO.sihceUser,
        to: PARTY.sihce,
        timeoutMs: this.timeoutMs,
        ...(contentType ? { contentType } : {}),
        ...(this.endpoints.sihce.authorization ? { headers: { authorization: this.endpoints.sihce.authorization } } : {}),
      }),
    );
  }

  /** A triage Bundle (or any body) POSTed as Qhali would: to the engine, or straight to SIHCE. */
  async postTriage(to: 'engine' | 'sihce', body: unknown): Promise<Sent<HttpResponse>> {
    const base = to === 'engine' ? this.endpoints.engine.fhirBaseUrl : this.endpoints.sihce.fhirBaseUrl;
    return this.#capture(SELLO.qhali, () => fhirRequest(this.journal, { method: 'POST', path: base, base, body, from: SELLO.qhali, to: PARTY[to], timeoutMs: this.timeoutMs }));
  }

  async qhaliTriage(request: unknown): Promise<Sent<HttpResponse>> {
    return this.#capture(SELLO.control, () =>
      sendHttp(this.journal, {
        method: 'POST',
        url: `${this.endpoints.qhali.controlUrl}/triajes`,
        body: request,
        from: SELLO.control,
        to: PARTY.qhali,
        timeoutMs: this.timeoutMs,
      }),
    );
  }

  async qhaliAvisos(seguimiento: string): Promise<{ seguimiento: string; estado: string; evento?: number }[]> {
    const r = await sendHttp(this.journal, {
      method: 'GET',
      url: `${this.endpoints.qhali.controlUrl}/avisos?seguimiento=${encodeURIComponent(seguimiento)}`,
      from: SELLO.control,
      to: PARTY.qhali,
      timeoutMs: this.timeoutMs,
    });
    const avisos = (r.json as { avisos?: unknown } | undefined)?.avisos;
    return Array.isArray(avisos) ? (avisos as { seguimiento: string; estado: string; evento?: number }[]) : [];
  }

  /**
   * One HL7 v2 message (or raw bytes) to SIHCE's MLLP listener, as the engine would send it. A listener that cannot
   * be reached or resets the connection (after one retry), or leaves a well-formed message unanswered, is the weather:
   * an InfrastructureError. Raw bytes left unanswered stay a finding for the step (answering them is the test).
   */
  async mllp(send: { message?: string; raw?: Buffer; bytes?: Buffer; timeoutMs?: number }): Promise<ExchangeEntry> {
    const sent = await this.#capture(SELLO.engine, () =>
      sendV2(this.journal, {
        to: this.endpoints.sihce.mllp,
        from: SELLO.engine,
        toParty: PARTY.sihce,
        timeoutMs: send.timeoutMs ?? this.timeoutMs,
        retryOnce: true,
        ...(send.message !== undefined ? { message: send.message } : {}),
        ...(send.raw ? { raw: send.raw } : {}),
        ...(send.bytes ? { bytes: send.bytes } : {}),
      }),
    );
    const reply = sent.result;
    if (!reply.ok && reply.reason !== 'bad-reply-frame' && (send.raw === undefined || reply.reason !== 'reply-timeout')) {
      throw new MllpUnreachableError(mllpUrl(this.endpoints.sihce.mllp), infrastructureCause(reply.reason), `${reply.reason}: ${reply.detail}`, sent.exchange.id);
    }
    return sent.exchange;
  }
}
