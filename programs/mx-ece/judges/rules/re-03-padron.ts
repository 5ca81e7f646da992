/**
 * RE-03: the Patient carries the CURP asked for, and agrees with the padrón's record of it (mx-pgs's beneficiario):
 * sex (H→male, M→female, X→other or unknown), birth date and first family name, case and accents ignored.
 */
import type { Finding } from '../../../../src/findings/finding.ts';
import { isObject } from '../../../../src/util/is-object.ts';
import { SYSTEM } from '../../lib/contract.ts';
import type { Beneficiario } from '../../lib/record.ts';
import { TERMINOLOGY } from '../../lib/resources.ts';
import { type Located, reFinding, text } from './shared.ts';

export interface PadronInput {
  /** The Patient and its FHIRPath (`Bundle.entry[1].resource`). */
  patient: Located;
  curpAsked: string;
  /** The padrón's record for `curpAsked`; undefined when the padrón does not know the CURP. */
  beneficiario: Beneficiario | undefined;
}

const GENDERS: Readonly<Record<string, readonly string[]>> = { H: ['male'], M: ['female'], X: ['other', 'unknown'] };

/** Upper case, accents and Ñ's tilde dropped, spaces collapsed: how RE-03 compares names. */
export const comparable = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();

/** The Patient's first family name: the fathers-family extension when written, else `family` whole. */
function firstFamily(name: Record<string, unknown>): string | undefined {
  const ext = isObject(name._family) && Array.isArray(name._family.extension) ? name._family.extension : [];
  const fathers = ext.find((e) => isObject(e) && e.url === TERMINOLOGY.fathersFamily) as { valueString?: unknown } | undefined;
  return text(fathers?.valueString) ?? text(name.family);
}

export function re03Padron({ patient: { resource: p, location }, curpAsked, beneficiario }: PadronInput): Finding[] {
  const ids = Array.isArray(p.identifier) ? p.identifier : [];
  const i = ids.findIndex((id) => isObject(id) && id.system === SYSTEM.curp);
  const carried = i >= 0 ? text((ids[i] as { value?: unknown }).value) : undefined;
  const curpAt = i >= 0 ? `${location}.identifier[${i}].value` : `${location}.identifier`;
  if (carried !== curpAsked) {
    return [
      reFinding('RE-03', curpAt, {
        es: `El paciente lleva la CURP ${carried ?? '(ninguna)'}; se pidió el expediente de ${curpAsked}.`,
        en: `The patient carries CURP ${carried ?? '(none)'}; the record of ${curpAsked} was asked for.`,
      }),
    ];
  }
  if (!beneficiario || beneficiario.curp !== curpAsked) {
    return [reFinding('RE-03', curpAt, { es: `El padrón no conoce la CURP ${curpAsked}.`, en: `The padrón does not know CURP ${curpAsked}.` })];
  }
  const out: Finding[] = [];
  const allowed = GENDERS[beneficiario.sexo] ?? [];
  if (!allowed.includes(String(p.gender))) {
    out.push(
      reFinding('RE-03', `${location}.gender`, {
        es: `Sexo ${String(p.gender)} del paciente; el padrón registra ${beneficiario.sexo} (${allowed.join(' o ')}).`,
        en: `Patient gender ${String(p.gender)}; the padrón records ${beneficiario.sexo} (${allowed.join(' or ')}).`,
      }),
    );
  }
  if (p.birthDate !== beneficiario.fechaNacimiento) {
    out.push(
      reFinding('RE-03', `${location}.birthDate`, {
        es: `Fecha de nacimiento ${String(p.birthDate)} del paciente; el padrón registra ${beneficiario.fechaNacimiento}.`,
        en: `Patient birth date ${String(p.birthDate)}; the padrón records ${beneficiario.fechaNacimiento}.`,
      }),
    );
  }
  const names = Array.isArray(p.name) ? p.name : [];
  const wanted = comparable(beneficiario.primerApellido);
  const n = names.findIndex((name) => {
    if (!isObject(name)) return false;
    const family = comparable(firstFamily(name) ?? '');
    return family === wanted || family.startsWith(`${wanted} `);
  });
  if (n < 0) {
    out.push(
      reFinding('RE-03', `${location}.name[0].family`, {
        es: `El primer apellido del paciente no es el del padrón (${beneficiario.primerApellido}).`,
        en: `The patient's first family name is not the padrón's (${beneficiario.primerApellido}).`,
      }),
    );
  }
  return out;
}
