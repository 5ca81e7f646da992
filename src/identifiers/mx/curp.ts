/**
 * CURP (Clave Única de Registro de Población): format, date, state and check digit, and a
 * generator that derives the CURP from the person data the way RENAPO does, so a synthetic
 * record's CURP agrees with its names, birth date and sex (RN-02 depends on that).
 */
import { type Finding, finding } from '../../findings/finding.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { notAString } from '../shared.ts';
import { DIGITS, isRealDate, pad2, randomIsoDate, UPPER_LETTERS } from './shared.ts';

/** RENAPO state codes; NE = born abroad (nacido en el extranjero). */
export const CURP_STATES: readonly string[] = Object.freeze([
  'AS',
  'BC',
  'BS',
  'CC',
  'CH',
  'CL',
  'CM',
  'CS',
  'DF',
  'DG',
  'GR',
  'GT',
  'HG',
  'JC',
  'MC',
  'MN',
  'MS',
  'NE',
  'NL',
  'NT',
  'OC',
  'PL',
  'QR',
  'QT',
  'SL',
  'SP',
  'SR',
  'TC',
  'TL',
  'TS',
  'VZ',
  'YN',
  'ZS',
]);
const STATE_SET: ReadonlySet<string> = new Set(CURP_STATES);

/** The DGIS placeholder for a patient whose CURP is unknown. */
export const GENERIC_CURP = 'XXXX999999XXXXXX99';

/** Check-digit alphabet: a character's value is its index (Ñ sits between N and O). */
export const CURP_ALPHABET = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';

const CURP_RE = /^[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[A-Z\d]\d$/;

/**
 * RENAPO's "palabras inconvenientes": when the first four letters spell one of these, the
 * second letter is replaced by X, so a CURP that still spells one was not issued by RENAPO.
 * List as in python-stdnum (stdnum/mx/curp.py).
 */
export const INCONVENIENT_WORDS: ReadonlySet<string> = new Set(
  `BACA BAKA BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COGI COJA COJE COJI COJO COLA CULO FALO FETO
   GETA GUEI GUEY JETA JOTO KACA KACO KAGA KAGO KAKA KAKO KOGE KOGI KOJA KOJE KOJI KOJO KOLA KULO LILO
   LOCA LOCO LOKA LOKO MAME MAMO MEAR MEAS MEON MIAR MION MOCO MOKO MULA MULO NACA NACO PEDA PEDO PENE
   PIPI PITO POPO PUTA PUTO QULO RATA ROBA ROBE ROBO RUIN SENO TETA VACA VAGA VAGO VAKA VUEI VUEY WUEI
   WUEY`.split(/\s+/),
);

/** A character's index in CURP_ALPHABET, by arithmetic (validation runs it 17 times a CURP); -1 outside it. */
function alphabetValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x4e) return c - 0x41 + 10;
  if (c === 0xd1) return 24;
  if (c >= 0x4f && c <= 0x5a) return c - 0x4f + 25;
  return -1;
}

