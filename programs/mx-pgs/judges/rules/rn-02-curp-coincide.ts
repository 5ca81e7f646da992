import { type Finding, finding } from '../../../../src/findings/finding.ts';
import { parseCurp } from '../../../../src/identifiers/mx/index.ts';
import { isString, type PgsRecordRule, rnError } from './shared.ts';

/**
 * RN-02: the birth date and sex encoded in the CURP agree with `fechaNacimiento` and `sexo`.
 * Sex X (non-binary, issued by RENAPO since 2023 in some states) matches a CURP with X only.
 * A birth-state mismatch is only a warning: the spec's rule names date and sex, but a different
 * `entidadNacimiento` is still worth showing to whoever fixes the record.
 * An unreadable CURP is RN-01's finding, not this rule's.
 */
export const rn02CurpCoincide: PgsRecordRule = {
  id: 'RN-02',
  operations: ['alta', 'actualizacion'],
  check(ctx) {
    const record = ctx.record;
    if (!record || !isString(record.curp)) return [];
    const parsed = parseCurp(record.curp);
    if (!parsed) return [];
    const findings: Finding[] = [];
    if (parsed.fechaNacimiento !== record.fechaNacimiento) {
      findings.push(
        rnError('RN-02', 'business-rule', '/fechaNacimiento', {
          es: `La fecha de nacimiento ${String(record.fechaNacimiento)} no coincide con la de la CURP (${parsed.fechaNacimiento})`,
          en: `Date of birth ${String(record.fechaNacimiento)} does not match the CURP's (${parsed.fechaNacimiento})`,
        }),
      );
    }
    if (parsed.sexo !== record.sexo) {
      findings.push(
        rnError('RN-02', 'business-rule', '/sexo', {
          es: `El sexo ${String(record.sexo)} no coincide con el de la CURP (${parsed.sexo})`,
          en: `Sex ${String(record.sexo)} does not match the CURP's (${parsed.sexo})`,
        }),
      );
    }
    if (isString(record.entidadNacimiento) && parsed.entidad !== record.entidadNacimiento) {
      findings.push(
        finding('RN-02', 'warning', 'business-rule', '/entidadNacimiento', {
          es: `La entidad de nacimiento ${record.entidadNacimiento} no coincide con la de la CURP (${parsed.entidad})`,
          en: `Birth state ${record.entidadNacimiento} does not match the CURP's (${parsed.entidad})`,
        }),
      );
    }
    return findings;
  },
};
