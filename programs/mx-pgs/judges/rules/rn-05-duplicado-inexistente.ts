import { isString, PATH_CURP, type PgsRecordRule, rnError } from './shared.ts';

/**
 * RN-05: an alta of a CURP already VIGENTE or SUSPENDIDO in this padrón is a duplicate; a record in BAJA is
 * re-affiliated (contract v1.1). A baja or actualización must name a CURP the padrón
 * knows: not-found, which nodes answer with 404. A baja of a record already in BAJA is refused as a
 * conflict: it would silently move the recorded fechaBaja (a retry of the same baja is the idempotent
 * replay of its X-Message-Id, which never reaches the rules).
 */
export const rn05DuplicadoInexistente: PgsRecordRule = {
  id: 'RN-05',
  operations: ['alta', 'actualizacion', 'baja'],
  check(ctx) {
    if (ctx.operation === 'alta') {
      const curp = ctx.record?.curp;
      if (!isString(curp)) return [];
      const existing = ctx.padron.byCurp(curp);
      const estatus = existing?.afiliacion.estatus;
      if (estatus === 'VIGENTE' || estatus === 'SUSPENDIDO') {
        return [
          rnError('RN-05', 'duplicate', '/curp', {
            es: `La CURP ${curp} ya está ${estatus} en el padrón de ${ctx.institucion}`,
            en: `CURP ${curp} is already ${estatus} in the ${ctx.institucion} register`,
          }),
        ];
      }
      return [];
    }
    if (ctx.operation !== 'baja' && ctx.operation !== 'actualizacion') return [];
    const curp = ctx.pathCurp ?? ctx.record?.curp;
    const existing = isString(curp) ? ctx.padron.byCurp(curp) : undefined;
    if (!existing) {
      return [
        rnError('RN-05', 'not-found', PATH_CURP, {
          es: `La CURP ${String(curp)} no está en el padrón de ${ctx.institucion}`,
          en: `CURP ${String(curp)} is not in the ${ctx.institucion} register`,
        }),
      ];
    }
    if (ctx.operation === 'baja' && existing.afiliacion.estatus === 'BAJA') {
      return [
        rnError('RN-05', 'conflict', PATH_CURP, {
          es: `La CURP ${String(curp)} ya está dada de baja`,
          en: `CURP ${String(curp)} is already in BAJA`,
        }),
      ];
    }
    return [];
  },
};
