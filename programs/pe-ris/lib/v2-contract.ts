/**
 * pe-ris's HL7 v2 contract for the engine: its v2.5 message profiles (`profiles/v2/`) and the checks their `rules`
 * name — `pe-dni` (a CX repetition assigned by RENIEC carries a valid DNI) and `pe-renipress` (a RENIPRESS code).
 * Judges, steps, reference implementations and tests pass `PE_RIS_V2` wherever the engine validates a v2 message.
 */
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../../src/findings/finding.ts';
import {
  formatPath,
  type Hl7Location,
  type Hl7v2Contract,
  parsePath,
  quote as q,
  type RuleCheck,
  type RuleDef,
  repetitionValue,
  splitComponents,
  splitRepetitions,
  splitSubcomponents,
  unescapeEr7,
  hl7v2Finding as v2,
} from '../../../src/hl7v2/index.ts';
import { validateDni } from '../../../src/identifiers/pe/dni.ts';
import { validateRenipress } from '../../../src/identifiers/pe/renipress.ts';

export const PE_RIS_V2_PROFILE_DIR = fileURLToPath(new URL('../profiles/v2/', import.meta.url));

interface DniRule extends RuleDef {
  authority: string;
  identifierTypes: string[];
  required?: boolean;
}

const relocate = (fs: Finding[]): Finding[] => fs.map((f) => ({ ...f, locationKind: 'hl7v2' as const }));

/** Every repetition of the rule's field, in every segment it names, with its location. */
function* repetitions(rule: RuleDef, ctx: Parameters<RuleCheck>[1]): Generator<{ fieldLoc: Hl7Location; raw: string; reps: string[]; target: Hl7Location }> {
  const target = parsePath(rule.path);
  if (!target || target.field === undefined) return;
  for (const seg of ctx.message.segments.filter((s) => s.id === target.segment)) {
    const raw = seg.fields[target.field] ?? '';
    yield { fieldLoc: { segment: seg.id, occurrence: seg.occurrence, field: target.field }, raw, reps: splitRepetitions(raw, ctx.d), target };
  }
}

const checkRenipress: RuleCheck = (rule, ctx) => {
  const out: Finding[] = [];
  const d = ctx.d;
  for (const { fieldLoc, reps, target } of repetitions(rule, ctx)) {
    reps.forEach((rep, r) => {
      const loc: Hl7Location = { ...fieldLoc, repetition: r + 1 };
      let raw = rep;
      if (target.component !== undefined) {
        loc.component = target.component;
        raw = splitComponents(rep, d)[target.component - 1] ?? '';
        if (target.subcomponent !== undefined) {
          loc.subcomponent = target.subcomponent;
          raw = splitSubcomponents(raw, d)[target.subcomponent - 1] ?? '';
        }
      }
      if (raw === '' || raw === '""') return;
      out.push(...relocate(validateRenipress(unescapeEr7(raw, d).value, { location: formatPath(loc) })));
    });
  }
  return out;
};

/** CX repetitions whose assigning authority (CX.4.1) is the DNI's issuer. */
const checkDni: RuleCheck = (ruleDef, ctx) => {
  const rule = ruleDef as DniRule;
  const out: Finding[] = [];
  const value = (rep: string, c: number, s?: number): string => repetitionValue(rep, ctx.d, c, s);
  for (const { fieldLoc, raw: fieldRaw, reps } of repetitions(rule, ctx)) {
    let found = 0;
    reps.forEach((rep, r) => {
      if (rep === '') return;
      const loc: Hl7Location = { ...fieldLoc, repetition: r + 1 };
      const authority = value(rep, 4, 1);
      const type = value(rep, 5);
      if (authority !== rule.authority) {
        if (rule.identifierTypes.includes(type)) {
          const at = formatPath({ ...loc, component: 4, subcomponent: 1 });
          out.push(
            v2(rule.id, 'error', 'value', at, {
              en: `${formatPath(loc)} is a national identifier (type ${type}) whose assigning authority ${at} is ${q(authority)}; a DNI is assigned by ${rule.authority}.`,
              es: `${formatPath(loc)} es un identificador nacional (tipo ${type}) cuya autoridad asignadora ${at} es ${q(authority)}; el DNI lo asigna ${rule.authority}.`,
            }),
          );
        }
        return;
      }
      found++;
      if (!rule.identifierTypes.includes(type)) {
        const at = formatPath({ ...loc, component: 5 });
        out.push(
          v2(rule.id, 'error', 'code-invalid', at, {
            en: `${at} (identifier type of a ${rule.authority} DNI) is ${q(type)}; the contract uses ${rule.identifierTypes.map(q).join(' or ')} (HL7 table 0203; "DNI" is not a 0203 code).`,
            es: `${at} (tipo de identificador de un DNI de ${rule.authority}) es ${q(type)}; el contrato usa ${rule.identifierTypes.map(q).join(' o ')} (tabla HL7 0203; "DNI" no es un código de 0203).`,
          }),
        );
      }
      const number = value(rep, 1);
      const check = value(rep, 2);
      const numberAt = formatPath({ ...loc, component: 1 });
      const dniFindings = relocate(validateDni(number, { location: numberAt }));
      out.push(...dniFindings);
      if (check !== '' && dniFindings.length === 0) {
        const checkAt = formatPath({ ...loc, component: 2 });
        const inline = /-(.)$/.exec(number)?.[1];
        if (inline !== undefined && inline !== check) {
          out.push(
            v2('ID-DNI-CHECK', 'error', 'value', checkAt, {
              en: `${checkAt} (check digit ${q(check)}) contradicts the check character in ${numberAt} (${q(inline)}).`,
              es: `${checkAt} (dígito de control ${q(check)}) contradice el carácter de verificación de ${numberAt} (${q(inline)}).`,
            }),
          );
        } else if (inline === undefined) {
          out.push(...relocate(validateDni(`${number}-${check}`, { location: checkAt })));
        }
      }
    });
    // An empty field is V2-USAGE-R's finding already.
    if (found === 0 && rule.required && fieldRaw !== '') {
      const at = formatPath(fieldLoc);
      out.push(
        v2(rule.id, 'error', 'required', at, {
          en: `${at} has no DNI: no repetition has ${rule.authority} as assigning authority (${rule.path}.4.1) with identifier type ${rule.identifierTypes.join(' or ')} (${rule.path}.5).`,
          es: `${at} no tiene DNI: ninguna repetición tiene a ${rule.authority} como autoridad asignadora (${rule.path}.4.1) con tipo de identificador ${rule.identifierTypes.join(' o ')} (${rule.path}.5).`,
        }),
      );
    }
  }
  return out;
};

export const PE_RIS_V2: Hl7v2Contract = {
  profileDir: PE_RIS_V2_PROFILE_DIR,
  ruleChecks: { 'pe-dni': checkDni, 'pe-renipress': checkRenipress },
};
