/**
 * Agreement with the HL7 Java validator on the public R4 conformance sample (../shared/corpus/
 * fhir-test-cases-r4): a case agrees when Sello reports no error where the reference reports none, and
 * at least one where it reports some. Prints the rate and every disagreement with both sides' messages.
 *
 * The StructureDefinitions of the sample are loaded as definitions first: some cases declare profiles
 * that other cases define (ai6 claims the profiles of ai7 and ai8), as the reference run supplied them.
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createFhirValidator } from '../../../src/fhir/index.ts';
import { isBlocking } from '../../../src/findings/finding.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/fhir-test-cases-r4/', import.meta.url));
const present = existsSync(CORPUS + 'expected.json');
const skip = present ? false : `corpus not found at ${CORPUS} (it lives outside the repository, in ../shared/corpus)`;

interface Expected {
  name: string;
  module: string;
  expectedErrors: number;
  referenceErrors: string[];
}

test('agreement with the HL7 validator on fhir-test-cases-r4 is at least 90 %', { skip }, () => {
  const expected = JSON.parse(readFileSync(CORPUS + 'expected.json', 'utf8')) as Record<string, Expected>;
  const files = readdirSync(CORPUS + 'cases')
    .filter((f) => f.endsWith('.json'))
    .sort();
  const validator = createFhirValidator();
  const resources = new Map<string, unknown>();
  for (const f of files) {
    const resource = JSON.parse(readFileSync(CORPUS + 'cases/' + f, 'utf8')) as { resourceType?: string };
    resources.set(f, resource);
    if (resource.resourceType === 'StructureDefinition') validator.registry.add(resource);
  }
  let agree = 0;
  const report: string[] = [];
  for (const f of files) {
    const ref = expected[f];
    if (!ref) continue;
    const errors = validator.validate(resources.get(f)).filter(isBlocking);
    const ok = errors.length > 0 === ref.expectedErrors > 0;
    if (ok) agree++;
    else {
      report.push(`DISAGREE ${f} (${ref.module}): Sello ${errors.length} error(s), reference ${ref.expectedErrors}`);
      for (const e of errors.slice(0, 5)) report.push(`    sello: ${e.ruleId} @ ${e.location}: ${e.message.en}`);
      for (const m of ref.referenceErrors) report.push(`    reference: ${m}`);
    }
  }
  const total = files.filter((f) => expected[f]).length;
  const rate = (100 * agree) / total;
  console.log(`fhir-test-cases-r4: ${agree}/${total} cases agree (${rate.toFixed(1)} %)`);
  if (report.length > 0) console.log(report.join('\n'));
  assert.ok(rate >= 90, `agreement ${rate.toFixed(1)} % is below 90 %`);
});
