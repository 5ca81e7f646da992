import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// Compiled as src/config/target.ts compiles a program's schema: strict, with the shared $defs beside it.
const require = createRequire(import.meta.url);
const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);
ajv.addSchema(require('../../src/config/target.schema.json') as object);
const validate = ajv.compile(require('../../programs/ru-egisz/target.schema.json') as object);

const organization = {
  oid: '1.2.643.5.1.13.13.12.2.77.99901',
  ogrn: '1027700000019',
  misNumber: 12,
  instance: 1,
  departments: ['1.2.643.5.1.13.13.12.2.77.99901.0.123456'],
  staff: [{ snils: '112-233-445 95', position: '122' }],
};
const TARGETS = {
  mis: {
    program: 'ru-egisz',
    sut: { role: 'mis', callbackUrl: 'http://mis.local/callback', documentFileUrl: 'http://mis.local/file', clientEntityId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', organization },
    mocks: { ports: { remd: 7301 } },
    timeouts: { callbackMs: 5000 },
  },
  gateway: {
    program: 'ru-egisz',
    sut: { role: 'gateway', serviceUrl: 'http://gis.local/emdr', callbackUrl: 'http://gis.local/cb', documentFileUrl: 'http://gis.local/file', clientEntityId: '3f2504e0-4f89-41d3-9a0c-0305e82c3302' },
  },
  remd: {
    program: 'ru-egisz',
    sut: { role: 'remd', serviceUrl: 'https://remd.test/port/emdr', limits: { requestsPerSecond: 5 } },
    sello: { clientEntityId: '3f2504e0-4f89-41d3-9a0c-0305e82c3303', organization, certificates: { doctor: { certificate: '/keys/doctor.pem', privateKey: '/keys/doctor.key' } } },
  },
};

test('a target for each role validates against the ru-egisz schema', () => {
  for (const [role, target] of Object.entries(TARGETS)) assert.ok(validate(target), `${role}: ${JSON.stringify(validate.errors)}`);
});

test('each role needs its endpoints; an unknown role, a non-GUID clientEntityId or a stray field is refused', () => {
  const without = (role: keyof typeof TARGETS, field: string) => {
    const t = structuredClone(TARGETS[role]) as { sut: Record<string, unknown> };
    delete t.sut[field];
    return t;
  };
  for (const [role, field] of [
    ['mis', 'callbackUrl'],
    ['mis', 'documentFileUrl'],
    ['mis', 'clientEntityId'],
    ['gateway', 'serviceUrl'],
    ['remd', 'serviceUrl'],
  ] as const)
    assert.equal(validate(without(role, field)), false, `${role} without ${field}`);
  assert.equal(validate({ ...TARGETS.remd, sut: { ...TARGETS.remd.sut, role: 'frmo' } }), false);
  assert.equal(validate({ ...TARGETS.gateway, sut: { ...TARGETS.gateway.sut, clientEntityId: 'not-a-guid' } }), false);
  assert.equal(validate({ ...TARGETS.remd, sut: { ...TARGETS.remd.sut, token: 'x' } }), false);
  assert.equal(validate({ ...TARGETS.mis, timeouts: { callbackMs: 50 } }), false);
});
