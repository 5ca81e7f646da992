import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/sello.mjs', import.meta.url));
const sello = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

test('sello --version prints the package version and exits 0', () => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  const result = sello('--version');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), version);
});

test('every command has its own --help, exit 0, naming its options and the exit codes', () => {
  for (const [command, flag] of [
    ['run', '--seed'],
    ['mocks', '--mllp-port'],
    ['validate', '--profile'],
    ['verify', '--public-key'],
    ['diff', '--format'],
    ['keygen', '--out'],
  ] as const) {
    const result = sello(command, '--help');
    assert.equal(result.status, 0, `${command}: ${result.stderr}`);
    assert.match(result.stdout, new RegExp(`Usage: sello ${command}`));
    assert.ok(result.stdout.includes(flag), `${command} --help lists ${flag}`);
    assert.match(result.stdout, /Exit codes: 0/);
  }
});

test('a mistyped command or flag is a configuration error (exit 4) with a suggestion', () => {
  const command = sello('rnu');
  assert.equal(command.status, 4);
  assert.match(command.stderr, /unknown command 'rnu'[\s\S]*Did you mean run\?/);
  const flag = sello('run', '--seeed', '7');
  assert.equal(flag.status, 4);
  assert.match(flag.stderr, /Did you mean --seed\?/);
  const extra = sello('run', 'stray');
  assert.equal(extra.status, 4);
  const missing = sello('diff', 'only-one');
  assert.equal(missing.status, 4);
  assert.match(missing.stderr, /run-b/);
});

test("no command prints the usage and exits 4; an unknown program is still the command's own configuration error", () => {
  const none = sello();
  assert.equal(none.status, 4);
  assert.match(none.stderr, /Usage: sello/);
  const program = sello('run', '--program', 'nowhere');
  assert.equal(program.status, 4);
  assert.match(program.stderr, /unknown program 'nowhere'/);
});
