/**
 * The padrón's consulta as mx-pgs answers it (RE-03): `{acuse, beneficiario}` with what a CURP check reads (curp,
 * nombre, primerApellido, fechaNacimiento, sexo), 404 with an acuse RECHAZADO for a CURP it does not know. More
 * members are allowed: an mx-pgs node sends the whole beneficiario.
 */
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { fail, isRecord, type JudgedFinding, jsonBody, pathOf, type Verdict } from './judged.ts';

const READ_FIELDS = ['curp', 'nombre', 'primerApellido', 'fechaNacimiento', 'sexo'] as const;

export function judgePadronAnswer(x: ExchangeEntry, role: Verdict['role']): JudgedFinding[] {
  const v: Verdict = { rule: 'RE-03', role, x, side: 'response' };
  const body = jsonBody(x.response);
  const asked = decodeURIComponent(pathOf(x.url).split('/').pop() ?? '');
  if (x.status === 200) {
    const b = isRecord(body) && isRecord(body.beneficiario) ? body.beneficiario : undefined;
    if (!isRecord(body) || !isRecord(body.acuse) || !b)
      return [fail(v, 'structure', '', 'La consulta del padrón no responde {acuse, beneficiario}.', 'The padrón consulta does not answer {acuse, beneficiario}.', 'json-pointer')];
    const out: JudgedFinding[] = [];
    for (const field of READ_FIELDS) {
      if (typeof b[field] !== 'string' || b[field] === '')
        out.push(fail(v, 'required', `/beneficiario/${field}`, `El beneficiario no trae ${field}.`, `The beneficiario has no ${field}.`, 'json-pointer'));
    }
    if (typeof b.curp === 'string' && b.curp !== asked)
      out.push(fail(v, 'value', '/beneficiario/curp', `Se consultó ${asked} y el padrón respondió ${b.curp}.`, `${asked} was asked for and the padrón answered ${b.curp}.`, 'json-pointer'));
    return out;
  }
  if (x.status === 404) {
    const estatus = isRecord(body) && isRecord(body.acuse) ? body.acuse.estatus : undefined;
    return estatus === 'RECHAZADO'
      ? []
      : [fail(v, 'structure', '/acuse/estatus', 'La CURP desconocida responde 404 sin un acuse RECHAZADO.', 'The unknown CURP answers 404 without an acuse RECHAZADO.', 'json-pointer')];
  }
  return [];
}
