import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadPgsRuleCatalogue } from '../../programs/mx-pgs/judges/rules/index.ts';

// The behaviour catalogue is what a role's certification is measured against: every behaviour must name a real
// requirement and the roles it binds, every behaviour × role cell must be exercised by a scenario tagged with both,
// and the self-test must plant at least one defect in every cell.
const profile = (file: string) => JSON.parse(readFileSync(new URL(`../../programs/mx-pgs/profiles/${file}`, import.meta.url), 'utf8'));
const requirements = profile('requirements.json') as {
  constraints: { id: string }[];
  behaviours: { id: string; requirement: string; roles: string[]; sent: { es: string; en: string }; expected: { es: string; en: string }; source: string }[];
};
const defects = profile('planted-defects.json') as { role: string; fault: string; rule: string; behaviour: string; description: { en: string; es: string }; tags?: string }[];
const ROLES = ['imss', 'issste', 'ssa'];

/** Every scenario's effective tags (feature + scenario), from the feature files' text. */
function scenarioTags(): string[][] {
  const dir = new URL('../../programs/mx-pgs/features/', import.meta.url);
  const scenarios: string[][] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.feature'))) {
    let featureTags: string[] = [];
    let pending: string[] = [];
    for (const line of readFileSync(new URL(file, dir), 'utf8')
      .split('\n')
      .map((l) => l.trim())) {
      if (line.startsWith('@')) pending.push(...line.split(/\s+/));
      else if (line.startsWith('Característica:')) [featureTags, pending] = [pending, []];
      else if (line.startsWith('Escenario:')) [scenarios[scenarios.length], pending] = [[...featureTags, ...pending], []];
    }
  }
  return scenarios;
}

test('every behaviour names a catalogued requirement, the roles it binds, and what is sent and expected in es and en', () => {
  const ids = new Set([...loadPgsRuleCatalogue().map((r) => r.id), ...requirements.constraints.map((c) => c.id)]);
  const seen = new Set<string>();
  for (const b of requirements.behaviours) {
    assert.match(b.id, /^[A-Z0-9-]+\.\d+$/, b.id);
    assert.equal(b.id.slice(0, b.id.lastIndexOf('.')), b.requirement, b.id);
    assert.ok(ids.has(b.requirement), `${b.id}: unknown requirement ${b.requirement}`);
    assert.ok(!seen.has(b.id), `${b.id} twice`);
    seen.add(b.id);
    assert.ok(b.roles.length > 0 && b.roles.every((r) => ROLES.includes(r)), b.id);
    assert.ok(b.sent.es && b.sent.en && b.expected.es && b.expected.en && b.source, b.id);
  }
  // RN-03 binds IMSS only; RN-08's flags are the central index's.
  assert.ok(requirements.behaviours.filter((b) => b.requirement === 'RN-03').every((b) => b.roles.join() === 'imss'));
  assert.ok(requirements.behaviours.filter((b) => b.requirement === 'RN-08').every((b) => b.roles.join() === 'ssa'));
  // Every rule of rules.json has at least one behaviour.
  for (const rule of loadPgsRuleCatalogue())
    assert.ok(
      requirements.behaviours.some((b) => b.requirement === rule.id),
      `${rule.id} has no behaviour`,
    );
});

test('a scenario tagged with the behaviour and the role exercises every behaviour × role cell', () => {
  const scenarios = scenarioTags();
  const missing = requirements.behaviours.flatMap((b) =>
    b.roles.filter((role) => !scenarios.some((tags) => tags.includes(`@${b.id}`) && tags.includes(`@${role}`))).map((role) => `${b.id} × ${role}`),
  );
  assert.deepEqual(missing, []);
});

test("every behaviour × role cell has a planted defect that must fail exactly the behaviour's rule", () => {
  const byId = new Map(requirements.behaviours.map((b) => [b.id, b]));
  for (const d of defects) {
    const b = byId.get(d.behaviour);
    assert.ok(b, `${d.fault}: unknown behaviour ${d.behaviour}`);
    assert.equal(d.rule, b.requirement, `${d.role}:${d.fault}`);
    assert.ok(b.roles.includes(d.role), `${d.role}:${d.fault}: ${d.behaviour} does not bind ${d.role}`);
    assert.ok(d.description.en && d.description.es, d.fault);
    assert.match(d.fault, /^[A-Za-z0-9-]+(=\d+)?$/);
  }
  const missing = requirements.behaviours.flatMap((b) => b.roles.filter((role) => !defects.some((d) => d.behaviour === b.id && d.role === role)).map((role) => `${b.id} × ${role}`));
  assert.deepEqual(missing, []);
});
