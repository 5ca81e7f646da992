import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeWire } from '../../programs/pe-ris/judges/wire.ts';
import { buildAdtA04, buildSiuS12, triageFacts } from '../../programs/pe-ris/lib/v2-messages.ts';
import { buildAck } from '../../src/hl7v2/ack.ts';
import { parseEr7 } from '../../src/hl7v2/er7.ts';
import type { ExchangeEntry } from '../../src/journal/exchange.ts';
import { triage } from './fixtures.ts';

const { bundle } = triage('wire');
const facts = triageFacts(bundle)!;
let n = 0;
const at = (i: number) => new Date(Date.UTC(2025, 2, 14, 14, 30, i)).toISOString();

function http(from: string, to: string, method: string, url: string, body: unknown, status: number, response: unknown, headers: Record<string, string> = {}): ExchangeEntry {
  n++;
  return { id: `x${n}`, protocol: 'http', from, to, method, url, status, startedAt: at(n), finishedAt: at(n), request: { headers: {}, body }, response: { headers, body: response } };
}
function mllp(from: string, message: string, opts: { ack?: string; encoding?: string } = {}): ExchangeEntry {
  n++;
  return {
    id: `x${n}`,
    protocol: 'mllp',
    from,
    to: 'SIHCE',
    method: message.split('|')[8]!.split('^').slice(0, 2).join('^'),
    url: 'mllp://127.0.0.1:1',
    startedAt: at(n),
    finishedAt: at(n),
    request: { headers: opts.encoding ? { encoding: opts.encoding } : {}, body: message },
    response: { headers: {}, body: opts.ack ?? buildAck(parseEr7(message), 'AA', [], { sender: { application: 'SIHCE', facility: 'DIRESA-CAJ' } }) },
  };
}
const triagePost = () => http('Qhali', 'engine', 'POST', 'http://127.0.0.1:1/fhir', bundle, 200, { resourceType: 'Bundle', type: 'transaction-response' });
const rules = (xs: ExchangeEntry[]) => judgeWire(xs).map((f) => `${f.ruleId} ${f.role} ${f.location}`);

test('a faithful engine and a correct SIHCE: nothing to say', () => {
  assert.deepEqual(rules([triagePost(), mllp('engine', buildAdtA04(facts)), mllp('engine', buildSiuS12(facts))]), []);
});

test("the engine's ADT with the wrong trigger event or PID-3 without RENIEC/NI fails RIS-V2-04, against the engine", () => {
  const a01 = buildAdtA04(facts).replace('ADT^A04^ADT_A01', 'ADT^A01^ADT_A01');
  assert.ok(rules([triagePost(), mllp('engine', a01)]).some((r) => r.startsWith('RIS-V2-04 engine')));
  const noAuthority = buildAdtA04(facts).replace(/\^\^RENIEC\^NI/, '');
  const found = rules([triagePost(), mllp('engine', noAuthority)]);
  assert.ok(found.length > 0 && found.every((r) => r.startsWith('RIS-V2-04 engine')), found.join('; '));
});

test('bytes that do not match MSH-18, or MSH-18 empty, fail RIS-V2-04', () => {
  assert.deepEqual(rules([triagePost(), mllp('engine', buildAdtA04(facts), { encoding: 'latin1' })]), ['RIS-V2-04 engine MSH-18']);
  assert.deepEqual(rules([triagePost(), mllp('engine', buildAdtA04(facts).replace('|PER|UNICODE UTF-8', '|PER|'))]), ['RIS-V2-04 engine MSH-18']);
});

test('a lost DNI check character is RP-02 and a wrong follow-up id RIS-MAP-01, judged against the triage on the record', () => {
  const noCheck = buildAdtA04(facts, { dropDniCheck: true });
  assert.deepEqual(rules([triagePost(), mllp('engine', noCheck)]), ['RP-02 engine PID-3.2']);
  const otherId = buildSiuS12({ ...facts, followUpId: '00000000-0000-4000-8000-000000000000' });
  assert.deepEqual(rules([triagePost(), mllp('engine', otherId)]), ['RIS-MAP-01 engine SCH-1.1']);
});

test("SIHCE's ACK without MSA-2 correlation fails RIS-V2-01 against SIHCE, whoever sent the message", () => {
  const message = buildAdtA04(facts);
  const ack = buildAck(parseEr7(message), 'AA', [], { sender: { application: 'SIHCE', facility: 'DIRESA-CAJ' } }).replace(/^MSA\|AA\|[^\r]*/m, 'MSA|AA|OTHER');
  assert.deepEqual(rules([mllp('sello (engine)', message, { ack })]), ['RIS-V2-01 sihce MSA-2']);
});

test("SIHCE's refusals carry an OperationOutcome (RIS-FHIR-01) and its creates answer 201 with Location (RIS-FHIR-02)", () => {
  assert.deepEqual(rules([http('sello (SIHCE user)', 'SIHCE', 'POST', 'http://127.0.0.1:1/fhir/Patient', '{', 400, 'Bad Request')]), ['RIS-FHIR-01 sihce ']);
  assert.deepEqual(rules([http('sello (SIHCE user)', 'SIHCE', 'POST', 'http://127.0.0.1:1/fhir/Task', {}, 200, {})]), ['RIS-FHIR-02 sihce status']);
  assert.deepEqual(rules([http('sello (SIHCE user)', 'SIHCE', 'POST', 'http://127.0.0.1:1/fhir/Task', {}, 201, {}, { location: 'http://x/fhir/Task/1/_history/1' })]), []);
  // v1.1: the same subscription twice is one, and may be answered 200 with the existing one.
  assert.deepEqual(rules([http('engine', 'SIHCE', 'POST', 'http://127.0.0.1:1/fhir/Subscription', {}, 200, {})]), []);
});
