/**
 * Seeded synthetic IMSS histories (never real people): a PacienteMx whose CURP agrees with its sex and birth date, an
 * IMSS unit from the CLUES catalogue, a doctor, and encounters over the years, each with a CIE-10 diagnosis that fits
 * the patient's sex and age that day, the prescriptions and lab results that go with it and progress notes. With the
 * default 9 years back some entries are older than the 7-year window, one sits 2 days inside it.
 */
import { generateCurp, generateNss, generatePerson, SeededRandom } from '../../../src/identifiers/mx/index.ts';
import { ageAt, cie10Codes, cie10Misfit, cnisCodes, imssClues, labCodes } from './catalogs.ts';
import { PROFILE, RETENTION_YEARS, SYSTEM } from './contract.ts';
import { type Beneficiario, type FhirResource, identifierValue, instant, type PatientRecord } from './record.ts';
import { type Context, condition, encounter, medicationRequest, note, observation, TERMINOLOGY } from './resources.ts';
import { yearsBefore } from './retention.ts';

export interface RecordOptions {
  now: Date;
  /** Progress notes in all (spread over the encounters); default one per encounter. */
  notes?: number;
  /** How far back the history reaches, in years (default 9). */
  yearsBack?: number;
  /** The IMSS unit's CLUES (default drawn from the catalogue's IMSS units). */
  clues?: string;
}

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Chronic diagnoses a patient may carry from a given age, with the share of patients who do. */
const CHRONIC: readonly { code: string; fromAge: number; share: number }[] = [
  { code: 'E119', fromAge: 30, share: 0.3 },
  { code: 'I10', fromAge: 30, share: 0.3 },
  { code: 'E785', fromAge: 30, share: 0.2 },
  { code: 'E039', fromAge: 25, share: 0.08 },
  { code: 'J459', fromAge: 5, share: 0.06 },
  { code: 'N40', fromAge: 50, share: 0.3 },
  { code: 'N951', fromAge: 48, share: 0.4 },
];
const ACUTE = ['J069', 'J00', 'J029', 'A090', 'N390', 'R51', 'M545', 'K297', 'K219', 'H103', 'J209', 'L209', 'D509', 'B86', 'F329', 'Z000', 'N946', 'Z340'];

const DRUGS: Readonly<Record<string, readonly string[]>> = {
  E119: ['010.000.5165.00', '010.000.1042.00'],
  E109: ['010.000.1050.00'],
  I10: ['010.000.2520.00', '010.000.2501.00', '010.000.0574.00'],
  E785: ['010.000.0657.00'],
  E039: ['010.000.1007.00'],
  J459: ['010.000.0429.00', '010.000.0472.00'],
  J069: ['010.000.0104.00', '010.000.0402.00'],
  J00: ['010.000.0104.00'],
  J029: ['010.000.2128.00'],
  J209: ['010.000.2128.00'],
  A090: ['010.000.0104.00'],
  N390: ['010.000.1903.00'],
  R51: ['010.000.0104.00', '010.000.3407.00'],
  M545: ['010.000.3407.00'],
  K297: ['010.000.5186.00'],
  K219: ['010.000.5186.00'],
  H103: ['010.000.2164.00'],
  L209: ['010.000.0402.00'],
  D509: ['010.000.1703.00'],
  B86: ['010.000.0861.00'],
  F329: ['010.000.3305.00'],
  N946: ['010.000.3407.00'],
  Z340: ['010.000.1706.00'],
};
const LABS: Readonly<Record<string, readonly string[]>> = {
  E119: ['2345-7', '4548-4', '14959-1'],
  I10: ['2160-0', '2823-3', '2951-2'],
  E785: ['2093-3', '2085-9', '2571-8'],
  E039: ['3016-3'],
  D509: ['718-7'],
  N390: ['5811-5', '6690-2'],
  N40: ['2160-0', '3094-0'],
  Z000: ['2345-7', '2093-3', '718-7', '777-3'],
  Z340: ['718-7', '2345-7'],
};

/** UUIDs from one draw and a counter: 50,000 notes must not cost 50,000 × 32 draws. */
function idSource(rng: SeededRandom): () => string {
  const base = rng.uuid().slice(0, 24);
  let n = 0;
  return () => base + (n++).toString(16).padStart(12, '0');
}

