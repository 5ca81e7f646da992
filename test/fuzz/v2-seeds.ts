/** Valid HL7 v2 messages to mutate, and the ER7 syntax a mutation inserts (shared by the parser and listener fuzz tests). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAdtA04, buildOruR01, buildSiuS12, triageFacts } from '../../programs/pe-ris/lib/v2-messages.ts';
import { triage } from '../pe-ris/fixtures.ts';

const VALID_DIR = fileURLToPath(new URL('../fixtures/hl7v2/valid/', import.meta.url));
const facts = triageFacts(triage('fuzz-v2').bundle)!;

/** Valid messages of every profile: the fixtures and what the engine builds from a triage. */
export const VALID_V2 = [...readdirSync(VALID_DIR).map((f) => readFileSync(join(VALID_DIR, f), 'utf8')), buildAdtA04(facts), buildOruR01(facts), buildSiuS12(facts)];

/** Delimiters, escapes (good and broken), segment breaks, MLLP bytes, a second header, a long run of empty fields. */
export const ER7_PIECES = [
  '|',
  '^',
  '~',
  '\\',
  '&',
  '\r',
  '\n',
  '\r\n',
  '\\F\\',
  '\\X0D\\',
  '\\X',
  '\\.br\\',
  '\\Z99\\',
  'MSH|^~\\&|',
  '\rMSH|',
  '\rZZZ|1',
  '\rPID|1',
  '\x0b',
  '\x1c',
  '\x00',
  'ÿ',
  'Ñ',
  '|'.repeat(300),
];
