import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PARTY } from '../../programs/ru-egisz/lib/contract.ts';
import { getDocumentFileBody, readDocumentFile, readRemdFault, ruEnvelope } from '../../programs/ru-egisz/lib/messages.ts';
import { sha256Base64 } from '../../programs/ru-egisz/lib/register-document.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { newUrnUuid, SOAP11_NS, SOAP12_NS, sameMessageId, soapCall } from '../../src/soap/index.ts';
import { misFor, success, tinyRemd } from './reference-fixtures.ts';

const journal = new ExchangeJournal();
let remd: Awaited<ReturnType<typeof tinyRemd>>;
let mis: Awaited<ReturnType<typeof misFor>>;

const pull = (url: string, localUid: string) =>
  soapCall(url, ruEnvelope('getDocumentFile', { body: getDocumentFileBody(localUid), messageId: newUrnUuid() }), { journal, from: PARTY.remd, to: PARTY.mis, timeoutMs: 5000 });

before(async () => {
  remd = await tinyRemd(journal);
  mis = await misFor(journal, remd.serviceUrl, { backoffMs: 1000 });
});
after(async () => {
  await mis?.stop();
  await remd?.stop();
});

describe('reference MIS', () => {
  it('registers a signed kind-194 SEMD with its clientEntityId and a urn:uuid MessageID, and serves the file whose digest it registered', async () => {
    const registration = await mis.register();
    assert.equal(registration.status, 'accepted');
    const got = remd.received.at(-1)!;
    assert.equal(got.clientEntityId, '0b7e5a43-8a0e-4c55-9d8e-2f7c1b0a6e11');
    assert.match(got.envelope.addressing.messageId ?? '', /^urn:uuid:[0-9a-f-]{36}$/);
    assert.equal(got.metadata?.localUid, registration.localUid);
    const served = await pull(mis.documentFileUrl, registration.localUid);
    const file = readDocumentFile(served.answer.payload!).value!;
    assert.equal(sha256Base64(file.file), got.metadata?.digest.value);
    assert.deepEqual(file.signatures.map((s) => s.role).sort(), ['DOCTOR', 'ORGANIZATION']);
  });

  it('acknowledges a callback and takes it once, however often it comes (RR-10.3, RR-15.3)', async () => {
    const registration = await mis.register();
    const envelope = remd.callbackEnvelope(success(registration.messageId, registration.document.metadata));
    for (let i = 0; i < 2; i++) {
      const ack = await remd.callBack(mis.callbackUrl, envelope);
      assert.equal(ack.status, 200);
      assert.equal(ack.answer.fault, undefined);
    }
    assert.equal(mis.results().filter((r) => r.result.localUid === registration.localUid).length, 1);
    assert.equal((await mis.awaitResult(registration.localUid, 100)).result.emdrId, '16.62.23.09.000014523');
  });

  it('acknowledges an error callback too (RR-10.4)', async () => {
    const registration = await mis.register();
    const result = { ...success(registration.messageId, registration.document.metadata), status: 'error' as const, errors: [{ code: 'NO_SNILS', message: 'Нет СНИЛС' }] };
    const { emdrId: _e, registrationDate: _r, ...refused } = result;
    const ack = await remd.callBack(mis.callbackUrl, remd.callbackEnvelope(refused));
    assert.equal(ack.answer.fault, undefined);
    assert.equal(mis.registrations().find((r) => r.localUid === registration.localUid)?.result?.status, 'error');
  });

  it('answers a callback relating to none of its requests WRONG_MESSAGE_ID, registrations unchanged (RR-05.2)', async () => {
    const before = JSON.stringify(mis.registrations().map((r) => [r.localUid, r.result?.status]));
    const registration = mis.registrations()[0]!;
    const answer = await remd.callBack(mis.callbackUrl, remd.callbackEnvelope(success(newUrnUuid(), registration.document.metadata)));
    assert.equal(answer.status, 400);
    assert.equal(readRemdFault(answer.answer)?.code, 'WRONG_MESSAGE_ID');
    assert.equal(JSON.stringify(mis.registrations().map((r) => [r.localUid, r.result?.status])), before);
  });

  it('answers getDocumentFile for an unknown localUid with a Sender Fault GET_DOCUMENT_FILE_ERROR (RR-06.2, RR-09.4)', async () => {
    const answer = await pull(mis.documentFileUrl, 'no-such-document');
    assert.equal(answer.status, 400);
    assert.equal(answer.answer.fault?.codeLocal, 'Sender');
    assert.equal(readRemdFault(answer.answer)?.code, 'GET_DOCUMENT_FILE_ERROR');
    assert.ok(answer.answer.fault?.reason.ru);
  });

  it('refuses a SOAP 1.1 callback with VersionMismatch and a malformed one with a classified Fault, and goes on serving (RR-08.3)', async () => {
    const registration = mis.registrations()[0]!;
    const envelope = remd.callbackEnvelope(success(registration.messageId, registration.document.metadata));
    const soap11 = await remd.callBack(mis.callbackUrl, envelope.split(SOAP12_NS).join(SOAP11_NS));
    assert.equal(soap11.status, 500);
    assert.match(soap11.http.text, /VersionMismatch/);
    const malformed = await remd.callBack(mis.callbackUrl, envelope.slice(0, envelope.length - 30));
    assert.equal(malformed.status, 400);
    assert.equal(readRemdFault(malformed.answer)?.code, 'VALIDATION_ERROR');
    assert.equal((await pull(mis.documentFileUrl, registration.localUid)).status, 200);
  });

  it('repeats after RATE_LIMIT no sooner than 1 s later, with a new MessageID and the same metadata (RR-17.1)', async () => {
    const start = remd.received.length;
    remd.failNext('RATE_LIMIT');
    const registration = await mis.register();
    const [first, second] = remd.received.slice(start);
    assert.ok(first && second, 'two requests');
    assert.ok(second.at - first.at >= 1000, `${second.at - first.at} ms apart`);
    assert.ok(!sameMessageId(first.envelope.addressing.messageId!, second.envelope.addressing.messageId!));
    assert.deepEqual(second.metadata, first.metadata);
    assert.equal(registration.status, 'accepted');
  });

  it('registers through its control API and refuses a bad createdOn', async () => {
    const ok = await fetch(mis.controlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ createdOn: '2024-06-30' }) });
    const body = (await ok.json()) as { localUid: string; messageId: string };
    assert.equal(ok.status, 200);
    assert.equal(
      mis
        .registrations()
        .find((r) => r.localUid === body.localUid)
        ?.document.metadata.creationDateTime.slice(0, 10),
      '2024-06-30',
    );
    const bad = await fetch(mis.controlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ createdOn: 'tomorrow' }) });
    assert.equal(bad.status, 400);
  });

  it('sends stimuli as sello (mis): a non-UUID MessageID, no clientEntityId, a SOAP 1.1 envelope', async () => {
    const start = remd.received.length;
    // A REMD refuses a non-UUID MessageID before its handler sees it: what was sent is read from the journal.
    const nonUuid = await mis.register({ stimulus: 'non-uuid-message-id' });
    await mis.register({ stimulus: 'no-client-entity-id' });
    const sent = journal.all().filter((e) => e.from === 'sello (mis)');
    assert.ok(sent.length >= 2);
    assert.doesNotMatch(nonUuid.messageIds[0] ?? '', /[0-9a-f]{8}-[0-9a-f]{4}-/);
    assert.ok(sent.some((e) => String(e.request?.body ?? '').includes(`<wsa:MessageID>${nonUuid.messageIds[0]}</wsa:MessageID>`)));
    const [noClient] = remd.received.slice(start);
    assert.ok(noClient, 'the registration without clientEntityId reached REMD');
    assert.equal(noClient.clientEntityId, undefined);
    const soap11 = await mis.register({ stimulus: 'soap11' });
    assert.equal(soap11.status, 'refused');
  });

  it('serves a file whose registered digest differs, on purpose (RR-06.3 stimulus)', async () => {
    const registration = await mis.register({ stimulus: 'digest-differs' });
    const file = readDocumentFile((await pull(mis.documentFileUrl, registration.localUid)).answer.payload!).value!;
    assert.notEqual(sha256Base64(file.file), registration.document.metadata.digest.value);
  });
});

