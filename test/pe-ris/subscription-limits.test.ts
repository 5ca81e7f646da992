import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, test } from 'node:test';
import { subscriptionResource } from '../../programs/pe-ris/judges/notifications.ts';
import { outcomeIssues } from '../../programs/pe-ris/judges/triage-check.ts';
import { SYSTEM } from '../../programs/pe-ris/lib/constants.ts';
import { startSihce } from '../../programs/pe-ris/reference/sihce.ts';
import { MAX_DELIVERY_ATTEMPTS } from '../../src/fhir-server/rest-hook-notifier.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { waitFor } from '../../src/util/wait.ts';
import { triage } from './fixtures.ts';

const journal = new ExchangeJournal();
const sihce = await startSihce({ journal, backoff: { firstMs: 10, factor: 2, maxMs: 40 }, subscriberHosts: ['subscriber.example.test'] });
// A subscriber that is up but never accepts: every attempt reaches it, so they can be counted.
let attempts = 0;
const dead = createServer((_req, res) => {
  attempts++;
  res.writeHead(503).end();
});
await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
const deadUrl = `http://127.0.0.1:${(dead.address() as { port: number }).port}/notificaciones`;
after(async () => {
  dead.close();
  await sihce.stop();
});

async function fhir(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sihce.fhirBaseUrl}/${path}`, {
    method,
    headers: { 'content-type': 'application/fhir+json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

test('a subscriber that never accepts: MAX_DELIVERY_ATTEMPTS attempts, then the Subscription reads status error with error set', { timeout: 20_000 }, async () => {
  const sub = await fhir('POST', 'Subscription', subscriptionResource(deadUrl));
  assert.equal(sub.status, 201);
  const task = await fhir('POST', 'Task', { resourceType: 'Task', status: 'requested', intent: 'order', identifier: [{ system: SYSTEM.qhaliTask, value: 'dead-1' }] });
  assert.equal(task.status, 201);
  const read = await waitFor(
    async () => {
      const r = await fhir('GET', `Subscription/${String(sub.json.id)}`);
      return r.json.status === 'error' ? r : undefined;
    },
    { what: 'the Subscription in status error', timeoutMs: 10_000 },
  );
  assert.match(String(read.json.error), new RegExp(`${MAX_DELIVERY_ATTEMPTS} attempts to deliver event 1 to ${deadUrl.replace(/[.]/g, '\\.')} failed \\(last: HTTP 503\\)`));
  assert.equal(attempts, MAX_DELIVERY_ATTEMPTS);
  // On the record: each attempt is in the journal, and nothing more is sent for later changes.
  assert.equal(journal.all().filter((e) => e.url === deadUrl).length, MAX_DELIVERY_ATTEMPTS);
  await fhir('PUT', `Task/${String(task.json.id)}`, { ...task.json, status: 'accepted' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(attempts, MAX_DELIVERY_ATTEMPTS);
});

test('a Subscription endpoint must be http(s) on a host the run knows (loopback, SIHCE’s own, the target file’s)', async () => {
  for (const endpoint of ['http://169.254.169.254/latest/meta-data', 'https://example.org/hook', 'http://10.1.2.3:8080/notificaciones']) {
    const refused = await fhir('POST', 'Subscription', subscriptionResource(endpoint));
    assert.equal(refused.status >= 400 && refused.status < 500, true, `${endpoint}: HTTP ${refused.status}`);
    assert.equal(refused.json.resourceType, 'OperationOutcome');
    assert.ok(
      outcomeIssues(refused.json).some((i) => i.ruleId === 'RIS-NOT-01' && i.expression.includes('Subscription.channel.endpoint')),
      JSON.stringify(refused.json),
    );
  }
  const ftp = await fhir('POST', 'Subscription', subscriptionResource('ftp://127.0.0.1/x'));
  assert.equal(ftp.status, 422);
  for (const endpoint of ['http://localhost:9/notificaciones', 'http://subscriber.example.test:8080/notificaciones', 'https://[::1]:9/n']) {
    const ok = await fhir('POST', 'Subscription', subscriptionResource(endpoint));
    assert.equal(ok.status, 201, `${endpoint}: ${JSON.stringify(ok.json)}`);
    assert.equal((await fhir('DELETE', `Subscription/${String(ok.json.id)}`)).status, 204);
  }
});

test('with a write token (Sello’s engine its subscriber): creating, updating or deleting a Subscription without it is 401 OperationOutcome', async () => {
  const j = new ExchangeJournal();
  const guarded = await startSihce({ journal: j, subscriptionWriteToken: 'sello-test-token' });
  try {
    const call = async (method: string, path: string, body: unknown, authorization?: string) => {
      const res = await fetch(path ? `${guarded.fhirBaseUrl}/${path}` : guarded.fhirBaseUrl, {
        method,
        headers: { 'content-type': 'application/fhir+json', 'user-agent': 'a stranger', ...(authorization ? { authorization } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown>, challenge: res.headers.get('www-authenticate') };
    };
    const resource = subscriptionResource('http://127.0.0.1:9/notificaciones/sihce');
    for (const authorization of [undefined, 'Bearer wrong-token', 'Basic c2VsbG86c2VsbG8=']) {
      const refused = await call('POST', 'Subscription', resource, authorization);
      assert.equal(refused.status, 401, String(authorization));
      assert.equal(refused.json.resourceType, 'OperationOutcome');
      assert.ok(
        (refused.json.issue as { code: string }[]).some((i) => i.code === 'login'),
        JSON.stringify(refused.json),
      );
      assert.match(refused.challenge ?? '', /^Bearer realm="sihce"/);
    }
    assert.equal(guarded.store.all('Subscription').length, 0, 'nothing stored');
    // The stranger's body is not kept as evidence.
    const journaled = j.all().filter((e) => e.status === 401);
    assert.equal(journaled.length, 3);
    assert.ok(journaled.every((e) => e.request.body === undefined && e.request.bodyOmitted));

    const created = await call('POST', 'Subscription', resource, 'Bearer sello-test-token');
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = String(created.json.id);
    assert.equal((await call('PUT', `Subscription/${id}`, { ...created.json, status: 'off' })).status, 401);
    assert.equal((await call('DELETE', `Subscription/${id}`, undefined)).status, 401);
    assert.equal(guarded.store.read('Subscription', id)?.status, 'active');
    assert.equal((await call('DELETE', `Subscription/${id}`, undefined, 'Bearer sello-test-token')).status, 204);
    // A transaction carrying a Subscription is no way around the check, nor around the endpoint hosts.
    const bundle = structuredClone(triage('tx').bundle) as { entry: unknown[] };
    const stranger = { resourceType: 'Subscription', status: 'active', reason: 'x', criteria: 'Task?status=accepted', channel: { type: 'rest-hook', endpoint: 'http://example.org/x' } };
    bundle.entry.push({ fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111', resource: stranger, request: { method: 'POST', url: 'Subscription' } });
    assert.equal((await call('POST', '', bundle)).status, 401);
    const hostRefused = await call('POST', '', bundle, 'Bearer sello-test-token');
    assert.equal(hostRefused.status >= 400 && hostRefused.status < 500, true, JSON.stringify(hostRefused.json));
    assert.ok(
      outcomeIssues(hostRefused.json).some((i) => i.ruleId === 'RIS-NOT-01' && i.expression.some((e) => e.endsWith('.resource.channel.endpoint'))),
      JSON.stringify(hostRefused.json),
    );
    assert.equal(guarded.store.all('Subscription').length, 0);
    assert.equal(guarded.store.all('Patient').length, 0, 'the transaction is refused whole');
    // Other writes are as the pe-ris spec has them: not authenticated.
    const task = await call('POST', 'Task', { resourceType: 'Task', status: 'requested', intent: 'order' });
    assert.equal(task.status, 201);
  } finally {
    await guarded.stop();
  }
});
