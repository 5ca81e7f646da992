import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { soapFault } from '../../src/mock/error-shape.ts';
import { type MockServer, startMockServer } from '../../src/mock/mock-server.ts';
import { messageIdUuid, sameMessageId } from '../../src/soap/addressing.ts';
import { awaitCorrelated, Inbox } from '../../src/soap/correlate.ts';
import { readEnvelope } from '../../src/soap/envelope-read.ts';
import { buildEnvelope } from '../../src/soap/envelope-write.ts';
import { SOAP12_CONTENT_TYPE } from '../../src/soap/namespaces.ts';
import { soapCall } from '../../src/soap/soap-call.ts';
import { newUrnUuid, soapRoute } from '../../src/soap/soap-route.ts';
import { el } from '../../src/soap/xml-write.ts';
import { WaitTimeoutError } from '../../src/util/wait.ts';

const SVC = 'urn:example:service';
const CB = 'urn:example:callback';
const journal = new ExchangeJournal();
let service: MockServer;
let client: MockServer;
/** Callbacks the client side received: the original MessageID each names, read from its body. */
const inbox = new Inbox<{ relatesToMessage: string; status: string }>();
const pending: Promise<unknown>[] = [];

const call = (local: string, messageId = newUrnUuid(), body = el({ ns: SVC, local }, [el({ ns: SVC, local: 'item' }, ['42'])])) =>
  soapCall(`${service.url}/port`, buildEnvelope({ addressing: { action: `${SVC}/${local}`, messageId, to: `${service.url}/port` }, body, prefixes: { s: SVC } }), {
    journal,
    from: 'client',
    to: 'service',
    timeoutMs: 5000,
  });

before(async () => {
  client = await startMockServer({ name: 'client', journal, errorShape: soapFault('1.2') }, async (server) => {
    soapRoute(server, '/callback', {
      handlers: {
        [`{${CB}}result`]: ({ payload }) => {
          const field = (local: string) => payload.getElementsByTagNameNS(CB, local)[0]?.textContent ?? '';
          inbox.push({ relatesToMessage: field('relatesToMessage'), status: field('status') });
          return { body: el({ ns: CB, local: 'resultResponse' }, ['ok']) };
        },
      },
    });
  });
  service = await startMockServer({ name: 'service', journal, errorShape: soapFault('1.2') }, async (server) => {
    soapRoute(server, '/port', {
      handlers: {
        [`{${SVC}}echo`]: ({ payload }) => ({ body: el({ ns: SVC, local: 'echoResponse' }, [payload.textContent ?? '']), prefixes: { s: SVC } }),
        [`{${SVC}}refuse`]: () => ({ fault: { code: 'Sender', subcode: { ns: 'urn:example:errors', local: 'NOT_ALLOWED' }, reason: { ru: 'Запрещено', en: 'Not allowed' } } }),
        [`{${SVC}}crash`]: () => {
          throw new Error('secret internals');
        },
        // Accepted now; the result follows later as a request of its own to the caller's callback endpoint.
        [`{${SVC}}register`]: ({ envelope }) => {
          const original = envelope.addressing.messageId!;
          const callback = buildEnvelope({
            addressing: { action: `${CB}/result`, messageId: newUrnUuid(), to: `${client.url}/callback` },
            body: el({ ns: CB, local: 'result' }, [el({ ns: CB, local: 'relatesToMessage' }, [original]), el({ ns: CB, local: 'status' }, ['success'])]),
          });
          const later = new Promise((resolve) => setTimeout(resolve, 150)).then(() => soapCall(`${client.url}/callback`, callback, { journal, from: 'service', to: 'client' }));
          pending.push(later);
          return { body: el({ ns: SVC, local: 'registerResponse' }, [el({ ns: SVC, local: 'status' }, ['accepted'])]) };
        },
      },
    });
  });
});
after(async () => {
  await Promise.allSettled(pending);
  await Promise.all([service.stop(), client.stop()]);
  journal.close();
});

test('a call over a real socket is answered with RelatesTo = its MessageID, a fresh MessageID and the Response action', async () => {
  const messageId = newUrnUuid();
  const result = await call('echo', messageId);
  assert.equal(result.status, 200);
  assert.deepEqual(result.findings, []);
  assert.equal(result.answer.fault, undefined);
  assert.deepEqual(result.answer.operation, { ns: SVC, local: 'echoResponse' });
  assert.equal(result.answer.payload?.textContent, '42');
  assert.deepEqual(result.answer.addressing.relatesTo, [{ id: messageId }]);
  assert.ok(messageIdUuid(result.answer.addressing.messageId ?? ''));
  assert.ok(!sameMessageId(result.answer.addressing.messageId!, messageId));
  assert.equal(result.answer.addressing.action, `${SVC}/echoResponse`);
  assert.match(result.http.headers['content-type'] ?? '', /^application\/soap\+xml; charset=UTF-8; action="urn:example:service\/echoResponse"$/);
  // The journal holds the bytes as sent and received, under the request's MessageID, with the action in the Content-Type.
  assert.equal(result.exchange.messageId, messageId);
  assert.equal(result.exchange.request?.headers['content-type'], `${SOAP12_CONTENT_TYPE}; action="${SVC}/echo"`);
  assert.equal(result.exchange.response?.body, result.http.text);
});

