import type { Finding } from '../../../../src/findings/finding.ts';
import { rp01PacientePe } from './rp-01-paciente-pe.ts';
import { rp02DniVerificador } from './rp-02-dni-verificador.ts';
import { rp03Ubigeo } from './rp-03-ubigeo.ts';
import { cie10Catalogue, normaliseCie10, rp04Cie10 } from './rp-04-cie10.ts';
import { rp05Acuidad } from './rp-05-acuidad.ts';
import { rp06ProcedenciaIa } from './rp-06-procedencia-ia.ts';
import { rp07Consentimiento } from './rp-07-consentimiento.ts';
import { rp08Referencias } from './rp-08-referencias.ts';
import type { RpContext, RpRule } from './shared.ts';

export type { RpContext, RpRule } from './shared.ts';
export { cie10Catalogue, normaliseCie10, rp01PacientePe, rp02DniVerificador, rp03Ubigeo, rp04Cie10, rp05Acuidad, rp06ProcedenciaIa, rp07Consentimiento, rp08Referencias };

/** The business rules of a triage Bundle, RP-01…RP-08, in rule order. */
export const RP_RULES: readonly RpRule[] = Object.freeze([rp01PacientePe, rp02DniVerificador, rp03Ubigeo, rp04Cie10, rp05Acuidad, rp06ProcedenciaIa, rp07Consentimiento, rp08Referencias]);

/** Findings of every rule (or of `skip`-less subset), in rule order. */
export function evaluateRpRules(ctx: RpContext, opts: { skip?: readonly string[] } = {}): Finding[] {
  return RP_RULES.filter((r) => !opts.skip?.includes(r.id)).flatMap((rule) => rule.check(ctx));
}
