import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readEnvelope } from '../../src/soap/envelope-read.ts';
import { buildEnvelope } from '../../src/soap/envelope-write.ts';
import { faultHttpStatus, soapFault12, soapVersionMismatch11 } from '../../src/soap/fault.ts';
import { SOAP11_NS, SOAP12_NS, WSA_NS } from '../../src/soap/namespaces.ts';
import { refusalMessage } from '../../src/soap/soap-route.ts';
import { el } from '../../src/soap/xml-write.ts';

const SVC = 'urn:example:service';
const AUTH = 'urn:example:auth';
const UUID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const SOAP12 = 'application/soap+xml; charset=UTF-8';

const request = (messageId = `urn:uuid:${UUID}`, extraHeaders: string[] = []): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<e:Envelope xmlns:e="${SOAP12_NS}" xmlns:a="${WSA_NS}"><e:Header>` +
  `<a:Action>${SVC}/op</a:Action><a:MessageID>${messageId}</a:MessageID>${extraHeaders.join('')}` +
  `</e:Header><e:Body><s:op xmlns:s="${SVC}"><s:x>1</s:x></s:op></e:Body></e:Envelope>`;

const rules = (findings: { ruleId: string }[]): string[] => findings.map((f) => f.ruleId);

test('an envelope built is read back with the same operation, headers, addressing and text, escaping done right', () => {
  const text = 'a < b & c > d ]]> "q" \'s\' \r\n\tпривет';
  const wire = buildEnvelope({
    addressing: { action: `${SVC}/op`, messageId: `urn:uuid:${UUID}`, to: 'http://host/port', replyTo: 'http://host/cb' },
    headers: [el({ ns: AUTH, local: 'token' }, ['t&1'])],
    body: el({ ns: SVC, local: 'op' }, [el({ ns: SVC, local: 'value' }, [text])], { note: text }),
    prefixes: { svc: SVC },
  });
  // Each namespace declared exactly once, on the Envelope.
  for (const ns of [SOAP12_NS, WSA_NS, SVC, AUTH]) assert.equal(wire.split(`="${ns}"`).length - 1, 1, ns);
  assert.match(wire, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<env:Envelope xmlns:env="[^"]+" xmlns:wsa="[^"]+" xmlns:svc="urn:example:service" xmlns:ns1="urn:example:auth"><env:Header><wsa:To>/);
  assert.match(wire, /note="a &lt; b &amp; c &gt; d \]\]&gt; &quot;q&quot; 's' &#13;&#10;&#9;привет"/);
  const read = readEnvelope(Buffer.from(wire), SOAP12, { understood: [] });
  assert.deepEqual(read.findings, []);
  assert.equal(read.refusal, undefined);
  assert.equal(read.version, '1.2');
  assert.deepEqual(read.operation, { ns: SVC, local: 'op' });
  assert.equal(read.payload?.getAttribute('note'), text);
  assert.equal(read.payload?.textContent, text);
  assert.deepEqual(read.addressing, { present: true, action: `${SVC}/op`, messageId: `urn:uuid:${UUID}`, to: 'http://host/port', replyTo: 'http://host/cb', relatesTo: [] });
  assert.deepEqual(
    read.headers.map((h) => `${h.name.local}:${h.mustUnderstand}`),
    ['To:false', 'Action:false', 'MessageID:false', 'ReplyTo:false', 'token:false'],
  );
});

test('a MessageID is accepted bare or as urn:uuid:, in either case; anything else is WSA-MESSAGEID with the WS-A fault', () => {
  for (const id of [UUID, `urn:uuid:${UUID}`, `URN:UUID:${UUID.toUpperCase()}`]) {
    const read = readEnvelope(request(id), SOAP12, { addressing: 'required' });
    assert.deepEqual(read.findings, [], id);
    assert.equal(read.addressing.messageId, id);
  }
  const bad = readEnvelope(request('not-a-uuid'), SOAP12, { addressing: 'required' });
  assert.deepEqual(rules(bad.findings), ['WSA-MESSAGEID']);
  assert.equal(bad.findings[0]!.location, '/soap:Envelope/soap:Header[1]/wsa:MessageID[1]');
  const line2 = request('not-a-uuid').split('\n')[1]!;
  assert.deepEqual(bad.findings[0]!.position, { line: 2, column: line2.indexOf('<a:MessageID>') + 1 });
  assert.ok(bad.findings[0]!.message.ru);
  assert.ok(bad.refusal?.version === '1.2');
  const answer = refusalMessage(bad.refusal, {});
  assert.equal(answer.status, 400);
  assert.match(answer.body, /<env:Value>env:Sender<\/env:Value><env:Subcode><env:Value>wsa:InvalidAddressingHeader<\/env:Value>/);
  // WS-Addressing itself allows any absolute IRI: a program that wants that says so.
  assert.deepEqual(readEnvelope(request('http://example.org/m/1'), SOAP12, { messageIdForm: 'iri' }).findings, []);
});

test('a missing MessageID or Action where required, or a repeated one, is its own finding', () => {
  const noId = readEnvelope(request().replace(/<a:MessageID>.*<\/a:MessageID>/, ''), SOAP12, { addressing: 'required' });
  assert.deepEqual(rules(noId.findings), ['WSA-MESSAGEID']);
  assert.equal(noId.findings[0]!.location, '/soap:Envelope/soap:Header/wsa:MessageID');
  assert.equal(noId.refusal?.version === '1.2' && noId.refusal.fault.subcode && JSON.stringify(noId.refusal.fault.subcode), JSON.stringify([{ ns: WSA_NS, local: 'MessageAddressingHeaderRequired' }]));
  // Optional addressing needs no MessageID, but once engaged, wsa:Action.
  assert.deepEqual(readEnvelope(request().replace(/<a:MessageID>.*<\/a:MessageID>/, ''), SOAP12).findings, []);
  assert.deepEqual(rules(readEnvelope(request().replace(/<a:Action>.*<\/a:Action>/, ''), SOAP12).findings), ['WSA-ACTION']);
  const twice = readEnvelope(request(UUID, [`<a:MessageID>${UUID}</a:MessageID>`]), SOAP12);
  assert.deepEqual(rules(twice.findings), ['WSA-MESSAGEID']);
  assert.match(JSON.stringify(twice.refusal), /InvalidCardinality/);
  const mismatch = readEnvelope(request(), `${SOAP12}; action="urn:other"`);
  assert.deepEqual(rules(mismatch.findings), ['WSA-ACTION']);
  assert.match(JSON.stringify(mismatch.refusal), /ActionMismatch/);
  assert.deepEqual(readEnvelope(request(), `${SOAP12}; action="${SVC}/op"`).findings, []);
});

test('a mustUnderstand header block this node does not process is a MustUnderstand fault naming it; understood, or aimed at another role, it is not', () => {
  const block = (attrs: string) => `<k:key xmlns:k="${AUTH}" ${attrs}>1</k:key>`;
  const refused = readEnvelope(request(UUID, [block('e:mustUnderstand="true"')]), SOAP12);
  assert.deepEqual(rules(refused.findings), ['SOAP-MUSTUNDERSTAND']);
  assert.ok(refused.refusal?.version === '1.2');
  const answer = refusalMessage(refused.refusal, { relatesTo: UUID });
  assert.equal(answer.status, 500);
  assert.match(answer.body, /<env:NotUnderstood qname="sc1:key"\/>/);
  assert.match(answer.body, /xmlns:sc1="urn:example:auth"/);
  assert.match(answer.body, /<env:Value>env:MustUnderstand<\/env:Value>/);
  assert.match(answer.body, new RegExp(`<wsa:RelatesTo>${UUID}</wsa:RelatesTo>`));
  assert.deepEqual(readEnvelope(request(UUID, [block('e:mustUnderstand="1"')]), SOAP12, { understood: [`{${AUTH}}key`] }).findings, []);
  assert.deepEqual(readEnvelope(request(UUID, [block('e:mustUnderstand="true" e:role="http://www.w3.org/2003/05/soap-envelope/role/none"')]), SOAP12).findings, []);
  assert.deepEqual(readEnvelope(request(UUID, [block('e:mustUnderstand="false"')]), SOAP12).findings, []);
  assert.deepEqual(rules(readEnvelope(request(UUID, [block('e:mustUnderstand="yes"')]), SOAP12).findings), ['SOAP-ENVELOPE']);
});

test('a SOAP 1.1 envelope is answered with a SOAP 1.1 VersionMismatch carrying the Upgrade header; any other root with a 1.2 one', () => {
  const soap11 = `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Body><op xmlns="${SVC}"/></s:Body></s:Envelope>`;
  const read = readEnvelope(soap11, 'text/xml; charset=utf-8');
  assert.equal(read.version, '1.1');
  assert.deepEqual(rules(read.findings), ['SOAP-CONTENT-TYPE', 'SOAP-VERSION']);
  assert.deepEqual(read.refusal, { version: '1.1', reason: 'A SOAP 1.1 envelope; this node speaks SOAP 1.2 only.' });
  const answer = soapVersionMismatch11('x');
  assert.deepEqual([answer.status, answer.contentType], [500, 'text/xml; charset=utf-8']);
  assert.match(answer.body, /<upg:Upgrade><upg:SupportedEnvelope qname="upg:Envelope"\/><\/upg:Upgrade>/);
  assert.match(answer.body, /<faultcode>env:VersionMismatch<\/faultcode>/);
  const other = readEnvelope(`<Envelope xmlns="urn:not-soap"><Body/></Envelope>`, SOAP12);
  assert.deepEqual(rules(other.findings), ['SOAP-VERSION']);
  assert.ok(other.refusal?.version === '1.2' && other.refusal.fault.code === 'VersionMismatch');
  assert.match(refusalMessage(other.refusal, {}).body, /<env:Header><env:Upgrade><env:SupportedEnvelope qname="env:Envelope"\/>/);
});

test('the wrong media type or charset is a Sender fault with HTTP 415; a missing Body, text or an element after it a Sender fault', () => {
  for (const type of [undefined, 'application/json', 'text/xml', `application/soap+xml; charset=ISO-8859-5`]) {
    const read = readEnvelope(Buffer.from(request()), type);
    assert.equal(read.findings[0]!.ruleId, 'SOAP-CONTENT-TYPE', String(type));
    assert.ok(read.refusal?.version === '1.2' && read.refusal.fault.status === 415 && read.refusal.fault.code === 'Sender');
  }
  assert.deepEqual(readEnvelope(request(), 'Application/SOAP+XML;charset="utf-8"').findings, []);
  const noBody = readEnvelope(`<e:Envelope xmlns:e="${SOAP12_NS}"><e:Header/></e:Envelope>`, SOAP12);
  assert.deepEqual(rules(noBody.findings), ['SOAP-ENVELOPE']);
  const after = readEnvelope(`<e:Envelope xmlns:e="${SOAP12_NS}"><e:Body/><e:Trailer/></e:Envelope>`, SOAP12);
  assert.deepEqual(rules(after.findings), ['SOAP-ENVELOPE']);
  assert.equal(after.findings[0]!.location, '/soap:Envelope/soap:Trailer[1]');
  const text = readEnvelope(`<e:Envelope xmlns:e="${SOAP12_NS}"><e:Body>loose text</e:Body></e:Envelope>`, SOAP12);
  assert.deepEqual(rules(text.findings), ['SOAP-ENVELOPE']);
  const pi = readEnvelope(`<e:Envelope xmlns:e="${SOAP12_NS}"><e:Body><?pi x?></e:Body></e:Envelope>`, SOAP12);
  assert.deepEqual(rules(pi.findings), ['SOAP-ENVELOPE']);
  const unqualified = readEnvelope(`<e:Envelope xmlns:e="${SOAP12_NS}"><e:Header><plain/></e:Header><e:Body/></e:Envelope>`, SOAP12);
  assert.deepEqual(rules(unqualified.findings), ['SOAP-ENVELOPE']);
});

test('a DOCTYPE (XXE) is refused before parsing, nothing read from the file system', () => {
  const xxe = `<?xml version="1.0"?><!DOCTYPE e:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]><e:Envelope xmlns:e="${SOAP12_NS}"><e:Body><op xmlns="${SVC}">&x;</op></e:Body></e:Envelope>`;
  const read = readEnvelope(xxe, SOAP12);
  assert.deepEqual(rules(read.findings), ['XML-DOCTYPE']);
  assert.equal(read.document, undefined);
  assert.ok(read.refusal?.version === '1.2');
  const answer = refusalMessage(read.refusal, {});
  assert.equal(answer.status, 400);
  assert.doesNotMatch(answer.body, /root:/);
});

test('deep nesting and oversized envelopes are bounded: a SELLO-LIMIT finding and a Sender fault, no stack overflow', () => {
  const deep = `<e:Envelope xmlns:e="${SOAP12_NS}"><e:Body>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</e:Body></e:Envelope>`;
  const read = readEnvelope(deep, SOAP12);
  assert.deepEqual(rules(read.findings), ['SELLO-LIMIT']);
  assert.ok(read.refusal?.version === '1.2' && read.refusal.fault.code === 'Sender');
  const large = readEnvelope(Buffer.alloc(2 * 1024 * 1024, 0x20), SOAP12);
  assert.deepEqual(rules(large.findings), ['SELLO-LIMIT']);
  assert.ok(large.refusal?.version === '1.2' && large.refusal.fault.status === 413);
});

test('soapFault12: bilingual reason, subcode chain, detail, node and role; HTTP status by the SOAP 1.2 binding', () => {
  assert.deepEqual((['Sender', 'Receiver', 'VersionMismatch', 'MustUnderstand', 'DataEncodingUnknown'] as const).map(faultHttpStatus), [400, 500, 500, 500, 500]);
  const fault = soapFault12({
    code: 'Receiver',
    subcode: [{ ns: 'urn:example:errors', local: 'Busy' }],
    reason: { ru: 'Сервис занят', en: 'Service busy' },
    detail: [el({ ns: 'urn:example:errors', local: 'code' }, ['RATE'])],
    node: 'http://host/port',
    role: 'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver',
    prefixes: { err: 'urn:example:errors' },
    addressing: { messageId: `urn:uuid:${UUID}`, relatesTo: UUID },
  });
  assert.equal(fault.status, 500);
  assert.equal(fault.contentType, 'application/soap+xml; charset=UTF-8');
  const read = readEnvelope(fault.body, fault.contentType);
  assert.deepEqual(read.findings, []);
  assert.deepEqual(
    { code: read.fault?.codeLocal, subcodes: read.fault?.subcodes, reason: read.fault?.reason, node: read.fault?.node, detail: read.fault?.detail?.textContent },
    { code: 'Receiver', subcodes: ['err:Busy'], reason: { ru: 'Сервис занят', en: 'Service busy' }, node: 'http://host/port', detail: 'RATE' },
  );
  assert.equal(read.addressing.action, 'http://www.w3.org/2005/08/addressing/fault');
  assert.deepEqual(read.addressing.relatesTo, [{ id: UUID }]);
  assert.equal(soapFault12({ code: 'Sender', reason: { en: 'too large' }, status: 413 }).status, 413);
});
