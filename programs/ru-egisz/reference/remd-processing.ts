/**
 * What the reference REMD does after "accepted": pulls the file from the registering system's getDocumentFile,
 * checks the registration (lib/semd-check.ts), registers it (emdrId, registrationDate) or refuses it, and calls back
 * exactly once per registration — retried as RR-15 says when unacknowledged.
 */
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { newUrnUuid, type SoapCallResult, soapCall } from '../../../src/soap/index.ts';
import { EndpointUnreachableError } from '../../../src/transport/http-client.ts';
import { sleep } from '../../../src/util/wait.ts';
import { type DocumentFile, PARTY, type RegisterDocumentResult, type RegistryItem } from '../lib/contract.ts';
import { getDocumentFileBody, readDocumentFile, readRemdFault, registerDocumentResultBody, ruEnvelope } from '../lib/messages.ts';
import type { ReferenceBooks } from '../lib/reference-books.ts';
import type { Registers } from '../lib/registers.ts';
import { checkRegistration, type RegistrationCheck, type SemdValidators } from '../lib/semd-check.ts';
import { type Delivery, deliverCallback, MAX_CALLBACK_ATTEMPTS } from './callback-delivery.ts';
import { type Faults, plantedChecks } from './remd-faults.ts';
import { moscowIso, type RemdRegistration, type RemdRegistry } from './remd-registry.ts';

/** A system REMD serves: where it calls back and pulls files, and its journal party (`mis` unless told). */
export interface RemdSystem {
  callbackUrl: string;
  documentFileUrl: string;
  party?: string;
}

export interface ProcessingContext {
  journal: ExchangeJournal;
  registry: RemdRegistry;
  registers: Registers;
  books: ReferenceBooks;
  validators: () => Promise<SemdValidators>;
  faults: Faults;
  callbackMs: number;
  timeoutMs: number;
  clock: () => Date;
  /** Whether this registration's callback is withheld (Sello's stand-in REMD, RR-15.4). */
  withheld: (registration: RemdRegistration) => boolean;
}

/** What getDocumentFile gave: the file, or the classifier code of why there is none; `call` when an answer came. */
export type Pulled = ({ file: DocumentFile } | { code: 'MIS_NOT_AVAILABLE' | 'GET_DOCUMENT_FILE_ERROR'; message: { ru: string; en: string } }) & { call?: SoapCallResult };

/** getDocumentFile(localUid) at `url`, as `from`; never throws. */
export async function pullDocumentFile(url: string, localUid: string, o: { journal: ExchangeJournal; from: string; to: string; timeoutMs: number; faults?: Faults }): Promise<Pulled> {
  const envelope = ruEnvelope('getDocumentFile', { body: getDocumentFileBody(localUid), messageId: newUrnUuid() });
  const unreachable = o.faults?.has('unreachable-as-file-error') ? 'GET_DOCUMENT_FILE_ERROR' : 'MIS_NOT_AVAILABLE';
  const faulted = o.faults?.has('file-fault-as-unreachable') ? 'MIS_NOT_AVAILABLE' : 'GET_DOCUMENT_FILE_ERROR';
  try {
    const call = await soapCall(url, envelope, { journal: o.journal, from: o.from, to: o.to, timeoutMs: o.timeoutMs });
    if (call.answer.fault) {
      const fault = readRemdFault(call.answer);
      const said = `${fault?.code ?? call.answer.fault.codeLocal}: ${fault?.reason.en ?? ''}`;
      return { code: faulted, message: { ru: `getDocumentFile ответил ошибкой SOAP (${said})`, en: `getDocumentFile answered a SOAP Fault (${said})` }, call };
    }
    const read = call.answer.payload ? readDocumentFile(call.answer.payload) : undefined;
    if (!read?.value || call.status >= 300) {
      const why = read?.findings.map((f: { message: { en: string } }) => f.message.en).join('; ') || `HTTP ${call.status}`;
      return { code: 'GET_DOCUMENT_FILE_ERROR', message: { ru: `Ответ getDocumentFile не читается (${why})`, en: `The getDocumentFile answer cannot be read (${why})` }, call };
    }
    return { file: read.value, call };
  } catch (error) {
    if (!(error instanceof EndpointUnreachableError)) throw error;
    return { code: unreachable, message: { ru: `getDocumentFile недоступен: ${error.message}`, en: `getDocumentFile is not reachable: ${error.message}` } };
  }
}

