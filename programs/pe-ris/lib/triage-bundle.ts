/**
 * The triage transaction Bundle Qhali sends (shared/specs/pe-ris.md "Triage Bundle"): PacientePe, TriageEncounter,
 * the acuity Observation (LOINC 56839-4, NTS 042 / Manchester / ESI), a symptom Observation, a provisional CIE-10
 * Condition, the follow-up Task (or ServiceRequest) at an IPRESS, the Provenance marking LLM-generated content with
 * a Device agent, the Consent, the Device and the IPRESS Organization. Built from a synthetic person and a seeded
 * random stream, so the same seed gives the same Bundle byte for byte.
 */
import type { Bundle, BundleEntry, Condition, Consent, Device, Encounter, Observation, Organization, Patient, Provenance, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { SyntheticPersonPe } from '../../../src/identifiers/pe/person.ts';
import { loadUbigeoCatalogue } from '../../../src/identifiers/pe/ubigeo.ts';
import type { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { ACUITY_LOINC, ACUITY_SCALES, PRIORITY_TO_ACT, PROFILE, type PrioridadNts, SYMPTOM_LOINC, SYSTEM } from './constants.ts';

export interface TriageOptions {
  person: SyntheticPersonPe;
  prioridad: PrioridadNts;
  /** RENIPRESS code of the IPRESS where the follow-up is booked. */
  renipress: string;
  ipressName?: string;
  /** When the triage happened (Peru is UTC−05:00 all year). */
  at: Date;
  /** Provisional CIE-10 diagnosis; default J06.9. */
  cie10?: { code: string; display: string };
  symptom?: { code: string; display: string; text: string };
  followUp?: 'task' | 'servicerequest';
  /** A Consent entry (RP-07); default true. */
  consent?: boolean;
}

export interface TriageBundle {
  bundle: Bundle;
  /** fullUrls of the entries, by role. */
  fullUrls: {
    patient: string;
    encounter: string;
    acuity: string;
    symptom: string;
    condition: string;
    followUp: string;
    provenance: string;
    consent?: string;
    device: string;
    organization: string;
  };
  /** Qhali's identifier of the follow-up (Task.identifier / ServiceRequest.identifier): what notifications are correlated by. */
  followUpId: string;
}

/** A v4-shaped UUID from the seeded stream, so fullUrls are stable across runs. */
export function seededUuid(rng: SeededRandom): string {
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'.charAt(rng.int(0, 15))).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'.charAt(rng.int(0, 3))}${hex(3)}-${hex(12)}`;
}

/** An instant in Peru's offset (UTC−05:00, no daylight saving): `2025-03-14T09:30:00-05:00`. */
export function peruInstant(at: Date): string {
  const local = new Date(at.getTime() - 5 * 3_600_000);
  return `${local.toISOString().slice(0, 19)}-05:00`;
}

export const fullName = (p: SyntheticPersonPe): string => `${p.nombres.join(' ')} ${p.apellidoPaterno}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref = <T extends Resource = any>(fullUrl: string, display?: string): Reference<T> => (display === undefined ? { reference: fullUrl } : { reference: fullUrl, display });

export function buildTriageBundle(rng: SeededRandom, opts: TriageOptions): TriageBundle {
  const p = opts.person;
  const when = peruInstant(opts.at);
  const u = (): string => `urn:uuid:${seededUuid(rng)}`;
  const urls = {
    patient: u(),
    encounter: u(),
    acuity: u(),
    symptom: u(),
    condition: u(),
    followUp: u(),
    provenance: u(),
    consent: u(),
    device: u(),
    organization: u(),
  };
  const followUpId = seededUuid(rng);
  const ubigeo = loadUbigeoCatalogue();
  const name = fullName(p);
  const ipressName = opts.ipressName ?? `IPRESS ${opts.renipress} (sintética)`;
  const scale = ACUITY_SCALES[SYSTEM.nts042]!;
  const act = PRIORITY_TO_ACT[opts.prioridad];
  const cie10 = opts.cie10 ?? { code: 'J06.9', display: 'Infección aguda de las vías respiratorias superiores, no especificada' };
  const symptom = opts.symptom ?? { code: '25064002', display: 'Headache', text: 'Dolor de cabeza' };

  const patient: Patient = {
    resourceType: 'Patient',
    meta: { profile: [PROFILE.PacientePe] },
    identifier: [
      {
        use: 'official',
        type: { extension: [{ url: SYSTEM.pePais, valueCode: 'PER' }], coding: [{ system: SYSTEM.idPersona, code: '1', display: 'DNI' }] },
        value: p.dni,
      },
    ],
    name: [{ use: 'official', family: `${p.apellidoPaterno} ${p.apellidoMaterno}`, given: [...p.nombres] }],
    gender: p.sexo,
    birthDate: p.fechaNacimiento,
    address: [
      {
        extension: [{ url: SYSTEM.peUbigeo, valueString: p.ubigeo }],
        use: 'home',
        line: [`Jr. Sintético ${100 + Number(p.dni.slice(5, 8))}`],
        district: ubigeo.districts.get(p.ubigeo) ?? '',
        city: ubigeo.provinces.get(p.ubigeo.slice(0, 4)) ?? '',
        state: 'Cajamarca',
        country: 'PE',
      },
    ],
  };
  const encounter: Encounter = {
    resourceType: 'Encounter',
    meta: { profile: [PROFILE.TriageEncounter] },
    status: 'triaged',
    class: { system: SYSTEM.actCode, code: 'VR', display: 'virtual' },
    priority: { coding: [{ system: SYSTEM.actPriority, code: act.code, display: act.display }] },
    subject: ref(urls.patient, name),
    period: { start: when },
    serviceProvider: ref(urls.organization, ipressName),
  };
  const survey = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }];
  const acuity: Observation = {
    resourceType: 'Observation',
    meta: { profile: [PROFILE.TriageAcuity] },
    status: 'final',
    category: survey,
    code: { coding: [{ system: SYSTEM.loinc, code: ACUITY_LOINC, display: 'Priority' }], text: 'Prioridad de triaje' },
    subject: ref(urls.patient, name),
    encounter: ref(urls.encounter),
    effectiveDateTime: when,
    valueCodeableConcept: { coding: [{ system: SYSTEM.nts042, code: opts.prioridad, display: scale.codes[opts.prioridad] ?? '' }] },
  };
  const symptomObs: Observation = {
    resourceType: 'Observation',
    status: 'final',
    category: survey,
    code: { coding: [{ system: SYSTEM.loinc, code: SYMPTOM_LOINC, display: 'Symptom' }], text: 'Síntoma referido' },
    subject: ref(urls.patient, name),
    encounter: ref(urls.encounter),
    effectiveDateTime: when,
    valueCodeableConcept: { coding: [{ system: SYSTEM.snomed, code: symptom.code, display: symptom.display }], text: symptom.text },
  };
  const condition: Condition = {
    resourceType: 'Condition',
    meta: { profile: [PROFILE.ConditionPe] },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: SYSTEM.conditionVerStatus, code: 'provisional' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
    code: { coding: [{ system: SYSTEM.icd10, code: cie10.code, display: cie10.display }] },
    subject: ref(urls.patient, name),
    encounter: ref(urls.encounter),
    recordedDate: when,
  };
  const owner: Reference<Organization> = { type: 'Organization', identifier: { system: SYSTEM.renipress, value: opts.renipress }, display: ipressName };
  const followUp: Task | ServiceRequest =
    opts.followUp === 'servicerequest'
      ? {
          resourceType: 'ServiceRequest',
          identifier: [{ system: SYSTEM.qhaliTask, value: followUpId }],
          status: 'active',
          intent: 'order',
          code: { text: 'Seguimiento presencial en IPRESS' },
          subject: ref(urls.patient, name),
          encounter: ref(urls.encounter),
          authoredOn: when,
          performer: [owner],
        }
      : {
          resourceType: 'Task',
          meta: { profile: [PROFILE.TriageTask] },
          identifier: [{ system: SYSTEM.qhaliTask, value: followUpId }],
          status: 'requested',
          intent: 'order',
          code: { text: 'Seguimiento presencial en IPRESS' },
          description: 'Atención presencial tras el triaje virtual',
          for: ref(urls.patient, name),
          encounter: ref(urls.encounter),
          authoredOn: when,
          owner,
        };
  const provenance: Provenance = {
    resourceType: 'Provenance',
    meta: { profile: [PROFILE.AiProvenance] },
    target: [ref(urls.acuity), ref(urls.symptom), ref(urls.condition)],
    recorded: when,
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE' }] },
    agent: [
      {
        type: { coding: [{ system: SYSTEM.provenanceParticipant, code: 'assembler' }] },
        who: { reference: urls.device, type: 'Device', display: 'Qhali (LLM)' },
      },
    ],
  };
  const consent: Consent = {
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }] },
    category: [{ coding: [{ system: SYSTEM.loinc, code: '59284-0', display: 'Patient Consent' }] }],
    patient: ref(urls.patient, name),
    dateTime: when,
    policy: [{ uri: 'http://sello.example/fhir/pe-ris/policy/consentimiento-triaje' }],
    provision: { type: 'permit' },
  };
  const device: Device = {
    resourceType: 'Device',
    status: 'active',
    deviceName: [{ name: 'Qhali triage assistant (synthetic)', type: 'model-name' }],
    version: [{ value: '1.0' }],
  };
  const orgUbigeo = p.ubigeo;
  const organization: Organization = {
    resourceType: 'Organization',
    meta: { profile: [PROFILE.OrganizacionPe] },
    identifier: [{ use: 'official', system: SYSTEM.renipress, value: opts.renipress }],
    active: true,
    name: ipressName,
    address: [
      {
        extension: [{ url: SYSTEM.peUbigeo, valueString: orgUbigeo }],
        district: ubigeo.districts.get(orgUbigeo) ?? '',
        city: ubigeo.provinces.get(orgUbigeo.slice(0, 4)) ?? '',
        state: 'Cajamarca',
        country: 'PE',
      },
    ],
  };

  const entry = (fullUrl: string, resource: Resource, ifNoneExist?: string): BundleEntry => ({
    fullUrl,
    resource,
    request: { method: 'POST', url: resource.resourceType, ...(ifNoneExist ? { ifNoneExist } : {}) },
  });
  const entries: BundleEntry[] = [
    entry(urls.patient, patient, `identifier=${p.dni}`),
    entry(urls.encounter, encounter),
    entry(urls.acuity, acuity),
    entry(urls.symptom, symptomObs),
    entry(urls.condition, condition),
    entry(urls.followUp, followUp),
    entry(urls.provenance, provenance),
    ...(opts.consent === false ? [] : [entry(urls.consent, consent)]),
    entry(urls.device, device),
    entry(urls.organization, organization, `identifier=${SYSTEM.renipress}|${opts.renipress}`),
  ];
  const bundle: Bundle = {
    resourceType: 'Bundle',
    meta: { profile: [PROFILE.TriageBundle] },
    type: 'transaction',
    timestamp: when,
    entry: entries,
  };
  const { consent: consentUrl, ...rest } = urls;
  return { bundle, fullUrls: { ...rest, ...(opts.consent === false ? {} : { consent: consentUrl }) }, followUpId };
}

