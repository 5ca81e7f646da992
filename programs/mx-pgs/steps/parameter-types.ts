import { defineParameterType } from '@cucumber/cucumber';
import type { Institucion } from '../lib/types.ts';

// Spanish puts an article before the institution ("el IMSS", "la SSA", "del ISSSTE"); steps read naturally with it.
defineParameterType({
  name: 'institucion',
  regexp: /(?:el |la |del |de la )?(IMSS|ISSSTE|SSA)/,
  transformer: (name: string): Institucion => name as Institucion,
});

defineParameterType({
  name: 'estatus',
  regexp: /ACEPTADO|RECHAZADO/,
  transformer: (value: string) => value as 'ACEPTADO' | 'RECHAZADO',
});
