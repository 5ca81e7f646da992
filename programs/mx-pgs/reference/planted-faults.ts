import type { Finding } from '../../../src/findings/finding.ts';
import { GENERIC_CURP } from '../../../src/identifiers/mx/curp.ts';
import type { FaultSet } from '../../../src/mock/faults.ts';
import { checkWellFormed } from '../judges/rules/rn-10-mensaje-bien-formado.ts';
import { rnError } from '../judges/rules/shared.ts';
import type { Beneficiario, Operacion } from '../lib/types.ts';
import type { Padron } from './padron.ts';

/**
 * Vendor bugs a reference node can be told to have (`--plant-fault IMSS:<key>`), each the kind of mistake a real
 * implementation ships; profiles/mx-pgs/planted-defects.json says which rule and behaviour each must fail. The node
 * stays correct without them: every function here is the identity when its fault is not planted.
 */

export interface WriteView {
  operation: Operacion;
  record?: Beneficiario;
  pathCurp?: string;
  padron: Padron;
}

/** Business-rule findings the buggy node would not have raised, or would have raised wrongly. */
export function faultyRuleFindings(faults: FaultSet, findings: Finding[], view: WriteView): Finding[] {
  const record = view.record;
  const existing = (view.pathCurp ?? record?.curp) ? view.padron.byCurp((view.pathCurp ?? record?.curp)!) : undefined;
  const drop = (f: Finding): boolean => {
    if (faults.has(`skip-${f.ruleId}`)) return true;
    switch (f.ruleId) {
      case 'RN-01':
        return record?.curp === GENERIC_CURP ? faults.has('accept-generic-curp') : faults.has('ignore-curp-check-digit');
      case 'RN-02':
        return f.location === '/sexo' ? faults.has('ignore-sexo-mismatch') : faults.has('ignore-birthdate-mismatch');
      case 'RN-03':
        return f.code === 'duplicate' ? faults.has('reuse-nss') : faults.has('ignore-nss-check-digit');
      case 'RN-04':
        if (f.location === '/afiliacion/parentesco') return faults.has('parentesco-optional');
        return view.padron.byCurp(record?.afiliacion.titularCurp ?? '') ? faults.has('titular-estatus-ignored') : faults.has('titular-not-checked');
      case 'RN-05':
        if (view.operation === 'alta') return existing?.afiliacion.estatus === 'SUSPENDIDO' ? faults.has('accept-suspendido-alta') : faults.has('accept-duplicate-alta');
        if (f.code === 'conflict') return faults.has('baja-twice-accepted');
        return false;
      case 'RN-06':
        return faults.has('update-changes-curp');
      case 'RN-07':
        return f.code === 'invariant' ? faults.has('vigencia-order-unchecked') : faults.has('vigencia-expiry-unchecked');
      default:
        return false;
    }
  };
  const kept = findings.filter((f) => !drop(f));
  if (record && view.operation === 'alta') {
    if (faults.has('reject-reaffiliation') && existing?.afiliacion.estatus === 'BAJA') {
      kept.push(rnError('RN-05', 'duplicate', '/curp', { es: `La CURP ${record.curp} ya existe en el padrón`, en: `CURP ${record.curp} already exists in the register` }));
    }
    if (faults.has('nss-unique-among-all') && record.afiliacion.tipo === 'BENEFICIARIO' && view.padron.byNss(record.afiliacion.numeroAfiliacion)) {
      kept.push(rnError('RN-03', 'duplicate', '/afiliacion/numeroAfiliacion', { es: 'NSS ya asignado', en: 'NSS already assigned' }));
    }
    if (faults.has('titular-lookup-broken') && record.afiliacion.tipo === 'BENEFICIARIO') {
      kept.push(rnError('RN-04', 'business-rule', '/afiliacion/titularCurp', { es: 'Titular no encontrado', en: 'Titular not found' }));
    }
    if (faults.has('curp-change-rejected') && record.curpAnterior) {
      kept.push(rnError('RN-06', 'business-rule', '/curpAnterior', { es: 'curpAnterior no admitida en el alta', en: 'curpAnterior not accepted on alta' }));
    }
  }
  return kept;
}

/** Parses a write's body as the buggy node would; `crash` is an unhandled exception (HTTP 500). */
export function faultyParse(faults: FaultSet, payload: Buffer, schemaId: string): { value?: unknown; findings: Finding[] } | 'crash' {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    if (faults.has('crash-on-bad-json')) return 'crash';
    return checkWellFormed(payload, schemaId);
  }
  if (Array.isArray(json) && faults.has('crash-on-array-body')) return 'crash';
  const checked = checkWellFormed(payload, schemaId);
  const kept = checked.findings.filter((f) => {
    if (f.ruleId !== 'RN-10') return true;
    if (schemaId === 'baja') return !faults.has('baja-body-unchecked');
    if (f.code === 'structure' && /unknown field/.test(f.message.en) && faults.has('ignore-unknown-fields')) {
      // The buggy node drops what it does not know instead of refusing it.
      if (json && typeof json === 'object') delete (json as Record<string, unknown>)[f.location.slice(1)];
      return false;
    }
    if (f.location === '/domicilio/cp') return !faults.has('coerce-types');
    return true;
  });
  const findings = faults.has('pointer-without-slash') ? kept.map((f) => ({ ...f, location: f.location.replace(/^\//, '') })) : kept;
  if (faults.has('coerce-types') && json && typeof json === 'object' && !Array.isArray(json)) {
    const domicilio = (json as { domicilio?: { cp?: unknown } }).domicilio;
    if (domicilio && typeof domicilio.cp === 'number') domicilio.cp = String(domicilio.cp);
  }
  return { value: json, findings };
}
