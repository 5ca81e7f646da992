import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Element } from '@xmldom/xmldom';
import { CALLBACK_NS, EGIS_NS, type OperationName, type RegisterDocumentResult, type RegistryItem, SERVICE_NS } from '../../programs/ru-egisz/lib/contract.ts';
import { checkFaultDetail, checkMessage, checkTransportHeader } from '../../programs/ru-egisz/lib/message-check.ts';
import * as m from '../../programs/ru-egisz/lib/messages.ts';
import { ReferenceBooks } from '../../programs/ru-egisz/lib/reference-books.ts';
import { registerDocumentMetadata } from '../../programs/ru-egisz/lib/register-document.ts';
import { generateSemd194, semd194Xml } from '../../programs/ru-egisz/lib/semd-194.ts';
import { formatSnils } from '../../src/identifiers/ru/snils.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import { readEnvelope, soapFault12, type XmlElement } from '../../src/soap/index.ts';

const books = ReferenceBooks.load();
const doc = generateSemd194(new SeededRandom('messages'), books);
const cda = semd194Xml(doc, books);
const metadata = {
  ...registerDocumentMetadata(doc, cda),
  signatures: [
    { role: 'DOCTOR' as const, reference: 'signature-doctor' },
    { role: 'ORGANIZATION' as const, reference: 'signature-organization' },
  ],
};
const result: RegisterDocumentResult = {
  relatesToMessage: 'urn:uuid:6b0f1c1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
  status: 'success',
  localUid: doc.localUid,
  kind: metadata.kind,
  organization: metadata.organization,
  emdrId: '16.62.23.09.000014523',
  registrationDate: '2024-03-01T10:00:00+03:00',
  errors: [],
};
const failed: RegisterDocumentResult = { ...result, status: 'error', errors: [{ code: 'DIGEST_MISMATCH', message: 'Дайджест не совпадает' }] };
const item: RegistryItem = {
  emdrId: '16.62.23.09.000014523',
  localUid: doc.localUid,
  kind: metadata.kind,
  organization: metadata.organization,
  patientSnils: metadata.patient.snils,
  creationDateTime: metadata.creationDateTime,
  registrationDate: '2024-03-01T10:00:00+03:00',
};
const search = { organization: metadata.organization, kind: metadata.kind, dateFrom: '2024-01-01', dateTo: '2024-12-31', patientSnils: metadata.patient.snils };
const file = {
  localUid: doc.localUid,
  file: Buffer.from(cda, 'utf8'),
  signatures: [{ role: 'DOCTOR' as const, signature: '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">Подпись</ds:Signature>' }],
};

const envelope = (body: XmlElement, op: OperationName | 'answer' = 'answer'): string =>
  m.ruEnvelope(op, { body, messageId: 'urn:uuid:1d6c8f7a-0b1c-4d2e-9f3a-4b5c6d7e8f90', clientEntityId: '0f8fad5b-d9cb-469f-a165-70867728950e' });
const payloadOf = (text: string): Element => {
  const env = readEnvelope(text, 'application/soap+xml; charset=UTF-8');
  assert.ok(env.payload, `no payload: ${JSON.stringify(env.findings)}`);
  return env.payload;
};

interface Case {
  op: OperationName;
  side: m.Side;
  body: XmlElement;
  read: (p: Element) => m.MessageRead<unknown>;
  value: unknown;
  /** A change to the wire text the message's XSD must refuse, the rule and the element it must name. */
  mutation?: { from: string | RegExp; to: string; rule: string; at: string };
}

