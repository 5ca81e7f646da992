/**
 * Judging the ru-egisz wire on hand-made journal entries: a clean registration round (MIS → REMD, REMD pulls the file,
 * calls back) passes without a finding; each defect gives exactly its rule, bound to the role that sent the message,
 * located by XPath; Sello's stimuli are not judged, what a role answers them is.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { expectCallbackRetries, type JudgedFinding } from '../../programs/ru-egisz/judges/expectations.ts';
import { findingKey, judgeWire, newWireState, roleOf, type WireState } from '../../programs/ru-egisz/judges/wire.ts';
import { ACTION, CALLBACK_NS, EGIS_NS, SERVICE_NS } from '../../programs/ru-egisz/lib/contract.ts';
import {
  callbackAckBody,
  documentFileBody,
  getDocumentFileBody,
  registerDocumentAcceptedBody,
  registerDocumentBody,
  registerDocumentResultBody,
  ruEnvelope,
} from '../../programs/ru-egisz/lib/messages.ts';
import { ReferenceBooks } from '../../programs/ru-egisz/lib/reference-books.ts';
import { type RegisterDocumentMetadata, registerDocumentMetadata, sha256Base64 } from '../../programs/ru-egisz/lib/register-document.ts';
import { registersFor } from '../../programs/ru-egisz/lib/registers.ts';
import { generateSemd194, semd194Xml } from '../../programs/ru-egisz/lib/semd-194.ts';
import { signSemd, testSigners } from '../../programs/ru-egisz/lib/signatures.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import type { ExchangeEntry } from '../../src/journal/exchange.ts';
import { buildEnvelope, el, type QName, soap12ContentType, soapFault12, type XmlElement, type XmlNode } from '../../src/soap/index.ts';

const books = ReferenceBooks.load();
const PREFIXES = { svc: SERVICE_NS, cb: CALLBACK_NS, egis: EGIS_NS };
const svc = (local: string): QName => ({ ns: SERVICE_NS, local });
const cb = (local: string): QName => ({ ns: CALLBACK_NS, local });
const egis = (local: string): QName => ({ ns: EGIS_NS, local });
const t = (name: QName, value: string): XmlElement => el(name, [value]);

const MIS_CLIENT = '7c3f1b52-0d4e-4f8a-9b6c-1e2d3a4b5c6d';
const GATEWAY_CLIENT = '2a9d8c7b-6e5f-4a3b-8c1d-0e9f8a7b6c5d';
let uuidSeq = 0;
const uuid = (): string => `00000000-0000-4000-8000-${String(++uuidSeq).padStart(12, '0')}`;

interface Doc {
  metadata: RegisterDocumentMetadata;
  file: Buffer;
  signatures: Array<{ role: 'DOCTOR' | 'ORGANIZATION'; signature: string }>;
}
let doc: Doc;
let other: Doc;
let registers: ReturnType<typeof registersFor>;

async function makeDoc(seed: string): Promise<Doc & { staff: { snils: string; position: string }; clinic: Parameters<typeof registersFor>[0][0]['clinic'] }> {
  const semd = generateSemd194(new SeededRandom(seed), books);
  const file = Buffer.from(semd194Xml(semd, books), 'utf8');
  const signers = await testSigners('wire-test');
  const signatures = signSemd(file, { doctor: await signers.doctor(semd.doctor.snils), organization: await signers.organization(semd.clinic.ogrn) });
  const metadata = registerDocumentMetadata(semd, file);
  metadata.signatures = signatures.map((s) => ({ role: s.role, reference: `${s.role.toLowerCase()}.sig` }));
  return { metadata, file, signatures, staff: { snils: semd.doctor.snils, position: semd.doctor.position }, clinic: semd.clinic };
}

before(async () => {
  const a = await makeDoc('wire-a');
  const b = await makeDoc('wire-b');
  doc = a;
  other = b;
  registers = registersFor([
    { clinic: a.clinic, staff: [a.staff] },
    { clinic: b.clinic, staff: [b.staff] },
  ]);
});

// ——— message bodies, in the plan's shapes ———

function registerBody(m: RegisterDocumentMetadata): XmlElement {
  const p = m.patient;
  return el(svc('registerDocument'), [
    t(svc('localUid'), m.localUid),
    t(svc('kind'), m.kind),
    t(svc('creationDateTime'), m.creationDateTime),
    t(svc('organization'), m.organization),
    t(svc('department'), m.department),
    el(svc('patient'), [
      t(svc('snils'), p.snils),
      t(svc('family'), p.family),
      t(svc('given'), p.given),
      t(svc('patronymic'), p.patronymic),
      t(svc('birthDate'), p.birthDate),
      t(svc('gender'), p.gender),
    ]),
    el(
      svc('personals'),
      m.personals.map((x) => el(svc('item'), [t(svc('role'), x.role), t(svc('snils'), x.snils), t(svc('position'), x.position)])),
    ),
    el(svc('digest'), [t(svc('algorithm'), m.digest.algorithm), t(svc('value'), m.digest.value)]),
    el(
      svc('signatures'),
      m.signatures.map((s) => el(svc('item'), [t(svc('role'), s.role), t(svc('reference'), s.reference)])),
    ),
  ]);
}

interface Result {
  relatesToMessage: string;
  status: 'success' | 'error';
  emdrId?: string;
  registrationDate?: string;
  errors?: Array<{ code: string; message: string }>;
}
function resultBody(m: RegisterDocumentMetadata, r: Result): XmlElement {
  return el(cb('registerDocumentResult'), [
    t(cb('relatesToMessage'), r.relatesToMessage),
    t(cb('status'), r.status),
    t(cb('localUid'), m.localUid),
    t(cb('kind'), m.kind),
    t(cb('organization'), m.organization),
    ...(r.emdrId ? [t(cb('emdrId'), r.emdrId)] : []),
    ...(r.registrationDate ? [t(cb('registrationDate'), r.registrationDate)] : []),
    ...(r.errors?.length
      ? [
          el(
            cb('errors'),
            r.errors.map((e) => el(cb('item'), [t(cb('code'), e.code), t(cb('message'), e.message)])),
          ),
        ]
      : []),
  ]);
}
const fileBody = (d: Doc): XmlElement =>
  el(cb('getDocumentFileResponse'), [
    t(cb('localUid'), d.metadata.localUid),
    t(cb('file'), d.file.toString('base64')),
    el(
      cb('signatures'),
      d.signatures.map((s) => el(cb('item'), [t(cb('role'), s.role), t(cb('signature'), Buffer.from(s.signature, 'utf8').toString('base64'))])),
    ),
  ]);

interface Envelope {
  body: XmlNode;
  action?: string | null;
  messageId?: string | null;
  relatesTo?: string;
  clientEntityId?: string;
}
function envelope(e: Envelope): string {
  return buildEnvelope({
    addressing: {
      ...(e.action !== null ? { action: e.action ?? 'urn:answer' } : {}),
      ...(e.messageId !== null ? { messageId: e.messageId ?? `urn:uuid:${uuid()}` } : {}),
      ...(e.relatesTo ? { relatesTo: e.relatesTo } : {}),
    },
    ...(e.clientEntityId ? { headers: [el(egis('transportHeader'), [el(egis('authInfo'), [t(egis('clientEntityId'), e.clientEntityId)])])] } : {}),
    body: e.body,
    prefixes: PREFIXES,
  });
}

let seq = 0;
function exchange(from: string, to: string, request: string, response: string, options: { status?: number; requestType?: string; responseType?: string } = {}): ExchangeEntry {
  const at = new Date(Date.UTC(2024, 0, 1, 0, 0, seq)).toISOString();
  const end = new Date(Date.UTC(2024, 0, 1, 0, 0, seq, 500)).toISOString();
  return {
    id: `x${++seq}`,
    protocol: 'http',
    from,
    to,
    method: 'POST',
    url: `http://${to}/port`,
    status: options.status ?? 200,
    startedAt: at,
    finishedAt: end,
    observedBy: 'client',
    request: { headers: { 'content-type': options.requestType ?? soap12ContentType() }, body: request },
    response: { headers: { 'content-type': options.responseType ?? soap12ContentType() }, body: response },
  };
}

const ack = (op: 'registerDocument' | 'registerDocumentResult', relatesTo: string, extra: Partial<Envelope> = {}): string =>
  envelope({ body: el((op === 'registerDocument' ? svc : cb)(`${op}Response`), [t((op === 'registerDocument' ? svc : cb)('status'), 'success')]), relatesTo, ...extra });

/** The MIS registers `d` at REMD (or `via` a gateway). */
function register(d: Doc, options: { from?: string; to?: string; messageId?: string; clientEntityId?: string | null; metadata?: RegisterDocumentMetadata; requestType?: string } = {}) {
  const messageId = options.messageId ?? `urn:uuid:${uuid()}`;
  const client = options.clientEntityId === null ? undefined : (options.clientEntityId ?? MIS_CLIENT);
  const request = envelope({ body: registerBody(options.metadata ?? d.metadata), action: ACTION.registerDocument, messageId, ...(client ? { clientEntityId: client } : {}) });
  return { messageId, x: exchange(options.from ?? 'mis', options.to ?? 'remd', request, ack('registerDocument', messageId), options.requestType ? { requestType: options.requestType } : {}) };
}

