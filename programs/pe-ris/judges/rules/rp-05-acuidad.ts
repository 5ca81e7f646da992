import { ACUITY_LOINC, ACUITY_SCALES } from '../../lib/constants.ts';
import { acuityEntries, codings } from '../../lib/triage-bundle.ts';
import { isObject, type RpRule, rpError } from './shared.ts';

const SCALES = Object.entries(ACUITY_SCALES)
  .map(([system, s]) => `${s.name} (${system})`)
  .join(', ');

/**
 * RP-05: the triage carries exactly one acuity Observation (LOINC 56839-4) whose value is a CodeableConcept coded in
 * one of the admitted scales — NTS 042-MINSA priority I–IV, Manchester or ESI — with a code of that scale. Free text
 * alone is not an acuity.
 */
export const rp05Acuidad: RpRule = {
  id: 'RP-05',
  check(ctx) {
    const acuity = acuityEntries(ctx.bundle);
    if (acuity.length === 0) {
      return [
        rpError('RP-05', 'required', 'Bundle.entry', {
          es: `El triaje no trae la Observation de prioridad (LOINC ${ACUITY_LOINC}).`,
          en: `The triage carries no acuity Observation (LOINC ${ACUITY_LOINC}).`,
        }),
      ];
    }
    if (acuity.length > 1) {
      return [
        rpError('RP-05', 'invalid', acuity[1]!.path, {
          es: `El triaje trae ${acuity.length} Observation de prioridad; debe traer una.`,
          en: `The triage carries ${acuity.length} acuity Observations; it must carry one.`,
        }),
      ];
    }
    const entry = acuity[0]!;
    const value = entry.resource.valueCodeableConcept;
    const location = `${entry.path}.value`;
    if (!isObject(value)) {
      return [
        rpError('RP-05', 'required', location, {
          es: 'La prioridad no está codificada: value[x] debe ser un CodeableConcept.',
          en: 'The acuity is not coded: value[x] must be a CodeableConcept.',
        }),
      ];
    }
    const all = codings(value);
    const scaled = all.findIndex((c) => c.system !== undefined && ACUITY_SCALES[c.system] !== undefined);
    if (scaled < 0) {
      return [
        rpError('RP-05', 'code-invalid', `${location}.coding`, {
          es: `La prioridad no está codificada en una escala admitida: ${SCALES}.`,
          en: `The acuity is not coded in an admitted scale: ${SCALES}.`,
        }),
      ];
    }
    const coding = all[scaled]!;
    const scale = ACUITY_SCALES[coding.system!]!;
    if (coding.code === undefined || !Object.hasOwn(scale.codes, coding.code)) {
      return [
        rpError('RP-05', 'code-invalid', `${location}.coding[${scaled}].code`, {
          es: `«${coding.code ?? ''}» no es un código de la escala ${scale.name} (${Object.keys(scale.codes).join(', ')}).`,
          en: `"${coding.code ?? ''}" is not a code of the ${scale.name} scale (${Object.keys(scale.codes).join(', ')}).`,
        }),
      ];
    }
    return [];
  },
};
