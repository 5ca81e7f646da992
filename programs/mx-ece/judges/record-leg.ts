/**
 * A `$everything` answer judged as it streams back from the record (RE-05: memory does not grow with the record):
 * every entry against its profile (ECE-PRF-EXPEDIENTE, the FHIR validator's FHIR-* findings), the document's structure
 * (RE-06), the 7-year window at the request's instant (RE-02), the national catalogues (RE-04), the Patient against the
 * padrón (RE-03) and the CDA summary (RE-07). What it counted (entries by type, notes, the Patient's CURP) is kept for
 * the scenario's Then steps.
 */
import { atEntry, readBundleStream } from '../../../src/fhir/stream/bundle.ts';
import { type Finding, isBlocking } from '../../../src/findings/finding.ts';
import { bodyStream } from '../../../src/journal/body-tap.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { PROFILE, SYSTEM } from '../lib/contract.ts';
import type { Beneficiario, FhirResource } from '../lib/record.ts';
import { CLINICAL_TYPES, isSummary } from '../lib/retention.ts';
import { eceValidator } from './fhir-check.ts';
import { on, type Verdict } from './judged.ts';
import { rootRules } from './root-rule.ts';
import { DocumentStructure, type Located, type PatientFacts, patientFacts, re02Entry, re03Padron, re04Entry, re07Summary } from './rules/index.ts';

/** One entry assembled at a time; a larger one is a SELLO-LIMIT finding, not a crash. */
const MAX_ENTRY_BYTES = 16 * 1024 * 1024;
/** A Bundle this small is also validated whole against ExpedienteBundle (slices and Bundle invariants). */
const WHOLE_BUNDLE_BYTES = 4 * 1024 * 1024;

export interface RecordSummary {
  entries: number;
  types: Record<string, number>;
  clinical: number;
  notes: number;
  summaries: number;
  patientCurps: string[];
}

export interface RecordContext {
  /** The CURP the request asked for. */
  curpAsked: string | undefined;
  /** The padrón's record of it: a Beneficiario, `unknown` when the padrón said it does not know it, undefined when nothing on the wire tells. */
  padron: Beneficiario | 'unknown' | undefined;
}

const curpOf = (patient: FhirResource): string | undefined =>
  (Array.isArray(patient.identifier) ? patient.identifier : []).map((i) => (isObject(i) && i.system === SYSTEM.curp && typeof i.value === 'string' ? i.value : undefined)).find((v) => v !== undefined);

export async function judgeRecordAnswer(x: ExchangeEntry, role: Verdict['role'], context: RecordContext): Promise<{ findings: Finding[]; summary: RecordSummary }> {
  const asOf = new Date(x.startedAt);
  const validator = eceValidator();
  const structure = new DocumentStructure();
  const findings: Finding[] = [];
  const summary: RecordSummary = { entries: 0, types: {}, clinical: 0, notes: 0, summaries: 0, patientCurps: [] };
  let patient: PatientFacts | undefined;
  let patientEntry: Located | undefined;
  let summaryEntry: Located | undefined;
  const head: Record<string, unknown> = {};
  let headGiven = false;
  const giveHead = () => {
    if (headGiven) return;
    headGiven = true;
    structure.head(head);
  };
  const read = await readBundleStream(
    bodyStream(x.response),
    {
      onMember: (name, value) => {
        head[name] = value;
      },
      onEntry: (entry, index) => {
        giveHead();
        structure.add(entry, index);
        summary.entries++;
        const resource = isObject(entry) && isObject(entry.resource) ? (entry.resource as FhirResource) : undefined;
        if (!resource || typeof resource.resourceType !== 'string') return;
        const at = `Bundle.entry[${index}].resource`;
        const here: Located = { resource, location: at };
        const type = resource.resourceType;
        summary.types[type] = (summary.types[type] ?? 0) + 1;
        if (type === 'Patient' && !patientEntry) {
          patientEntry = here;
          patient = patientFacts(resource);
          const curp = curpOf(resource);
          if (curp) summary.patientCurps.push(curp);
        }
        if (type === 'DocumentReference' && isSummary(resource)) {
          summary.summaries++;
          summaryEntry ??= here;
        } else if (CLINICAL_TYPES.has(type)) {
          summary.clinical++;
          if (type === 'DocumentReference') summary.notes++;
        }
        findings.push(...atEntry(validator.validate(resource).filter(isBlocking), index));
        findings.push(...re02Entry(here, asOf), ...re04Entry(here, patient));
      },
    },
    { maxEntryBytes: MAX_ENTRY_BYTES },
  );
  giveHead();
  findings.push(...read.findings, ...structure.finish());
  if (patientEntry && context.curpAsked && context.padron !== undefined) {
    findings.push(...re03Padron({ patient: patientEntry, curpAsked: context.curpAsked, beneficiario: context.padron === 'unknown' ? undefined : context.padron }));
  }
  findings.push(...(await re07Summary(summaryEntry, patientEntry ? curpOf(patientEntry.resource) : undefined)));
  const bytes = x.response?.spilled?.bytes ?? 0;
  if (bytes > 0 && bytes <= WHOLE_BUNDLE_BYTES) findings.push(...(await wholeBundleFindings(x, validator)));
  return { findings: on({ role, x, side: 'response' }, rootRules(findings)), summary };
}

/** The Bundle-level part of ExpedienteBundle (slices, Bundle invariants): entries were judged one by one already. */
async function wholeBundleFindings(x: ExchangeEntry, validator: ReturnType<typeof eceValidator>): Promise<Finding[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of bodyStream(x.response)) chunks.push(chunk as Buffer);
  let bundle: unknown;
  try {
    bundle = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return [];
  }
  return validator
    .validate(bundle, { profile: PROFILE.bundle })
    .filter(isBlocking)
    .filter((f) => !/^Bundle\.entry\[\d+\]\.resource[.[]/.test(f.location));
}
