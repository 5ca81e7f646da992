import { validateNss } from '../../../../src/identifiers/mx/index.ts';
import { isString, type PgsRecordRule, rnError, underRule } from './shared.ts';

const LOCATION = '/afiliacion/numeroAfiliacion';

/**
 * RN-03: an IMSS afiliación carries a valid NSS, and no other TITULAR of the IMSS padrón holds it (contract v1.1:
 * a BENEFICIARIO carries its titular's NSS, so beneficiaries never make an NSS taken).
 * The one exception is the record's own `curpAnterior`: after a CURP change (RN-06) the person keeps
 * the NSS, so the old, now BAJA, record legitimately shares it. Any holder counts, whatever its
 * estatus: IMSS assigns an NSS to one person for life, so a BAJA holder is still someone else.
 */
export const rn03NssImss: PgsRecordRule = {
  id: 'RN-03',
  operations: ['alta', 'actualizacion'],
  check(ctx) {
    const record = ctx.record;
    if (!record?.afiliacion || record.afiliacion.institucion !== 'IMSS') return [];
    const nss = record.afiliacion.numeroAfiliacion;
    const invalid = validateNss(nss, { location: LOCATION }).map((f) => underRule('RN-03', f));
    if (invalid.length > 0 || !isString(nss) || record.afiliacion.tipo !== 'TITULAR') return invalid;
    const holder = ctx.padron.byNss(nss);
    if (holder && holder.curp !== record.curp && holder.curp !== record.curpAnterior && holder.curp !== ctx.pathCurp) {
      return [
        rnError('RN-03', 'duplicate', LOCATION, {
          es: `El NSS ${nss} ya está asignado a otra CURP (${holder.curp}) en el padrón del IMSS`,
          en: `NSS ${nss} is already held by another CURP (${holder.curp}) in the IMSS register`,
        }),
      ];
    }
    return [];
  },
};
