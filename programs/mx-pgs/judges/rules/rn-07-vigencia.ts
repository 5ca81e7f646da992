import type { Finding } from '../../../../src/findings/finding.ts';
import type { PgsRuleContext } from '../../lib/types.ts';
import { isString, type PgsRecordRule, rnError } from './shared.ts';

/**
 * RN-07: the coverage period is coherent: vigenciaFin ≥ vigenciaInicio, and a VIGENTE record does not
 * end in the past ("today" is Mexico City's civil date, injected). A vigenciaFin equal to today is still
 * VIGENTE: coverage runs through its last day. Dates are YYYY-MM-DD (the schema's `format: date`), so
 * string order is date order. A baja ends the coverage on fechaBaja, so that date must fall inside it: not before
 * vigenciaInicio (the stored record would break the first check) and not after today (a baja is not scheduled).
 */
export const rn07Vigencia: PgsRecordRule = {
  id: 'RN-07',
  operations: ['alta', 'actualizacion', 'baja'],
  check(ctx) {
    if (ctx.operation === 'baja') return checkFechaBaja(ctx);
    const afiliacion = ctx.record?.afiliacion;
    if (!afiliacion) return [];
    const { vigenciaInicio: inicio, vigenciaFin: fin, estatus } = afiliacion;
    if (!isString(fin)) return [];
    const findings: Finding[] = [];
    if (isString(inicio) && fin < inicio) {
      findings.push(
        rnError('RN-07', 'invariant', '/afiliacion/vigenciaFin', {
          es: `vigenciaFin (${fin}) es anterior a vigenciaInicio (${inicio})`,
          en: `vigenciaFin (${fin}) is before vigenciaInicio (${inicio})`,
        }),
      );
    }
    if (estatus === 'VIGENTE' && fin < ctx.today) {
      findings.push(
        rnError('RN-07', 'business-rule', '/afiliacion/vigenciaFin', {
          es: `Un registro VIGENTE no puede tener vigenciaFin (${fin}) en el pasado (hoy es ${ctx.today})`,
          en: `A VIGENTE record cannot have vigenciaFin (${fin}) in the past (today is ${ctx.today})`,
        }),
      );
    }
    return findings;
  },
};

function checkFechaBaja(ctx: PgsRuleContext): Finding[] {
  const fecha = ctx.baja?.fechaBaja;
  const inicio = ctx.pathCurp ? ctx.padron.byCurp(ctx.pathCurp)?.afiliacion.vigenciaInicio : undefined;
  if (!isString(fecha)) return [];
  const findings: Finding[] = [];
  if (isString(inicio) && fecha < inicio) {
    findings.push(
      rnError('RN-07', 'invariant', '/fechaBaja', {
        es: `fechaBaja (${fecha}) es anterior a vigenciaInicio (${inicio})`,
        en: `fechaBaja (${fecha}) is before vigenciaInicio (${inicio})`,
      }),
    );
  }
  if (fecha > ctx.today) {
    findings.push(
      rnError('RN-07', 'business-rule', '/fechaBaja', {
        es: `fechaBaja (${fecha}) está en el futuro (hoy es ${ctx.today})`,
        en: `fechaBaja (${fecha}) is in the future (today is ${ctx.today})`,
      }),
    );
  }
  return findings;
}
