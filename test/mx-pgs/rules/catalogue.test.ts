import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CONTRACT_RULES } from '../../../programs/mx-pgs/judges/contract-checks.ts';
import { evaluatePgsRules, loadPgsRuleCatalogue, PGS_RULE_IMPLEMENTATIONS, PGS_RULES } from '../../../programs/mx-pgs/judges/rules/index.ts';
import { breakCheckDigit, context, makeBeneficiario, makeDependiente, rng } from '../fixtures.ts';

const RN_IDS = ['RN-01', 'RN-02', 'RN-03', 'RN-04', 'RN-05', 'RN-06', 'RN-07', 'RN-08', 'RN-09', 'RN-10'];

const API_IDS = ['PGS-API-01', 'PGS-API-02', 'PGS-API-03', 'PGS-API-04', 'PGS-API-05', 'PGS-API-06'];

test('rules.json lists RN-01…RN-10 then the API contract requirements, with es/en text, a source and a strength', () => {
  const file = JSON.parse(readFileSync(new URL('../../../programs/mx-pgs/profiles/rules.json', import.meta.url), 'utf8'));
  assert.equal(file.program, 'mx-pgs');
  assert.equal(file.version, '1.0.0');
  assert.match(file.source, /Sello reference contract v1/);
  const catalogue = loadPgsRuleCatalogue();
  assert.deepEqual(
    catalogue.map((r) => r.id),
    [...RN_IDS, ...API_IDS],
  );
  for (const r of catalogue) {
    assert.ok(r.title.es && r.title.en && r.description.es && r.description.en && r.source, r.id);
    assert.ok(['SHALL', 'SHOULD'].includes(r.strength), r.id);
  }
});

test('every RN rule in rules.json has an implementation and every implementation is in rules.json', () => {
  const catalogued = loadPgsRuleCatalogue()
    .map((r) => r.id)
    .filter((id) => id.startsWith('RN-'))
    .sort();
  const implemented = PGS_RULE_IMPLEMENTATIONS.map((r) => r.id).sort();
  assert.deepEqual(implemented, catalogued);
  assert.equal(new Set(implemented).size, implemented.length);
  assert.deepEqual(
    PGS_RULES.map((r) => r.id),
    RN_IDS.slice(0, 7),
  );
  // Anything else in the catalogue is an API contract requirement, checked by the steps, not a Rule.
  const others = loadPgsRuleCatalogue()
    .map((r) => r.id)
    .filter((id) => !id.startsWith('RN-'));
  assert.ok(
    others.every((id) => /^PGS-API-\d{2}$/.test(id)),
    String(others),
  );
});

test('the catalogue covers the contract checks and every requirement tag of the mx-pgs features', () => {
  const ids = new Set(loadPgsRuleCatalogue().map((r) => r.id));
  for (const id of Object.values(CONTRACT_RULES)) assert.ok(ids.has(id), id);
  const featuresDir = new URL('../../../programs/mx-pgs/features/', import.meta.url);
  const tags = new Set<string>();
  for (const f of readdirSync(featuresDir).filter((n) => n.endsWith('.feature'))) {
    for (const m of readFileSync(new URL(f, featuresDir), 'utf8').matchAll(/@((?:RN|PGS-API)-\d+)\b/g)) tags.add(m[1]!);
  }
  assert.ok(tags.size > 0);
  for (const tag of tags) assert.ok(ids.has(tag), `feature tag @${tag} has no catalogue entry`);
});

test('every rule file exports its rule under the documented name', async () => {
  const files: [string, string][] = [
    ['rn-01-curp-valida', 'rn01CurpValida'],
    ['rn-02-curp-coincide', 'rn02CurpCoincide'],
    ['rn-03-nss-imss', 'rn03NssImss'],
    ['rn-04-beneficiario-titular', 'rn04BeneficiarioTitular'],
    ['rn-05-duplicado-inexistente', 'rn05DuplicadoInexistente'],
    ['rn-06-cambio-curp', 'rn06CambioCurp'],
    ['rn-07-vigencia', 'rn07Vigencia'],
    ['rn-08-doble-afiliacion', 'rn08DobleAfiliacion'],
    ['rn-09-propagacion-indice', 'rn09PropagacionIndice'],
    ['rn-10-mensaje-bien-formado', 'rn10MensajeBienFormado'],
  ];
  for (const [i, [file, name]] of files.entries()) {
    const mod = (await import(`../../../programs/mx-pgs/judges/rules/${file}.ts`)) as Record<string, { id: string }>;
    assert.equal(mod[name]?.id, RN_IDS[i], file);
  }
});

test('evaluatePgsRules runs the record rules in rule order and accepts a clean alta', () => {
  const random = rng('evaluate');
  const titular = makeBeneficiario(random);
  assert.deepEqual(evaluatePgsRules(context('alta', { record: titular })), []);
  const dep = makeDependiente(random, titular);
  assert.deepEqual(evaluatePgsRules(context('alta', { record: dep, padron: [titular] })), []);

  const bad = structuredClone(titular);
  bad.curp = breakCheckDigit(bad.curp);
  bad.afiliacion.vigenciaFin = '2019-01-01';
  const ids = evaluatePgsRules(context('alta', { record: bad })).map((f) => f.ruleId);
  assert.deepEqual(ids, [...ids].sort());
  assert.ok(ids.includes('RN-01') && ids.includes('RN-07'), String(ids));
});

test('evaluatePgsRules applies only what fits the operation', () => {
  const random = rng('evaluate-ops');
  const record = makeBeneficiario(random);
  // baja: only RN-05 — an invalid CURP in the stored record is not re-judged.
  const stored = { ...record, curp: breakCheckDigit(record.curp) };
  assert.deepEqual(evaluatePgsRules(context('baja', { pathCurp: stored.curp, padron: [stored] })), []);
  assert.deepEqual(
    evaluatePgsRules(context('baja', { pathCurp: record.curp })).map((f) => f.ruleId),
    ['RN-05'],
  );
  // Reads judge nothing, even when handed a record that every record rule would refuse.
  const refusable = structuredClone(stored);
  refusable.afiliacion.vigenciaFin = '2019-01-01';
  refusable.afiliacion.tipo = 'BENEFICIARIO';
  assert.ok(evaluatePgsRules(context('alta', { record: refusable })).length > 0);
  for (const operation of ['consulta', 'busqueda'] as const) {
    assert.deepEqual(evaluatePgsRules(context(operation, { record: refusable, pathCurp: record.curp })), [], operation);
  }
  // actualizacion of an unknown CURP: not-found from RN-05.
  const findings = evaluatePgsRules(context('actualizacion', { record, pathCurp: record.curp }));
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.code]),
    [['RN-05', 'not-found']],
  );
});

test('every rule finding carries its RN id', () => {
  const random = rng('rn-ids');
  const record = makeBeneficiario(random);
  record.curp = breakCheckDigit(record.curp);
  record.afiliacion.numeroAfiliacion = '12345678901';
  record.afiliacion.tipo = 'BENEFICIARIO';
  for (const rule of PGS_RULES) {
    for (const f of rule.check(context('alta', { record }))) assert.equal(f.ruleId, rule.id);
  }
});