function pull(d: Doc, options: { from?: string; to?: string } = {}): ExchangeEntry {
  const messageId = `urn:uuid:${uuid()}`;
  const request = envelope({ body: el(cb('getDocumentFile'), [t(cb('localUid'), d.metadata.localUid)]), action: ACTION.getDocumentFile, messageId });
  return exchange(options.from ?? 'remd', options.to ?? 'mis', request, envelope({ body: fileBody(d), relatesTo: messageId }));
}

function callback(d: Doc, r: Result, options: { from?: string; to?: string; messageId?: string } = {}): ExchangeEntry {
  const messageId = options.messageId ?? `urn:uuid:${uuid()}`;
  const request = envelope({ body: resultBody(d.metadata, r), action: ACTION.registerDocumentResult, messageId });
  return exchange(options.from ?? 'remd', options.to ?? 'mis', request, ack('registerDocumentResult', messageId));
}

/** The request's wsa:MessageID as written. */
const messageIdOf = (x: ExchangeEntry): string => /<wsa:MessageID>([^<]+)</.exec(String(x.request.body))?.[1] ?? '';

const success = (relatesToMessage: string): Result => ({ relatesToMessage, status: 'success', emdrId: '16.62.23.09.000014523', registrationDate: '2024-01-01T00:00:10+03:00' });

