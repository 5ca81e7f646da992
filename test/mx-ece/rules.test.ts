import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundleEntries, DocumentStructure, re02Entry, re02Retention, re03Padron, re04Catalogues, re04Entry, re06Structure, re07Cda } from '../../programs/mx-ece/judges/rules/index.ts';
import { documentBundle } from '../../programs/mx-ece/lib/expediente.ts';
import type { FhirResource } from '../../programs/mx-ece/lib/record.ts';
import { beneficiarioOf, generateRecord } from '../../programs/mx-ece/lib/synthetic-record.ts';
import type { Finding } from '../../src/findings/finding.ts';
import { SeededRandom } from '../../src/identifiers/mx/index.ts';

const now = new Date('2026-06-01T12:00:00Z');
const record = generateRecord(new SeededRandom('rules'), { now, notes: 12 });
const fresh = (): FhirResource => JSON.parse(JSON.stringify(documentBundle(record, { now, bundleId: 'r1' }))) as FhirResource;
const entries = (b: FhirResource): { fullUrl: string; resource: FhirResource }[] => b.entry as { fullUrl: string; resource: FhirResource }[];
const res = (b: FhirResource, i: number): FhirResource => (entries(b)[i] as { resource: FhirResource }).resource;
const indexOf = (b: FhirResource, type: string): number => entries(b).findIndex((e) => e.resource.resourceType === type);
const where = (fs: Finding[]): string[] => fs.map((f) => `${f.ruleId} ${f.location}`);

describe('RE-02 retention', () => {
  it('passes the document Bundle, which holds only the last 7 years', () => {
    assert.deepEqual(re02Retention(bundleEntries(fresh()), now), []);
  });

  it('points at the judged date of an older entry, and at an undated clinical entry', () => {
    const b = fresh();
    const i = indexOf(b, 'Condition');
    const c = res(b, i) as FhirResource;
    c.recordedDate = '2019-05-31T23:59:59Z';
    const j = indexOf(b, 'Observation');
    delete (res(b, j) as FhirResource).effectiveDateTime;
    assert.deepEqual(where(re02Retention(bundleEntries(b), now)).sort(), [`RE-02 Bundle.entry[${i}].resource.recordedDate`, `RE-02 Bundle.entry[${j}].resource`].sort());
  });

  it('judges a Condition by onsetDateTime when it has no recordedDate, and an NDJSON line at its own location', () => {
    const f = re02Entry({ resource: { resourceType: 'Condition', onsetDateTime: '2010-01-01' }, location: 'Condition' }, now);
    assert.deepEqual(where(f), ['RE-02 Condition.onsetDateTime']);
    assert.deepEqual(re02Entry({ resource: { resourceType: 'Encounter', period: { start: '2019-06-01T12:00:00Z' } }, location: 'Encounter' }, now), []);
  });
});

describe('RE-03 padrón agreement', () => {
  const patient = { resource: record.patient, location: 'Bundle.entry[1].resource' };
  it('passes the patient the padrón knows', () => {
    assert.deepEqual(re03Padron({ patient, curpAsked: record.curp, beneficiario: beneficiarioOf(record) }), []);
  });

  it('fails a CURP the padrón does not know, a CURP other than the one asked, and each disagreement', () => {
    assert.deepEqual(where(re03Padron({ patient, curpAsked: record.curp, beneficiario: undefined })), ['RE-03 Bundle.entry[1].resource.identifier[0].value']);
    assert.deepEqual(where(re03Padron({ patient, curpAsked: 'GOMC800101HDFRRR09', beneficiario: beneficiarioOf(record) })), ['RE-03 Bundle.entry[1].resource.identifier[0].value']);
    const b = { ...beneficiarioOf(record), fechaNacimiento: '1901-01-01', sexo: record.patient.gender === 'male' ? ('M' as const) : ('H' as const), primerApellido: 'ZZZ' };
    assert.deepEqual(where(re03Padron({ patient, curpAsked: record.curp, beneficiario: b })), [
      'RE-03 Bundle.entry[1].resource.gender',
      'RE-03 Bundle.entry[1].resource.birthDate',
      'RE-03 Bundle.entry[1].resource.name[0].family',
    ]);
  });

  it('ignores case and accents in the family name', () => {
    const b = beneficiarioOf(record);
    const accented = { ...b, primerApellido: b.primerApellido.toLowerCase().replace('a', 'á') };
    assert.deepEqual(re03Padron({ patient, curpAsked: record.curp, beneficiario: accented }), []);
  });
});

