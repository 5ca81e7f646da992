/**
 * SIHCE's HL7 v2 MLLP listener (a hapi plugin, so it starts and stops with the FHIR server). It uses
 * src/hl7v2/mllp.ts, not node-hl7-server, which cannot answer garbage. ACKs follow the reference receiver of
 * src/hl7v2/ack.ts: AA/AE/AR or CA/CE/CR, MSA-2 the original MSH-10, ERR on every refusal; a retransmission gets its
 * first ACK again and registers nothing twice; garbage and bad framing get AR with ERR, and the listener keeps serving.
 */
import type Hapi from '@hapi/hapi';
import { buildAck, ControlIdTracker, type Er7Message, type MllpListener, type MllpListenerEvent, parseEr7, referenceAck, startMllpListener, valueAt } from '../../../../src/hl7v2/index.ts';
import { mllpUrl } from '../../../../src/transport/mllp-client.ts';
import { PARTY, V2_APPLICATION } from '../../lib/constants.ts';
import { PE_RIS_V2 } from '../../lib/v2-contract.ts';
import { messageType } from '../../lib/v2-messages.ts';
import type { SihceContext } from './context.ts';
import { processV2 } from './from-v2.ts';

export interface SihceMllpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Journal MLLP messages the listener receives (when the sender is not Sello's own, e.g. an external engine). */
  journalInbound: boolean;
  /** Silence allowed inside an open frame before it is answered AR (default FRAME_TIMEOUT_MS). */
  frameTimeoutMs?: number;
}

/**
 * Silence inside an open frame before AR, facing a sender across a network (an engine under test). The pe-ris contract
 * names no value; a sender in this process (Sello) never pauses mid-frame unless on purpose, so the deployment gives
 * it less (FRAME_TIMEOUT_LOOPBACK_MS) and the scenario of a frame that never closes gets its AR sooner.
 */
export const FRAME_TIMEOUT_MS = 2000;
export const FRAME_TIMEOUT_LOOPBACK_MS = 300;

const SENDER = { application: V2_APPLICATION.sihce, facility: V2_APPLICATION.facility };

export class SihceMllp {
  #listener: MllpListener | undefined;
  #forced: { code: 'AE' | 'AR'; left: number } | undefined;
  readonly #tracker = new ControlIdTracker();

  constructor(
    private readonly ctx: SihceContext,
    private readonly opts: SihceMllpOptions,
  ) {}

  /** The listener's port, once the server has started. */
  get port(): number {
    return this.#listener?.port ?? this.opts.port;
  }

  /** Test control: the next `count` messages are refused (AE, or AR) unprocessed. */
  refuseNext(count: number, code: 'AE' | 'AR'): void {
    this.#forced = { code, left: count };
  }

  readonly plugin: Hapi.Plugin<undefined> = {
    name: 'sihce-mllp',
    register: (server) => {
      server.ext('onPreStart', async () => {
        this.#listener = await this.#listen();
      });
      server.ext('onPostStop', async () => {
        await this.#listener?.close();
      });
    },
  };