/** A clean round: registration, file pull, callback. */
function round(d: Doc, options: { messageId?: string } = {}): { messageId: string; xs: ExchangeEntry[] } {
  const r = register(d, options);
  return { messageId: r.messageId, xs: [r.x, pull(d), callback(d, success(r.messageId))] };
}

const state = (): WireState => newWireState({ registers, books });
const summary = (fs: readonly JudgedFinding[]) => fs.map((f) => `${f.ruleId} ${f.role} ${f.side} ${f.location} — ${f.message.en}`);
const rules = (fs: readonly JudgedFinding[]) => [...new Set(fs.map((f) => f.ruleId))].sort();

test('roleOf names the roles only: Sello’s stimuli and control calls are no role', () => {
  assert.equal(roleOf('mis'), 'mis');
  assert.equal(roleOf('remd'), 'remd');
  assert.equal(roleOf('sello (mis)'), undefined);
  assert.equal(roleOf('sello'), undefined);
});

test('a clean registration round (register, pull the file, call back, acknowledge) passes with no finding; judging it again changes nothing', async () => {
  const s = state();
  const { xs } = round(doc);
  const first = await judgeWire(xs, s);
  assert.deepEqual(summary(first), []);
  assert.deepEqual(summary(await judgeWire(xs, s)), []);
});