export function curpCheckDigit(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`curpCheckDigit needs 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = alphabetValue(first17.charCodeAt(i));
    if (v < 0) throw new RangeError(`curpCheckDigit: '${first17.charAt(i)}' is not in the CURP alphabet`);
    sum += v * (18 - i);
  }
  return String((10 - (sum % 10)) % 10);
}

export interface ParsedCurp {
  fechaNacimiento: string;
  sexo: 'H' | 'M' | 'X';
  entidad: string;
}

/**
 * Reads birth date, sex and state out of a CURP. Undefined when the format is wrong or the
 * date does not exist, since callers compare the date with the record (RN-02) and an
 * impossible date would compare as a mismatch for the wrong reason. The state is returned as
 * written, even if unknown: validateCurp reports that.
 */
export function parseCurp(value: string): ParsedCurp | undefined {
  if (typeof value !== 'string' || !CURP_RE.test(value)) return undefined;
  const fechaNacimiento = curpBirthDate(value);
  if (fechaNacimiento === undefined) return undefined;
  return { fechaNacimiento, sexo: value.charAt(10) as ParsedCurp['sexo'], entidad: value.slice(11, 13) };
}

/** Birth date of a format-valid CURP as YYYY-MM-DD, or undefined when the day does not exist. */
function curpBirthDate(curp: string): string | undefined {
  const yy = Number(curp.slice(4, 6));
  const mm = Number(curp.slice(6, 8));
  const dd = Number(curp.slice(8, 10));
  // RENAPO's differentiator is a digit for people born before 2000 and a letter from 2000 on.
  const year = (/\d/.test(curp.charAt(16)) ? 1900 : 2000) + yy;
  if (!isRealDate(year, mm, dd)) return undefined;
  return `${year}-${pad2(mm)}-${pad2(dd)}`;
}

export interface CurpOptions {
  location?: string;
  /** DGIS accepts the generic CURP for patients only; RN-01 refuses it for an online alta. */
  allowGeneric?: boolean;
}

export function validateCurp(value: unknown, opts: CurpOptions = {}): Finding[] {
  const location = opts.location ?? '';
  if (typeof value !== 'string') {
    return [notAString('ID-CURP-FORMAT', location, value, { es: 'La CURP debe ser una cadena de texto', en: 'The CURP must be a string' })];
  }
  if (value === GENERIC_CURP) {
    if (opts.allowGeneric) return [];
    return [
      finding('ID-CURP-GENERIC', 'error', 'value', location, {
        es: `La CURP genérica ${GENERIC_CURP} no se admite en este contexto.`,
        en: `The generic CURP ${GENERIC_CURP} is not accepted here.`,
      }),
    ];
  }
  if (!CURP_RE.test(value)) {
    return [
      finding('ID-CURP-FORMAT', 'error', 'invalid', location, {
        es: 'La CURP no tiene el formato de 18 caracteres de RENAPO (4 letras, fecha AAMMDD, sexo H/M/X, entidad, 3 consonantes, diferenciador y dígito verificador), en mayúsculas.',
        en: 'The CURP does not have the 18-character RENAPO format (4 letters, YYMMDD date, sex H/M/X, state, 3 consonants, differentiator and check digit), in upper case.',
      }),
    ];
  }
  const findings: Finding[] = [];
  if (INCONVENIENT_WORDS.has(value.slice(0, 4))) {
    findings.push(
      finding('ID-CURP-FORMAT', 'error', 'invalid', location, {
        es: 'Las cuatro primeras letras de la CURP forman una palabra inconveniente que RENAPO sustituye (segunda letra por X); esta CURP no pudo ser emitida.',
        en: 'The first four letters of the CURP spell a word RENAPO replaces (second letter by X); this CURP cannot have been issued.',
      }),
    );
  }
  if (curpBirthDate(value) === undefined) {
    const date = value.slice(4, 10);
    findings.push(
      finding('ID-CURP-DATE', 'error', 'value', location, {
        es: `La fecha de nacimiento de la CURP (${date}, AAMMDD) no es una fecha real.`,
        en: `The CURP birth date (${date}, YYMMDD) is not a real date.`,
      }),
    );
  }
  const state = value.slice(11, 13);
  if (!STATE_SET.has(state)) {
    findings.push(
      finding('ID-CURP-STATE', 'error', 'value', location, {
        es: `La entidad de nacimiento ${state} de la CURP no es una clave de entidad de RENAPO.`,
        en: `The CURP birth state ${state} is not a RENAPO state code.`,
      }),
    );
  }
  const expected = curpCheckDigit(value.slice(0, 17));
  if (value.charAt(17) !== expected) {
    findings.push(
      finding('ID-CURP-CHECKDIGIT', 'error', 'value', location, {
        es: `El dígito verificador de la CURP es ${value.charAt(17)}; debería ser ${expected}.`,
        en: `The CURP check digit is ${value.charAt(17)}; it should be ${expected}.`,
      }),
    );
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Generation

export interface CurpPerson {
  nombre?: string;
  primerApellido?: string;
  segundoApellido?: string;
  fechaNacimiento?: string;
  sexo?: 'H' | 'M' | 'X';
  entidad?: string;
}

export interface SyntheticPerson {
  nombre: string;
  primerApellido: string;
  segundoApellido: string;
  fechaNacimiento: string;
  sexo: 'H' | 'M';
  entidadNacimiento: string;
  curp: string;
}

// Common given names and surnames combined at random: the combinations are synthetic.
// Compound names, particles (DE LA, DEL), Ñ and vowel-less surnames (UC) are there on purpose,
// because they exercise the RENAPO derivation rules.
const NOMBRES_H: readonly string[] = [
  'JOSE LUIS',
  'JUAN',
  'CARLOS',
  'MIGUEL ANGEL',
  'FRANCISCO',
  'JESUS',
  'ALEJANDRO',
  'PEDRO',
  'RICARDO',
  'FERNANDO',
  'JORGE',
  'ROBERTO',
  'EDUARDO',
  'DANIEL',
  'SANTIAGO',
  'DIEGO',
  'EMILIANO',
  'LUIS',
  'ARTURO',
  'RAUL',
  'SERGIO',
  'JAVIER',
  'MANUEL',
  'ANTONIO',
  'OSCAR',
  'HECTOR',
  'MARIO',
  'IVAN',
  'ANGEL',
  'SEBASTIAN',
  'JOSE',
  'JUAN CARLOS',
  'JOSE ANTONIO',
  'ISMAEL',
  'URIEL',
  'ENRIQUE',
  'IÑAKI',
];
const NOMBRES_M: readonly string[] = [
  'MARIA GUADALUPE',
  'GUADALUPE',
  'MARIA FERNANDA',
  'ANA',
  'ROSA',
  'LETICIA',
  'PATRICIA',
  'GABRIELA',
  'VERONICA',
  'ALEJANDRA',
  'ELIZABETH',
  'DANIELA',
  'SOFIA',
  'XIMENA',
  'VALERIA',
  'CAMILA',
  'REGINA',
  'ADRIANA',
  'LAURA',
  'SANDRA',
  'CLAUDIA',
  'MONICA',
  'YOLANDA',
  'MARTHA',
  'FERNANDA',
  'ITZEL',
  'ANDREA',
  'MARIA JOSE',
  'LUCIA',
  'ISABEL',
  'MARIA',
  'ANA KAREN',
  'ESMERALDA',
  'IRMA',
  'OFELIA',
  'NAYELI',
];
const APELLIDOS: readonly string[] = [
  'HERNANDEZ',
  'GARCIA',
  'MARTINEZ',
  'LOPEZ',
  'GONZALEZ',
  'RODRIGUEZ',
  'PEREZ',
  'SANCHEZ',
  'RAMIREZ',
  'CRUZ',
  'FLORES',
  'GOMEZ',
  'MORALES',
  'VAZQUEZ',
  'REYES',
  'JIMENEZ',
  'TORRES',
  'DIAZ',
  'GUTIERREZ',
  'RUIZ',
  'MENDOZA',
  'AGUILAR',
  'ORTIZ',
  'MORENO',
  'CASTILLO',
  'ROMERO',
  'ALVAREZ',
  'MENDEZ',
  'CHAVEZ',
  'RIVERA',
  'JUAREZ',
  'RAMOS',
  'DOMINGUEZ',
  'HERRERA',
  'MEDINA',
  'CASTRO',
  'VARGAS',
  'GUZMAN',
  'VELAZQUEZ',
  'MUÑOZ',
  'NUÑEZ',
  'PEÑA',
  'IBAÑEZ',
  'DE LA CRUZ',
  'DEL ANGEL',
  'DE LEON',
  'OCHOA',
  'UC',
  'OJEDA',
  'ESTRADA',
  'SALAZAR',
  'CERVANTES',
  'ESPINOZA',
  'BAUTISTA',
  'CAMPOS',
  'SOLIS',
  'LUNA',
];

/** Particles RENAPO skips in compound names (Instructivo Normativo para la asignación de la CURP). */
const PARTICLES: ReadonlySet<string> = new Set(['DA', 'DAS', 'DE', 'DEL', 'DER', 'DI', 'DIE', 'DD', 'EL', 'LA', 'LOS', 'LAS', 'LE', 'LES', 'MAC', 'MC', 'VAN', 'VON', 'Y']);
/** When a compound given name starts with one of these, RENAPO uses the next name. */
const SKIPPED_FIRST_NAMES: ReadonlySet<string> = new Set(['MARIA', 'MA', 'MA.', 'M', 'M.', 'JOSE', 'J', 'J.']);

const VOWELS = 'AEIOU';
const CONSONANTS = 'BCDFGHJKLMNPQRSTVWXYZ';

/** Upper case, Ñ → X (as RENAPO writes it), accents and apostrophes dropped, other symbols read as word breaks. */
function normalizeName(name: string): string {
  return name
    .toUpperCase()
    .replace(/Ñ/g, 'X')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’`]/g, '')
    .replace(/[^A-Z. ]/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

/** The word of a (possibly compound) name RENAPO takes letters from. */
function significantWord(name: string, isGivenName: boolean): string {
  const words = normalizeName(name)
    .split(' ')
    .filter((w) => w.length > 0);
  let candidates = words.filter((w) => !PARTICLES.has(w));
  if (candidates.length === 0) candidates = words;
  if (isGivenName && candidates.length > 1 && SKIPPED_FIRST_NAMES.has(candidates[0] ?? '')) {
    candidates = candidates.slice(1);
  }
  return (candidates[0] ?? '').replace(/\./g, '');
}

const firstLetter = (word: string): string => (/^[A-Z]/.test(word) ? word.charAt(0) : 'X');
function firstInternal(word: string, set: string): string {
  for (let i = 1; i < word.length; i++) if (set.includes(word.charAt(i))) return word.charAt(i);
  return 'X';
}

const isMissingSurname = (s: string | undefined): boolean => s === undefined || normalizeName(s) === '' || normalizeName(s) === 'XX' || normalizeName(s) === 'X';

/**
 * Builds a valid CURP from the person data, drawing what is not given. Every random field is
 * drawn whether or not it is given, so supplying one field does not reshuffle the others.
 * Throws RangeError when a given field cannot produce a valid CURP (unknown state, a date that
 * does not exist or lies outside 1900–2099).
 */
export function generateCurp(rng: SeededRandom, person: CurpPerson = {}): string {
  const drawnSexo: 'H' | 'M' = rng.next() < 0.5 ? 'H' : 'M';
  const sexo = person.sexo ?? drawnSexo;
  const drawnNombre = rng.pick(sexo === 'M' ? NOMBRES_M : NOMBRES_H);
  const drawnApellido1 = rng.pick(APELLIDOS);
  const drawnApellido2 = rng.pick(APELLIDOS);
  const drawnFecha = randomIsoDate(rng, '1930-01-01', '2024-12-31');
  const drawnEntidad = rng.pick(CURP_STATES);
  const differentiatorDraw = rng.next();

  const nombre = person.nombre ?? drawnNombre;
  const primerApellido = person.primerApellido ?? drawnApellido1;
  const segundoApellido = person.segundoApellido ?? drawnApellido2;
  const fecha = person.fechaNacimiento ?? drawnFecha;
  const entidad = person.entidad ?? drawnEntidad;

  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(fecha);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  const day = Number(m?.[3]);
  if (!m || !isRealDate(year, month, day) || year < 1900 || year > 2099) {
    throw new RangeError(`generateCurp: fechaNacimiento '${fecha}' is not a YYYY-MM-DD date in 1900–2099`);
  }
  if (!STATE_SET.has(entidad)) throw new RangeError(`generateCurp: '${entidad}' is not a RENAPO state code`);
  if (!['H', 'M', 'X'].includes(sexo)) throw new RangeError(`generateCurp: sexo '${String(sexo)}' is not H, M or X`);

  const ap1 = significantWord(primerApellido, false);
  const ap2 = isMissingSurname(segundoApellido) ? '' : significantWord(segundoApellido, false);
  const nom = significantWord(nombre, true);

  let initials = firstLetter(ap1) + firstInternal(ap1, VOWELS) + (ap2 ? firstLetter(ap2) : 'X') + firstLetter(nom);
  if (INCONVENIENT_WORDS.has(initials)) initials = `${initials.charAt(0)}X${initials.slice(2)}`;

  const consonants = firstInternal(ap1, CONSONANTS) + (ap2 ? firstInternal(ap2, CONSONANTS) : 'X') + firstInternal(nom, CONSONANTS);
  const differentiator = year < 2000 ? DIGITS.charAt(Math.floor(differentiatorDraw * 10)) : UPPER_LETTERS.charAt(Math.floor(differentiatorDraw * 26));

  const first17 = initials + pad2(year % 100) + pad2(month) + pad2(day) + sexo + entidad + consonants + differentiator;
  return first17 + curpCheckDigit(first17);
}

/** A synthetic person (common names combined at random, no real person) with a CURP that agrees with it. */
export function generatePerson(rng: SeededRandom): SyntheticPerson {
  const sexo: 'H' | 'M' = rng.next() < 0.5 ? 'H' : 'M';
  const nombre = rng.pick(sexo === 'H' ? NOMBRES_H : NOMBRES_M);
  const primerApellido = rng.pick(APELLIDOS);
  // A share of people have a single surname, written XX as the PGS record asks.
  const segundoApellido = rng.next() < 0.04 ? 'XX' : rng.pick(APELLIDOS);
  const fechaNacimiento = randomIsoDate(rng, '1930-01-01', '2024-12-31');
  const entidadNacimiento = rng.pick(CURP_STATES);
  const curp = generateCurp(rng, {
    nombre,
    primerApellido,
    segundoApellido,
    fechaNacimiento,
    sexo,
    entidad: entidadNacimiento,
  });
  return { nombre, primerApellido, segundoApellido, fechaNacimiento, sexo, entidadNacimiento, curp };
}