describe('reference MIS, planted faults', () => {
  it('accept-unknown-callback acknowledges a callback it cannot relate; duplicate-callback-taken-twice takes a repeat', async () => {
    const faulty = await misFor(journal, remd.serviceUrl, { faults: ['accept-unknown-callback', 'duplicate-callback-taken-twice'], seed: 'faulty' });
    try {
      const registration = await faulty.register();
      const unknown = await remd.callBack(faulty.callbackUrl, remd.callbackEnvelope(success(newUrnUuid(), registration.document.metadata)));
      assert.equal(unknown.answer.fault, undefined);
      const envelope = remd.callbackEnvelope(success(registration.messageId, registration.document.metadata));
      await remd.callBack(faulty.callbackUrl, envelope);
      await remd.callBack(faulty.callbackUrl, envelope);
      assert.equal(faulty.results().length, 2);
    } finally {
      await faulty.stop();
    }
  });

  it('ack-without-relates-to acknowledges a callback (taken, not a Fault) with no wsa:RelatesTo; the reference MIS relates its acknowledgement', async () => {
    const faulty = await misFor(journal, remd.serviceUrl, { faults: ['ack-without-relates-to'], seed: 'faulty-3' });
    try {
      for (const m of [mis, faulty]) {
        const registration = await m.register();
        const ack = await remd.callBack(m.callbackUrl, remd.callbackEnvelope(success(registration.messageId, registration.document.metadata)));
        assert.equal(ack.status, 200);
        assert.equal(ack.answer.fault, undefined);
        assert.ok(ack.answer.addressing.messageId && ack.answer.addressing.action);
        assert.equal(ack.answer.addressing.relatesTo.length, m === mis ? 1 : 0);
        assert.equal(m.registrations().find((r) => r.localUid === registration.localUid)?.result?.status, 'success');
      }
    } finally {
      await faulty.stop();
    }
  });

  it("repeated-local-uid gives the second document the first one's localUid", async () => {
    const faulty = await misFor(journal, remd.serviceUrl, { faults: ['repeated-local-uid'], seed: 'faulty-2' });
    try {
      const a = await faulty.register();
      const b = await faulty.register();
      assert.equal(b.localUid, a.localUid);
    } finally {
      await faulty.stop();
    }
  });
});