test('a round written with Package B’s writers (the reference roles’ own envelopes) passes too', async () => {
  const id = (): string => `urn:uuid:${uuid()}`;
  const answer = (body: XmlNode, relatesTo: string): string => ruEnvelope('answer', { body, messageId: id(), relatesTo, action: 'urn:answer' });
  const regId = id();
  const reg = exchange(
    'mis',
    'remd',
    ruEnvelope('registerDocument', { body: registerDocumentBody(other.metadata), messageId: regId, clientEntityId: MIS_CLIENT }),
    answer(registerDocumentAcceptedBody(), regId),
  );
  const pullId = id();
  const file = { localUid: other.metadata.localUid, file: other.file, signatures: other.signatures };
  const pulled = exchange('remd', 'mis', ruEnvelope('getDocumentFile', { body: getDocumentFileBody(other.metadata.localUid), messageId: pullId }), answer(documentFileBody(file), pullId));
  const cbId = id();
  const { localUid, kind, organization } = other.metadata;
  const result = { ...success(regId), localUid, kind, organization, errors: [] };
  const called = exchange('remd', 'mis', ruEnvelope('registerDocumentResult', { body: registerDocumentResultBody(result), messageId: cbId }), answer(callbackAckBody(), cbId));
  assert.deepEqual(summary(await judgeWire([reg, pulled, called], state())), []);
});

test('the readings v1.1 allows pass: a bare MessageID, <op>Request as the body element, getDocumentFile in the service namespace, any wsa:Action', async () => {
  const s = state();
  const messageId = uuid();
  const body = registerBody(other.metadata);
  const request = envelope({ body: { ...body, name: svc('registerDocumentRequest') }, action: 'urn:any:action', messageId, clientEntityId: MIS_CLIENT });
  const reg = exchange('mis', 'remd', request, ack('registerDocument', messageId));
  const pullId = uuid();
  const pullSvc = exchange(
    'remd',
    'mis',
    envelope({ body: el(svc('getDocumentFile'), [t(svc('localUid'), other.metadata.localUid)]), messageId: pullId }),
    envelope({ body: fileBody(other), relatesTo: pullId }),
  );
  assert.deepEqual(summary(await judgeWire([reg, pullSvc, callback(other, success(messageId))], s)), []);
});

test('RR-08: a registration without clientEntityId is the MIS’s, located where the header should be', async () => {
  const { x } = register(doc, { clientEntityId: null });
  const found = await judgeWire([x], state());
  assert.deepEqual(rules(found), ['RR-08'], summary(found).join('\n'));
  assert.equal(found[0]?.role, 'mis');
  assert.equal(found[0]?.side, 'request');
  assert.equal(found[0]?.exchangeId, x.id);
  assert.match(found[0]!.location, /egis:transportHeader\/egis:authInfo\/egis:clientEntityId$/);
  assert.ok(found[0]?.message.ru && found[0].message.en);
});

test('RR-08: REMD answering with Content-Type text/xml is REMD’s; an answer echoing the request’s MessageID too', async () => {
  const r = register(doc);
  r.x.response!.headers['content-type'] = 'text/xml; charset=utf-8';
  const found = await judgeWire([r.x], state());
  assert.deepEqual(rules(found), ['RR-08'], summary(found).join('\n'));
  assert.deepEqual([...new Set(found.map((f) => f.role))], ['remd']);
  const echo = register(other);
  echo.x.response!.body = ack('registerDocument', echo.messageId, { messageId: echo.messageId });
  const echoed = await judgeWire([echo.x], state());
  assert.deepEqual(summary(echoed).length, 1, summary(echoed).join('\n'));
  assert.equal(echoed[0]?.ruleId, 'RR-08');
  assert.match(echoed[0]!.location, /wsa:MessageID/);
  assert.ok(echoed[0]?.position, 'located with line and column');
});

