import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationError } from '../../src/config/errors.ts';
import { describeSut, parseTarget, targetSecrets, unscrubbedVariables } from '../../src/config/target.ts';

const target = (sut: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ program: 'mx-pgs', sut: { role: 'issste', baseUrl: 'http://127.0.0.1:9/pgs/v1', tokenUrl: 'http://127.0.0.1:9/oauth/token', ...sut }, ...extra });

function refused(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseTarget(text, 't.yaml', env);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
    return error.message;
  }
  return assert.fail('expected a ConfigurationError');
}

test('a URL with userinfo written in the file is a ConfigurationError naming its field, without the credential', () => {
  const message = refused(target({ baseUrl: 'https://acme:hunter2@pgs.acme.test/pgs/v1' }));
  assert.match(message, /\/sut\/baseUrl: a URL must not carry credentials/);
  assert.ok(!message.includes('hunter2'), message);
  assert.match(refused(target({ tokenUrl: 'http://onlyuser@h/oauth/token' })), /\/sut\/tokenUrl:/);
});

test('userinfo made of a ${VAR} is refused before substitution, the variable not even read', () => {
  const message = refused(target({ baseUrl: 'http://svc:${SECRET}@pgs.acme.test/pgs/v1' }), { SECRET: 'Zk9-hidden-value' });
  assert.match(message, /\/sut\/baseUrl:/);
  assert.ok(!message.includes('Zk9-hidden-value'), message);
  // Unset: still the userinfo error, not "variable not set".
  assert.match(refused(target({ baseUrl: 'http://svc:${UNSET_SECRET_X}@h/pgs/v1' })), /\/sut\/baseUrl: a URL must not carry credentials/);
});

test('a ${VAR} holding user:password@host is refused after substitution, naming the field', () => {
  const message = refused(target({ baseUrl: 'http://${HOST}/pgs/v1' }), { HOST: 'svc:pw-Qx81@pgs.acme.test' });
  assert.match(message, /\/sut\/baseUrl: .*after \$\{…\} substitution/);
  assert.ok(!message.includes('pw-Qx81'), message);
  const whole = refused(target({ tokenUrl: '${TOKEN_URL}' }), { TOKEN_URL: 'https://a:b@h/oauth/token' });
  assert.match(whole, /\/sut\/tokenUrl:/);
});

test('userinfo anywhere in the file counts, with the pointer escaped (RFC 6901)', () => {
  const yaml = `program: pe-ris\nsut:\n  role: engine\n  name: "see ftp://u:p@files.example/x"\n`;
  assert.match(refused(yaml), /\/sut\/name:/);
  const json = JSON.stringify({ program: 'mx-pgs', sut: { role: 'imss' }, 'x/y~z': 'http://u:p@h' });
  assert.match(refused(json), /\/x~1y~0z:/);
});

test('an @ in a path or query is not userinfo', () => {
  const parsed = parseTarget(target({ baseUrl: 'http://127.0.0.1:9/pgs/v1/@me?x=a@b' }), 't.json', {});
  assert.equal(parsed.sut.role, 'issste');
});

test('the values substituted from the environment are the target secrets, kept out of any serialization', () => {
  const text = target({ name: '${NAME_VAR}' }, { credentials: { ISSSTE: { clientId: 'c', clientSecret: '${S1}' }, SSA: { clientId: 'c2', clientSecret: '${S1}' } } });
  const parsed = parseTarget(text, 't.json', { S1: 'secret-one-Wq', NAME_VAR: 'Acme node' });
  assert.deepEqual([...targetSecrets(parsed)].sort(), ['Acme node', 'secret-one-Wq']);
  const serialized = JSON.stringify(parsed);
  assert.ok(!serialized.includes('secrets'), serialized);
  assert.equal(serialized.split('secret-one-Wq').length - 1, 2, 'the secret is where the file put it, and nowhere else');
  assert.deepEqual(Object.keys(parsed).sort(), ['credentials', 'program', 'sut']);
  assert.ok(!JSON.stringify(describeSut(parsed)).includes('secret-one-Wq'));
  assert.deepEqual(targetSecrets(undefined), []);
  assert.deepEqual(targetSecrets(parseTarget(target({}), 't.json', {})), []);
});

test('variables too short to be scrubbed are named for a warning; an empty one is no secret', () => {
  const text = target({ name: '${LONG} ${SHORT}' }, { credentials: { ISSSTE: { clientId: '${EMPTY}x', clientSecret: '${SHORT}' } } });
  const parsed = parseTarget(text, 't.json', { LONG: 'long-enough', SHORT: 'abc', EMPTY: '' });
  assert.deepEqual(unscrubbedVariables(parsed), ['SHORT']);
  assert.deepEqual([...targetSecrets(parsed)].sort(), ['abc', 'long-enough']);
});
