/**
 * Test data of the pe-ris suite: triage Bundles with one planted defect each (the negative case of every rule, with
 * the rule and FHIRPath a receiver must name), and one valid sample of each resource type SIHCE serves, for CRUD.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { dniCheckCharacters, parseDni } from '../../../src/identifiers/pe/dni.ts';
import type { SyntheticPersonPe } from '../../../src/identifiers/pe/person.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { PROFILE, SYSTEM } from './constants.ts';
import { peruInstant } from './triage-bundle.ts';

export type TriageDefect =
  | 'sin-consentimiento'
  | 'dni-verificador-alterado'
  | 'ubigeo-inexistente'
  | 'cie10-inexistente'
  | 'cie10-de-otro-sexo'
  | 'cie10-de-otra-edad'
  | 'prioridad-sin-codificar'
  | 'sin-procedencia-ia'
  | 'referencia-no-resuelta'
  | 'sin-fecha-nacimiento';

/** The rule a receiver must refuse each defect under, and the FHIRPath (prefix) it must point at. */
export const DEFECT_EXPECTATION: Readonly<Record<TriageDefect, { ruleId: string; at: string }>> = Object.freeze({
  'sin-fecha-nacimiento': { ruleId: 'RP-01', at: 'Bundle.entry[0].resource' },
  'dni-verificador-alterado': { ruleId: 'RP-02', at: 'Bundle.entry[0].resource.identifier[0].value' },
  'ubigeo-inexistente': { ruleId: 'RP-03', at: 'Bundle.entry[0].resource.address[0].extension[0].value' },
  'cie10-inexistente': { ruleId: 'RP-04', at: 'Bundle.entry[4].resource.code.coding[0].code' },
  'cie10-de-otro-sexo': { ruleId: 'RP-04', at: 'Bundle.entry[4].resource.code.coding[0].code' },
  'cie10-de-otra-edad': { ruleId: 'RP-04', at: 'Bundle.entry[4].resource.code.coding[0].code' },
  'prioridad-sin-codificar': { ruleId: 'RP-05', at: 'Bundle.entry[2].resource.value' },
  'sin-procedencia-ia': { ruleId: 'RP-06', at: 'Bundle.entry[2].resource' },
  'sin-consentimiento': { ruleId: 'RP-07', at: 'Bundle.entry' },
  'referencia-no-resuelta': { ruleId: 'RP-08', at: 'Bundle.entry[1].resource.subject.reference' },
});

const entryOf = (bundle: Bundle, type: string): Record<string, unknown> | undefined => bundle.entry?.find((e) => e.resource?.resourceType === type)?.resource as Record<string, unknown> | undefined;

/** A copy of a valid triage Bundle (as buildTriageBundle lays it out) with one defect planted. */
export function plantTriageDefect(valid: Bundle, defect: TriageDefect, person: SyntheticPersonPe): Bundle {
  const bundle = structuredClone(valid);
  const patient = entryOf(bundle, 'Patient')!;
  const condition = entryOf(bundle, 'Condition')!;
  const coding = () => (condition.code as { coding: { code: string; display?: string }[] }).coding[0]!;
  switch (defect) {
    case 'sin-consentimiento':
      bundle.entry = bundle.entry?.filter((e) => e.resource?.resourceType !== 'Consent');
      break;
    case 'dni-verificador-alterado': {
      const parsed = parseDni(person.dni)!;
      const { digit, letter } = dniCheckCharacters(parsed.number);
      const wrong = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].find((c) => c !== digit && c !== letter)!;
      (patient.identifier as { value: string }[])[0]!.value = `${parsed.number}-${wrong}`;
      break;
    }
    case 'ubigeo-inexistente':
      // Cajamarca (06), province Cajamarca (01) has no district 99.
      (patient.address as { extension: { valueString: string }[] }[])[0]!.extension[0]!.valueString = '060199';
      break;
    case 'cie10-inexistente':
      Object.assign(coding(), { code: 'J06.7', display: 'Código inexistente' });
      break;
    case 'cie10-de-otro-sexo':
      Object.assign(coding(), person.sexo === 'female' ? { code: 'N40', display: 'Hiperplasia de la próstata' } : { code: 'N94.6', display: 'Dismenorrea, no especificada' });
      break;
    case 'cie10-de-otra-edad':
      Object.assign(coding(), { code: 'P07.3', display: 'Otros recién nacidos pretérmino' });
      break;
    case 'prioridad-sin-codificar': {
      const acuity = bundle.entry![2]!.resource as unknown as Record<string, unknown>;
      delete acuity.valueCodeableConcept;
      acuity.valueString = 'urgente';
      break;
    }
    case 'sin-procedencia-ia':
      bundle.entry = bundle.entry?.filter((e) => e.resource?.resourceType !== 'Provenance');
      break;
    case 'referencia-no-resuelta':
      ((bundle.entry![1]!.resource as unknown as Record<string, unknown>).subject as { reference: string }).reference = 'urn:uuid:00000000-0000-4000-8000-000000000000';
      break;
    case 'sin-fecha-nacimiento':
      delete patient.birthDate;
      break;
  }
  return bundle;
}

