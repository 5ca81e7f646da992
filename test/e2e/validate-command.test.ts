import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { syntheticBeneficiario } from '../../programs/mx-pgs/lib/synthetic.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import { runSello, tempDir } from './sello-process.ts';

test('sello validate: a valid beneficiary exits 0, a broken one exits 3 naming rule and JSON pointer', async () => {
  const dir = await tempDir('sello-validate-');
  const valid = syntheticBeneficiario(new SeededRandom('validate'), { institucion: 'IMSS', today: '2026-01-15' });
  const invalid = { ...structuredClone(valid), sexo: 'Z', apodo: 'x' };
  await writeFile(join(dir, 'valid.json'), JSON.stringify(valid));
  await writeFile(join(dir, 'invalid.json'), JSON.stringify(invalid));
  await writeFile(join(dir, 'garbage.json'), '{"curp": ');

  const ok = await runSello(['validate', join(dir, 'valid.json'), '--profile', 'mx-pgs/beneficiario']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /valid\.json: valid/);

  const bad = await runSello(['validate', join(dir, 'invalid.json'), join(dir, 'garbage.json'), '--profile', 'mx-pgs/beneficiario']);
  assert.equal(bad.code, 3, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /\/sexo/);
  assert.match(bad.stdout, /\/apodo/);
  assert.match(bad.stdout, /garbage\.json: 1 error/);

  const json = await runSello(['validate', join(dir, 'invalid.json'), '--profile', 'mx-pgs/beneficiario', '--format', 'json']);
  const outcomes = JSON.parse(json.stdout) as { outcome: { resourceType: string; issue: { severity: string; location: string[] }[] } }[];
  assert.equal(outcomes[0]?.outcome.resourceType, 'OperationOutcome');
  assert.ok(outcomes[0]?.outcome.issue.some((i) => i.location.includes('/sexo') && i.severity === 'error'));
});

test('sello validate: an unknown profile or a missing file is a configuration error (exit 4)', async () => {
  const unknown = await runSello(['validate', 'package.json', '--profile', 'mx-pgs/no-such-profile']);
  assert.equal(unknown.code, 4);
  assert.match(unknown.stderr, /beneficiario/, 'lists the profiles that exist');
  const missing = await runSello(['validate', '/nonexistent/file.json', '--profile', 'mx-pgs/beneficiario']);
  assert.equal(missing.code, 4);
});

