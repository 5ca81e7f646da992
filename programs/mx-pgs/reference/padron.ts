import type { Beneficiario, PadronView } from '../lib/types.ts';

/**
 * A node's padrón. Records are replaced whole and never deleted (a baja keeps the record with estatus BAJA),
 * so nothing stored is lost and history stays answerable.
 */
export class Padron implements PadronView {
  readonly #byCurp = new Map<string, Beneficiario>();
  readonly #curpByNss = new Map<string, string>();
  /** A stored record's JSON text, made on its first jsonOf: records are replaced whole, never changed in place. */
  readonly #json = new WeakMap<Beneficiario, string>();

  byCurp(curp: string): Beneficiario | undefined {
    return this.#byCurp.get(curp);
  }

  byNss(nss: string): Beneficiario | undefined {
    const curp = this.#curpByNss.get(nss);
    return curp === undefined ? undefined : this.#byCurp.get(curp);
  }

  /** JSON.stringify of byCurp(curp), kept with the record it was made of: a consulta under load sends it as it is. */
  jsonOf(curp: string): string | undefined {
    const record = this.#byCurp.get(curp);
    if (!record) return undefined;
    let text = this.#json.get(record);
    if (text === undefined) this.#json.set(record, (text = JSON.stringify(record)));
    return text;
  }

  /** The NSS index holds TITULARES only: a BENEFICIARIO shares its titular's NSS (contract v1.1). */
  put(record: Beneficiario): void {
    const previous = this.#byCurp.get(record.curp);
    if (previous && this.#curpByNss.get(previous.afiliacion.numeroAfiliacion) === record.curp) {
      this.#curpByNss.delete(previous.afiliacion.numeroAfiliacion);
    }
    this.#byCurp.set(record.curp, structuredClone(record));
    if (record.afiliacion.tipo === 'TITULAR') this.#curpByNss.set(record.afiliacion.numeroAfiliacion, record.curp);
  }

  search(criteria: { curp?: string; nss?: string; apellido1?: string; fechaNacimiento?: string }): Beneficiario[] {
    const candidates = criteria.curp ? [this.byCurp(criteria.curp)] : [...this.#byCurp.values()];
    return candidates.filter(
      (record): record is Beneficiario =>
        record !== undefined &&
        (!criteria.nss || record.afiliacion.numeroAfiliacion === criteria.nss) &&
        (!criteria.apellido1 || record.primerApellido.toUpperCase() === criteria.apellido1.toUpperCase()) &&
        (!criteria.fechaNacimiento || record.fechaNacimiento === criteria.fechaNacimiento),
    );
  }

  get size(): number {
    return this.#byCurp.size;
  }
}
