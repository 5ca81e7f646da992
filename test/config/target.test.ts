import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MxPgsTarget } from '../../programs/mx-pgs/lib/target.ts';
import { ConfigurationError } from '../../src/config/errors.ts';
import { describeSut, loadTarget, parseTarget, type TargetFile } from '../../src/config/target.ts';
import { tempDir } from '../support/temp-dir.ts';

const ENV = { IMSS_SECRET: 'imss-s3cr3t-A', ISSSTE_SECRET: 'issste-s3cr3t-B', SSA_SECRET: 'ssa-s3cr3t-C' };

// The README's example, verbatim in shape: flow mappings and all.
const README_YAML = `program: mx-pgs
sut:
  role: imss                                  # imss | issste | ssa: the node your system plays
  name: Acme PGS node 2.3
  baseUrl: https://pgs.acme.test/pgs/v1
  tokenUrl: https://pgs.acme.test/oauth/token
credentials:                                  # OAuth2 client-credentials, one per institution
  IMSS:   { clientId: imss-client,   clientSecret: \${IMSS_SECRET} }
  ISSSTE: { clientId: issste-client, clientSecret: \${ISSSTE_SECRET} }
  SSA:    { clientId: ssa-client,    clientSecret: \${SSA_SECRET} }
mocks:                                        # where Sello's mocks of the other roles listen
  ports: { SSA: 7303, ISSSTE: 7302 }          # point your node's central-index URL at the SSA one
timeouts: { requestMs: 10000, propagationMs: 5000 }
`;

const EXPECTED: MxPgsTarget = {
  program: 'mx-pgs',
  sut: { role: 'imss', name: 'Acme PGS node 2.3', baseUrl: 'https://pgs.acme.test/pgs/v1', tokenUrl: 'https://pgs.acme.test/oauth/token' },
  credentials: {
    IMSS: { clientId: 'imss-client', clientSecret: 'imss-s3cr3t-A' },
    ISSSTE: { clientId: 'issste-client', clientSecret: 'issste-s3cr3t-B' },
    SSA: { clientId: 'ssa-client', clientSecret: 'ssa-s3cr3t-C' },
  },
  mocks: { ports: { SSA: 7303, ISSSTE: 7302 } },
  timeouts: { requestMs: 10000, propagationMs: 5000 },
};

const minimal = (sut: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ program: 'mx-pgs', sut: { role: 'issste', baseUrl: 'http://127.0.0.1:9/pgs/v1', tokenUrl: 'http://127.0.0.1:9/oauth/token', ...sut }, ...extra });

function configurationError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected a ConfigurationError');
}

test("the README's YAML target parses, with every ${VAR} replaced", () => {
  assert.deepEqual(parseTarget(README_YAML, 'target.yaml', ENV), EXPECTED);
});

test('the same target written as JSON parses to the same value', () => {
  const json = JSON.stringify({
    ...EXPECTED,
    credentials: { IMSS: { clientId: 'imss-client', clientSecret: '${IMSS_SECRET}' }, ISSSTE: EXPECTED.credentials?.ISSSTE, SSA: EXPECTED.credentials?.SSA },
  });
  assert.deepEqual(parseTarget(json, 'target.json', ENV), EXPECTED);
});

test('a minimal target needs only program and sut', () => {
  const target = parseTarget(minimal({}), 't.json', {});
  assert.deepEqual(target, { program: 'mx-pgs', sut: { role: 'issste', baseUrl: 'http://127.0.0.1:9/pgs/v1', tokenUrl: 'http://127.0.0.1:9/oauth/token' } });
});

test('loadTarget reads a file from disk, and a missing file is a ConfigurationError naming it', async () => {
  const dir = await tempDir('sello-target-test-');
  const file = join(dir, 'target.yaml');
  await writeFile(file, README_YAML);
  assert.deepEqual(await loadTarget(file, ENV), EXPECTED);
  const missing = join(dir, 'absent.yaml');
  await assert.rejects(loadTarget(missing, ENV), (error: unknown) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /cannot read target file .*absent\.yaml: ENOENT/);
    return true;
  });
});

test('interpolation replaces every occurrence and leaves text without ${} alone', () => {
  const named = (name: string, env: NodeJS.ProcessEnv) => parseTarget(`program: mx-pgs\nsut: { role: imss, name: "${name}", baseUrl: "http://h/pgs/v1", tokenUrl: "http://h/t" }\n`, 'f', env).sut.name;
  assert.equal(named('a ${X} b ${X} ${Y_2}', { X: '1', Y_2: 'two' }), 'a 1 b 1 two');
  assert.equal(named('cost: $5 and $X and ${ not-a-name }', {}), 'cost: $5 and $X and ${ not-a-name }');
  assert.equal(named('empty:${E}.', { E: '' }), 'empty:.', 'a variable set to empty is set');
});

