import type { Finding } from '../../../../src/findings/finding.ts';
import { isString, type PgsRecordRule, rnError } from './shared.ts';

/**
 * RN-06: the CURP is the record's identity. An actualización must carry the same CURP as its URL and
 * may not alter `curpAnterior` (PUT replaces the record, so omitting it would erase the history).
 * A CURP change is a baja of the old CURP followed by an alta of the new one with `curpAnterior`, and a
 * regulator expects exactly that order: on the alta, `curpAnterior` must differ from `curp`, be a CURP
 * this padrón knows (otherwise there is nothing to link and a plain alta is the right message) and be
 * already in BAJA (otherwise the same person would be VIGENTE twice, under two CURPs, in one padrón).
 * Unknown curpAnterior is business-rule, not not-found, so the alta is answered 422 rather than 404.
 */
export const rn06CambioCurp: PgsRecordRule = {
  id: 'RN-06',
  operations: ['alta', 'actualizacion'],
  check(ctx) {
    const record = ctx.record;
    if (!record) return [];
    const findings: Finding[] = [];
    if (ctx.operation === 'actualizacion') {
      if (ctx.pathCurp !== undefined && record.curp !== ctx.pathCurp) {
        findings.push(
          rnError('RN-06', 'business-rule', '/curp', {
            es: `La actualización no puede cambiar la CURP (${ctx.pathCurp} → ${String(record.curp)}); el cambio de CURP es baja más alta con curpAnterior`,
            en: `An actualización may not change the CURP (${ctx.pathCurp} → ${String(record.curp)}); a CURP change is a baja plus an alta with curpAnterior`,
          }),
        );
      }
      const stored = ctx.padron.byCurp(ctx.pathCurp ?? record.curp);
      if (stored && record.curpAnterior !== stored.curpAnterior) {
        findings.push(
          rnError('RN-06', 'business-rule', '/curpAnterior', {
            es: `La actualización no puede cambiar curpAnterior (registrada: ${stored.curpAnterior ?? 'ninguna'}); solo se declara en el alta posterior al cambio de CURP`,
            en: `An actualización may not change curpAnterior (stored: ${stored.curpAnterior ?? 'none'}); it is declared only on the alta after the CURP change`,
          }),
        );
      }
      return findings;
    }
    if (ctx.operation !== 'alta' || record.curpAnterior === undefined) return [];
    const anterior = record.curpAnterior;
    if (!isString(anterior)) return [];
    if (anterior === record.curp) {
      return [
        rnError('RN-06', 'value', '/curpAnterior', {
          es: 'curpAnterior es igual a curp: no hay cambio de CURP',
          en: 'curpAnterior equals curp: there is no CURP change',
        }),
      ];
    }
    const old = ctx.padron.byCurp(anterior);
    if (!old) {
      findings.push(
        rnError('RN-06', 'business-rule', '/curpAnterior', {
          es: `La CURP anterior ${anterior} no está en el padrón de ${ctx.institucion}; sin cambio de CURP que enlazar, envíe un alta sin curpAnterior`,
          en: `Previous CURP ${anterior} is not in the ${ctx.institucion} register; with no CURP change to link, send an alta without curpAnterior`,
        }),
      );
    } else if (old.afiliacion.estatus !== 'BAJA') {
      findings.push(
        rnError('RN-06', 'conflict', '/curpAnterior', {
          es: `La CURP anterior ${anterior} sigue con estatus ${old.afiliacion.estatus}; primero se da de baja (motivo CAMBIO_CURP) y después el alta con la CURP nueva`,
          en: `Previous CURP ${anterior} still has estatus ${old.afiliacion.estatus}; send its baja (motivo CAMBIO_CURP) before the alta with the new CURP`,
        }),
      );
    }
    return findings;
  },
};
