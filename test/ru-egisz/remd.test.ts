/**
 * The reference REMD over real sockets: a tiny MIS in the test (hapi + soapRoute, remd-fixtures.ts) registers signed
 * kind-194 SEMDs, serves getDocumentFile and takes the callbacks; every exchange goes through the journal.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { PARTY } from '../../programs/ru-egisz/lib/contract.ts';
import { getRegistryItemBody, readRegistryItem, readRegistryItems, searchRegistryItemBody } from '../../programs/ru-egisz/lib/messages.ts';
import { REMD_FAULTS, type RunningRemd, startRemd } from '../../programs/ru-egisz/reference/remd.ts';
import { startMockServer } from '../../src/mock/mock-server.ts';
import { newUrnUuid, SOAP11_NS, SOAP12_NS } from '../../src/soap/index.ts';
import { books, CALLBACK_MS, callbackFor, clinic, codeOf, codes, document, journal, type Mis, register, registers, registry, remdFor, tinyMis } from './remd-fixtures.ts';

let mis: Mis;
let remd: RunningRemd;

before(async () => {
  mis = await tinyMis();
  remd = await remdFor(mis);
});
after(async () => {
  await remd?.stop();
  await mis?.stop();
});

describe('reference REMD', () => {
  it('accepts a valid registration synchronously, then calls back once with an emdrId (RR-10.1, RR-05.5)', async () => {
    const doc = await document(mis);
    const messageId = newUrnUuid();
    const sent = await register(remd, doc, { messageId });
    assert.equal(sent.status, 200);
    assert.equal(sent.answer.fault, undefined);
    assert.deepEqual(sent.findings, []);
    assert.equal(sent.answer.payload?.localName, 'registerDocumentResponse');
    const taken = await callbackFor(mis, doc.metadata.localUid);
    assert.equal(taken.result.status, 'success', JSON.stringify(taken.result.errors));
    assert.equal(taken.result.relatesToMessage, messageId);
    assert.match(taken.result.emdrId ?? '', /^\d{2}\.\d{2}\.\d{2}\.\d{2}\.\d{9}$/);
    assert.ok(Date.parse(taken.result.registrationDate ?? '') >= Date.parse(remd.registrations().at(-1)!.receivedAt));
    const settled = await remd.awaitOutcome(doc.metadata.localUid);
    assert.equal(settled.delivery?.attempts, 1);
    assert.equal(mis.callbacks.all().filter((t) => t.result.localUid === doc.metadata.localUid).length, 1);
  });

  it('answers getRegistryItem after the callback, and searchRegistryItem by organization, dates and patient (RR-18.1, RR-18.3)', async () => {
    const doc = await document(mis);
    await register(remd, doc);
    const { result } = await callbackFor(mis, doc.metadata.localUid);
    const got = await registry(remd, 'getRegistryItem', getRegistryItemBody(result.emdrId!));
    const item = readRegistryItem(got.answer.payload!).value;
    assert.equal(item?.localUid, doc.metadata.localUid);
    assert.equal(item?.registrationDate, result.registrationDate);
    assert.equal(item?.patientSnils.replace(/\D/g, ''), doc.metadata.patient.snils.replace(/\D/g, ''));
    const day = doc.metadata.creationDateTime.slice(0, 10);
    const search = { organization: clinic.moOid, dateFrom: day, dateTo: day, patientSnils: doc.metadata.patient.snils };
    const found = readRegistryItems(await registry(remd, 'searchRegistryItem', searchRegistryItemBody(search)).then((c) => c.answer.payload!)).value ?? [];
    assert.deepEqual(
      found.map((i) => i.emdrId),
      [result.emdrId],
    );
  });

  it('refuses a reused MessageID with WRONG_MESSAGE_ID, related to the request, and registers nothing more (RR-05.4, RR-09.2)', async () => {
    const messageId = newUrnUuid();
    await register(remd, await document(mis), { messageId });
    const before = remd.registrations().length;
    const again = await register(remd, await document(mis), { messageId });
    assert.equal(again.status, 400);
    assert.equal(again.answer.fault?.codeLocal, 'Sender');
    assert.equal(codeOf(again), 'WRONG_MESSAGE_ID');
    assert.equal(again.answer.addressing.relatesTo[0]?.id, messageId);
    assert.equal(remd.registrations().length, before);
  });

  it('refuses a non-UUID MessageID, a missing clientEntityId and malformed XML with a classifier code (RR-05.3, RR-08.7, RR-09.1)', async () => {
    const doc = await document(mis);
    const nonUuid = await register(remd, doc, { messageId: 'mis-request-1' });
    assert.equal(codeOf(nonUuid), 'WRONG_MESSAGE_ID');
    const anonymous = await register(remd, doc, { clientEntityId: null });
    assert.equal(codeOf(anonymous), 'VALIDATION_ERROR');
    assert.match(anonymous.answer.fault?.reason.en ?? '', /clientEntityId/);
    const malformed = await register(remd, doc, { text: (t) => t.slice(0, t.lastIndexOf('</')) });
    assert.equal(malformed.status, 400);
    assert.ok(codeOf(malformed), 'a classifier code in env:Detail');
    assert.equal(malformed.answer.addressing.action, 'http://www.w3.org/2005/08/addressing/fault');
    const soap11 = await register(remd, doc, { text: (t) => t.split(SOAP12_NS).join(SOAP11_NS), headers: { 'content-type': 'text/xml; charset=utf-8' } });
    // v1.1 wants the SOAP 1.2 VersionMismatch (RR-08.5), not the SOAP 1.1 one Appendix A would allow.
    assert.equal(soap11.answer.version, '1.2');
    assert.equal(soap11.answer.fault?.codeLocal, 'VersionMismatch');
    assert.equal(remd.registrations().filter((r) => r.metadata.localUid === doc.metadata.localUid).length, 0);
  });

  it('answers getRegistryItem for an unknown emdrId with VALIDATION_ERROR naming emdrId (RR-18.2)', async () => {
    const call = await registry(remd, 'getRegistryItem', getRegistryItemBody('77.01.99.01.000000001'));
    assert.equal(codeOf(call), 'VALIDATION_ERROR');
    assert.match(call.answer.fault?.reason.en ?? '', /emdrId/);
  });

  it('repeats a callback answered 503 with the same MessageID and body, no sooner than callbackMs (RR-15.2)', async () => {
    const doc = await document(mis);
    mis.unavailable.add(doc.metadata.localUid);
    await register(remd, doc);
    const settled = await remd.awaitOutcome(doc.metadata.localUid);
    const taken = mis.callbacks.all().filter((t) => t.result.localUid === doc.metadata.localUid);
    assert.equal(taken.length, 2);
    assert.equal(taken[0]!.messageId, taken[1]!.messageId);
    assert.deepEqual(taken[0]!.result, taken[1]!.result);
    assert.ok(taken[1]!.at - taken[0]!.at >= CALLBACK_MS - 20, `${taken[1]!.at - taken[0]!.at} ms apart`);
    assert.equal(settled.delivery?.acknowledged, true);
    assert.equal(settled.state, 'registered');
  });

  it('refuses in the callback what the document check finds: DIGEST_MISMATCH, and MIS_NOT_AVAILABLE for a file it cannot pull (RR-06.3, RR-06.4)', async () => {
    const doc = await document(mis, 'digest-differs');
    await register(remd, doc);
    const taken = await callbackFor(mis, doc.metadata.localUid);
    assert.deepEqual(codes(taken), ['DIGEST_MISMATCH']);
    assert.equal(taken.result.emdrId, undefined);
    const closed = await startMockServer({ name: PARTY.mis, journal }, async () => {});
    const gone = closed.url;
    await closed.stop();
    const lost = await startRemd({
      journal,
      registers,
      books,
      systems: () => ({ callbackUrl: mis.url, documentFileUrl: `${gone}/mis` }),
      callbackMs: CALLBACK_MS,
      requestsPerSecond: 50,
      timeoutMs: 2000,
    });
    try {
      const other = await document(mis);
      await register(lost, other);
      assert.deepEqual(codes(await callbackFor(mis, other.metadata.localUid)), ['MIS_NOT_AVAILABLE']);
    } finally {
      await lost.stop();
    }
  });

  it('answers RATE_LIMIT (env:Receiver) above requestsPerSecond per clientEntityId, registering none of those (RR-16.1)', async () => {
    const limited = await remdFor(mis, { requestsPerSecond: 2 });
    try {
      const docs = await Promise.all([1, 2, 3, 4].map(() => document(mis)));
      const calls = await Promise.all(docs.map((d) => register(limited, d)));
      const refused = calls.filter((c) => codeOf(c) === 'RATE_LIMIT');
      assert.equal(refused.length, 2);
      for (const c of refused) {
        assert.equal(c.answer.fault?.codeLocal, 'Receiver');
        assert.equal(c.status, 500);
      }
      assert.equal(limited.registrations().length, 2);
    } finally {
      await limited.stop();
    }
  });

  it('as Sello stand-in: answers the next registration with the fault asked for, withholds callbacks, pulls a file', async () => {
    remd.stimuli.nextRegisterAnswer('RATE_LIMIT');
    const doc = await document(mis);
    assert.equal(codeOf(await register(remd, doc)), 'RATE_LIMIT');
    remd.stimuli.withholdCallbacks(true);
    await register(remd, doc);
    const settled = await remd.awaitOutcome(doc.metadata.localUid);
    assert.equal(settled.withheld, true);
    assert.equal(mis.callbacks.all().filter((t) => t.result.localUid === doc.metadata.localUid).length, 0);
    remd.stimuli.reset();
    const pulled = await remd.stimuli.pullFile(mis.url, doc.metadata.localUid);
    assert.ok('file' in pulled && pulled.file.file.equals(doc.file));
    const unknown = await remd.stimuli.pullFile(mis.url, 'no-such-document');
    assert.ok('code' in unknown && unknown.code === 'GET_DOCUMENT_FILE_ERROR');
    const [call] = await remd.stimuli.sendCallback(mis.url, { ...settled.result!, relatesToMessage: newUrnUuid() }, { soap11: true });
    assert.match(call!.http.text, /VersionMismatch/);
    assert.equal(journal.all().at(-1)?.from, 'sello (remd)');
  });
});

describe('reference REMD under bad input', () => {
  it('answers every malformed or hostile request with a SOAP 1.2 Fault and keeps what it registered', async () => {
    const kept = await document(mis);
    await register(remd, kept);
    const { result } = await callbackFor(mis, kept.metadata.localUid);
    const wrap = (body: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${SOAP12_NS}" xmlns:wsa="http://www.w3.org/2005/08/addressing"><env:Header><wsa:Action>x:y</wsa:Action><wsa:MessageID>${newUrnUuid()}</wsa:MessageID></env:Header><env:Body>${body}</env:Body></env:Envelope>`;
    const svc = 'xmlns="http://egisz.rosminzdrav.ru/iehr/emdr/service/"';
    const hostile = [
      '',
      'not xml at all',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
      wrap(`${'<a>'.repeat(200)}${'</a>'.repeat(200)}`),
      wrap(`<registerDocument ${svc}/>`),
      wrap(`<registerDocument ${svc}><localUid>only</localUid></registerDocument>`),
      wrap(`<getRegistryItem ${svc}/>`),
      wrap(`<searchRegistryItem ${svc}><organization>1.2</organization></searchRegistryItem>`),
      wrap(`<unknownOperation ${svc}/>`),
      Buffer.from([0xff, 0xfe, 0x00, 0x3c]).toString('latin1'),
    ];
    for (const text of hostile) {
      const call = await register(remd, kept, { text: () => text });
      assert.ok(call.status >= 400, `HTTP ${call.status} for ${text.slice(0, 60)}`);
      assert.equal(call.answer.version, '1.2', `a SOAP 1.2 answer for ${text.slice(0, 60)}`);
      assert.ok(call.answer.fault, `a Fault for ${text.slice(0, 60)}`);
    }
    const item = readRegistryItem((await registry(remd, 'getRegistryItem', getRegistryItemBody(result.emdrId!))).answer.payload!).value;
    assert.equal(item?.localUid, kept.metadata.localUid);
    const after = await document(mis);
    await register(remd, after);
    assert.equal((await callbackFor(mis, after.metadata.localUid)).result.status, 'success');
  });
});

describe('reference REMD planted faults', () => {
  const remdBehaviours = (createRequire(import.meta.url)('../../programs/ru-egisz/profiles/requirements.json') as { behaviours: Array<{ id: string; roles: string[] }> }).behaviours
    .filter((b) => b.roles.includes('remd'))
    .map((b) => b.id);

  it('has one fault per remd behaviour of the catalogue', () => {
    assert.deepEqual(Object.values(REMD_FAULTS).sort(), [...remdBehaviours].sort());
  });

  const withFault = async (fault: string, run: (faulty: RunningRemd) => Promise<void>): Promise<void> => {
    const faulty = await remdFor(mis, { faults: [fault] });
    try {
      await run(faulty);
    } finally {
      await faulty.stop();
    }
  };

  it('accept-reused-message-id takes a reused MessageID (breaks RR-05.4)', () =>
    withFault('accept-reused-message-id', async (faulty) => {
      const messageId = newUrnUuid();
      await register(faulty, await document(mis), { messageId });
      assert.equal(codeOf(await register(faulty, await document(mis), { messageId })), undefined);
    }));

  it('skip-digest registers a file whose digest differs (breaks RR-06.3)', () =>
    withFault('skip-digest', async (faulty) => {
      const doc = await document(mis, 'digest-differs');
      await register(faulty, doc);
      assert.equal((await callbackFor(mis, doc.metadata.localUid)).result.status, 'success');
    }));

  it('no-retry gives up after a 503 (breaks RR-15.2 and RR-15.1)', () =>
    withFault('no-retry', async (faulty) => {
      const doc = await document(mis);
      mis.unavailable.add(doc.metadata.localUid);
      await register(faulty, doc);
      const settled = await faulty.awaitOutcome(doc.metadata.localUid);
      assert.equal(settled.delivery?.attempts, 1);
      assert.equal(settled.delivery?.acknowledged, false);
    }));

  it('no-rate-limit never answers RATE_LIMIT (breaks RR-16.1)', async () => {
    const faulty = await startRemd({
      journal,
      registers,
      books,
      systems: () => undefined,
      callbackMs: CALLBACK_MS,
      requestsPerSecond: 1,
      timeoutMs: 2000,
      faults: ['no-rate-limit', 'accept-unknown-client-entity-id'],
    });
    try {
      const calls = await Promise.all([1, 2, 3].map(async () => register(faulty, await document(mis))));
      assert.deepEqual(calls.map(codeOf), [undefined, undefined, undefined]);
    } finally {
      await faulty.stop();
    }
  });

  it('emdr-id-misshaped writes an emdrId of the wrong shape (breaks RR-10.1)', () =>
    withFault('emdr-id-misshaped', async (faulty) => {
      const doc = await document(mis);
      await register(faulty, doc);
      assert.doesNotMatch((await callbackFor(mis, doc.metadata.localUid)).result.emdrId ?? '', /^\d{2}\.\d{2}\.\d{2}\.\d{2}\.\d{9}$/);
    }));

  it('fault-without-relates-to drops wsa:RelatesTo from its faults (breaks RR-09.2)', () =>
    withFault('fault-without-relates-to', async (faulty) => {
      const messageId = newUrnUuid();
      await register(faulty, await document(mis), { messageId });
      const again = await register(faulty, await document(mis), { messageId });
      assert.equal(codeOf(again), 'WRONG_MESSAGE_ID');
      assert.deepEqual(again.answer.addressing.relatesTo, []);
    }));

  it('accept-soap11 registers a SOAP 1.1 envelope (breaks RR-08.5)', () =>
    withFault('accept-soap11', async (faulty) => {
      const doc = await document(mis);
      const call = await register(faulty, doc, { text: (t) => t.split(SOAP12_NS).join(SOAP11_NS), headers: { 'content-type': 'text/xml; charset=utf-8' } });
      assert.equal(call.status, 200);
      await faulty.awaitRegistration(doc.metadata.localUid, 2000);
      assert.equal(journal.all().filter((x) => x.to === PARTY.remd && x.request?.body === call.exchange.request?.body).length, 1);
    }));
});
