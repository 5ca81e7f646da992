/**
 * What the RE-nn rules share: a finding in the contract's shape (rule id, error, FHIRPath location, Spanish and
 * English) and the entries of a Bundle with their FHIRPath, so each rule can judge one entry as a stream brings it.
 */
import type { Finding, IssueCode } from '../../../../src/findings/finding.ts';
import { isObject } from '../../../../src/util/is-object.ts';
import type { FhirResource } from '../../lib/record.ts';

export function reFinding(ruleId: string, location: string, message: { es: string; en: string }, code: IssueCode = 'business-rule'): Finding {
  return { ruleId, severity: 'error', code, location, locationKind: 'fhirpath', message };
}

/** A resource and the FHIRPath it sits at (`Bundle.entry[3].resource`, or `Condition` for a lone resource). */
export interface Located {
  resource: FhirResource;
  location: string;
}

/** The resources of a Bundle's entries, with their FHIRPath; entries without a resource are skipped. */
export function bundleEntries(bundle: unknown): Located[] {
  const entries = isObject(bundle) && Array.isArray(bundle.entry) ? bundle.entry : [];
  const out: Located[] = [];
  for (const [i, e] of entries.entries()) {
    if (isObject(e) && isObject(e.resource) && typeof e.resource.resourceType === 'string') out.push({ resource: e.resource as FhirResource, location: `Bundle.entry[${i}].resource` });
  }
  return out;
}

export type Coding = { system?: unknown; code?: unknown; display?: unknown };

/** The codings of a CodeableConcept field with their index, for locations like `code.coding[1]`. */
export function codings(resource: FhirResource, field: string): { coding: Coding; index: number }[] {
  const cc = resource[field];
  const list = isObject(cc) && Array.isArray(cc.coding) ? cc.coding : [];
  return list.flatMap((c, index) => (isObject(c) ? [{ coding: c as Coding, index }] : []));
}

export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
