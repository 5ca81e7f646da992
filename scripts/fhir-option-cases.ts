/**
 * Agreement with the HL7 reference validator on the R4 cases of its corpus that it ran with supporting material or
 * reference/example settings (`supporting`, `profiles`, `packages` given as local .tgz, `validateReference`,
 * `examples`, and the `profile` step), given to Sello the same way (`igs`, `validateReferences`, `exampleUrls`):
 *
 *   node --import tsx scripts/fhir-option-cases.ts VALIDATOR_DIR [with|without] [CASE]
 *
 * VALIDATOR_DIR is the `validator/` folder of FHIR/fhir-test-cases (manifest.json, the cases, outcomes/java/…).
 * `without` runs the same cases with nothing given, as Sello could before --ig. Cases whose material is XML or a
 * registry package are skipped. A case agrees when both report errors or both report none; prints every case.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createFhirValidator } from '../src/fhir/index.ts';
import { isBlocking } from '../src/findings/finding.ts';

const V = (process.argv[2] ?? '').replace(/\/?$/, '/');
if (!existsSync(V + 'manifest.json')) throw new Error(`usage: scripts/fhir-option-cases.ts VALIDATOR_DIR [with|without] [CASE] (no manifest.json in '${V}')`);
const manifest = JSON.parse(readFileSync(V + 'manifest.json', 'utf8'));
const mode = process.argv[3] === 'without' ? 'before' : 'after';
const only = process.argv[4];
const KEYS = ['supporting', 'profiles', 'validateReference', 'examples', 'packages'];

function expectedErrors(java: unknown): number | undefined {
  if (typeof java === 'string') {
    const p = V + 'outcomes/' + java;
    if (!existsSync(p)) return undefined;
    const oo = JSON.parse(readFileSync(p, 'utf8'));
    return (oo.issue ?? []).filter((i: { severity: string }) => i.severity === 'error' || i.severity === 'fatal').length;
  }
  if (java && typeof java === 'object') {
    const j = java as { errorCount?: number; outcome?: { issue?: { severity: string }[] } };
    if (typeof j.errorCount === 'number') return j.errorCount;
    if (j.outcome) return (j.outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal').length;
  }
  return undefined;
}

const rows: string[] = [];
let agree = 0;
let total = 0;
for (const tc of manifest['test-cases']) {
  if (tc.version !== '4.0' || !tc.file.endsWith('.json')) continue;
  if (only && tc.name !== only) continue;
  const steps: { label: string; material: string[]; profile?: string; java: unknown; opts: Record<string, unknown> }[] = [];
  const base = [...(tc.supporting ?? []), ...(tc.profiles ?? []), ...(tc.packages ?? [])];
  if (KEYS.some((k) => k in tc)) steps.push({ label: 'base', material: base, java: tc.java, opts: tc });
  if (tc.profile?.source)
    steps.push({
      label: 'profile',
      material: [...base, ...(tc.profile.supporting ?? []), ...(tc.profile.packages ?? []), tc.profile.source],
      profile: tc.profile.source,
      java: tc.profile.java,
      opts: { ...tc, ...tc.profile },
    });
  for (const s of steps) {
    const usable = s.material.every((m) => (m.endsWith('.json') || m.endsWith('.tgz')) && existsSync(V + m));
    const expected = expectedErrors(s.java);
    if (!usable || expected === undefined || !existsSync(V + tc.file)) continue;
    let profileUrl: string | undefined;
    if (s.profile) profileUrl = s.profile.startsWith('http') ? s.profile : JSON.parse(readFileSync(V + s.profile, 'utf8')).url;
    const other = Object.keys(s.opts).filter(
      (k) =>
        ![
          'name',
          'file',
          'version',
          'module',
          'java',
          'firely-sdk-current',
          'firely-sdk-wip',
          'profile',
          'source',
          'description',
          'explanation',
          'tags',
          'documentation',
          'dotnet-brianpos',
          'brianpos',
          'use-test',
          ...KEYS,
        ].includes(k),
    );
    let errors: { ruleId: string; location: string; message: { en: string } }[];
    try {
      const v =
        mode === 'before'
          ? createFhirValidator()
          : createFhirValidator({
              igs: s.material.map((m) => V + m),
              validateReferences: s.opts.validateReference === 'CHECK_EXISTS_AND_TYPE' || s.opts.validateReference === 'CHECK_EXISTS' || s.opts.validateReference === 'CHECK_VALID',
              exampleUrls: s.opts.examples === false ? 'reject' : 'allow',
            });
      const resource = JSON.parse(readFileSync(V + tc.file, 'utf8'));
      errors = v.validate(resource, profileUrl && mode !== 'before' ? { profile: profileUrl } : {}).filter(isBlocking);
    } catch (e) {
      errors = [{ ruleId: 'CRASH', location: '', message: { en: String(e) } }];
    }
    total++;
    const ok = errors.length > 0 === expected > 0;
    if (ok) agree++;
    rows.push(`${ok ? 'AGREE   ' : 'DISAGREE'} ${tc.name} [${s.label}] expected ${expected} sello ${errors.length}${other.length ? ` (other options: ${other.join(',')})` : ''}`);
    if (!ok || only) for (const e of errors.slice(0, 4)) rows.push(`     sello: ${e.ruleId} @ ${e.location}: ${e.message.en.slice(0, 200)}`);
    if (!ok || only) {
      if (typeof s.java === 'string') {
        const oo = JSON.parse(readFileSync(V + 'outcomes/' + s.java, 'utf8'));
        for (const i of (oo.issue ?? []).filter((i: { severity: string }) => i.severity === 'error' || i.severity === 'fatal').slice(0, 4))
          rows.push(`     java:  ${i.expression?.[0]}: ${String(i.details?.text).slice(0, 200)}`);
      }
    }
  }
}
console.log(rows.join('\n'));
console.log(`${mode === 'before' ? 'without' : 'with'} material and settings: ${agree}/${total} agree`);
