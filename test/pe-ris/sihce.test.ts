import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { outcomeIssues } from '../../programs/pe-ris/judges/triage-check.ts';
import { SYSTEM } from '../../programs/pe-ris/lib/constants.ts';
import { CRUD_TYPES, changedResource, pacientePe, plantTriageDefect, sampleResource } from '../../programs/pe-ris/lib/test-data.ts';
import { buildAdtA04, buildOruR01, buildSiuS12, triageFacts } from '../../programs/pe-ris/lib/v2-messages.ts';
import { startSihce } from '../../programs/pe-ris/reference/sihce.ts';
import { exchangeMllp, frameMllp, parseEr7, sendMllp, VT, valueAt } from '../../src/hl7v2/index.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { person, triage } from './fixtures.ts';

const journal = new ExchangeJournal();
const sihce = await startSihce({ journal });
after(() => sihce.stop());

async function fhir(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${sihce.fhirBaseUrl}/${path}`, {
    method,
    headers: { 'content-type': 'application/fhir+json' },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {}, headers: res.headers };
}

test('SIHCE CRUD: create (201, Location, version 1), read, update (version 2), search, delete (then 410) for every type', async () => {
  const patient = await fhir('POST', 'Patient', pacientePe(person('crud')));
  assert.equal(patient.status, 201);
  const ref = `Patient/${String(patient.json.id)}`;
  for (const type of CRUD_TYPES) {
    const created = await fhir('POST', type, sampleResource(type, ref));
    assert.equal(created.status, 201, `${type}: ${JSON.stringify(created.json)}`);
    assert.match(created.headers.get('location') ?? '', new RegExp(`/fhir/${type}/${String(created.json.id)}/_history/1$`));
    assert.equal((created.json.meta as { versionId: string }).versionId, '1');
    const id = String(created.json.id);
    const updated = await fhir('PUT', `${type}/${id}`, changedResource(created.json));
    assert.equal(updated.status, 200, type);
    assert.equal((updated.json.meta as { versionId: string }).versionId, '2');
    const found = await fhir('GET', `${type}?patient=${ref}`);
    assert.equal(found.json.type, 'searchset');
    assert.ok(
      (found.json.entry as { resource: { id: string } }[]).some((e) => e.resource.id === id),
      type,
    );
    assert.equal((await fhir('DELETE', `${type}/${id}`)).status, 204);
    assert.equal((await fhir('GET', `${type}/${id}`)).status, 410);
  }
});

test('SIHCE bad input: OperationOutcome with 4xx naming rule and FHIRPath, and nothing stored changes', async () => {
  const p = await fhir('POST', 'Patient', pacientePe(person('bad')));
  const id = String(p.json.id);
  const cases: [string, string, unknown, number, string?][] = [
    ['POST', 'Patient', '{"resourceType": "Patient", ', 400, 'FHIR-JSON-SHAPE'],
    ['POST', 'Patient', { resourceType: 'Encounter' }, 400, 'FHIR-RESOURCE-TYPE'],
    ['POST', 'RecetaMagica', { resourceType: 'RecetaMagica' }, 404],
    ['GET', 'Task/nope', undefined, 404],
    ['PUT', `Patient/${id}`, { ...p.json, id: 'other', gender: 'unknown' }, 400],
    ['PUT', `Patient/${id}`, { ...p.json, birthDate: 'ayer' }, 422],
    ['GET', 'Patient?colour=red', undefined, 400, 'FHIR-SEARCHPARAMETER'],
  ];
  for (const [method, path, body, status, ruleId] of cases) {
    const r = await fhir(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.resourceType, 'OperationOutcome', `${method} ${path}`);
    const issues = outcomeIssues(r.json);
    assert.ok(issues.length > 0 && issues.every((i) => i.severity === 'error' && i.ruleId !== ''), JSON.stringify(issues));
    if (ruleId)
      assert.ok(
        issues.some((i) => i.ruleId === ruleId),
        `${ruleId} in ${JSON.stringify(issues)}`,
      );
  }
  const birth = await fhir('PUT', `Patient/${id}`, { ...p.json, birthDate: 'ayer' });
  assert.ok(
    outcomeIssues(birth.json).some((i) => i.expression.some((e) => e.startsWith('Patient.birthDate'))),
    JSON.stringify(birth.json),
  );
  const after = await fhir('GET', `Patient/${id}`);
  assert.deepEqual(after.json, p.json, 'the stored patient is intact');
});

test('SIHCE transactions: a valid triage is stored with references rewritten; a bad one is refused with 422 and stores nothing', async () => {
  const t = triage('tx');
  const before = sihce.store.count('Patient');
  const refused = await fhir('POST', '', plantTriageDefect(t.bundle, 'sin-consentimiento', t.person));
  assert.equal(refused.status, 422);
  assert.ok(outcomeIssues(refused.json).some((i) => i.ruleId === 'RP-07' && i.expression.includes('Bundle.entry')));
  assert.equal(sihce.store.count('Patient'), before);
  const ok = await fhir('POST', '', t.bundle);
  assert.equal(ok.status, 200, JSON.stringify(ok.json).slice(0, 500));
  assert.equal(ok.json.type, 'transaction-response');
  const task = sihce.store.search('Task', new URLSearchParams({ identifier: `${SYSTEM.qhaliTask}|${t.followUpId}` })).resources[0]!;
  assert.match(String((task.for as { reference: string }).reference), /^Patient\/\d+$/);
  // ifNoneExist: the same person again is not a second patient.
  const again = await fhir('POST', '', triage('tx').bundle);
  assert.equal(again.status, 200);
  assert.equal(sihce.store.search('Patient', new URLSearchParams({ identifier: t.person.dni })).resources.length, 1);
});

test('SIHCE MLLP: ADT^A04, ORU^R01, SIU^S12 register the patient, observations and the follow-up (Task accepted, Appointment booked)', async () => {
  const t = triage('mllp');
  const f = triageFacts(t.bundle)!;
  for (const m of [buildAdtA04(f), buildOruR01(f), buildSiuS12(f)]) {
    const reply = await sendMllp(sihce.mllp.host, sihce.mllp.port, m);
    assert.ok(reply.ok);
    assert.equal(valueAt(parseEr7(reply.ack), { segment: 'MSA', field: 1 }), 'AA', reply.ack);
  }
  const q = new URLSearchParams({ identifier: `${SYSTEM.qhaliTask}|${t.followUpId}` });
  assert.equal(sihce.store.search('Task', q).resources[0]?.status, 'accepted');
  assert.equal(sihce.store.search('Appointment', q).resources[0]?.status, 'booked');
  assert.equal(sihce.store.search('Patient', new URLSearchParams({ identifier: f.dni })).resources.length, 1);
});

test('SIHCE MLLP: a retransmission gets the same ACK and no second patient; garbage and a frame without FS get AR, and the listener keeps serving', async () => {
  const f = triageFacts(triage('dup').bundle)!;
  const adt = buildAdtA04(f);
  const first = await sendMllp(sihce.mllp.host, sihce.mllp.port, adt);
  const second = await sendMllp(sihce.mllp.host, sihce.mllp.port, adt);
  assert.ok(first.ok && second.ok);
  assert.equal(second.ack, first.ack);
  assert.equal(sihce.store.search('Patient', new URLSearchParams({ identifier: f.dni })).resources.length, 1);
  const garbage = await exchangeMllp(sihce.mllp.host, sihce.mllp.port, Buffer.from('hello\r\n'));
  assert.ok(garbage.ok);
  assert.equal(valueAt(parseEr7(garbage.ack), { segment: 'MSA', field: 1 }), 'AR');
  assert.ok(garbage.ack.includes('\rERR|'));
  const noFs = await exchangeMllp(sihce.mllp.host, sihce.mllp.port, Buffer.concat([Buffer.from([VT]), Buffer.from(adt), frameMllp(buildAdtA04(triageFacts(triage('dup2').bundle)!))]));
  assert.ok(noFs.ok);
  assert.equal(valueAt(parseEr7(noFs.ack), { segment: 'MSA', field: 1 }), 'AR');
  const good = await sendMllp(sihce.mllp.host, sihce.mllp.port, buildAdtA04(triageFacts(triage('after').bundle)!));
  assert.ok(good.ok && valueAt(parseEr7(good.ack), { segment: 'MSA', field: 1 }) === 'AA');
});

test('SIHCE subscriptions: rest-hook only, http(s) endpoint; the same active subscription twice is one', async () => {
  const { subscriptionResource } = await import('../../programs/pe-ris/judges/notifications.ts');
  const first = await fhir('POST', 'Subscription', subscriptionResource('http://127.0.0.1:9/notificaciones/sihce'));
  assert.equal(first.status, 201);
  assert.equal(first.json.status, 'active');
  const again = await fhir('POST', 'Subscription', subscriptionResource('http://127.0.0.1:9/notificaciones/sihce'));
  assert.equal(again.status, 200);
  assert.equal(again.json.id, first.json.id);
  const email = await fhir('POST', 'Subscription', { ...subscriptionResource('mailto:x@example.org'), channel: { type: 'email', endpoint: 'mailto:x@example.org' } });
  assert.equal(email.status, 422);
  assert.ok(outcomeIssues(email.json).some((i) => i.ruleId === 'RIS-NOT-01' && i.expression.includes('Subscription.channel.type')));
  assert.equal((await fhir('DELETE', `Subscription/${String(first.json.id)}`)).status, 204);
});
