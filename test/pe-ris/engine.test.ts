import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { notificationBundle } from '../../programs/pe-ris/judges/notifications.ts';
import { outcomeIssues } from '../../programs/pe-ris/judges/triage-check.ts';
import { SYSTEM } from '../../programs/pe-ris/lib/constants.ts';
import { plantTriageDefect } from '../../programs/pe-ris/lib/test-data.ts';
import { buildAdtA04, checkTranslation, triageFacts } from '../../programs/pe-ris/lib/v2-messages.ts';
import { startRisDeployment } from '../../programs/pe-ris/reference/deployment.ts';
import { isBlocking } from '../../src/findings/finding.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { waitFor } from '../../src/util/wait.ts';
import { validateHl7 } from '../hl7v2/pe-ris-contract.ts';
import { triage } from './fixtures.ts';

const journal = new ExchangeJournal();
const d = await startRisDeployment({ journal, faults: { engine: [] } });
after(() => d.stop());

const post = (body: unknown) =>
  fetch(d.endpoints.engine.fhirBaseUrl, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    json: (await r.json()) as Record<string, unknown>,
  }));

test('engine: a valid triage becomes ADT^A04, ORU^R01, SIU^S12 over MLLP, each conformant, faithful and ACKed AA; Qhali gets 200', async () => {
  const mark = journal.mark();
  const t = triage('engine-ok');
  const r = await post(t.bundle);
  assert.equal(r.status, 200, JSON.stringify(r.json).slice(0, 400));
  const facts = triageFacts(t.bundle)!;
  const v2 = journal.since(mark).filter((x) => x.protocol === 'mllp');
  assert.deepEqual(
    v2.map((x) => x.method),
    ['ADT^A04', 'ORU^R01', 'SIU^S12'],
  );
  for (const x of v2) {
    const message = String(x.request.body);
    assert.deepEqual(validateHl7(message).filter(isBlocking), [], x.method);
    assert.deepEqual(checkTranslation(facts, message), [], x.method);
    assert.match(String(x.response?.body), /\rMSA\|AA\|/);
  }
});

test("engine: a triage breaking a rule is refused with the rule's OperationOutcome and nothing reaches SIHCE", async () => {
  const mark = journal.mark();
  const t = triage('engine-bad');
  const r = await post(plantTriageDefect(t.bundle, 'referencia-no-resuelta', t.person));
  assert.equal(r.status, 422);
  assert.ok(outcomeIssues(r.json).some((i) => i.ruleId === 'RP-08' && i.expression.includes('Bundle.entry[1].resource.subject.reference')));
  assert.equal(journal.since(mark).filter((x) => x.protocol === 'mllp').length, 0);
  const garbage = await post('{"resourceType":');
  assert.equal(garbage.status, 400);
  assert.equal(garbage.json.resourceType, 'OperationOutcome');
});

test('engine: when SIHCE answers AE the engine does not confirm the triage to Qhali', async () => {
  d.local.sihce!.refuseNextMessages(1, 'AE');
  const r = await post(triage('engine-ae').bundle);
  assert.equal(r.status, 502);
  assert.ok(outcomeIssues(r.json).some((i) => i.ruleId === 'RIS-V2-01'));
});

test('translation check: a dropped DNI check character is RP-02 at PID-3.2; another UBIGEO is RP-03 at PID-11.9', () => {
  const f = triageFacts(triage('map').bundle)!;
  assert.deepEqual(
    checkTranslation(f, buildAdtA04(f, { dropDniCheck: true })).map((x) => `${x.ruleId} ${x.location}`),
    ['RP-02 PID-3.2'],
  );
  const other = buildAdtA04({ ...f, ubigeo: '060102' });
  assert.deepEqual(
    checkTranslation(f, other).map((x) => `${x.ruleId} ${x.location}`),
    ['RP-03 PID-11.9'],
  );
});

test('engine: an id-only notification from SIHCE is relayed with the focus read back from SIHCE', async () => {
  // Straight into the store: through the API SIHCE would notify the engine's own (full-resource) subscription too.
  const task = d.local.sihce!.store.create({ resourceType: 'Task', status: 'accepted', intent: 'order', identifier: [{ system: SYSTEM.qhaliTask, value: 'id-only-1' }] });
  const bundle = notificationBundle({
    subscription: 'Subscription/id-only',
    eventsSinceSubscriptionStart: 1,
    events: [{ eventNumber: 1, timestamp: new Date().toISOString(), focusRef: `Task/${String(task.id)}` }],
    payload: 'id-only',
  });
  const r = await fetch(d.endpoints.engine.notificationUrl, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundle) });
  assert.equal(r.status, 200);
  await waitFor(() => (d.local.qhali!.avisos('id-only-1').length > 0 ? true : undefined), { what: 'the relayed notice', timeoutMs: 5000 });
  assert.deepEqual(
    d.local.qhali!.avisos('id-only-1').map((a) => a.estado),
    ['accepted'],
  );
});
