import { readFile } from 'node:fs/promises';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import { isBlocking, toOperationOutcome, type Finding } from '../findings/finding.ts';
import { loadProgramSchemas } from '../validation/json-schema.ts';

/**
 * `sello validate FILE… --profile mx-pgs/beneficiario`: checks message files against a profile, for a vendor
 * who wants an answer before running whole scenarios. Exit 0 valid, 3 findings, 4 bad invocation.
 */
export async function validateCommand(files: string[], options: { profile?: string; format?: string }): Promise<number> {
  if (files.length === 0) throw new ConfigurationError('sello validate needs at least one FILE');
  const [program, schema] = (options.profile ?? '').split('/', 2);
  if (!program || !schema) throw new ConfigurationError('--profile takes PROGRAM/SCHEMA, e.g. mx-pgs/beneficiario');
  let registry;
  try {
    registry = loadProgramSchemas(program);
  } catch {
    throw new ConfigurationError(`no profiles for program '${program}'`);
  }
  if (!registry.has(schema)) throw new ConfigurationError(`program ${program} has no profile '${schema}' (have: ${registry.schemaIds.map((id) => id.replace(/^.*\//, '').replace('.schema.json', '')).join(', ')})`);
  let failed = false;
  const results: { file: string; findings: Finding[] }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigurationError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let findings: Finding[];
    try {
      findings = registry.validate(schema, JSON.parse(text), `${program}/${schema}`);
    } catch (error) {
      findings = [{
        ruleId: 'JSON-PARSE', severity: 'fatal', code: 'structure', location: '', locationKind: 'json-pointer',
        message: { en: `Not JSON: ${(error as Error).message}`, es: `No es JSON: ${(error as Error).message}` },
      }];
    }
    failed ||= findings.some(isBlocking);
    results.push({ file, findings });
  }
  if (options.format === 'json') {
    console.log(JSON.stringify(results.map((r) => ({ file: r.file, outcome: toOperationOutcome(r.findings) })), null, 2));
  } else {
    for (const { file, findings } of results) {
      console.log(`${file}: ${findings.length === 0 ? 'valid' : `${findings.length} finding(s)`}`);
      for (const f of findings) console.log(`  ${f.severity.toUpperCase()} [${f.ruleId}] ${f.location || '/'}: ${f.message.es ?? ''}${f.message.es ? ' / ' : ''}${f.message.en}`);
    }
  }
  return failed ? EXIT.conformanceFailure : EXIT.passed;
}