const cases: Case[] = [
  {
    op: 'registerDocument',
    side: 'request',
    body: m.registerDocumentBody(metadata),
    read: m.readRegisterDocument,
    value: metadata,
    mutation: { from: metadata.creationDateTime, to: '15.01.2024 10:00', rule: 'RR-08', at: 'svc:creationDateTime[1]' },
  },
  {
    op: 'registerDocument',
    side: 'response',
    body: m.registerDocumentAcceptedBody(),
    read: m.readRegisterDocumentAccepted,
    value: { status: 'success' },
    mutation: { from: '>success<', to: '>accepted<', rule: 'RR-10', at: 'svc:status[1]' },
  },
  {
    op: 'registerDocumentResult',
    side: 'request',
    body: m.registerDocumentResultBody(result),
    read: m.readRegisterDocumentResult,
    value: result,
    mutation: { from: result.registrationDate!, to: 'yesterday', rule: 'RR-10', at: 'cb:registrationDate[1]' },
  },
  { op: 'registerDocumentResult', side: 'request', body: m.registerDocumentResultBody(failed), read: m.readRegisterDocumentResult, value: failed },
  // v1.1 takes any non-Fault answer as the acknowledgement: its XSD refuses nothing, so no mutation here.
  { op: 'registerDocumentResult', side: 'response', body: m.callbackAckBody(), read: m.readCallbackAck, value: { status: 'success' } },
  {
    op: 'getDocumentFile',
    side: 'request',
    body: m.getDocumentFileBody(doc.localUid),
    read: m.readGetDocumentFile,
    value: { localUid: doc.localUid },
    mutation: { from: '</cb:localUid>', to: '</cb:localUid><cb:extra>1</cb:extra>', rule: 'RR-08', at: 'cb:extra[1]' },
  },
  {
    op: 'getDocumentFile',
    side: 'response',
    body: m.documentFileBody(file),
    read: m.readDocumentFile,
    value: file,
    mutation: { from: /<cb:file>[^<]*</, to: '<cb:file>not base64!<', rule: 'RR-06', at: 'cb:file[1]' },
  },
  {
    op: 'getRegistryItem',
    side: 'request',
    body: m.getRegistryItemBody(item.emdrId),
    read: m.readGetRegistryItem,
    value: { emdrId: item.emdrId },
    mutation: { from: `>${item.emdrId}<`, to: '> <', rule: 'RR-08', at: 'svc:emdrId[1]' },
  },
  {
    op: 'getRegistryItem',
    side: 'response',
    body: m.registryItemBody(item),
    read: m.readRegistryItem,
    value: item,
    mutation: { from: /<svc:patientSnils>[^<]*<\/svc:patientSnils>/, to: '', rule: 'RR-18', at: 'svc:item[1]' },
  },
  {
    op: 'searchRegistryItem',
    side: 'request',
    body: m.searchRegistryItemBody(search),
    read: m.readRegistrySearch,
    value: search,
    mutation: { from: '2024-01-01', to: '2024-13-01', rule: 'RR-08', at: 'svc:dateFrom[1]' },
  },
  {
    op: 'searchRegistryItem',
    side: 'response',
    body: m.registryItemsBody([item, { ...item, emdrId: '16.62.23.09.000014524', localUid: 'other' }]),
    read: m.readRegistryItems,
    value: [item, { ...item, emdrId: '16.62.23.09.000014524', localUid: 'other' }],
    mutation: { from: `<svc:organization>${item.organization}<`, to: '<svc:organization>not an OID<', rule: 'RR-18', at: 'svc:items[1]/svc:item[1]/svc:organization[1]' },
  },
];

for (const c of cases) {
  const name = `${c.op} ${c.side}${c.op === 'registerDocumentResult' && c.side === 'request' ? ` (${(c.value as RegisterDocumentResult).status})` : ''}`;

  test(`${name}: written, read back equal, accepted by its XSD`, async () => {
    const payload = payloadOf(envelope(c.body, c.side === 'request' ? c.op : 'answer'));
    const read = c.read(payload);
    assert.deepEqual(read.findings, []);
    assert.deepEqual(read.value, c.value);
    assert.deepEqual(await checkMessage(c.op, c.side, payload), []);
  });

  if (c.mutation) {
    const { from, to, rule, at } = c.mutation;
    test(`${name}: its XSD refuses a mutation, located under ${rule}`, async () => {
      const text = envelope(c.body, c.side === 'request' ? c.op : 'answer');
      const mutated = text.replace(from, to);
      assert.notEqual(mutated, text);
      const findings = await checkMessage(c.op, c.side, payloadOf(mutated), mutated);
      assert.ok(findings.length > 0, 'the mutation passed');
      const f = findings[0]!;
      assert.equal(f.ruleId, rule);
      assert.match(f.location, new RegExp(`^/soap:Envelope/soap:Body\\[1\\]/.*${at.replace(/[[\]]/g, '\\$&')}$`));
      assert.match(f.message.en, /XSD-/);
      assert.ok(f.message.ru);
      // The position is the wire text's: the element named starts there.
      const { line, column } = f.position!;
      assert.equal(line, 2);
      const tag = mutated.split('\n')[1]!.slice(column - 1);
      assert.ok(
        tag.startsWith(
          `<${at
            .replace(/\[\d+\]$/, '')
            .split('/')
            .at(-1)}`,
        ),
        tag.slice(0, 40),
      );
    });
  }
}