// ——— reading a triage Bundle (what the receivers and rules need) ———

export interface BundleEntryView {
  index: number;
  fullUrl?: string;
  resource: Record<string, unknown>;
  /** FHIRPath of the entry's resource: `Bundle.entry[3].resource`. */
  path: string;
}

/** The entries of a Bundle that hold a resource, with their FHIRPath; tolerant of any shape. */
export function bundleEntries(bundle: unknown): BundleEntryView[] {
  if (!isObject(bundle) || !Array.isArray(bundle.entry)) return [];
  const out: BundleEntryView[] = [];
  bundle.entry.forEach((e: unknown, index: number) => {
    if (!isObject(e) || !isObject(e.resource)) return;
    out.push({ index, ...(typeof e.fullUrl === 'string' ? { fullUrl: e.fullUrl } : {}), resource: e.resource, path: `Bundle.entry[${index}].resource` });
  });
  return out;
}

export const entriesOfType = (bundle: unknown, type: string): BundleEntryView[] => bundleEntries(bundle).filter((e) => e.resource.resourceType === type);

/** The acuity Observations (LOINC 56839-4) of a Bundle. */
export function acuityEntries(bundle: unknown): BundleEntryView[] {
  return entriesOfType(bundle, 'Observation').filter((e) => codings(e.resource.code).some((c) => c.system === SYSTEM.loinc && c.code === ACUITY_LOINC));
}

