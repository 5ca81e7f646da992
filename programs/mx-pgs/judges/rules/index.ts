import type { Finding } from '../../../../src/findings/finding.ts';
import type { Rule, RuleMeta } from '../../../../src/rules/rule.ts';
import type { PgsRuleContext } from '../../lib/types.ts';
import { rn01CurpValida } from './rn-01-curp-valida.ts';
import { rn02CurpCoincide } from './rn-02-curp-coincide.ts';
import { rn03NssImss } from './rn-03-nss-imss.ts';
import { rn04BeneficiarioTitular } from './rn-04-beneficiario-titular.ts';
import { rn05DuplicadoInexistente } from './rn-05-duplicado-inexistente.ts';
import { rn06CambioCurp } from './rn-06-cambio-curp.ts';
import { rn07Vigencia } from './rn-07-vigencia.ts';
import { rn08DobleAfiliacion } from './rn-08-doble-afiliacion.ts';
import { rn09PropagacionIndice } from './rn-09-propagacion-indice.ts';
import { rn10MensajeBienFormado } from './rn-10-mensaje-bien-formado.ts';
import { type PgsRecordRule, readProfileJson } from './shared.ts';

export { type AlertaCobertura, type CoberturaAfiliacion, classifyCoverage, type IndiceCoberturaContext } from './rn-08-doble-afiliacion.ts';
export { checkPropagation, PROPAGATION_LIMIT_MS, type PropagationCheck } from './rn-09-propagacion-indice.ts';
export { checkWellFormed, type WellFormedContext } from './rn-10-mensaje-bien-formado.ts';
export type { PgsRecordRule } from './shared.ts';
export {
  rn01CurpValida,
  rn02CurpCoincide,
  rn03NssImss,
  rn04BeneficiarioTitular,
  rn05DuplicadoInexistente,
  rn06CambioCurp,
  rn07Vigencia,
  rn08DobleAfiliacion,
  rn09PropagacionIndice,
  rn10MensajeBienFormado,
};

/** The rules judged on a single record against the node's padrón, in rule order. */
export const PGS_RULES: readonly PgsRecordRule[] = Object.freeze([rn01CurpValida, rn02CurpCoincide, rn03NssImss, rn04BeneficiarioTitular, rn05DuplicadoInexistente, rn06CambioCurp, rn07Vigencia]);

/**
 * Every mx-pgs rule implementation, RN-01…RN-10. RN-08…RN-10 take other contexts (an index answer, a
 * timing, a raw body), so they are listed for the catalogue, not run by evaluatePgsRules.
 */
export const PGS_RULE_IMPLEMENTATIONS: readonly Rule<never>[] = Object.freeze([...PGS_RULES, rn08DobleAfiliacion, rn09PropagacionIndice, rn10MensajeBienFormado]);

/** Findings of the record rules that apply to ctx.operation, in rule order. */
export function evaluatePgsRules(ctx: PgsRuleContext): Finding[] {
  return PGS_RULES.filter((rule) => rule.operations.includes(ctx.operation)).flatMap((rule) => rule.check(ctx));
}

export interface PgsRuleCatalogue {
  program: string;
  version: string;
  source: string;
  rules: RuleMeta[];
}

/**
 * The mx-pgs requirement catalogue: the business rules RN-01…RN-10 (implemented here) followed by the
 * API contract requirements PGS-API-xx (checked by the steps and contract-checks.ts), as reports list both.
 */
export function loadPgsRuleCatalogue(): RuleMeta[] {
  return readProfileJson<PgsRuleCatalogue>('rules.json').rules;
}
