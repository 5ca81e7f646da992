import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTerminology, loadBaseTerminologySource } from '../../../src/fhir/terminology/index.ts';

test('every R4 ValueSet compiles, and only those with an unavailable import are unsure about a foreign system', () => {
  const source = loadBaseTerminologySource();
  const tx = createTerminology(source);
  const unsure: string[] = [];
  for (const url of source.urls('ValueSet')) {
    const r = tx.checkCode(url, 'http://example.org/not-a-code-system', 'zzz');
    if (r.result === 'unknown') unsure.push(url);
    else assert.equal(r.result, 'not-member', url);
    assert.ok(['member', 'not-member', 'unknown'].includes(tx.checkCode(url, undefined, 'zzz').result), url);
  }
  // use-context imports usps-state and media-modality imports dicom-cid29, neither of which R4 ships.
  assert.deepEqual(unsure.sort(), ['http://hl7.org/fhir/ValueSet/media-modality', 'http://hl7.org/fhir/ValueSet/use-context']);
});
