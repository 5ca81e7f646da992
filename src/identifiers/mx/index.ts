export { SeededRandom } from '../seeded-random.ts';
export {
  CURP_ALPHABET,
  CURP_STATES,
  GENERIC_CURP,
  curpCheckDigit,
  generateCurp,
  generatePerson,
  parseCurp,
  validateCurp,
  type CurpOptions,
  type CurpPerson,
  type ParsedCurp,
  type SyntheticPerson,
} from './curp.ts';
export { generateNss, nssCheckDigit, validateNss } from './nss.ts';
export { generateRfc, rfcCheckDigit, validateRfc } from './rfc.ts';
export {
  CLUES_INSTITUTION_CODES,
  CLUES_STATES,
  generateClues,
  loadCluesCatalogue,
  validateClues,
  type CluesInstitucion,
  type CluesOptions,
} from './clues.ts';