/** Encounter instants, oldest first: one older than the window and one 2 days inside it when the history reaches back that far. */
function encounterTimes(rng: SeededRandom, now: Date, yearsBack: number, birthMs: number): number[] {
  const from = Math.max(yearsBefore(now, yearsBack).getTime(), birthMs + 30 * DAY);
  const to = now.getTime() - DAY;
  const times: number[] = [];
  const windowStart = yearsBefore(now, RETENTION_YEARS).getTime();
  if (from < windowStart - 31 * DAY) {
    times.push(rng.int(Math.ceil(from / MINUTE), Math.floor((windowStart - 31 * DAY) / MINUTE)) * MINUTE);
    times.push(windowStart + 2 * DAY);
  }
  const count = rng.int(8, 16);
  for (let i = 0; i < count; i++) times.push(rng.int(Math.ceil(from / MINUTE), Math.floor(to / MINUTE)) * MINUTE);
  return times.sort((a, b) => a - b);
}

function draw(rng: SeededRandom, low: number, high: number, decimals: number): number {
  return Number((low + rng.next() * (high - low)).toFixed(decimals));
}

export function generateRecord(rng: SeededRandom, opts: RecordOptions): PatientRecord {
  const { now } = opts;
  const yearsBack = opts.yearsBack ?? 9;
  const nextId = idSource(rng.fork('ids'));
  const person = generatePerson(rng.fork('person'));
  const dated = rng.fork('birth');
  const birthMs = yearsBefore(now, dated.int(yearsBack + 1, 85)).getTime() - dated.int(0, 364) * DAY;
  const birthDate = instant(birthMs).slice(0, 10);
  const curp = generateCurp(rng.fork('curp'), { ...person, fechaNacimiento: birthDate, entidad: person.entidadNacimiento });
  const gender = person.sexo === 'H' ? 'male' : 'female';
  const clues = opts.clues ?? rng.fork('clues').pick(imssClues());
  const organization: FhirResource = {
    resourceType: 'Organization',
    id: nextId(),
    identifier: [
      { system: SYSTEM.clues, value: clues },
      { system: SYSTEM.institution, value: 'IMSS' },
    ],
    active: true,
    name: `IMSS Unidad de Medicina Familiar ${clues}`,
  };
  const doctor = generatePerson(rng.fork('practitioner'));
  const practitioner: FhirResource = {
    resourceType: 'Practitioner',
    id: nextId(),
    identifier: [{ system: TERMINOLOGY.cedula, value: String(rng.fork('cedula').int(1_000_000, 12_999_999)) }],
    name: [{ family: doctor.primerApellido, given: doctor.nombre.split(' ') }],
  };
  const hasSecond = person.segundoApellido !== 'XX';
  const patient: FhirResource = {
    resourceType: 'Patient',
    id: nextId(),
    meta: { profile: [PROFILE.patient] },
    identifier: [{ use: 'official', system: SYSTEM.curp, value: curp }],
    active: true,
    name: [
      {
        use: 'official',
        family: hasSecond ? `${person.primerApellido} ${person.segundoApellido}` : person.primerApellido,
        _family: {
          extension: [{ url: TERMINOLOGY.fathersFamily, valueString: person.primerApellido }, ...(hasSecond ? [{ url: TERMINOLOGY.mothersFamily, valueString: person.segundoApellido }] : [])],
        },
        given: person.nombre.split(' '),
      },
    ],
    gender,
    birthDate,
    managingOrganization: { reference: `urn:uuid:${organization.id}` },
  };
  const ctx: Context = { patient, practitioner, organization };
  const clinical = history(rng.fork('history'), ctx, { now, yearsBack, birthMs, birthDate, gender, notes: opts.notes, nextId });
  return { curp, patient, organization, practitioner, clinical };
}

interface HistoryInput {
  now: Date;
  yearsBack: number;
  birthMs: number;
  birthDate: string;
  gender: string;
  notes: number | undefined;
  nextId: () => string;
}