test('RR-05: a MessageID reused by the MIS across scenarios, and a callback relating to no registration, each the sender’s', async () => {
  const s = state();
  const first = register(doc);
  assert.deepEqual(await judgeWire([first.x], s), []);
  const again = register(other, { messageId: first.messageId });
  const found = await judgeWire([again.x], s);
  assert.deepEqual(rules(found), ['RR-05'], summary(found).join('\n'));
  assert.equal(found[0]?.role, 'mis');
  assert.equal(found[0]?.exchangeId, again.x.id);
  const stray = callback(doc, success(`urn:uuid:${uuid()}`));
  const strayFound = await judgeWire([stray], s);
  assert.deepEqual(rules(strayFound), ['RR-05'], summary(strayFound).join('\n'));
  assert.equal(strayFound[0]?.role, 'remd');
  assert.match(strayFound[0]!.location, /cb:relatesToMessage/);
});

test('RR-09: REMD’s Fault without a classifier code in env:Detail, or without Russian text', async () => {
  const r = register(doc);
  const fault = soapFault12({
    code: 'Sender',
    reason: { ru: 'Ошибка', en: 'Error' },
    addressing: { action: 'http://www.w3.org/2005/08/addressing/fault', messageId: `urn:uuid:${uuid()}`, relatesTo: r.messageId },
  });
  r.x.response!.body = fault.body;
  r.x.status = fault.status;
  const found = await judgeWire([r.x], state());
  assert.deepEqual(rules(found), ['RR-09'], summary(found).join('\n'));
  assert.equal(found[0]?.role, 'remd');
  assert.match(found[0]!.location, /soap:Detail/);
  const english = register(other);
  const detail = [el(egis('error'), [t(egis('code'), 'RATE_LIMIT'), t(egis('message'), 'Too many')])];
  const enOnly = soapFault12({
    code: 'Receiver',
    reason: { en: 'Too many requests' },
    detail,
    prefixes: PREFIXES,
    addressing: { action: 'urn:fault', messageId: `urn:uuid:${uuid()}`, relatesTo: english.messageId },
  });
  english.x.response!.body = enOnly.body;
  english.x.status = enOnly.status;
  const en = await judgeWire([english.x], state());
  assert.deepEqual(summary(en).length, 1, summary(en).join('\n'));
  assert.equal(en[0]?.ruleId, 'RR-09');
  assert.match(en[0]!.location, /soap:Reason/);
});

test('RR-10: REMD’s success callback without an emdrId; an error callback with an English text', async () => {
  const s = state();
  const r = register(doc);
  const bad = callback(doc, { ...success(r.messageId), emdrId: undefined });
  const found = await judgeWire([r.x, bad], s);
  assert.deepEqual(rules(found), ['RR-10'], summary(found).join('\n'));
  assert.equal(found[0]?.role, 'remd');
  const r2 = register(other);
  const english = callback(other, { relatesToMessage: r2.messageId, status: 'error', errors: [{ code: 'DIGEST_MISMATCH', message: 'digest differs' }] });
  const en = await judgeWire([r2.x, english], s);
  assert.deepEqual(rules(en), ['RR-10'], summary(en).join('\n'));
  assert.match(en[0]!.location, /cb:errors\/cb:item\[1\]\/cb:message$/);
});

