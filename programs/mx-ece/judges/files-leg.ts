/**
 * An export file as it streams back from the record, line by line (RE-10): its content type, one resource of the
 * manifest's type per line, each against its profile (ECE-PRF-NDJSON), the 7-year window at the kick-off (RE-02), the
 * national catalogues (RE-04), no cohort member the padrón does not know (RE-13), and the manifest's count.
 */

import { judgeNdjson } from '../../../src/fhir/stream/ndjson.ts';
import { type Finding, isBlocking } from '../../../src/findings/finding.ts';
import { bodyStream } from '../../../src/journal/body-tap.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { SYSTEM } from '../lib/contract.ts';
import type { FhirResource } from '../lib/record.ts';
import { eceValidator } from './fhir-check.ts';
import { fail, type JudgedFinding, on, underRule, type Verdict } from './judged.ts';
import { rootRule } from './root-rule.ts';
import { type PatientFacts, patientFacts, re02Entry, re04Entry } from './rules/index.ts';
import type { ExportFile } from './wire-state.ts';

const MAX_LINE_BYTES = 16 * 1024 * 1024;
const NDJSON = /^application\/(fhir\+)?ndjson\b/i;

export interface FileContext {
  /** Sex and birth date of the patients exported so far, by `Patient/<id>` and fullUrl-style references. */
  patients: Map<string, PatientFacts>;
  /** CURPs the padrón said it does not know. */
  padronUnknown: ReadonlySet<string>;
}

export interface FileSummary {
  lines: number;
  /** CURPs of the Patient lines; what OperationOutcome lines name (expression or text). */
  curps: string[];
  named: string[];
}

const patientRef = (r: FhirResource): string | undefined => {
  const subject = (r.subject ?? r.patient) as { reference?: unknown } | undefined;
  return typeof subject?.reference === 'string' ? subject.reference : undefined;
};

export async function judgeExportFile(x: ExchangeEntry, role: Verdict['role'], file: ExportFile, context: FileContext): Promise<{ findings: JudgedFinding[]; summary: FileSummary }> {
  const summary: FileSummary = { lines: 0, curps: [], named: [] };
  const v: Verdict = { rule: 'RE-10', role, x, side: 'response' };
  const out: JudgedFinding[] = [];
  const type = x.response?.headers['content-type'] ?? '';
  if (!NDJSON.test(type))
    out.push(
      fail(
        v,
        'structure',
        'header:Content-Type',
        `El archivo ${file.type} llega como «${type}»; se espera application/fhir+ndjson.`,
        `The ${file.type} file comes as "${type}"; application/fhir+ndjson is expected.`,
      ),
    );
  const validator = eceValidator();
  const asOf = file.job.requestedAt;
  const lineFindings: Finding[] = [];
  for await (const result of judgeNdjson(
    bodyStream(x.response),
    (value, line) => {
      const resource = value as FhirResource;
      const at = `${resource.resourceType}`;
      const here = { resource, location: at };
      const found: Finding[] = validator.validate(resource).filter(isBlocking);
      if (resource.resourceType === 'OperationOutcome') {
        summary.named.push(JSON.stringify(resource.issue ?? ''));
        return found;
      }
      if (resource.resourceType === 'Patient') {
        const curp = (Array.isArray(resource.identifier) ? resource.identifier : []).find((i) => isObject(i) && i.system === SYSTEM.curp) as { value?: unknown } | undefined;
        if (typeof curp?.value === 'string') {
          summary.curps.push(curp.value);
          if (context.padronUnknown.has(curp.value)) {
            found.push(
              underRule('RE-13', {
                ruleId: 'RE-13',
                severity: 'error',
                code: 'business-rule',
                location: 'Patient.identifier',
                locationKind: 'fhirpath',
                message: {
                  es: `La línea ${line} exporta ${curp.value}, que el padrón no conoce: debía quedar fuera e informarse en el archivo de error.`,
                  en: `Line ${line} exports ${curp.value}, which the padrón does not know: it had to be left out and reported in the error file.`,
                },
              }),
            );
          }
        }
        if (typeof resource.id === 'string') context.patients.set(`Patient/${resource.id}`, patientFacts(resource));
      }
      const ref = patientRef(resource);
      found.push(...re02Entry(here, asOf), ...re04Entry(here, ref ? (context.patients.get(ref) ?? context.patients.get(ref.replace(/^.*\/(Patient\/[^/]+)$/, '$1'))) : undefined));
      return found.map((f) => ({ ...f, message: { ...f.message, en: `line ${line}: ${f.message.en}`, ...(f.message.es ? { es: `línea ${line}: ${f.message.es}` } : {}) } }));
    },
    { maxLineBytes: MAX_LINE_BYTES, expectedType: file.type },
  )) {
    summary.lines++;
    // A line of another type, or one that is not JSON, breaks the file's contract (RE-10), whatever the engine names it.
    lineFindings.push(...result.findings.map(rootRule).map((f) => (f.ruleId.startsWith('FHIR-') || /^RE-\d/.test(f.ruleId) || /^[a-z]+-\d+$/.test(f.ruleId) ? f : underRule('RE-10', f))));
  }
  if (file.count !== undefined && file.count !== summary.lines) {
    out.push(
      fail(v, 'value', 'count', `El manifiesto dice count ${file.count} y el archivo trae ${summary.lines} líneas.`, `The manifest says count ${file.count} and the file has ${summary.lines} lines.`),
    );
  }
  return { findings: [...out, ...on({ role, x, side: 'response' }, lineFindings)], summary };
}