describe('RE-04 catalogues', () => {
  it('passes the generated record', () => {
    assert.deepEqual(re04Catalogues(fresh()), []);
  });

  it('fails a dotted CIE-10, one not in the catalogue and one that does not fit sex or age', () => {
    const facts = { gender: 'male', birthDate: '1990-01-01' };
    const cond = (code: string, recordedDate = '2024-01-01'): FhirResource => ({ resourceType: 'Condition', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code }] }, recordedDate });
    assert.deepEqual(where(re04Entry({ resource: cond('E11.9'), location: 'C' }, facts)), ['RE-04 C.code.coding[0].code']);
    assert.deepEqual(where(re04Entry({ resource: cond('Z999'), location: 'C' }, facts)), ['RE-04 C.code.coding[0].code']);
    assert.deepEqual(where(re04Entry({ resource: cond('O800'), location: 'C' }, facts)), ['RE-04 C.code.coding[0].code']);
    assert.match(re04Entry({ resource: cond('O800'), location: 'C' }, facts)[0]?.message.en ?? '', /for sex female only/);
    assert.match(re04Entry({ resource: cond('P073'), location: 'C' }, facts)[0]?.message.en ?? '', /was 34 at the diagnosis/);
    assert.deepEqual(re04Entry({ resource: cond('N40'), location: 'C' }, facts), []);
  });

  it('fails a CLUES outside the catalogue, a lab code or unit outside the lab catalogue and a clave outside CNIS', () => {
    const b = fresh();
    const org = indexOf(b, 'Organization');
    (res(b, org).identifier as { value: string }[])[0]!.value = 'DFIMS999999';
    const obs = indexOf(b, 'Observation');
    (res(b, obs).valueQuantity as { code: string }).code = 'g/L';
    const med = indexOf(b, 'MedicationRequest');
    (res(b, med).medicationCodeableConcept as { coding: { code: string }[] }).coding[0]!.code = '010.000.9999.00';
    assert.deepEqual(
      where(re04Catalogues(b)).sort(),
      [
        `RE-04 Bundle.entry[${med}].resource.medicationCodeableConcept.coding[0].code`,
        `RE-04 Bundle.entry[${obs}].resource.valueQuantity.code`,
        `RE-04 Bundle.entry[${org}].resource.identifier[0].value`,
      ].sort(),
    );
    const lab: FhirResource = { resourceType: 'Observation', code: { coding: [{ system: 'http://loinc.org', code: '0000-0' }] } };
    assert.deepEqual(where(re04Entry({ resource: lab, location: 'O' }, undefined)), ['RE-04 O.code.coding[0].code']);
  });
});

describe('RE-06 document structure', () => {
  it('passes the ExpedienteBundle, whole and entry by entry', () => {
    const b = fresh();
    assert.deepEqual(re06Structure(b), []);
    const judge = new DocumentStructure();
    judge.head(b);
    for (const [i, e] of entries(b).entries()) judge.add(e, i);
    assert.deepEqual(judge.finish(), []);
  });

  it('fails a Composition not first, without a LOINC type and a reference to nothing; warns of an entry nothing references', () => {
    const b = fresh();
    const comp = res(b, 0) as FhirResource;
    (comp.type as { coding: { system: string }[] }).coding[0]!.system = 'http://example.org/types';
    const entries = b.entry as unknown[];
    entries.push({ fullUrl: 'urn:uuid:0f0f0f0f-0000-4000-8000-000000000001', resource: { resourceType: 'Organization', id: 'huerfana', name: 'Nadie la referencia' } });
    const orphan = entries.length - 1;
    const cond = indexOf(b, 'Condition');
    (res(b, cond).subject as { reference: string }).reference = 'urn:uuid:00000000-0000-4000-8000-000000000000';
    assert.deepEqual(where(re06Structure(b)), ['RE-06 Bundle.entry[0].resource.type', `RE-06 Bundle.entry[${orphan}]`, `RE-06 Bundle.entry[${cond}].resource.subject.reference`]);
    assert.equal(re06Structure(b).find((f) => f.location === `Bundle.entry[${orphan}]`)?.severity, 'warning');
    const swapped = fresh();
    (swapped.entry as unknown[]).reverse();
    const found = where(re06Structure(swapped));
    assert.ok(found.includes('RE-06 Bundle.entry[0].resource'), found.join());
    assert.deepEqual(where(re06Structure({ ...fresh(), type: 'collection' })), ['RE-06 Bundle.type']);
    // Another LOINC document type is another reading of a spec that names none.
    const summary = fresh();
    ((res(summary, 0) as FhirResource).type as { coding: { code: string }[] }).coding[0]!.code = '60591-5';
    assert.deepEqual(where(re06Structure(summary)), []);
  });

  it('accepts the Patient anywhere after the Composition and an entry only another entry references; not a document without a Patient', () => {
    const b = fresh();
    const entries = b.entry as unknown[];
    const patient = indexOf(b, 'Patient');
    const [moved] = entries.splice(patient, 1);
    entries.push(moved);
    const sections = (res(b, 0) as FhirResource).section as { entry: unknown[] }[];
    sections[0]!.entry.shift();
    assert.deepEqual(where(re06Structure(b)), []);
    const without = fresh();
    (without.entry as unknown[]).splice(indexOf(without, 'Patient'), 1);
    assert.ok(where(re06Structure(without)).includes('RE-06 Bundle.entry'), where(re06Structure(without)).join());
  });
});

describe('RE-07 CDA summary', () => {
  it('passes the generated summary', async () => {
    assert.deepEqual(await re07Cda(fresh()), []);
  });

  it('fails a missing summary, a summary that is not XML, and a CDA whose CURP is another', async () => {
    const b = fresh();
    const without = { ...b, entry: entries(b).slice(0, -1) };
    assert.deepEqual(where(await re07Cda(without)), ['RE-07 Bundle']);
    const last = entries(b).length - 1;
    const pdf = fresh();
    (res(pdf, last).content as { attachment: { contentType: string } }[])[0]!.attachment.contentType = 'application/pdf';
    assert.deepEqual(where(await re07Cda(pdf)), [`RE-07 Bundle.entry[${last}].resource.content[0].attachment.contentType`]);
    const other = fresh();
    (res(other, 1).identifier as { value: string }[])[0]!.value = 'GOMC800101HDFRRR09';
    assert.deepEqual(where(await re07Cda(other)), ['RE-07 /hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[1]/@extension']);
  });
});
