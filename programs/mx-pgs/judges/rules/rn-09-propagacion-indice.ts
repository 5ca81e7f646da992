import { type Finding, finding } from '../../../../src/findings/finding.ts';
import type { Rule } from '../../../../src/rules/rule.ts';

export const PROPAGATION_LIMIT_MS = 5000;

export interface PropagationCheck {
  /** When the node committed the change (epoch ms), e.g. when its ACEPTADO acuse was received. */
  changedAt: number;
  /** When the central index first showed the change (epoch ms); absent = never seen. */
  notifiedAt?: number;
  limitMs?: number;
  /** What changed, e.g. `POST /pgs/v1/beneficiarios {curp}`; an HTTP location, not a JSON pointer. */
  location: string;
}

/**
 * RN-09: a state change reaches the central index within the limit (5 s). A notification observed
 * before `changedAt` is fine: nodes may notify before answering, and both clocks are Sello's.
 */
export function checkPropagation(check: PropagationCheck): Finding[] {
  const limit = check.limitMs ?? PROPAGATION_LIMIT_MS;
  if (check.notifiedAt === undefined) {
    return [
      finding(
        'RN-09',
        'error',
        'timeout',
        check.location,
        {
          es: `El cambio no se notificó al índice central (límite ${limit} ms)`,
          en: `The change was not reported to the central index (limit ${limit} ms)`,
        },
        'http',
      ),
    ];
  }
  const elapsed = check.notifiedAt - check.changedAt;
  if (elapsed > limit) {
    return [
      finding(
        'RN-09',
        'error',
        'timeout',
        check.location,
        {
          es: `El cambio llegó al índice central ${elapsed} ms después; el límite es ${limit} ms`,
          en: `The change reached the central index after ${elapsed} ms; the limit is ${limit} ms`,
        },
        'http',
      ),
    ];
  }
  return [];
}

export const rn09PropagacionIndice: Rule<PropagationCheck> = { id: 'RN-09', check: checkPropagation };
