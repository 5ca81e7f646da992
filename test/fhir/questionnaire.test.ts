/**
 * QuestionnaireResponse against its Questionnaire (questionnaire/): each rule shown failing on a response built to
 * break it and passing on the same response made right; the Questionnaire contained, in the Bundle, or from an IG.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFhirValidator } from '../../src/fhir/index.ts';

const v = createFhirValidator();
const EXT = 'http://hl7.org/fhir/StructureDefinition/';

const questionnaire = {
  resourceType: 'Questionnaire',
  id: 'q',
  url: 'http://sello.test/Questionnaire/intake',
  status: 'active',
  item: [
    { linkId: 'smoker', type: 'boolean', required: true },
    { linkId: 'packs', type: 'integer', enableWhen: [{ question: 'smoker', operator: '=', answerBoolean: true }], extension: [{ url: EXT + 'minValue', valueInteger: 1 }] },
    {
      linkId: 'colour',
      type: 'choice',
      answerOption: [{ valueCoding: { system: 'http://sello.test/cs', code: 'red' } }, { valueCoding: { system: 'http://sello.test/cs', code: 'blue' } }],
    },
    { linkId: 'notes', type: 'group', item: [{ linkId: 'note', type: 'string', repeats: true }] },
  ],
};

type Item = Record<string, unknown>;
const response = (item: Item[], status = 'completed') => ({ resourceType: 'QuestionnaireResponse', status, questionnaire: '#q', contained: [questionnaire], item });

const qrFindings = (resource: unknown) =>
  v
    .validate(resource)
    .filter((f) => f.ruleId.startsWith('FHIR-QR-'))
    .map((f) => `${f.severity} ${f.ruleId} ${f.location}`);

const good: Item[] = [
  { linkId: 'smoker', answer: [{ valueBoolean: true }] },
  { linkId: 'packs', answer: [{ valueInteger: 2 }] },
  { linkId: 'colour', answer: [{ valueCoding: { system: 'http://sello.test/cs', code: 'red' } }] },
  { linkId: 'notes', item: [{ linkId: 'note', answer: [{ valueString: 'a' }, { valueString: 'b' }] }] },
];

test('a response that follows its contained Questionnaire has no findings', () => {
  assert.deepEqual(qrFindings(response(good)), []);
});

test('a linkId the Questionnaire does not have, or in another place, is an error', () => {
  assert.deepEqual(qrFindings(response([...good, { linkId: 'nope', answer: [{ valueString: 'x' }] }])), ['error FHIR-QR-LINKID QuestionnaireResponse']);
  assert.deepEqual(qrFindings(response([good[0]!, good[1]!, good[2]!, { linkId: 'note', answer: [{ valueString: 'x' }] }])), ['error FHIR-QR-LINKID QuestionnaireResponse.item[3]']);
});

test('items out of the Questionnaire order are an error', () => {
  assert.deepEqual(qrFindings(response([good[1]!, good[0]!])), ['error FHIR-QR-ORDER QuestionnaireResponse.item[1]']);
});

test('a required item missing is an error once completed, a warning before', () => {
  assert.deepEqual(qrFindings(response(good.slice(2))), ['error FHIR-QR-REQUIRED QuestionnaireResponse']);
  assert.deepEqual(qrFindings(response(good.slice(2), 'in-progress')), ['warning FHIR-QR-REQUIRED QuestionnaireResponse']);
});

test('an answer of another type than the item type is an error', () => {
  assert.deepEqual(qrFindings(response([{ linkId: 'smoker', answer: [{ valueString: 'yes' }] }])), ['error FHIR-QR-ANSWER-TYPE QuestionnaireResponse.item[0].answer[0].value.ofType(string)']);
});

test('two answers to an item that does not repeat are an error', () => {
  assert.deepEqual(qrFindings(response([{ linkId: 'smoker', answer: [{ valueBoolean: true }, { valueBoolean: false }] }])), ['error FHIR-QR-REPEATS QuestionnaireResponse.item[0].answer[1]']);
});

test('an answered item that enableWhen leaves disabled is an error', () => {
  const disabled = [{ linkId: 'smoker', answer: [{ valueBoolean: false }] }, good[1]!];
  assert.deepEqual(qrFindings(response(disabled)), ['error FHIR-QR-NOT-ENABLED QuestionnaireResponse.item[1]']);
});

test('answers outside answerOption or below the minValue extension are errors', () => {
  const bad = [good[0]!, { linkId: 'packs', answer: [{ valueInteger: 0 }] }, { linkId: 'colour', answer: [{ valueCoding: { system: 'http://sello.test/cs', code: 'green' } }] }];
  assert.deepEqual(qrFindings(response(bad)), [
    'error FHIR-QR-ANSWER-VALUE QuestionnaireResponse.item[1].answer[0].value.ofType(integer)',
    'error FHIR-QR-ANSWER-OPTION QuestionnaireResponse.item[2].answer[0]',
  ]);
});

test('the Questionnaire is found in the same Bundle, and an unknown one is warned', () => {
  const qr = { resourceType: 'QuestionnaireResponse', status: 'completed', questionnaire: questionnaire.url, item: [{ linkId: 'nope', answer: [{ valueString: 'x' }] }] };
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'http://sello.test/Questionnaire/q', resource: questionnaire },
      { fullUrl: 'http://sello.test/QuestionnaireResponse/r', resource: { ...qr, id: 'r' } },
    ],
  };
  assert.deepEqual(qrFindings(bundle), ['error FHIR-QR-LINKID Bundle.entry[1].resource', 'error FHIR-QR-REQUIRED Bundle.entry[1].resource']);
  assert.deepEqual(qrFindings({ ...qr, questionnaire: 'http://sello.test/Questionnaire/elsewhere' }), ['warning FHIR-QR-QUESTIONNAIRE QuestionnaireResponse.questionnaire']);
});
