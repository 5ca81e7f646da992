import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { checkAvisos, checkBackoff, checkLeg, legEvents } from '../../programs/pe-ris/judges/expectations.ts';
import { EventSequencer, notificationBundle, readNotification, subscriptionResource } from '../../programs/pe-ris/judges/notifications.ts';
import { PARTY, SYSTEM } from '../../programs/pe-ris/lib/constants.ts';
import { RisNotifier as RestHookNotifier } from '../../programs/pe-ris/reference/notifier.ts';
import { startQhali } from '../../programs/pe-ris/reference/qhali.ts';
import { startSihce } from '../../programs/pe-ris/reference/sihce.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { sleep, waitFor } from '../../src/util/wait.ts';

const journal = new ExchangeJournal();
const sihce = await startSihce({ journal });
const qhali = await startQhali({ journal });
after(async () => {
  await qhali.up().catch(() => undefined);
  await Promise.all([sihce.stop(), qhali.stop()]);
});

const put = (path: string, body: unknown) =>
  fetch(`${sihce.fhirBaseUrl}/${path}`, { method: path.includes('/') ? 'PUT' : 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    json: (await r.json()) as Record<string, unknown>,
  }));

test('EventSequencer: each event number once, in order; early ones held until the gap fills', () => {
  const s = new EventSequencer<{ eventNumber: number }>();
  assert.deepEqual(s.admit({ eventNumber: 2 }), { admission: 'held', deliverable: [] });
  assert.deepEqual(s.admit({ eventNumber: 2 }).admission, 'duplicate');
  assert.deepEqual(
    s.admit({ eventNumber: 1 }).deliverable.map((e) => e.eventNumber),
    [1, 2],
  );
  assert.equal(s.admit({ eventNumber: 1 }).admission, 'duplicate');
  assert.deepEqual(
    s.admit({ eventNumber: 3 }).deliverable.map((e) => e.eventNumber),
    [3],
  );
});

test('notification Bundles: R5 Backport shape round-trips; a malformed one is RIS-NOT-01 with a FHIRPath', () => {
  const focus = { resourceType: 'Task', id: '7', status: 'accepted', identifier: [{ system: SYSTEM.qhaliTask, value: 'f-1' }], meta: { versionId: '2' } };
  const b = notificationBundle({
    subscription: 'Subscription/1',
    eventsSinceSubscriptionStart: 5,
    events: [{ eventNumber: 5, timestamp: '2025-03-14T10:00:00Z', focusRef: 'Task/7', focus }],
    payload: 'full-resource',
    baseUrl: 'http://s/fhir',
  });
  const read = readNotification(b);
  assert.ok(read.ok);
  assert.deepEqual(
    read.notification.events.map((e) => [e.eventNumber, e.followUpId, e.status, e.versionId]),
    [[5, 'f-1', 'accepted', '2']],
  );
  const bad = readNotification({ resourceType: 'Bundle', type: 'collection', entry: [] });
  assert.ok(!bad.ok && bad.findings[0]!.ruleId === 'RIS-NOT-01' && bad.findings[0]!.locationKind === 'fhirpath');
});

test('SIHCE rest-hook to Qhali down for a while: retried with back-off, then every change told exactly once and in order', { timeout: 30_000 }, async () => {
  const sub = await put('Subscription', subscriptionResource(qhali.notificationUrl));
  assert.equal(sub.status, 201);
  assert.equal(sub.json.status, 'active');
  const followUpId = 'seguimiento-prueba-1';
  const task = await put('Task', { resourceType: 'Task', status: 'requested', intent: 'order', identifier: [{ system: SYSTEM.qhaliTask, value: followUpId }] });
  assert.equal(task.status, 201);
  await waitFor(() => (qhali.avisos(followUpId).length === 1 ? true : undefined), { what: 'the first notice', timeoutMs: 5000 });
  await qhali.down();
  let current = task.json;
  for (const status of ['accepted', 'in-progress', 'completed']) {
    const r = await put(`Task/${String(current.id)}`, { ...current, status });
    assert.equal(r.status, 200);
    current = r.json;
  }
  await sleep(1600);
  assert.equal(qhali.avisos(followUpId).length, 1, 'nothing gets through while Qhali is down');
  await qhali.up();
  await waitFor(() => (qhali.avisos(followUpId).length >= 4 ? true : undefined), { what: 'all four notices', timeoutMs: 8000 });
  await sleep(300);
  const expected = ['requested', 'accepted', 'in-progress', 'completed'];
  assert.deepEqual(
    qhali.avisos(followUpId).map((a) => a.estado),
    expected,
  );
  assert.deepEqual(checkAvisos(qhali.avisos(followUpId), expected, 'test'), []);
  const leg = legEvents(journal.all(), PARTY.sihce, PARTY.qhali, followUpId);
  assert.deepEqual(leg.findings, []);
  assert.deepEqual(checkLeg(leg.events, expected, 'SIHCE → Qhali'), []);
  assert.deepEqual(checkBackoff(leg.events, 'SIHCE → Qhali'), []);
  const retried = leg.events.find((e) => e.attempts.length >= 3)!;
  const times = retried.attempts.map((a) => Date.parse(a.startedAt));
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(
    gaps.every((g, i) => i === 0 || g >= gaps[i - 1]! - 25),
    `back-off gaps grow: ${gaps.join(', ')}`,
  );
});

