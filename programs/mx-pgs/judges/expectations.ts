import type { Finding } from '../../../src/findings/finding.ts';
import type { PgsResult } from '../lib/pgs-client.ts';
import { loadPgsRuleCatalogue } from './rules/index.ts';

export interface AcuseExpectation {
  estatus: 'ACEPTADO' | 'RECHAZADO';
  codigo?: string;
  regla?: string;
  campo?: string;
  httpStatus?: number;
}

const fail = (ruleId: string, location: string, es: string, en: string): Finding => ({
  ruleId,
  severity: 'error',
  code: 'business-rule',
  location,
  locationKind: 'json-pointer',
  message: { es, en },
});

/**
 * Compares the SUT's answer with what the contract requires. The finding carries the id of the requirement
 * being judged, so the report says which rule the SUT broke rather than which step failed.
 */
export function checkAcuse(result: PgsResult, expected: AcuseExpectation, requirement: string): Finding[] {
  const findings: Finding[] = [];
  const acuse = result.acuse;
  const ruleId = expected.regla ?? requirement;
  const where = expected.campo ?? '/acuse';
  if (!acuse) {
    return [fail(ruleId, '/acuse', `La respuesta HTTP ${result.status} no trae acuse`, `HTTP ${result.status} response carries no acuse`)];
  }
  if (acuse.estatus !== expected.estatus) {
    const reasons = acuse.errores.map((e) => `${e.regla} ${e.campo}: ${e.mensaje}`).join('; ');
    findings.push(
      fail(
        ruleId,
        where,
        `Se esperaba ${expected.estatus}${expected.regla ? ` por ${expected.regla}` : ''}; el sistema respondió ${acuse.estatus} ${acuse.codigo}${reasons ? ` (${reasons})` : ''}`,
        `Expected ${expected.estatus}${expected.regla ? ` under ${expected.regla}` : ''}; the system answered ${acuse.estatus} ${acuse.codigo}${reasons ? ` (${reasons})` : ''}`,
      ),
    );
    return findings;
  }
  // An acuse citing several rules carries the code of one of them (the node's choice): the cited rule is what counts.
  const citesRule = expected.regla !== undefined && acuse.errores.some((e) => e.regla === expected.regla);
  if (expected.codigo && acuse.codigo !== expected.codigo && !citesRule) {
    findings.push(fail(ruleId, '/acuse/codigo', `Se esperaba el código ${expected.codigo}; llegó ${acuse.codigo}`, `Expected code ${expected.codigo}; got ${acuse.codigo}`));
  }
  if (expected.regla || expected.campo) {
    const match = acuse.errores.some((e) => (!expected.regla || e.regla === expected.regla) && (!expected.campo || campoConforms(e.campo, expected.campo)));
    if (!match) {
      const seen = acuse.errores.map((e) => `${e.regla} ${e.campo}`).join(', ') || '—';
      findings.push(
        fail(
          ruleId,
          '/acuse/errores',
          `Se esperaba un error de ${expected.regla ?? 'alguna regla'} en ${expected.campo ?? 'algún campo'}; errores recibidos: ${seen}`,
          `Expected an error of ${expected.regla ?? 'some rule'} at ${expected.campo ?? 'some field'}; errors received: ${seen}`,
        ),
      );
    }
  }
  if (expected.httpStatus !== undefined) findings.push(...checkHttpStatus(result, expected.httpStatus, ruleId));
  return findings;
}

/** Contract v1.1: `campo` names the field, or is `""` (the whole message), which is conformant for any error. */
export function campoConforms(given: string, expected: string): boolean {
  return given === expected || given === '';
}

/** The rule a status code belongs to (v1.1 order: 401/403 auth, 409 idempotency, 400 malformed, 2xx/404/422 consistency). */
export function statusRule(status: number, fallback: string): string {
  if (status === 401 || status === 403) return 'PGS-API-03';
  if (status === 409) return 'PGS-API-04';
  if (status === 400) return 'RN-10';
  if (status === 201 || status === 404 || status === 422) return 'PGS-API-05';
  return fallback;
}

const KNOWN_RULES = new Set(loadPgsRuleCatalogue().map((r) => r.id));

/** The rule a node applied in refusing a valid message: its auth or idempotency checks by status, else the rule it cited. */
export function refusingRule(result: PgsResult, fallback: string): string {
  if (result.acuse?.estatus !== 'RECHAZADO') return fallback;
  if (result.status === 401 || result.status === 403 || result.status === 409) return statusRule(result.status, fallback);
  const regla = result.acuse.errores[0]?.regla;
  return regla && KNOWN_RULES.has(regla) ? regla : fallback;
}

export function checkHttpStatus(result: PgsResult, status: number, requirement: string): Finding[] {
  if (result.status === status) return [];
  return [fail(requirement, '', `Se esperaba HTTP ${status}; el sistema respondió HTTP ${result.status}`, `Expected HTTP ${status}; the system answered HTTP ${result.status}`)];
}

/** Idempotent resend: the second answer must be the first one, not a second processing. */
export function checkSameAcuse(first: PgsResult, second: PgsResult, requirement: string): Finding[] {
  const a = JSON.stringify(first.acuse);
  const b = JSON.stringify(second.acuse);
  if (first.status === second.status && a === b) return [];
  return [
    fail(
      requirement,
      '/acuse',
      `El reenvío del mismo mensaje debe devolver el mismo acuse (HTTP ${first.status} ${a}); llegó HTTP ${second.status} ${b}`,
      `Resending the same message must return the same acuse (HTTP ${first.status} ${a}); got HTTP ${second.status} ${b}`,
    ),
  ];
}
