export { SeededRandom } from '../seeded-random.ts';
export {
  CLUES_INSTITUTION_CODES,
  CLUES_STATES,
  type CluesInstitucion,
  type CluesOptions,
  generateClues,
  loadCluesCatalogue,
  validateClues,
} from './clues.ts';
export {
  CURP_ALPHABET,
  CURP_STATES,
  type CurpOptions,
  type CurpPerson,
  curpCheckDigit,
  GENERIC_CURP,
  generateCurp,
  generatePerson,
  type ParsedCurp,
  parseCurp,
  type SyntheticPerson,
  validateCurp,
} from './curp.ts';
export { generateNss, nssCheckDigit, validateNss } from './nss.ts';
export { generateRfc, rfcCheckDigit, validateRfc } from './rfc.ts';
