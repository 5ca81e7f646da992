/**
 * Synthetic people and clinics for ru-egisz, from a seed: Russian names from small lists of Sello's own, identifiers
 * with valid check digits from src/identifiers/ru, FRMO-like OIDs and MIS-local ids. Nobody here is real.
 */
import { generateOgrn, generateSnils } from '../../../src/identifiers/ru/index.ts';
import type { SeededRandom } from '../../../src/identifiers/seeded-random.ts';

/** 1 male, 2 female: the codes of the gender book (1.2.643.5.1.13.13.11.1040). */
export type Gender = '1' | '2';

export interface PersonName {
  family: string;
  given: string;
  patronymic: string;
}

export interface SyntheticPerson extends PersonName {
  gender: Gender;
  /** YYYY-MM-DD */
  birthDate: string;
  snils: string;
}

/** A medical organization as FRMO would list it, with the MIS that writes its documents. */
export interface SyntheticClinic {
  /** FRMO-like OID of the medical organization (under 1.2.643.5.1.13.13.12.2, as FRMO's are). */
  moOid: string;
  name: string;
  ogrn: string;
  department: { oid: string; name: string };
  /** The MIS's number and instance: local ids are `<moOid>.100.<misNumber>.<instance>.<suffix>`. */
  misNumber: number;
  instance: number;
}

/** Suffixes of MIS-local id roots: document, set, patient, staff. */
export type LocalIdSuffix = 51 | 50 | 10 | 70;

export const localIdRoot = (clinic: SyntheticClinic, suffix: LocalIdSuffix): string => `${clinic.moOid}.100.${clinic.misNumber}.${clinic.instance}.${suffix}`;

// Family names given in the male form; the female form of each adds «а» (all end in -ов, -ев or -ин).
const FAMILIES = [
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
  'Морозов',
  'Волков',
  'Лебедев',
  'Семёнов',
  'Егоров',
  'Павлов',
  'Козлов',
  'Степанов',
  'Никитин',
  'Ильин',
];
const MALE = ['Александр', 'Дмитрий', 'Максим', 'Сергей', 'Андрей', 'Алексей', 'Иван', 'Михаил', 'Николай', 'Пётр'];
const FEMALE = ['Анна', 'Мария', 'Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ирина', 'Светлана', 'Екатерина', 'Юлия'];
// Fathers' names in both patronymic forms.
const PATRONYMICS: ReadonlyArray<[string, string]> = [
  ['Александрович', 'Александровна'],
  ['Сергеевич', 'Сергеевна'],
  ['Иванович', 'Ивановна'],
  ['Петрович', 'Петровна'],
  ['Николаевич', 'Николаевна'],
  ['Андреевич', 'Андреевна'],
  ['Михайлович', 'Михайловна'],
  ['Дмитриевич', 'Дмитриевна'],
];
const CLINICS = ['Клиника профилактической медицины «Здоровье»', 'Медицинский центр «Северный» (ООО)', 'Центр профосмотров «Медлайн»', 'Клиника «Доктор & Ко»'];
const DEPARTMENTS = ['Отделение профилактических медицинских осмотров', 'Кабинет профпатолога', 'Отделение медицинских осмотров'];

export function syntheticName(rng: SeededRandom, gender: Gender): PersonName {
  const family = rng.pick(FAMILIES);
  const [male, female] = rng.pick(PATRONYMICS);
  return gender === '1' ? { family, given: rng.pick(MALE), patronymic: male } : { family: `${family}а`, given: rng.pick(FEMALE), patronymic: female };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A calendar date (YYYY-MM-DD) uniformly between two inclusive dates. */
export function dateBetween(rng: SeededRandom, from: string, to: string): string {
  const day = 86_400_000;
  const a = Date.parse(`${from}T00:00:00Z`) / day;
  const b = Date.parse(`${to}T00:00:00Z`) / day;
  if (!(a <= b)) throw new RangeError(`dateBetween: ${from} is after ${to}`);
  return new Date(rng.int(a, b) * day).toISOString().slice(0, 10);
}

export function syntheticPerson(rng: SeededRandom, options: { gender?: Gender; bornFrom?: string; bornTo?: string } = {}): SyntheticPerson {
  const gender = options.gender ?? rng.pick<Gender>(['1', '2']);
  return { ...syntheticName(rng, gender), gender, birthDate: dateBetween(rng, options.bornFrom ?? '1960-01-01', options.bornTo ?? '2004-12-31'), snils: generateSnils(rng) };
}

export function syntheticClinic(rng: SeededRandom): SyntheticClinic {
  const moOid = `1.2.643.5.1.13.13.12.2.${rng.int(1, 99)}.${rng.int(1000, 99_999)}`;
  return {
    moOid,
    name: rng.pick(CLINICS),
    ogrn: generateOgrn(rng),
    department: { oid: `${moOid}.0.${rng.int(100_000, 999_999)}`, name: rng.pick(DEPARTMENTS) },
    misNumber: rng.int(1, 999),
    instance: rng.int(1, 9),
  };
}

/** A passport of the Russian Federation: series (4 digits) and number (6), issued at 20 or later. */
export function syntheticPassport(rng: SeededRandom, birthDate: string): { series: string; number: string; issuedBy: string; issuerCode: string; issueDate: string } {
  const born = Number(birthDate.slice(0, 4));
  const issued = `${Math.min(born + 20 + rng.int(0, 5), 2022)}${birthDate.slice(4)}`;
  return {
    series: pad(rng.int(1, 9999), 4),
    number: pad(rng.int(1, 999_999), 6),
    issuedBy: 'ГУ МВД России по синтетической области',
    issuerCode: `${pad(rng.int(100, 999), 3)}-${pad(rng.int(1, 999), 3)}`,
    issueDate: issued.endsWith('-02-29') ? issued.replace('-02-29', '-02-28') : issued,
  };
}

/**
 * A second FRMO organization of the same legal entity (same OGRN, same staff): what a registration can name in its
 * metadata while its CDA names the first, so that REMD's only objection is RR-03's. FRMO OIDs are distinct arcs.
 */
export const sisterOrganizationOid = (clinic: SyntheticClinic): string => `${clinic.moOid}1`;
