/**
 * A ConsentimientoMx (CONTRACT.md, "The padrón and the consent registry"): the patient's permit for IMSS to give the
 * record to one receiving institution, in force from 30 days before `now` for a year, or ended yesterday when expired.
 */
import { type Institution, PROFILE, SYSTEM } from './contract.ts';
import { type FhirResource, identifierValue, instant, type PatientRecord } from './record.ts';
import { TERMINOLOGY } from './resources.ts';

const DAY = 86_400_000;

export function consentFor(record: PatientRecord, recipient: Institution, opts: { now: Date; id: string; expired?: boolean }): FhirResource {
  const now = opts.now.getTime();
  const clues = identifierValue(record.organization, SYSTEM.clues);
  const period = opts.expired ? { start: instant(now - 400 * DAY), end: instant(now - DAY) } : { start: instant(now - 30 * DAY), end: instant(now + 365 * DAY) };
  return {
    resourceType: 'Consent',
    id: opts.id,
    meta: { profile: [PROFILE.consent] },
    status: 'active',
    scope: { coding: [{ system: TERMINOLOGY.consentScope, code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: { identifier: { system: SYSTEM.curp, value: record.curp } },
    dateTime: period.start,
    organization: [{ identifier: { system: SYSTEM.clues, value: clues }, display: 'IMSS' }],
    policy: [{ uri: 'urn:sello:mx-ece:politica:transferencia-expediente' }],
    provision: {
      type: 'permit',
      period,
      actor: [
        {
          role: { coding: [{ system: TERMINOLOGY.participationType, code: 'IRCP' }] },
          reference: { identifier: { system: SYSTEM.institution, value: recipient }, display: recipient },
        },
      ],
    },
  };
}