  #listen(): Promise<MllpListener> {
    const { faults } = this.ctx;
    return startMllpListener({
      host: this.opts.host,
      port: this.opts.port,
      onMessage: (text, info) => this.#onMessage(text, info),
      idleMs: 150,
      frameTimeoutMs: this.opts.frameTimeoutMs ?? FRAME_TIMEOUT_MS,
      // A vendor's framing slip: the ACK frame ends with FS and no CR.
      ...(faults.has('ack-without-cr') ? { frame: (reply: string) => Buffer.concat([Buffer.from([0x0b]), Buffer.from(reply, 'utf8'), Buffer.from([0x1c])]) } : {}),
      answerFraming: !faults.has('garbage-unanswered'),
      sender: SENDER,
      onEvent: (event) => this.#journal(event),
    });
  }

  #onMessage(text: string, info: { encoding: 'utf-8' | 'latin1' }): string | undefined {
    const { faults } = this.ctx;
    // v1.1: bytes that do not match MSH-18 are the sender's error: AE with ERR, nothing processed.
    const declared = valueAt(parseEr7(text), { segment: 'MSH', field: 18 });
    if (info.encoding !== 'utf-8' && /UTF-8/i.test(declared) && !faults.has('ignore-charset')) {
      return buildAck(
        parseEr7(text),
        'AE',
        [{ code: '103', location: 'MSH-18', message: `Los bytes del mensaje no son ${declared} (MSH-18).`, diagnostic: `The message's bytes are not valid ${declared} as MSH-18 declares` }],
        { sender: SENDER },
      );
    }
    // The defect: the scheduling module is not set up, so every SIU^S12 is refused.
    if (faults.has('ae-on-siu') && messageType(parseEr7(text)) === 'SIU^S12') {
      return buildAck(parseEr7(text), 'AE', [{ code: '207', message: 'Agenda no disponible.', diagnostic: 'Scheduling unavailable' }], { sender: SENDER });
    }
    const forced = this.#forced;
    if (forced && forced.left > 0) {
      forced.left--;
      return buildAck(parseEr7(text), forced.code, [{ code: '207', message: 'Rechazado a pedido de la prueba (SIHCE de Sello).', diagnostic: 'Refusal requested by the test' }], { sender: SENDER });
    }
    const r = referenceAck(text, { ...PE_RIS_V2, tracker: this.#tracker, sender: SENDER });
    const m = parseEr7(text);
    const reusedAccepted = faults.has('accept-reused-id') && r.duplicate === 'conflict';
    if (reusedAccepted) {
      const done = processV2(this.ctx, m);
      if (done.ok) return this.#plantAckFaults(buildAck(m, 'AA', [], { sender: SENDER }), m);
    }
    if (!r.process && !(faults.has('duplicate-patient') && r.duplicate === 'retransmission')) return this.#plantAckFaults(r.ack, m);
    const done = processV2(this.ctx, m);
    if (done.ok) return this.#plantAckFaults(r.ack, m);
    return this.#plantAckFaults(buildAck(m, 'AE', [{ code: done.code, location: done.location, message: done.es, diagnostic: done.en }], { sender: { application: V2_APPLICATION.sihce } }), m);
  }

  /** Planted ACK defects: MSA-2 not echoed, no ERR on a refusal, the original mode's codes in enhanced mode. */
  #plantAckFaults(ack: string | undefined, original: Er7Message): string | undefined {
    const { faults } = this.ctx;
    if (ack === undefined) return ack;
    let segs = ack.split('\r').filter((x) => x !== '');
    if (faults.has('msa2-not-echoed'))
      segs = segs.map((x) =>
        x.startsWith('MSA|')
          ? x
              .split('|')
              .map((f, i) => (i === 2 ? (segs[0]!.split('|')[9] ?? '') : f))
              .join('|')
          : x,
      );
    if (faults.has('no-err')) segs = segs.filter((x) => !x.startsWith('ERR|'));
    if (faults.has('original-mode-in-enhanced') && original.ok && valueAt(original, { segment: 'MSH', field: 15 }) !== '') {
      segs = segs.map((x) => (x.startsWith('MSA|') ? x.replace(/^MSA\|C([AER])/, 'MSA|A$1') : x));
    }
    return segs.map((x) => `${x}\r`).join('');
  }

  #journal(event: MllpListenerEvent): void {
    if (!this.opts.journalInbound) return;
    const now = new Date().toISOString();
    const url = mllpUrl({ host: this.opts.host, port: this.port });
    if (event.kind === 'message') {
      const m = parseEr7(event.message);
      this.ctx.journal.record({
        protocol: 'mllp',
        observedBy: 'server',
        from: PARTY.engine,
        to: PARTY.sihce,
        method: m.ok ? messageType(m) : 'HL7 v2',
        url,
        ...(m.ok ? { messageId: valueAt(m, { segment: 'MSH', field: 10 }) } : {}),
        startedAt: now,
        finishedAt: now,
        request: { headers: { encoding: event.encoding }, body: event.message },
        response: { headers: {}, body: event.ack ?? '' },
      });
    } else if (event.kind === 'garbage' || event.kind === 'bad-frame') {
      this.ctx.journal.record({
        protocol: 'mllp',
        observedBy: 'server',
        from: event.remote,
        to: PARTY.sihce,
        method: 'raw bytes',
        url,
        startedAt: now,
        finishedAt: now,
        request: { headers: { framing: event.kind === 'garbage' ? 'garbage' : event.reason }, body: `[${event.bytes} bytes]` },
        response: { headers: {}, body: event.ack },
      });
    }
  }
}
