/** Canonical URLs, code systems and fixed values of the pe-ris contract (shared/specs/pe-ris.md, Sello reference contract v1). */

/** Base of MINSA's draft guide "Interoperabilidad de Historia Clínica – PERÚ" (profiles re-authored by Sello). */
export const MINSA = 'https://www.gob.pe/minsa/RENHICE/fhir';
/** Base of Sello's own pe-ris profiles and systems. */
export const SELLO_PE = 'http://sello.example/fhir/pe-ris';

export const PROFILE = {
  PacientePe: `${MINSA}/StructureDefinition/PacientePe`,
  OrganizacionPe: `${MINSA}/StructureDefinition/OrganizacionPe`,
  ConditionPe: `${MINSA}/StructureDefinition/ConditionPe`,
  BundlePe: `${MINSA}/StructureDefinition/BundlePe`,
  TriageBundle: `${SELLO_PE}/StructureDefinition/TriageBundle`,
  TriageEncounter: `${SELLO_PE}/StructureDefinition/TriageEncounter`,
  TriageAcuity: `${SELLO_PE}/StructureDefinition/TriageAcuity`,
  TriageTask: `${SELLO_PE}/StructureDefinition/TriageTask`,
  AiProvenance: `${SELLO_PE}/StructureDefinition/AiProvenance`,
} as const;

export const SYSTEM = {
  idPersona: `${MINSA}/CodeSystem/IdspersonaPeru`,
  pePais: `${MINSA}/StructureDefinition/pe-pais`,
  peUbigeo: `${MINSA}/StructureDefinition/pe-ubigeo`,
  renipress: `${SELLO_PE}/sid/renipress`,
  /** Qhali's own identifier of a triage follow-up Task: how notifications are correlated with the triage. */
  qhaliTask: `${SELLO_PE}/sid/qhali-seguimiento`,
  nts042: `${SELLO_PE}/CodeSystem/prioridad-nts-042`,
  manchester: `${SELLO_PE}/CodeSystem/manchester-triage`,
  esi: `${SELLO_PE}/CodeSystem/esi`,
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  actPriority: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority',
  conditionVerStatus: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  provenanceParticipant: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
} as const;

/** LOINC 56839-4 "Priority" – the acuity Observation (RP-05). */
export const ACUITY_LOINC = '56839-4';
export const SYMPTOM_LOINC = '75325-1';

/** The acuity scales the contract admits, with their codes: Peru's NTS 042-MINSA priorities, Manchester, ESI. */
export const ACUITY_SCALES: Readonly<Record<string, { name: string; codes: Readonly<Record<string, string>> }>> = Object.freeze({
  [SYSTEM.nts042]: {
    name: 'NTS 042-MINSA',
    codes: { I: 'Prioridad I: emergencia', II: 'Prioridad II: urgencia mayor', III: 'Prioridad III: urgencia menor', IV: 'Prioridad IV: consulta' },
  },
  [SYSTEM.manchester]: { name: 'Manchester', codes: { red: 'Rojo', orange: 'Naranja', yellow: 'Amarillo', green: 'Verde', blue: 'Azul' } },
  [SYSTEM.esi]: { name: 'ESI', codes: { '1': 'ESI 1', '2': 'ESI 2', '3': 'ESI 3', '4': 'ESI 4', '5': 'ESI 5' } },
});

export type PrioridadNts = 'I' | 'II' | 'III' | 'IV';

/** NTS 042 priority → v3 ActPriority of the Encounter and HL7 v2 TQ1/OBX wording. */
export const PRIORITY_TO_ACT: Readonly<Record<PrioridadNts, { code: string; display: string }>> = Object.freeze({
  I: { code: 'EM', display: 'emergency' },
  II: { code: 'UR', display: 'urgent' },
  III: { code: 'A', display: 'ASAP' },
  IV: { code: 'R', display: 'routine' },
});

/** The three roles of the program; each can be the system under test. */
export const RIS_ROLES = ['sihce', 'qhali', 'engine'] as const;
export type RisRole = (typeof RIS_ROLES)[number];

/** Party names in the exchange journal. */
export const PARTY: Readonly<Record<RisRole, string>> = Object.freeze({ sihce: 'SIHCE', qhali: 'Qhali', engine: 'engine' });

/** HL7 v2 application/facility names of the roles (MSH-3/4, MSH-5/6). */
export const V2_APPLICATION = { engine: 'SELLO-ENGINE', sihce: 'SIHCE', facility: 'DIRESA-CAJ' } as const;

/** The Subscription topic of follow-up status changes (R5 Backport style, Sello's canonical). */
export const TOPIC_SEGUIMIENTO = `${SELLO_PE}/SubscriptionTopic/estado-seguimiento`;
export const BACKPORT_STATUS_PROFILE = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4';
export const BACKPORT_PAYLOAD_EXT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content';
