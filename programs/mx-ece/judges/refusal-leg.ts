/**
 * RE-14 on every answer of the source and the registry: bad input gets the protocol's error — a 4xx with a FHIR
 * OperationOutcome on the FHIR paths, mx-pgs's acuse on the padrón's — and never a 5xx or a dropped connection.
 */
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { fail, isRecord, type JudgedFinding, jsonBody, pathOf, type Verdict } from './judged.ts';

export function judgeRefusal(x: ExchangeEntry, role: Verdict['role']): JudgedFinding[] {
  const v: Verdict = { rule: 'RE-14', role, x, side: 'response' };
  if (x.error && x.status === undefined && x.observedBy === 'server') {
    return [fail(v, 'exception', 'connection', `${x.method} ${pathOf(x.url)}: la conexión se cerró sin respuesta.`, `${x.method} ${pathOf(x.url)}: the connection was closed without an answer.`)];
  }
  const status = x.status ?? 0;
  if (status >= 500) {
    return [
      fail(
        v,
        'exception',
        'status',
        `${x.method} ${pathOf(x.url)} respondió ${status}; una entrada mala recibe 4xx, nunca 5xx.`,
        `${x.method} ${pathOf(x.url)} answered ${status}; bad input gets a 4xx, never a 5xx.`,
      ),
    ];
  }
  if (status < 400) return [];
  const body = jsonBody(x.response);
  const padron = pathOf(x.url).startsWith('/pgs/');
  const shaped = padron ? isRecord(body) && isRecord(body.acuse) : isRecord(body) && body.resourceType === 'OperationOutcome' && Array.isArray(body.issue) && body.issue.length > 0;
  if (shaped) return [];
  return [
    fail(
      v,
      'structure',
      'body',
      `${x.method} ${pathOf(x.url)} respondió ${status} sin ${padron ? 'el acuse de mx-pgs' : 'un OperationOutcome con issue'}.`,
      `${x.method} ${pathOf(x.url)} answered ${status} without ${padron ? "mx-pgs's acuse" : 'an OperationOutcome with an issue'}.`,
    ),
  ];
}
