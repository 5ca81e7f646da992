/**
 * The GIIS-A001 clinical summary (CDA R2) of a record at an instant: header (realm MX, typeId, the GIIS-A001
 * templateId, the CURP under its OID, the IMSS unit by CLUES as author's organization and custodian) and a structured
 * body with the diagnoses (CIE-10), prescriptions (CNIS) and lab results (LOINC, UCUM) of the last 7 years. Notes stay
 * out: the summary of a 50,000-note record is as small as any other.
 */
import { escapeAttribute as a, escapeText as t } from '../../../src/soap/index.ts';
import { OID, SYSTEM } from './contract.ts';
import { type FhirResource, identifierValue, type PatientRecord } from './record.ts';
import { TERMINOLOGY } from './resources.ts';
import { SUMMARY_TYPE, withinRetention } from './retention.ts';

export const CDA_NS = 'urn:hl7-org:v3';
export const CDA_OID = {
  loinc: '2.16.840.1.113883.6.1',
  cie10: '2.16.840.1.113883.6.3',
  gender: '2.16.840.1.113883.5.1',
  confidentiality: '2.16.840.1.113883.5.25',
  /** Sello's own OID (UUID arc 2.25) for the CNIS claves: the CNIS has no published OID. */
  cnis: '2.25.236741870342133508729283512383717209133',
} as const;

/** CDA TS (YYYYMMDDHHMMSS+0000) of a FHIR instant; a date alone stays YYYYMMDD. */
export function cdaTime(value: string): string {
  const digits = value.replace(/[^0-9]/g, '');
  return value.length <= 10 ? digits.slice(0, 8) : `${digits.slice(0, 14)}+0000`;
}

type Coding = { system?: string; code?: string; display?: string };
const coding = (r: FhirResource, field: string): Coding => ((r[field] as { coding?: Coding[] } | undefined)?.coding ?? [])[0] ?? {};

/** A body section: one list item and one CDA entry per resource. */
function entrySection(loinc: string, title: string, resources: FhirResource[], item: (r: FhirResource) => string, entry: (r: FhirResource) => string): string {
  return section(loinc, title, resources.map((r) => `<item>${t(item(r))}</item>`).join(''), resources.map((r) => `<entry>${entry(r)}</entry>`).join(''));
}

const problems = (conditions: FhirResource[]): string =>
  entrySection(
    '11450-4',
    'Diagnósticos',
    conditions,
    (c) => `${coding(c, 'code').code ?? ''} ${coding(c, 'code').display ?? ''}`,
    (c) => {
      const code = coding(c, 'code');
      return `<observation classCode="OBS" moodCode="EVN"><code code="282291009" codeSystem="2.16.840.1.113883.6.96" displayName="Diagnosis"/><statusCode code="completed"/><effectiveTime value="${a(cdaTime(String(c.recordedDate ?? '')))}"/><value xsi:type="CD" code="${a(code.code ?? '')}" codeSystem="${CDA_OID.cie10}" codeSystemName="CIE-10" displayName="${a(code.display ?? '')}"/></observation>`;
    },
  );

const medications = (requests: FhirResource[]): string =>
  entrySection(
    '10160-0',
    'Medicamentos',
    requests,
    (m) => `${coding(m, 'medicationCodeableConcept').code ?? ''} ${coding(m, 'medicationCodeableConcept').display ?? ''}`,
    (m) => {
      const code = coding(m, 'medicationCodeableConcept');
      return `<substanceAdministration classCode="SBADM" moodCode="INT"><effectiveTime value="${a(cdaTime(String(m.authoredOn ?? '')))}"/><consumable><manufacturedProduct><manufacturedMaterial><code code="${a(code.code ?? '')}" codeSystem="${CDA_OID.cnis}" codeSystemName="CNIS" displayName="${a(code.display ?? '')}"/></manufacturedMaterial></manufacturedProduct></consumable></substanceAdministration>`;
    },
  );

