/**
 * RE-04: codes from the national catalogues as Sello re-typed them (profiles/catalogs/): Condition CIE-10 without the
 * dot, in the catalogue, fitting the patient's sex and age at the diagnosis; every CLUES in the CLUES catalogue; lab
 * Observations LOINC from the lab catalogue with its UCUM unit; MedicationRequest a CNIS clave of the catalogue.
 */
import type { Finding } from '../../../../src/findings/finding.ts';
import { isObject } from '../../../../src/util/is-object.ts';
import { ageAt, cie10Codes, cie10Misfit, cluesCodes, cnisCodes, labCodes } from '../../lib/catalogs.ts';
import { SYSTEM } from '../../lib/contract.ts';
import type { FhirResource } from '../../lib/record.ts';
import { bundleEntries, codings, type Located, reFinding, text } from './shared.ts';

/** What the sex and age limits need of the patient. */
export interface PatientFacts {
  gender: unknown;
  birthDate: string | undefined;
}

export const patientFacts = (patient: FhirResource): PatientFacts => ({ gender: patient.gender, birthDate: text(patient.birthDate) });

function condition({ resource, location }: Located, patient: PatientFacts | undefined): Finding[] {
  const cie = codings(resource, 'code').filter((c) => c.coding.system === SYSTEM.cie10);
  if (cie.length === 0) {
    return [reFinding('RE-04', `${location}.code`, { es: `El diagnóstico no tiene código CIE-10 (${SYSTEM.cie10}).`, en: `The diagnosis has no CIE-10 code (${SYSTEM.cie10}).` }, 'code-invalid')];
  }
  const out: Finding[] = [];
  const when = text(resource.recordedDate) ?? text(resource.onsetDateTime);
  for (const { coding, index } of cie) {
    const at = `${location}.code.coding[${index}].code`;
    const code = text(coding.code) ?? '';
    if (code.includes('.')) {
      out.push(
        reFinding(
          'RE-04',
          at,
          {
            es: `CIE-10 ${code} escrito con punto; la DGIS lo escribe sin punto (${code.replace('.', '')}).`,
            en: `CIE-10 ${code} written with a dot; DGIS writes it without (${code.replace('.', '')}).`,
          },
          'code-invalid',
        ),
      );
      continue;
    }
    const entry = cie10Codes()[code];
    if (!entry) {
      out.push(reFinding('RE-04', at, { es: `El código CIE-10 ${code} no está en el catálogo.`, en: `CIE-10 code ${code} is not in the catalogue.` }, 'code-invalid'));
      continue;
    }
    if (!patient?.birthDate || !when) continue;
    const age = ageAt(patient.birthDate, when);
    const misfit = cie10Misfit(entry, patient.gender, age);
    if (misfit === 'sex') {
      out.push(
        reFinding('RE-04', at, {
          es: `CIE-10 ${code} (${entry.title}) es solo para sexo ${entry.sex}; el paciente es ${String(patient.gender)}.`,
          en: `CIE-10 ${code} (${entry.title}) is for sex ${entry.sex} only; the patient is ${String(patient.gender)}.`,
        }),
      );
    } else if (misfit === 'age') {
      const range = `${entry.minAge ?? 0}–${entry.maxAge ?? '…'}`;
      out.push(
        reFinding('RE-04', at, {
          es: `CIE-10 ${code} (${entry.title}) es para edades ${range}; el paciente tenía ${age} años al diagnóstico.`,
          en: `CIE-10 ${code} (${entry.title}) is for ages ${range}; the patient was ${age} at the diagnosis.`,
        }),
      );
    }
  }
  return out;
}

function clues({ resource, location }: Located): Finding[] {
  const ids = Array.isArray(resource.identifier) ? resource.identifier : [];
  const out: Finding[] = [];
  for (const [i, id] of ids.entries()) {
    if (!isObject(id) || id.system !== SYSTEM.clues) continue;
    const value = text(id.value) ?? '';
    if (!cluesCodes().has(value))
      out.push(
        reFinding(
          'RE-04',
          `${location}.identifier[${i}].value`,
          { es: `La CLUES ${value} no está en el catálogo de establecimientos.`, en: `CLUES ${value} is not in the facility catalogue.` },
          'code-invalid',
        ),
      );
  }
  return out;
}