function history(rng: SeededRandom, ctx: Context, h: HistoryInput): FhirResource[] {
  const cie10 = cie10Codes();
  const labs = labCodes();
  const cnis = cnisCodes();
  const ageNow = ageAt(h.birthDate, instant(h.now.getTime()));
  const chronic = CHRONIC.filter((c) => ageNow >= c.fromAge && rng.next() < c.share && cie10Misfit(cie10[c.code] ?? { title: '' }, h.gender, ageNow) === undefined).map((c) => c.code);
  const times = encounterTimes(rng, h.now, h.yearsBack, h.birthMs);
  const out: FhirResource[] = [];
  const encounters: { enc: FhirResource; ms: number; text: string }[] = [];
  for (const ms of times) {
    const start = instant(ms);
    const age = ageAt(h.birthDate, start);
    const enc = encounter(h.nextId(), ctx, start, instant(ms + 20 * MINUTE));
    let code = chronic.length > 0 && rng.next() < 0.6 ? rng.pick(chronic) : rng.pick(ACUTE);
    // The catalogue's limits are what a code may carry; a synthetic pregnancy also keeps to the usual ages (16–45).
    const pregnancyAge = (c: string): boolean => !(c.startsWith('O') || c.startsWith('Z34')) || (age >= 16 && age <= 45);
    const fits = (c: string): boolean => cie10[c] !== undefined && cie10Misfit(cie10[c], h.gender, age) === undefined && pregnancyAge(c);
    if (!fits(code)) code = 'Z000';
    const entry = cie10[code] ?? { title: code };
    const isChronic = chronic.includes(code);
    const cond = condition(h.nextId(), ctx, enc, code, entry.title, isChronic, start);
    out.push(enc, cond);
    const drugs = DRUGS[code] ?? [];
    let plan = 'vigilancia';
    if (drugs.length > 0) {
      const clave = rng.pick(drugs);
      const display = cnis[clave]?.display ?? clave;
      plan = display;
      out.push(medicationRequest(h.nextId(), ctx, enc, cond, clave, display, start, isChronic && h.now.getTime() - ms < 365 * DAY));
    }
    for (const loinc of LABS[code] ?? []) {
      const lab = labs[loinc];
      if (lab) out.push(observation(h.nextId(), ctx, enc, loinc, lab.display, draw(rng, lab.low, lab.high, lab.decimals), lab.unit, start));
    }
    const sexo = h.gender === 'male' ? 'masculino' : 'femenino';
    const text = `Paciente ${sexo} de ${age} años, consulta de medicina familiar. Diagnóstico: ${entry.title} (${code}). Plan: ${plan}.`;
    encounters.push({ enc, ms, text });
  }
  const total = h.notes ?? encounters.length;
  for (let k = 0; k < total; k++) {
    const e = encounters[k % encounters.length];
    if (!e) break;
    const round = Math.floor(k / encounters.length);
    const text = `Nota de evolución ${round + 1}. ${e.text}`;
    out.push(note(h.nextId(), ctx, e.enc, instant(e.ms + (round % 600) * 1000), Buffer.from(text, 'utf8').toString('base64')));
  }
  return out;
}

/** The padrón record mx-pgs holds for the record's patient (domicilio and NSS drawn from the CURP). */
export function beneficiarioOf(record: PatientRecord, rng?: SeededRandom): Beneficiario {
  const name = (record.patient.name as { family: string; given: string[]; _family?: { extension?: { url: string; valueString: string }[] } }[])[0];
  const ext = (url: string): string | undefined => name?._family?.extension?.find((e) => e.url === url)?.valueString;
  const draws = rng ?? new SeededRandom(`beneficiario:${record.curp}`);
  const entidad = String(draws.int(1, 32)).padStart(2, '0');
  const clues = identifierValue(record.organization, SYSTEM.clues);
  return {
    curp: record.curp,
    nombre: (name?.given ?? []).join(' '),
    primerApellido: ext(TERMINOLOGY.fathersFamily) ?? name?.family ?? '',
    segundoApellido: ext(TERMINOLOGY.mothersFamily) ?? 'XX',
    fechaNacimiento: String(record.patient.birthDate),
    sexo: record.patient.gender === 'male' ? 'H' : record.patient.gender === 'female' ? 'M' : 'X',
    entidadNacimiento: record.curp.slice(11, 13),
    nacionalidad: 'MEX',
    domicilio: { entidad, municipio: String(draws.int(1, 120)).padStart(3, '0'), localidad: String(draws.int(1, 300)).padStart(4, '0'), cp: String(draws.int(1000, 99999)).padStart(5, '0') },
    afiliacion: { institucion: 'IMSS', numeroAfiliacion: generateNss(draws), tipo: 'TITULAR', vigenciaInicio: String(record.patient.birthDate), estatus: 'VIGENTE' },
    unidadAdscripcion: clues,
  };
}

export { consentFor } from './consent.ts';
