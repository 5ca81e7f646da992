import { SYSTEM } from '../../lib/constants.ts';
import { codings, entriesOfType } from '../../lib/triage-bundle.ts';
import { ageInYears, isObject, type RpRule, readPeRisProfileJson, rpError } from './shared.ts';

interface Cie10Category {
  title: string;
  sex?: 'male' | 'female';
  minAge?: number;
  maxAge?: number;
  codes: Record<string, string>;
}

let catalogue: Record<string, Cie10Category> | undefined;
/** Sello's CIE-10 subset (profiles/pe-ris/catalogs/cie10.json): complete categories with their sex and age limits. */
export function cie10Catalogue(): Record<string, Cie10Category> {
  catalogue ??= readPeRisProfileJson<{ categories: Record<string, Cie10Category> }>('catalogs/cie10.json').categories;
  return catalogue;
}

const SHAPE = /^([A-Z]\d{2})(?:\.?(\d{1,2}))?$/;

/** `J069` and `J06.9` are the same code; the catalogue writes the dotted form. */
export function normaliseCie10(code: string): string | undefined {
  const m = SHAPE.exec(code.trim());
  if (!m) return undefined;
  return m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`;
}

const SEX_ES = { male: 'masculino', female: 'femenino' } as const;

/**
 * RP-04: every Condition carries a CIE-10 coding (system http://hl7.org/fhir/sid/icd-10) whose code exists and fits
 * the patient's sex and age at the time of the triage. A code of a category Sello's catalogue lists must be one of
 * its codes; other categories are checked for shape only.
 */
export const rp04Cie10: RpRule = {
  id: 'RP-04',
  check(ctx) {
    const patient = entriesOfType(ctx.bundle, 'Patient')[0]?.resource;
    const gender = patient?.gender;
    const bundleDate = isObject(ctx.bundle) && typeof ctx.bundle.timestamp === 'string' ? ctx.bundle.timestamp : undefined;
    const cats = cie10Catalogue();
    return entriesOfType(ctx.bundle, 'Condition').flatMap((entry) => {
      const all = codings(entry.resource.code);
      const index = all.findIndex((c) => c.system === SYSTEM.icd10);
      if (index < 0) {
        return [
          rpError('RP-04', 'required', `${entry.path}.code`, {
            es: `La condición no tiene una codificación CIE-10 (sistema ${SYSTEM.icd10}).`,
            en: `The condition has no CIE-10 coding (system ${SYSTEM.icd10}).`,
          }),
        ];
      }
      const raw = all[index]!.code ?? '';
      const location = `${entry.path}.code.coding[${index}].code`;
      const code = normaliseCie10(raw);
      if (!code) {
        return [
          rpError('RP-04', 'code-invalid', location, {
            es: `«${raw}» no tiene la forma de un código CIE-10 (letra, dos dígitos y, opcionalmente, un punto y un dígito).`,
            en: `"${raw}" is not shaped like a CIE-10 code (letter, two digits, optionally a dot and a digit).`,
          }),
        ];
      }
      const category = cats[code.slice(0, 3)];
      if (!category) return [];
      if (!Object.hasOwn(category.codes, code)) {
        return [
          rpError('RP-04', 'code-invalid', location, {
            es: `El código ${code} no existe en la CIE-10: la categoría ${code.slice(0, 3)} (${category.title}) tiene ${Object.keys(category.codes).join(', ')}.`,
            en: `Code ${code} does not exist in CIE-10: category ${code.slice(0, 3)} (${category.title}) has ${Object.keys(category.codes).join(', ')}.`,
          }),
        ];
      }
      const out = [];
      if (category.sex && (gender === 'male' || gender === 'female') && gender !== category.sex) {
        out.push(
          rpError('RP-04', 'business-rule', location, {
            es: `El código ${code} (${category.codes[code]}) es solo de sexo ${SEX_ES[category.sex]}; la paciente o el paciente es de sexo ${SEX_ES[gender]}.`,
            en: `Code ${code} (${category.codes[code]}) is for ${category.sex} patients only; the patient is ${gender}.`,
          }),
        );
      }
      const at = typeof entry.resource.recordedDate === 'string' ? entry.resource.recordedDate : (bundleDate ?? ctx.today ?? new Date().toISOString());
      const age = ageInYears(patient?.birthDate, at);
      if (age !== undefined && ((category.minAge !== undefined && age < category.minAge) || (category.maxAge !== undefined && age > category.maxAge))) {
        const range = `${category.minAge ?? 0}–${category.maxAge ?? '∞'}`;
        out.push(
          rpError('RP-04', 'business-rule', location, {
            es: `El código ${code} (${category.codes[code]}) corresponde a edades de ${range} años; el paciente tiene ${age}.`,
            en: `Code ${code} (${category.codes[code]}) applies to ages ${range}; the patient is ${age}.`,
          }),
        );
      }
      return out;
    });
  },
};