// ——— one valid resource of each type, for CRUD ———

export const CRUD_TYPES = ['Encounter', 'Observation', 'Condition', 'ServiceRequest', 'Appointment', 'Task'] as const;
export type CrudType = (typeof CRUD_TYPES)[number];

/** A PacientePe for SIHCE's FHIR API. */
export function pacientePe(person: SyntheticPersonPe): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    meta: { profile: [PROFILE.PacientePe] },
    identifier: [
      {
        use: 'official',
        type: { extension: [{ url: SYSTEM.pePais, valueCode: 'PER' }], coding: [{ system: SYSTEM.idPersona, code: '1', display: 'DNI' }] },
        value: person.dni,
      },
    ],
    name: [{ use: 'official', family: `${person.apellidoPaterno} ${person.apellidoMaterno}`, given: [...person.nombres] }],
    gender: person.sexo,
    birthDate: person.fechaNacimiento,
    address: [{ extension: [{ url: SYSTEM.peUbigeo, valueString: person.ubigeo }], country: 'PE' }],
  };
}

export function sampleResource(type: CrudType, patientRef: string, at: Date = new Date()): Record<string, unknown> {
  const when = peruInstant(at);
  const subject = { reference: patientRef };
  switch (type) {
    case 'Encounter':
      return { resourceType: 'Encounter', status: 'triaged', class: { system: SYSTEM.actCode, code: 'VR', display: 'virtual' }, subject, period: { start: when } };
    case 'Observation':
      return {
        resourceType: 'Observation',
        status: 'final',
        // R4 vital signs: an Observation with a vital-sign code SHALL conform to its profile (bodytemp: the vital-signs category)
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] }],
        code: { coding: [{ system: SYSTEM.loinc, code: '8310-5', display: 'Body temperature' }] },
        subject,
        effectiveDateTime: when,
        valueQuantity: { value: 38.2, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' },
      };
    case 'Condition':
      return {
        resourceType: 'Condition',
        verificationStatus: { coding: [{ system: SYSTEM.conditionVerStatus, code: 'provisional' }] },
        code: { coding: [{ system: SYSTEM.icd10, code: 'J06.9' }] },
        subject,
        recordedDate: when,
      };
    case 'ServiceRequest':
      return { resourceType: 'ServiceRequest', status: 'active', intent: 'order', code: { text: 'Control en IPRESS' }, subject, authoredOn: when };
    case 'Appointment':
      return { resourceType: 'Appointment', status: 'booked', start: when, end: when, participant: [{ actor: subject, status: 'accepted' }] };
    case 'Task':
      return { resourceType: 'Task', status: 'requested', intent: 'order', for: subject, authoredOn: when };
  }
}

/** The same resource after one change SIHCE must version (its status, or the condition's verification). */
export function changedResource(resource: Record<string, unknown>): Record<string, unknown> {
  const next = structuredClone(resource);
  const status: Record<string, string> = { Encounter: 'finished', Observation: 'amended', ServiceRequest: 'completed', Appointment: 'arrived', Task: 'in-progress' };
  const type = String(next.resourceType);
  if (status[type]) next.status = status[type];
  if (type === 'Condition' && isObject(next.verificationStatus)) next.verificationStatus = { coding: [{ system: SYSTEM.conditionVerStatus, code: 'confirmed' }] };
  return next;
}
