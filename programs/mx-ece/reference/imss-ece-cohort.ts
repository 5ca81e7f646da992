/**
 * What a Bulk export holds: the receiver's cohort (patients with a consent in force naming it, read from ssa-pgs),
 * each member checked against the padrón (RE-13: one unknown is an error line, the rest are exported), their
 * resources of the last 7 years (RE-02) filtered by `_type` and `_since` (RE-11), as NDJSON files of one type each.
 */
import { exportedResources, ndjsonLine } from '../lib/ndjson.ts';
import type { FhirResource, PatientRecord } from '../lib/record.ts';
import { consentPatientCurp, consentProblem, padronDisagreements } from './consent.ts';
import type { EceContext } from './imss-ece-context.ts';
import { operationOutcome } from './outcome.ts';
import { consentsFor, consultaPadron } from './pgs-client.ts';

/** The resource types the source exports (a `_type` naming another is refused). */
export const EXPORT_TYPES: readonly string[] = ['Patient', 'Organization', 'Practitioner', 'Encounter', 'Condition', 'MedicationRequest', 'Observation', 'DocumentReference'];

export interface ExportFile {
  type: string;
  count: number;
  lines(): Generator<string>;
}

export interface CohortJob {
  transactionTime: string;
  /** By file name (`<Type>-<n>.ndjson`, `errores.ndjson`). */
  files: Map<string, ExportFile>;
}

export interface CohortAsk {
  institution: string;
  now: Date;
  since?: string;
  types?: ReadonlySet<string>;
}

export async function runCohort(ctx: EceContext, ask: CohortAsk): Promise<CohortJob> {
  const { faults } = ctx;
  const members = new Set<string>();
  if (faults.has('ece-export-ignores-consent')) for (const held of ctx.records.all()) members.add(held.record.curp);
  else {
    for (const consent of await consentsFor(ctx.pgs, ask.institution)) {
      const curp = consentPatientCurp(consent);
      // The registry's word is checked again: the source answers for what it gives out.
      if (curp && !consentProblem(consent, curp, ask.institution, ask.now)) members.add(curp);
    }
  }
  const byType = new Map<string, FhirResource[]>();
  const typeOf = new Map<string, string>();
  const errors: object[] = [];
  const sinceMs = ask.since ? Date.parse(ask.since) : undefined;
  for (const curp of members) {
    const held = ctx.records.byCurp(curp);
    if (!held) continue;
    if (!faults.has('ece-export-unknown-in-output')) {
      const beneficiario = await consultaPadron(ctx.pgs, curp);
      const problem = beneficiario ? padronDisagreements(held.record.patient, beneficiario).join('; ') : 'el padrón no conoce la CURP / the padrón does not know the CURP';
      if (problem) {
        errors.push(
          operationOutcome(422, {
            rule: 'RE-03',
            es: `${curp} no se exporta: ${problem}`,
            en: `${curp} is not exported: ${problem}`,
            expression: `Patient.identifier.where(value='${curp}')`,
            code: 'business-rule',
          }),
        );
        continue;
      }
    }
    for (const r of resourcesOf(held.record)) if (r.id) typeOf.set(r.id, r.resourceType);
    for (const r of faults.has('ece-export-old-entries') ? resourcesOf(held.record) : exportedResources(held.record, ask.now)) {
      if (ask.types && !ask.types.has(r.resourceType)) continue;
      if (sinceMs !== undefined && !(Date.parse(r.meta?.lastUpdated ?? '') > sinceMs)) continue;
      const list = byType.get(r.resourceType) ?? [];
      list.push(r);
      byType.set(r.resourceType, list);
    }
  }
  const files = new Map<string, ExportFile>();
  for (const [type, list] of byType) {
    for (let from = 0, n = 1; from < list.length; from += ctx.linesPerFile, n++) {
      const part = list.slice(from, from + ctx.linesPerFile);
      files.set(`${type}-${n}.ndjson`, { type, count: part.length, lines: () => ndjson(part, typeOf) });
    }
  }
  if (errors.length > 0) files.set('errores.ndjson', { type: 'OperationOutcome', count: errors.length, lines: () => ndjson(errors, typeOf) });
  return { transactionTime: ask.now.toISOString(), files };
}

function resourcesOf(record: PatientRecord): FhirResource[] {
  return [record.patient, record.organization, record.practitioner, ...record.clinical];
}

function* ndjson(resources: readonly object[], typeOf: ReadonlyMap<string, string>): Generator<string> {
  let batch = '';
  for (const r of resources) {
    batch += `${ndjsonLine(r as FhirResource, typeOf)}\n`;
    if (batch.length >= 64 * 1024) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}
