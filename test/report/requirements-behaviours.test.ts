import { strict as assert } from 'node:assert';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import { programById } from '../../src/programs/registry.ts';
import { CatalogueError, loadRequirementCatalogue } from '../../src/report/requirements.ts';
import { tempDir } from '../support/temp-dir.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const text = (en: string) => ({ en, es: en });
const rules = [
  { id: 'RN-05', title: text('dup'), description: text('dup'), source: 's', strength: 'SHALL', roles: ['imss', 'ssa'] },
  { id: 'RN-07', title: text('motivo'), description: text('m'), source: 's', strength: 'SHOULD' },
];
const behaviour = (id: string, requirement: string, roles: string[]) => ({ id, requirement, sent: text('a'), expected: text('b'), roles, source: 'spec' });

async function catalogue(behaviours: unknown): Promise<ReturnType<typeof loadRequirementCatalogue>> {
  const root = await tempDir('h4-cat-');
  dirs.push(root);
  await mkdir(path.join(root, 'p'));
  await writeFile(path.join(root, 'p', 'rules.json'), JSON.stringify({ version: '1', rules }));
  const req: Record<string, unknown> = { program: 'p', version: '1', rules: 'rules.json' };
  if (behaviours !== undefined) req.behaviours = behaviours;
  await writeFile(path.join(root, 'p', 'requirements.json'), JSON.stringify(req));
  return loadRequirementCatalogue('p', path.join(root, 'p'));
}

test('a catalogue without behaviours loads as before, with no behaviour and no gap', async () => {
  const c = await catalogue(undefined);
  assert.deepEqual(c.behaviours, []);
  assert.deepEqual(c.missingBehaviours, []);
  assert.equal(c.requirements.find((r) => r.id === 'RN-05')?.behaviours, undefined);
});

test('behaviours are attached to their requirement; a SHALL rule without one for a role it binds is a gap', async () => {
  const c = await catalogue([behaviour('RN-05.1', 'RN-05', ['imss']), behaviour('RN-07.1', 'RN-07', ['ssa'])]);
  assert.deepEqual(
    c.behaviours.map((b) => b.id),
    ['RN-05.1', 'RN-07.1'],
  );
  assert.deepEqual(
    c.requirements.find((r) => r.id === 'RN-05')?.behaviours?.map((b) => b.id),
    ['RN-05.1'],
  );
  // RN-07 is SHOULD: no gap for imss.
  assert.deepEqual(c.missingBehaviours, ['RN-05 ssa']);
});

test('behaviour errors are catalogue errors naming what to fix', async () => {
  const cases: [unknown, RegExp][] = [
    [[behaviour('RN-05.1', 'RN-05', ['imss']), behaviour('RN-05.1', 'RN-05', ['ssa'])], /RN-05.1 appears twice/],
    [[behaviour('RN-99.1', 'RN-99', ['imss'])], /RN-99' is not a rule or constraint/],
    [[behaviour('RN-05.1', 'RN-05', ['imsss'])], /unknown role\(s\) imsss/],
    [[behaviour('RN-05.x', 'RN-05', ['imss'])], /<requirement>\.<n>/],
    [[behaviour('RN-07.1', 'RN-05', ['imss'])], /<requirement>\.<n>/],
    [[{ ...behaviour('RN-05.1', 'RN-05', ['imss']), expected: 'x' }], /sent and expected/],
    [[behaviour('RN-05.1', 'RN-05', [])], /roles must be a non-empty list/],
    [{ id: 'x' }, /behaviours must be a list/],
  ];
  for (const [b, re] of cases)
    await assert.rejects(
      () => catalogue(b),
      (e: Error) => e instanceof CatalogueError && re.test(e.message),
      String(re),
    );
});

test('a behaviour cannot bind a role its requirement does not bind', async () => {
  const withIssste = [...rules, { id: 'RN-08', title: text('x'), description: text('x'), source: 's', strength: 'SHALL', roles: ['issste'] }];
  const root = await tempDir('h4-cat-');
  dirs.push(root);
  await mkdir(path.join(root, 'p'));
  await writeFile(path.join(root, 'p', 'rules.json'), JSON.stringify({ version: '1', rules: withIssste }));
  await writeFile(path.join(root, 'p', 'requirements.json'), JSON.stringify({ program: 'p', version: '1', rules: 'rules.json', behaviours: [behaviour('RN-05.1', 'RN-05', ['issste'])] }));
  assert.throws(() => loadRequirementCatalogue('p', path.join(root, 'p')), /RN-05 does not bind issste/);
});

test("the programs' catalogues give every SHALL rule a behaviour for every role it binds", () => {
  for (const program of ['mx-pgs', 'pe-ris', 'ru-egisz', 'mx-ece']) {
    const c = programById(program)!.loadCatalogue();
    if (c.behaviours.length === 0) continue;
    assert.deepEqual(c.missingBehaviours, [], `${program}: SHALL rule × role without a behaviour`);
  }
});

/** A catalogue whose one profile constraint names `schema` (written with `content`). */
async function catalogueNaming(schema: string, content: string, others: Record<string, string> = {}): Promise<ReturnType<typeof loadRequirementCatalogue>> {
  const root = await tempDir('h4-xsd-');
  dirs.push(root);
  await mkdir(path.join(root, 'p'));
  await writeFile(path.join(root, 'p', schema), content);
  for (const [name, text] of Object.entries(others)) await writeFile(path.join(root, 'p', name), text);
  const constraint = { id: 'P-XSD-01', title: text('t'), text: text('t'), source: 's', severity: 'SHALL', schema, judgedBy: [], coveredBy: ['@x'] };
  await writeFile(path.join(root, 'p', 'requirements.json'), JSON.stringify({ program: 'p', version: '1', constraints: [constraint] }));
  return loadRequirementCatalogue('p', path.join(root, 'p'));
}

test('a profile constraint may name an XSD: it is hashed into the integrity list, and a broken one is refused', async () => {
  const xsd = '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a"/></xs:schema>';
  const c = await catalogueNaming('a.xsd', xsd);
  const file = c.files.find((f) => f.path === 'profiles/a.xsd');
  assert.equal(file?.bytes, Buffer.byteLength(xsd));
  assert.equal(c.requirements.find((r) => r.id === 'P-XSD-01')?.schema, 'a.xsd');
  await assert.rejects(
    catalogueNaming('b.xsd', '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'),
    (e: unknown) => e instanceof CatalogueError && /b\.xsd is not well-formed XML/.test(e.message),
  );
  // The files it includes are judged with it, so they are hashed too (a remote location is not read).
  const including = '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:include schemaLocation="a.xsd"/><xs:import namespace="urn:x" schemaLocation="https://example.org/x.xsd"/></xs:schema>';
  const withInclude = await catalogueNaming('main.xsd', including, { 'a.xsd': xsd });
  assert.deepEqual(
    withInclude.files.map((f) => f.path).filter((p) => p.endsWith('.xsd')),
    ['profiles/main.xsd', 'profiles/a.xsd'],
  );
  // A JSON schema is still read as JSON.
  await assert.rejects(catalogueNaming('c.json', '<not json/>'), /c\.json is not valid JSON/);
});
