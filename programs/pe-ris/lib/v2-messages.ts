/**
 * The HL7 v2 leg (shared/specs/pe-ris.md "HL7 v2 leg"; profiles/pe-ris/v2/README.md): what the engine makes of a
 * triage Bundle — ADT^A04 (register the patient), ORU^R01 (the triage observations) and SIU^S12 (the follow-up booked
 * at the IPRESS) — and what SIHCE reads back out of them. The DNI travels in PID-3 as `NNNNNNNN^X^^RENIEC^NI` (CX.2 the
 * check character when the Bundle has one), the UBIGEO in PID-11 XAD.9, the RENIPRESS in PV1-3 / AIL-3 PL.4.1, and
 * Qhali's follow-up id in ORC-2 / SCH-1 (`<id>^QHALI`), which is how SIHCE's Task is tied back to the triage.
 */

import { type Finding, finding } from '../../../src/findings/finding.ts';
import { type Er7Message, escapeEr7, hl7Timestamp, newControlId, parseEr7, valueAt } from '../../../src/hl7v2/index.ts';
import { parseDni } from '../../../src/identifiers/pe/dni.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { ACUITY_LOINC, ACUITY_SCALES, SYMPTOM_LOINC, SYSTEM, V2_APPLICATION } from './constants.ts';
import { acuityEntries, codings, dniIdentifier, entriesOfType, followUpIdOf } from './triage-bundle.ts';

const e = (s: unknown): string => escapeEr7(typeof s === 'string' ? s : '');

/** What the v2 messages need from a triage Bundle. */
export interface TriageFacts {
  dni: string;
  dniCheck?: string;
  family: string;
  given: string[];
  birthDate: string;
  gender: string;
  ubigeo?: string;
  addressLine?: string;
  city?: string;
  state?: string;
  renipress: string;
  ipressName: string;
  followUpId: string;
  acuity?: { system: string; code: string; display: string };
  symptom?: { code: string; display: string; text: string };
  triagedAt: string;
}

/** Reads a (valid) triage Bundle; undefined when it lacks what the messages need. */
export function triageFacts(bundle: unknown): TriageFacts | undefined {
  const patient = entriesOfType(bundle, 'Patient')[0]?.resource;
  if (!patient) return undefined;
  const dni = dniIdentifier(patient);
  const parsed = typeof dni?.value === 'string' ? parseDni(dni.value) : undefined;
  if (!parsed) return undefined;
  const name = Array.isArray(patient.name) && isObject(patient.name[0]) ? patient.name[0] : {};
  const address = Array.isArray(patient.address) && isObject(patient.address[0]) ? patient.address[0] : {};
  const ubigeo = (Array.isArray(address.extension) ? address.extension : []).find((x: unknown) => isObject(x) && x.url === SYSTEM.peUbigeo) as { valueString?: string } | undefined;
  const task = [...entriesOfType(bundle, 'Task'), ...entriesOfType(bundle, 'ServiceRequest')][0]?.resource;
  const owner = isObject(task?.owner) ? task.owner : Array.isArray(task?.performer) && isObject(task.performer[0]) ? task.performer[0] : {};
  const ownerId = isObject(owner.identifier) ? owner.identifier : {};
  const acuity = acuityEntries(bundle)[0]?.resource;
  const acuityCoding = codings(acuity?.valueCodeableConcept).find((c) => c.system !== undefined && ACUITY_SCALES[c.system] !== undefined);
  const symptomObs = entriesOfType(bundle, 'Observation').find((o) => codings(o.resource.code).some((c) => c.code === SYMPTOM_LOINC))?.resource;
  const symptomCoding = codings(symptomObs?.valueCodeableConcept)[0];
  const symptomText = isObject(symptomObs?.valueCodeableConcept) && typeof symptomObs.valueCodeableConcept.text === 'string' ? symptomObs.valueCodeableConcept.text : undefined;
  const when = isObject(bundle) && typeof bundle.timestamp === 'string' ? bundle.timestamp : new Date().toISOString();
  return {
    dni: parsed.number,
    ...(parsed.check !== undefined ? { dniCheck: parsed.check } : {}),
    family: typeof name.family === 'string' ? name.family : '',
    given: Array.isArray(name.given) ? name.given.filter((g): g is string => typeof g === 'string') : [],
    birthDate: typeof patient.birthDate === 'string' ? patient.birthDate : '',
    gender: typeof patient.gender === 'string' ? patient.gender : 'unknown',
    ...(typeof ubigeo?.valueString === 'string' ? { ubigeo: ubigeo.valueString } : {}),
    ...(Array.isArray(address.line) && typeof address.line[0] === 'string' ? { addressLine: address.line[0] } : {}),
    ...(typeof address.city === 'string' ? { city: address.city } : {}),
    ...(typeof address.state === 'string' ? { state: address.state } : {}),
    renipress: typeof ownerId.value === 'string' ? ownerId.value : '',
    ipressName: typeof owner.display === 'string' ? owner.display : '',
    followUpId: followUpIdOf(bundle) ?? '',
    ...(acuityCoding?.system && acuityCoding.code ? { acuity: { system: acuityCoding.system, code: acuityCoding.code, display: acuityCoding.display ?? '' } } : {}),
    ...(symptomCoding?.code ? { symptom: { code: symptomCoding.code, display: symptomCoding.display ?? '', text: symptomText ?? symptomCoding.display ?? '' } } : {}),
    triagedAt: when,
  };
}