test('a position is exact in a pretty-printed envelope and tells two snils elements apart on one line', async () => {
  const pretty = envelope(m.registerDocumentBody(metadata), 'registerDocument').replace(/></g, '>\n  <').replace(metadata.creationDateTime, 'not a date');
  const [f] = await checkMessage('registerDocument', 'request', payloadOf(pretty));
  const lines = pretty.split('\n');
  assert.equal(f!.position!.line, lines.findIndex((l) => l.includes('<svc:creationDateTime>')) + 1);
  assert.equal(f!.position!.column, 3);

  const oneLine = envelope(m.registerDocumentBody({ ...metadata, personals: [{ ...metadata.personals[0]!, snils: '123' }, metadata.personals[1]!] }), 'registerDocument');
  const findings = await checkMessage('registerDocument', 'request', payloadOf(oneLine));
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.ruleId, 'RR-02');
  assert.equal(findings[0]!.location, '/soap:Envelope/soap:Body[1]/svc:registerDocument[1]/svc:personals[1]/svc:item[1]/svc:snils[1]');
  assert.ok(
    oneLine
      .split('\n')[1]!
      .slice(findings[0]!.position!.column - 1)
      .startsWith('<svc:snils>123<'),
  );
});

test('a SNILS with a wrong check digit in registerDocument gives RR-02, located, the reader still reads it', async () => {
  const digits = metadata.patient.snils;
  const wrong = digits.slice(0, 9) + String((Number(digits.slice(9)) + 1) % 100).padStart(2, '0');
  const payload = payloadOf(envelope(m.registerDocumentBody({ ...metadata, patient: { ...metadata.patient, snils: wrong } }), 'registerDocument'));
  const findings = await checkMessage('registerDocument', 'request', payload);
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.location]),
    [['RR-02', '/soap:Envelope/soap:Body[1]/svc:registerDocument[1]/svc:patient[1]/svc:snils[1]']],
  );
  assert.match(findings[0]!.message.ru!, /Контрольное число/);
  assert.equal(m.readRegisterDocument(payload).value?.patient.snils, wrong);
});

test('lenient alternatives: <op>Request, children in any order, getDocumentFile in the service namespace, SNILS printed, no patient SNILS', async () => {
  const body = m.registerDocumentBody({ ...metadata, patient: { ...metadata.patient, snils: formatSnils(metadata.patient.snils) } });
  assert.ok((body.children![5] as XmlElement).children!.some((c) => typeof c !== 'string' && 'name' in c && c.name.local === 'snils'));
  const alternative: XmlElement = { name: { ns: SERVICE_NS, local: 'registerDocumentRequest' }, children: [...body.children!].reverse() };
  const payload = payloadOf(envelope(alternative, 'registerDocument'));
  assert.deepEqual(m.readRegisterDocument(payload).value, metadata);
  assert.deepEqual(await checkMessage('registerDocument', 'request', payload), []);
  // The printed spelling reaches the XSD as written (the writer would normalise it).
  const printed = envelope(body, 'registerDocument').replace(`<svc:snils>${metadata.patient.snils}<`, `<svc:snils>${formatSnils(metadata.patient.snils)}<`);
  assert.match(printed, / \d\d</);
  assert.deepEqual(await checkMessage('registerDocument', 'request', payloadOf(printed)), []);

  const noSnils = payloadOf(envelope(m.registerDocumentBody({ ...metadata, patient: { ...metadata.patient, snils: '' } }), 'registerDocument'));
  assert.equal(m.readRegisterDocument(noSnils).value?.patient.snils, '');
  assert.deepEqual(await checkMessage('registerDocument', 'request', noSnils), []);

  const inService: XmlElement = { name: { ns: SERVICE_NS, local: 'getDocumentFile' }, children: [{ name: { ns: SERVICE_NS, local: 'localUid' }, children: ['x-1'] }] };
  const served = payloadOf(envelope(inService, 'getDocumentFile'));
  assert.deepEqual(m.readGetDocumentFile(served).value, { localUid: 'x-1' });
  assert.deepEqual(await checkMessage('getDocumentFile', 'request', served), []);

  const otherAck: XmlElement = { name: { ns: CALLBACK_NS, local: 'ok' } };
  assert.deepEqual(await checkMessage('registerDocumentResult', 'response', payloadOf(envelope(otherAck))), []);
});

