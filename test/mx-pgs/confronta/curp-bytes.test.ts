/**
 * The confronta clears most lines on the CURP's bytes (isValidCurpAt) instead of validateCurp's findings: the two
 * must agree on every CURP, or a line would be counted clean that the online rules call CURP_INVALIDA.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isGenericCurpAt, isValidCurpAt } from '../../../programs/mx-pgs/lib/confronta/curp-bytes.ts';
import { curpCheckDigit, GENERIC_CURP, generatePerson, SeededRandom, validateCurp } from '../../../src/identifiers/mx/index.ts';
import { fuzzRuns, mutatedText } from '../../fuzz/fuzz.ts';

/** The CURP at an offset inside other bytes, as it lies in a padrón line. */
const atOffset = (curp: string): [Buffer, number] => [Buffer.from(`ab|${curp}|cd`, 'latin1'), 3];
const agree = (curp: string): void => {
  const [b, at] = atOffset(curp);
  assert.equal(isValidCurpAt(b, at), curp !== GENERIC_CURP && validateCurp(curp, { allowGeneric: true }).length === 0, curp);
};
const withDigit = (first17: string): string => first17 + curpCheckDigit(first17);

const rng = new SeededRandom('curp-bytes');
const GENERATED = Array.from({ length: 500 }, (_, i) => generatePerson(rng.fork(String(i))).curp);
/** One rule broken at a time: format per position, inconvenient word, impossible day, state, check digit. */
const EDGES = [
  withDigit('GOMA800101HDFRRN0'),
  withDigit('GOMA800229HDFRRN0'),
  withDigit('GOMA000229HDFRRNA'),
  withDigit('GOMA010229HDFRRNA'),
  withDigit('GOMA800230HDFRRN0'),
  withDigit('GOMA801301HDFRRN0'),
  withDigit('GOMA800100HDFRRN0'),
  withDigit('GOMA800101HXXRRN0'),
  withDigit('GOMA800101HNERRN0'),
  withDigit('GOMA800101QDFRRN0'),
  withDigit('GOMA800101HDFARN0'),
  withDigit('GBMA800101HDFRRN0'),
  withDigit('G0MA800101HDFRRN0'),
  withDigit('GOMA8001O1HDFRRN0'),
  'GOMA800101HDFRRN_0',
  withDigit('PUTO800101HDFRRN0'),
  withDigit('PXTO800101HDFRRN0'),
  withDigit('GOMA800101HDFRÑN0'),
  'GOMA800101HDFRRN0A',
  GENERIC_CURP,
  'goma800101hdfrrn09',
];

test('the byte check of a CURP agrees with validateCurp on generated CURPs and on each rule broken alone', () => {
  assert.ok(
    GENERATED.every((c) => isValidCurpAt(...atOffset(c))),
    'generated CURPs are valid',
  );
  for (const curp of [...GENERATED, ...EDGES]) agree(curp);
  // Every check digit but the right one is refused.
  const first17 = GENERATED[0]!.slice(0, 17);
  for (let d = 0; d <= 9; d++) agree(first17 + d);
});

test('the generic CURP is told apart where it lies in a line', () => {
  assert.equal(isGenericCurpAt(...atOffset(GENERIC_CURP)), true);
  assert.equal(isGenericCurpAt(...atOffset(GENERATED[0]!)), false);
  assert.equal(isGenericCurpAt(...atOffset('XXXX999999XXXXXX98')), false);
});

const runs = fuzzRuns(5000);
test(`the byte check of a CURP agrees with validateCurp on mutated CURPs ${runs.label}`, () => {
  const pieces = ['0', '9', 'A', 'X', 'Ñ', 'H', 'M', 'NE', 'DF', 'PUTO', '29', '02', '31', '00', '13'];
  // Only 18-character Latin-1 texts reach the check (the line scanner's shape); others are the scanner's to refuse.
  fc.assert(
    fc.property(mutatedText([...GENERATED.slice(0, 30), ...EDGES], pieces, 2), (text) => {
      const curp = text.padEnd(18, '0').slice(0, 18);
      fc.pre(/^[\u0000-\u00ff]{18}$/.test(curp));
      agree(curp);
    }),
    runs.params,
  );
});
