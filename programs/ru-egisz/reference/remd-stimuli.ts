/**
 * What Sello's stand-in REMD does on demand when a MIS or a gateway is under test: the "Sello (REMD) …" sentences of
 * requirements.json. Deliberately wrong messages (a SOAP 1.1 callback, one relating to no request) go out as
 * `sello (remd)` and are not judged; what a correct REMD would also send (a callback, its repeat, a file pull) goes
 * out as `remd`.
 */
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { newUrnUuid, type SoapCallResult, soapCall } from '../../../src/soap/index.ts';
import { PARTY, type RegisterDocumentResult, type RemdError, stimulusParty } from '../lib/contract.ts';
import { registerDocumentResultBody, ruEnvelope } from '../lib/messages.ts';
import { type Pulled, pullDocumentFile } from './remd-processing.ts';
import { asSoap11 } from './ru-soap.ts';

export interface SendCallbackOptions {
  /** The callback in a SOAP 1.1 envelope, as text/xml (RR-08.3). */
  soap11?: boolean;
  /** relatesToMessage naming no request the receiver made (RR-05.2). */
  unknownRelatesTo?: boolean;
  /** The same envelope, the same MessageID, sent twice (RR-15.3). */
  twiceSameMessageId?: boolean;
  /** A refusal with these errors instead of the result's (RR-10.4, RR-14.4). */
  errors?: RemdError[];
  /** Journal party of the receiver; `mis` unless told. */
  to?: string;
}

export interface RemdStimuli {
  /** The next registerDocument(s) answered with this classifier code's Fault instead of being accepted (RR-14.2, RR-17). */
  nextRegisterAnswer(code: string, times?: number): void;
  /** Every callback withheld from now on (true) or delivered again (false): RR-15.4. */
  withholdCallbacks(on: boolean): void;
  /** The callback of one document (by localUid) withheld. */
  withholdCallback(localUid: string): void;
  /** Back to behaving: no queued fault, nothing withheld. */
  reset(): void;
  sendCallback(url: string, result: RegisterDocumentResult, options?: SendCallbackOptions): Promise<SoapCallResult[]>;
  /** getDocumentFile(localUid) at `url` (RR-06.1, RR-06.2, RR-14.5): the file, or why there is none, and the call. */
  pullFile(url: string, localUid: string, options?: { to?: string }): Promise<Pulled>;
}

/** The stand-in's switches, read by the REMD's handlers. */
export class StimulusState {
  readonly queued: string[] = [];
  withholdAll = false;
  readonly withheld = new Set<string>();

  takeQueued(): string | undefined {
    return this.queued.shift();
  }

  isWithheld(localUid: string): boolean {
    return this.withholdAll || this.withheld.has(localUid);
  }
}

export function remdStimuli(state: StimulusState, o: { journal: ExchangeJournal; timeoutMs: number }): RemdStimuli {
  return {
    nextRegisterAnswer: (code, times = 1) => {
      for (let i = 0; i < times; i++) state.queued.push(code);
    },
    withholdCallbacks: (on) => {
      state.withholdAll = on;
    },
    withholdCallback: (localUid) => {
      state.withheld.add(localUid);
    },
    reset: () => {
      state.queued.length = 0;
      state.withholdAll = false;
      state.withheld.clear();
    },
    sendCallback: async (url, result, options = {}) => {
      const wrong = options.soap11 === true || options.unknownRelatesTo === true;
      let sent: RegisterDocumentResult = options.unknownRelatesTo ? { ...result, relatesToMessage: newUrnUuid() } : result;
      if (options.errors) {
        const { emdrId: _e, registrationDate: _d, ...refused } = sent;
        sent = { ...refused, status: 'error', errors: options.errors };
      }
      let text = ruEnvelope('registerDocumentResult', { body: registerDocumentResultBody(sent), messageId: newUrnUuid() });
      const headers: Record<string, string> = {};
      if (options.soap11) {
        text = asSoap11(text);
        headers['content-type'] = 'text/xml; charset=utf-8';
      }
      const calls: SoapCallResult[] = [];
      for (let i = 0; i < (options.twiceSameMessageId ? 2 : 1); i++) {
        calls.push(await soapCall(url, text, { journal: o.journal, from: wrong ? stimulusParty('remd') : PARTY.remd, to: options.to ?? PARTY.mis, timeoutMs: o.timeoutMs, headers }));
      }
      return calls;
    },
    pullFile: (url, localUid, options = {}) => pullDocumentFile(url, localUid, { journal: o.journal, from: PARTY.remd, to: options.to ?? PARTY.mis, timeoutMs: o.timeoutMs }),
  };
}
