import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { documentBundle, transactionBundle } from '../../programs/mx-ece/lib/expediente.ts';
import { ndjsonByType } from '../../programs/mx-ece/lib/ndjson.ts';
import type { FhirResource } from '../../programs/mx-ece/lib/record.ts';
import { consentFor, generateRecord } from '../../programs/mx-ece/lib/synthetic-record.ts';
import { createFhirValidator } from '../../src/fhir/index.ts';
import { type Finding, isBlocking } from '../../src/findings/finding.ts';
import { SeededRandom } from '../../src/identifiers/mx/index.ts';

const DIR = fileURLToPath(new URL('../../programs/mx-ece/profiles/fhir/', import.meta.url));
const validator = createFhirValidator({ profileDirs: [DIR], mustSupport: false });
const errors = (r: unknown): Finding[] => validator.validate(r).filter(isBlocking);
const now = new Date('2026-06-01T12:00:00Z');
const show = (fs: Finding[]): string => fs.map((f) => `${f.ruleId} ${f.location} ${f.message.en}`).join('\n');

describe('mx-ece FHIR profiles', () => {
  it('load in Sello’s validator with a snapshot and no snapshot issue', () => {
    for (const name of ['PacienteMx', 'CondicionMx', 'EncuentroMx', 'PrescripcionMx', 'LaboratorioMx', 'NotaMedicaMx', 'ResumenCdaMx', 'ComposicionMx', 'ConsentimientoMx', 'ExpedienteBundle']) {
      const url = `http://sello.example/fhir/mx-ece/StructureDefinition/${name}`;
      assert.ok(validator.registry.structureDefinition(url), name);
      assert.deepEqual(validator.registry.snapshotIssues(url), [], name);
    }
  });

  it('accept every generated record: its document, its transaction Bundle and its consents, with no error', () => {
    for (let i = 0; i < 8; i++) {
      const record = generateRecord(new SeededRandom(`prof${i}`), { now, notes: 20 });
      const doc = documentBundle(record, { now, bundleId: `b${i}` });
      assert.equal(show(errors(doc)), '');
      assert.equal(show(errors(transactionBundle(record))), '');
      assert.equal(show(errors(consentFor(record, 'ISSSTE', { now, id: `c${i}` }))), '');
      assert.equal(show(errors(consentFor(record, 'IMSS-BIENESTAR', { now, id: `e${i}`, expired: true }))), '');
    }
  });

  it('accept every NDJSON line of an export, each on its own', () => {
    const records = [0, 1, 2].map((i) => generateRecord(new SeededRandom(`nd${i}`), { now }));
    let lines = 0;
    for (const [type, list] of ndjsonByType(records, { now })) {
      for (const line of list) {
        assert.equal(show(errors(JSON.parse(line))), '', type);
        lines++;
      }
    }
    assert.ok(lines > 60);
  });

  const record = generateRecord(new SeededRandom('broken'), { now });
  const doc = documentBundle(record, { now, bundleId: 'broken' });
  const entries = (doc.entry as { resource: FhirResource }[]).map((e) => e.resource);
  const first = (type: string, pred: (r: FhirResource) => boolean = () => true): FhirResource => structuredClone(entries.find((r) => r.resourceType === type && pred(r)) as FhirResource);
  const isNote = (r: FhirResource): boolean => String(r.meta?.profile).endsWith('NotaMedicaMx');

  const cases: [string, () => unknown, RegExp][] = [
    ['PacienteMx without birthDate', () => ({ ...first('Patient'), birthDate: undefined }), /FHIR-CARDINALITY-MIN Patient Patient\.birthDate.*PacienteMx/],
    [
      'CondicionMx with a dotted CIE-10 code',
      () => {
        const c = first('Condition');
        (c.code as { coding: { code: string }[] }).coding[0]!.code = 'E11.9';
        return c;
      },
      /^mx-cie10-1 Condition\.code/,
    ],
    ['EncuentroMx without a period', () => ({ ...first('Encounter'), period: undefined }), /FHIR-CARDINALITY-MIN Encounter Encounter\.period.*EncuentroMx/],
    [
      'PrescripcionMx with a clave not in CNIS shape',
      () => {
        const m = first('MedicationRequest');
        (m.medicationCodeableConcept as { coding: { code: string }[] }).coding[0]!.code = '5165';
        return m;
      },
      /^mx-cnis-1 MedicationRequest\.medication/,
    ],
    [
      'LaboratorioMx with a unit outside UCUM',
      () => {
        const o = first('Observation');
        (o.valueQuantity as { system: string }).system = 'urn:sello:unidades';
        return o;
      },
      /FHIR-FIXED Observation\.value\.ofType\(Quantity\)\.system/,
    ],
    [
      'NotaMedicaMx without a date',
      () => {
        const n = first('DocumentReference', isNote);
        delete n.date;
        return n;
      },
      /^FHIR-CARDINALITY-MIN DocumentReference/,
    ],
    [
      'ResumenCdaMx as a PDF',
      () => {
        const n = first('DocumentReference', (r) => !isNote(r));
        (n.content as { attachment: { contentType: string } }[])[0]!.attachment.contentType = 'application/pdf';
        return n;
      },
      /^mx-cda-1 DocumentReference\.content\[0\]\.attachment\.contentType/,
    ],
    [
      'ComposicionMx without sections',
      () => {
        const c = first('Composition');
        delete c.section;
        return c;
      },
      /FHIR-CARDINALITY-MIN Composition/,
    ],
    [
      'ConsentimientoMx that denies',
      () => {
        const c = consentFor(record, 'ISSSTE', { now, id: 'x' });
        (c.provision as { type: string }).type = 'deny';
        return c;
      },
      /FHIR-FIXED Consent\.provision\.type/,
    ],
    ['ExpedienteBundle as a collection', () => ({ ...doc, type: 'collection' }), /FHIR-FIXED Bundle\.type/],
  ];
  for (const [name, make, pattern] of cases) {
    it(`fail: ${name}`, () => {
      const found = errors(JSON.parse(JSON.stringify(make())));
      assert.ok(found.length > 0, name);
      assert.match(show(found), pattern);
    });
  }
});
