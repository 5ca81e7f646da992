/**
 * UBIGEO: 6 digits DDPPdd (department, province, district). INEI and RENIEC number departments
 * differently (Lima is 15 in INEI, 14 in RENIEC), so a code means nothing without its list; INEI
 * is the default because pe-ris addresses use it (RP-03).
 *
 * Only a subset of INEI districts ships (profiles/pe-ris/catalogs/ubigeo-inei.json, Cajamarca):
 * inside a covered department a district must be listed; elsewhere only the department is checked,
 * because reporting every uncatalogued district as unknown would reject real addresses.
 */
import { readFileSync } from 'node:fs';
import { type Finding, finding } from '../../findings/finding.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { typeName } from '../shared.ts';

export type UbigeoList = 'INEI' | 'RENIEC';

/** Department codes of each list (source: INEI and RENIEC public tables). */
export const UBIGEO_DEPARTMENTS: Readonly<Record<UbigeoList, Readonly<Record<string, string>>>> = Object.freeze({
  INEI: Object.freeze({
    '01': 'Amazonas',
    '02': 'Áncash',
    '03': 'Apurímac',
    '04': 'Arequipa',
    '05': 'Ayacucho',
    '06': 'Cajamarca',
    '07': 'Callao',
    '08': 'Cusco',
    '09': 'Huancavelica',
    '10': 'Huánuco',
    '11': 'Ica',
    '12': 'Junín',
    '13': 'La Libertad',
    '14': 'Lambayeque',
    '15': 'Lima',
    '16': 'Loreto',
    '17': 'Madre de Dios',
    '18': 'Moquegua',
    '19': 'Pasco',
    '20': 'Piura',
    '21': 'Puno',
    '22': 'San Martín',
    '23': 'Tacna',
    '24': 'Tumbes',
    '25': 'Ucayali',
  }),
  RENIEC: Object.freeze({
    '01': 'Amazonas',
    '02': 'Áncash',
    '03': 'Apurímac',
    '04': 'Arequipa',
    '05': 'Ayacucho',
    '06': 'Cajamarca',
    '07': 'Cusco',
    '08': 'Huancavelica',
    '09': 'Huánuco',
    '10': 'Ica',
    '11': 'Junín',
    '12': 'La Libertad',
    '13': 'Lambayeque',
    '14': 'Lima',
    '15': 'Loreto',
    '16': 'Madre de Dios',
    '17': 'Moquegua',
    '18': 'Pasco',
    '19': 'Piura',
    '20': 'Puno',
    '21': 'San Martín',
    '22': 'Tacna',
    '23': 'Tumbes',
    '24': 'Callao',
    '25': 'Ucayali',
  }),
});

export interface UbigeoCatalogue {
  list: UbigeoList;
  /** Departments whose districts are all listed; codes elsewhere are not looked up. */
  coveredDepartments: ReadonlySet<string>;
  provinces: ReadonlyMap<string, string>;
  districts: ReadonlyMap<string, string>;
}

export interface UbigeoOptions {
  location?: string;
  list?: UbigeoList;
  /** Defaults to the shipped INEI subset for list INEI; RENIEC has no district catalogue in Sello. */
  catalogue?: UbigeoCatalogue;
}

export function validateUbigeo(value: unknown, opts: UbigeoOptions = {}): Finding[] {
  const location = opts.location ?? '';
  const list = opts.list ?? 'INEI';
  if (typeof value !== 'string' || !/^\d{6}$/.test(value)) {
    const got = typeof value === 'string' ? `${value.length} caracteres` : typeName(value);
    const gotEn = typeof value === 'string' ? `${value.length} characters` : typeName(value);
    return [
      finding('ID-UBIGEO-FORMAT', 'error', 'invalid', location, {
        es: `El UBIGEO debe ser una cadena de 6 dígitos (departamento, provincia, distrito); se recibió ${got}.`,
        en: `The UBIGEO must be a string of 6 digits (department, province, district); got ${gotEn}.`,
      }),
    ];
  }
  const departments = UBIGEO_DEPARTMENTS[list];
  if (departments === undefined) throw new RangeError(`validateUbigeo: list must be INEI or RENIEC, got '${String(list)}'`);
  const dept = value.slice(0, 2);
  const unknown = (es: string, en: string): Finding[] => [finding('ID-UBIGEO-UNKNOWN', 'error', 'code-invalid', location, { es, en })];
  const deptName = departments[dept];
  if (deptName === undefined) {
    return unknown(`El departamento ${dept} del UBIGEO ${value} no existe en la lista ${list}.`, `Department ${dept} of UBIGEO ${value} does not exist in the ${list} list.`);
  }
  if (value.slice(2, 4) === '00' || value.slice(4, 6) === '00') {
    return unknown(`El UBIGEO ${value} no designa un distrito (provincia o distrito 00).`, `UBIGEO ${value} does not name a district (province or district 00).`);
  }
  const catalogue = opts.catalogue ?? (list === 'INEI' ? loadUbigeoCatalogue() : undefined);
  if (catalogue === undefined || catalogue.list !== list || !catalogue.coveredDepartments.has(dept)) return [];
  if (!catalogue.districts.has(value)) {
    const province = catalogue.provinces.has(value.slice(0, 4))
      ? `la provincia ${catalogue.provinces.get(value.slice(0, 4)) ?? ''} no tiene el distrito ${value.slice(4)}`
      : `${deptName} no tiene la provincia ${value.slice(2, 4)}`;
    const provinceEn = catalogue.provinces.has(value.slice(0, 4))
      ? `province ${catalogue.provinces.get(value.slice(0, 4)) ?? ''} has no district ${value.slice(4)}`
      : `${deptName} has no province ${value.slice(2, 4)}`;
    return unknown(`El UBIGEO ${value} no está en la lista ${list}: ${province}.`, `UBIGEO ${value} is not in the ${list} list: ${provinceEn}.`);
  }
  return [];
}

const CATALOGUE_URL = new URL('../../../programs/pe-ris/profiles/catalogs/ubigeo-inei.json', import.meta.url);
let catalogueCache: UbigeoCatalogue | undefined;

function stringRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

/** The INEI subset shipped with the pe-ris profiles, read once per process. */
export function loadUbigeoCatalogue(): UbigeoCatalogue {
  if (catalogueCache) return catalogueCache;
  const parsed = JSON.parse(readFileSync(CATALOGUE_URL, 'utf8')) as Record<string, unknown> | null;
  const covered = parsed?.['coveredDepartments'];
  const provinces = parsed?.['provinces'];
  const districts = parsed?.['districts'];
  if (parsed?.['list'] !== 'INEI' || !Array.isArray(covered) || !covered.every((c): c is string => typeof c === 'string') || !stringRecord(provinces) || !stringRecord(districts)) {
    throw new Error(`${CATALOGUE_URL.pathname}: expected { list: "INEI", coveredDepartments: string[], provinces, districts }`);
  }
  catalogueCache = {
    list: 'INEI',
    coveredDepartments: new Set(covered),
    provinces: new Map(Object.entries(provinces)),
    districts: new Map(Object.entries(districts)),
  };
  return catalogueCache;
}

/** A district of the shipped INEI catalogue (Cajamarca), so that it passes RP-03. */
export function generateUbigeo(rng: SeededRandom): string {
  return rng.pick([...loadUbigeoCatalogue().districts.keys()].sort());
}
