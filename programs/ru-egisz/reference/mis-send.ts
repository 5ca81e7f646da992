/**
 * How the reference MIS sends one registerDocument: its envelope (transportHeader with the MIS's clientEntityId,
 * a fresh `urn:uuid:` MessageID) or the same with one transport defect Sello sends on purpose, and RR-17's back-off:
 * after a RATE_LIMIT fault the MIS waits at least a second and repeats with a new MessageID and the very same
 * metadata and digest. A deliberate stimulus is sent once, as it is, never repeated.
 */
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { newUrnUuid, type SoapCallResult, soapCall } from '../../../src/soap/index.ts';
import { EndpointUnreachableError } from '../../../src/transport/http-client.ts';
import { sleep } from '../../../src/util/wait.ts';
import type { RegisterDocumentMetadata } from '../lib/contract.ts';
import { registerDocumentBody, ruEnvelope } from '../lib/messages.ts';
import { asSoap11, faultCode } from './ru-soap.ts';

/** Defects of the request rather than the document. */
export type TransportDefect = 'soap11' | 'text-xml' | 'no-client-entity-id' | 'unknown-client-entity-id' | 'malformed-xml' | 'non-uuid-message-id' | { reuseMessageId: string };

/** RR-17: at least one second between a RATE_LIMIT and the repeat. */
export const MIN_BACKOFF_MS = 1000;

export interface SendOptions {
  journal: ExchangeJournal;
  url: string;
  from: string;
  to: string;
  clientEntityId: string;
  timeoutMs: number;
  defect?: TransportDefect;
  /** A GUID REMD does not know (the `unknown-client-entity-id` defect). */
  strangerId: () => string;
  /** Repeats after RATE_LIMIT (0: none); the wait before each, never under MIN_BACKOFF_MS unless `backoffMs` is 0 on purpose. */
  retries: number;
  backoffMs: number;
  /** The MessageID of the first attempt, when the caller chose it (a planted fault reuses one). */
  messageId?: string;
  /** Told each MessageID before its request leaves. */
  onMessageId?: (messageId: string) => void;
}

export interface SendOutcome {
  /** Every MessageID sent, in order. */
  messageIds: string[];
  calls: SoapCallResult[];
  /** The last answer's classifier code when it was a Fault. */
  faultCode?: string;
  status: 'accepted' | 'refused' | 'unreachable';
  unreachable?: string;
}

/** The envelope text and HTTP headers of one attempt. */
export function registerRequest(
  metadata: RegisterDocumentMetadata,
  messageId: string,
  options: Pick<SendOptions, 'clientEntityId' | 'defect' | 'strangerId'>,
): { text: string; headers: Record<string, string> } {
  const { defect } = options;
  const clientEntityId = defect === 'no-client-entity-id' ? undefined : defect === 'unknown-client-entity-id' ? options.strangerId() : options.clientEntityId;
  let text = ruEnvelope('registerDocument', { body: registerDocumentBody(metadata), messageId, ...(clientEntityId ? { clientEntityId } : {}) });
  const headers: Record<string, string> = {};
  if (defect === 'soap11') {
    text = asSoap11(text);
    headers['content-type'] = 'text/xml; charset=utf-8';
    headers.soapaction = '"registerDocument"';
  }
  if (defect === 'text-xml') headers['content-type'] = 'text/xml; charset=utf-8';
  // Cut inside the Body: the declaration and envelope open, the closing tags never come.
  if (defect === 'malformed-xml') text = text.slice(0, text.lastIndexOf('</'));
  return { text, headers };
}

function firstMessageId(options: SendOptions): string {
  const { defect } = options;
  if (typeof defect === 'object') return defect.reuseMessageId;
  if (defect === 'non-uuid-message-id') return `mis-request-${Date.now()}`;
  return options.messageId ?? newUrnUuid();
}

/** Sends the registration, repeating after RATE_LIMIT as RR-17 says; never throws for an unreachable service. */
export async function sendRegistration(metadata: RegisterDocumentMetadata, options: SendOptions): Promise<SendOutcome> {
  const out: SendOutcome = { messageIds: [], calls: [], status: 'refused' };
  let messageId = firstMessageId(options);
  for (let attempt = 0; ; attempt++) {
    const { text, headers } = registerRequest(metadata, messageId, options);
    out.messageIds.push(messageId);
    options.onMessageId?.(messageId);
    let call: SoapCallResult;
    try {
      call = await soapCall(options.url, text, { journal: options.journal, from: options.from, to: options.to, timeoutMs: options.timeoutMs, headers });
    } catch (error) {
      if (!(error instanceof EndpointUnreachableError)) throw error;
      return { ...out, status: 'unreachable', unreachable: error.message };
    }
    out.calls.push(call);
    const code = faultCode(call);
    if (!call.answer.fault && call.answer.version === '1.2' && call.status < 300) return { ...out, status: 'accepted' };
    if (code !== 'RATE_LIMIT' || options.defect !== undefined || attempt >= options.retries) return { ...out, status: 'refused', ...(code ? { faultCode: code } : {}) };
    await sleep(options.backoffMs);
    messageId = newUrnUuid();
  }
}
