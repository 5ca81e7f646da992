import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PARTY } from '../../programs/ru-egisz/lib/contract.ts';
import { getDocumentFileBody, readDocumentFile, readRemdFault, ruEnvelope } from '../../programs/ru-egisz/lib/messages.ts';
import { sha256Base64 } from '../../programs/ru-egisz/lib/register-document.ts';
import { startGateway } from '../../programs/ru-egisz/reference/gateway.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { newUrnUuid, sameMessageId, soapCall } from '../../src/soap/index.ts';
import { GATEWAY_CLIENT, MIS_CLIENT, misFor, success, tinyRemd } from './reference-fixtures.ts';

const CALLBACK_MS = 300;
const journal = new ExchangeJournal();
let remd: Awaited<ReturnType<typeof tinyRemd>>;
let mis: Awaited<ReturnType<typeof misFor>>;
let gateway: Awaited<ReturnType<typeof startGateway>>;

before(async () => {
  remd = await tinyRemd(journal);
  let misUrls = { callbackUrl: '', documentFileUrl: '' };
  gateway = await startGateway({
    journal,
    remdServiceUrl: remd.serviceUrl,
    clientEntityId: GATEWAY_CLIENT,
    systems: (id) => (id === MIS_CLIENT ? misUrls : undefined),
    callbackMs: CALLBACK_MS,
    timeoutMs: 3000,
  });
  mis = await misFor(journal, gateway.serviceUrl, { serviceParty: PARTY.gateway, rateLimitRetries: 0 });
  misUrls = { callbackUrl: mis.callbackUrl, documentFileUrl: mis.documentFileUrl };
});
after(async () => {
  await mis?.stop();
  await gateway?.stop();
  await remd?.stop();
});

const relayOf = (localUid: string) => gateway.relays().find((r) => r.localUid === localUid)!;

describe('reference gateway', () => {
  it('relays registerDocument with its own MessageID and clientEntityId, the metadata field for field, and the callback with the MIS MessageID (RR-05.6, RR-14.1, RR-14.3)', async () => {
    const registration = await mis.register();
    assert.equal(registration.status, 'accepted');
    const got = remd.received.at(-1)!;
    assert.equal(got.clientEntityId, GATEWAY_CLIENT);
    assert.ok(!sameMessageId(got.envelope.addressing.messageId!, registration.messageId));
    assert.deepEqual(got.metadata, registration.document.metadata);
    const result = success(got.envelope.addressing.messageId!, got.metadata!);
    const ack = await remd.callBack(gateway.callbackUrl, remd.callbackEnvelope(result));
    assert.equal(ack.answer.fault, undefined);
    const taken = await mis.awaitResult(registration.localUid, 2000);
    assert.deepEqual(taken.result, { ...result, relatesToMessage: registration.messageId });
  });

  it('serves REMD the MIS file byte for byte (RR-14.5)', async () => {
    const registration = await mis.register();
    const served = await soapCall(gateway.documentFileUrl, ruEnvelope('getDocumentFile', { body: getDocumentFileBody(registration.localUid), messageId: newUrnUuid() }), {
      journal,
      from: PARTY.remd,
      to: PARTY.gateway,
      timeoutMs: 5000,
    });
    const file = readDocumentFile(served.answer.payload!).value!;
    assert.ok(file.file.equals(registration.document.file));
    assert.equal(sha256Base64(file.file), registration.document.metadata.digest.value);
    assert.deepEqual(file.signatures, registration.document.signatures);
  });

  it('relays a RATE_LIMIT Fault with the same code and RelatesTo the MIS MessageID (RR-14.2, RR-17.2)', async () => {
    remd.failNext('RATE_LIMIT');
    const registration = await mis.register();
    assert.equal(registration.faultCode, 'RATE_LIMIT');
    const answer = registration.calls.at(-1)!.answer;
    assert.ok(answer.addressing.relatesTo.some((r) => sameMessageId(r.id, registration.messageId)));
  });

  it('tells the MIS ASYNC_RESPONSE_TIMEOUT within 2 × callbackMs when REMD never calls back (RR-15.4)', async () => {
    const started = Date.now();
    const registration = await mis.register();
    const taken = await mis.awaitResult(registration.localUid, 2 * CALLBACK_MS + 500);
    assert.equal(taken.result.errors[0]?.code, 'ASYNC_RESPONSE_TIMEOUT');
    assert.ok(sameMessageId(taken.result.relatesToMessage, registration.messageId));
    assert.ok(Date.now() - started <= 2 * CALLBACK_MS + 500);
  });

  it('repeats an unacknowledged callback with the same MessageID no sooner than callbackMs later (RR-15.5)', async () => {
    const registration = await mis.register({ stimulus: 'callback-503' });
    const got = remd.received.at(-1)!;
    await remd.callBack(gateway.callbackUrl, remd.callbackEnvelope(success(got.envelope.addressing.messageId!, got.metadata!)));
    await mis.awaitResult(registration.localUid, 3000);
    // The MIS takes the result before its acknowledgement reaches the gateway: the delivery ends after that.
    await relayOf(registration.localUid).delivery!.done;
    const calls = relayOf(registration.localUid).delivery!.calls;
    assert.equal(calls.length, 2);
    assert.equal(calls[0]!.messageId, calls[1]!.messageId);
    const gap = Date.parse(calls[1]!.exchange.startedAt) - Date.parse(calls[0]!.exchange.startedAt);
    assert.ok(gap >= CALLBACK_MS, `${gap} ms apart`);
  });

  it('refuses SOAP 1.1 and malformed requests and relays nothing (RR-08.9, RR-09.3)', async () => {
    const start = remd.received.length;
    const soap11 = await mis.register({ stimulus: 'soap11' });
    assert.match(soap11.calls[0]!.http.text, /VersionMismatch/);
    const malformed = await mis.register({ stimulus: 'malformed-xml' });
    assert.equal(malformed.calls[0]!.status, 400);
    assert.equal(readRemdFault(malformed.calls[0]!.answer)?.code, 'VALIDATION_ERROR');
    assert.equal(remd.received.length, start);
  });
});