test('a notifier that notifies each change twice, or skips retries, is caught on the wire (RIS-NOT-02, RIS-NOT-01)', { timeout: 20_000 }, async () => {
  const j = new ExchangeJournal();
  const focus = (status: string, v: string) => ({ resourceType: 'Task', id: '1', status, identifier: [{ system: SYSTEM.qhaliTask, value: 'f-2' }], meta: { versionId: v } });
  const twice = new RestHookNotifier({
    journal: j,
    from: 'SIHCE',
    to: 'Qhali',
    endpoint: qhali.notificationUrl,
    subscription: 'Subscription/twice',
    payload: 'full-resource',
    baseUrl: 'http://x/fhir',
    notifyTwice: true,
  });
  twice.notify('Task/1', focus('accepted', '1'));
  assert.ok(await twice.drain(5000));
  const events = legEvents(j.all(), 'SIHCE', 'Qhali', 'f-2').events;
  assert.deepEqual(
    checkLeg(events, ['accepted'], 'leg').map((f) => f.ruleId),
    ['RIS-NOT-02'],
  );
  const j2 = new ExchangeJournal();
  const lossy = new RestHookNotifier({
    journal: j2,
    from: 'SIHCE',
    to: 'Qhali',
    endpoint: 'http://127.0.0.1:9/notificaciones',
    subscription: 'Subscription/lossy',
    payload: 'full-resource',
    baseUrl: 'http://x/fhir',
    noRetry: true,
  });
  lossy.notify('Task/1', focus('accepted', '1'));
  assert.ok(await lossy.drain(5000));
  assert.equal(lossy.stats.dropped, 1);
  const lost = legEvents(j2.all(), 'SIHCE', 'Qhali', 'f-2').events;
  assert.deepEqual(
    checkLeg(lost, ['accepted'], 'leg').map((f) => f.ruleId),
    ['RIS-NOT-01'],
  );
  assert.deepEqual(
    checkBackoff(lost, 'leg').map((f) => f.ruleId),
    ['RIS-NOT-01'],
  );
});

test('Qhali holds an event that overtakes its predecessor and ignores a repeat; under the accept-out-of-order defect it does neither', async () => {
  const deliver = async (url: string, n: number, status: string) => {
    const focus = { resourceType: 'Task', id: '9', status, identifier: [{ system: SYSTEM.qhaliTask, value: `f-${url.length}` }], meta: { versionId: String(n) } };
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(
        notificationBundle({
          subscription: 'Subscription/x',
          eventsSinceSubscriptionStart: n,
          events: [{ eventNumber: n, timestamp: new Date().toISOString(), focusRef: 'Task/9', focus }],
          payload: 'full-resource',
        }),
      ),
    });
    assert.equal(r.status, 200);
  };
  for (const [n, s] of [
    [2, 'in-progress'],
    [2, 'in-progress'],
    [1, 'accepted'],
    [1, 'accepted'],
    [3, 'completed'],
  ] as const)
    await deliver(qhali.notificationUrl, n, s);
  assert.deepEqual(
    qhali.avisos(`f-${qhali.notificationUrl.length}`).map((a) => a.estado),
    ['accepted', 'in-progress', 'completed'],
  );
  const broken = await startQhali({ journal, faults: ['accept-out-of-order'] });
  try {
    for (const [n, s] of [
      [2, 'in-progress'],
      [1, 'accepted'],
      [1, 'accepted'],
    ] as const)
      await deliver(broken.notificationUrl, n, s);
    const told = broken.avisos(`f-${broken.notificationUrl.length}`);
    assert.deepEqual(
      told.map((a) => a.estado),
      ['in-progress', 'accepted', 'accepted'],
    );
    assert.deepEqual(
      checkAvisos(told, ['accepted', 'in-progress'], 'x').map((f) => f.ruleId),
      ['RIS-NOT-02'],
    );
  } finally {
    await broken.stop();
  }
});

test('Qhali does not triage without consent (RP-07)', async () => {
  const r = await qhali.triage({
    persona: { nombres: ['Elsa'], apellidoPaterno: 'Ocas', apellidoMaterno: 'Tello', sexo: 'female', fechaNacimiento: '1980-01-01', dni: '12345678-E', ubigeo: '060101' },
    prioridad: 'III',
    renipress: '00004321',
    consentimiento: false,
  });
  assert.equal(r.enviado, false);
  assert.match(r.motivo ?? '', /RP-07/);
});

test('Qhali keeps at most maxAvisos notices, dropping the oldest (a long-running Qhali does not grow without bound)', async () => {
  const small = await startQhali({ journal: new ExchangeJournal(), maxAvisos: 3 });
  try {
    for (let n = 1; n <= 5; n++) {
      const focus = { resourceType: 'Task', id: `t${n}`, status: 'accepted', identifier: [{ system: SYSTEM.qhaliTask, value: `cap-${n}` }], meta: { versionId: '1' } };
      const r = await fetch(small.notificationUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify(
          notificationBundle({
            subscription: `Subscription/cap-${n}`,
            eventsSinceSubscriptionStart: 1,
            events: [{ eventNumber: 1, timestamp: new Date().toISOString(), focusRef: `Task/t${n}`, focus }],
            payload: 'full-resource',
          }),
        ),
      });
      assert.equal(r.status, 200);
    }
    assert.deepEqual(
      small.avisos().map((a) => a.seguimiento),
      ['cap-3', 'cap-4', 'cap-5'],
    );
  } finally {
    await small.stop();
  }
});
