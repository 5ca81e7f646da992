/**
 * Counts a confronta result file as it goes by (rows per resultado, the RESUMEN trailer), so the bench can check
 * each side found exactly what the generator planted without keeping the file.
 */
import { parseResumen } from '../programs/mx-pgs/lib/confronta/format.ts';

export interface TallySummary {
  /** Result rows, header and RESUMEN apart. */
  rows: number;
  porResultado: Record<string, number>;
  resumen: Record<string, number>;
}

export class ResultTally {
  #seenHeader = false;
  #rows = 0;
  #resumen: Record<string, number> = {};
  readonly #porResultado: Record<string, number> = {};
  #carry = '';

  /** Result lines without their line ends, the header first. */
  lines(lines: readonly string[]): void {
    for (const line of lines) {
      if (!this.#seenHeader) {
        this.#seenHeader = true;
        continue;
      }
      const fields = line.split('|');
      const resultados = (fields[1] ?? '').split('&');
      if (resultados[0] === 'RESUMEN') {
        this.#resumen = parseResumen((fields[2] ?? '').split('&'));
        continue;
      }
      this.#rows++;
      for (const r of resultados) this.#porResultado[r] = (this.#porResultado[r] ?? 0) + 1;
    }
  }

  /** The result file as Latin-1 bytes, in any chunking. */
  bytes(chunk: Buffer): void {
    const parts = (this.#carry + chunk.toString('latin1')).split('\r\n');
    this.#carry = parts.pop() ?? '';
    this.lines(parts);
  }

  summary(): TallySummary {
    if (this.#carry) this.lines([this.#carry]);
    this.#carry = '';
    return { rows: this.#rows, porResultado: { ...this.#porResultado }, resumen: this.#resumen };
  }
}
