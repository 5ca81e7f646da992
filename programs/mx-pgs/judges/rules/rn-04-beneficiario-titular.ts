import { type Finding, finding } from '../../../../src/findings/finding.ts';
import { isString, loadCatalogueCodes, type PgsRecordRule, rnError } from './shared.ts';

const PARENTESCO = loadCatalogueCodes('parentesco');

/**
 * RN-04: a BENEFICIARIO is covered through a TITULAR: `titularCurp` must name a record of this padrón
 * (hence this institution) that is a TITULAR with estatus VIGENTE, other than the beneficiary itself,
 * and `parentesco` must be a code of catalogs/parentesco.json. Not-found titulares are reported as
 * business-rule, not not-found: the request's own resource exists, only its reference is bad.
 * A TITULAR carrying titularCurp or parentesco only gets a warning: harmless, but likely a client bug.
 */
export const rn04BeneficiarioTitular: PgsRecordRule = {
  id: 'RN-04',
  operations: ['alta', 'actualizacion'],
  check(ctx) {
    const afiliacion = ctx.record?.afiliacion;
    if (!ctx.record || !afiliacion) return [];
    const findings: Finding[] = [];
    if (afiliacion.tipo === 'TITULAR') {
      for (const field of ['titularCurp', 'parentesco'] as const) {
        if (afiliacion[field] !== undefined) {
          findings.push(
            finding('RN-04', 'warning', 'business-rule', `/afiliacion/${field}`, {
              es: `Un TITULAR no lleva ${field}; el valor se ignora`,
              en: `A TITULAR does not carry ${field}; the value is ignored`,
            }),
          );
        }
      }
      return findings;
    }
    if (afiliacion.tipo !== 'BENEFICIARIO') return [];

    const titularCurp = afiliacion.titularCurp;
    if (!isString(titularCurp) || titularCurp === '') {
      findings.push(
        rnError('RN-04', 'required', '/afiliacion/titularCurp', {
          es: 'Un BENEFICIARIO requiere titularCurp',
          en: 'A BENEFICIARIO requires titularCurp',
        }),
      );
    } else if (titularCurp === ctx.record.curp) {
      findings.push(
        rnError('RN-04', 'business-rule', '/afiliacion/titularCurp', {
          es: 'Un BENEFICIARIO no puede ser su propio titular',
          en: 'A BENEFICIARIO cannot be its own TITULAR',
        }),
      );
    } else {
      const titular = ctx.padron.byCurp(titularCurp);
      const problem = !titular
        ? { es: 'no está en el padrón', en: 'is not in the register' }
        : titular.afiliacion.institucion !== ctx.institucion
          ? { es: `pertenece a ${titular.afiliacion.institucion}`, en: `belongs to ${titular.afiliacion.institucion}` }
          : titular.afiliacion.tipo !== 'TITULAR'
            ? { es: 'no es TITULAR', en: 'is not a TITULAR' }
            : titular.afiliacion.estatus !== 'VIGENTE'
              ? { es: `tiene estatus ${titular.afiliacion.estatus}`, en: `has estatus ${titular.afiliacion.estatus}` }
              : undefined;
      if (problem) {
        findings.push(
          rnError('RN-04', 'business-rule', '/afiliacion/titularCurp', {
            es: `El titular ${titularCurp} ${problem.es}; se requiere un TITULAR VIGENTE de ${ctx.institucion}`,
            en: `TITULAR ${titularCurp} ${problem.en}; a VIGENTE TITULAR of ${ctx.institucion} is required`,
          }),
        );
      }
    }

    const parentesco = afiliacion.parentesco;
    if (parentesco === undefined || parentesco === '') {
      findings.push(
        rnError('RN-04', 'required', '/afiliacion/parentesco', {
          es: 'Un BENEFICIARIO requiere parentesco',
          en: 'A BENEFICIARIO requires parentesco',
        }),
      );
    } else if (!PARENTESCO.has(parentesco)) {
      findings.push(
        rnError('RN-04', 'code-invalid', '/afiliacion/parentesco', {
          es: `El parentesco ${String(parentesco)} no está en el catálogo: ${[...PARENTESCO].join(', ')}`,
          en: `Parentesco ${String(parentesco)} is not in the catalogue: ${[...PARENTESCO].join(', ')}`,
        }),
      );
    }
    return findings;
  },
};
