import type { Finding } from '../../../../src/findings/finding.ts';
import { validateCurp } from '../../../../src/identifiers/mx/index.ts';
import { type PgsRecordRule, underRule } from './shared.ts';

/**
 * RN-01: the CURP of an incoming record is a valid RENAPO CURP, and the DGIS generic CURP is refused:
 * it exists for unidentified patients in batch reporting, not for enrolling a person in a padrón.
 * The historic `curpAnterior`, when present, must be a valid CURP too (the index links both).
 */
export const rn01CurpValida: PgsRecordRule = {
  id: 'RN-01',
  operations: ['alta', 'actualizacion'],
  check(ctx) {
    const record = ctx.record;
    if (!record) return [];
    const findings: Finding[] = validateCurp(record.curp, { location: '/curp', allowGeneric: false }).map((f) => underRule('RN-01', f));
    if (record.curpAnterior !== undefined) {
      findings.push(...validateCurp(record.curpAnterior, { location: '/curpAnterior', allowGeneric: false }).map((f) => underRule('RN-01', f, 'curpAnterior')));
    }
    return findings;
  },
};
