/**
 * What the source and the receivers decide from the registry's answers: whether a consent is in force for a request
 * (CONTRACT.md "The padrón and the consent registry") and whether a Patient agrees with its padrón record (RE-03).
 */
import { re03Padron } from '../judges/rules/index.ts';
import { SYSTEM } from '../lib/contract.ts';
import type { Beneficiario, FhirResource } from '../lib/record.ts';

type Json = Record<string, unknown>;

export interface ConsentLeniency {
  /** Planted faults: the period, or the recipient, is not looked at. */
  ignorePeriod?: boolean;
  ignoreRecipient?: boolean;
}

/** The consent id of a `consent` parameter: an id, `Consent/{id}`, or an absolute URL ending so. */
export function consentId(ref: string): string | undefined {
  const m = /(?:^|\/)(?:Consent\/)?([A-Za-z0-9\-.]{1,64})$/.exec(ref.trim());
  return m?.[1];
}

export function consentPatientCurp(consent: Json): string | undefined {
  const identifier = (consent.patient as Json | undefined)?.identifier as Json | undefined;
  return identifier?.system === SYSTEM.curp && typeof identifier.value === 'string' ? identifier.value : undefined;
}

export function consentRecipients(consent: Json): string[] {
  const actors = ((consent.provision as Json | undefined)?.actor ?? []) as Json[];
  if (!Array.isArray(actors)) return [];
  return actors
    .filter((a) => ((a.role as Json | undefined)?.coding as Json[] | undefined)?.some?.((c) => c.code === 'IRCP'))
    .map((a) => ((a.reference as Json | undefined)?.identifier as Json | undefined) ?? {})
    .filter((i) => i.system === SYSTEM.institution && typeof i.value === 'string')
    .map((i) => i.value as string);
}

export function inPeriod(consent: Json, at: Date): boolean {
  const period = (consent.provision as Json | undefined)?.period as Json | undefined;
  const start = typeof period?.start === 'string' ? Date.parse(period.start) : Number.NEGATIVE_INFINITY;
  const end = typeof period?.end === 'string' ? Date.parse(endOfDay(period.end)) : Number.POSITIVE_INFINITY;
  return !Number.isNaN(start) && !Number.isNaN(end) && start <= at.getTime() && at.getTime() <= end;
}

/** A date-only end (`2026-05-01`) covers that whole day. */
const endOfDay = (value: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value);

/** Whether `consent` lets `institution` read the record of `curp` at `at`; undefined when it does, else why not. */
export function consentProblem(consent: Json, curp: string | undefined, institution: string, at: Date, lenient: ConsentLeniency = {}): string | undefined {
  if (consent.resourceType !== 'Consent') return 'not a Consent';
  if (consent.status !== 'active') return `status ${String(consent.status)}`;
  if ((consent.provision as Json | undefined)?.type !== 'permit') return 'provision.type is not permit';
  if (!lenient.ignorePeriod && !inPeriod(consent, at)) return 'outside provision.period';
  if (curp !== undefined && consentPatientCurp(consent) !== curp) return 'for another patient';
  if (!lenient.ignoreRecipient && !consentRecipients(consent).includes(institution)) return `not granted to ${institution}`;
  return undefined;
}

export interface PadronLeniency {
  ignoreBirthDate?: boolean;
}

/**
 * Where a FHIR Patient disagrees with its padrón record (its CURP, sex, birth date, first family name), in the words of
 * RE-03's judge: the source refuses and a receiver rejects on exactly what the judge would report. Empty when it agrees.
 */
export function padronDisagreements(patient: Json, beneficiario: Beneficiario, lenient: PadronLeniency = {}): string[] {
  return re03Padron({ patient: { resource: patient as FhirResource, location: 'Patient' }, curpAsked: beneficiario.curp, beneficiario })
    .filter((f) => !(lenient.ignoreBirthDate && f.location === 'Patient.birthDate'))
    .map((f) => `${f.message.es ?? f.message.en} / ${f.message.en}`);
}

export function patientCurp(patient: Json): string | undefined {
  const ids = (patient.identifier as Json[] | undefined) ?? [];
  const found = Array.isArray(ids) ? ids.find((i) => i.system === SYSTEM.curp) : undefined;
  return typeof found?.value === 'string' ? found.value : undefined;
}