function lab({ resource, location }: Located): Finding[] {
  const loinc = codings(resource, 'code').filter((c) => c.coding.system === SYSTEM.loinc);
  if (loinc.length === 0) return [reFinding('RE-04', `${location}.code`, { es: 'El resultado de laboratorio no tiene código LOINC.', en: 'The lab result has no LOINC code.' }, 'code-invalid')];
  const known = loinc.map((c) => ({ ...c, entry: labCodes()[text(c.coding.code) ?? ''] })).find((c) => c.entry);
  if (!known?.entry) {
    const first = loinc[0] as { coding: { code?: unknown }; index: number };
    return [
      reFinding(
        'RE-04',
        `${location}.code.coding[${first.index}].code`,
        { es: `El LOINC ${String(first.coding.code)} no está en el catálogo de laboratorio.`, en: `LOINC ${String(first.coding.code)} is not in the lab catalogue.` },
        'code-invalid',
      ),
    ];
  }
  const q = resource.valueQuantity;
  const unit = known.entry.unit;
  if (!isObject(q))
    return [
      reFinding('RE-04', `${location}.valueQuantity`, {
        es: `El resultado ${String(known.coding.code)} no tiene valor con unidad UCUM (${unit}).`,
        en: `Result ${String(known.coding.code)} has no value with a UCUM unit (${unit}).`,
      }),
    ];
  if (q.system !== SYSTEM.ucum) return [reFinding('RE-04', `${location}.valueQuantity.system`, { es: `La unidad no es UCUM (${SYSTEM.ucum}).`, en: `The unit is not UCUM (${SYSTEM.ucum}).` })];
  if (q.code !== unit) {
    return [
      reFinding('RE-04', `${location}.valueQuantity.code`, {
        es: `Unidad ${String(q.code)} para ${String(known.coding.code)}; el catálogo la reporta en ${unit}.`,
        en: `Unit ${String(q.code)} for ${String(known.coding.code)}; the catalogue reports it in ${unit}.`,
      }),
    ];
  }
  return [];
}

function medication({ resource, location }: Located): Finding[] {
  // The spec names no system for medications: a clave under the contract's CNIS system must be in the catalogue; a
  // medication named in text, or coded in another system, carries nothing Sello can hold against the catalogue.
  const cnis = codings(resource, 'medicationCodeableConcept').filter((c) => c.coding.system === SYSTEM.cnis);
  const out: Finding[] = [];
  for (const { coding, index } of cnis) {
    const code = text(coding.code) ?? '';
    if (!cnisCodes()[code])
      out.push(
        reFinding(
          'RE-04',
          `${location}.medicationCodeableConcept.coding[${index}].code`,
          { es: `La clave ${code} no está en el Compendio Nacional de Insumos.`, en: `Clave ${code} is not in the Compendio Nacional de Insumos.` },
          'code-invalid',
        ),
      );
  }
  return out;
}

/** RE-04 for one entry; `patient` gives the sex and age limits (without it they are not judged). */
export function re04Entry(entry: Located, patient: PatientFacts | undefined): Finding[] {
  switch (entry.resource.resourceType) {
    case 'Condition':
      return condition(entry, patient);
    case 'Observation':
      return lab(entry);
    case 'MedicationRequest':
      return medication(entry);
    default:
      return clues(entry);
  }
}

/** RE-04 for a whole Bundle, the patient taken from its Patient entry. */
export function re04Catalogues(bundle: unknown): Finding[] {
  const entries = bundleEntries(bundle);
  const patient = entries.find((e) => e.resource.resourceType === 'Patient');
  const facts = patient ? patientFacts(patient.resource) : undefined;
  return entries.flatMap((e) => re04Entry(e, facts));
}
