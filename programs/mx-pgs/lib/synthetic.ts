import { curpCheckDigit, generateClues, generateNss, generatePerson } from '../../../src/identifiers/mx/index.ts';
import type { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import { addDays } from '../../../src/util/dates.ts';
import type { Beneficiario, Institucion, TipoAfiliacion } from './types.ts';

// INEGI state numbers in the order of the CURP state codes, so a domicile agrees with the birth state when it can.
const INEGI_BY_CURP_STATE: Record<string, string> = {
  AS: '01',
  BC: '02',
  BS: '03',
  CC: '04',
  CL: '05',
  CM: '06',
  CS: '07',
  CH: '08',
  DF: '09',
  DG: '10',
  GT: '11',
  GR: '12',
  HG: '13',
  JC: '14',
  MC: '15',
  MN: '16',
  MS: '17',
  NT: '18',
  NL: '19',
  OC: '20',
  PL: '21',
  QT: '22',
  QR: '23',
  SP: '24',
  SL: '25',
  SR: '26',
  TC: '27',
  TS: '28',
  TL: '29',
  VZ: '30',
  YN: '31',
  ZS: '32',
};

export interface SyntheticBeneficiarioOptions {
  institucion: Institucion;
  tipo?: TipoAfiliacion;
  titularCurp?: string;
  parentesco?: string;
  today: string;
}

/** A complete, valid beneficiary record with synthetic identity data: what every positive scenario starts from. */
export function syntheticBeneficiario(rng: SeededRandom, options: SyntheticBeneficiarioOptions): Beneficiario {
  const person = generatePerson(rng);
  const tipo = options.tipo ?? 'TITULAR';
  const numeroAfiliacion = options.institucion === 'IMSS' ? generateNss(rng) : `${options.institucion === 'ISSSTE' ? 'IS' : 'SS'}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
  const entidad = INEGI_BY_CURP_STATE[person.entidadNacimiento] ?? '09';
  return {
    curp: person.curp,
    nombre: person.nombre,
    primerApellido: person.primerApellido,
    segundoApellido: person.segundoApellido,
    fechaNacimiento: person.fechaNacimiento,
    sexo: person.sexo,
    entidadNacimiento: person.entidadNacimiento,
    nacionalidad: person.entidadNacimiento === 'NE' ? 'GTM' : 'MEX',
    domicilio: {
      entidad,
      municipio: String(rng.int(1, 120)).padStart(3, '0'),
      localidad: String(rng.int(1, 400)).padStart(4, '0'),
      cp: String(rng.int(1000, 99_999)).padStart(5, '0'),
    },
    afiliacion: {
      institucion: options.institucion,
      numeroAfiliacion,
      tipo,
      ...(tipo === 'BENEFICIARIO' ? { parentesco: options.parentesco ?? 'HIJO', ...(options.titularCurp ? { titularCurp: options.titularCurp } : {}) } : {}),
      vigenciaInicio: addDays(options.today, -rng.int(1, 3650)),
      vigenciaFin: addDays(options.today, rng.int(30, 3650)),
      estatus: 'VIGENTE',
    },
    unidadAdscripcion: generateClues(rng, { institucion: options.institucion }),
  };
}

/**
 * The CURP RENAPO issues when it corrects a homonym: same name letters, birth date, sex and state, another
 * differentiator (position 17) and so another check digit. It stays consistent with the record (RN-02).
 */
export function reissuedCurp(curp: string): string {
  const differentiator = curp[16] ?? '0';
  const next = /\d/.test(differentiator) ? String((Number(differentiator) + 1) % 10) : differentiator === 'Z' ? 'A' : String.fromCharCode(differentiator.charCodeAt(0) + 1);
  const first17 = curp.slice(0, 16) + next;
  return first17 + curpCheckDigit(first17);
}
