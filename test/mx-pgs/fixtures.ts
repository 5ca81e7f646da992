/** Synthetic mx-pgs records and an in-memory padrón for rule tests (seeded: every run sees the same people). */

import type { Beneficiario, Institucion, Operacion, PadronView, PgsRuleContext } from '../../programs/mx-pgs/lib/types.ts';
import { generateNss, generatePerson, SeededRandom } from '../../src/identifiers/mx/index.ts';

export const TODAY = '2025-06-15';

export function rng(label: string): SeededRandom {
  return new SeededRandom('mx-pgs-rules').fork(label);
}

export function makeBeneficiario(random: SeededRandom, institucion: Institucion = 'IMSS'): Beneficiario {
  const p = generatePerson(random);
  return {
    curp: p.curp,
    nombre: p.nombre,
    primerApellido: p.primerApellido,
    segundoApellido: p.segundoApellido,
    fechaNacimiento: p.fechaNacimiento,
    sexo: p.sexo,
    entidadNacimiento: p.entidadNacimiento,
    nacionalidad: 'MEX',
    domicilio: { entidad: '09', municipio: '015', localidad: '0001', cp: '06700' },
    afiliacion: {
      institucion,
      numeroAfiliacion: institucion === 'IMSS' ? generateNss(random) : `${institucion}${random.int(100000, 999999)}`,
      tipo: 'TITULAR',
      vigenciaInicio: '2020-01-01',
      estatus: 'VIGENTE',
    },
    unidadAdscripcion: institucion === 'IMSS' ? 'DFIMS000580' : institucion === 'ISSSTE' ? 'DFIST000123' : 'DFSSA001234',
  };
}

/** A beneficiary of `titular` with a valid parentesco. */
export function makeDependiente(random: SeededRandom, titular: Beneficiario): Beneficiario {
  const b = makeBeneficiario(random, titular.afiliacion.institucion);
  b.afiliacion.tipo = 'BENEFICIARIO';
  b.afiliacion.titularCurp = titular.curp;
  b.afiliacion.parentesco = 'HIJO';
  return b;
}

export class MemoryPadron implements PadronView {
  private readonly records = new Map<string, Beneficiario>();

  constructor(records: Beneficiario[] = []) {
    for (const r of records) this.records.set(r.curp, structuredClone(r));
  }

  byCurp(curp: string): Beneficiario | undefined {
    return this.records.get(curp);
  }

  byNss(nss: string): Beneficiario | undefined {
    return [...this.records.values()].find((r) => r.afiliacion.numeroAfiliacion === nss);
  }
}

export function context(operation: Operacion, options: { record?: Beneficiario; pathCurp?: string; padron?: Beneficiario[]; institucion?: Institucion; today?: string } = {}): PgsRuleContext {
  return {
    operation,
    institucion: options.institucion ?? options.record?.afiliacion.institucion ?? 'IMSS',
    ...(options.record ? { record: options.record } : {}),
    ...(options.pathCurp !== undefined ? { pathCurp: options.pathCurp } : {}),
    padron: new MemoryPadron(options.padron),
    today: options.today ?? TODAY,
  };
}

/** Replaces a CURP's check digit with a wrong one, keeping everything else. */
export function breakCheckDigit(curp: string): string {
  const last = Number(curp.charAt(17));
  return curp.slice(0, 17) + String((last + 1) % 10);
}
