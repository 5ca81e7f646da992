/** Shape of the shipped profile packages: what a regulator swapping in official files relies on. */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROFILE_DIRS, REPO_ROOT } from './engine.ts';

interface Canonical {
  resourceType: string;
  id: string;
  url: string;
  name: string;
  publisher?: string;
  description?: string;
  derivation?: string;
  baseDefinition?: string;
  snapshot?: unknown;
  differential?: { element: { id: string; path: string; sliceName?: string }[] };
  kind?: string;
  type?: string;
}

const files = PROFILE_DIRS.flatMap((dir) =>
  readdirSync(join(REPO_ROOT, dir))
    .filter((n) => n.endsWith('.json'))
    .map((n) => ({ dir, name: n, res: JSON.parse(readFileSync(join(REPO_ROOT, dir, n), 'utf8')) as Canonical })),
);
const byUrl = new Map(files.map((f) => [f.res.url, f.res]));

const MINSA = 'https://www.gob.pe/minsa/RENHICE/fhir/';
const SELLO_PE = 'http://sello.example/fhir/pe-ris/';
const SELLO_MX = 'http://sello.example/fhir/mx-ece/';

test('the canonical URLs the spec fixes are all there', () => {
  const want = [
    ...['PacientePe', 'PractitionerPe', 'OrganizacionPe', 'ConditionPe', 'BundlePe', 'pe-pais', 'pe-ubigeo', 'pe-tercerapellido'].map((n) => `${MINSA}StructureDefinition/${n}`),
    `${MINSA}CodeSystem/IdspersonaPeru`,
    `${MINSA}ValueSet/IdspersonaPeru`,
    ...['TriageBundle', 'TriageEncounter', 'TriageAcuity', 'TriageTask', 'AiProvenance'].map((n) => `${SELLO_PE}StructureDefinition/${n}`),
    `${SELLO_PE}CodeSystem/prioridad-nts-042`,
    `${SELLO_MX}StructureDefinition/PacienteMx`,
    `${SELLO_MX}StructureDefinition/ExpedienteBundle`,
  ];
  for (const url of want) assert.ok(byUrl.has(url), url);
});

test('every file is named after its resource and its URL after its id', () => {
  for (const f of files) {
    assert.equal(f.name, `${f.res.resourceType}-${f.res.id}.json`);
    assert.ok(f.res.url.endsWith(`/${f.res.resourceType}/${f.res.id}`), f.res.url);
    assert.match(f.res.name, /^[A-Z][A-Za-z0-9_]*$/, `${f.res.url}: computable name`);
    const base = f.dir.includes('mx-ece') ? [SELLO_MX] : [MINSA, SELLO_PE];
    assert.ok(
      base.some((b) => f.res.url.startsWith(b)),
      `${f.res.url} is outside ${f.dir}'s namespaces`,
    );
  }
});

test('StructureDefinitions are constraints with a differential only, rooted at their type', () => {
  for (const { res } of files.filter((f) => f.res.resourceType === 'StructureDefinition')) {
    assert.equal(res.derivation, 'constraint', res.url);
    assert.equal(res.snapshot, undefined, `${res.url}: the engine builds snapshots`);
    const elements = res.differential?.element ?? [];
    assert.ok(elements.length > 0, res.url);
    const ids = new Set<string>();
    for (const e of elements) {
      assert.ok(e.path === res.type || e.path.startsWith(`${res.type}.`), `${res.url}: ${e.path}`);
      assert.equal(e.id.replace(/:[^.]+/g, ''), e.path, `${res.url}: id ${e.id} and path ${e.path} disagree`);
      assert.ok(!ids.has(e.id), `${res.url}: ${e.id} twice`);
      ids.add(e.id);
    }
    // A profile on a profile must find its base here; otherwise it must be a core definition.
    const base = res.baseDefinition ?? '';
    assert.ok(base.startsWith('http://hl7.org/fhir/StructureDefinition/') || byUrl.has(base), `${res.url}: base ${base}`);
  }
});

test('provenance is stated: MINSA re-authored, Sello own', () => {
  for (const { res } of files) {
    const text = `${res.publisher ?? ''} ${res.description ?? ''}`;
    if (res.url.startsWith(MINSA)) assert.match(text, /re-authored by Sello from the public description/, res.url);
    else assert.match(text, /Sello reference contract v1/, res.url);
  }
});

test('every profile, value set and extension a profile names is shipped or core', () => {
  const referenced = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'profile' || k === 'targetProfile') && Array.isArray(x)) for (const u of x) referenced.add(String(u));
        else if (k === 'valueSet' && typeof x === 'string') referenced.add(x);
        else walk(x);
      }
    }
  };
  for (const { res } of files.filter((f) => f.res.resourceType === 'StructureDefinition')) walk(res.differential);
  for (const url of referenced) {
    const core = url.startsWith('http://hl7.org/fhir/') || url.startsWith('http://terminology.hl7.org/');
    assert.ok(core || byUrl.has(url), `${url} is referenced but not shipped`);
  }
});