test('an unset variable is a ConfigurationError naming the file and every missing variable', () => {
  const error = configurationError(() => parseTarget(README_YAML, 'acme.yaml', { IMSS_SECRET: 'x' }));
  assert.match(error.message, /^acme\.yaml: /);
  assert.match(error.message, /ISSSTE_SECRET/);
  assert.match(error.message, /SSA_SECRET/);
  assert.doesNotMatch(error.message, /IMSS_SECRET/, 'only the missing ones are named');
});

test('an unknown property is a ConfigurationError naming the pointer of its object and the property', () => {
  const top = configurationError(() => parseTarget(minimal({}, { retries: 3 }), 't.json', {}));
  assert.match(top.message, /^ {2}\/: must NOT have additional properties \(retries\)$/m);
  const nested = configurationError(() => parseTarget(minimal({ password: 'x' }), 't.json', {}));
  assert.match(nested.message, /^ {2}\/sut: .*\(password\)$/m);
  const deep = configurationError(() => parseTarget(minimal({}, { credentials: { IMSS: { clientId: 'a', clientSecret: 'b', scope: 'c' } } }), 't.json', {}));
  assert.match(deep.message, /^ {2}\/credentials\/IMSS: .*\(scope\)$/m);
});

test('a bad role is a ConfigurationError at /sut/role', () => {
  const error = configurationError(() => parseTarget(minimal({ role: 'IMSS-prod' }), 't.json', {}));
  assert.match(error.message, /^ {2}\/sut\/role: /m);
});

test('a non-http URL is a ConfigurationError at its pointer', () => {
  const base = configurationError(() => parseTarget(minimal({ baseUrl: 'ftp://pgs.acme.test/pgs/v1' }), 't.json', {}));
  assert.match(base.message, /^ {2}\/sut\/baseUrl: /m);
  assert.doesNotMatch(base.message, /tokenUrl/);
  const token = configurationError(() => parseTarget(minimal({ tokenUrl: 'pgs.acme.test/oauth/token' }), 't.json', {}));
  assert.match(token.message, /^ {2}\/sut\/tokenUrl: /m);
});

test('every problem is reported at once, one line each', () => {
  const error = configurationError(() => parseTarget(minimal({ role: 'x', baseUrl: 'file:///etc' }, { timeouts: { requestMs: 5 } }), 't.json', {}));
  assert.match(error.message, /\/sut\/role/);
  assert.match(error.message, /\/sut\/baseUrl/);
  assert.match(error.message, /\/timeouts\/requestMs/);
});

test('text that is neither YAML nor JSON is a ConfigurationError', () => {
  const error = configurationError(() => parseTarget('program: [mx-pgs\n', 'broken.yaml', {}));
  assert.match(error.message, /^broken\.yaml: not valid YAML\/JSON/);
});

test('describeSut shows role, URL and name, and never credentials', () => {
  const target = parseTarget(README_YAML, 'target.yaml', ENV);
  const described = describeSut(target);
  assert.deepEqual(described, { role: 'imss', baseUrl: 'https://pgs.acme.test/pgs/v1', kind: 'external', name: 'Acme PGS node 2.3' });
  const text = JSON.stringify(described);
  for (const value of [...Object.values(ENV), 'imss-client', 'issste-client', 'ssa-client']) assert.ok(!text.includes(value), value);
  assert.deepEqual(describeSut(undefined), { role: 'all', baseUrl: 'reference implementations on loopback', kind: 'reference' });
});

test('describeSut hides credentials written into the SUT URL', () => {
  // parseTarget refuses such a URL (test/config/target-secrets.test.ts); a target built in code is still described safely.
  const target = { ...JSON.parse(minimal({ baseUrl: 'https://acme:hunter2@pgs.acme.test/pgs/v1' })) } as TargetFile;
  const shown = JSON.stringify(describeSut(target));
  assert.ok(!shown.includes('hunter2'), shown);
});

test('a secret is used verbatim whatever characters it holds', () => {
  // Plausible generated secrets: all digits, a YAML boolean, flow/indicator characters.
  for (const secret of ['20250615', 'true', 'abc,def}', '@x9!', '*Zq', 'a #b', 'q"u']) {
    let target: TargetFile;
    try {
      target = parseTarget(README_YAML, 'target.yaml', { ...ENV, IMSS_SECRET: secret });
    } catch (error) {
      assert.fail(`secret ${JSON.stringify(secret)}: ${(error as Error).message.split('\n')[0]}`);
    }
    assert.equal(target.program === 'mx-pgs' ? (target as MxPgsTarget).credentials?.IMSS?.clientSecret : undefined, secret);
  }
});

test('a ConfigurationError never prints a secret read from the environment', () => {
  const secret = '@Vx7-not-for-logs';
  let message = '';
  try {
    parseTarget(README_YAML, 'target.yaml', { ...ENV, IMSS_SECRET: secret });
  } catch (error) {
    message = (error as Error).message;
  }
  assert.ok(!message.includes(secret), message);
});
