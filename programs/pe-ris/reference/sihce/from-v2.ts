/**
 * What SIHCE does with an accepted HL7 v2 message: ADT^A04 registers or updates the patient by DNI, ORU^R01 stores
 * the triage observations, SIU^S12 books the follow-up (Appointment `booked` and Task `accepted`, identified by
 * Qhali's follow-up id from SCH-1). A refusal names the field and the ERR code.
 */
import type { FhirStore, Resource } from '../../../../src/fhir-server/store.ts';
import { type Er7Message, valueAt } from '../../../../src/hl7v2/index.ts';
import { ACUITY_LOINC, SYMPTOM_LOINC, SYSTEM } from '../../lib/constants.ts';
import { fhirInstant, messageType, type PatientFromV2, patientFromV2 } from '../../lib/v2-messages.ts';
import type { SihceContext } from './context.ts';

export type V2Outcome = { ok: true } | { ok: false; code: string; location: string; es: string; en: string };

export function processV2(ctx: SihceContext, m: Er7Message): V2Outcome {
  const { store, faults } = ctx;
  const type = messageType(m);
  const person = patientFromV2(m);
  if (!person) return { ok: false, code: '204', location: 'PID-3', es: 'PID-3 no trae un DNI (CX.4 RENIEC, CX.5 NI).', en: 'PID-3 carries no DNI (CX.4 RENIEC, CX.5 NI).' };
  const patient = upsertPatient(store, person, type === 'ADT^A04' || faults.has('duplicate-patient'), faults.has('duplicate-patient'));
  const patientRef = `Patient/${String(patient.id)}`;
  if (type === 'ORU^R01') storeObservations(store, m, patientRef);
  if (type === 'SIU^S12') {
    const followUpId = valueAt(m, { segment: 'SCH', field: 1, component: 1 });
    if (followUpId === '') return { ok: false, code: '101', location: 'SCH-1', es: 'SCH-1 (id de la cita) está vacío.', en: 'SCH-1 (appointment id) is empty.' };
    // The defect: the SIU^S12 acknowledged but the booking never made.
    if (!faults.has('no-booking')) bookFollowUp(store, m, followUpId, patientRef, (previous, current) => ctx.subscriptions.statusChanged(previous, current));
  }
  return { ok: true };
}

function patientResource(p: PatientFromV2): Resource {
  return {
    resourceType: 'Patient',
    identifier: [
      {
        use: 'official',
        type: { extension: [{ url: SYSTEM.pePais, valueCode: 'PER' }], coding: [{ system: SYSTEM.idPersona, code: '1', display: 'DNI' }] },
        value: p.dniCheck ? `${p.dni}-${p.dniCheck}` : p.dni,
      },
    ],
    name: [{ use: 'official', family: p.family, given: p.given }],
    ...(p.gender ? { gender: p.gender } : {}),
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    ...(p.ubigeo ? { address: [{ extension: [{ url: SYSTEM.peUbigeo, valueString: p.ubigeo }], country: 'PE' }] } : {}),
  };
}

/** The patient of this DNI: updated when `refresh` (ADT^A04), created when absent (or always, under the duplicate-patient defect). */
function upsertPatient(store: FhirStore, person: PatientFromV2, refresh: boolean, alwaysNew: boolean): Resource {
  const existing = alwaysNew ? undefined : store.search('Patient', new URLSearchParams({ identifier: person.dni })).resources[0];
  if (!existing) return store.create(patientResource(person));
  if (!refresh) return existing;
  const fresh = patientResource(person);
  return store.update('Patient', String(existing.id), { ...existing, ...fresh, id: existing.id } as Resource).current;
}

function storeObservations(store: FhirStore, m: Er7Message, patientRef: string): void {
  m.segments.forEach((seg, i) => {
    if (seg.id !== 'OBX') return;
    const occurrence = m.segments.slice(0, i + 1).filter((s) => s.id === 'OBX').length;
    const at = (field: number, component?: number) => valueAt(m, { segment: 'OBX', occurrence, field, ...(component ? { component } : {}) });
    const code = at(3, 1);
    const value =
      at(2) === 'CE' || at(2) === 'CWE'
        ? { valueCodeableConcept: { coding: [{ system: at(5, 3) === 'NTS042' ? SYSTEM.nts042 : at(5, 3), code: at(5, 1), display: at(5, 2) }] } }
        : { valueString: at(5) };
    store.create({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: SYSTEM.loinc, code, display: code === ACUITY_LOINC ? 'Priority' : code === SYMPTOM_LOINC ? 'Symptom' : at(3, 2) }] },
      subject: { reference: patientRef },
      ...value,
    });
  });
}

/** SIU^S12: the Appointment (booked) and the Task (accepted) of Qhali's follow-up; a repeat updates, never duplicates. */
function bookFollowUp(store: FhirStore, m: Er7Message, followUpId: string, patientRef: string, statusChanged: (previous: Resource | undefined, current: Resource) => void): void {
  const identifier = [{ system: SYSTEM.qhaliTask, value: followUpId }];
  const renipress = valueAt(m, { segment: 'AIL', field: 3, component: 4, subcomponent: 1 });
  const start = fhirInstant(valueAt(m, { segment: 'TQ1', field: 7 }));
  const end = fhirInstant(valueAt(m, { segment: 'TQ1', field: 8 }));
  const appointment: Resource = {
    resourceType: 'Appointment',
    identifier,
    status: 'booked',
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
    participant: [
      { actor: { reference: patientRef }, status: 'accepted' },
      { actor: { type: 'Location', identifier: { system: SYSTEM.renipress, value: renipress }, display: valueAt(m, { segment: 'AIL', field: 3, component: 1 }) }, status: 'accepted' },
    ],
  };
  const existingAppt = store.search('Appointment', new URLSearchParams({ identifier: `${SYSTEM.qhaliTask}|${followUpId}` })).resources[0];
  const appt = existingAppt
    ? store.update('Appointment', String(existingAppt.id), { ...appointment, id: existingAppt.id, status: existingAppt.status } as Resource).current
    : store.create(appointment);
  const existingTask = store.search('Task', new URLSearchParams({ identifier: `${SYSTEM.qhaliTask}|${followUpId}` })).resources[0];
  if (existingTask) return;
  const task = store.create({
    resourceType: 'Task',
    identifier,
    status: 'accepted',
    intent: 'order',
    code: { text: 'Seguimiento presencial en IPRESS' },
    focus: { reference: `Appointment/${String(appt.id)}` },
    for: { reference: patientRef },
    authoredOn: new Date().toISOString(),
    owner: { type: 'Organization', identifier: { system: SYSTEM.renipress, value: renipress } },
  });
  statusChanged(undefined, task);
}