test('a program fault, an unknown operation and a crash: SOAP 1.2 Faults with their HTTP status and RelatesTo', async () => {
  const refused = await call('refuse');
  assert.equal(refused.status, 400);
  assert.equal(refused.answer.fault?.codeLocal, 'Sender');
  assert.deepEqual(refused.answer.fault?.subcodes, ['sc1:NOT_ALLOWED']);
  assert.deepEqual(refused.answer.fault?.reason, { ru: 'Запрещено', en: 'Not allowed' });
  assert.deepEqual(refused.findings, []);
  const unknown = await call('nothing');
  assert.equal(unknown.status, 400);
  assert.deepEqual(unknown.answer.fault?.subcodes, ['wsa:ActionNotSupported']);
  assert.equal(unknown.answer.fault?.detail?.textContent, `${SVC}/nothing`);
  const crash = await call('crash');
  assert.equal(crash.status, 500);
  assert.equal(crash.answer.fault?.codeLocal, 'Receiver');
  assert.doesNotMatch(crash.http.text, /secret/);
  assert.deepEqual(crash.findings, []);
});

test('a request from another client is journaled by the mock under its wsa:MessageID; malformed ones get Faults (415, 400, 405)', async () => {
  const messageId = newUrnUuid();
  const text = buildEnvelope({ addressing: { action: `${SVC}/echo`, messageId }, body: el({ ns: SVC, local: 'echo' }, ['x']) });
  const mark = journal.mark();
  const ok = await fetch(`${service.url}/port`, { method: 'POST', headers: { 'content-type': SOAP12_CONTENT_TYPE }, body: text });
  assert.equal(ok.status, 200);
  await ok.text();
  const entry = journal.since(mark).find((e) => e.observedBy === 'server');
  assert.equal(entry?.messageId, messageId);
  assert.equal(entry?.request?.body, text);
  const wrongType = await fetch(`${service.url}/port`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  assert.equal(wrongType.status, 415);
  assert.equal(readEnvelope(await wrongType.text(), wrongType.headers.get('content-type') ?? '').fault?.codeLocal, 'Sender');
  const garbage = await fetch(`${service.url}/port`, { method: 'POST', headers: { 'content-type': SOAP12_CONTENT_TYPE }, body: '<<<' });
  assert.equal(garbage.status, 400);
  assert.equal(readEnvelope(await garbage.text(), SOAP12_CONTENT_TYPE).fault?.codeLocal, 'Sender');
  const get = await fetch(`${service.url}/port`);
  assert.equal(get.status, 405);
  assert.equal(readEnvelope(await get.text(), SOAP12_CONTENT_TYPE).fault?.codeLocal, 'Sender');
});

test('an answer whose RelatesTo names another message is WSA-RELATESTO', async () => {
  const other = await startMockServer({ name: 'liar', journal }, async (server) => {
    server.route({
      method: 'POST',
      path: '/port',
      options: { payload: { parse: false } },
      handler: (_r, h) => h.response(buildEnvelope({ addressing: { action: 'urn:x', relatesTo: newUrnUuid() }, body: el({ ns: SVC, local: 'r' }) })).type(SOAP12_CONTENT_TYPE),
    });
  });
  try {
    const result = await soapCall(`${other.url}/port`, buildEnvelope({ addressing: { action: 'urn:x', messageId: newUrnUuid() }, body: el({ ns: SVC, local: 'q' }) }), {
      journal,
      from: 'c',
      to: 'liar',
    });
    assert.deepEqual(
      result.findings.map((f) => f.ruleId),
      ['WSA-RELATESTO'],
    );
  } finally {
    await other.stop();
  }
});

test('the asynchronous pattern: accepted synchronously, the result correlated later by the original MessageID, from an inbox or the journal', async () => {
  const messageId = newUrnUuid();
  const accepted = await call('register', messageId);
  assert.equal(accepted.answer.payload?.textContent, 'accepted');
  const callback = await awaitCorrelated(inbox, (c) => sameMessageId(c.relatesToMessage, messageId), 5000, `the result callback for ${messageId}`);
  assert.equal(callback.status, 'success');
  const exchange = await awaitCorrelated(journal, (e) => (e.url ?? '').endsWith('/callback') && String(e.request?.body).includes(messageId), 5000, `the callback exchange for ${messageId}`);
  assert.equal(exchange.status, 200);
});

test('a wait for a callback that never comes times out saying what it waited for', async () => {
  const started = Date.now();
  await assert.rejects(
    awaitCorrelated(inbox, (c) => c.relatesToMessage === 'never', 200, 'the result callback for message never'),
    (error: unknown) => {
      assert.ok(error instanceof WaitTimeoutError);
      assert.match(error.message, /^Timed out after 200 ms waiting for the result callback for message never \(last seen: \d+ item\(s\), none matching\)$/);
      return true;
    },
  );
  assert.ok(Date.now() - started < 2000);
});
