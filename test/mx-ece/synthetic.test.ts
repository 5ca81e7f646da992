import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageAt, cie10Codes, cie10Misfit, cnisCodes, imssClues, labCodes } from '../../programs/mx-ece/lib/catalogs.ts';
import { PROFILE, SYSTEM } from '../../programs/mx-ece/lib/contract.ts';
import { clinicalDate, withinRetention } from '../../programs/mx-ece/lib/expediente.ts';
import type { FhirResource } from '../../programs/mx-ece/lib/record.ts';
import { beneficiarioOf, consentFor, generateRecord } from '../../programs/mx-ece/lib/synthetic-record.ts';
import { parseCurp, SeededRandom, validateCurp } from '../../src/identifiers/mx/index.ts';

const now = new Date('2026-06-01T12:00:00Z');
const codingOf = (r: FhirResource, field: string): { system?: string; code?: string } => (r[field] as { coding: { system?: string; code?: string }[] }).coding[0] ?? {};

describe('mx-ece synthetic record', () => {
  it('replays from the seed and differs across seeds', () => {
    const a = generateRecord(new SeededRandom('s1'), { now });
    assert.deepEqual(generateRecord(new SeededRandom('s1'), { now }), a);
    assert.notEqual(generateRecord(new SeededRandom('s2'), { now }).curp, a.curp);
  });

  it('gives a valid CURP that agrees with sex and birth date, an IMSS unit of the catalogue and profiled ids', () => {
    for (let i = 0; i < 40; i++) {
      const r = generateRecord(new SeededRandom(`p${i}`), { now });
      assert.deepEqual(validateCurp(r.curp), []);
      const parsed = parseCurp(r.curp);
      assert.equal(parsed?.fechaNacimiento, r.patient.birthDate);
      assert.equal(parsed?.sexo, r.patient.gender === 'male' ? 'H' : 'M');
      const clues = (r.organization.identifier as { system: string; value: string }[]).find((x) => x.system === SYSTEM.clues)?.value ?? '';
      assert.ok(imssClues().includes(clues), clues);
      assert.deepEqual(r.patient.meta?.profile, [PROFILE.patient]);
      for (const c of r.clinical) assert.match(c.id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(new Set(r.clinical.map((c) => c.id)).size, r.clinical.length);
    }
  });

  it('codes diagnoses, labs and prescriptions from the catalogues, fitting sex and age at the diagnosis', () => {
    let conditions = 0;
    for (let i = 0; i < 60; i++) {
      const r = generateRecord(new SeededRandom(`c${i}`), { now });
      for (const c of r.clinical) {
        if (c.resourceType === 'Condition') {
          conditions++;
          const code = codingOf(c, 'code').code ?? '';
          const entry = cie10Codes()[code];
          assert.ok(entry, code);
          assert.equal(cie10Misfit(entry, r.patient.gender, ageAt(String(r.patient.birthDate), String(c.recordedDate))), undefined, code);
        }
        if (c.resourceType === 'Observation') {
          const lab = labCodes()[codingOf(c, 'code').code ?? ''];
          const q = c.valueQuantity as { value: number; code: string; system: string };
          assert.ok(lab);
          assert.equal(q.code, lab.unit);
          assert.equal(q.system, SYSTEM.ucum);
          assert.ok(q.value >= lab.low && q.value <= lab.high);
        }
        if (c.resourceType === 'MedicationRequest') assert.ok(cnisCodes()[codingOf(c, 'medicationCodeableConcept').code ?? '']);
      }
    }
    assert.ok(conditions > 400);
  });

  it('reaches past the 7-year window by default, with an entry 2 days inside it, and stays inside with yearsBack 7', () => {
    const r = generateRecord(new SeededRandom('w'), { now });
    assert.ok(r.clinical.some((c) => !withinRetention(c, now)));
    const edge = new Date('2019-06-03T12:00:00Z').toISOString().replace('.000Z', 'Z');
    assert.ok(r.clinical.some((c) => c.resourceType === 'Encounter' && clinicalDate(c) === edge));
    const recent = generateRecord(new SeededRandom('w'), { now, yearsBack: 7 });
    assert.ok(recent.clinical.every((c) => withinRetention(c, now)));
  });

  // How fast is bench's business: a wall-clock bound here failed under load (4.6 s at load ~19) and proved nothing.
  it('makes 50,000 notes (base64 text, linked to an encounter) that serialise', () => {
    const r = generateRecord(new SeededRandom('big'), { now, notes: 50_000 });
    const text = JSON.stringify(r);
    const notes = r.clinical.filter((c) => c.resourceType === 'DocumentReference');
    assert.equal(notes.length, 50_000);
    assert.ok(text.length > 1_000_000);
    const first = notes[0] as FhirResource;
    const data = (first.content as { attachment: { data: string } }[])[0]?.attachment.data ?? '';
    assert.match(Buffer.from(data, 'base64').toString('utf8'), /^Nota de evolución/);
    assert.match(String((first.context as { encounter: { reference: string }[] }).encounter[0]?.reference), /^urn:uuid:/);
  });

  it('derives the padrón record and consents from the record', () => {
    const r = generateRecord(new SeededRandom('b'), { now });
    const b = beneficiarioOf(r);
    assert.equal(b.curp, r.curp);
    assert.equal(b.fechaNacimiento, r.patient.birthDate);
    assert.equal(b.sexo, r.patient.gender === 'male' ? 'H' : 'M');
    assert.ok(String((r.patient.name as { family: string }[])[0]?.family).startsWith(b.primerApellido));
    assert.deepEqual(beneficiarioOf(r), b);
    const c = consentFor(r, 'ISSSTE', { now, id: 'c1' });
    const period = (c.provision as { period: { start: string; end: string } }).period;
    assert.ok(Date.parse(period.start) < now.getTime() && Date.parse(period.end) > now.getTime());
    const expired = consentFor(r, 'ISSSTE', { now, id: 'c2', expired: true });
    assert.ok(Date.parse((expired.provision as { period: { end: string } }).period.end) < now.getTime());
    assert.equal((c.patient as { identifier: { value: string } }).identifier.value, r.curp);
  });
});