const SEX: Record<string, string> = { male: 'M', female: 'F', other: 'O', unknown: 'U' };
const SEX_BACK: Record<string, string> = { M: 'male', F: 'female', O: 'other', U: 'unknown', A: 'other', N: 'unknown' };
/** v2 coding-system names of the acuity scales (OBX-5 CE.3). */
export const ACUITY_V2_SYSTEM: Readonly<Record<string, string>> = { [SYSTEM.nts042]: 'NTS042', [SYSTEM.manchester]: 'MTS', [SYSTEM.esi]: 'ESI' };

/** `1985-04-12` → `19850412`; an instant → DTM with its offset. */
export function v2Date(iso: string): string {
  return iso.slice(0, 10).replace(/-/g, '');
}
export function v2Instant(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return hl7Timestamp(new Date(iso));
  const zone = m[7] === 'Z' ? '+0000' : m[7]!.replace(':', '');
  return `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[6]}${zone}`;
}

export interface V2BuildOptions {
  controlId?: string;
  now?: Date;
  /** Planted defect of the reference engine: PID-3 without the DNI's check character. */
  dropDniCheck?: boolean;
  /** MSH-15/16 (enhanced acknowledgment mode). */
  enhanced?: boolean;
}

function msh(f: TriageFacts, type: string, opts: V2BuildOptions): string {
  const fields = [
    V2_APPLICATION.engine,
    V2_APPLICATION.facility,
    V2_APPLICATION.sihce,
    f.renipress,
    hl7Timestamp(opts.now),
    '',
    type,
    opts.controlId ?? newControlId('ENG'),
    'P',
    '2.5',
    '',
    '',
    opts.enhanced ? 'AL' : '',
    opts.enhanced ? 'NE' : '',
    'PER',
    'UNICODE UTF-8',
  ];
  return `MSH|^~\\&|${fields.join('|')}`;
}

function pid(f: TriageFacts, full: boolean, opts: V2BuildOptions): string {
  const check = opts.dropDniCheck ? '' : (f.dniCheck ?? '');
  const cx = `${f.dni}^${e(check)}^^RENIEC^NI`;
  const xpn = `${e(f.family.toUpperCase())}^${e((f.given[0] ?? '').toUpperCase())}${f.given[1] ? `^${e(f.given[1].toUpperCase())}` : ''}^^^^L`;
  if (!full) return `PID|1||${cx}||${xpn}||${v2Date(f.birthDate)}|${SEX[f.gender] ?? 'U'}`;
  const xad = `${e((f.addressLine ?? '').toUpperCase())}^^${e((f.city ?? '').toUpperCase())}^${e((f.state ?? '').toUpperCase())}^^PER^H^^${f.ubigeo ?? ''}`;
  return `PID|1||${cx}||${xpn}||${v2Date(f.birthDate)}|${SEX[f.gender] ?? 'U'}|||${xad}`;
}

/** ADT^A04: register (or update) the patient at the IPRESS. */
export function buildAdtA04(f: TriageFacts, opts: V2BuildOptions = {}): string {
  const ts = v2Instant(f.triagedAt);
  const pv1 = `PV1|1|O|TRIAJE^^^${f.renipress}^^C`;
  return [msh(f, 'ADT^A04^ADT_A01', opts), `EVN||${ts}`, pid(f, true, opts), pv1].map((s) => `${s}\r`).join('');
}