test('sello validate: FHIR by meta.profile, NDJSON line by line, directories, and HL7 v2 by MSH-9', async () => {
  const dir = await tempDir('sello-validate-');
  const { readFile: read, readdir } = await import('node:fs/promises');
  const validDir = 'test/fixtures/fhir/pe-ris/valid';
  const validFiles = (await readdir(validDir)).filter((f) => f.endsWith('.json'));
  const valid = await runSello(['validate', validDir]);
  assert.equal(valid.code, 0, valid.stdout + valid.stderr);
  assert.match(valid.stdout, new RegExp(`${validFiles.length} document\\(s\\), 0 with errors`));

  const invalidDir = 'test/fixtures/fhir/pe-ris/invalid';
  const invalidFile = (await readdir(invalidDir)).find((f) => f.endsWith('.json'))!;
  const lines = [await read(join(validDir, validFiles[0]!), 'utf8'), await read(join(invalidDir, invalidFile), 'utf8')].map((t) => JSON.stringify(JSON.parse(t)));
  await writeFile(join(dir, 'mixed.ndjson'), `${lines.join('\n')}\n`);
  const ndjson = await runSello(['validate', join(dir, 'mixed.ndjson'), '--format', 'json']);
  assert.equal(ndjson.code, 3, ndjson.stderr);
  const outcomes = JSON.parse(ndjson.stdout) as { line: number; outcome: { issue: { severity: string; expression?: string[] }[] } }[];
  assert.deepEqual(
    outcomes.map((o) => o.line),
    [1, 2],
  );
  assert.ok(!outcomes[0]!.outcome.issue.some((i) => i.severity === 'error'));
  assert.ok(
    outcomes[1]!.outcome.issue.some((i) => i.severity === 'error' && (i.expression?.length ?? 0) > 0),
    'FHIRPath expression on FHIR errors',
  );

  const hl7 = await runSello(['validate', 'test/fixtures/hl7v2/valid']);
  assert.equal(hl7.code, 0, hl7.stdout + hl7.stderr);
  const defect = await runSello(['validate', 'test/fixtures/hl7v2/defects/ack-no-msa.hl7']);
  assert.equal(defect.code, 3, defect.stdout);
  assert.match(defect.stdout, /\[V2-/);

  const unknownProfile = await runSello(['validate', join(validDir, validFiles[0]!), '--profile', 'http://example.org/StructureDefinition/nope']);
  assert.equal(unknownProfile.code, 4);
});

test('sello validate: a directory with no document, or NDJSON of blank lines only, is exit 4 and says so', async () => {
  const dir = await tempDir('sello-validate-');
  const { mkdir, symlink } = await import('node:fs/promises');
  await mkdir(join(dir, 'empty/loop'), { recursive: true });
  await symlink('..', join(dir, 'empty/loop/up'));
  const empty = await runSello(['validate', join(dir, 'empty')]);
  assert.equal(empty.code, 4, empty.stdout + empty.stderr);
  assert.match(empty.stderr, /no document to validate/);
  await writeFile(join(dir, 'blank.ndjson'), '\n  \n\n');
  const blank = await runSello(['validate', join(dir, 'blank.ndjson')]);
  assert.equal(blank.code, 4, blank.stdout + blank.stderr);
  assert.match(blank.stderr, /no document to validate/);
});

test('sello validate: an NDJSON line past the document limit is a SELLO-LIMIT finding, the lines around it are judged', async () => {
  const { MAX_DOCUMENT_BYTES } = await import('../../src/cli/validate-command.ts');
  const dir = await tempDir('sello-validate-');
  const patient = JSON.stringify({ resourceType: 'Patient', id: 'p1', active: true });
  const huge = JSON.stringify({ resourceType: 'Patient', id: 'p2', text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(MAX_DOCUMENT_BYTES)}</div>` } });
  await writeFile(join(dir, 'cohort.ndjson'), `${patient}\n${huge}\n${patient}\n`);
  const result = await runSello(['validate', join(dir, 'cohort.ndjson'), '--format', 'json']);
  assert.equal(result.code, 3, result.stderr);
  const outcomes = JSON.parse(result.stdout) as { line: number; outcome: { issue: { severity: string; code: string; details?: { coding?: { code: string }[] } }[] } }[];
  assert.deepEqual(
    outcomes.map((o) => o.line),
    [1, 2, 3],
  );
  assert.ok(outcomes[1]?.outcome.issue.some((i) => i.severity === 'fatal' && i.code === 'too-costly'));
  assert.ok(!outcomes[0]?.outcome.issue.some((i) => i.severity === 'error' || i.severity === 'fatal'));
});

/** `levels` extensions each inside the one before: 2 × levels of JSON nesting. */
function nestedExtensions(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = { resourceType: 'Patient', id: 'deep' };
  let parent = root;
  for (let i = 0; i < levels; i++) {
    const extension = { url: `http://example.org/fhir/StructureDefinition/e${i}` };
    parent.extension = [extension];
    parent = extension;
  }
  Object.assign(parent, { valueString: 'x' });
  return root;
}

test('sello validate: a resource of 1,000 nested extensions, or a beneficiary nested as deep, is a SELLO-LIMIT finding, not a stack overflow', async () => {
  const dir = await tempDir('sello-validate-');
  await writeFile(join(dir, 'deep-fhir.json'), JSON.stringify(nestedExtensions(1000)));
  const fhir = await runSello(['validate', join(dir, 'deep-fhir.json')]);
  assert.equal(fhir.code, 3, fhir.stdout + fhir.stderr);
  assert.match(fhir.stdout, /FATAL \[SELLO-LIMIT\]/);
  assert.doesNotMatch(fhir.stdout + fhir.stderr, /RangeError|call stack/);

  let nested: unknown = 'x';
  for (let i = 0; i < 2000; i++) nested = { a: [nested] };
  const valid = syntheticBeneficiario(new SeededRandom('deep'), { institucion: 'IMSS', today: '2026-01-15' });
  await writeFile(join(dir, 'deep-json.json'), JSON.stringify({ ...valid, extra: nested }));
  const json = await runSello(['validate', join(dir, 'deep-json.json'), '--profile', 'mx-pgs/beneficiario']);
  assert.equal(json.code, 3, json.stdout + json.stderr);
  assert.match(json.stdout, /SELLO-LIMIT/);

  // A resource well inside the limit is judged as usual: 20 nested extensions of unknown URL are only warnings.
  await writeFile(join(dir, 'nested-ok.json'), JSON.stringify(nestedExtensions(20)));
  const ok = await runSello(['validate', join(dir, 'nested-ok.json')]);
  assert.doesNotMatch(ok.stdout, /SELLO-LIMIT/);
});