test('RR-10: the MIS answers a Fault to a well-formed callback for its own registration; RR-09: its Fault to an unknown file without a code', async () => {
  const s = state();
  const r = register(doc);
  const cbx = callback(doc, success(r.messageId));
  const detail = [el(egis('error'), [t(egis('code'), 'WRONG_MESSAGE_ID'), t(egis('message'), 'Неизвестный запрос')])];
  const withRelates = soapFault12({
    code: 'Sender',
    reason: { ru: 'Неизвестный запрос', en: 'Unknown request' },
    detail,
    prefixes: PREFIXES,
    addressing: { action: 'urn:fault', messageId: `urn:uuid:${uuid()}`, relatesTo: messageIdOf(cbx) },
  });
  cbx.response!.body = withRelates.body;
  cbx.status = withRelates.status;
  const found = await judgeWire([r.x, cbx], s);
  assert.deepEqual(rules(found), ['RR-10'], summary(found).join('\n'));
  assert.equal(found[0]?.role, 'mis');
  assert.equal(found[0]?.side, 'response');
  const unknown = pull(other);
  const noCode = soapFault12({
    code: 'Sender',
    reason: { ru: 'Нет такого документа', en: 'No such document' },
    addressing: { action: 'urn:fault', messageId: `urn:uuid:${uuid()}`, relatesTo: messageIdOf(unknown) },
  });
  unknown.response!.body = noCode.body;
  unknown.status = noCode.status;
  const faulted = await judgeWire([unknown], s);
  assert.deepEqual(rules(faulted), ['RR-09'], summary(faulted).join('\n'));
  assert.equal(faulted[0]?.role, 'mis');
});

test('RR-06: the MIS serves a file whose SHA-256 is not the registered digest', async () => {
  const metadata = { ...doc.metadata, digest: { algorithm: 'SHA-256' as const, value: sha256Base64('another file') } };
  const r = register(doc, { metadata });
  const found = await judgeWire([r.x, pull(doc)], state());
  assert.deepEqual(rules(found), ['RR-06'], summary(found).join('\n'));
  assert.ok(found.every((f) => f.role === 'mis'));
});

test('RR-13: the MIS registers again a localUid already registered', async () => {
  const s = state();
  const { xs } = round(doc);
  assert.deepEqual(await judgeWire(xs, s), []);
  const again = register(doc);
  const found = await judgeWire([again.x], s);
  assert.deepEqual(rules(found), ['RR-13'], summary(found).join('\n'));
  assert.equal(found[0]?.role, 'mis');
  assert.match(found[0]!.location, /svc:localUid/);
});

test('RR-15: REMD repeats its callback with another MessageID', async () => {
  const s = state();
  const r = register(doc);
  const once = callback(doc, success(r.messageId));
  const twice = callback(doc, success(r.messageId));
  const found = await judgeWire([r.x, once, twice], s);
  assert.deepEqual(rules(found), ['RR-15'], summary(found).join('\n'));
  assert.equal(found[0]?.exchangeId, twice.id);
  // The same envelope again (a retry as v1.1 wants it) is no finding, neither RR-05 nor RR-15.
  const retry = { ...once, id: 'retry-1' };
  assert.deepEqual(summary(await judgeWire([r.x, once, retry], state())), []);
});

test('RR-14: the gateway relays the registration with another department; its own MessageID and clientEntityId are expected', async () => {
  const s = state();
  const fromMis = register(doc, { to: 'gateway' });
  const relayed = register(doc, { from: 'gateway', metadata: { ...doc.metadata, department: doc.metadata.organization }, clientEntityId: GATEWAY_CLIENT });
  // The relay happens while the MIS waits for the gateway's answer.
  relayed.x.startedAt = fromMis.x.startedAt;
  relayed.x.finishedAt = fromMis.x.startedAt;
  const found = await judgeWire([fromMis.x, relayed.x], s);
  assert.deepEqual(rules(found), ['RR-14'], summary(found).join('\n'));
  assert.equal(found[0]?.role, 'gateway');
  assert.match(found[0]!.location, /department/);
  // The patient's SNILS relayed in the other spelling v1.1 allows is the same value.
  const spelled = register(other, { to: 'gateway' });
  const snils = other.metadata.patient.snils;
  const formatted = `${snils.slice(0, 3)}-${snils.slice(3, 6)}-${snils.slice(6, 9)} ${snils.slice(9)}`;
  const relayedSpelled = register(other, { from: 'gateway', metadata: { ...other.metadata, patient: { ...other.metadata.patient, snils: formatted } }, clientEntityId: GATEWAY_CLIENT });
  relayedSpelled.x.startedAt = spelled.x.startedAt;
  relayedSpelled.x.finishedAt = spelled.x.startedAt;
  assert.deepEqual(summary(await judgeWire([spelled.x, relayedSpelled.x], state())), []);
});

