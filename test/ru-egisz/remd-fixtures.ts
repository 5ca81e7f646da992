/**
 * What the reference REMD's tests share: a clinic FRMO/FRMR know, a tiny MIS (hapi + soapRoute) that serves
 * getDocumentFile for the documents it registers and takes REMD's callbacks, and the calls a MIS makes to REMD.
 */
import { PARTY, type RegisterDocumentResult } from '../../programs/ru-egisz/lib/contract.ts';
import {
  callbackAckBody,
  documentFileBody,
  type getRegistryItemBody,
  readGetDocumentFile,
  readRegisterDocumentResult,
  readRemdFault,
  registerDocumentBody,
  ruEnvelope,
} from '../../programs/ru-egisz/lib/messages.ts';
import { ReferenceBooks } from '../../programs/ru-egisz/lib/reference-books.ts';
import { registersFor } from '../../programs/ru-egisz/lib/registers.ts';
import { testSigners } from '../../programs/ru-egisz/lib/signatures.ts';
import { syntheticClinic } from '../../programs/ru-egisz/lib/synthetic.ts';
import { type DocumentDefect, type PreparedDocument, prepareDocument } from '../../programs/ru-egisz/reference/mis-document.ts';
import { type RunningRemd, startRemd } from '../../programs/ru-egisz/reference/remd.ts';
import { handlersFor, RU_PREFIXES } from '../../programs/ru-egisz/reference/ru-soap.ts';
import { generateSnils } from '../../src/identifiers/ru/index.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { type MockServer, startMockServer } from '../../src/mock/mock-server.ts';
import { awaitCorrelated, Inbox, newUrnUuid, type SoapCallResult, sameMessageId, soapCall, soapRoute } from '../../src/soap/index.ts';
import { sleep } from '../../src/util/wait.ts';

export const CLIENT = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
export const CALLBACK_MS = 300;
export const journal = new ExchangeJournal();
export const books = ReferenceBooks.load();
const rng = new SeededRandom('remd-tests');
export const clinic = syntheticClinic(rng.fork('clinic'));
export const staff = [{ snils: generateSnils(rng.fork('doctor')), position: '49' }];
export const registers = registersFor([{ clinic, staff }]);

export interface Taken {
  result: RegisterDocumentResult;
  messageId?: string;
  at: number;
}

/** The MIS side: documents it serves, the callbacks it takes, and how it answers the next callback of a document. */
export async function tinyMis() {
  const documents = new Map<string, PreparedDocument>();
  const callbacks = new Inbox<Taken>();
  const unavailable = new Set<string>();
  /** Documents whose first callback is acknowledged only after REMD stopped waiting for it. */
  const slow = new Set<string>();
  const server: MockServer = await startMockServer({ name: PARTY.mis, journal }, async (s) => {
    soapRoute(s, '/mis', {
      handlers: handlersFor([
        [
          'getDocumentFile',
          ({ payload }) => {
            const localUid = readGetDocumentFile(payload).value?.localUid ?? '';
            const doc = documents.get(localUid);
            if (!doc) return { fault: { code: 'Sender', reason: { ru: 'Нет документа', en: 'No document' } } };
            return { body: documentFileBody({ localUid, file: doc.file, signatures: doc.signatures }), prefixes: RU_PREFIXES };
          },
        ],
        [
          'registerDocumentResult',
          async ({ envelope, payload }) => {
            const result = readRegisterDocumentResult(payload).value!;
            const messageId = envelope.addressing.messageId;
            callbacks.push({ result, ...(messageId ? { messageId } : {}), at: Date.now() });
            if (slow.delete(result.localUid)) await sleep(3 * CALLBACK_MS);
            if (unavailable.delete(result.localUid)) return { fault: { code: 'Receiver', reason: { ru: 'Недоступен', en: 'Unavailable' }, status: 503 } };
            return { body: callbackAckBody(), prefixes: RU_PREFIXES };
          },
        ],
      ]),
    });
  });
  const url = `${server.url}/mis`;
  return { url, documents, callbacks, unavailable, slow, stop: () => server.stop() };
}

export type Mis = Awaited<ReturnType<typeof tinyMis>>;
let signers: ReturnType<typeof testSigners> | undefined;
let count = 0;

/** A signed SEMD of the clinic (with a defect when asked), served by `mis` from now on. */
export async function document(mis: Mis, defect?: DocumentDefect, createdOn?: string): Promise<PreparedDocument> {
  signers ??= testSigners('remd-tests');
  const prepared = await prepareDocument(rng.fork(`doc-${count++}`), { clinic, staff, signers: await signers, books }, { ...(defect ? { defect } : {}), ...(createdOn ? { createdOn } : {}) });
  mis.documents.set(prepared.metadata.localUid, prepared);
  return prepared;
}

export const remdFor = (mis: Mis, extra: { faults?: readonly string[]; requestsPerSecond?: number; documentFileUrl?: string } = {}): Promise<RunningRemd> =>
  startRemd({
    journal,
    registers,
    books,
    systems: (id) => (id === CLIENT ? { callbackUrl: mis.url, documentFileUrl: extra.documentFileUrl ?? mis.url } : undefined),
    callbackMs: CALLBACK_MS,
    requestsPerSecond: extra.requestsPerSecond ?? 50,
    timeoutMs: 5000,
    ...(extra.faults ? { faults: extra.faults } : {}),
  });

export function register(
  remd: RunningRemd,
  doc: PreparedDocument,
  o: { messageId?: string; clientEntityId?: string | null; text?: (t: string) => string; headers?: Record<string, string> } = {},
): Promise<SoapCallResult> {
  const clientEntityId = o.clientEntityId === null ? undefined : (o.clientEntityId ?? CLIENT);
  let text = ruEnvelope('registerDocument', { body: registerDocumentBody(doc.metadata), messageId: o.messageId ?? newUrnUuid(), ...(clientEntityId ? { clientEntityId } : {}) });
  if (o.text) text = o.text(text);
  return soapCall(remd.serviceUrl, text, { journal, from: PARTY.mis, to: PARTY.remd, timeoutMs: 5000, ...(o.headers ? { headers: o.headers } : {}) });
}

export const registry = (remd: RunningRemd, op: 'getRegistryItem' | 'searchRegistryItem', body: ReturnType<typeof getRegistryItemBody>) =>
  soapCall(remd.serviceUrl, ruEnvelope(op, { body, messageId: newUrnUuid(), clientEntityId: CLIENT }), { journal, from: PARTY.mis, to: PARTY.remd, timeoutMs: 5000 });

export const callbackFor = (mis: Mis, localUid: string): Promise<Taken> => awaitCorrelated(mis.callbacks, (t) => t.result.localUid === localUid, 10_000, `the callback for ${localUid}`);
/** The callback answering the registration sent with `messageId`. */
export const callbackOf = (mis: Mis, messageId: string): Promise<Taken> =>
  awaitCorrelated(mis.callbacks, (t) => sameMessageId(t.result.relatesToMessage, messageId), 10_000, `the callback for ${messageId}`);
export const codeOf = (call: SoapCallResult): string | undefined => (call.answer.fault ? readRemdFault(call.answer)?.code : undefined);
export const codes = (t: Taken): string[] => t.result.errors.map((e) => e.code);
