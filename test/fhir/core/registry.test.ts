import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BundleFile } from '../../../src/fhir/definitions/bundle-file.ts';
import { DefinitionRegistry } from '../../../src/fhir/definitions/registry.ts';
import { tempDirSync } from '../../support/temp-dir.ts';

test('base definitions: StructureDefinitions, ValueSets and CodeSystems by canonical URL, with |version', () => {
  const r = new DefinitionRegistry();
  assert.equal(r.structureDefinition('http://hl7.org/fhir/StructureDefinition/Patient')?.type, 'Patient');
  assert.equal(r.structureDefinition('http://hl7.org/fhir/StructureDefinition/Patient|4.0.1')?.type, 'Patient');
  assert.equal(r.structureDefinition('http://hl7.org/fhir/StructureDefinition/HumanName')?.kind, 'complex-type');
  assert.equal(r.structureDefinition('http://hl7.org/fhir/StructureDefinition/patient-birthPlace')?.type, 'Extension');
  assert.equal(r.structureDefinition('http://hl7.org/fhir/StructureDefinition/vitalsigns')?.derivation, 'constraint');
  assert.equal(r.valueSet('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1')?.url, 'http://hl7.org/fhir/ValueSet/administrative-gender');
  assert.equal(r.codeSystem('http://terminology.hl7.org/CodeSystem/v3-MaritalStatus')?.resourceType, 'CodeSystem');
  assert.equal(r.codeSystem('http://terminology.hl7.org/CodeSystem/v2-0203')?.resourceType, 'CodeSystem');
  assert.equal(r.structureDefinition('http://nowhere.test/sd'), undefined);
  assert.ok(r.resourceTypes().has('Observation'));
  assert.ok(!r.resourceTypes().has('DomainResource'));
});

// The cold start itself is measured by the bench (bench/run.ts), not timed here.
test('lazy start: a fresh registry answers its first structure and value set lookups', () => {
  const r = new DefinitionRegistry();
  assert.equal(r.structureDefinition('http://hl7.org/fhir/StructureDefinition/Observation')?.type, 'Observation');
  assert.equal(r.valueSet('http://hl7.org/fhir/ValueSet/observation-status')?.url, 'http://hl7.org/fhir/ValueSet/observation-status');
});

test('bundle files are indexed without parsing, entries parsed on demand and kept', () => {
  const dir = tempDirSync('sello-bundle-file-');
  const bundle = {
    resourceType: 'Bundle',
    entry: [
      { fullUrl: 'http://a/ValueSet/x', resource: { resourceType: 'ValueSet', id: 'x', url: 'http://a/ValueSet/x', version: '1', status: 'active' } },
      { fullUrl: 'http://a/CodeSystem/y', resource: { resourceType: 'CodeSystem', id: 'y', url: 'http://a/cs/y', status: 'active', content: 'complete' } },
    ],
  };
  // the FHIR publisher's layout (what the byte scan reads) and a compact one (the parse fallback)
  const pretty = JSON.stringify(bundle, null, 2).replace(/": /g, '" : ');
  writeFileSync(join(dir, 'pretty.json'), pretty);
  writeFileSync(join(dir, 'compact.json'), JSON.stringify(bundle));
  for (const name of ['pretty.json', 'compact.json']) {
    const f = new BundleFile(join(dir, name));
    const list = f.list();
    assert.deepEqual(
      list.map((e) => [e.resourceType, e.url, e.version]),
      [
        ['ValueSet', 'http://a/ValueSet/x', '1'],
        ['CodeSystem', 'http://a/cs/y', undefined],
      ],
      name,
    );
    const cs = f.resource(list[1]!);
    assert.equal(cs.content, 'complete');
    assert.equal(f.resource(list[1]!), cs);
  }
});

test('a bundle file’s index is kept in the user cache and reused; an index that does not match the file is scanned again', () => {
  const dir = tempDirSync('sello-bundle-index-');
  const cache = tempDirSync('sello-cache-');
  const before = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = cache;
  try {
    // The FHIR publisher's layout, which the byte scan reads (the whole-file parse keeps no offsets to cache).
    const entry = (i: number): string =>
      `{\n    "fullUrl" : "http://a/CodeSystem/c${i}",\n    "resource" : {\n      "resourceType" : "CodeSystem",\n      "url" : "http://a/cs/c${i}",\n      "title" : "code system ${i}"\n    }\n  }`;
    const file = join(dir, 'publisher.json');
    writeFileSync(file, `{\n  "resourceType" : "Bundle",\n  "entry" : [${[0, 1, 2].map(entry).join(',\n  ')}]\n}\n`);
    const scanned = new BundleFile(file).list();
    const kept = join(cache, 'sello', 'definitions-index');
    const [indexName] = readdirSync(kept);
    assert.ok(indexName, 'the scan left an index in the cache');
    const index = join(kept, indexName);

    const reused = new BundleFile(file);
    assert.deepEqual(
      reused.list().map((e) => [e.url, e.start, e.end]),
      scanned.map((e) => [e.url, e.start, e.end]),
    );
    assert.equal(reused.resource(reused.list()[2]!).title, 'code system 2');

    // Offsets shifted by one entry: each lookup must still give the resource it names.
    const rows = JSON.parse(readFileSync(index, 'utf8')) as [string, string, number, number][];
    writeFileSync(index, JSON.stringify(rows.map((row, i) => [row[0], row[1], ...rows[(i + 1) % rows.length]!.slice(2)])));
    const damaged = new BundleFile(file);
    assert.deepEqual(
      damaged.list().map((e) => damaged.resource(e).title),
      ['code system 0', 'code system 1', 'code system 2'],
    );

    writeFileSync(index, '{ not an index');
    assert.deepEqual(
      new BundleFile(file).list().map((e) => e.url),
      scanned.map((e) => e.url),
    );
  } finally {
    if (before === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = before;
  }
});

test('profile directories: canonical resources found recursively (also inside Bundles); local ones win', () => {
  const dir = tempDirSync('sello-profiles-');
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'nested', 'vs.json'), JSON.stringify({ resourceType: 'ValueSet', url: 'http://sello.test/vs', status: 'active' }));
  writeFileSync(
    join(dir, 'bundle.json'),
    JSON.stringify({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'CodeSystem', url: 'http://sello.test/cs', status: 'active', content: 'complete' } }] }),
  );
  writeFileSync(join(dir, 'gender.json'), JSON.stringify({ resourceType: 'ValueSet', url: 'http://hl7.org/fhir/ValueSet/administrative-gender', status: 'active', name: 'local' }));
  writeFileSync(join(dir, 'broken.json'), '{ not json');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x' }));
  const r = new DefinitionRegistry({ profileDirs: [dir] });
  assert.equal(r.valueSet('http://sello.test/vs')?.status, 'active');
  assert.equal(r.codeSystem('http://sello.test/cs')?.content, 'complete');
  assert.equal(r.valueSet('http://hl7.org/fhir/ValueSet/administrative-gender')?.name, 'local');
});
