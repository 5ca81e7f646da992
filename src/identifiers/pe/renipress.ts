/**
 * RENIPRESS (Registro Nacional de IPRESS, SUSALUD) facility code: 8 digits, zero-padded. No
 * check digit is known, so the format is all that can be proved offline.
 */
import { type Finding, finding } from '../../findings/finding.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { notAString } from '../shared.ts';

export function validateRenipress(value: unknown, opts: { location?: string } = {}): Finding[] {
  const location = opts.location ?? '';
  if (typeof value !== 'string') {
    return [notAString('ID-RENIPRESS-FORMAT', location, value, { es: 'El código RENIPRESS debe ser una cadena de 8 dígitos', en: 'The RENIPRESS code must be a string of 8 digits' })];
  }
  if (!/^\d{8}$/.test(value)) {
    // An unpadded code ("6208") is the commonest mistake: spreadsheets drop the zeros.
    const hint = /^\d{1,7}$/.test(value) ? ` (${value.padStart(8, '0')})` : '';
    return [
      finding('ID-RENIPRESS-FORMAT', 'error', 'invalid', location, {
        es: `El código RENIPRESS debe tener 8 dígitos, completado con ceros a la izquierda${hint}.`,
        en: `The RENIPRESS code must have 8 digits, zero-padded on the left${hint}.`,
      }),
    ];
  }
  if (value === '00000000') {
    return [
      finding('ID-RENIPRESS-FORMAT', 'error', 'invalid', location, {
        es: 'El código RENIPRESS 00000000 no identifica ningún establecimiento.',
        en: 'The RENIPRESS code 00000000 identifies no facility.',
      }),
    ];
  }
  return [];
}

/** A synthetic, format-valid RENIPRESS code. */
export function generateRenipress(rng: SeededRandom): string {
  // Real codes are small numbers padded to 8 digits, so synthetic ones look the same.
  return String(rng.int(1, 39_999)).padStart(8, '0');
}