/** ORU^R01: the acuity (OBX-1, CE in its scale) and the referred symptom (OBX-2). */
export function buildOruR01(f: TriageFacts, opts: V2BuildOptions = {}): string {
  const ts = v2Instant(f.triagedAt);
  const order = `${orderNumber(f.followUpId)}^QHALI`;
  const segs = [msh(f, 'ORU^R01^ORU_R01', opts), pid(f, false, opts), `PV1|1|E|TRIAJE^^^${f.renipress}`, `ORC|RE|${order}`, `OBR|1|${order}||${ACUITY_LOINC}^Priority triage^LN|||${ts}`];
  let n = 0;
  if (f.acuity) {
    segs.push(`OBX|${++n}|CE|${ACUITY_LOINC}^Priority triage^LN||${e(f.acuity.code)}^${e(f.acuity.display)}^${ACUITY_V2_SYSTEM[f.acuity.system] ?? ''}||||||F`);
  }
  if (f.symptom) segs.push(`OBX|${++n}|ST|${SYMPTOM_LOINC}^Symptom^LN||${e(f.symptom.text)}||||||F`);
  segs.push('NTE|1|L|Generado por Qhali (IA); revisión clínica pendiente');
  return segs.map((s) => `${s}\r`).join('');
}

/** ORC-2/OBR-2 placer order number (EI.1, 22 characters at most): the follow-up id's first 16 hex digits. */
export const orderNumber = (followUpId: string): string => followUpId.replace(/-/g, '').slice(0, 16).toUpperCase();

/** The follow-up slot: the next day at 09:00 Peru time, 30 minutes. */
export function followUpSlot(triagedAt: string): { start: string; end: string } {
  const day = new Date(Date.parse(triagedAt) + 24 * 3_600_000 - 5 * 3_600_000).toISOString().slice(0, 10);
  return { start: `${day}T09:00:00-05:00`, end: `${day}T09:30:00-05:00` };
}

/** SIU^S12: the follow-up booked at the IPRESS (SCH-1 Qhali's follow-up id, AIL-3.4.1 the RENIPRESS). */
export function buildSiuS12(f: TriageFacts, opts: V2BuildOptions = {}): string {
  const slot = followUpSlot(f.triagedAt);
  const sch = ['SCH', `${e(f.followUpId)}^QHALI`, '', '', '', '', 'NEW^Nueva cita^L', 'CONTROL^Control post-triaje^L', 'ROUTINE^Rutina^HL70277'];
  while (sch.length < 16) sch.push('');
  sch.push(`ADM-${f.renipress}^ADMISION^IPRESS`, '', '', '', 'QHALI^ASISTENTE QHALI', '', '', '', '', 'Booked^Booked^HL70278');
  const ipress = 'CONSULTORIO';
  const segs = [
    msh(f, 'SIU^S12^SIU_S12', opts),
    sch.join('|'),
    `TQ1|1||||||${v2Instant(slot.start)}|${v2Instant(slot.end)}`,
    'NTE|1|P|Control tras triaje de Qhali',
    pid(f, false, opts),
    `PV1|1|O|${ipress}^^^${f.renipress}`,
    'RGS|1|A',
    `AIS|1|A|CONS-MG^Consulta medicina general^L|${v2Instant(slot.start)}|||30|min^minutos^ISO+`,
    `AIL|1|A|${ipress}^^^${f.renipress}^^C|C^Clinic^HL70305`,
  ];
  return segs.map((s) => `${s}\r`).join('');
}

// ——— reading the messages back (SIHCE's side) ———

export interface PatientFromV2 {
  dni: string;
  dniCheck?: string;
  family: string;
  given: string[];
  birthDate?: string;
  gender?: string;
  ubigeo?: string;
}

/** The DNI repetition of PID-3 (CX.4 RENIEC, CX.5 NI or NNPER). */
export function pidDni(m: Er7Message): { number: string; check?: string; repetition: number } | undefined {
  for (let r = 1; r <= 10; r++) {
    const at = (component: number, subcomponent?: number) => valueAt(m, { segment: 'PID', field: 3, repetition: r, component, ...(subcomponent ? { subcomponent } : {}) });
    const id = at(1);
    if (id === '' && r > 1) break;
    const type = at(5);
    if (at(4, 1) !== 'RENIEC' || (type !== 'NI' && type !== 'NNPER')) continue;
    const parsed = parseDni(id);
    if (!parsed) continue;
    const check = at(2) || parsed.check;
    return { number: parsed.number, ...(check ? { check } : {}), repetition: r };
  }
  return undefined;
}