test('RR-14 and RR-05: the gateway hands the MIS REMD’s errors in another order; relaying with the MIS’s MessageID', async () => {
  const s = state();
  const fromMis = register(doc, { to: 'gateway' });
  const relayed = register(doc, { from: 'gateway', clientEntityId: GATEWAY_CLIENT });
  relayed.x.startedAt = fromMis.x.startedAt;
  relayed.x.finishedAt = fromMis.x.startedAt;
  const errors = [
    { code: 'XML_VALIDATION_ERROR', message: 'СЭМД не прошел проверку XSD' },
    { code: 'NO_SIGNATURE', message: 'Нет подписи организации' },
  ];
  const fromRemd = callback(doc, { relatesToMessage: relayed.messageId, status: 'error', errors }, { to: 'gateway' });
  const toMis = callback(doc, { relatesToMessage: fromMis.messageId, status: 'error', errors: [...errors].reverse() }, { from: 'gateway' });
  const clean = await judgeWire([fromMis.x, relayed.x, fromRemd], s);
  assert.deepEqual(summary(clean), []);
  const found = await judgeWire([fromMis.x, relayed.x, fromRemd, toMis], s);
  assert.deepEqual(rules(found), ['RR-14'], summary(found).join('\n'));
  assert.equal(found[0]?.exchangeId, toMis.id);
  assert.equal(found[0]?.role, 'gateway');
  const again = register(other, { to: 'gateway' });
  const sameId = register(other, { from: 'gateway', clientEntityId: GATEWAY_CLIENT, messageId: again.messageId });
  sameId.x.startedAt = again.x.startedAt;
  sameId.x.finishedAt = again.x.startedAt;
  // REMD's callback about the gateway's registration is REMD's right answer, though the MIS used the same MessageID.
  const remdAnswer = callback(other, success(again.messageId), { to: 'gateway' });
  const reused = await judgeWire([again.x, sameId.x, remdAnswer], state());
  assert.deepEqual(rules(reused), ['RR-05'], summary(reused).join('\n'));
  assert.deepEqual([...new Set(reused.map((f) => f.role))], ['gateway']);
});

test('a `sello (mis)` stimulus is not judged (a SOAP 1.1 envelope, a non-UUID MessageID); REMD’s answer to it is', async () => {
  const s = state();
  const soap11 = register(doc, { from: 'sello (mis)' });
  soap11.x.request.body = String(soap11.x.request.body).split('http://www.w3.org/2003/05/soap-envelope').join('http://schemas.xmlsoap.org/soap/envelope/');
  const versionMismatch = soapFault12({ code: 'VersionMismatch', reason: { en: 'SOAP 1.2 only' } });
  soap11.x.response!.body = versionMismatch.body;
  soap11.x.status = versionMismatch.status;
  const bad = register(other, { from: 'sello (mis)', messageId: 'not-a-uuid' });
  const detail = [el(egis('error'), [t(egis('code'), 'WRONG_MESSAGE_ID'), t(egis('message'), 'MessageID не UUID')])];
  const refused = soapFault12({
    code: 'Sender',
    reason: { ru: 'MessageID не UUID', en: 'MessageID not a UUID' },
    detail,
    prefixes: PREFIXES,
    addressing: { action: 'urn:fault', messageId: `urn:uuid:${uuid()}`, relatesTo: 'not-a-uuid' },
  });
  bad.x.response!.body = refused.body;
  bad.x.status = refused.status;
  assert.deepEqual(summary(await judgeWire([soap11.x, bad.x], s)), []);
  // REMD taking the SOAP 1.1 envelope is REMD's RR-08.
  soap11.x.response!.body = ack('registerDocument', 'x');
  soap11.x.status = 200;
  soap11.x.id = 'taken-soap11';
  const taken = await judgeWire([soap11.x], s);
  assert.ok(taken.length > 0 && taken.every((f) => f.role === 'remd' && f.ruleId === 'RR-08'), summary(taken).join('\n'));
  // Its callback relates to the registration REMD did take: the defect stays RR-08's, not a second one of RR-05's.
  soap11.x.response!.body = ack('registerDocument', soap11.messageId);
  const told = await judgeWire([soap11.x, callback(doc, success(soap11.messageId))], state());
  assert.deepEqual(rules(told), ['RR-08'], summary(told).join('\n'));
});

