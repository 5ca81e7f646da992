import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTerminology, loadBaseTerminologySource } from '../../../src/fhir/terminology/index.ts';
import { ANIMALS, animals, mapSource, vs } from './helpers.ts';

const base = loadBaseTerminologySource();
const tx = createTerminology(base);

const GENDER_VS = 'http://hl7.org/fhir/ValueSet/administrative-gender';
const GENDER_CS = 'http://hl7.org/fhir/administrative-gender';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

describe('base R4 ValueSets', () => {
  test('administrative-gender: members with their display, non-members, wrong system, wrong case', () => {
    assert.deepEqual(tx.checkCode(GENDER_VS, GENDER_CS, 'male'), { result: 'member', display: 'Male' });
    assert.deepEqual(tx.checkCode(GENDER_VS, GENDER_CS, 'unknown'), { result: 'member', display: 'Unknown' });
    assert.deepEqual(tx.checkCode(GENDER_VS, GENDER_CS, 'M'), { result: 'not-member' });
    assert.deepEqual(tx.checkCode(GENDER_VS, 'http://example.org/gender', 'male'), { result: 'not-member' });
    // The CodeSystem says caseSensitive: true.
    assert.deepEqual(tx.checkCode(GENDER_VS, GENDER_CS, 'Male'), { result: 'not-member' });
  });

  test('a code-typed element (no system) is matched by code alone', () => {
    assert.deepEqual(tx.checkCode(GENDER_VS, undefined, 'female'), { result: 'member', display: 'Female' });
    assert.deepEqual(tx.checkCode(GENDER_VS, undefined, 'woman'), { result: 'not-member' });
    // yesnodontknow spans two systems (v2-0136 and data-absent-reason).
    const yndk = 'http://hl7.org/fhir/ValueSet/yesnodontknow';
    assert.equal(tx.checkCode(yndk, undefined, 'Y').result, 'member');
    assert.equal(tx.checkCode(yndk, undefined, 'asked-unknown').result, 'member');
    assert.equal(tx.checkCode(yndk, undefined, 'maybe').result, 'not-member');
  });

  test('url|version: the version is ignored when only one exists', () => {
    assert.equal(tx.hasValueSet(`${GENDER_VS}|4.0.1`), true);
    assert.equal(tx.checkCode(`${GENDER_VS}|4.0.1`, GENDER_CS, 'other').result, 'member');
    assert.equal(tx.checkCode(`${GENDER_VS}|9.9.9`, GENDER_CS, 'other').result, 'member');
  });

  test('is-a filter on v3 ActCode (nested concepts)', () => {
    const encounter = 'http://terminology.hl7.org/ValueSet/v3-ActEncounterCode';
    assert.deepEqual(tx.checkCode(encounter, ACT_CODE, 'AMB'), { result: 'member', display: 'ambulatory' });
    assert.equal(tx.checkCode(encounter, ACT_CODE, 'IMP').result, 'member');
    assert.equal(tx.checkCode(encounter, ACT_CODE, 'CASH').result, 'not-member', 'an ActCode outside _ActEncounterCode');
  });

  test('is-not-a filter (patient-contactrelationship excludes v2-0131 O)', () => {
    const rel = 'http://hl7.org/fhir/ValueSet/patient-contactrelationship';
    assert.equal(tx.checkCode(rel, undefined, 'C').result, 'member');
    assert.equal(tx.checkCode(rel, undefined, 'O').result, 'not-member');
  });

  test('a ValueSet that imports others (security-labels) and one that imports an unknown ValueSet', () => {
    const labels = 'http://hl7.org/fhir/ValueSet/security-labels';
    assert.equal(tx.checkCode(labels, 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', 'R').result, 'member');
    assert.equal(tx.checkCode(labels, 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', 'ZZZ').result, 'not-member');
    // media-modality imports dicom-cid29, which R4 does not ship.
    const modality = 'http://hl7.org/fhir/ValueSet/media-modality';
    assert.equal(tx.checkCode(modality, 'http://terminology.hl7.org/CodeSystem/media-modality', 'diagram').result, 'member');
    const dicom = tx.checkCode(modality, 'http://dicom.nema.org/resources/ontology/DCM', 'CT');
    assert.equal(dicom.result, 'unknown');
    assert.match((dicom as { reason: string }).reason, /dicom-cid29/);
  });

  test('external code systems answer unknown with a reason, never not-member', () => {
    const loinc = tx.checkCode('http://hl7.org/fhir/ValueSet/observation-codes', 'http://loinc.org', '8867-4');
    assert.equal(loinc.result, 'unknown');
    assert.match((loinc as { reason: string }).reason, /loinc\.org/);
    const snomed = tx.checkCode('http://hl7.org/fhir/ValueSet/clinical-findings', 'http://snomed.info/sct', '404684003');
    assert.equal(snomed.result, 'unknown');
    // A system the ValueSet does not include at all is out, even though LOINC is unknown.
    assert.equal(tx.checkCode('http://hl7.org/fhir/ValueSet/observation-codes', 'http://example.org/codes', 'x').result, 'not-member');
  });

  test('enumerated codes of an external system are taken at face value', () => {
    const docTypes = 'http://hl7.org/fhir/ValueSet/c80-doc-typecodes';
    assert.deepEqual(tx.checkCode(docTypes, 'http://loinc.org', '11488-4'), { result: 'member', display: 'Consult note' });
    assert.equal(tx.checkCode(docTypes, 'http://loinc.org', '99999-9').result, 'not-member');
  });

  test('a prebuilt expansion is used (yesnodontknow, example-hierarchical)', () => {
    assert.deepEqual(tx.checkCode('http://hl7.org/fhir/ValueSet/example-hierarchical', 'http://hl7.org/fhir/hacked', 'login'), {
      result: 'member',
      display: 'Login Required',
    });
    assert.equal(tx.checkCode('http://hl7.org/fhir/ValueSet/example-hierarchical', 'http://hl7.org/fhir/hacked', 'nope').result, 'not-member');
  });

  test('fragment and example CodeSystems: listed codes are in, others cannot be judged', () => {
    const plan = 'http://hl7.org/fhir/ValueSet/insuranceplan-type';
    const planCs = 'http://terminology.hl7.org/CodeSystem/insurance-plan-type';
    assert.equal(tx.checkCode(plan, planCs, 'medical').result, 'member');
    const other = tx.checkCode(plan, planCs, 'veterinary');
    assert.equal(other.result, 'unknown');
    assert.match((other as { reason: string }).reason, /fragment/);
    const service = 'http://hl7.org/fhir/ValueSet/service-type';
    assert.equal(tx.checkCode(service, 'http://terminology.hl7.org/CodeSystem/service-type', '1').result, 'member');
    assert.equal(tx.checkCode(service, 'http://terminology.hl7.org/CodeSystem/service-type', 'nope').result, 'unknown');
  });

  test('v2 tables do not say caseSensitive: codes match ignoring case, as in the HL7 validator', () => {
    const sex = 'http://terminology.hl7.org/ValueSet/v2-0001';
    assert.deepEqual(tx.checkCode(sex, 'http://terminology.hl7.org/CodeSystem/v2-0001', 'F'), { result: 'member', display: 'Female' });
    assert.equal(tx.checkCode(sex, 'http://terminology.hl7.org/CodeSystem/v2-0001', 'f').result, 'member');
    assert.equal(tx.checkCode(sex, undefined, 'f').result, 'member');
    assert.equal(tx.checkCode(sex, undefined, 'x').result, 'not-member');
  });

  test('a ValueSet that does not exist', () => {
    assert.equal(tx.hasValueSet('http://example.org/ValueSet/none'), false);
    const r = tx.checkCode('http://example.org/ValueSet/none', 'http://x', 'y');
    assert.equal(r.result, 'unknown');
  });

  test('code systems answered offline: BCP-47, MIME types, UCUM, URIs, ISO 3166 shapes', () => {
    const langs = 'http://hl7.org/fhir/ValueSet/all-languages';
    for (const tag of ['en', 'en-US', 'es-419', 'zh-Hant-TW', 'sr-Latn-RS', 'de-CH-1901', 'x-private', 'i-klingon', 'en-US-u-ca-gregory'])
      assert.equal(tx.checkCode(langs, 'urn:ietf:bcp:47', tag).result, 'member', tag);
    for (const tag of ['englishes', 'en_US', 'en-', '-en', 'e', 'de-1901-1901', 'en-a-bbb-a-ccc']) assert.equal(tx.checkCode(langs, 'urn:ietf:bcp:47', tag).result, 'not-member', tag);

    const mime = 'http://hl7.org/fhir/ValueSet/mimetypes';
    for (const m of ['application/fhir+json', 'text/plain; charset=UTF-8', 'image/svg+xml', 'json', 'xml', 'application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json'])
      assert.equal(tx.checkCode(mime, 'urn:ietf:bcp:13', m).result, 'member', m);
    for (const m of ['fhir+json', 'foo/bar', 'application/', 'text/plain;charset', 'text/plain; charset=a b']) assert.equal(tx.checkCode(mime, 'urn:ietf:bcp:13', m).result, 'not-member', m);

    const ucum = 'http://hl7.org/fhir/ValueSet/ucum-units';
    for (const u of ['mg/dL', 'mm[Hg]', '{beats}/min', '10*3/uL', '%']) assert.equal(tx.checkCode(ucum, 'http://unitsofmeasure.org', u).result, 'member', u);
    assert.equal(tx.checkCode(ucum, 'http://unitsofmeasure.org', 'furlongs').result, 'not-member');
    const time = 'http://hl7.org/fhir/ValueSet/all-time-units';
    assert.equal(tx.checkCode(time, 'http://unitsofmeasure.org', 'wk').result, 'member');
    assert.equal(tx.checkCode(time, 'http://unitsofmeasure.org', 'km').result, 'not-member');

    const iso3 = 'http://hl7.org/fhir/ValueSet/iso3166-1-3';
    assert.equal(tx.checkCode(iso3, 'urn:iso:std:iso:3166', 'MEX').result, 'unknown', 'shape fits, only the registry knows');
    assert.equal(tx.checkCode(iso3, 'urn:iso:std:iso:3166', 'MX').result, 'not-member', 'the filter needs three letters');
  });
});

describe('hand-built code systems and value sets', () => {
  const A = 'http://example.org/ValueSet/';
  const make = () => {
    const source = mapSource([
      animals,
      vs(`${A}all`, { include: [{ system: ANIMALS }] }),
      vs(`${A}mammals`, { include: [{ system: ANIMALS, filter: [{ property: 'concept', op: 'is-a', value: 'mammal' }] }] }),
      vs(`${A}below-bird`, { include: [{ system: ANIMALS, filter: [{ property: 'concept', op: 'descendent-of', value: 'bird' }] }] }),
      vs(`${A}swimmers`, { include: [{ system: ANIMALS, filter: [{ property: 'concept', op: 'is-a', value: 'swimmer' }] }] }),
      vs(`${A}not-mammals`, { include: [{ system: ANIMALS, filter: [{ property: 'concept', op: 'is-not-a', value: 'mammal' }] }] }),
      vs(`${A}four-legged`, { include: [{ system: ANIMALS, filter: [{ property: 'legs', op: '=', value: '4' }] }] }),
      vs(`${A}active`, { inactive: false, include: [{ system: ANIMALS }] }),
      vs(`${A}no-dogs`, {
        include: [{ valueSet: [`${A}mammals`] }],
        exclude: [{ system: ANIMALS, filter: [{ property: 'concept', op: 'is-a', value: 'dog' }] }],
      }),
      vs(`${A}nested`, { include: [{ valueSet: [`${A}no-dogs`] }, { system: ANIMALS, concept: [{ code: 'penguin' }] }] }),
      vs(`${A}mammals-and-four-legged`, { include: [{ valueSet: [`${A}mammals`, `${A}four-legged`] }] }),
      vs(`${A}four-legged-mammals`, {
        include: [{ system: ANIMALS, filter: [{ property: 'legs', op: '=', value: '4' }], valueSet: [`${A}mammals`] }],
      }),
      vs(`${A}listed`, { include: [{ system: ANIMALS, version: '0.9', concept: [{ code: 'cat', display: 'Kitty' }, { code: 'unicorn' }] }] }),
      vs(`${A}mixed`, {
        include: [
          { system: ANIMALS, concept: [{ code: 'cat' }] },
          { system: 'http://loinc.org', filter: [{ property: 'CLASS', op: '=', value: 'CHEM' }] },
        ],
      }),
      vs(`${A}loinc-minus-cat`, {
        include: [{ system: 'http://loinc.org' }, { system: ANIMALS }],
        exclude: [
          { system: ANIMALS, concept: [{ code: 'cat' }] },
          { system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '1' }] },
        ],
      }),
      vs(`${A}self`, { include: [{ valueSet: [`${A}self`] }] }),
    ]);
    return { source, tx: createTerminology(source) };
  };

  test('a ValueSet including a whole CodeSystem, nested hierarchies included', () => {
    const { tx } = make();
    for (const code of ['animal', 'mammal', 'dog', 'puppy', 'cat', 'bird', 'penguin', 'dodo', 'swimmer']) assert.equal(tx.checkCode(`${A}all`, ANIMALS, code).result, 'member', code);
    assert.equal(tx.checkCode(`${A}all`, ANIMALS, 'unicorn').result, 'not-member');
  });

  test('is-a includes the root and every descendant; descendent-of leaves the root out', () => {
    const { tx } = make();
    for (const code of ['mammal', 'dog', 'puppy', 'cat']) assert.equal(tx.checkCode(`${A}mammals`, ANIMALS, code).result, 'member', code);
    for (const code of ['bird', 'penguin', 'animal']) assert.equal(tx.checkCode(`${A}mammals`, ANIMALS, code).result, 'not-member', code);
    assert.equal(tx.checkCode(`${A}below-bird`, ANIMALS, 'bird').result, 'not-member');
    assert.equal(tx.checkCode(`${A}below-bird`, ANIMALS, 'penguin').result, 'member');
  });

  test('the child property adds polyhierarchy edges, and an abstract (notSelectable) concept is still a member', () => {
    const { tx } = make();
    assert.equal(tx.checkCode(`${A}swimmers`, ANIMALS, 'penguin').result, 'member');
    assert.equal(tx.checkCode(`${A}swimmers`, ANIMALS, 'swimmer').result, 'member');
    assert.equal(tx.checkCode(`${A}swimmers`, ANIMALS, 'dog').result, 'not-member');
  });

  test('is-not-a and property = filters', () => {
    const { tx } = make();
    assert.equal(tx.checkCode(`${A}not-mammals`, ANIMALS, 'penguin').result, 'member');
    assert.equal(tx.checkCode(`${A}not-mammals`, ANIMALS, 'puppy').result, 'not-member');
    assert.equal(tx.checkCode(`${A}four-legged`, ANIMALS, 'dog').result, 'member');
    assert.equal(tx.checkCode(`${A}four-legged`, ANIMALS, 'penguin').result, 'not-member');
  });

  test('compose.inactive = false drops retired concepts', () => {
    const { tx } = make();
    assert.equal(tx.checkCode(`${A}all`, ANIMALS, 'dodo').result, 'member');
    assert.equal(tx.checkCode(`${A}active`, ANIMALS, 'dodo').result, 'not-member');
  });

  test('exclude, and a nested import of a ValueSet that has an exclude', () => {
    const { tx } = make();
    assert.equal(tx.checkCode(`${A}no-dogs`, ANIMALS, 'cat').result, 'member');
    assert.equal(tx.checkCode(`${A}no-dogs`, ANIMALS, 'dog').result, 'not-member');
    assert.equal(tx.checkCode(`${A}no-dogs`, ANIMALS, 'puppy').result, 'not-member');
    assert.equal(tx.checkCode(`${A}nested`, ANIMALS, 'cat').result, 'member');
    assert.equal(tx.checkCode(`${A}nested`, ANIMALS, 'penguin').result, 'member');
    assert.equal(tx.checkCode(`${A}nested`, ANIMALS, 'puppy').result, 'not-member');
    assert.equal(tx.checkCode(`${A}nested`, undefined, 'mammal').result, 'member');
  });

  test('several ValueSets in one include intersect', () => {
    const { tx } = make();
    assert.equal(tx.checkCode(`${A}mammals-and-four-legged`, ANIMALS, 'cat').result, 'member');
    assert.equal(tx.checkCode(`${A}mammals-and-four-legged`, ANIMALS, 'puppy').result, 'not-member');
    assert.equal(tx.checkCode(`${A}four-legged-mammals`, ANIMALS, 'dog').result, 'member', 'system part and imported ValueSet intersect');
    assert.equal(tx.checkCode(`${A}four-legged-mammals`, ANIMALS, 'mammal').result, 'not-member');
  });

  test('listed concepts must exist in their (complete) CodeSystem; the include version is ignored when only one exists', () => {
    const { tx } = make();
    assert.deepEqual(tx.checkCode(`${A}listed`, ANIMALS, 'cat'), { result: 'member', display: 'Cat' });
    assert.equal(tx.checkCode(`${A}listed`, ANIMALS, 'unicorn').result, 'not-member');
  });

  test('local and external parts side by side', () => {
    const { tx } = make();
    assert.equal(tx.checkCode(`${A}mixed`, ANIMALS, 'cat').result, 'member');
    assert.equal(tx.checkCode(`${A}mixed`, ANIMALS, 'dog').result, 'not-member');
    assert.equal(tx.checkCode(`${A}mixed`, 'http://loinc.org', '2345-7').result, 'unknown');
    assert.equal(tx.checkCode(`${A}mixed`, undefined, 'cat').result, 'member');
    assert.equal(tx.checkCode(`${A}mixed`, undefined, 'dog').result, 'unknown', 'without a system, dog might be a LOINC code');
  });

  test('an exclusion that cannot be evaluated makes only its own system unknown', () => {
    const { tx } = make();
    assert.equal(tx.checkCode(`${A}loinc-minus-cat`, ANIMALS, 'dog').result, 'member');
    assert.equal(tx.checkCode(`${A}loinc-minus-cat`, ANIMALS, 'cat').result, 'not-member');
    assert.equal(tx.checkCode(`${A}loinc-minus-cat`, 'http://loinc.org', '1-8').result, 'unknown');
  });

  test('a ValueSet that imports itself is unknown, not an endless loop', () => {
    const { tx } = make();
    assert.equal(tx.checkCode(`${A}self`, ANIMALS, 'dog').result, 'unknown');
  });

  test('the expansion is computed once: later checks do not touch the source', () => {
    const { source, tx } = make();
    assert.equal(tx.checkCode(`${A}no-dogs`, ANIMALS, 'cat').result, 'member');
    const afterFirst = source.calls.length;
    assert.ok(afterFirst > 0);
    for (let i = 0; i < 10_000; i++) {
      tx.checkCode(`${A}no-dogs`, ANIMALS, i % 2 ? 'cat' : 'dog');
      tx.checkCode(`${A}no-dogs`, undefined, 'mammal');
    }
    assert.equal(source.calls.length, afterFirst);
    assert.equal(tx.stats().expansions.filter((e) => e.url === `${A}no-dogs`).length, 1);
    assert.equal(tx.stats().codeSystemsIndexed, 1, 'the CodeSystem is indexed once for both ValueSets');
  });

  test('checks on ValueSets with unknown parts are memoised too', () => {
    const { source, tx } = make();
    tx.checkCode(`${A}mixed`, 'http://loinc.org', '2345-7');
    const n = source.calls.length;
    for (let i = 0; i < 1000; i++) assert.equal(tx.checkCode(`${A}mixed`, 'http://loinc.org', '2345-7').result, 'unknown');
    assert.equal(source.calls.length, n);
  });
});
