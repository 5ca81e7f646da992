/**
 * Builders of the record's FHIR resources in the contract's profiles (CONTRACT.md). Plain object literals with a fixed
 * key order: the generator makes tens of thousands of them per second and the document text must come out the same
 * whichever way it is serialised.
 */
import { PROFILE, SYSTEM } from './contract.ts';
import { type FhirResource, reference } from './record.ts';
import { NOTE_TYPE } from './retention.ts';

export const TERMINOLOGY = {
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  cedula: 'urn:sello:mx-ece:cedula-profesional',
  fathersFamily: 'http://hl7.org/fhir/StructureDefinition/humanname-fathers-family',
  mothersFamily: 'http://hl7.org/fhir/StructureDefinition/humanname-mothers-family',
} as const;

export interface Context {
  patient: FhirResource;
  practitioner: FhirResource;
  organization: FhirResource;
}

export function encounter(id: string, ctx: Context, start: string, end: string): FhirResource {
  return {
    resourceType: 'Encounter',
    id,
    meta: { profile: [PROFILE.encounter] },
    status: 'finished',
    class: { system: TERMINOLOGY.actCode, code: 'AMB', display: 'ambulatory' },
    subject: reference(ctx.patient),
    participant: [{ individual: reference(ctx.practitioner) }],
    period: { start, end },
    serviceProvider: reference(ctx.organization),
  };
}

export function condition(id: string, ctx: Context, enc: FhirResource, code: string, display: string, chronic: boolean, recorded: string): FhirResource {
  return {
    resourceType: 'Condition',
    id,
    meta: { profile: [PROFILE.condition] },
    clinicalStatus: { coding: [{ system: TERMINOLOGY.conditionClinical, code: chronic ? 'active' : 'resolved' }] },
    verificationStatus: { coding: [{ system: TERMINOLOGY.conditionVerification, code: 'confirmed' }] },
    category: [{ coding: [{ system: TERMINOLOGY.conditionCategory, code: 'encounter-diagnosis' }] }],
    code: { coding: [{ system: SYSTEM.cie10, code, display }] },
    subject: reference(ctx.patient),
    encounter: reference(enc),
    recordedDate: recorded,
    recorder: reference(ctx.practitioner),
  };
}

export function medicationRequest(id: string, ctx: Context, enc: FhirResource, cond: FhirResource, clave: string, display: string, authored: string, active: boolean): FhirResource {
  return {
    resourceType: 'MedicationRequest',
    id,
    meta: { profile: [PROFILE.medicationRequest] },
    status: active ? 'active' : 'completed',
    intent: 'order',
    medicationCodeableConcept: { coding: [{ system: SYSTEM.cnis, code: clave, display }], text: display },
    subject: reference(ctx.patient),
    encounter: reference(enc),
    authoredOn: authored,
    requester: reference(ctx.practitioner),
    reasonReference: [reference(cond)],
    dosageInstruction: [{ text: 'Según indicación médica' }],
  };
}

export function observation(id: string, ctx: Context, enc: FhirResource, loinc: string, display: string, value: number, unit: string, effective: string): FhirResource {
  return {
    resourceType: 'Observation',
    id,
    meta: { profile: [PROFILE.observation] },
    status: 'final',
    category: [{ coding: [{ system: TERMINOLOGY.observationCategory, code: 'laboratory' }] }],
    code: { coding: [{ system: SYSTEM.loinc, code: loinc, display }] },
    subject: reference(ctx.patient),
    encounter: reference(enc),
    effectiveDateTime: effective,
    valueQuantity: { value, unit, system: SYSTEM.ucum, code: unit },
  };
}

export function note(id: string, ctx: Context, enc: FhirResource, date: string, base64: string): FhirResource {
  return {
    resourceType: 'DocumentReference',
    id,
    meta: { profile: [PROFILE.note] },
    status: 'current',
    type: { coding: [{ system: SYSTEM.loinc, code: NOTE_TYPE, display: 'Progress note' }] },
    subject: reference(ctx.patient),
    date,
    author: [reference(ctx.practitioner)],
    content: [{ attachment: { contentType: 'text/plain', language: 'es-MX', data: base64 } }],
    context: { encounter: [reference(enc)] },
  };
}
