import type { Finding } from '../../../../src/findings/finding.ts';
import type { Rule } from '../../../../src/rules/rule.ts';
import { CONTRIBUTIVAS, type EstatusAfiliacion, type Institucion, type TipoAfiliacion } from '../../lib/types.ts';
import { rnError } from './shared.ts';

export type AlertaCobertura = 'DOBLE_AFILIACION' | 'DUPLICIDAD_SSA';

export interface CoberturaAfiliacion {
  institucion: Institucion;
  tipo: TipoAfiliacion;
  estatus: EstatusAfiliacion;
}

/**
 * RN-08, as the central index must apply it to one CURP's afiliaciones. Only VIGENTE coverage counts.
 * DOBLE_AFILIACION needs TITULAR in both IMSS and ISSSTE (a worker paying into both schemes); being a
 * BENEFICIARIO in one of them is legal. DUPLICIDAD_SSA is any VIGENTE SSA coverage next to any VIGENTE
 * IMSS/ISSSTE coverage, beneficiary or not: non-contributory coverage is for people without social security.
 * Alerts come in this fixed order so answers can be compared.
 */
export function classifyCoverage(afiliaciones: readonly CoberturaAfiliacion[]): AlertaCobertura[] {
  const vigentes = afiliaciones.filter((a) => a.estatus === 'VIGENTE');
  const contributivas = vigentes.filter((a) => CONTRIBUTIVAS.includes(a.institucion));
  const alertas: AlertaCobertura[] = [];
  const titularIn = new Set(contributivas.filter((a) => a.tipo === 'TITULAR').map((a) => a.institucion));
  if (CONTRIBUTIVAS.every((i) => titularIn.has(i))) alertas.push('DOBLE_AFILIACION');
  if (contributivas.length > 0 && vigentes.some((a) => a.institucion === 'SSA')) alertas.push('DUPLICIDAD_SSA');
  return alertas;
}

/** The part of a central-index answer (consulta-indice) RN-08 judges. */
export interface IndiceCoberturaContext {
  afiliaciones: readonly CoberturaAfiliacion[];
  alertas: readonly string[];
}

/**
 * RN-08 checked on a central index's answer: its alertas must be exactly what classifyCoverage derives
 * from its own afiliaciones, no flag missing (double coverage would go unreported) and none invented
 * (a person would be wrongly reported to the convenio's confronta). Order is not significant.
 */
export const rn08DobleAfiliacion: Rule<IndiceCoberturaContext> = {
  id: 'RN-08',
  check(ctx) {
    const expected = new Set<string>(classifyCoverage(ctx.afiliaciones));
    const findings: Finding[] = [];
    for (const alerta of expected) {
      if (!ctx.alertas.includes(alerta)) {
        findings.push(
          rnError('RN-08', 'business-rule', '/alertas', {
            es: `Falta la alerta ${alerta}: las afiliaciones VIGENTE del índice la requieren`,
            en: `Alert ${alerta} is missing: the index's VIGENTE afiliaciones require it`,
          }),
        );
      }
    }
    ctx.alertas.forEach((alerta, i) => {
      if (!expected.has(alerta)) {
        findings.push(
          rnError('RN-08', 'business-rule', `/alertas/${i}`, {
            es: `La alerta ${alerta} no corresponde a las afiliaciones VIGENTE del índice`,
            en: `Alert ${alerta} is not supported by the index's VIGENTE afiliaciones`,
          }),
        );
      }
    });
    return findings;
  },
};