test('a body element of another message is one finding under the message rule, nothing read', async () => {
  const payload = payloadOf(envelope(m.getRegistryItemBody('1'), 'getRegistryItem'));
  const findings = await checkMessage('registerDocument', 'request', payload);
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.code]),
    [['RR-08', 'structure']],
  );
  const read = m.readRegisterDocument(payload);
  assert.equal(read.value, undefined);
  assert.equal(read.findings[0]?.ruleId, 'RR-08');
});

test('remdFault: classifier text by default, Sender or Receiver; readRemdFault takes Detail code, else a classifier Subcode', () => {
  const fault = m.remdFault('RATE_LIMIT', undefined, { receiver: true });
  assert.equal(fault.code, 'Receiver');
  const read = m.readRemdFault(readEnvelope(soapFault12(fault).body, 'application/soap+xml'));
  assert.equal(read?.code, 'RATE_LIMIT');
  assert.deepEqual(read?.reason, m.errorCodeText('RATE_LIMIT'));
  assert.match(read!.reason.ru!, /[а-я]/);

  const own = m.remdFault('VALIDATION_ERROR', { ru: 'Нет поля emdrId', en: 'No emdrId' });
  assert.equal(own.code, 'Sender');
  assert.deepEqual(m.readRemdFault(readEnvelope(soapFault12(own).body, 'application/soap+xml'))?.reason, { ru: 'Нет поля emdrId', en: 'No emdrId' });

  const bySubcode = soapFault12({ code: 'Sender', subcode: { ns: EGIS_NS, local: 'WRONG_MESSAGE_ID' }, reason: { en: 'reused' } });
  assert.deepEqual(m.readRemdFault(readEnvelope(bySubcode.body, 'application/soap+xml')), { code: 'WRONG_MESSAGE_ID', reason: { en: 'reused' } });
  const unclassified = soapFault12({ code: 'Sender', subcode: { ns: EGIS_NS, local: 'SOMETHING' }, reason: { en: 'x' } });
  assert.equal(m.readRemdFault(readEnvelope(unclassified.body, 'application/soap+xml'))?.code, undefined);
  assert.equal(m.readRemdFault(readEnvelope(envelope(m.callbackAckBody()), 'application/soap+xml')), undefined);
});

test('fault detail and transport header: their XSDs accept what Sello writes and refuse a mutation (RR-09, RR-08)', async () => {
  const detailOf = (text: string): Element => readEnvelope(text, 'application/soap+xml').fault!.detail!;
  const good = soapFault12(m.remdFault('GET_DOCUMENT_FILE_ERROR')).body;
  assert.deepEqual(await checkFaultDetail(detailOf(good)), []);
  const noCode = good.replace(/<egis:code>[^<]*<\/egis:code>/, '');
  const [f] = await checkFaultDetail(detailOf(noCode));
  assert.equal(f?.ruleId, 'RR-09');
  assert.match(f!.location, /\/soap:Detail\[1\]\/egis:error\[1\]$/);

  const headerOf = (text: string): Element => readEnvelope(text, 'application/soap+xml').headers.find((h) => h.name.local === 'transportHeader')!.element;
  const text = envelope(m.getRegistryItemBody('1'), 'getRegistryItem');
  assert.deepEqual(await checkTransportHeader(headerOf(text)), []);
  const [g] = await checkTransportHeader(headerOf(text.replace('0f8fad5b-d9cb-469f-a165-70867728950e', 'not-a-guid')));
  assert.equal(g?.ruleId, 'RR-08');
  assert.match(g!.location, /egis:clientEntityId\[1\]$/);
});

test('bad input never throws: garbage in every field of every message gives findings, not exceptions', async () => {
  const garbage = ['', ' ', '&lt;x&gt;', 'Ω'.repeat(5000), '<a><b><c/></b></a>', '<svc:item/>'];
  for (const c of cases) {
    const text = envelope(c.body, c.side === 'request' ? c.op : 'answer');
    for (const g of garbage) {
      const mutated = text.replace(/>[^<>]+</g, `>${g}<`);
      const env = readEnvelope(mutated, 'application/soap+xml');
      if (!env.payload) continue;
      assert.doesNotThrow(() => c.read(env.payload!));
      const findings = await checkMessage(c.op, c.side, env.payload);
      assert.ok(Array.isArray(findings));
      if (g !== '' && !(c.op === 'registerDocumentResult' && c.side === 'response')) assert.ok(findings.length > 0, `${c.op} ${c.side} took ${g.slice(0, 20)}`);
    }
  }
});
