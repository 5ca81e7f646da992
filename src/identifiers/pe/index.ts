export { SeededRandom } from '../seeded-random.ts';
export {
  dniCheckCharacters,
  generateDni,
  parseDni,
  validateDni,
  type DniCheckCharacters,
  type GenerateDniOptions,
  type ParsedDni,
} from './dni.ts';
export {
  UBIGEO_DEPARTMENTS,
  generateUbigeo,
  loadUbigeoCatalogue,
  validateUbigeo,
  type UbigeoCatalogue,
  type UbigeoList,
  type UbigeoOptions,
} from './ubigeo.ts';
export { generateRenipress, validateRenipress } from './renipress.ts';
export { generatePersonPe, type SyntheticPersonPe } from './person.ts';