export function codings(concept: unknown): { system?: string; code?: string; display?: string }[] {
  if (!isObject(concept) || !Array.isArray(concept.coding)) return [];
  return concept.coding.filter(isObject).map((c) => ({
    ...(typeof c.system === 'string' ? { system: c.system } : {}),
    ...(typeof c.code === 'string' ? { code: c.code } : {}),
    ...(typeof c.display === 'string' ? { display: c.display } : {}),
  }));
}

/** The patient's DNI identifier (type code 1 of IdspersonaPeru) and its index. */
export function dniIdentifier(patient: Record<string, unknown>): { index: number; value: unknown } | undefined {
  const ids = Array.isArray(patient.identifier) ? patient.identifier : [];
  for (const [index, id] of ids.entries()) {
    if (!isObject(id)) continue;
    if (codings(id.type).some((c) => c.system === SYSTEM.idPersona && c.code === '1')) return { index, value: id.value };
  }
  return undefined;
}

/** The follow-up identifier Qhali gave its Task / ServiceRequest. */
export function followUpIdOf(bundle: unknown): string | undefined {
  for (const e of [...entriesOfType(bundle, 'Task'), ...entriesOfType(bundle, 'ServiceRequest')]) {
    const ids = Array.isArray(e.resource.identifier) ? e.resource.identifier : [];
    for (const id of ids) if (isObject(id) && id.system === SYSTEM.qhaliTask && typeof id.value === 'string') return id.value;
  }
  return undefined;
}
