import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkContentType } from '../../programs/mx-pgs/judges/contract-checks.ts';
import { judgeIndexEvents } from '../../programs/mx-pgs/judges/wire-judge.ts';
import type { ExchangeEntry } from '../../src/journal/exchange.ts';

const CURP = 'GAHG551011MNERND02';
const event = {
  evento: 'ALTA',
  institucion: 'IMSS',
  curp: CURP,
  tipo: 'TITULAR',
  estatus: 'VIGENTE',
  vigenciaInicio: '2024-01-01',
  nombre: 'GLORIA',
  primerApellido: 'GARCIA',
  segundoApellido: 'HERNANDEZ',
  fechaNacimiento: '1955-10-11',
  sexo: 'M',
  ocurridoEn: '2026-01-01T00:00:00.000Z',
};
const messageId = '3f1c2a9e-1b2c-4d3e-8f40-5a6b7c8d9e0f';

function entry(overrides: Partial<ExchangeEntry> = {}, body: unknown = event): ExchangeEntry {
  return {
    id: 'x1',
    protocol: 'http',
    from: 'IMSS',
    to: 'SSA',
    method: 'POST',
    url: 'http://127.0.0.1:1/pgs/v1/indice/eventos',
    status: 202,
    messageId,
    startedAt: '',
    finishedAt: '',
    observedBy: 'client',
    request: { headers: { 'x-message-id': messageId, 'x-institucion': 'IMSS', authorization: 'Bearer [redacted]' }, body },
    response: { headers: { 'content-type': 'application/json; charset=utf-8' }, body: { acuse: { messageId, estatus: 'ACEPTADO', codigo: 'PGS-000', errores: [] } } },
    ...overrides,
  };
}
const rules = (judged: ReturnType<typeof judgeIndexEvents>) => judged.flatMap((j) => j.findings.map((f) => `${f.ruleId} ${f.role} ${f.location}`));
const curps = new Set([CURP]);

test('a conforming event and its acknowledgement raise nothing', () => {
  assert.deepEqual(judgeIndexEvents([entry()], { curps }), []);
});

test('the event a node sends is judged against evento-indice and its headers, blaming the sender', () => {
  const { ocurridoEn: _, ...withoutTime } = event;
  assert.deepEqual(rules(judgeIndexEvents([entry({}, withoutTime)], { curps })), ['RN-09 imss /ocurridoEn']);
  const badId = entry({ messageId: 'EVT-1', request: { headers: { 'x-message-id': 'EVT-1', 'x-institucion': 'IMSS' }, body: event }, status: 400 });
  // The index could not echo an id that is no UUID: only the sender is at fault.
  assert.deepEqual(
    rules(
      judgeIndexEvents(
        [
          {
            ...badId,
            response: {
              headers: { 'content-type': 'application/json' },
              body: { acuse: { messageId: 'f'.repeat(8) + '-0000-4000-8000-' + '0'.repeat(12), estatus: 'RECHAZADO', codigo: 'PGS-110', errores: [{ regla: 'RN-10', campo: '', mensaje: 'x' }] } },
            },
          },
        ],
        { curps },
      ),
    ).filter((r) => !r.includes('Content-Type')),
    ['RN-09 imss header:X-Message-Id'],
  );
  assert.deepEqual(rules(judgeIndexEvents([entry({ status: 401 })], { curps, sutRole: 'IMSS' })), ['PGS-API-03 imss header:Authorization']);
});

test("an external node's event, seen by Sello's SSA mock as server, is that node's", () => {
  const seen = entry({ observedBy: 'server', from: 'ISSSTE' }, { ...event, institucion: 'ISSSTE' });
  assert.deepEqual(rules(judgeIndexEvents([seen], { curps, sutRole: 'IMSS' })), ['RN-09 imss /institucion']);
});

test("events about other scenarios' people are left to those scenarios", () => {
  assert.deepEqual(judgeIndexEvents([entry({}, { ...event, ocurridoEn: undefined })], { curps: new Set(['OTHER']) }), []);
});

test('when SSA is judged, its answers to the events are judged like any answer', () => {
  const wrongEcho = entry({
    response: { headers: { 'content-type': 'text/plain' }, body: { acuse: { messageId: 'a'.repeat(8) + '-0000-4000-8000-' + '0'.repeat(12), estatus: 'ACEPTADO', codigo: 'PGS-000', errores: [] } } },
  });
  assert.deepEqual(rules(judgeIndexEvents([wrongEcho], { curps, sutRole: 'SSA' })).sort(), ['PGS-API-01 ssa header:Content-Type', 'PGS-API-02 ssa /acuse/messageId']);
});

test('Content-Type: application/json with utf-8 in any spelling and order; another charset or media type is an error', () => {
  for (const ok of ['application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', 'application/json ; charset="utf-8"', 'application/json; foo=bar; charset=UTF8']) {
    assert.deepEqual(checkContentType(ok), [], ok);
  }
  assert.equal(checkContentType('application/json')[0]?.severity, 'warning');
  for (const bad of ['text/plain; charset=utf-8', 'application/json; charset=iso-8859-1', '']) {
    assert.equal(checkContentType(bad)[0]?.severity, 'error', bad);
    assert.equal(checkContentType(bad)[0]?.ruleId, 'PGS-API-01');
  }
});

test('a node whose own token request to the SSA mock is refused is told so on that request', () => {
  const token = entry({ url: 'http://127.0.0.1:1/oauth/token', status: 401, messageId: undefined, observedBy: 'server', from: 'IMSS' }, 'grant_type=client_credentials');
  assert.deepEqual(rules(judgeIndexEvents([token], { curps, sutRole: 'ISSSTE' })), ['PGS-API-03 issste header:Authorization']);
  assert.deepEqual(judgeIndexEvents([{ ...token, status: 200 }], { curps, sutRole: 'ISSSTE' }), []);
  assert.deepEqual(judgeIndexEvents([{ ...token, from: 'sello:IMSS', observedBy: 'client' }], { curps }), [], "Sello's own token requests are not the node's");
});
