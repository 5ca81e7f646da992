import { defineParameterType } from '@cucumber/cucumber';
import type { PrioridadNts } from '../lib/constants.ts';
import type { TriageDefect } from '../lib/test-data.ts';

// "la ciudadana" / "el ciudadano": the step says the person's sex, and the synthetic person is drawn to match.
defineParameterType({
  name: 'persona',
  regexp: /la ciudadana|el ciudadano|ciudadana|ciudadano/,
  transformer: (s: string): 'female' | 'male' => (s.endsWith('ciudadana') ? 'female' : 'male'),
});

defineParameterType({
  name: 'prioridad',
  regexp: /IV|III|II|I/,
  transformer: (s: string): PrioridadNts => s as PrioridadNts,
});

/** Who receives Qhali's triage: the engine, or SIHCE directly. */
defineParameterType({
  name: 'receptor',
  regexp: /(?:el |al )?(SIHCE|motor)/,
  transformer: (s: string): 'sihce' | 'engine' => (s === 'SIHCE' ? 'sihce' : 'engine'),
});

const DEFECTS: Record<string, TriageDefect> = {
  'sin consentimiento': 'sin-consentimiento',
  'con el carácter de verificación del DNI alterado': 'dni-verificador-alterado',
  'con un UBIGEO que no existe': 'ubigeo-inexistente',
  'con un diagnóstico CIE-10 que no existe': 'cie10-inexistente',
  'con un diagnóstico CIE-10 del otro sexo': 'cie10-de-otro-sexo',
  'con un diagnóstico CIE-10 de recién nacido': 'cie10-de-otra-edad',
  'con la prioridad sin codificar': 'prioridad-sin-codificar',
  'sin la procedencia de la IA': 'sin-procedencia-ia',
  'con una referencia que no resuelve': 'referencia-no-resuelta',
  'sin fecha de nacimiento': 'sin-fecha-nacimiento',
};

defineParameterType({
  name: 'defecto',
  regexp: new RegExp(
    Object.keys(DEFECTS)
      .map((k) => k.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))
      .join('|'),
  ),
  transformer: (s: string): TriageDefect => DEFECTS[s]!,
});

defineParameterType({
  name: 'ack',
  regexp: /AA|AE|AR|CA|CE|CR/,
  transformer: (s: string) => s,
});