export function patientFromV2(m: Er7Message): PatientFromV2 | undefined {
  const dni = pidDni(m);
  if (!dni) return undefined;
  const v = (field: number, component?: number) => valueAt(m, { segment: 'PID', field, ...(component ? { component } : {}) });
  const dob = v(7);
  const given = [v(5, 2), v(5, 3)].filter((g) => g !== '');
  return {
    dni: dni.number,
    ...(dni.check ? { dniCheck: dni.check } : {}),
    family: v(5, 1),
    given,
    ...(/^\d{8}/.test(dob) ? { birthDate: `${dob.slice(0, 4)}-${dob.slice(4, 6)}-${dob.slice(6, 8)}` } : {}),
    ...(v(8) ? { gender: SEX_BACK[v(8)] ?? 'unknown' } : {}),
    ...(v(11, 9) ? { ubigeo: v(11, 9) } : {}),
  };
}

/** DTM → FHIR instant (`20250321090000-0500` → `2025-03-21T09:00:00-05:00`). */
export function fhirInstant(dtm: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(dtm);
  if (!m) return undefined;
  const zone = m[7] ? `${m[7].slice(0, 3)}:${m[7].slice(3)}` : '-05:00';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${zone}`;
}

// ——— Sello's judgement of an engine's translation ———

const mapFinding = (ruleId: string, location: string, es: string, en: string): Finding => finding(ruleId, 'error', 'value', location, { es, en }, 'hl7v2');

/**
 * Does the engine's message carry what the triage Bundle said? DNI number and check character (RP-02: a check
 * character present in the Bundle must reach PID-3 unchanged), UBIGEO (RP-03), acuity (RP-05), and the rest of the
 * identity, the IPRESS and the follow-up id (RIS-MAP-01). Locations are paths in the v2 message.
 */
export function checkTranslation(facts: TriageFacts, message: string): Finding[] {
  const m = parseEr7(message);
  if (!m.ok) return [];
  const type = `${valueAt(m, { segment: 'MSH', field: 9, component: 1 })}^${valueAt(m, { segment: 'MSH', field: 9, component: 2 })}`;
  const out: Finding[] = [];
  const dni = pidDni(m);
  // No DNI in PID-3 at all is the profile's finding (V2-PE-DNI, RIS-V2-04): one defect, one rule.
  if (dni) {
    const rep = dni.repetition > 1 ? `[${dni.repetition}]` : '';
    if (dni.number !== facts.dni) {
      out.push(mapFinding('RIS-MAP-01', `PID-3${rep}.1`, `PID-3 lleva el DNI ${dni.number}; el triaje dice ${facts.dni}.`, `PID-3 carries DNI ${dni.number}; the triage says ${facts.dni}.`));
    }
    if (facts.dniCheck !== undefined && dni.check !== facts.dniCheck) {
      out.push(
        mapFinding(
          'RP-02',
          `PID-3${rep}.2`,
          `El carácter de verificación del DNI (${facts.dniCheck} en el triaje) ${dni.check === undefined ? 'se perdió' : `llegó como ${dni.check}`} en el ${type}.`,
          `The DNI check character (${facts.dniCheck} in the triage) ${dni.check === undefined ? 'was dropped' : `arrived as ${dni.check}`} in the ${type}.`,
        ),
      );
    }
  }
  const v = (segment: string, field: number, component?: number, subcomponent?: number) =>
    valueAt(m, { segment, field, ...(component ? { component } : {}), ...(subcomponent ? { subcomponent } : {}) });
  // Names compared without case or accents: an engine may upper-case them, or write them as they came.
  const plain = (x: string): string =>
    x
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toUpperCase()
      .trim();
  if (v('PID', 5, 1) && plain(v('PID', 5, 1)) !== plain(facts.family)) {
    out.push(mapFinding('RIS-MAP-01', 'PID-5.1', `PID-5.1 es ${v('PID', 5, 1)}; el triaje dice ${facts.family}.`, `PID-5.1 is ${v('PID', 5, 1)}; the triage says ${facts.family}.`));
  }
  if (v('PID', 5, 2) && facts.given[0] && plain(v('PID', 5, 2)) !== plain(facts.given[0])) {
    out.push(mapFinding('RIS-MAP-01', 'PID-5.2', `PID-5.2 es ${v('PID', 5, 2)}; el triaje dice ${facts.given[0]}.`, `PID-5.2 is ${v('PID', 5, 2)}; the triage says ${facts.given[0]}.`));
  }
  if (facts.renipress && v('PV1', 3, 4, 1) !== '' && v('PV1', 3, 4, 1) !== facts.renipress) {
    out.push(
      mapFinding(
        'RIS-MAP-01',
        'PV1-3.4.1',
        `PV1-3.4.1 debe ser el RENIPRESS ${facts.renipress}; es «${v('PV1', 3, 4, 1)}».`,
        `PV1-3.4.1 must be RENIPRESS ${facts.renipress}; it is "${v('PV1', 3, 4, 1)}".`,
      ),
    );
  }
  if (facts.birthDate && v('PID', 7) && v('PID', 7).slice(0, 8) !== v2Date(facts.birthDate)) {
    out.push(mapFinding('RIS-MAP-01', 'PID-7', `PID-7 es ${v('PID', 7)}; el triaje dice ${facts.birthDate}.`, `PID-7 is ${v('PID', 7)}; the triage says ${facts.birthDate}.`));
  }
  if (v('PID', 8) && v('PID', 8) !== (SEX[facts.gender] ?? 'U')) {
    out.push(mapFinding('RIS-MAP-01', 'PID-8', `PID-8 es ${v('PID', 8)}; el triaje dice ${facts.gender}.`, `PID-8 is ${v('PID', 8)}; the triage says ${facts.gender}.`));
  }
  if (type === 'ADT^A04' && facts.ubigeo && v('PID', 11, 9) !== facts.ubigeo) {
    out.push(
      mapFinding(
        'RP-03',
        'PID-11.9',
        `El UBIGEO ${facts.ubigeo} del triaje no llegó a PID-11.9 (llegó «${v('PID', 11, 9)}»).`,
        `UBIGEO ${facts.ubigeo} of the triage did not reach PID-11.9 (got "${v('PID', 11, 9)}").`,
      ),
    );
  }
  if (type === 'ORU^R01' && facts.acuity) {
    const obx = m.segments.filter((s) => s.id === 'OBX');
    const index = obx.findIndex((s) => (s.fields[3] ?? '').startsWith(ACUITY_LOINC));
    const got = index < 0 ? '' : valueAt(m, { segment: 'OBX', occurrence: index + 1, field: 5, component: 1 });
    if (got !== facts.acuity.code) {
      out.push(
        mapFinding(
          'RP-05',
          index < 0 ? 'OBX' : `OBX${index > 0 ? `[${index + 1}]` : ''}-5`,
          `La prioridad ${facts.acuity.code} del triaje no llegó al ORU^R01 (llegó «${got}»).`,
          `Acuity ${facts.acuity.code} of the triage did not reach the ORU^R01 (got "${got}").`,
        ),
      );
    }
  }
  if (type === 'SIU^S12') {
    if (v('SCH', 1, 1) !== '' && v('SCH', 1, 1) !== facts.followUpId) {
      out.push(
        mapFinding(
          'RIS-MAP-01',
          'SCH-1.1',
          `SCH-1 debe llevar el seguimiento ${facts.followUpId} de Qhali; lleva «${v('SCH', 1, 1)}».`,
          `SCH-1 must carry Qhali's follow-up ${facts.followUpId}; it carries "${v('SCH', 1, 1)}".`,
        ),
      );
    }
    if (facts.renipress && v('AIL', 3, 4, 1) !== '' && v('AIL', 3, 4, 1) !== facts.renipress) {
      out.push(
        mapFinding(
          'RIS-MAP-01',
          'AIL-3.4.1',
          `AIL-3.4.1 debe ser el RENIPRESS ${facts.renipress}; es «${v('AIL', 3, 4, 1)}».`,
          `AIL-3.4.1 must be RENIPRESS ${facts.renipress}; it is "${v('AIL', 3, 4, 1)}".`,
        ),
      );
    }
  }
  return out;
}

export const messageType = (m: Er7Message): string => `${valueAt(m, { segment: 'MSH', field: 9, component: 1 })}^${valueAt(m, { segment: 'MSH', field: 9, component: 2 })}`;
