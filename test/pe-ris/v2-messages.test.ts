import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTriageBundle } from '../../programs/pe-ris/lib/triage-bundle.ts';
import { buildAdtA04, buildOruR01, buildSiuS12, checkTranslation, fhirInstant, followUpSlot, patientFromV2, triageFacts, v2Instant } from '../../programs/pe-ris/lib/v2-messages.ts';
import { isBlocking } from '../../src/findings/finding.ts';
import { parseEr7 } from '../../src/hl7v2/index.ts';
import { generatePersonPe } from '../../src/identifiers/pe/person.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import { referenceAck, validateHl7 } from '../hl7v2/pe-ris-contract.ts';

test('for 25 synthetic people the three messages conform to their v2.5 profiles, carry the triage, and the reference SIHCE answers AA', () => {
  for (let i = 0; i < 25; i++) {
    const rng = new SeededRandom(`v2:${i}`);
    const person = generatePersonPe(rng.fork('p'), { dniCheck: i % 3 === 0 ? 'none' : i % 3 === 1 ? 'digit' : 'letter' });
    const { bundle } = buildTriageBundle(rng.fork('b'), { person, prioridad: (['I', 'II', 'III', 'IV'] as const)[i % 4]!, renipress: '00004321', at: new Date(Date.UTC(2025, 2, 14, 14, i)) });
    const facts = triageFacts(bundle)!;
    for (const m of [buildAdtA04(facts), buildOruR01(facts), buildSiuS12(facts)]) {
      assert.deepEqual(validateHl7(m).filter(isBlocking), [], `${person.dni}: ${m}`);
      assert.deepEqual(checkTranslation(facts, m), [], person.dni);
      assert.equal(referenceAck(m).code, 'AA');
    }
    const back = patientFromV2(parseEr7(buildAdtA04(facts)))!;
    assert.equal(back.dni, facts.dni);
    assert.equal(back.dniCheck, facts.dniCheck);
    assert.equal(back.birthDate, facts.birthDate);
    assert.equal(back.gender, facts.gender);
    assert.equal(back.ubigeo, facts.ubigeo);
  }
});

test('names with HL7 delimiters are escaped, not split', () => {
  const { bundle } = buildTriageBundle(new SeededRandom('esc'), {
    person: { nombres: ['Ana^María'], apellidoPaterno: 'Díaz|Sánchez', apellidoMaterno: 'Ocas&Tello', sexo: 'female', fechaNacimiento: '1990-05-05', dni: '12345678-E', ubigeo: '060101' },
    prioridad: 'II',
    renipress: '00004321',
    at: new Date('2025-03-14T14:30:00Z'),
  });
  const adt = buildAdtA04(triageFacts(bundle)!);
  assert.deepEqual(validateHl7(adt).filter(isBlocking), []);
  const back = patientFromV2(parseEr7(adt))!;
  assert.equal(back.family, 'DÍAZ|SÁNCHEZ OCAS&TELLO');
  assert.deepEqual(back.given, ['ANA^MARÍA']);
});

test('dates: FHIR instants become DTM with their offset and back; the follow-up is the next day at 09:00 Peru time', () => {
  assert.equal(v2Instant('2025-03-14T09:30:00-05:00'), '20250314093000-0500');
  assert.equal(fhirInstant('20250321090000-0500'), '2025-03-21T09:00:00-05:00');
  assert.equal(fhirInstant('20250321'), '2025-03-21T00:00:00-05:00');
  assert.equal(fhirInstant('no'), undefined);
  assert.deepEqual(followUpSlot('2025-03-14T22:30:00-05:00'), { start: '2025-03-15T09:00:00-05:00', end: '2025-03-15T09:30:00-05:00' });
});
