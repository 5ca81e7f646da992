import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationError } from '../../src/config/errors.ts';
import { describeSut, parseTarget, sutEndpoints } from '../../src/config/target.ts';

const SIHCE = `program: pe-ris
sut:
  role: sihce
  name: oneVisionCax de prueba
  fhirBaseUrl: http://127.0.0.1:9001/fhir
  mllp: { host: 127.0.0.1, port: 9002 }
mocks:
  ports: { engine: 9003, qhali: 9004 }
timeouts: { requestMs: 10000, propagationMs: 8000 }
`;

function configurationError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, String(error));
    return error;
  }
  return assert.fail('expected a ConfigurationError');
}

test('a pe-ris target for SIHCE parses, and names its FHIR base and MLLP listener as the endpoints to reach', () => {
  const t = parseTarget(SIHCE, 't.yaml', {});
  assert.equal(t.program, 'pe-ris');
  assert.deepEqual(sutEndpoints(t), ['http://127.0.0.1:9001/fhir', 'mllp://127.0.0.1:9002']);
  assert.deepEqual(describeSut(t), { role: 'sihce', baseUrl: 'http://127.0.0.1:9001/fhir', kind: 'external', name: 'oneVisionCax de prueba' });
});

test('each pe-ris role requires its own endpoints', () => {
  const qhali = configurationError(() => parseTarget('program: pe-ris\nsut: { role: qhali, notificationUrl: "http://h/notificaciones" }\n', 'q.yaml', {}));
  assert.match(qhali.message, /controlUrl/);
  const engine = configurationError(() => parseTarget('program: pe-ris\nsut: { role: engine, fhirBaseUrl: "http://h/fhir" }\n', 'e.yaml', {}));
  assert.match(engine.message, /notificationUrl/);
  const sihce = configurationError(() => parseTarget('program: pe-ris\nsut: { role: sihce, fhirBaseUrl: "http://h/fhir" }\n', 's.yaml', {}));
  assert.match(sihce.message, /mllp/);
  assert.doesNotMatch(sihce.message, /must match "then" schema/, 'only the useful line is reported');
});

test('a pe-ris target cannot use mx-pgs roles or members, and an unknown program is named', () => {
  const role = configurationError(() => parseTarget('program: pe-ris\nsut: { role: imss, fhirBaseUrl: "http://h/fhir" }\n', 'r.yaml', {}));
  assert.match(role.message, /\/sut\/role/);
  const mixed = configurationError(() => parseTarget(`${SIHCE}credentials: { IMSS: { clientId: a, clientSecret: b } }\n`, 'm.yaml', {}));
  assert.match(mixed.message, /additional properties \(credentials\)/);
  const unknown = configurationError(() => parseTarget('program: xx-nope\nsut: { role: x }\n', 'u.yaml', {}));
  assert.match(unknown.message, /\/program: must be one of mx-pgs, pe-ris, ru-egisz/);
});
