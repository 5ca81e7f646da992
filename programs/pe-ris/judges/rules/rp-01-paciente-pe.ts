import { isBlocking } from '../../../../src/findings/finding.ts';
import { PROFILE } from '../../lib/constants.ts';
import { entriesOfType } from '../../lib/triage-bundle.ts';
import { type RpRule, rpError, underRule } from './shared.ts';

/**
 * RP-01: the triage Bundle carries exactly one Patient and it conforms to PacientePe (identifier with its document
 * type and issuing country, name with family and given, gender, birthDate, UBIGEO shape). The FHIR validator's
 * blocking findings on the Patient are reported under RP-01 at their place in the Bundle, their own id in the text.
 */
export const rp01PacientePe: RpRule = {
  id: 'RP-01',
  check(ctx) {
    const patients = entriesOfType(ctx.bundle, 'Patient');
    if (patients.length !== 1) {
      return [
        rpError('RP-01', patients.length === 0 ? 'required' : 'invalid', 'Bundle.entry', {
          es: `El triaje debe traer exactamente un Patient (PacientePe); trae ${patients.length}.`,
          en: `The triage must carry exactly one Patient (PacientePe); it carries ${patients.length}.`,
        }),
      ];
    }
    const entry = patients[0]!;
    if (!ctx.validator) return [];
    return ctx.validator
      .validate(entry.resource, { profile: PROFILE.PacientePe })
      .filter(isBlocking)
      .map((f) => underRule('RP-01', f, f.location.replace(/^Patient(?=$|\.|\[)/, entry.path)));
  },
};
