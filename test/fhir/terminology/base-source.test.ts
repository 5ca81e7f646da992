import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BASE_TERMINOLOGY_FILES, definitionsDataDir, loadBaseTerminologySource } from '../../../src/fhir/terminology/base-source.ts';
import { tempDirSync } from '../../support/temp-dir.ts';

test('nothing is read until the first lookup', () => {
  const source = loadBaseTerminologySource();
  assert.equal(source.stats().entries, 0);
  assert.ok(source.valueSet('http://hl7.org/fhir/ValueSet/administrative-gender'));
  const stats = source.stats();
  assert.ok(stats.entries > 2000);
  assert.equal(stats.parsed, 1, 'only the resource asked for is parsed');
  assert.deepEqual(stats.fullyParsedFiles, []);
});

test('the byte-scan index agrees with a full JSON parse of every bundle', () => {
  const dir = definitionsDataDir();
  const source = loadBaseTerminologySource();
  for (const file of BASE_TERMINOLOGY_FILES) {
    const bundle = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { entry: { resource: { resourceType: string; url?: string; version?: string } }[] };
    for (const { resource } of bundle.entry) {
      if (!resource.url) continue;
      // A few v2 tables write their version into `url`.
      const canonical = resource.url.includes('|') || !resource.version ? resource.url : `${resource.url}|${resource.version}`;
      const found = resource.resourceType === 'ValueSet' ? source.valueSet(canonical) : source.codeSystem(canonical);
      assert.deepEqual(found, resource, `${resource.resourceType} ${canonical} in ${file}`);
    }
  }
  assert.deepEqual(source.stats().fullyParsedFiles, []);
});

test('versions: exact when present, the only one when there is one, else the highest', () => {
  const source = loadBaseTerminologySource();
  const v2 = 'http://terminology.hl7.org/CodeSystem/v2-0360';
  // R4's v2 tables write their version in `url` (…/v2-0360|2.7) and, depending on the definitions release, the
  // table number or the version in `version`: the version chosen is read from wherever the resource states it.
  const versionOf = (found: { url?: string; version?: string } | undefined) => (found?.url?.includes('|') ? found.url.split('|')[1] : found?.version);
  assert.equal(versionOf(source.codeSystem(`${v2}|2.3.1`)), '2.3.1');
  assert.equal(versionOf(source.codeSystem(`${v2}|2.7`)), '2.7');
  assert.equal(versionOf(source.codeSystem(v2)), '2.7');
  assert.equal(source.codeSystem(`${v2}|9.9`), undefined, 'two versions and neither asked for');
  const gender = 'http://hl7.org/fhir/ValueSet/administrative-gender';
  assert.equal(source.valueSet(`${gender}|1.0`)?.url, gender, 'one version: the stated version is ignored');
  assert.equal(source.codeSystem('http://terminology.hl7.org/CodeSystem/v2-0391|2.6')?.url, 'http://terminology.hl7.org/CodeSystem/v2-0391|2.6');
  assert.equal(source.structureDefinition('http://hl7.org/fhir/StructureDefinition/Patient'), undefined);
});

test('a bundle that is not laid out as expected is parsed whole, with the same answers', () => {
  const dir = tempDirSync('sello-tx-');
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { resource: { resourceType: 'CodeSystem', url: 'http://example.org/cs', status: 'active', content: 'complete', concept: [{ code: 'a' }] } },
      { resource: { resourceType: 'ValueSet', url: 'http://example.org/vs', status: 'active', compose: { include: [{ system: 'http://example.org/cs' }] } } },
    ],
  };
  writeFileSync(join(dir, 'compact.json'), JSON.stringify(bundle));
  const source = loadBaseTerminologySource({ dataDir: dir, files: ['compact.json'] });
  assert.equal(source.codeSystem('http://example.org/cs')?.concept?.[0]?.code, 'a');
  assert.equal(source.valueSet('http://example.org/vs')?.url, 'http://example.org/vs');
  assert.deepEqual(source.stats().fullyParsedFiles, ['compact.json']);
});
