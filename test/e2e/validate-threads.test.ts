import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSello, tempDir } from './sello-process.ts';

/** 700 lines, more than two batches of 256, so lines of one file are judged on both threads and must be put back in order. */
function cohort(): string {
  const lines: string[] = [];
  for (let i = 1; i <= 700; i++) {
    const patient: Record<string, unknown> = { resourceType: 'Patient', id: `p${i}`, gender: 'female', birthDate: '1980-01-01' };
    if (i % 7 === 0) patient['birthDate'] = '1980-02-30';
    if (i % 11 === 0) patient['nickname'] = 'x';
    lines.push(i === 300 ? '{"resourceType": ' : i === 400 ? '' : JSON.stringify(patient));
  }
  return `${lines.join('\n')}\n`;
}

test('sello validate --threads 2 prints what one thread prints, line for line, with the same exit code', async () => {
  const dir = await tempDir('sello-threads-');
  const file = join(dir, 'cohort.ndjson');
  await writeFile(file, cohort());
  const serial = await runSello(['validate', file]);
  const threaded = await runSello(['validate', file, '--threads', '2']);
  assert.equal(serial.code, 3, serial.stderr);
  assert.equal(threaded.code, serial.code, threaded.stderr);
  assert.match(serial.stdout, /699 document\(s\), 155 with errors/);
  assert.equal(threaded.stdout, serial.stdout);
});

test('sello validate --threads: a bad count and an unknown profile are configuration errors (exit 4)', async () => {
  const dir = await tempDir('sello-threads-');
  const file = join(dir, 'one.ndjson');
  await writeFile(file, `${JSON.stringify({ resourceType: 'Patient' })}\n`);
  const zero = await runSello(['validate', file, '--threads', '0']);
  assert.equal(zero.code, 4);
  assert.match(zero.stderr, /--threads/);
  const unknown = await runSello(['validate', file, '--threads', '2', '--profile', 'http://example.org/fhir/StructureDefinition/none']);
  assert.equal(unknown.code, 4, unknown.stdout + unknown.stderr);
  assert.match(unknown.stderr, /unknown FHIR profile/);
});
