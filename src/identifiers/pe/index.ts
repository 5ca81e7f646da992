export { SeededRandom } from '../seeded-random.ts';
export {
  type DniCheckCharacters,
  dniCheckCharacters,
  type GenerateDniOptions,
  generateDni,
  type ParsedDni,
  parseDni,
  validateDni,
} from './dni.ts';
export { generatePersonPe, type SyntheticPersonPe } from './person.ts';
export { generateRenipress, validateRenipress } from './renipress.ts';
export {
  generateUbigeo,
  loadUbigeoCatalogue,
  UBIGEO_DEPARTMENTS,
  type UbigeoCatalogue,
  type UbigeoList,
  type UbigeoOptions,
  validateUbigeo,
} from './ubigeo.ts';
