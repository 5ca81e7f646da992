/**
 * Agreement with the HL7 Java reference validator on samples of its R4 conformance cases
 * (the visible ../shared/corpus/fhir-test-cases-r4, or test/fixtures/fhir-corpus-fresh/seed-N):
 *
 *   node --import tsx scripts/fhir-agreement.ts DIR…
 *
 * A case agrees when Sello reports no error where the reference reports none, and at least one where it reports
 * some. Plain cases (no `options` in expected.json) are counted apart from option cases: those the reference ran with
 * extra material or settings. Of the settings, Sello is given those it has (`security-checks`, `validateReference`,
 * `examples`: false); the StructureDefinitions of the sample are registered first, since option cases name profiles
 * that other cases of the sample define. Supporting files the sample does not carry are not given.
 * Prints each sample's rates and every disagreement with both sides' messages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFhirValidator, type FhirValidator, type FhirValidatorOptions } from '../src/fhir/index.ts';
import { parseJsonDocument } from '../src/fhir/stream/index.ts';
import { type Finding, isBlocking } from '../src/findings/finding.ts';
import type { ExpectedEntry } from './fhir-corpus-sample.ts';

export interface Tally {
  agree: number;
  total: number;
}

export interface Disagreement {
  file: string;
  module: string;
  options: boolean;
  sello: Finding[];
  referenceCount: number;
  reference: string[];
}

export interface Agreement {
  dir: string;
  plain: Tally;
  options: Tally;
  disagreements: Disagreement[];
}

const rate = (t: Tally): string => (t.total === 0 ? 'n/a' : `${((100 * t.agree) / t.total).toFixed(1)} %`);
export const percent = (t: Tally): number => (t.total === 0 ? 100 : (100 * t.agree) / t.total);

/** The reference run's settings that Sello has an equivalent of (the test runner allows example URLs by default). */
export function settingsOf(options: Record<string, unknown> | undefined): FhirValidatorOptions {
  const settings: FhirValidatorOptions = {};
  if (options?.['security-checks'] === true) settings.securityChecks = true;
  if (typeof options?.validateReference === 'string' && options.validateReference !== 'IGNORE') settings.validateReferences = true;
  if (options?.examples === false) settings.exampleUrls = 'reject';
  return settings;
}

/** Measures one sample directory (cases/ + expected.json). */
export function measureAgreement(dir: string): Agreement {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, ExpectedEntry>;
  const files = readdirSync(join(dir, 'cases'))
    .filter((f) => f.endsWith('.json') && expected[f])
    .sort();
  const resources = new Map<string, unknown>();
  const definitions: unknown[] = [];
  for (const f of files) {
    // As `sello validate` reads a file (members named twice noted); text that is not JSON at all (json5 cases) is
    // given as text: Sello's own reading of it decides, as for any other input.
    const text = readFileSync(join(dir, 'cases', f), 'utf8');
    const parsed = parseJsonDocument(text);
    const resource: unknown = parsed.ok ? parsed.value : text;
    resources.set(f, resource);
    if ((resource as { resourceType?: unknown })?.resourceType === 'StructureDefinition') definitions.push(resource);
  }
  const validators = new Map<string, FhirValidator>();
  const validatorFor = (settings: FhirValidatorOptions): FhirValidator => {
    const key = JSON.stringify(settings);
    let v = validators.get(key);
    if (!v) {
      v = createFhirValidator(settings);
      for (const d of definitions) v.registry.add(d);
      validators.set(key, v);
    }
    return v;
  };
  const result: Agreement = { dir, plain: { agree: 0, total: 0 }, options: { agree: 0, total: 0 }, disagreements: [] };
  for (const f of files) {
    const ref = expected[f]!;
    const tally = ref.options ? result.options : result.plain;
    const validator = validatorFor(settingsOf(ref.options));
    const errors = validator.validate(resources.get(f)).filter(isBlocking);
    tally.total++;
    if (errors.length > 0 === ref.expectedErrors > 0) tally.agree++;
    else result.disagreements.push({ file: f, module: ref.module, options: !!ref.options, sello: errors, referenceCount: ref.expectedErrors, reference: ref.referenceErrors });
  }
  return result;
}

export function formatAgreement(a: Agreement): string {
  const lines = [`${a.dir}: plain ${a.plain.agree}/${a.plain.total} (${rate(a.plain)}), option cases ${a.options.agree}/${a.options.total} (${rate(a.options)})`];
  for (const d of a.disagreements) {
    lines.push(`  DISAGREE ${d.file} (${d.module}${d.options ? ', options' : ''}): Sello ${d.sello.length} error(s), reference ${d.referenceCount}`);
    for (const e of d.sello.slice(0, 5)) lines.push(`      sello: ${e.ruleId} @ ${e.location}: ${e.message.en}`);
    for (const m of d.reference) lines.push(`      reference: ${m}`);
  }
  return lines.join('\n');
}

export const VISIBLE_CORPUS = fileURLToPath(new URL('../../shared/corpus/fhir-test-cases-r4/', import.meta.url));
export const FRESH_SAMPLES = fileURLToPath(new URL('../test/fixtures/fhir-corpus-fresh/', import.meta.url));

/** The visible corpus when present, then every committed fresh sample. */
export function defaultSampleDirs(): string[] {
  const fresh = existsSync(FRESH_SAMPLES)
    ? readdirSync(FRESH_SAMPLES)
        .filter((d) => d.startsWith('seed-'))
        .sort()
        .map((d) => join(FRESH_SAMPLES, d))
    : [];
  return [...(existsSync(join(VISIBLE_CORPUS, 'expected.json')) ? [VISIBLE_CORPUS] : []), ...fresh];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dirs = process.argv.slice(2).map((d) => resolve(d));
  for (const dir of dirs.length > 0 ? dirs : defaultSampleDirs()) console.log(formatAgreement(measureAgreement(dir)));
}
