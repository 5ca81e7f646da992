/**
 * CLUES (Clave Única de Establecimientos de Salud, DGIS): 2-letter state, 3-letter institution,
 * 6 digits. There is no check digit, so beyond the format the only real proof a code exists is
 * the catalogue.
 */
import { readFileSync } from 'node:fs';
import { type Finding, finding } from '../../findings/finding.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { notAString } from '../shared.ts';
import { CURP_STATES } from './curp.ts';

export type CluesInstitucion = 'IMSS' | 'ISSSTE' | 'SSA' | 'IMSS-BIENESTAR';

/** Institution codes inside a CLUES (positions 3–5). */
export const CLUES_INSTITUTION_CODES: Readonly<Record<CluesInstitucion, string>> = Object.freeze({
  IMSS: 'IMS',
  ISSSTE: 'IST',
  SSA: 'SSA',
  'IMSS-BIENESTAR': 'IMB',
});
const KNOWN_INSTITUTION_CODES: ReadonlySet<string> = new Set(Object.values(CLUES_INSTITUTION_CODES));

/** CLUES uses the RENAPO state abbreviations, minus NE: a facility is always in Mexico. */
export const CLUES_STATES: readonly string[] = Object.freeze(CURP_STATES.filter((s) => s !== 'NE'));
const STATE_SET: ReadonlySet<string> = new Set(CLUES_STATES);

const CLUES_RE = /^[A-Z]{2}[A-Z]{3}\d{6}$/;

export interface CluesOptions {
  location?: string;
  /** When given, a CLUES absent from it is reported (ID-CLUES-CATALOGUE). */
  catalogue?: ReadonlySet<string>;
  /** When given, the CLUES must belong to this institution (e.g. an IMSS afiliación's unidadAdscripcion). */
  institucion?: CluesInstitucion;
}

export function validateClues(value: unknown, opts: CluesOptions = {}): Finding[] {
  const location = opts.location ?? '';
  if (typeof value !== 'string') {
    return [notAString('ID-CLUES-FORMAT', location, value, { es: 'La CLUES debe ser una cadena de texto', en: 'The CLUES must be a string' })];
  }
  if (!CLUES_RE.test(value)) {
    return [
      finding('ID-CLUES-FORMAT', 'error', 'invalid', location, {
        es: 'La CLUES debe tener 11 caracteres: 2 letras de entidad, 3 de institución y 6 dígitos (p. ej. DFIMS000580), en mayúsculas.',
        en: 'The CLUES must have 11 characters: 2 state letters, 3 institution letters and 6 digits (e.g. DFIMS000580), upper case.',
      }),
    ];
  }
  const findings: Finding[] = [];
  const state = value.slice(0, 2);
  if (!STATE_SET.has(state)) {
    findings.push(
      finding('ID-CLUES-STATE', 'error', 'value', location, {
        es: `La entidad ${state} de la CLUES no es una clave de entidad federativa.`,
        en: `The CLUES state ${state} is not a Mexican state code.`,
      }),
    );
  }
  const institution = value.slice(2, 5);
  if (!KNOWN_INSTITUTION_CODES.has(institution)) {
    findings.push(
      finding('ID-CLUES-INSTITUTION', 'error', 'value', location, {
        es: `La institución ${institution} de la CLUES no es IMS (IMSS), IST (ISSSTE), SSA ni IMB (IMSS-Bienestar).`,
        en: `The CLUES institution ${institution} is not IMS (IMSS), IST (ISSSTE), SSA or IMB (IMSS-Bienestar).`,
      }),
    );
  } else if (opts.institucion !== undefined && CLUES_INSTITUTION_CODES[opts.institucion] !== institution) {
    const wanted = CLUES_INSTITUTION_CODES[opts.institucion];
    findings.push(
      finding('ID-CLUES-INSTITUTION', 'error', 'value', location, {
        es: `La CLUES pertenece a la institución ${institution}, pero se esperaba una unidad de ${opts.institucion} (${wanted}).`,
        en: `The CLUES belongs to institution ${institution}, but a ${opts.institucion} facility (${wanted}) was expected.`,
      }),
    );
  }
  if (opts.catalogue !== undefined && !opts.catalogue.has(value)) {
    findings.push(
      finding('ID-CLUES-CATALOGUE', 'error', 'code-invalid', location, {
        es: `La CLUES ${value} no está en el catálogo de establecimientos de salud.`,
        en: `The CLUES ${value} is not in the health-facility catalogue.`,
      }),
    );
  }
  return findings;
}

/** A synthetic, format-valid CLUES; state and institution drawn when not given. */
export function generateClues(rng: SeededRandom, opts: { entidad?: string; institucion?: CluesInstitucion } = {}): string {
  // Drawn unconditionally so that fixing one option does not shift the other draws.
  const drawnEntidad = rng.pick(CLUES_STATES);
  const drawnInstitucion = rng.pick(Object.keys(CLUES_INSTITUTION_CODES) as CluesInstitucion[]);
  const serial = String(rng.int(1, 999_999)).padStart(6, '0');
  const entidad = opts.entidad ?? drawnEntidad;
  const institucion = opts.institucion ?? drawnInstitucion;
  if (!STATE_SET.has(entidad)) throw new RangeError(`generateClues: '${entidad}' is not a CLUES state code`);
  const code = CLUES_INSTITUTION_CODES[institucion];
  if (code === undefined) throw new RangeError(`generateClues: unknown institucion '${String(institucion)}'`);
  return entidad + code + serial;
}

const CATALOGUE_URL = new URL('../../../programs/mx-pgs/profiles/catalogs/clues.json', import.meta.url);
let catalogueCache: ReadonlySet<string> | undefined;

/**
 * The facility catalogue shipped with the mx-pgs profile (synthetic, see its `source`), read
 * once per process: validators call this on every record.
 */
export function loadCluesCatalogue(): ReadonlySet<string> {
  if (catalogueCache) return catalogueCache;
  const parsed: unknown = JSON.parse(readFileSync(CATALOGUE_URL, 'utf8'));
  const codes = (parsed as { codes?: unknown } | null)?.codes;
  if (!Array.isArray(codes) || !codes.every((c): c is string => typeof c === 'string')) {
    throw new Error(`${CATALOGUE_URL.pathname}: expected { "codes": string[] }`);
  }
  catalogueCache = new Set(codes);
  return catalogueCache;
}