/** Pulls, checks, registers or refuses, and calls back; the registration is updated in place. */
export async function processRegistration(registration: RemdRegistration, system: RemdSystem, ctx: ProcessingContext): Promise<void> {
  const { metadata } = registration;
  const party = system.party ?? PARTY.mis;
  const pulled = await pullDocumentFile(system.documentFileUrl, metadata.localUid, { journal: ctx.journal, from: PARTY.remd, to: party, timeoutMs: ctx.timeoutMs, faults: ctx.faults });
  let checks: RegistrationCheck[];
  if ('code' in pulled) checks = [{ code: pulled.code, rule: 'RR-06', message: pulled.message, findings: [] }];
  else {
    const input = {
      metadata,
      file: pulled.file.file,
      signatures: pulled.file.signatures,
      registers: ctx.registers,
      books: ctx.books,
      registered: (localUid: string) => ctx.registry.registered(localUid),
      validators: await ctx.validators(),
    };
    const found = await checkRegistration(input);
    checks = plantedChecks(found, ctx.faults, metadata, ctx.books);
    if (checks.length < found.length) {
      // A planted fault hid the stage that stopped the check: the later stages still judge the document, so the fault
      // breaks only its own behaviour. The first stage still failing speaks (a stage's checks share its rule).
      const all = plantedChecks(await checkRegistration({ ...input, exhaustive: true }), ctx.faults, metadata, ctx.books);
      checks = all.filter((c) => c.rule === all[0]?.rule);
    }
  }
  registration.checks = checks;
  registration.result = resultOf(registration, checks, ctx);
  registration.state = registration.result.status === 'success' ? 'registered' : 'refused';
  if (registration.item) ctx.registry.store(registration.item);
  if (ctx.withheld(registration)) {
    registration.withheld = true;
    return;
  }
  registration.delivery = await callBack(system.callbackUrl, party, registration.result, ctx);
}

function resultOf(registration: RemdRegistration, checks: readonly RegistrationCheck[], ctx: ProcessingContext): RegisterDocumentResult {
  const { metadata } = registration;
  const base = { relatesToMessage: registration.messageId, localUid: metadata.localUid, kind: metadata.kind, organization: metadata.organization };
  if (checks.length > 0) {
    // v1.1 wants Russian text in errors/item/message (RR-10.2).
    const errors = checks.map((c) => ({ code: c.code, message: ctx.faults.has('error-text-english') ? c.message.en : c.message.ru }));
    return { ...base, status: 'error', errors };
  }
  let emdrId = ctx.registry.nextEmdrId();
  if (ctx.faults.has('emdr-id-misshaped')) emdrId = emdrId.replace(/\.0+/g, '.');
  const registrationDate = moscowIso(ctx.clock());
  const item: RegistryItem = {
    emdrId,
    localUid: metadata.localUid,
    kind: metadata.kind,
    organization: metadata.organization,
    patientSnils: metadata.patient.snils,
    creationDateTime: metadata.creationDateTime,
    registrationDate,
  };
  registration.item = item;
  return { ...base, status: 'success', emdrId, registrationDate, errors: [] };
}

/** The callback envelope (one MessageID for every attempt) and its delivery, retried per RR-15. */
async function callBack(url: string, party: string, result: RegisterDocumentResult, ctx: ProcessingContext): Promise<Delivery> {
  const messageId = newUrnUuid();
  const body = registerDocumentResultBody(ctx.faults.has('relates-to-own-message-id') ? { ...result, relatesToMessage: messageId } : result);
  const envelope = ruEnvelope('registerDocumentResult', { body, messageId });
  const send = (maxAttempts: number): Delivery =>
    deliverCallback(url, envelope, { journal: ctx.journal, from: PARTY.remd, to: party, timeoutMs: ctx.callbackMs, intervalMs: ctx.callbackMs, maxAttempts });
  if (ctx.faults.has('no-retry')) return send(1);
  if (!ctx.faults.has('no-retry-after-503')) return send(MAX_CALLBACK_ATTEMPTS);
  // Planted: a 503 is taken as final; an unanswered attempt is still repeated.
  const first = send(1);
  await first.done;
  const started = Date.now();
  if (first.acknowledged || first.calls.at(-1)?.status === 503) return first;
  await sleep(Math.max(0, ctx.callbackMs - (Date.now() - started)));
  return send(MAX_CALLBACK_ATTEMPTS - 1);
}