test('findingKey tells findings apart by rule, role, exchange, side and location', () => {
  const f: JudgedFinding = { ruleId: 'RR-08', severity: 'error', code: 'value', location: '/a', locationKind: 'xpath', message: { en: 'x' }, role: 'mis', exchangeId: 'x1', side: 'request' };
  assert.equal(findingKey(f), findingKey({ ...f, message: { en: 'other words' } }));
  assert.notEqual(findingKey(f), findingKey({ ...f, role: 'remd' }));
  assert.notEqual(findingKey(f), findingKey({ ...f, side: 'response' }));
});

test('RR-15 repeat spacing is read on the receiver’s clock: a repeat seen a fifth of callbackMs early passes (the first arrival was late), one at half the interval fails', () => {
  const first = callback(doc, { relatesToMessage: 'urn:uuid:00000000-0000-4000-8000-000000000999', status: 'success', emdrId: 'E-1' });
  const unacknowledged = { ...first, status: 503 };
  const repeatAt = (ms: number): ExchangeEntry => ({ ...first, id: `${first.id}-r${ms}`, startedAt: new Date(Date.parse(first.startedAt) + ms).toISOString() });
  const j = { rule: 'RR-15', role: 'remd' as const };
  assert.deepEqual(expectCallbackRetries([unacknowledged, repeatAt(1000)], 1000, j), []);
  assert.deepEqual(expectCallbackRetries([unacknowledged, repeatAt(820)], 1000, j), []);
  const early = expectCallbackRetries([unacknowledged, repeatAt(500)], 1000, j);
  assert.equal(early.length, 1, JSON.stringify(early));
  assert.match(early[0]!.message.en, /Repeated after 500 ms, sooner than callbackMs \(1000 ms\)/);
});

test('RR-15 repeat spacing: a first attempt that arrived late after the moment it could first be sent earns that much slack (up to half of callbackMs)', () => {
  const first = callback(doc, { relatesToMessage: 'urn:uuid:00000000-0000-4000-8000-000000000998', status: 'success', emdrId: 'E-2' });
  const unacknowledged = { ...first, status: 503 };
  const repeatAt = (ms: number): ExchangeEntry => ({ ...first, id: `${first.id}-r${ms}`, startedAt: new Date(Date.parse(first.startedAt) + ms).toISOString() });
  const sentNoSoonerThan = (msBeforeArrival: number) => new Date(Date.parse(first.startedAt) - msBeforeArrival).toISOString();
  const j = { rule: 'RR-15', role: 'gateway' as const };
  // Seen 712 ms apart, the first having arrived 288 ms after REMD's callback left: the gateway may have waited 1000.
  assert.deepEqual(expectCallbackRetries([unacknowledged, repeatAt(712)], 1000, j, sentNoSoonerThan(288)), []);
  // Relayed at once (5 ms): the usual slack only.
  assert.equal(expectCallbackRetries([unacknowledged, repeatAt(712)], 1000, j, sentNoSoonerThan(5)).length, 1);
  // However late the first arrival, a repeat under half of callbackMs fails.
  assert.equal(expectCallbackRetries([unacknowledged, repeatAt(400)], 1000, j, sentNoSoonerThan(900)).length, 1);
});