describe('reference gateway, planted faults', () => {
  it('reuse-mis-message-id relays the MIS MessageID', async () => {
    let urls = { callbackUrl: '', documentFileUrl: '' };
    const faulty = await startGateway({
      journal,
      remdServiceUrl: remd.serviceUrl,
      clientEntityId: GATEWAY_CLIENT,
      systems: () => urls,
      callbackMs: CALLBACK_MS,
      faults: ['reuse-mis-message-id', 'no-timeout-callback'],
    });
    const client = await misFor(journal, faulty.serviceUrl, { seed: 'gw-faulty' });
    urls = { callbackUrl: client.callbackUrl, documentFileUrl: client.documentFileUrl };
    try {
      const registration = await client.register();
      assert.ok(sameMessageId(remd.received.at(-1)!.envelope.addressing.messageId!, registration.messageId));
    } finally {
      await client.stop();
      await faulty.stop();
    }
  });

  it('rate-limit-immediate-retry repeats at once after RATE_LIMIT, with a new MessageID (only the pause is wrong: RR-17.2)', async () => {
    let urls = { callbackUrl: '', documentFileUrl: '' };
    const faulty = await startGateway({
      journal,
      remdServiceUrl: remd.serviceUrl,
      clientEntityId: GATEWAY_CLIENT,
      systems: () => urls,
      callbackMs: CALLBACK_MS,
      faults: ['rate-limit-immediate-retry', 'no-timeout-callback'],
    });
    const client = await misFor(journal, faulty.serviceUrl, { seed: 'gw-faulty-2', rateLimitRetries: 0 });
    urls = { callbackUrl: client.callbackUrl, documentFileUrl: client.documentFileUrl };
    try {
      const start = remd.received.length;
      remd.failNext('RATE_LIMIT');
      const registration = await client.register();
      assert.equal(registration.status, 'accepted');
      const [first, repeat] = remd.received.slice(start).map((r) => r.envelope.addressing.messageId!);
      assert.ok(first && repeat && !sameMessageId(first, repeat));
      const relays = journal
        .all()
        .filter((x) => x.from === PARTY.gateway && x.to === PARTY.remd)
        .slice(-2);
      assert.ok(Date.parse(relays[1]!.startedAt) - Date.parse(relays[0]!.finishedAt) < 1000);
    } finally {
      await client.stop();
      await faulty.stop();
    }
  });
});
