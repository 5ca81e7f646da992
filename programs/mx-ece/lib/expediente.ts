/**
 * One patient's record on the wire (CONTRACT.md, "One patient"): the ExpedienteBundle document (Composition first,
 * PacienteMx second, then every entry of the last 7 years, each referenced from a Composition section, and the
 * GIIS-A001 summary), the same text in pieces for a 50,000-note record, and the transaction Bundle a source is loaded
 * with.
 */
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import { cdaSummary } from './cda-summary.ts';
import { PROFILE, PROFILE_BASE, SYSTEM } from './contract.ts';
import { type FhirResource, instant, type PatientRecord, reference } from './record.ts';
import { SUMMARY_TYPE, withinRetention } from './retention.ts';

export { CLINICAL_TYPES, clinicalDate, dateWithin, isSummary, withinRetention, yearsBefore } from './retention.ts';

export const COMPOSITION_PROFILE = `${PROFILE_BASE}ComposicionMx`;
export const SECTION_SYSTEM = 'http://sello.example/fhir/mx-ece/CodeSystem/secciones';

/** Composition sections in order, with the resource type each holds (notes and the summary are both DocumentReference). */
export const SECTIONS = [
  { code: 'encuentros', title: 'Encuentros', type: 'Encounter' },
  { code: 'diagnosticos', title: 'Diagnósticos', type: 'Condition' },
  { code: 'medicamentos', title: 'Medicamentos', type: 'MedicationRequest' },
  { code: 'laboratorio', title: 'Laboratorio', type: 'Observation' },
  { code: 'notas', title: 'Notas médicas', type: 'DocumentReference' },
  { code: 'resumen', title: 'Resumen clínico (GIIS-A001)', type: 'DocumentReference' },
] as const;
export type SectionCode = (typeof SECTIONS)[number]['code'];

export interface DocumentOptions {
  now: Date;
  bundleId: string;
}

/** The ResumenCdaMx DocumentReference carrying the record's CDA summary. */
export function summaryReference(record: PatientRecord, opts: DocumentOptions): FhirResource {
  const xml = cdaSummary(record, { now: opts.now });
  return {
    resourceType: 'DocumentReference',
    id: new SeededRandom(`${opts.bundleId}|resumen`).uuid(),
    meta: { profile: [PROFILE.cdaSummary] },
    status: 'current',
    type: { coding: [{ system: SYSTEM.loinc, code: SUMMARY_TYPE, display: 'Summary of episode note' }] },
    subject: reference(record.patient),
    date: instant(opts.now),
    author: [reference(record.organization)],
    custodian: reference(record.organization),
    content: [
      {
        attachment: { contentType: 'application/hl7-cda+xml', language: 'es-MX', data: Buffer.from(xml, 'utf8').toString('base64') },
        format: { system: 'urn:oid:1.3.6.1.4.1.19376.1.2.3', code: 'urn:hl7-org:sdwg:ccda-structuredBody:2.1' },
      },
    ],
  };
}

function sectionOf(resource: FhirResource): SectionCode | undefined {
  if (resource.meta?.profile?.includes(PROFILE.cdaSummary)) return 'resumen';
  if (resource.resourceType === 'DocumentReference') return 'notas';
  return SECTIONS.find((s) => s.type === resource.resourceType)?.code;
}

interface Parts {
  head: FhirResource;
  resources: FhirResource[];
}

/** Everything but the entry list's text: the Bundle's own fields and the resources in entry order. */
function parts(record: PatientRecord, opts: DocumentOptions): Parts {
  const kept = record.clinical.filter((r) => withinRetention(r, opts.now));
  const summary = summaryReference(record, opts);
  const bySection = new Map<SectionCode, { reference: string }[]>();
  for (const r of [...kept, summary]) {
    const code = sectionOf(r);
    if (!code) continue;
    const list = bySection.get(code) ?? [];
    list.push(reference(r));
    bySection.set(code, list);
  }
  const composition: FhirResource = {
    resourceType: 'Composition',
    id: new SeededRandom(`${opts.bundleId}|composition`).uuid(),
    meta: { profile: [COMPOSITION_PROFILE] },
    status: 'final',
    type: { coding: [{ system: SYSTEM.loinc, code: '11503-0', display: 'Medical records' }] },
    subject: reference(record.patient),
    date: instant(opts.now),
    author: [reference(record.organization), reference(record.practitioner)],
    title: 'Expediente clínico electrónico',
    custodian: reference(record.organization),
    section: SECTIONS.filter((s) => bySection.has(s.code)).map((s) => ({
      title: s.title,
      code: { coding: [{ system: SECTION_SYSTEM, code: s.code }] },
      entry: bySection.get(s.code),
    })),
  };
  const head: FhirResource = {
    resourceType: 'Bundle',
    id: opts.bundleId,
    meta: { profile: [PROFILE.bundle] },
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${new SeededRandom(`${opts.bundleId}|identifier`).uuid()}` },
    type: 'document',
    timestamp: instant(opts.now),
  };
  return { head, resources: [composition, record.patient, record.organization, record.practitioner, ...kept, summary] };
}

const entryOf = (r: FhirResource): { fullUrl: string; resource: FhirResource } => ({ fullUrl: `urn:uuid:${r.id}`, resource: r });

/** The ExpedienteBundle as one object (its JSON text is exactly `documentBundleChunks` joined). */
export function documentBundle(record: PatientRecord, opts: DocumentOptions): FhirResource {
  const { head, resources } = parts(record, opts);
  return { ...head, entry: resources.map(entryOf) };
}

/** The ExpedienteBundle's JSON text one entry at a time: a server streams a 50,000-note record without the whole string. */
export function* documentBundleChunks(record: PatientRecord, opts: DocumentOptions): Generator<string> {
  const { head, resources } = parts(record, opts);
  yield `${JSON.stringify(head).slice(0, -1)},"entry":[`;
  for (const [i, r] of resources.entries()) yield (i === 0 ? '' : ',') + JSON.stringify(entryOf(r));
  yield ']}';
}

/** The whole history (older entries too) as the transaction Bundle a source's control API is loaded with. */
export function transactionBundle(record: PatientRecord): FhirResource {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [record.patient, record.organization, record.practitioner, ...record.clinical].map((r) => ({ ...entryOf(r), request: { method: 'POST', url: r.resourceType } })),
  };
}

/** The record a transaction Bundle carries; throws RangeError when it has no Patient with a CURP, Organization or Practitioner. */
export function recordFromTransaction(bundle: unknown): PatientRecord {
  const entries = (bundle as { entry?: unknown } | null)?.entry;
  if (!Array.isArray(entries)) throw new RangeError('recordFromTransaction: the Bundle has no entry list');
  const resources = entries.map((e) => (e as { resource?: FhirResource } | null)?.resource).filter((r): r is FhirResource => typeof r?.resourceType === 'string');
  const first = (type: string): FhirResource | undefined => resources.find((r) => r.resourceType === type);
  const patient = first('Patient');
  const organization = first('Organization');
  const practitioner = first('Practitioner');
  const curp = (patient?.identifier as { system?: string; value?: string }[] | undefined)?.find((i) => i.system === SYSTEM.curp)?.value;
  if (!patient || !organization || !practitioner || !curp) throw new RangeError('recordFromTransaction: a Patient with a CURP, an Organization and a Practitioner are required');
  const clinical = resources.filter((r) => r !== patient && r !== organization && r !== practitioner);
  return { curp, patient, organization, practitioner, clinical };
}
