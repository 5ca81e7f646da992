/**
 * Synthetic Peruvian people for fixtures and mocks: common given names and surnames combined at
 * random (so the combinations are nobody), with a DNI and a Cajamarca UBIGEO from the seeded generators.
 */

import { randomIsoDate } from '../mx/shared.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { generateDni } from './dni.ts';
import { generateUbigeo } from './ubigeo.ts';

export interface SyntheticPersonPe {
  nombres: string[];
  apellidoPaterno: string;
  apellidoMaterno: string;
  sexo: 'male' | 'female';
  fechaNacimiento: string;
  dni: string;
  ubigeo: string;
}

const NOMBRES_M: readonly string[] = [
  'José',
  'Luis',
  'Juan',
  'Carlos',
  'Jorge',
  'Miguel',
  'César',
  'Víctor',
  'Manuel',
  'Segundo',
  'Wilder',
  'Elmer',
  'Nilton',
  'Edwin',
  'Alfredo',
  'Santos',
  'Hernán',
  'Julio',
  'Roger',
  'Teodoro',
];
const NOMBRES_F: readonly string[] = [
  'María',
  'Rosa',
  'Carmen',
  'Luz',
  'Ana',
  'Flor',
  'Nelly',
  'Gladys',
  'Elena',
  'Yolanda',
  'Marleny',
  'Sonia',
  'Juana',
  'Maribel',
  'Esperanza',
  'Roxana',
  'Lucía',
  'Milagros',
  'Deysi',
  'Santos',
];
const APELLIDOS: readonly string[] = [
  'Quispe',
  'Huamán',
  'Chávez',
  'Rojas',
  'Vásquez',
  'Sánchez',
  'Cerdán',
  'Tello',
  'Mendoza',
  'Díaz',
  'Cabanillas',
  'Terrones',
  'Briones',
  'Alcántara',
  'Mantilla',
  'Ocas',
  'Chuquilín',
  'Guevara',
  'Silva',
  'Llanos',
  'Bazán',
  'Cotrina',
  'Marín',
  'Tasilla',
  'Mosqueira',
  'Sangay',
  'Ñontol',
  'Castrejón',
];

export function generatePersonPe(rng: SeededRandom, opts: { born?: { from: string; to: string }; dniCheck?: 'none' | 'digit' | 'letter' } = {}): SyntheticPersonPe {
  const sexo = rng.next() < 0.5 ? 'male' : 'female';
  const pool = sexo === 'male' ? NOMBRES_M : NOMBRES_F;
  const first = rng.pick(pool);
  // About a third of people carry a second given name, as on DNIs.
  const second = rng.next() < 0.35 ? rng.pick(pool.filter((n) => n !== first)) : undefined;
  return {
    nombres: second === undefined ? [first] : [first, second],
    apellidoPaterno: rng.pick(APELLIDOS),
    apellidoMaterno: rng.pick(APELLIDOS),
    sexo,
    fechaNacimiento: randomIsoDate(rng, opts.born?.from ?? '1940-01-01', opts.born?.to ?? '2015-12-31'),
    dni: generateDni(rng, { check: opts.dniCheck ?? 'none' }),
    ubigeo: generateUbigeo(rng),
  };
}