const quantity = (o: FhirResource): { value?: number; code?: string } => (o.valueQuantity ?? {}) as { value?: number; code?: string };
const results = (observations: FhirResource[]): string =>
  entrySection(
    '30954-2',
    'Resultados de laboratorio',
    observations,
    (o) => `${coding(o, 'code').display ?? coding(o, 'code').code ?? ''}: ${quantity(o).value ?? ''} ${quantity(o).code ?? ''}`,
    (o) => {
      const code = coding(o, 'code');
      const q = quantity(o);
      return `<observation classCode="OBS" moodCode="EVN"><code code="${a(code.code ?? '')}" codeSystem="${CDA_OID.loinc}" codeSystemName="LOINC" displayName="${a(code.display ?? '')}"/><statusCode code="completed"/><effectiveTime value="${a(cdaTime(String(o.effectiveDateTime ?? '')))}"/><value xsi:type="PQ" value="${a(String(q.value ?? ''))}" unit="${a(q.code ?? '1')}"/></observation>`;
    },
  );

function section(loinc: string, title: string, items: string, entries: string): string {
  const text = items ? `<text><list>${items}</list></text>` : '<text>Sin registros en los últimos 7 años.</text>';
  return `<component><section><code code="${loinc}" codeSystem="${CDA_OID.loinc}" codeSystemName="LOINC"/><title>${t(title)}</title>${text}${entries}</section></component>`;
}

export function cdaSummary(record: PatientRecord, opts: { now: Date }): string {
  const kept = record.clinical.filter((r) => withinRetention(r, opts.now));
  const of = (type: string): FhirResource[] => kept.filter((r) => r.resourceType === type);
  const p = record.patient;
  const name = ((p.name as { family?: string; given?: string[]; _family?: { extension?: { url: string; valueString: string }[] } }[] | undefined) ?? [])[0] ?? {};
  const family = (url: string): string | undefined => name._family?.extension?.find((e) => e.url === url)?.valueString;
  const families = [family(TERMINOLOGY.fathersFamily) ?? name.family ?? '', family(TERMINOLOGY.mothersFamily)].filter((f): f is string => !!f);
  const gender = p.gender === 'male' ? 'M' : p.gender === 'female' ? 'F' : 'UN';
  const clues = identifierValue(record.organization, SYSTEM.clues);
  const doctor = ((record.practitioner.name as { family?: string; given?: string[] }[] | undefined) ?? [])[0] ?? {};
  const now = cdaTime(opts.now.toISOString());
  const unit = `<id root="${OID.clues}" extension="${a(clues)}"/><name>${t(String(record.organization.name ?? 'IMSS'))}</name>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<ClinicalDocument xmlns="${CDA_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
    `<realmCode code="MX"/><typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/><templateId root="${OID.giisA001Template}"/>`,
    `<id root="${a(String(p.id ?? ''))}" extension="${a(now)}"/>`,
    `<code code="${SUMMARY_TYPE}" codeSystem="${CDA_OID.loinc}" codeSystemName="LOINC" displayName="Resumen clínico"/><title>Resumen clínico</title>`,
    `<effectiveTime value="${now}"/><confidentialityCode code="N" codeSystem="${CDA_OID.confidentiality}"/><languageCode code="es-MX"/>`,
    `<recordTarget><patientRole><id root="${OID.curp}" extension="${a(record.curp)}"/><patient><name>${(name.given ?? []).map((g) => `<given>${t(g)}</given>`).join('')}${families.map((f) => `<family>${t(f)}</family>`).join('')}</name>`,
    `<administrativeGenderCode code="${gender}" codeSystem="${CDA_OID.gender}"/><birthTime value="${a(cdaTime(String(p.birthDate ?? '')))}"/></patient></patientRole></recordTarget>`,
    `<author><time value="${now}"/><assignedAuthor><id root="${a(String(record.practitioner.id ?? ''))}"/><assignedPerson><name>${(doctor.given ?? []).map((g) => `<given>${t(g)}</given>`).join('')}<family>${t(doctor.family ?? '')}</family></name></assignedPerson><representedOrganization>${unit}</representedOrganization></assignedAuthor></author>`,
    `<custodian><assignedCustodian><representedCustodianOrganization>${unit}</representedCustodianOrganization></assignedCustodian></custodian>`,
    '<component><structuredBody>',
    problems(of('Condition')),
    medications(of('MedicationRequest')),
    results(of('Observation')),
    '</structuredBody></component></ClinicalDocument>\n',
  ].join('\n');
}
