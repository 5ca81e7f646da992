import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM } from '../../programs/mx-ece/lib/contract.ts';
import type { EceDeployment } from '../../programs/mx-ece/reference/deployment.ts';
import { DEFAULT_SEED, seedScene } from '../../programs/mx-ece/reference/seed-scene.ts';
import { deploy, get } from './reference-helpers.ts';

const scene = seedScene(DEFAULT_SEED, new Date());
const issste = { 'x-institucion': 'ISSSTE', accept: 'application/fhir+json' };
const everythingUrl = (d: EceDeployment, curp: string, consent?: string) =>
  `${d.endpoints.fhirBaseUrl}/Patient/$everything?identifier=${encodeURIComponent(`${SYSTEM.curp}|${curp}`)}${consent ? `&consent=${consent}` : ''}`;
const rules = (body: unknown) => ((body as { issue: Array<{ details: { coding?: Array<{ code: string }> } }> }).issue ?? []).flatMap((i) => i.details.coding?.map((c) => c.code) ?? []);

describe('mx-ece reference: $everything', () => {
  let d: EceDeployment;
  before(async () => {
    d = await deploy();
  });
  after(() => d.stop());
  const curp = scene.records[0]!.curp;

  it('answers 200 with a document Bundle whose Composition comes first, for a consent in force', async () => {
    const r = await get(everythingUrl(d, curp, 'seed-0-issste'), issste);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/fhir\+json/);
    const bundle = r.body as { type: string; entry: Array<{ resource: { resourceType: string } }> };
    assert.equal(bundle.type, 'document');
    assert.equal(bundle.entry[0]!.resource.resourceType, 'Composition');
    assert.ok(bundle.entry.some((e) => e.resource.resourceType === 'Patient'));
  });
  it('answers 400 RE-01 without a consent, 403 RE-01 with a consent granted to another institution', async () => {
    const none = await get(everythingUrl(d, curp), issste);
    assert.equal(none.status, 400);
    assert.deepEqual(rules(none.body), ['RE-01']);
    const other = await get(everythingUrl(d, scene.records[1]!.curp, 'seed-1-imss-bienestar'), issste);
    assert.equal(other.status, 403);
    assert.deepEqual(rules(other.body), ['RE-01']);
  });
  it('answers 400 for a malformed CURP and for a POST body that is not JSON', async () => {
    assert.equal((await get(everythingUrl(d, 'NOTACURP', 'seed-0-issste'), issste)).status, 400);
    const res = await fetch(`${d.endpoints.fhirBaseUrl}/Patient/$everything`, { method: 'POST', headers: { ...issste, 'content-type': 'application/fhir+json' }, body: '{not json' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { resourceType: string }).resourceType, 'OperationOutcome');
  });
});
