import type { Finding } from '../../../../src/findings/finding.ts';
import type { Rule } from '../../../../src/rules/rule.ts';
import { parseJson } from '../../../../src/validation/json-schema.ts';
import { pgsSchemas } from '../../lib/schemas.ts';

/**
 * RN-10: a body is JSON and matches its mx-pgs schema (`beneficiario`, `baja`, `evento-indice`…, by short
 * name or $id). Every finding is RN-10 with the JSON pointer of the offending field. `value` is the parsed
 * body whenever the JSON parsed, even if the schema failed; callers must look at the findings first.
 */
export function checkWellFormed(raw: string | Buffer, schemaId: string): { value?: unknown; findings: Finding[] } {
  const parsed = parseJson(raw, 'RN-10');
  if (!parsed.ok) return { findings: [parsed.finding] };
  return { value: parsed.value, findings: pgsSchemas().validate(schemaId, parsed.value, 'RN-10') };
}

export interface WellFormedContext {
  raw: string | Buffer;
  schemaId: string;
}

export const rn10MensajeBienFormado: Rule<WellFormedContext> = {
  id: 'RN-10',
  check: (ctx) => checkWellFormed(ctx.raw, ctx.schemaId).findings,
};
