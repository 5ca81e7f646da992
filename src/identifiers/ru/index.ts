export { generateEnp, validateEnp } from './enp.ts';
export { generateOgrn, ogrnCheckDigit, validateOgrn } from './ogrn.ts';
export { formatSnils, generateSnils, snilsCheckDigits, snilsDigits, validateSnils } from './snils.ts';
